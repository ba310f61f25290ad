package crlwatch

import (
	"bytes"
	"context"
	"crypto/x509"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/jpki/jpkitest"
	"github.com/mynadesk/mynadesk/verify"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func setup(t *testing.T) (*jpkitest.PKI, *verify.CRLIndex, time.Time) {
	t.Helper()
	t0 := time.Now().UTC().Truncate(time.Second)
	p, err := jpkitest.NewPKI(jpkitest.PKIOptions{Now: t0, Holder: jpkitest.Holder{Name: "公的\u3000花子", Address: "東京都千代田区霞が関２－１－２", Birth: "20000101", Sex: "2"}})
	if err != nil {
		t.Fatal(err)
	}
	roots, err := verify.NewRoots(verify.Test, p.SignCA.Cert)
	if err != nil {
		t.Fatal(err)
	}
	return p, verify.NewCRLIndex(roots), t0
}

func crl(t *testing.T, p *jpkitest.PKI, revoke bool, this, next time.Time, n int64) []byte {
	t.Helper()
	var rev []x509.RevocationListEntry
	if revoke {
		rev = append(rev, x509.RevocationListEntry{SerialNumber: p.SignCert.SerialNumber, RevocationTime: this, ReasonCode: 1})
	}
	b, err := p.SignCA.IssueCRL(rev, this, next, n)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// write replaces path the way an operator's cron job would: a new file
// renamed over the old one, with a new modification time.
func write(t *testing.T, path string, b []byte, mod time.Time) {
	t.Helper()
	tmp := path + ".new"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(tmp, mod, mod)
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func metrics(w *Watcher) string {
	var b bytes.Buffer
	w.WriteMetrics(&b)
	return b.String()
}

// The daily CRL replaced on disk is picked up without a restart; in
// between, the service turns not ready when the CRL it holds passes
// nextUpdate, and checks never fail because of the refresh itself.
func TestFileReplacedOnDisk(t *testing.T) {
	p, idx, t0 := setup(t)
	ck := &clock{t: t0}
	path := filepath.Join(t.TempDir(), "sign.crl")
	write(t, path, crl(t, p, false, t0.Add(-time.Hour), t0.Add(23*time.Hour), 1), t0)
	w := &Watcher{Index: idx, Files: []string{path}, Now: ck.Now, Logger: slog.New(slog.DiscardHandler)}
	if err := w.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	check := func() (verify.Status, error) {
		return idx.CheckRevocation(context.Background(), p.SignCert, p.SignCA.Cert, ck.Now())
	}
	if err := w.Ready(); err != nil {
		t.Fatalf("fresh CRL: %v", err)
	}
	if st, err := check(); err != nil || st.Revoked {
		t.Fatalf("fresh CRL: %+v %v", st, err)
	}

	// Checks run all along while the file is replaced, first by a
	// half-written file, then by the next CRL: none may fail.
	ck.Set(t0.Add(20 * time.Hour))
	var failed atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := check(); err != nil {
				failed.Add(1)
			}
		}
	}()
	next := crl(t, p, true, t0.Add(20*time.Hour), t0.Add(44*time.Hour), 2)
	write(t, path, next[:len(next)/2], t0.Add(20*time.Hour))
	w.Refresh(context.Background())
	if st, err := check(); err != nil || st.Revoked {
		t.Fatalf("a half-written file replaced the CRL in use: %+v %v", st, err)
	}
	write(t, path, next, t0.Add(20*time.Hour+time.Minute))
	w.Refresh(context.Background())
	close(stop)
	wg.Wait()
	if n := failed.Load(); n != 0 {
		t.Fatalf("%d checks failed during the refresh", n)
	}
	if st, err := check(); err != nil || !st.Revoked {
		t.Fatalf("the new CRL was not picked up: %+v %v", st, err)
	}

	// The next day nobody replaced the file: past nextUpdate the service
	// says it is not ready, and the metrics say how old the CRL is.
	ck.Set(t0.Add(45 * time.Hour))
	w.Refresh(context.Background())
	var se *StaleError
	if err := w.Ready(); err == nil || !asStale(err, &se) {
		t.Fatalf("stale CRL: Ready = %v", err)
	}
	m := metrics(w)
	if !strings.Contains(m, "booking_crl_stale 1") || !strings.Contains(m, "booking_crl_age_seconds{issuer=") ||
		!strings.Contains(m, "} 90000\n") { // 45 h − 20 h = 25 h since thisUpdate
		t.Fatalf("metrics:\n%s", m)
	}
	write(t, path, crl(t, p, true, t0.Add(44*time.Hour), t0.Add(68*time.Hour), 3), t0.Add(45*time.Hour))
	w.Refresh(context.Background())
	if err := w.Ready(); err != nil {
		t.Fatalf("after the next CRL: %v", err)
	}
	if m := metrics(w); !strings.Contains(m, "booking_crl_stale 0") {
		t.Fatalf("metrics:\n%s", m)
	}
}

func asStale(err error, se **StaleError) bool {
	e, ok := err.(*StaleError)
	*se = e
	return ok
}

// A CRL already stale when the service starts is a warning and makes the
// service not ready; it is not silently accepted.
func TestStaleAtStart(t *testing.T) {
	p, idx, t0 := setup(t)
	path := filepath.Join(t.TempDir(), "sign.crl")
	write(t, path, crl(t, p, false, t0.Add(-48*time.Hour), t0.Add(-24*time.Hour), 1), t0)
	var log syncBuf
	w := &Watcher{Index: idx, Files: []string{path}, Now: func() time.Time { return t0 },
		Logger: slog.New(slog.NewTextHandler(&log, nil))}
	if err := w.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	if w.Ready() == nil {
		t.Fatal("stale CRL at start: ready")
	}
	if !strings.Contains(log.String(), "level=WARN") || !strings.Contains(log.String(), "stale") {
		t.Fatalf("no warning:\n%s", log.String())
	}
}

// A CRL from a URL is fetched again before its nextUpdate.
func TestURLFetchedBeforeNextUpdate(t *testing.T) {
	p, idx, t0 := setup(t)
	ck := &clock{t: t0}
	var served atomic.Value
	served.Store(crl(t, p, false, t0.Add(-time.Hour), t0.Add(23*time.Hour), 1))
	var gets atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gets.Add(1)
		w.Write(served.Load().([]byte))
	}))
	defer ts.Close()
	w := &Watcher{Index: idx, URLs: []string{ts.URL + "/sign.crl"}, Now: ck.Now, Logger: slog.New(slog.DiscardHandler)}
	if err := w.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	ck.Add(10 * time.Minute)
	w.Refresh(context.Background())
	if gets.Load() != 1 {
		t.Fatalf("fetched %d times within FetchEvery and far from nextUpdate", gets.Load())
	}
	// Within the margin of nextUpdate: fetched again, and the new CRL is
	// used before the old one goes stale.
	served.Store(crl(t, p, true, t0.Add(18*time.Hour), t0.Add(42*time.Hour), 2))
	ck.Set(t0.Add(18 * time.Hour))
	w.Refresh(context.Background())
	if st, err := idx.CheckRevocation(context.Background(), p.SignCert, p.SignCA.Cert, ck.Now()); err != nil || !st.Revoked {
		t.Fatalf("the fetched CRL is not in use: %+v %v (%d fetches)", st, err, gets.Load())
	}
	ck.Set(t0.Add(30 * time.Hour)) // past the first CRL's nextUpdate
	if err := w.Ready(); err != nil {
		t.Fatalf("ready: %v", err)
	}
}
