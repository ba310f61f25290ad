// Package desktop is the resident's side of a booking session, shared by
// `mynactl submit` and the desktop app: find the session, read the 4
// attributes (step 1), wait for the page's confirmation, sign the content on
// the card (step 2) and upload it. The card is reached through two small
// interfaces so the flow runs the same over a real card, the virtual card
// or a test double. The signed payload is held in memory only, until the
// upload succeeds or the resident cancels; nothing is written to disk.
package desktop

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/booking/client"
)

// AttributeReader reads the 4 attributes from the card's input-helper
// applet (asking the resident for the 4-digit PIN).
type AttributeReader interface {
	ReadAttributes(ctx context.Context) (booking.Attributes, error)
}

// ContentSigner signs content with the card's signing key (asking for the
// signing password) and returns a DER CMS SignedData with the content
// attached and the signing certificate included.
type ContentSigner interface {
	SignContent(ctx context.Context, content []byte) ([]byte, error)
}

// Stage is where the flow is, for progress display.
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

// Flow runs one session.
type Flow struct {
	Client *client.Client
	Reader AttributeReader
	Signer ContentSigner
	// OnePIN asks for the one-PIN variant: the session must be one-PIN, and
	// the helper PIN is never asked.
	OnePIN bool
	// Progress, if set, is told each stage. It is called on the goroutine
	// running Run (a GUI hands it to its UI goroutine, e.g. with fyne.Do).
	Progress func(Stage)
	// ShowContent, if set, is given the content before it is signed (the
	// desktop app shows it); an error stops the flow.
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

func (f *Flow) stage(s Stage) {
	if f.Progress != nil {
		f.Progress(s)
	}
}

// Run takes the session at ref through both steps and returns the
// service's verdict. A failed check (Code 21/23, mismatch, other) is a
// Result, not an error; errors are for what stopped the flow.
func (f *Flow) Run(ctx context.Context, ref booking.Ref) (booking.Result, error) {
	if f.Client == nil || f.Signer == nil {
		return booking.Result{}, errors.New("booking: flow needs a client and a signer")
	}
	f.stage(StageSession)
	in, err := f.Client.Claim(ctx, ref)
	if err != nil {
		return booking.Result{}, err
	}
	if in.Claim != nil && f.Claimed != nil {
		f.Claimed(in.Claim.Number, in.Claim.State == booking.ClaimPending)
	}
	if in.Claim != nil && in.Claim.State == booking.ClaimPending {
		f.stage(StageClaim)
		if in, err = f.poll(ctx, ref.Code, in, func(in booking.SessionInfo) bool {
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
		if f.Reader == nil {
			return booking.Result{}, errors.New("booking: the session needs the attributes but no reader is set")
		}
		f.stage(StageReading)
		a, err := f.Reader.ReadAttributes(ctx)
		if err != nil {
			return booking.Result{}, err
		}
		f.stage(StageUploading)
		if in, err = f.Client.PutAttributes(ctx, ref.Code, a); err != nil {
			return booking.Result{}, err
		}
	}
	if in.Next != booking.NextSignature {
		f.stage(StageWaiting)
		if in, err = f.waitSignature(ctx, ref.Code, in); err != nil {
			return booking.Result{}, err
		}
	}
	content, err := f.Client.Content(ctx, ref.Code)
	if err != nil {
		return booking.Result{}, err
	}
	if f.ShowContent != nil {
		if err := f.ShowContent(content); err != nil {
			return booking.Result{}, err
		}
	}
	f.stage(StageSigning)
	cms, err := f.Signer.SignContent(ctx, content)
	if err != nil {
		return booking.Result{}, err
	}
	f.stage(StageSending)
	p := &Pending{client: f.Client, code: ref.Code, cms: cms}
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
func (f *Flow) poll(ctx context.Context, code booking.Code, in booking.SessionInfo, more func(booking.SessionInfo) bool) (booking.SessionInfo, error) {
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
		if in, err = f.Client.Session(ctx, code); err != nil {
			return in, err
		}
	}
	return in, nil
}

// waitSignature polls the session until the page has confirmed, the
// session expires or ctx ends.
func (f *Flow) waitSignature(ctx context.Context, code booking.Code, in booking.SessionInfo) (booking.SessionInfo, error) {
	in, err := f.poll(ctx, code, in, func(in booking.SessionInfo) bool { return in.Next == booking.NextWait })
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
