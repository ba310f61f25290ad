package vm

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/booking/client"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/problem"
	"github.com/mynadesk/mynadesk/resident"
)

// Phase is where a session is, as the screens show it.
type Phase int

// Phases of a session.
const (
	PhaseIdle        Phase = iota // no session: the home screen
	PhaseConnecting               // fetching the session from the service
	PhasePreparing                // reading the PIN counter before asking
	PhasePIN                      // asking the resident for a PIN
	PhaseCard                     // the card works: カードを動かさずにお待ちください
	PhaseUploading                // sending the attributes
	PhaseWaitingPage              // step 1 done; the resident goes on on the page
	PhaseSending                  // sending the signature
	PhaseDone                     // the service's verdict is in
	PhaseError                    // something stopped the session: Problem says what
)

var phaseNames = map[Phase]string{
	PhaseIdle: "idle", PhaseConnecting: "connecting", PhasePreparing: "preparing", PhasePIN: "pin",
	PhaseCard: "card", PhaseUploading: "uploading", PhaseWaitingPage: "waiting-page",
	PhaseSending: "sending", PhaseDone: "done", PhaseError: "error",
}

// String is a stable key for logs and tests.
func (p Phase) String() string { return phaseNames[p] }

// Busy reports whether the phase has work in progress that Cancel stops.
func (p Phase) Busy() bool {
	switch p {
	case PhaseConnecting, PhasePreparing, PhasePIN, PhaseCard, PhaseUploading, PhaseWaitingPage, PhaseSending:
		return true
	}
	return false
}

// Verdict is the service's answer to the signature, with the manual's texts.
type Verdict struct {
	Outcome  booking.Outcome
	Code     string
	Title    assets.Text
	Message  assets.Text
	Remedies []assets.Text
	// Plain is our own line under the manual's for a check the service
	// could not complete (Code 30–40): it does not say the card is revoked.
	Plain, PlainLead assets.Text
	// SignAgain: the manual says to sign again now (mismatch, Code 30–40),
	// which the session allows.
	SignAgain bool
}

// OK reports whether the service accepted the signature.
func (v Verdict) OK() bool { return v.Outcome == booking.OutcomeValid }

// VerdictOf turns a Result into what the resident is told (docs/errors.md,
// the signature check: Code 21, Code 23, another code, mismatch).
func VerdictOf(r booking.Result) Verdict {
	v := Verdict{Outcome: r.Outcome, Code: r.Code}
	if r.Outcome == booking.OutcomeValid {
		v.Title, v.Message = assets.UI.VerdictValid, assets.UI.VerdictValidNext
		return v
	}
	e := problem.Verdict(r)
	v.Title, v.Message, v.Remedies = e.Title, e.Message, e.Remedies
	switch {
	case r.Outcome == booking.OutcomeMismatch:
		v.SignAgain = true
	case r.Code != string(assets.CodeSigExpired) && r.Code != string(assets.CodeSigRevoked):
		v.Plain, v.PlainLead, v.SignAgain = assets.UI.CheckFailedPlain, assets.UI.CheckFailedLead, true
	}
	return v
}

// FlowState is one snapshot of a session for the screens.
type FlowState struct {
	Phase Phase
	// Step is 1 (read the attributes) or 2 (sign); 0 before either.
	Step int
	Ref  booking.Ref
	// PIN, TriesLeft and LastTry describe the PIN asked for (PhasePIN).
	PIN       card.PIN
	TriesLeft int
	LastTry   bool
	// ReadOK: step 1 succeeded (マイナンバーカードの読み込みに成功しました。).
	ReadOK bool
	// SignOK: the card signed (電子署名処理に成功しました。).
	SignOK bool
	// Content is what step 2 signs, shown before the signing password
	// (the exact text, behind 「詳細」).
	Content string
	// Summary is Content as labelled fields; nil if it could not be read.
	Summary *Summary
	// ServiceName is the booking service's name for the resident.
	ServiceName string
	// Verdict is set in PhaseDone.
	Verdict *Verdict
	// Problem is set in PhaseError.
	Problem *problem.Problem
	// PendingUpload: a signature is held in memory and can be sent again
	// without the signing password.
	PendingUpload bool
	// Confirmation is the claim's confirmation number, the same the
	// booking page shows; ConfirmPending: the page waits for the resident
	// to say the two match (a typed code).
	Confirmation   string
	ConfirmPending bool
	// Stopped: the session stopped before any PIN was asked, because the
	// card cannot go on (Problem says why and where to go).
	Stopped bool
}

// FlowDeps is what a Flow needs.
type FlowDeps struct {
	// Card is the card side of the session (resident.SystemCard).
	Card resident.CardSource
	// NewClient returns a booking client for a service base URL.
	NewClient func(service string) (*client.Client, error)
	// Poll is the interval of waiting for the page (default 1 s).
	Poll time.Duration
	// CardStatus, if set, is the card's status as last read without a PIN
	// (the home screen's): a session stops before step 1 when the card
	// cannot sign or its needed PIN is locked (StopBefore).
	CardStatus func() *card.Status
}

// Errors of SubmitPIN that the screen shows on the spot.
var (
	// ErrConfirmLastTry: the PIN has one try left and the resident has not
	// confirmed using it.
	ErrConfirmLastTry = resident.ErrLastTry
	// ErrNotAsking: no PIN is being asked for.
	ErrNotAsking = errors.New("vm: no PIN is being asked for")
)

// Flow is the view model of a booking session: both steps, the PIN
// prompts, cancel, retry and forgetting everything.
type Flow struct {
	deps FlowDeps

	mu        sync.Mutex
	st        FlowState
	gen       int // run generation: callbacks of older runs are ignored
	cancel    context.CancelFunc
	pinCh     chan []byte
	pending   *resident.Pending
	listeners []func(FlowState)
	// client holds the claim of the session clientRef: a retry of the same
	// session must prove the same claim, so it reuses the client.
	client    *client.Client
	clientRef booking.Ref
}

// NewFlow returns an idle Flow.
func NewFlow(d FlowDeps) *Flow { return &Flow{deps: d} }

// OnChange registers fn to be told every new state.
func (f *Flow) OnChange(fn func(FlowState)) {
	f.mu.Lock()
	f.listeners = append(f.listeners, fn)
	f.mu.Unlock()
}

// State returns the current state.
func (f *Flow) State() FlowState {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.st
}

// update changes the state of run gen and tells the listeners.
func (f *Flow) update(gen int, fn func(s *FlowState)) {
	f.mu.Lock()
	if gen != f.gen {
		f.mu.Unlock()
		return
	}
	fn(&f.st)
	st, ls := f.st, append([]func(FlowState){}, f.listeners...)
	f.mu.Unlock()
	for _, l := range ls {
		l(st)
	}
}

// Start runs the session at ref from where the service says it is.
func (f *Flow) Start(ref booking.Ref) {
	f.mu.Lock()
	f.stopLocked()
	f.gen++
	gen := f.gen
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel = cancel
	f.pinCh = make(chan []byte)
	pinCh := f.pinCh
	prev := f.st
	f.st = FlowState{Phase: PhaseConnecting, Ref: ref}
	if prev.Ref == ref { // a retry keeps what the resident already achieved
		f.st.ReadOK = prev.ReadOK
	}
	f.mu.Unlock()
	f.update(gen, func(*FlowState) {})
	go f.run(ctx, gen, ref, pinCh)
}

func (f *Flow) stopLocked() {
	if f.cancel != nil {
		f.cancel()
		f.cancel = nil
	}
	if f.pending != nil {
		f.pending.Discard()
		f.pending = nil
	}
}

func (f *Flow) run(ctx context.Context, gen int, ref booking.Ref, pinCh chan []byte) {
	if f.precheck(gen, false) {
		return
	}
	rs := &resident.Session{
		// A retry of the same session must prove the same claim: the
		// client holding it is made once per session.
		NewClient: func(string) (*client.Client, error) { return f.sessionClient(ref) },
		Card:      f.deps.Card,
		Prompt:    f.prompt(ctx, gen, pinCh),
		Poll:      f.deps.Poll,
		Progress: func(s resident.Stage) {
			if s == resident.StageReading && f.precheck(gen, true) {
				return // the run is cancelled: ReadAttributes ends at once
			}
			f.stage(gen, s)
		},
		Claimed: func(n string, pending bool) {
			f.update(gen, func(s *FlowState) { s.Confirmation, s.ConfirmPending = n, pending })
		},
		ShowSession: func(in booking.SessionInfo) {
			f.update(gen, func(s *FlowState) { s.ServiceName = in.ServiceName })
		},
		ShowContent: func(c []byte) error {
			sum, err := ParseContent(string(c))
			f.update(gen, func(s *FlowState) {
				s.Content, s.Summary = string(c), nil
				if err == nil {
					sum.ServiceName = s.ServiceName
					s.Summary = &sum
				}
			})
			return nil
		},
	}
	res, err := rs.Run(ctx, ref)
	f.finish(gen, res, err)
}

// sessionClient returns the client of ref's session, made once per session.
func (f *Flow) sessionClient(ref booking.Ref) (*client.Client, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.client != nil && f.clientRef.Service == ref.Service && f.clientRef.Code == ref.Code {
		return f.client, nil
	}
	cl, err := f.deps.NewClient(ref.Service)
	if err != nil {
		return nil, err
	}
	f.client, f.clientRef = cl, ref
	return cl, nil
}

func (f *Flow) finish(gen int, res booking.Result, err error) {
	var ue *resident.UploadError
	if errors.As(err, &ue) {
		f.mu.Lock()
		if gen == f.gen {
			f.pending = ue.Pending
		} else {
			ue.Pending.Discard()
		}
		f.mu.Unlock()
		f.update(gen, func(s *FlowState) { s.SignOK, s.PendingUpload = true, true })
	}
	if err != nil {
		f.fail(gen, err)
		return
	}
	v := VerdictOf(res)
	f.update(gen, func(s *FlowState) {
		s.Phase, s.Verdict, s.Problem, s.PendingUpload = PhaseDone, &v, nil, false
		s.SignOK = true
	})
}

func (f *Flow) fail(gen int, err error) {
	p := problem.Of(err)
	f.update(gen, func(s *FlowState) {
		s.Phase, s.Problem = PhaseError, p
		if s.PendingUpload {
			p.Retry = true
		}
	})
}

func (f *Flow) stage(gen int, st resident.Stage) {
	f.update(gen, func(s *FlowState) {
		switch st {
		case resident.StageSession:
			s.Phase = PhaseConnecting
		case resident.StageClaim:
			s.Phase = PhaseWaitingPage
		case resident.StageReading:
			s.Phase, s.Step, s.ConfirmPending = PhasePreparing, 1, false
		case resident.StageUploading:
			s.Phase, s.ReadOK = PhaseUploading, true
		case resident.StageWaiting:
			s.Phase, s.Step = PhaseWaitingPage, 1
		case resident.StageSigning:
			s.Phase, s.Step = PhasePreparing, 2
		case resident.StageSending:
			s.Phase, s.SignOK = PhaseSending, true
		}
	})
}

// prompt is the PINPrompt the driver calls after reading the counter: it
// shows the PIN screen and waits for SubmitPIN or Cancel.
func (f *Flow) prompt(ctx context.Context, gen int, pinCh chan []byte) card.PINPrompt {
	return func(p card.PIN, tries int) ([]byte, error) {
		f.update(gen, func(s *FlowState) {
			s.Phase, s.PIN, s.TriesLeft, s.LastTry = PhasePIN, p, tries, tries == 1
			if p == card.PINSign {
				s.Step = 2
			} else {
				s.Step = 1
			}
		})
		select {
		case pin := <-pinCh:
			f.update(gen, func(s *FlowState) { s.Phase = PhaseCard })
			return pin, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// SubmitPIN hands the typed PIN to the card. A PIN of the wrong shape is
// refused here (a *card.PINFormatError) and never reaches the card; on the
// last try it is refused with ErrConfirmLastTry unless confirmed. pin is
// wiped in every case.
func (f *Flow) SubmitPIN(pin []byte, confirmLastTry bool) error {
	defer card.Wipe(pin)
	f.mu.Lock()
	st, ch := f.st, f.pinCh
	f.mu.Unlock()
	if st.Phase != PhasePIN || ch == nil {
		return ErrNotAsking
	}
	norm, err := st.PIN.Normalize(pin)
	if err != nil {
		return err
	}
	if st.LastTry && !confirmLastTry {
		card.Wipe(norm)
		return ErrConfirmLastTry
	}
	select {
	case ch <- norm: // the driver wipes it after use
		return nil
	case <-time.After(time.Second):
		card.Wipe(norm)
		return ErrNotAsking
	}
}

// Cancel stops the session in progress. A PIN not yet sent costs no try.
func (f *Flow) Cancel() {
	f.mu.Lock()
	c := f.cancel
	f.mu.Unlock()
	if c != nil {
		c()
	}
}

// Retry goes on after an error: a held signature is sent again without the
// signing password; otherwise the session is taken up again from where the
// service says it is (a half-read step 1 was never uploaded).
func (f *Flow) Retry() {
	f.mu.Lock()
	p, st := f.pending, f.st
	if p == nil {
		f.mu.Unlock()
		f.Start(st.Ref)
		return
	}
	f.gen++
	gen := f.gen
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel = cancel
	f.mu.Unlock()
	f.update(gen, func(s *FlowState) { s.Phase, s.Problem = PhaseSending, nil })
	go func() {
		res, err := p.Upload(ctx)
		if err != nil {
			f.fail(gen, err)
			return
		}
		f.mu.Lock()
		if f.pending == p {
			f.pending = nil
		}
		f.mu.Unlock()
		f.finish(gen, res, nil)
	}()
}

// Reset forgets the session: the run is stopped, a held signature is
// discarded and the state is empty again (kiosk mode calls it after each
// resident).
func (f *Flow) Reset() {
	f.mu.Lock()
	f.stopLocked()
	f.gen++
	gen := f.gen
	f.st = FlowState{}
	f.client, f.clientRef = nil, booking.Ref{} // the claim token goes with the resident
	f.mu.Unlock()
	f.update(gen, func(*FlowState) {})
}
