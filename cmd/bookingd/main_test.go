package main

import (
	"bytes"
	"context"
	"io"
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
	code, _ := booking.ParseCode(cr.Code)
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
