package main

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ebfe/scard"

	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/card/sim"
	"github.com/mynadesk/mynadesk/internal/vpcdtest"
	"github.com/mynadesk/mynadesk/jpki/jpkitest"
)

// Through pcscd + vpcd, as `mynactl --trace` counts them.

var apdusRe = regexp.MustCompile(`apdus: (\d+)\n`)

func apdus(t *testing.T, stderr string) int {
	t.Helper()
	m := apdusRe.FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no APDU count in %s", stderr)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// readProtected is another application, right after an operation: it
// connects and reads the protected EF in whatever applet is selected.
func readProtected(t *testing.T, fid byte) card.StatusWord {
	t.Helper()
	ctx, err := scard.EstablishContext()
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Release()
	h, err := ctx.Connect(vpcdtest.Readers[0], scard.ShareShared, scard.ProtocolAny)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Disconnect(scard.LeaveCard)
	var resp []byte
	for _, apdu := range [][]byte{{0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, fid}, {0x00, 0xB0, 0x00, 0x00, 0x00}} {
		if resp, err = h.Transmit(apdu); err != nil || len(resp) < 2 {
			t.Fatalf("transmit: % X %v", resp, err)
		}
	}
	return card.StatusWord(resp[len(resp)-2])<<8 | card.StatusWord(resp[len(resp)-1])
}

// The targets on a card that refuses extended length: attrs ≤ 7
// and CMS sign ≤ 14 APDUs, the counter read before the prompt, one
// VERIFY, no PIN verified afterwards for the next application.
func TestIntegrationAPDUTargetsShortOnly(t *testing.T) {
	vpcdtest.Lock(t)
	c := insert(t, 0, func(p *sim.Profile) { p.Extended = sim.ExtendedReject }, sim.ServeOptions{})
	dir := t.TempDir()

	r := mynactl(t, "1234\n", "attrs", "--pin-stdin", "--trace")
	if r.code != exitOK {
		t.Fatalf("attrs: %d %s", r.code, r.stderr)
	}
	t.Logf("attrs through pcscd: %d APDUs", apdus(t, r.stderr))
	if n := apdus(t, r.stderr); n > 7 {
		t.Errorf("attrs: %d APDUs, want ≤ 7\n%s", n, r.stderr)
	}
	if v := strings.Count(r.stderr, "bytes redacted"); v != 1 {
		t.Errorf("attrs: %d VERIFYs with a PIN, want 1", v)
	}
	if c.Verified() {
		t.Error("attrs left a PIN verified")
	}
	if sw := readProtected(t, 0x02); sw == card.SWSuccess {
		t.Error("the next application read EF 0002 after attrs")
	}

	in := filepath.Join(dir, "content.txt")
	os.WriteFile(in, []byte("施設予約システム 登録内容\n"), 0o644)
	r = mynactl(t, "ABC123\n", "sign", "--in", in, "--out", filepath.Join(dir, "c.p7s"), "--pin-stdin", "--trace")
	if r.code != exitOK {
		t.Fatalf("sign: %d %s", r.code, r.stderr)
	}
	t.Logf("sign through pcscd: %d APDUs", apdus(t, r.stderr))
	if n := apdus(t, r.stderr); n > 14 {
		t.Errorf("sign: %d APDUs, want ≤ 14\n%s", n, r.stderr)
	}
	if v := strings.Count(r.stderr, "bytes redacted"); v != 1 {
		t.Errorf("sign: %d VERIFYs with a PIN, want 1", v)
	}
	if strings.Contains(r.stderr, "sw=6700") {
		t.Errorf("sign sent an APDU form the card refuses:\n%s", r.stderr)
	}
	if c.Verified() {
		t.Error("sign left a PIN verified")
	}
	if sw := readProtected(t, 0x01); sw == card.SWSuccess {
		t.Error("the next application read the signing certificate after sign")
	}
}

// Every operation returns within its timeout plus a second, whatever the
// card does: here a card that never answers (vpcd waits for it for ever).
func TestIntegrationTimeoutHoldsOnMuteCard(t *testing.T) {
	for _, after := range []int{1, 3} {
		t.Run(strconv.Itoa(after), func(t *testing.T) {
			vpcdtest.Lock(t)
			insert(t, 0, nil, sim.ServeOptions{Faults: sim.Faults{MuteAfter: after}, MuteTimeout: -1})
			start := time.Now()
			r := mynactl(t, "1234\n", "attrs", "--pin-stdin", "--json", "--timeout", "2s")
			took := time.Since(start)
			if r.code != exitCard || r.errorCode(t) != "13500" {
				t.Fatalf("%d %s %s", r.code, r.stdout, r.stderr)
			}
			if took > 3*time.Second {
				t.Fatalf("--timeout 2s took %v", took)
			}
			// The next command, with the slot still hung (vpcd holds the
			// slot's lock, so SCardConnect blocks), holds its timeout too.
			start = time.Now()
			r = mynactl(t, "", "status", "--json", "--timeout", "1s")
			if took := time.Since(start); took > 2*time.Second || r.code == exitOK {
				t.Fatalf("status on a hung slot: %d after %v", r.code, took)
			}
		})
	}
}

// A child's card: a clear message, no prompt, no try.
func TestIntegrationNoSigningCertificate(t *testing.T) {
	vpcdtest.Lock(t)
	c := insert(t, 0, func(p *sim.Profile) { p.NoSignCert = true }, sim.ServeOptions{})
	dir := t.TempDir()
	in := filepath.Join(dir, "content.txt")
	os.WriteFile(in, []byte("x"), 0o644)
	r := mynactl(t, "ABC123\n", "sign", "--in", in, "--pin-stdin")
	if r.code != exitCard || !strings.Contains(r.stderr, "[13602]") || !strings.Contains(r.stderr, "署名用電子証明書がありません") {
		t.Fatalf("%d %s", r.code, r.stderr)
	}
	if n := c.TriesLeft(card.PINSign); n != 5 {
		t.Fatalf("sign PIN %d/5 tries: nothing may be asked", n)
	}
	r = mynactl(t, "", "status", "--json")
	if r.code != exitOK || r.json(t)["sign_certificate"] != false {
		t.Fatalf("status: %s", r.stdout)
	}
}

// The hypothetical next-generation card (two PINs, RSA-3072) through the
// whole CLI flow, mynasim's card directory included.
func TestIntegrationNextGenerationCard(t *testing.T) {
	vpcdtest.Lock(t)
	dir := t.TempDir()
	cardDir := filepath.Join(dir, "card")
	opts := jpkitest.PKIOptions{Holder: holder, Now: time.Now()}
	for _, k := range []**rsa.PrivateKey{&opts.SignKey, &opts.AuthKey} {
		var err error
		if *k, err = rsa.GenerateKey(rand.Reader, 3072); err != nil {
			t.Fatal(err)
		}
	}
	npki, err := jpkitest.NewPKI(opts)
	if err != nil {
		t.Fatal(err)
	}
	p := sim.NewProfile(holder, npki)
	p.Generation = "nextgen-hypothetical"
	if err := sim.SaveCardDir(cardDir, p, npki); err != nil {
		t.Fatal(err)
	}
	c, err := sim.OpenCard(cardDir)
	if err != nil {
		t.Fatal(err)
	}
	vpcdtest.Insert(t, 0, sim.Server(c, sim.ServeOptions{}))

	r := mynactl(t, "", "status", "--json")
	st := r.json(t)
	if r.code != exitOK || st["profile"] != "nextgen-hypothetical" || len(st["pins"].([]any)) != 2 {
		t.Fatalf("status: %s", r.stdout)
	}
	r = mynactl(t, "abc123\n", "attrs", "--pin-stdin", "--json")
	if r.code != exitOK || r.json(t)["name"] != holder.Name {
		t.Fatalf("attrs with the signing password: %d %s %s", r.code, r.stdout, r.stderr)
	}
	in := filepath.Join(dir, "content.txt")
	os.WriteFile(in, []byte("施設予約システム 登録内容\n"), 0o644)
	p7s := filepath.Join(dir, "c.p7s")
	if r = mynactl(t, "ABC123\n", "sign", "--in", in, "--out", p7s, "--pin-stdin"); r.code != exitOK {
		t.Fatalf("sign: %d %s", r.code, r.stderr)
	}
	_, pk, err := sim.LoadCardDir(cardDir)
	if err != nil {
		t.Fatal(err)
	}
	if bits := pk.SignKey.N.BitLen(); bits != 3072 {
		t.Fatalf("RSA-%d key", bits)
	}
	ca := filepath.Join(dir, "ca.pem")
	os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: pk.SignCA.Cert.Raw}), 0o644)
	crl := filepath.Join(dir, "ca.crl")
	os.WriteFile(crl, pk.CRL, 0o644)
	r = mynactl(t, "", "verify", "--in", p7s, "--roots", ca, "--crl", crl, "--mode", "test")
	if r.code != exitOK {
		t.Fatalf("verify: %d %s %s", r.code, r.stdout, r.stderr)
	}
}
