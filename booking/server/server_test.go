package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/booking/client"
	"github.com/mynadesk/mynadesk/booking/sqlite"
)

// hashVerifier stands in for verify in protocol tests: a "CMS" is
// "SIG:<hex sha256 of content>:<outcome>". It refuses other bytes as
// malformed and a hash of other content as a replay, as verify does; the
// real verify is exercised in verifier_test.go.
type hashVerifier struct {
	delay time.Duration
	calls atomic.Int64
}

func fakeCMS(content []byte, outcome booking.Outcome) []byte {
	return []byte(fmt.Sprintf("SIG:%x:%s", sha256.Sum256(content), outcome))
}

func (v *hashVerifier) Verify(ctx context.Context, req booking.VerifyRequest) (booking.Verdict, error) {
	v.calls.Add(1)
	if v.delay > 0 {
		time.Sleep(v.delay)
	}
	parts := strings.Split(string(req.CMS), ":")
	if len(parts) != 3 || parts[0] != "SIG" {
		return booking.Verdict{}, booking.Errorf(booking.ECBadSignature, "not a CMS SignedData")
	}
	if parts[1] != fmt.Sprintf("%x", sha256.Sum256(req.Content)) {
		return booking.Verdict{}, booking.Errorf(booking.ECContentMismatch, "signs other content")
	}
	v2 := booking.Verdict{Outcome: booking.Outcome(parts[2])}
	switch v2.Outcome {
	case booking.OutcomeExpired:
		v2.Code = "21"
	case booking.OutcomeRevoked:
		v2.Code = "23"
	case booking.OutcomeOther:
		v2.Code = "99"
	}
	v2.Attributes = &booking.Attributes{Name: "公的　花子", Address: "東京都千代田区", Birth: "20000101", Sex: "2"}
	return v2, nil
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type env struct {
	srv   *Server
	ts    *httptest.Server
	cl    *client.Client
	clock *clock
	ver   *hashVerifier
	store booking.Store
	svc   *booking.Service
	db    string // the SQLite file
}

var hanako = booking.Attributes{Name: "公的　花子", Address: "東京都千代田区霞が関２－１－２", Birth: "20000101", Sex: "2"}

func newEnv(t *testing.T) *env { return newEnvWith(t, nil) }

// newEnvWith uses v as the verifier, the hash verifier when nil.
func newEnvWith(t *testing.T, v booking.Verifier) *env {
	t.Helper()
	return newEnvOpts(t, v, Options{}, nil)
}

// newEnvOpts serves with opts (BaseURL and Logger filled in) and logs to
// log if set.
func newEnvOpts(t *testing.T, v booking.Verifier, opts Options, log *slog.Logger) *env {
	t.Helper()
	db := filepath.Join(t.TempDir(), "booking.db")
	st, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ck := &clock{t: time.Now()}
	ver := &hashVerifier{}
	if v == nil {
		v = ver
	}
	svc, err := booking.NewService(booking.Config{Store: st, Verifier: v, ServiceID: "https://yoyaku.example.jp",
		ServiceName: "施設予約システム", AllowOnePIN: true, Now: ck.Now, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{clock: ck, ver: ver, store: st, svc: svc, db: db}
	e.ts = httptest.NewServer(nil)
	opts.BaseURL, opts.Logger = e.ts.URL, log
	e.srv = New(svc, opts)
	e.ts.Config.Handler = e.srv
	t.Cleanup(e.ts.Close)
	e.cl, err = client.New(e.ts.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.cl.Backoff = time.Millisecond
	return e
}

// confirmed runs a two-step session up to the content to sign.
func (e *env) confirmed(t *testing.T) (booking.CreateResponse, booking.Code, []byte) {
	t.Helper()
	ctx := context.Background()
	cr, err := e.create(ctx, t, booking.ModeTwoStep)
	if err != nil {
		t.Fatal(err)
	}
	code, err := booking.ParseCode(cr.Code)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.cl.PutAttributes(ctx, code, hanako); err != nil {
		t.Fatal(err)
	}
	if _, err := e.cl.Confirm(ctx, code, cr.PageToken, "tarou1234567"); err != nil {
		t.Fatal(err)
	}
	content, err := e.cl.Content(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	return cr, code, content
}

func TestTwoStepFlow(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cr, err := e.create(ctx, t, booking.ModeTwoStep)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := booking.ParseRef(cr.Link, "")
	if err != nil || ref.Service != e.ts.URL {
		t.Fatalf("link %q: %+v %v", cr.Link, ref, err)
	}
	if r2, err := booking.ParseRef(cr.URL, ""); err != nil || r2 != ref {
		t.Fatalf("url %q: %+v %v", cr.URL, r2, err)
	}
	in, err := e.cl.Session(ctx, ref.Code)
	if err != nil || in.Next != booking.NextAttributes || in.ServiceName != "施設予約システム" {
		t.Fatalf("info: %+v %v", in, err)
	}
	// Step 2 before step 1 is out of order.
	if _, err := e.cl.Content(ctx, ref.Code); !errors.Is(err, &booking.Error{Code: booking.ECOutOfOrder}) {
		t.Fatalf("content before step 1: %v", err)
	}
	pv, err := e.cl.PageView(ctx, ref.Code, cr.PageToken)
	if err != nil || pv.Attributes != nil {
		t.Fatalf("page before step 1: %+v %v", pv, err)
	}
	in, err = e.cl.PutAttributes(ctx, ref.Code, hanako)
	if err != nil || in.Next != booking.NextWait {
		t.Fatalf("attributes: %+v %v", in, err)
	}
	if _, err := e.cl.Content(ctx, ref.Code); !errors.Is(err, &booking.Error{Code: booking.ECNotReady}) {
		t.Fatalf("content before confirm: %v", err)
	}
	pv, err = e.cl.PageView(ctx, ref.Code, cr.PageToken)
	if err != nil || pv.Attributes == nil || *pv.Attributes != hanako {
		t.Fatalf("page after step 1: %+v %v", pv, err)
	}
	if _, err := e.cl.PageView(ctx, ref.Code, "wrong"); !errors.Is(err, &booking.Error{Code: booking.ECUnauthorized}) {
		t.Fatalf("page with wrong token: %v", err)
	}
	// The store keeps only a hash of the page token.
	if st, _ := e.store.Get(ctx, ref.Code); st.PageToken == cr.PageToken || st.PageToken != booking.PageTokenHash(cr.PageToken) {
		t.Fatalf("stored page token %q", st.PageToken)
	}
	if _, err := e.cl.Confirm(ctx, ref.Code, cr.PageToken, "tarou1234567"); err != nil {
		t.Fatal(err)
	}
	content, err := e.cl.Content(ctx, ref.Code)
	if err != nil || !bytes.Contains(content, []byte("login-id: tarou1234567\n")) || !bytes.Contains(content, []byte("name: 公的　花子\n")) {
		t.Fatalf("content: %q %v", content, err)
	}
	res, err := e.cl.PutSignature(ctx, ref.Code, fakeCMS(content, booking.OutcomeValid))
	if err != nil || res.Outcome != booking.OutcomeValid {
		t.Fatalf("signature: %+v %v", res, err)
	}
	// A retried upload of the same bytes gets the same answer.
	res2, err := e.cl.PutSignature(ctx, ref.Code, fakeCMS(content, booking.OutcomeValid))
	if err != nil || res2 != res {
		t.Fatalf("retried signature: %+v %v", res2, err)
	}
	// Another signature is refused: the step was accepted once.
	if _, err := e.cl.PutSignature(ctx, ref.Code, fakeCMS(content, booking.OutcomeRevoked)); !errors.Is(err, booking.ErrConflict) {
		t.Fatalf("second signature: %v", err)
	}
	pv, err = e.cl.PageView(ctx, ref.Code, cr.PageToken)
	if err != nil || pv.State != booking.StateDone || pv.Result == nil || pv.Result.Outcome != booking.OutcomeValid {
		t.Fatalf("page after step 2: %+v %v", pv, err)
	}
	if e.srv.Metrics.Requests("POST /api/v2/sessions/{code}/signature", 200) != 2 {
		t.Errorf("metrics did not count the signatures")
	}
}

func TestFailedChecksAreStoredAndRetryable(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cr, code, content := e.confirmed(t)
	for _, tc := range []struct {
		o    booking.Outcome
		code string
	}{{booking.OutcomeExpired, "21"}, {booking.OutcomeRevoked, "23"}, {booking.OutcomeMismatch, ""}} {
		res, err := e.cl.PutSignature(ctx, code, fakeCMS(content, tc.o))
		if err != nil || res.Outcome != tc.o || res.Code != tc.code {
			t.Fatalf("%s: %+v %v", tc.o, res, err)
		}
		pv, _ := e.cl.PageView(ctx, code, cr.PageToken)
		if pv.Result == nil || pv.Result.Outcome != tc.o || pv.State != booking.StateConfirmed {
			t.Fatalf("%s: page %+v", tc.o, pv)
		}
	}
	res, err := e.cl.PutSignature(ctx, code, fakeCMS(content, booking.OutcomeValid))
	if err != nil || res.Outcome != booking.OutcomeValid {
		t.Fatalf("valid after failures: %+v %v", res, err)
	}
}

func TestOnePIN(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cr, err := e.create(ctx, t, booking.ModeOnePIN)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := booking.ParseCode(cr.Code)
	if _, err := e.cl.PutAttributes(ctx, code, hanako); !errors.Is(err, &booking.Error{Code: booking.ECOutOfOrder}) {
		t.Fatalf("attributes in one-PIN: %v", err)
	}
	if in, _ := e.cl.Session(ctx, code); in.Next != booking.NextWait {
		t.Fatalf("one-PIN next = %q", in.Next)
	}
	if _, err := e.cl.Confirm(ctx, code, cr.PageToken, "hanako"); err != nil {
		t.Fatal(err)
	}
	content, err := e.cl.Content(ctx, code)
	if err != nil || bytes.Contains(content, []byte("name:")) {
		t.Fatalf("one-PIN content %q %v", content, err)
	}
	if _, err := e.cl.PutSignature(ctx, code, fakeCMS(content, booking.OutcomeValid)); err != nil {
		t.Fatal(err)
	}
	pv, _ := e.cl.PageView(ctx, code, cr.PageToken)
	if pv.Attributes == nil || pv.Attributes.Name != "公的　花子" {
		t.Fatalf("one-PIN attributes from certificate: %+v", pv)
	}
}

func TestReplayIntoAnotherSessionRefused(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, codeA, contentA := e.confirmed(t)
	crB, codeB, _ := e.confirmed(t)
	cmsA := fakeCMS(contentA, booking.OutcomeValid)
	if _, err := e.cl.PutSignature(ctx, codeB, cmsA); !errors.Is(err, booking.ErrContentMismatch) {
		t.Fatalf("replay: %v", err)
	}
	var ae *client.APIError
	_, err := e.cl.PutSignature(ctx, codeB, cmsA)
	if !errors.As(err, &ae) || ae.Status != http.StatusUnprocessableEntity {
		t.Fatalf("replay status: %v", err)
	}
	// The refused replay did not consume B, and A still takes its own.
	pv, _ := e.cl.PageView(ctx, codeB, crB.PageToken)
	if pv.State != booking.StateConfirmed || pv.Result != nil {
		t.Fatalf("B after replay: %+v", pv)
	}
	if _, err := e.cl.PutSignature(ctx, codeA, cmsA); err != nil {
		t.Fatal(err)
	}
}

func TestExpiredSession(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cr, code, content := e.confirmed(t)
	e.clock.Add(booking.DefaultTTL + time.Second)
	for name, call := range map[string]func() error{
		"info":    func() error { _, err := e.cl.Session(ctx, code); return err },
		"content": func() error { _, err := e.cl.Content(ctx, code); return err },
		"signature": func() error {
			_, err := e.cl.PutSignature(ctx, code, fakeCMS(content, booking.OutcomeValid))
			return err
		},
		"confirm": func() error { _, err := e.cl.Confirm(ctx, code, cr.PageToken, "x"); return err },
	} {
		var ae *client.APIError
		if err := call(); !errors.As(err, &ae) || ae.Status != http.StatusGone || ae.Code != booking.ECExpired {
			t.Errorf("%s on expired session: %v", name, err)
		}
	}
	pv, err := e.cl.PageView(ctx, code, cr.PageToken)
	if err != nil || !pv.Expired {
		t.Fatalf("page on expired session: %+v %v", pv, err)
	}
	if n, err := e.srv.Service().Cleanup(ctx, 0); err != nil || n != 1 {
		t.Fatalf("cleanup: %d %v", n, err)
	}
}

func TestStepAcceptedOnceUnderConcurrency(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cr, _ := e.create(ctx, t, booking.ModeTwoStep)
	code, _ := booking.ParseCode(cr.Code)
	var ok atomic.Int64
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			a := hanako
			a.Address = fmt.Sprintf("東京都千代田区%d", i)
			if _, err := e.cl.PutAttributes(ctx, code, a); err == nil {
				ok.Add(1)
			} else if !errors.Is(err, booking.ErrConflict) {
				t.Errorf("attributes %d: %v", i, err)
			}
		}(i)
	}
	wg.Wait()
	if ok.Load() != 1 {
		t.Fatalf("%d uploads accepted, want 1", ok.Load())
	}
}

// raw sends a request straight to the handler and checks the answer is a
// JSON error with the wanted status and code.
// tokens are the claim tokens of the sessions the tests' clients claimed,
// for raw requests to prove the claim as mynadesk would.
var tokens sync.Map // booking.Code → string

// create makes a session and claims it as mynadesk opening the link would.
func (e *env) create(ctx context.Context, t *testing.T, mode booking.Mode) (booking.CreateResponse, error) {
	t.Helper()
	cr, err := e.cl.Create(ctx, mode)
	if err != nil {
		return cr, err
	}
	ref, err := booking.ParseRef(cr.Link, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.cl.Claim(ctx, ref); err != nil {
		t.Fatalf("claim: %v", err)
	}
	tokens.Store(ref.Code, e.cl.ClaimToken(ref.Code))
	return cr, nil
}

// claimRaw claims code with a fresh token from remote and returns the status.
func claimRaw(t *testing.T, h http.Handler, code booking.Code, remote string) int {
	t.Helper()
	body := `{"claim":"` + strings.Repeat("c", 43) + fmt.Sprint(time.Now().UnixNano()) + `"}`
	return raw(t, h, "POST", "/api/v2/sessions/"+string(code)+"/claim", "application/json", strings.NewReader(body), remote).Code
}

func raw(t *testing.T, h http.Handler, method, path, ctype string, body io.Reader, remote string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, body)
	if parts := strings.Split(path, "/"); len(parts) > 4 {
		if c, err := booking.ParseCode(parts[4]); err == nil {
			if tok, ok := tokens.Load(c); ok {
				req.Header.Set("Authorization", "Bearer "+tok.(string))
			}
		}
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if remote != "" {
		req.RemoteAddr = remote
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func wantError(t *testing.T, w *httptest.ResponseRecorder, status int, code booking.ErrorCode, what string) {
	t.Helper()
	var eb booking.ErrorBody
	if w.Code != status || json.Unmarshal(w.Body.Bytes(), &eb) != nil || eb.Error.Code != code ||
		!strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		t.Errorf("%s: got %d %q, want %d %s", what, w.Code, w.Body.String(), status, code)
	}
}

func TestBadInputEveryEndpoint(t *testing.T) {
	e := newEnv(t)
	h := e.srv
	_, code, content := e.confirmed(t)
	cr2, _ := e.create(context.Background(), t, booking.ModeTwoStep)
	fresh, _ := booking.ParseCode(cr2.Code)
	c, f := string(code), string(fresh)
	huge := strings.Repeat("A", MaxBody+10)
	unknown, _ := booking.NewCode()
	cms := fakeCMS(content, booking.OutcomeValid)
	truncated, _ := json.Marshal(booking.SignatureRequest{CMS: cms[:len(cms)/2]})
	js := "application/json"
	i := 0
	remote := func() string { i++; return fmt.Sprintf("192.0.2.%d:1234", i) } // a fresh client each, so the guess limit stays out of the way
	cases := []struct {
		method, path, ctype, body string
		status                    int
		code                      booking.ErrorCode
	}{
		{"POST", "/api/v2/sessions", js, "{garbage", 400, booking.ECInvalid},
		{"POST", "/api/v2/sessions", "text/plain", `{"mode":"two-step"}`, 415, booking.ECMediaType},
		{"POST", "/api/v2/sessions", js, `{"mode":"three-step"}`, 400, booking.ECInvalid},
		{"POST", "/api/v2/sessions", js, `{"mode":"two-step","extra":1}`, 400, booking.ECInvalid},
		{"POST", "/api/v2/sessions", js, `{"mode":"two-step"} {}`, 400, booking.ECInvalid},
		{"POST", "/api/v2/sessions", js, `{"mode":"` + huge + `"}`, 413, booking.ECTooLarge},
		{"GET", "/api/v2/sessions/" + string(unknown), "", "", 404, booking.ECNotFound},
		{"GET", "/api/v2/sessions/ABCD-EFGH", "", "", 400, booking.ECInvalid},
		{"GET", "/api/v2/sessions/%00%ff", "", "", 400, booking.ECInvalid},
		{"POST", "/api/v2/sessions/" + f + "/attributes", js, "\x00\x01garbage", 400, booking.ECInvalid},
		{"POST", "/api/v2/sessions/" + f + "/attributes", "application/x-www-form-urlencoded", "name=x", 415, booking.ECMediaType},
		{"POST", "/api/v2/sessions/" + f + "/attributes", js, `{"name":"公的　花子","address":"東京都","birth":"2000","sex":"2"}`, 400, booking.ECInvalid},
		{"POST", "/api/v2/sessions/" + f + "/attributes", js, `{"name":"` + huge + `"}`, 413, booking.ECTooLarge},
		{"POST", "/api/v2/sessions/" + string(unknown) + "/attributes", js, `{"name":"公的　花子","address":"東京都","birth":"20000101","sex":"2"}`, 404, booking.ECNotFound},
		{"POST", "/api/v2/sessions/" + c + "/attributes", js, `{"name":"公的　太郎","address":"東京都","birth":"20000101","sex":"1"}`, 409, booking.ECStepDone},
		{"GET", "/api/v2/sessions/" + f + "/content", "", "", 409, booking.ECOutOfOrder},
		{"GET", "/api/v2/sessions/" + string(unknown) + "/content", "", "", 404, booking.ECNotFound},
		{"POST", "/api/v2/sessions/" + f + "/signature", js, `{"cms":"AAAA"}`, 409, booking.ECOutOfOrder},
		{"POST", "/api/v2/sessions/" + c + "/signature", js, `{"cms":"!!!not base64"}`, 400, booking.ECInvalid},
		{"POST", "/api/v2/sessions/" + c + "/signature", js, `{"cms":""}`, 400, booking.ECBadSignature},
		{"POST", "/api/v2/sessions/" + c + "/signature", js, `{"cms":"Z2FyYmFnZQ=="}`, 400, booking.ECBadSignature},
		{"POST", "/api/v2/sessions/" + c + "/signature", js, string(truncated), 400, booking.ECBadSignature},
		{"POST", "/api/v2/sessions/" + c + "/signature", "application/pkcs7-mime", string(cms), 415, booking.ECMediaType},
		{"POST", "/api/v2/sessions/" + c + "/signature", js, `{"cms":"` + huge + `"}`, 413, booking.ECTooLarge},
		{"POST", "/api/v2/sessions/" + string(unknown) + "/signature", js, `{"cms":"AAAA"}`, 404, booking.ECNotFound},
		{"GET", "/api/v2/sessions/" + c + "/page", "", "", 401, booking.ECUnauthorized},
		{"POST", "/api/v2/sessions/" + c + "/confirm", js, `{"login_id":"x"}`, 401, booking.ECUnauthorized},
		{"POST", "/api/v2/sessions/" + c + "/confirm", js, `{"login_id":`, 400, booking.ECInvalid},
		{"GET", "/api/v2/sessions", "", "", 405, booking.ECMethod},
		{"GET", "/api/v1/sessions/" + c, "", "", 426, booking.ECUpgrade},
		{"DELETE", "/api/v2/sessions/" + c, "", "", 405, booking.ECMethod},
		{"GET", "/api/v2/sessions/" + c + "/signature", "", "", 405, booking.ECMethod},
	}
	for _, tc := range cases {
		w := raw(t, h, tc.method, tc.path, tc.ctype, strings.NewReader(tc.body), remote())
		if tc.code == "" {
			if w.Code != tc.status {
				t.Errorf("%s %s: %d, want %d", tc.method, tc.path, w.Code, tc.status)
			}
			continue
		}
		wantError(t, w, tc.status, tc.code, tc.method+" "+tc.path+" "+trim(tc.body))
	}
	// After all that, the service still serves: the good session finishes.
	res, err := e.cl.PutSignature(context.Background(), code, cms)
	if err != nil || res.Outcome != booking.OutcomeValid {
		t.Fatalf("after bad input: %+v %v", res, err)
	}
	if w := raw(t, h, "GET", "/healthz", "", nil, ""); w.Code != 200 {
		t.Fatalf("healthz %d", w.Code)
	}
	if w := raw(t, h, "GET", "/metrics", "", nil, ""); w.Code != 200 || !strings.Contains(w.Body.String(), `booking_signatures_total{outcome="valid"} 1`) {
		t.Fatalf("metrics: %d %s", w.Code, w.Body.String())
	}
}

func trim(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func TestGuessingIsRateLimited(t *testing.T) {
	e := newEnv(t)
	h := e.srv
	guesser := "198.51.100.7:5555"
	limited := false
	for i := 0; i < 30; i++ {
		c, _ := booking.NewCode()
		w := raw(t, h, "GET", "/api/v2/sessions/"+string(c), "", nil, guesser)
		if w.Code == http.StatusTooManyRequests {
			wantError(t, w, 429, booking.ECRateLimited, "guess")
			if i < 10 {
				t.Fatalf("limited after only %d guesses", i)
			}
			limited = true
			break
		}
		if w.Code != http.StatusNotFound {
			t.Fatalf("guess %d: %d", i, w.Code)
		}
	}
	if !limited {
		t.Fatal("30 guesses were not rate limited")
	}
	// Another resident is not affected.
	cr, _ := e.create(context.Background(), t, booking.ModeTwoStep)
	code, _ := booking.ParseCode(cr.Code)
	if c := claimRaw(t, h, code, "203.0.113.9:1"); c != 200 && c != http.StatusConflict {
		t.Fatalf("other client: %d", c)
	}
	// The guesser is refused even with a right code, until tokens refill.
	if c := claimRaw(t, h, code, guesser); c != 429 {
		t.Fatalf("guesser with right code: %d", c)
	}
	e.clock.Add(time.Minute)
	if c := claimRaw(t, h, code, guesser); c != http.StatusConflict {
		t.Fatalf("guesser after a minute: %d (want 409: claimed by the other client)", c)
	}
}

func TestShutdownKeepsAcceptedUpload(t *testing.T) {
	e := newEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: e.srv}
	go hs.Serve(ln)
	cl, _ := client.New("http://"+ln.Addr().String(), nil)
	cl.MaxAttempts = 1
	ctx := context.Background()
	cr, _ := cl.Create(ctx, booking.ModeTwoStep)
	ref, _ := booking.ParseRef(cr.Link, "")
	code := ref.Code
	if _, err := cl.Claim(ctx, ref); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.PutAttributes(ctx, code, hanako); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.Confirm(ctx, code, cr.PageToken, "tarou1234567"); err != nil {
		t.Fatal(err)
	}
	content, err := cl.Content(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	e.ver.delay = 300 * time.Millisecond
	done := make(chan error, 1)
	go func() {
		_, err := cl.PutSignature(context.Background(), code, fakeCMS(content, booking.OutcomeValid))
		done <- err
	}()
	for e.ver.calls.Load() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	e.srv.Drain()
	if err := hs.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("upload during shutdown: %v", err)
	}
	s, err := e.store.Get(context.Background(), code)
	if err != nil || s.State != booking.StateDone {
		t.Fatalf("stored after shutdown: %+v %v", s, err)
	}
	if w := raw(t, e.srv, "GET", "/readyz", "", nil, ""); w.Code != 503 {
		t.Fatalf("readyz while draining: %d", w.Code)
	}
}

func TestCreationIsRateLimited(t *testing.T) {
	e := newEnv(t)
	frozen := time.Now() // no refill while the loop runs, however slow the machine
	e.srv.creates.now = func() time.Time { return frozen }
	busy := "198.51.100.8:1"
	n := 0
	for ; n < 100; n++ {
		w := raw(t, e.srv, "POST", "/api/v2/sessions", "application/json", strings.NewReader(`{}`), busy)
		if w.Code == http.StatusTooManyRequests {
			wantError(t, w, 429, booking.ECRateLimited, "create")
			break
		}
		if w.Code != http.StatusCreated {
			t.Fatalf("create %d: %d %s", n, w.Code, w.Body)
		}
	}
	if n != 30 {
		t.Fatalf("limited after %d creations, want 30 (the burst)", n)
	}
	if w := raw(t, e.srv, "POST", "/api/v2/sessions", "application/json", strings.NewReader(`{}`), "203.0.113.5:1"); w.Code != http.StatusCreated {
		t.Fatalf("another address: %d", w.Code)
	}
}

// Every API answer, an error or not, is marked no-store: they carry
// session state and, at step 1, the resident's attributes.
func TestAnswersAreNeverCached(t *testing.T) {
	e := newEnv(t)
	unknown, _ := booking.NewCode()
	for _, tc := range []struct{ method, path, ctype, body string }{
		{"POST", "/api/v2/sessions", "application/json", `{"mode":"two-step"}`},
		{"GET", "/api/v2/sessions/" + string(unknown), "", ""},
		{"POST", "/api/v2/sessions", "application/json", "{garbage"},
		{"DELETE", "/api/v2/sessions/" + string(unknown), "", ""},
		{"GET", "/healthz", "", ""},
	} {
		w := raw(t, e.srv, tc.method, tc.path, tc.ctype, strings.NewReader(tc.body), "192.0.2.200:1234")
		if got := w.Header().Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s %s: %d with Cache-Control %q, want no-store", tc.method, tc.path, w.Code, got)
		}
		if got := w.Header().Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s %s: X-Content-Type-Options %q, want nosniff", tc.method, tc.path, got)
		}
	}
}
