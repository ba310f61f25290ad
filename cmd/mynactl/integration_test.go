package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/card/sim"
	"github.com/mynadesk/mynadesk/internal/vpcdtest"
	"github.com/mynadesk/mynadesk/jpki"
	"github.com/mynadesk/mynadesk/jpki/jpkitest"
)

// Everything here runs through the real stack: mynactl → pcsc-lite →
// pcscd → vpcd → the virtual card.

var holder = jpkitest.Holder{Name: "公的\u3000花子", Address: "東京都架空区見本町一丁目２番３号", Birth: "19900101", Sex: "2"}

var (
	pkiOnce sync.Once
	testPKI *jpkitest.PKI
)

func pki(t testing.TB) *jpkitest.PKI {
	pkiOnce.Do(func() {
		var err error
		if testPKI, err = jpkitest.NewPKI(jpkitest.PKIOptions{Holder: holder, Now: time.Now()}); err != nil {
			panic(err)
		}
	})
	return testPKI
}

// insert puts a virtual card made by mod into slot and returns it.
func insert(t *testing.T, slot int, mod func(*sim.Profile), opts sim.ServeOptions) *sim.Card {
	t.Helper()
	p := sim.NewProfile(holder, pki(t))
	if mod != nil {
		mod(&p)
	}
	c, err := sim.NewCard(p)
	if err != nil {
		t.Fatal(err)
	}
	vpcdtest.Insert(t, slot, sim.Server(c, opts))
	return c
}

type result struct {
	code           int
	stdout, stderr string
}

// mynactl runs the command in-process against the real PC/SC service.
func mynactl(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	code := run(ctx, args, strings.NewReader(stdin), &out, &errb)
	return result{code, out.String(), errb.String()}
}

func (r result) json(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		t.Fatalf("not JSON (%v): %s\nstderr: %s", err, r.stdout, r.stderr)
	}
	return v
}

func (r result) errorCode(t *testing.T) string {
	t.Helper()
	e, _ := r.json(t)["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

func TestIntegrationStatusAndAttrs(t *testing.T) {
	vpcdtest.Lock(t)
	insert(t, 0, nil, sim.ServeOptions{})

	r := mynactl(t, "", "status", "--json")
	if r.code != exitOK {
		t.Fatalf("status: %d %s %s", r.code, r.stdout, r.stderr)
	}
	st := r.json(t)
	if st["reader"] != vpcdtest.Readers[0] || st["kind"] != "mynumber-card" || st["atr"] != "3be000ff8131fe4514" {
		t.Fatalf("status %v", st)
	}
	var counters []string
	for _, p := range st["pins"].([]any) {
		m := p.(map[string]any)
		counters = append(counters, m["pin"].(string)+"="+jsonInt(m["tries_left"])+"/"+jsonInt(m["max_tries"]))
	}
	if strings.Join(counters, " ") != "helper=3/3 auth=3/3 sign=5/5" {
		t.Fatalf("counters %v", counters)
	}

	r = mynactl(t, "1234\n", "attrs", "--pin-stdin", "--json")
	if r.code != exitOK {
		t.Fatalf("attrs: %d %s", r.code, r.stderr)
	}
	a := r.json(t)
	if a["name"] != holder.Name || a["address"] != holder.Address || a["birth"] != holder.Birth || a["sex"] != holder.Sex {
		t.Fatalf("attrs %v", a)
	}
	if len(a) != 4 {
		t.Fatalf("attrs prints more than the 4 attributes: %v", a)
	}

	// The trace shows every APDU with the PIN redacted.
	r = mynactl(t, "1234\n", "attrs", "--pin-stdin", "--trace")
	if r.code != exitOK || !strings.Contains(r.stderr, "apdus: 6\n") || !strings.Contains(r.stderr, "[4 bytes redacted]") {
		t.Fatalf("trace: %s", r.stderr)
	}
	if strings.Contains(r.stderr, "31323334") || strings.Contains(r.stderr, "1234 ") {
		t.Fatalf("trace shows the PIN: %s", r.stderr)
	}
}

func jsonInt(v any) string {
	f, _ := v.(float64)
	return strconv.Itoa(int(f))
}

func TestIntegrationPINCounting(t *testing.T) {
	vpcdtest.Lock(t)
	c := insert(t, 0, nil, sim.ServeOptions{})

	// A PIN of the wrong shape never reaches the card.
	for _, pin := range []string{"12", "12345", "abcd"} {
		r := mynactl(t, pin+"\n", "attrs", "--pin-stdin", "--json")
		if r.code != exitPIN || r.errorCode(t) != "P01" {
			t.Fatalf("PIN %q: %d %s", pin, r.code, r.stdout)
		}
	}
	if c.TriesLeft(card.PINHelper) != 3 {
		t.Fatal("a shape-invalid PIN used a try")
	}
	// A wrong PIN costs exactly one try, and says how many are left.
	r := mynactl(t, "9999\n", "attrs", "--pin-stdin", "--json")
	if r.code != exitPIN || r.errorCode(t) != "P02" {
		t.Fatalf("wrong PIN: %d %s", r.code, r.stdout)
	}
	if left := r.json(t)["error"].(map[string]any)["tries_left"]; left != 2.0 {
		t.Fatalf("tries_left %v", left)
	}
	if c.TriesLeft(card.PINHelper) != 2 {
		t.Fatalf("counter %d, want 2", c.TriesLeft(card.PINHelper))
	}
	r = mynactl(t, "9999\n", "attrs", "--pin-stdin")
	if r.code != exitPIN || !strings.Contains(r.stderr, "[P02]") || !strings.Contains(r.stderr, "残り1回") {
		t.Fatalf("human error output: %s", r.stderr)
	}
	// The last try is not used by a script without --allow-last-try.
	r = mynactl(t, "9999\n", "attrs", "--pin-stdin", "--json")
	if r.code != exitPIN || r.errorCode(t) != "P06" || c.TriesLeft(card.PINHelper) != 1 {
		t.Fatalf("last try: %d %s, counter %d", r.code, r.stdout, c.TriesLeft(card.PINHelper))
	}
	r = mynactl(t, "9999\n", "attrs", "--pin-stdin", "--allow-last-try", "--json")
	if r.code != exitPIN || r.errorCode(t) != "P03" {
		t.Fatalf("blocking try: %d %s", r.code, r.stdout)
	}
	r = mynactl(t, "1234\n", "attrs", "--pin-stdin", "--json")
	if r.code != exitPIN || r.errorCode(t) != "P03" {
		t.Fatalf("blocked: %d %s", r.code, r.stdout)
	}
	r = mynactl(t, "", "status", "--json")
	if !strings.Contains(r.stdout, `"blocked": true`) {
		t.Fatalf("status does not show the block: %s", r.stdout)
	}
}

func TestIntegrationCertificatesAndSignature(t *testing.T) {
	vpcdtest.Lock(t)
	insert(t, 0, nil, sim.ServeOptions{})
	dir := t.TempDir()

	r := mynactl(t, "ABC123\n", "cert", "sign", "--pin-stdin")
	if r.code != exitOK {
		t.Fatalf("cert sign: %d %s", r.code, r.stderr)
	}
	block, _ := pem.Decode([]byte(r.stdout))
	if block == nil {
		t.Fatalf("no PEM: %q", r.stdout)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	a, err := jpki.DecodeSAN(cert)
	if err != nil || a.Name != holder.Name || a.Address != holder.Address || a.Birth != "4"+holder.Birth {
		t.Fatalf("SAN %+v %v", a, err)
	}
	pemFile := filepath.Join(dir, "sign.pem")
	os.WriteFile(pemFile, []byte(r.stdout), 0o644)
	if out, err := exec.Command("openssl", "x509", "-in", pemFile, "-noout", "-text").CombinedOutput(); err != nil || !strings.Contains(string(out), "Subject Alternative Name") {
		t.Fatalf("openssl x509: %v\n%s", err, out)
	}

	for _, id := range []string{"auth", "auth-ca", "sign-ca"} {
		r := mynactl(t, "", "cert", id)
		if r.code != exitOK || !strings.HasPrefix(r.stdout, "-----BEGIN CERTIFICATE-----") {
			t.Fatalf("cert %s: %d %s", id, r.code, r.stderr)
		}
	}

	in := filepath.Join(dir, "content.txt")
	os.WriteFile(in, []byte("施設予約システム 登録内容\n"), 0o644)
	p7s := filepath.Join(dir, "content.p7s")
	r = mynactl(t, "abc123\n", "sign", "--in", in, "--out", p7s, "--pin-stdin")
	if r.code != exitOK {
		t.Fatalf("sign: %d %s", r.code, r.stderr)
	}
	ca := filepath.Join(dir, "ca.pem")
	os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: pki(t).SignCA.Cert.Raw}), 0o644)
	out, err := exec.Command("openssl", "cms", "-verify", "-in", p7s, "-inform", "DER", "-CAfile", ca, "-purpose", "any").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "施設予約システム") {
		t.Fatalf("openssl cms -verify: %v\n%s", err, out)
	}
}

func TestIntegrationDiagHasNoPersonalData(t *testing.T) {
	vpcdtest.Lock(t)
	insert(t, 0, nil, sim.ServeOptions{})
	r := mynactl(t, "", "diag", "--json")
	if r.code != exitOK {
		t.Fatalf("diag: %d %s", r.code, r.stderr)
	}
	for _, personal := range []string{"公的", "花子", "東京都", "架空区", "1990", "19900101", pki(t).AuthCert.SerialNumber.String(), pki(t).AuthCert.Subject.CommonName} {
		if i := strings.Index(r.stdout, personal); i >= 0 {
			t.Fatalf("diag carries %q: …%s…", personal, r.stdout[max(0, i-80):min(len(r.stdout), i+40)])
		}
	}
	d := r.json(t)
	c := d["card"].(map[string]any)
	applets := map[string]bool{}
	for _, a := range c["applets"].([]any) {
		m := a.(map[string]any)
		applets[m["name"].(string)] = m["answered"].(bool)
	}
	if !applets["jpki"] || !applets["input-helper"] || !applets["card-face"] || len(d["trace"].([]any)) == 0 {
		t.Fatalf("diag %s", r.stdout)
	}
	r = mynactl(t, "", "diag")
	if r.code != exitOK || !strings.Contains(r.stdout, "pin sign: 5/5") {
		t.Fatalf("diag text: %s", r.stdout)
	}
}

func TestIntegrationCardFaults(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faults sim.Faults
		args   []string
		code   string
	}{
		{"removed mid-read", sim.Faults{RemoveAfter: 5}, nil, "13100"},
		{"no answer", sim.Faults{MuteAfter: 5}, []string{"--timeout", "3s"}, "13500"},
		{"garbled", sim.Faults{GarbleAfter: 5}, nil, "13999"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vpcdtest.Lock(t)
			insert(t, 0, nil, sim.ServeOptions{Faults: tc.faults, MuteTimeout: 6 * time.Second})
			r := mynactl(t, "1234\n", append([]string{"attrs", "--pin-stdin", "--json"}, tc.args...)...)
			if r.code != exitCard || r.errorCode(t) != tc.code {
				t.Fatalf("%d %s %s", r.code, r.stdout, r.stderr)
			}
			if strings.Contains(r.stdout, "花子") {
				t.Fatal("half-read data printed")
			}
		})
	}
}

func TestIntegrationJukiCard(t *testing.T) {
	vpcdtest.Lock(t)
	insert(t, 0, func(p *sim.Profile) { p.Token = sim.TokenJuki }, sim.ServeOptions{})
	r := mynactl(t, "", "status", "--json")
	if r.code != exitCard || !strings.Contains(r.stdout, "juki-card") {
		t.Fatalf("status: %d %s", r.code, r.stdout)
	}
	// The kind is learnt once per insertion (here by the status above,
	// in this process): signing is then refused before any prompt. A cold
	// `cert sign` does not identify the card again (it would cost the APDUs
	// the budget has not got); every Juki card expired by 2025.
	r = mynactl(t, "ABC123\n", "cert", "sign", "--pin-stdin", "--json")
	if r.code != exitCard || r.errorCode(t) != "13601" {
		t.Fatalf("cert sign: %d %s", r.code, r.stdout)
	}
	// attrs finds no input helper and says what card it is, cold too.
	card.ForgetReader(vpcdtest.Readers[0])
	r = mynactl(t, "1234\n", "attrs", "--pin-stdin", "--json")
	if r.code != exitCard || r.errorCode(t) != "13601" {
		t.Fatalf("attrs: %d %s", r.code, r.stdout)
	}
}

func TestIntegrationReaders(t *testing.T) {
	vpcdtest.Lock(t)
	// No card anywhere.
	r := mynactl(t, "", "status", "--json")
	if r.code != exitReader || r.errorCode(t) != "R04" {
		t.Fatalf("no card: %d %s", r.code, r.stdout)
	}
	r = mynactl(t, "", "readers", "--json")
	if r.code != exitOK || !strings.Contains(r.stdout, vpcdtest.Readers[0]) || !strings.Contains(r.stdout, vpcdtest.Readers[1]) {
		t.Fatalf("readers: %s", r.stdout)
	}
	// Two cards: say so and ask; --reader chooses.
	insert(t, 0, nil, sim.ServeOptions{})
	insert(t, 1, func(p *sim.Profile) { p.Token = sim.TokenSmartphone }, sim.ServeOptions{})
	r = mynactl(t, "", "status", "--json")
	if r.code != exitReader || r.errorCode(t) != "R03" {
		t.Fatalf("several: %d %s", r.code, r.stdout)
	}
	r = mynactl(t, "", "status", "--json", "--reader", vpcdtest.Readers[1])
	if r.code != exitOK || !strings.Contains(r.stdout, "smartphone-jpki") {
		t.Fatalf("--reader: %d %s", r.code, r.stdout)
	}
	r = mynactl(t, "", "status", "--json", "--reader", "No Such Reader 00 00")
	if r.code != exitReader || r.errorCode(t) != "R06" {
		t.Fatalf("unknown reader: %d %s", r.code, r.stdout)
	}
}
