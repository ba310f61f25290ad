package resident_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/booking/client"
	"github.com/mynadesk/mynadesk/booking/server"
	"github.com/mynadesk/mynadesk/booking/sqlite"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/internal/testpki"
	"github.com/mynadesk/mynadesk/jpki/jpkitest"
	"github.com/mynadesk/mynadesk/resident"
)

// fakeCard is a CardSource over a test PKI: it counts its calls and never
// calls the prompt.
type fakeCard struct {
	t      *testing.T
	h      jpkitest.Holder
	card   *jpkitest.PKI
	reads  atomic.Int64
	signed atomic.Int64
}

func (c *fakeCard) ReadAttributes(ctx context.Context, _ card.PINPrompt) (booking.Attributes, error) {
	c.reads.Add(1)
	return testpki.Attributes(c.h), nil
}

func (c *fakeCard) SignContent(ctx context.Context, content []byte, _ card.PINPrompt) ([]byte, error) {
	c.signed.Add(1)
	return testpki.Sign(c.t, c.card, content), nil
}

func noPrompt(card.PIN, int) ([]byte, error) { return nil, errors.New("no prompt in this test") }

// session is a Session on e's service.
func (e *env) session(c *fakeCard) *resident.Session {
	return &resident.Session{NewClient: func(string) (*client.Client, error) { return e.cl, nil },
		Card: c, Prompt: noPrompt, Poll: 10 * time.Millisecond}
}

type env struct {
	cl       *client.Client
	failSigs atomic.Int64 // answer this many signature uploads with 503
}

func newEnv(t *testing.T) *env {
	pki := testpki.Get(t)
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := &env{}
	ts := httptest.NewServer(nil)
	t.Cleanup(ts.Close)
	svc, _ := booking.NewService(booking.Config{Store: st, Verifier: pki.Verifier(), ServiceID: ts.URL,
		AllowOnePIN: true, Logger: slog.New(slog.DiscardHandler)})
	api := server.New(svc, server.Options{BaseURL: ts.URL, Logger: slog.New(slog.DiscardHandler)})
	ts.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/signature") && e.failSigs.Add(-1) >= 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		api.ServeHTTP(w, r)
	})
	e.cl, _ = client.New(ts.URL, nil)
	e.cl.Backoff, e.cl.MaxBackoff = time.Millisecond, time.Millisecond
	return e
}

// page plays the registration page: it confirms once step 1 is done.
func (e *env) page(t *testing.T, mode booking.Mode) (booking.Ref, func()) {
	cr, err := e.cl.Create(context.Background(), mode)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := booking.ParseRef(cr.Link, "")
	if err != nil {
		t.Fatal(err)
	}
	confirm := func() {
		for i := 0; i < 200; i++ {
			pv, err := e.cl.PageView(context.Background(), ref.Code, cr.PageToken)
			if err == nil && (pv.Attributes != nil || mode == booking.ModeOnePIN) {
				if _, err := e.cl.Confirm(context.Background(), ref.Code, cr.PageToken, "tarou1234567"); err != nil {
					t.Error(err)
				}
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Error("step 1 never arrived")
	}
	return ref, confirm
}

func TestSessionTwoStep(t *testing.T) {
	e := newEnv(t)
	pki := testpki.Get(t)
	ref, confirm := e.page(t, booking.ModeTwoStep)
	go confirm()
	var stages []resident.Stage
	var shown []byte
	f := e.session(&fakeCard{t: t, h: testpki.Hanako, card: pki.Valid})
	f.Progress = func(s resident.Stage) { stages = append(stages, s) }
	f.ShowContent = func(c []byte) error { shown = c; return nil }
	res, err := f.Run(context.Background(), ref)
	if err != nil || res.Outcome != booking.OutcomeValid {
		t.Fatalf("Run = %+v, %v", res, err)
	}
	if !strings.Contains(string(shown), "name: 公的　花子\n") {
		t.Errorf("content shown: %q", shown)
	}
	want := []resident.Stage{resident.StageSession, resident.StageReading, resident.StageUploading, resident.StageWaiting,
		resident.StageSigning, resident.StageSending, resident.StageDone}
	if len(stages) != len(want) {
		t.Fatalf("stages %v, want %v", stages, want)
	}
	// Running again on a finished session reports the stored result and
	// asks the card for nothing.
	c2 := &fakeCard{t: t, h: testpki.Hanako, card: pki.Valid}
	res, err = e.session(c2).Run(context.Background(), ref)
	if err != nil || res.Outcome != booking.OutcomeValid || c2.reads.Load()+c2.signed.Load() != 0 {
		t.Fatalf("second run: %+v %v", res, err)
	}
}

func TestSessionOtherCardMismatch(t *testing.T) {
	e := newEnv(t)
	pki := testpki.Get(t)
	ref, confirm := e.page(t, booking.ModeTwoStep)
	go confirm()
	res, err := e.session(&fakeCard{t: t, h: testpki.Hanako, card: pki.Other}).Run(context.Background(), ref)
	if err != nil || res.Outcome != booking.OutcomeMismatch {
		t.Fatalf("Run = %+v, %v", res, err)
	}
}

func TestSessionOnePIN(t *testing.T) {
	e := newEnv(t)
	pki := testpki.Get(t)
	two, _ := e.page(t, booking.ModeTwoStep)
	c := &fakeCard{t: t, h: testpki.Hanako, card: pki.Valid}
	f := e.session(c)
	f.OnePIN = true
	var me *resident.ModeError
	if _, err := f.Run(context.Background(), two); !errors.As(err, &me) {
		t.Fatalf("one-PIN on a two-step session: %v", err)
	}
	ref, confirm := e.page(t, booking.ModeOnePIN)
	go confirm()
	res, err := f.Run(context.Background(), ref)
	if err != nil || res.Outcome != booking.OutcomeValid || c.reads.Load() != 0 {
		t.Fatalf("one-PIN: %+v %v (reader calls %d)", res, err, c.reads.Load())
	}
}

// An upload that fails after every retry keeps the signature in memory, so
// it is sent again without asking for the signing password again.
func TestSessionUploadKeptUntilSent(t *testing.T) {
	e := newEnv(t)
	pki := testpki.Get(t)
	ref, confirm := e.page(t, booking.ModeTwoStep)
	go confirm()
	e.failSigs.Store(int64(e.cl.MaxAttempts))
	c := &fakeCard{t: t, h: testpki.Hanako, card: pki.Valid}
	_, err := e.session(c).Run(context.Background(), ref)
	var ue *resident.UploadError
	if !errors.As(err, &ue) {
		t.Fatalf("Run = %v, want *UploadError", err)
	}
	res, err := ue.Pending.Upload(context.Background())
	if err != nil || res.Outcome != booking.OutcomeValid || c.signed.Load() != 1 {
		t.Fatalf("retry: %+v %v, signed %d times", res, err, c.signed.Load())
	}
	if _, err := ue.Pending.Upload(context.Background()); err == nil {
		t.Fatal("the signature was kept after the service accepted it")
	}
}

func TestSessionCancelWhileWaiting(t *testing.T) {
	e := newEnv(t)
	pki := testpki.Get(t)
	ref, _ := e.page(t, booking.ModeTwoStep) // the page never confirms
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	c := &fakeCard{t: t, h: testpki.Hanako, card: pki.Valid}
	if _, err := e.session(c).Run(ctx, ref); !errors.Is(err, context.DeadlineExceeded) || c.signed.Load() != 0 {
		t.Fatalf("Run = %v, signed %d", err, c.signed.Load())
	}
}

// CardTimeout bounds each card operation, not the session: a card that
// does not answer fails with the deadline and nothing is uploaded.
func TestSessionCardTimeout(t *testing.T) {
	e := newEnv(t)
	ref, _ := e.page(t, booking.ModeTwoStep)
	f := e.session(nil)
	f.Card = muteCard{}
	f.CardTimeout = 50 * time.Millisecond
	start := time.Now()
	if _, err := f.Run(context.Background(), ref); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Run = %v, want the card deadline", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("the card timeout did not hold: %v", d)
	}
}

// muteCard never answers until its context ends.
type muteCard struct{}

func (muteCard) ReadAttributes(ctx context.Context, _ card.PINPrompt) (booking.Attributes, error) {
	<-ctx.Done()
	return booking.Attributes{}, ctx.Err()
}

func (muteCard) SignContent(ctx context.Context, _ []byte, _ card.PINPrompt) ([]byte, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// A service URL the client refuses is a bad reference, before any request.
func TestSessionBadServiceURL(t *testing.T) {
	f := &resident.Session{NewClient: func(string) (*client.Client, error) { return nil, errors.New("no") },
		Card: muteCard{}, Prompt: noPrompt}
	var re *booking.RefError
	if _, err := f.Run(context.Background(), booking.Ref{Service: "ftp://x"}); !errors.As(err, &re) {
		t.Fatalf("Run = %v, want *booking.RefError", err)
	}
}
