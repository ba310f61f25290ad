// Package resident is the resident's side of a booking session, the one
// engine that `mynactl submit` and the desktop app's view model (ui/vm)
// both drive: from a session reference it builds the booking client, finds
// the session, reads the 4 attributes (step 1), waits for the page's
// confirmation, signs the content on the card (step 2), uploads it and
// reports each stage. The card is reached through one interface,
// CardSource, whose operations take the PIN prompt, so the session runs the
// same over a real card (SystemCard), the virtual card or a test double.
// The signed payload is held in memory only, until the upload succeeds or
// the resident cancels; nothing is written to disk.
package resident

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/booking/client"
	"github.com/mynadesk/mynadesk/card"
)

// CardSource is the card side of a session. Each call asks for its PIN
// through prompt, at most once, after reading the PIN's counter.
type CardSource interface {
	// ReadAttributes reads the 4 attributes from the card's input-helper
	// applet (the 4-digit PIN).
	ReadAttributes(ctx context.Context, prompt card.PINPrompt) (booking.Attributes, error)
	// SignContent signs content with the card's signing key (the signing
	// password) and returns a DER CMS SignedData with the content attached
	// and the signing certificate included.
	SignContent(ctx context.Context, content []byte, prompt card.PINPrompt) ([]byte, error)
}

// ErrLastTry is what a PIN prompt returns when the PIN has one try left and
// the resident (or the script) has not confirmed using it: no try is used.
var ErrLastTry = errors.New("resident: the last try needs confirmation")

// Stage is where the session is, for progress display.
type Stage string

// Stages, in order.
const (
	StageSession   Stage = "session"   // claiming the session
	StageClaim     Stage = "claim"     // waiting for the resident to confirm the number on the page
	StageReading   Stage = "reading"   // reading the attributes (helper PIN)
	StageUploading Stage = "uploading" // uploading the attributes
	StageWaiting   Stage = "waiting"   // waiting for 【マイナンバーカードの確認へ】 on the page
	StageSigning   Stage = "signing"   // signing on the card (signing password)
	StageSending   Stage = "sending"   // uploading the signature
	StageDone      Stage = "done"
)

// Session runs one booking session for the resident at the card.
type Session struct {
	// NewClient returns a booking client for the service of the session's
	// reference; client.New with no options when nil.
	NewClient func(service string) (*client.Client, error)
	// Card does the card operations; Prompt asks for their PINs.
	Card   CardSource
	Prompt card.PINPrompt
	// CardTimeout, if set, bounds each card operation (mynactl --timeout);
	// the time the resident takes to type is part of it.
	CardTimeout time.Duration
	// OnePIN asks for the one-PIN variant: the session must be one-PIN, and
	// the helper PIN is never asked.
	OnePIN bool
	// Progress, if set, is told each stage. It is called on the goroutine
	// running Run (a GUI hands it to its UI goroutine, e.g. with fyne.Do).
	Progress func(Stage)
	// ShowSession, if set, is given the session as the service first
	// describes it (its name, which the desktop app shows with what is
	// signed).
	ShowSession func(booking.SessionInfo)
	// ShowContent, if set, is given the content before it is signed (the
	// desktop app shows it); an error stops the session.
	ShowContent func(content []byte) error
	// Poll is the interval of waiting for the page (default 1 s).
	Poll time.Duration
	// Claimed, if set, is told the confirmation number as soon as the
	// session is claimed, and whether the page still waits for the
	// resident to compare it (a typed code) or not (link or QR code). The
	// app and mynactl show it.
	Claimed func(number string, pending bool)
}

// ModeError says the session's mode is not what the resident asked for.
type ModeError struct{ Want, Got booking.Mode }

func (e *ModeError) Error() string {
	return fmt.Sprintf("booking: the session is %s, not %s", e.Got, e.Want)
}

// UploadError is a signature upload that failed after every retry: the
// signature is kept in Pending, so the resident can try again without
// entering the signing password again, or cancel.
type UploadError struct {
	Pending *Pending
	Err     error
}

func (e *UploadError) Error() string {
	return "booking: uploading the signature failed: " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *UploadError) Unwrap() error { return e.Err }

// Pending is a signature not yet accepted by the service. It lives only in
// memory.
type Pending struct {
	client *client.Client
	code   booking.Code
	cms    []byte
}

// Upload sends the signature (with the client's retries) and, once the
// service has answered, forgets it.
func (p *Pending) Upload(ctx context.Context) (booking.Result, error) {
	if p.cms == nil {
		return booking.Result{}, errors.New("booking: the signature was discarded")
	}
	res, err := p.client.PutSignature(ctx, p.code, p.cms)
	var ae *client.APIError
	if err == nil || errors.As(err, &ae) && ae.Status < 500 {
		// The service decided: the bytes are of no further use.
		p.Discard()
	}
	return res, err
}

// Discard forgets the signature (the resident cancelled).
func (p *Pending) Discard() {
	clear(p.cms)
	p.cms = nil
}

func (f *Session) stage(s Stage) {
	if f.Progress != nil {
		f.Progress(s)
	}
}

// Client builds the booking client for ref's service. A service URL the
// client refuses is a *booking.RefError, like any bad reference.
func (f *Session) Client(ref booking.Ref) (*client.Client, error) {
	newClient := f.NewClient
	if newClient == nil {
		newClient = func(s string) (*client.Client, error) { return client.New(s, nil) }
	}
	cl, err := newClient(ref.Service)
	if err != nil {
		return nil, &booking.RefError{Input: ref.Service, Reason: err.Error(), Err: err}
	}
	return cl, nil
}

// cardCtx bounds one card operation by CardTimeout.
func (f *Session) cardCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	if f.CardTimeout > 0 {
		return context.WithTimeout(ctx, f.CardTimeout)
	}
	return context.WithCancel(ctx)
}

func (f *Session) readAttributes(ctx context.Context) (booking.Attributes, error) {
	ctx, cancel := f.cardCtx(ctx)
	defer cancel()
	return f.Card.ReadAttributes(ctx, f.Prompt)
}

func (f *Session) signContent(ctx context.Context, content []byte) ([]byte, error) {
	ctx, cancel := f.cardCtx(ctx)
	defer cancel()
	return f.Card.SignContent(ctx, content, f.Prompt)
}

// Run takes the session at ref through both steps and returns the
// service's verdict. A failed check (Code 21/23, mismatch, other) is a
// Result, not an error; errors are for what stopped the session.
func (f *Session) Run(ctx context.Context, ref booking.Ref) (booking.Result, error) {
	if f.Card == nil || f.Prompt == nil {
		return booking.Result{}, errors.New("resident: a session needs a card and a PIN prompt")
	}
	cl, err := f.Client(ref)
	if err != nil {
		return booking.Result{}, err
	}
	f.stage(StageSession)
	in, err := cl.Claim(ctx, ref)
	if err != nil {
		return booking.Result{}, err
	}
	if f.ShowSession != nil {
		f.ShowSession(in)
	}
	if in.Claim != nil && f.Claimed != nil {
		f.Claimed(in.Claim.Number, in.Claim.State == booking.ClaimPending)
	}
	if in.Claim != nil && in.Claim.State == booking.ClaimPending {
		f.stage(StageClaim)
		if in, err = f.poll(ctx, cl, ref.Code, in, func(in booking.SessionInfo) bool {
			return in.Claim != nil && in.Claim.State == booking.ClaimPending
		}); err != nil {
			return booking.Result{}, err
		}
	}
	if f.OnePIN && in.Mode != booking.ModeOnePIN {
		return booking.Result{}, &ModeError{Want: booking.ModeOnePIN, Got: in.Mode}
	}
	if in.Next == booking.NextNone && in.Result != nil {
		f.stage(StageDone)
		return *in.Result, nil
	}
	if in.Next == booking.NextAttributes {
		f.stage(StageReading)
		a, err := f.readAttributes(ctx)
		if err != nil {
			return booking.Result{}, err
		}
		f.stage(StageUploading)
		if in, err = cl.PutAttributes(ctx, ref.Code, a); err != nil {
			return booking.Result{}, err
		}
	}
	if in.Next != booking.NextSignature {
		f.stage(StageWaiting)
		if in, err = f.waitSignature(ctx, cl, ref.Code, in); err != nil {
			return booking.Result{}, err
		}
	}
	content, err := cl.Content(ctx, ref.Code)
	if err != nil {
		return booking.Result{}, err
	}
	if f.ShowContent != nil {
		if err := f.ShowContent(content); err != nil {
			return booking.Result{}, err
		}
	}
	f.stage(StageSigning)
	cms, err := f.signContent(ctx, content)
	if err != nil {
		return booking.Result{}, err
	}
	f.stage(StageSending)
	p := &Pending{client: cl, code: ref.Code, cms: cms}
	res, err := p.Upload(ctx)
	if err != nil {
		if p.cms != nil {
			return booking.Result{}, &UploadError{Pending: p, Err: err}
		}
		return booking.Result{}, err
	}
	f.stage(StageDone)
	return res, nil
}

// poll fetches the session every Poll while more(in), until the session
// expires or ctx ends.
func (f *Session) poll(ctx context.Context, cl *client.Client, code booking.Code, in booking.SessionInfo, more func(booking.SessionInfo) bool) (booking.SessionInfo, error) {
	poll := f.Poll
	if poll <= 0 {
		poll = time.Second
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for more(in) {
		select {
		case <-ctx.Done():
			return in, ctx.Err()
		case <-t.C:
		}
		var err error
		if in, err = cl.Session(ctx, code); err != nil {
			return in, err
		}
	}
	return in, nil
}

// waitSignature polls the session until the page has confirmed, the
// session expires or ctx ends.
func (f *Session) waitSignature(ctx context.Context, cl *client.Client, code booking.Code, in booking.SessionInfo) (booking.SessionInfo, error) {
	in, err := f.poll(ctx, cl, code, in, func(in booking.SessionInfo) bool { return in.Next == booking.NextWait })
	if err != nil {
		return in, err
	}
	if in.Next != booking.NextSignature {
		if in.Result != nil {
			return in, fmt.Errorf("booking: the session is already finished (%s)", in.Result.Outcome)
		}
		return in, fmt.Errorf("booking: unexpected session state %q", in.State)
	}
	return in, nil
}
