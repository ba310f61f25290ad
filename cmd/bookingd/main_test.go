package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/booking/client"
	"github.com/mynadesk/mynadesk/cms"
	"github.com/mynadesk/mynadesk/jpki/jpkitest"
)

var hanako = jpkitest.Holder{Name: "公的\u3000花子", Address: "東京都千代田区霞が関２－１－２", Birth: "20000101", Sex: "2"}

var (
	pkiOnce sync.Once
	pki     *jpkitest.PKI
	pkiDir  string
)

// testPKI writes a test PKI (roots, CRL) once.
func testPKI(t *testing.T) (*jpkitest.PKI, string) {
	t.Helper()
	pkiOnce.Do(func() {
		var err error
		if pki, err = jpkitest.NewPKI(jpkitest.PKIOptions{Holder: hanako}); err != nil {
			panic(err)
		}
		pkiDir, _ = os.MkdirTemp("", "bookingd-pki")
		if err := jpkitest.SavePKI(pkiDir, pki); err != nil {
			panic(err)
		}
	})
	return pki, pkiDir
}

// syncBuffer is a log sink read while bookingd writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

var listenRE = regexp.MustCompile(`msg="bookingd listening" addr=(\S+)`)

// start runs bookingd in-process; stop cancels it (as SIGTERM does) and
// returns its exit status.
func start(t *testing.T, args ...string) (url string, log *syncBuffer, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	log = &syncBuffer{}
	done := make(chan int, 1)
	go func() { done <- run(ctx, args, log) }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if m := listenRE.FindStringSubmatch(log.String()); m != nil {
			url = "http://" + m[1]
			break
		}
		select {
		case code := <-done:
			t.Fatalf("bookingd exited %d:\n%s", code, log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("bookingd did not start:\n%s", log.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	stopped := false
	var code int
	stop = func() int {
		if !stopped {
			stopped = true
			cancel()
			code = <-done
		}
		return code
	}
	t.Cleanup(func() { stop() })
	return url, log, stop
}

func baseArgs(t *testing.T) []string {
	_, dir := testPKI(t)
	return []string{"--listen", "127.0.0.1:0", "--db", "sqlite:" + filepath.Join(t.TempDir(), "b.db"),
		"--roots", filepath.Join(dir, jpkitest.FileSignCACert), "--roots-mode", "test",
		"--crl", filepath.Join(dir, jpkitest.FileCRL)}
}

func TestConfigSources(t *testing.T) {
	_, dir := testPKI(t)
	cfg := filepath.Join(t.TempDir(), "bookingd.yaml")
	os.WriteFile(cfg, []byte("service-name: 架空市施設予約\nttl: 5m\nroots:\n  - "+filepath.Join(dir, jpkitest.FileSignCACert)+"\nroots-mode: test\n"), 0o644)
	t.Setenv("MYNADESK_BOOKINGD_SERVICE_NAME", "環境変数の名前")
	t.Setenv("MYNADESK_BOOKINGD_ALLOW_ONE_PIN", "true")
	c, err := loadConfig([]string{"--config", cfg, "--ttl", "7m"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	// Flags win over the environment, which wins over the file.
	if c.TTL != 7*time.Minute || c.ServiceName != "環境変数の名前" || !c.AllowOnePIN || c.RootsMode != "test" || len(c.Roots) != 1 {
		t.Fatalf("config %+v", c)
	}
	if _, err := loadConfig([]string{"--listen", "127.0.0.1:0"}, io.Discard); err == nil {
		t.Fatal("started without trust roots")
	}
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"--roots", "/nonexistent.pem"}, &stderr); code != 1 {
		t.Fatalf("missing roots file: exit %d %s", code, stderr.String())
	}
	if code := run(context.Background(), []string{"--bogus"}, &stderr); code != 2 {
		t.Fatalf("unknown flag: exit %d", code)
	}
}

func TestServesPageAPIHealth(t *testing.T) {
	url, _, stop := start(t, baseArgs(t)...)
	for path, want := range map[string]string{"/healthz": `"ok"`, "/readyz": `"ready"`, "/": "アカウント登録",
		"/register/form": "確認の手段", "/metrics": "booking_sessions_created_total"} {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("GET %s: %d %.200s", path, resp.StatusCode, body)
		}
	}
	// The QR code's URL opens a page with the code and the app link.
	cl, _ := client.New(url, nil)
	cr, err := cl.Create(context.Background(), booking.ModeTwoStep)
	if err != nil {
		t.Fatal(err)
	}
	for u, want := range map[string]int{cr.URL: 200, url + "/s/ABCD-EFGH": 404} {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: %d", u, resp.StatusCode)
		}
		if want == 200 && (!strings.Contains(string(body), cr.Code) || !strings.Contains(string(body), "mynadesk://session?")) {
			i := strings.Index(string(body), "<main>")
			t.Errorf("landing page lacks the code or the link: %s", body[i:])
		}
	}
	if code := stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

// A signature upload accepted before SIGTERM is verified, stored and
// answered; bookingd then exits 0.
func TestShutdownKeepsUpload(t *testing.T) {
	p, _ := testPKI(t)
	// A slow OCSP responder that fails: the check falls back to the CRL,
	// after the shutdown has begun.
	asked := make(chan struct{}, 1)
	ocsp := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case asked <- struct{}{}:
		default:
		}
		time.Sleep(time.Second)
		w.WriteHeader(http.StatusInternalServerError)
	})}
	ln := listen(t)
	go ocsp.Serve(ln)
	defer ocsp.Close()
	url, log, stop := start(t, append(baseArgs(t), "--ocsp", "http://"+ln.Addr().String())...)
	cl, _ := client.New(url, nil)
	cl.MaxAttempts = 1
	ctx := context.Background()
	cr, err := cl.Create(ctx, booking.ModeTwoStep)
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := booking.ParseRef(cr.Link, "")
	code := ref.Code
	if _, err := cl.Claim(ctx, ref); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.PutAttributes(ctx, code, booking.Attributes{Name: hanako.Name, Address: hanako.Address, Birth: hanako.Birth, Sex: hanako.Sex}); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.Confirm(ctx, code, cr.PageToken, "tarou1234567"); err != nil {
		t.Fatal(err)
	}
	content, _ := cl.Content(ctx, code)
	sig, err := cms.Sign(ctx, content, p.SignCert, p.SignKey, cms.Options{})
	if err != nil {
		t.Fatal(err)
	}
	type answer struct {
		res booking.Result
		err error
	}
	got := make(chan answer, 1)
	go func() {
		res, err := cl.PutSignature(ctx, code, sig)
		got <- answer{res, err}
	}()
	<-asked // the upload is inside the check
	exit := make(chan int, 1)
	go func() { exit <- stop() }()
	a := <-got
	if a.err != nil || a.res.Outcome != booking.OutcomeValid {
		t.Fatalf("upload during shutdown: %+v %v\n%s", a.res, a.err, log.String())
	}
	if c := <-exit; c != 0 {
		t.Fatalf("exit %d\n%s", c, log.String())
	}
	if !strings.Contains(log.String(), "bookingd stopped") {
		t.Fatalf("log:\n%s", log.String())
	}
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

func TestMain(m *testing.M) {
	code := m.Run()
	if pkiDir != "" {
		os.RemoveAll(pkiDir)
	}
	os.Exit(code)
}

// bookingd never serves plain http on an address others can reach, nor
// under an https base URL, unless told that a proxy terminates TLS.
func TestRefusesPlainHTTPOffLoopback(t *testing.T) {
	base := baseArgs(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--listen", "0.0.0.0:8443"}, "refusing to serve plain http on 0.0.0.0:8443"},
		{[]string{"--listen", ":8443"}, "refusing to serve plain http"},
		{[]string{"--listen", "192.0.2.10:80"}, "refusing to serve plain http"},
		{[]string{"--base-url", "https://yoyaku.example.jp"}, "--base-url is https:// but bookingd has no certificate"},
		{[]string{"--listen", "0.0.0.0:8080", "--behind-tls-proxy", "--base-url", "http://yoyaku.example.jp"}, "--behind-tls-proxy needs --base-url https://"},
		{[]string{"--tls-cert", "x.pem"}, "--tls-cert and --tls-key go together"},
	} {
		var stderr bytes.Buffer
		if code := run(context.Background(), append(slicesClone(base), tc.args...), &stderr); code != 2 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: exit %d, %s", tc.args, code, stderr.String())
		}
	}
	// Told so, it serves plain http behind the proxy.
	c, err := loadConfig(append(slicesClone(base), "--listen", "0.0.0.0:8080", "--behind-tls-proxy", "--base-url", "https://yoyaku.example.jp"), io.Discard)
	if err != nil || !c.BehindTLSProxy {
		t.Fatalf("behind a TLS proxy: %v", err)
	}
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }

// With certificate files it serves HTTPS.
func TestServesTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	writeSelfSigned(t, certFile, keyFile)
	args := append(baseArgs(t), "--tls-cert", certFile, "--tls-key", keyFile)
	url, _, _ := start(t, args...)
	https := strings.Replace(url, "http://", "https://", 1)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	resp, err := hc.Get(https + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.TLS == nil {
		t.Fatalf("https: %d %v", resp.StatusCode, resp.TLS)
	}
	if resp, err := http.Get(url + "/healthz"); err == nil && resp.StatusCode == 200 {
		t.Fatal("plain http answered on the TLS port")
	}
}

func writeSelfSigned(t *testing.T, certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalPKCS8PrivateKey(key)
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb}), 0o600)
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// A CRL that is stale at start is a warning and /readyz says not ready;
// the next CRL written over the file is picked up without a restart.
func TestStaleCRLReloaded(t *testing.T) {
	p, dir := testPKI(t)
	crlFile := filepath.Join(t.TempDir(), "sign.crl")
	now := time.Now()
	stale, err := p.SignCA.IssueCRL(nil, now.Add(-48*time.Hour), now.Add(-24*time.Hour), 1)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(crlFile, stale, 0o644)
	url, log, _ := start(t, "--listen", "127.0.0.1:0", "--db", "sqlite:"+filepath.Join(t.TempDir(), "b.db"),
		"--roots", filepath.Join(dir, jpkitest.FileSignCACert), "--roots-mode", "test", "--crl", crlFile, "--crl-interval", "50ms")
	if !strings.Contains(log.String(), "level=WARN") || !strings.Contains(log.String(), "stale") {
		t.Fatalf("no warning for a stale CRL:\n%s", log.String())
	}
	if code, body := get(t, url+"/readyz"); code != 503 || !strings.Contains(body, "stale") {
		t.Fatalf("readyz with a stale CRL: %d %s", code, body)
	}
	if _, m := get(t, url+"/metrics"); !strings.Contains(m, "booking_crl_stale 1") || !strings.Contains(m, "booking_crl_age_seconds{") {
		t.Fatalf("metrics:\n%s", m)
	}
	fresh, _ := p.SignCA.IssueCRL(nil, now.Add(-time.Minute), now.Add(24*time.Hour), 2)
	os.WriteFile(crlFile+".new", fresh, 0o644)
	os.Rename(crlFile+".new", crlFile)
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, _ := get(t, url+"/readyz")
		if code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the new CRL was not picked up:\n%s", log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
