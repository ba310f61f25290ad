package desktop_test

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
	"github.com/mynadesk/mynadesk/booking/desktop"
	"github.com/mynadesk/mynadesk/booking/server"
	"github.com/mynadesk/mynadesk/booking/sqlite"
	"github.com/mynadesk/mynadesk/internal/testpki"
	"github.com/mynadesk/mynadesk/jpki/jpkitest"
)

type reader struct {
	h     jpkitest.Holder
	calls atomic.Int64
}

func (r *reader) ReadAttributes(ctx context.Context) (booking.Attributes, error) {
	r.calls.Add(1)
	return testpki.Attributes(r.h), nil
}

type signer struct {
	t     *testing.T
	card  *jpkitest.PKI
	calls atomic.Int64
}

func (s *signer) SignContent(ctx context.Context, content []byte) ([]byte, error) {
	s.calls.Add(1)
	return testpki.Sign(s.t, s.card, content), nil
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

func TestFlowTwoStep(t *testing.T) {
	e := newEnv(t)
	pki := testpki.Get(t)
	ref, confirm := e.page(t, booking.ModeTwoStep)
	go confirm()
	var stages []desktop.Stage
	var shown []byte
	f := &desktop.Flow{Client: e.cl, Reader: &reader{h: testpki.Hanako}, Signer: &signer{t: t, card: pki.Valid},
		Poll: 10 * time.Millisecond, Progress: func(s desktop.Stage) { stages = append(stages, s) },
		ShowContent: func(c []byte) error { shown = c; return nil }}
	res, err := f.Run(context.Background(), ref)
	if err != nil || res.Outcome != booking.OutcomeValid {
		t.Fatalf("Run = %+v, %v", res, err)
	}
	if !strings.Contains(string(shown), "name: 公的　花子\n") {
		t.Errorf("content shown: %q", shown)
	}
	want := []desktop.Stage{desktop.StageSession, desktop.StageReading, desktop.StageUploading, desktop.StageWaiting,
		desktop.StageSigning, desktop.StageSending, desktop.StageDone}
	if len(stages) != len(want) {
		t.Fatalf("stages %v, want %v", stages, want)
	}
	// Running again on a finished session reports the stored result and
	// asks the card for nothing.
	r2, s2 := &reader{h: testpki.Hanako}, &signer{t: t, card: pki.Valid}
	res, err = (&desktop.Flow{Client: e.cl, Reader: r2, Signer: s2}).Run(context.Background(), ref)
	if err != nil || res.Outcome != booking.OutcomeValid || r2.calls.Load()+s2.calls.Load() != 0 {
		t.Fatalf("second run: %+v %v", res, err)
	}
}

func TestFlowOtherCardMismatch(t *testing.T) {
	e := newEnv(t)
	pki := testpki.Get(t)
	ref, confirm := e.page(t, booking.ModeTwoStep)
	go confirm()
	f := &desktop.Flow{Client: e.cl, Reader: &reader{h: testpki.Hanako}, Signer: &signer{t: t, card: pki.Other}, Poll: 10 * time.Millisecond}
	res, err := f.Run(context.Background(), ref)
	if err != nil || res.Outcome != booking.OutcomeMismatch {
		t.Fatalf("Run = %+v, %v", res, err)
	}
}

func TestFlowOnePIN(t *testing.T) {
	e := newEnv(t)
	pki := testpki.Get(t)
	two, _ := e.page(t, booking.ModeTwoStep)
	f := &desktop.Flow{Client: e.cl, Signer: &signer{t: t, card: pki.Valid}, OnePIN: true, Poll: 10 * time.Millisecond}
	var me *desktop.ModeError
	if _, err := f.Run(context.Background(), two); !errors.As(err, &me) {
		t.Fatalf("one-PIN on a two-step session: %v", err)
	}
	ref, confirm := e.page(t, booking.ModeOnePIN)
	go confirm()
	r := &reader{h: testpki.Hanako}
	f.Reader = r
	res, err := f.Run(context.Background(), ref)
	if err != nil || res.Outcome != booking.OutcomeValid || r.calls.Load() != 0 {
		t.Fatalf("one-PIN: %+v %v (reader calls %d)", res, err, r.calls.Load())
	}
}

// An upload that fails after every retry keeps the signature in memory, so
// it is sent again without asking for the signing password again.
func TestFlowUploadKeptUntilSent(t *testing.T) {
	e := newEnv(t)
	pki := testpki.Get(t)
	ref, confirm := e.page(t, booking.ModeTwoStep)
	go confirm()
	e.failSigs.Store(int64(e.cl.MaxAttempts))
	s := &signer{t: t, card: pki.Valid}
	f := &desktop.Flow{Client: e.cl, Reader: &reader{h: testpki.Hanako}, Signer: s, Poll: 10 * time.Millisecond}
	_, err := f.Run(context.Background(), ref)
	var ue *desktop.UploadError
	if !errors.As(err, &ue) {
		t.Fatalf("Run = %v, want *UploadError", err)
	}
	res, err := ue.Pending.Upload(context.Background())
	if err != nil || res.Outcome != booking.OutcomeValid || s.calls.Load() != 1 {
		t.Fatalf("retry: %+v %v, signed %d times", res, err, s.calls.Load())
	}
	if _, err := ue.Pending.Upload(context.Background()); err == nil {
		t.Fatal("the signature was kept after the service accepted it")
	}
}

func TestFlowCancelWhileWaiting(t *testing.T) {
	e := newEnv(t)
	pki := testpki.Get(t)
	ref, _ := e.page(t, booking.ModeTwoStep) // the page never confirms
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	s := &signer{t: t, card: pki.Valid}
	f := &desktop.Flow{Client: e.cl, Reader: &reader{h: testpki.Hanako}, Signer: s, Poll: 10 * time.Millisecond}
	if _, err := f.Run(ctx, ref); !errors.Is(err, context.DeadlineExceeded) || s.calls.Load() != 0 {
		t.Fatalf("Run = %v, signed %d", err, s.calls.Load())
	}
}
