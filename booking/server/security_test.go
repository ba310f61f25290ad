package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/booking/sqlite"
	"github.com/mynadesk/mynadesk/internal/testpki"
	"github.com/mynadesk/mynadesk/jpki/jpkitest"
)

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// Finding 1 (logs): no session code, in either form, reaches the log, even
// at debug level and on the error paths that log the request.
func TestNoSessionCodeInLogs(t *testing.T) {
	var logb syncBuf
	log := slog.New(slog.NewTextHandler(&logb, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e := newEnvOpts(t, nil, Options{}, log)
	ctx := context.Background()
	_, code, content := e.confirmed(t)
	if _, err := e.cl.PutSignature(ctx, code, fakeCMS(content, booking.OutcomeValid)); err != nil {
		t.Fatal(err)
	}
	// An internal error logs the request.
	e.store.Close()
	if _, err := e.cl.Session(ctx, code); err == nil {
		t.Fatal("closed store answered")
	}
	out := logb.String()
	if !strings.Contains(out, "signature checked") || !strings.Contains(out, "request failed") {
		t.Fatalf("expected log lines missing:\n%s", out)
	}
	for _, c := range []string{string(code), code.Display()} {
		if strings.Contains(out, c) {
			t.Fatalf("session code %s in the log:\n%s", c, out)
		}
	}
	if !strings.Contains(out, "session="+booking.LogTag(code)) {
		t.Fatalf("no correlating tag in the log:\n%s", out)
	}
}

// Finding 3: a well-formed CMS from a CA of the sender's own, or one not
// over this session's content, is refused without using an attempt: six of
// them leave the resident's own signature accepted.
func TestUntrustedSignerUsesNoAttempt(t *testing.T) {
	pki := testpki.Get(t)
	e := newEnvWith(t, pki.Verifier())
	ctx := context.Background()
	foreign, err := jpkitest.NewPKI(jpkitest.PKIOptions{Holder: testpki.Hanako})
	if err != nil {
		t.Fatal(err)
	}
	_, code, content := e.confirmed(t)
	_, _, other := e.confirmed(t)
	for i := 0; i < booking.MaxSignatureAttempts+1; i++ {
		if _, err := e.cl.PutSignature(ctx, code, testpki.Sign(t, foreign, content)); !errors.Is(err, booking.ErrUntrustedSigner) {
			t.Fatalf("foreign CA %d: %v", i, err)
		}
		if _, err := e.cl.PutSignature(ctx, code, testpki.Sign(t, pki.Valid, other)); !errors.Is(err, booking.ErrContentMismatch) {
			t.Fatalf("other content %d: %v", i, err)
		}
	}
	if s, _ := e.store.Get(ctx, code); s.Attempts != 0 || s.Result != nil {
		t.Fatalf("refused uploads used attempts: %d %+v", s.Attempts, s.Result)
	}
	if res, err := e.cl.PutSignature(ctx, code, testpki.Sign(t, pki.Valid, content)); err != nil || res.Outcome != booking.OutcomeValid {
		t.Fatalf("the resident's signature: %+v %v", res, err)
	}
}

// Finding 3: 40 failing uploads at once get exactly MaxSignatureAttempts
// checks; the rest are refused before the verifier runs.
func TestConcurrentFailingUploads(t *testing.T) {
	e := newEnv(t)
	e.ver.delay = 20 * time.Millisecond
	_, code, content := e.confirmed(t)
	e.cl.MaxAttempts = 1
	var checked, refused atomic.Int64
	var wg sync.WaitGroup
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := e.cl.PutSignature(context.Background(), code, fakeCMS(content, booking.OutcomeRevoked))
			switch {
			case err == nil && res.Outcome == booking.OutcomeRevoked:
				checked.Add(1)
			case errors.Is(err, booking.ErrConflict):
				refused.Add(1)
			default:
				t.Error(res, err)
			}
		}()
	}
	wg.Wait()
	if checked.Load() != booking.MaxSignatureAttempts || refused.Load() != 40-booking.MaxSignatureAttempts ||
		e.ver.calls.Load() != booking.MaxSignatureAttempts {
		t.Fatalf("%d checked, %d refused, %d verifier calls; want %d checked", checked.Load(), refused.Load(), e.ver.calls.Load(), booking.MaxSignatureAttempts)
	}
	if s, _ := e.store.Get(context.Background(), code); s.Attempts != booking.MaxSignatureAttempts {
		t.Fatalf("stored attempts %d", s.Attempts)
	}
}

// guess looks an unknown code up from addr.
func guess(t *testing.T, h http.Handler, addr string) int {
	t.Helper()
	c, _ := booking.NewCode()
	return raw(t, h, "GET", "/api/v2/sessions/"+string(c), "", nil, addr).Code
}

// Finding 4: the whole service answers at most GuessGlobalPerMinute
// unknown codes a minute, whatever the number of addresses, and two
// instances on one store share that budget. 1,000 guesses from 1,000
// addresses (today's limiter never refused one) get exactly the budget of
// "not found"; then even the right code is refused by code alone until the
// window ends.
func TestGuessBudgetWholeService(t *testing.T) {
	const global = 50
	e := newEnvOpts(t, nil, Options{GuessPerMinute: 10, GuessGlobalPerMinute: global}, nil)
	// A second instance on the same store.
	second := New(e.svc, Options{BaseURL: e.ts.URL, GuessPerMinute: 10, GuessGlobalPerMinute: global, Logger: slog.New(slog.DiscardHandler)})
	cr, err := e.create(context.Background(), t, booking.ModeTwoStep)
	if err != nil {
		t.Fatal(err)
	}
	notFound, limited := 0, 0
	for i := 0; i < 1000; i++ {
		h := http.Handler(e.srv)
		if i%2 == 1 {
			h = second
		}
		switch c := guess(t, h, fmt.Sprintf("10.%d.%d.%d:4000", i/65536, i/256%256, i%256)); c {
		case http.StatusNotFound:
			notFound++
		case http.StatusTooManyRequests:
			limited++
		default:
			t.Fatalf("guess %d: %d", i, c)
		}
	}
	if notFound != global || limited != 1000-global {
		t.Fatalf("%d answered not found, %d limited; want exactly %d not found", notFound, limited, global)
	}
	code, _ := booking.ParseCode(cr.Code)
	fresh, _ := e.cl.Create(context.Background(), booking.ModeTwoStep)
	freshCode, _ := booking.ParseCode(fresh.Code)
	for _, h := range []http.Handler{e.srv, second} {
		if c := claimRaw(t, h, freshCode, "203.0.113.9:1"); c != http.StatusTooManyRequests {
			t.Fatalf("a claim by code alone while the service's budget is spent: %d", c)
		}
		// A claimed session goes on: its calls prove the claim.
		if w := raw(t, h, "GET", "/api/v2/sessions/"+string(code), "", nil, "203.0.113.9:1"); w.Code != http.StatusOK {
			t.Fatalf("the claimant while the service's budget is spent: %d", w.Code)
		}
	}
	e.clock.Add(booking.MissWindow)
	if c := claimRaw(t, second, freshCode, "203.0.113.9:1"); c != http.StatusOK {
		t.Fatalf("next window: %d", c)
	}
}

// Finding 4: behind a trusted proxy, the budget is the client's, not the
// proxy's: one guesser does not get every resident refused.
func TestGuessBudgetBehindProxy(t *testing.T) {
	e := newEnvOpts(t, nil, Options{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("192.0.2.1/32")}}, nil)
	cr, _ := e.create(context.Background(), t, booking.ModeTwoStep)
	via := func(client, code string) int {
		req, _ := http.NewRequest("GET", "/api/v2/sessions/"+code, nil)
		req.RemoteAddr = "192.0.2.1:443"
		req.Header.Set("X-Forwarded-For", client)
		if c, _ := booking.ParseCode(code); c != "" {
			if tok, ok := tokens.Load(c); ok {
				req.Header.Set("Authorization", "Bearer "+tok.(string))
			}
		}
		w := newRecorder()
		e.srv.ServeHTTP(w, req)
		return w.Code
	}
	for i := 0; i < 30; i++ {
		c, _ := booking.NewCode()
		via("198.51.100.7", string(c))
	}
	code, _ := booking.ParseCode(cr.Code)
	if c := via("198.51.100.7", string(code)); c != http.StatusTooManyRequests {
		t.Fatalf("guesser: %d", c)
	}
	if c := via("203.0.113.5", string(code)); c != http.StatusOK {
		t.Fatalf("a resident behind the same proxy: %d", c)
	}
	_ = cr
	// A client cannot pick its own key by sending the header itself.
	for i := 0; i < 30; i++ {
		c, _ := booking.NewCode()
		req, _ := http.NewRequest("GET", "/api/v2/sessions/"+string(c), nil)
		req.RemoteAddr = "198.51.100.99:1"
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.0.0.%d", i))
		w := newRecorder()
		e.srv.ServeHTTP(w, req)
		if i >= DefaultGuessPerMinute && w.Code != http.StatusTooManyRequests {
			t.Fatalf("forged X-Forwarded-For %d: %d", i, w.Code)
		}
	}
}

// The guessing arithmetic of PROTOCOL.md, from the code's own constants:
// at the default budgets, with the busiest service PROTOCOL.md assumes
// (10 sessions created a second, each live for DefaultTTL), an attacker
// reaches under 0.07 sessions a day with every address they have, and
// under 0.006 from one address.
func TestGuessArithmetic(t *testing.T) {
	space := math.Pow(float64(len(booking.CodeAlphabet)), booking.CodeLen-1)
	if space != 17249876309 {
		t.Fatalf("code space %v", space)
	}
	live := 10 * booking.DefaultTTL.Seconds()
	perDay := func(perMinute int) float64 { return float64(perMinute) * 24 * 60 * live / space }
	if g := perDay(DefaultGuessGlobalPerMinute); g > 0.07 {
		t.Fatalf("whole service: %.3f sessions a day", g)
	}
	if a := perDay(DefaultGuessPerMinute); a > 0.006 {
		t.Fatalf("one address: %.4f sessions a day", a)
	}
	doc, err := os.ReadFile("../PROTOCOL.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"17,249,876,309", fmt.Sprintf("%d unknown codes a minute", DefaultGuessGlobalPerMinute),
		fmt.Sprintf("%.3f", perDay(DefaultGuessGlobalPerMinute))} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("PROTOCOL.md does not say %q", want)
		}
	}
}

// Finding 9: invalid UTF-8 in the attributes is refused, not turned into
// U+FFFD.
func TestInvalidUTF8Refused(t *testing.T) {
	e := newEnv(t)
	cr, _ := e.create(context.Background(), t, booking.ModeTwoStep)
	code, _ := booking.ParseCode(cr.Code)
	body := "{\"name\":\"公的\xe3\x80\u3000花子\",\"address\":\"東京都千代田区\",\"birth\":\"20000101\",\"sex\":\"2\"}"
	w := raw(t, e.srv, "POST", "/api/v2/sessions/"+string(code)+"/attributes", "application/json", strings.NewReader(body), "")
	wantError(t, w, http.StatusBadRequest, booking.ECInvalid, "invalid UTF-8")
	if s, _ := e.store.Get(context.Background(), code); s.Attributes != nil || s.State != booking.StateCreated {
		t.Fatalf("stored: %+v", s)
	}
}

// Finding 5: the store's files are the owner's only, and once the
// registration has taken the attributes (or the session has expired) no
// byte of them is left in the database, its WAL or its shared memory.
func TestNoPersonalDataAtRest(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cr, code, content := e.confirmed(t)
	for _, f := range []string{e.db, e.db + "-wal", e.db + "-shm"} {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v", f, fi.Mode().Perm())
		}
	}
	// Another resident's session that is never finished.
	cr2, _ := e.create(ctx, t, booking.ModeTwoStep)
	code2, _ := booking.ParseCode(cr2.Code)
	taro := booking.Attributes{Name: "公的　太郎", Address: "北海道札幌市中央区北１条西２－１", Birth: "19800405", Sex: "1"}
	if _, err := e.cl.PutAttributes(ctx, code2, taro); err != nil {
		t.Fatal(err)
	}
	present := func(s string) []string {
		var in []string
		for _, f := range []string{e.db, e.db + "-wal", e.db + "-shm"} {
			b, _ := os.ReadFile(f)
			if bytes.Contains(b, []byte(s)) {
				in = append(in, f)
			}
		}
		return in
	}
	if len(present(hanako.Address)) == 0 || len(present(taro.Address)) == 0 {
		t.Fatal("the test cannot see the attributes in the files at all")
	}
	if _, err := e.cl.PutSignature(ctx, code, fakeCMS(content, booking.OutcomeValid)); err != nil {
		t.Fatal(err)
	}
	// The finished session's content is not served any more.
	if _, err := e.cl.Content(ctx, code); !errors.Is(err, booking.ErrConflict) {
		t.Fatalf("content after done: %v", err)
	}
	pv, err := e.cl.PageView(ctx, code, cr.PageToken) // the registration takes them
	if err != nil || pv.Attributes == nil || *pv.Attributes != hanako {
		t.Fatalf("page: %+v %v", pv, err)
	}
	if pv, _ := e.cl.PageView(ctx, code, cr.PageToken); pv.Attributes != nil || pv.Result == nil {
		t.Fatalf("attributes after they were taken: %+v", pv)
	}
	gone := func(what string, ss ...string) {
		t.Helper()
		deadline := time.Now().Add(sqlite.CheckpointDelay + 5*time.Second)
		for _, s := range ss {
			for len(present(s)) > 0 && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
			}
			if f := present(s); len(f) > 0 {
				t.Errorf("%q still in %v %s", s, f, what)
			}
		}
	}
	gone("after the registration took it", hanako.Name, hanako.Address)
	// Taro's session expires; the janitor's cleanup erases it at once.
	e.clock.Add(booking.DefaultTTL + time.Second)
	if _, err := e.svc.Cleanup(ctx, time.Hour); err != nil {
		t.Fatal(err)
	}
	gone("after expiry", taro.Name, taro.Address)
}

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }
