package card

import (
	"errors"
	"fmt"
)

// Sentinels for errors.Is. The typed errors below unwrap to them.
var (
	ErrNotFound          = errors.New("card: file or applet not found")
	ErrSecurityStatus    = errors.New("card: security status not satisfied")
	ErrWrongPIN          = errors.New("card: wrong PIN")
	ErrPINBlocked        = errors.New("card: PIN blocked")
	ErrPINFormat         = errors.New("card: PIN has the wrong shape")
	ErrUnsupportedCard   = errors.New("card: not a card this product can read")
	ErrMalformed         = errors.New("card: malformed answer")
	ErrUnexpectedStatus  = errors.New("card: unexpected status word")
	ErrSeveralCards      = errors.New("card: several readers hold a card")
	ErrReaderNotFound    = errors.New("card: no such reader")
	ErrPINPromptRequired = errors.New("card: a PIN is needed but no prompt was given")
	// ErrNoSigningCert: the card carries no signing certificate (cards of
	// children under 15 have none). Found before the signing password is
	// asked for.
	ErrNoSigningCert = errors.New("card: the card has no signing certificate")
)

// StatusError is a status word the operation did not expect. Unwrap maps it to
// a sentinel, so callers write errors.Is(err, card.ErrNotFound).
type StatusError struct {
	Op string // what the driver was doing, e.g. "select EF 0002"
	SW StatusWord
}

func (e *StatusError) Error() string { return fmt.Sprintf("card: %s: %v", e.Op, e.SW) }

// Unwrap returns the sentinel for the status word.
func (e *StatusError) Unwrap() error {
	switch {
	case e.SW == SWSecurityNotSatisfied:
		return ErrSecurityStatus
	case e.SW == SWPINBlocked:
		return ErrPINBlocked
	case e.SW.NotFound():
		return ErrNotFound
	}
	return ErrUnexpectedStatus
}

// PINError reports a VERIFY that failed: a wrong PIN with TriesLeft tries
// left, or a blocked PIN (TriesLeft 0). The try that uses the last one answers
// 63 C0 and is reported as wrong and blocked at once.
type PINError struct {
	PIN       PIN
	TriesLeft int
	// Blocked is true when the PIN was already blocked before this VERIFY
	// (69 84): no try was used.
	Blocked bool
}

func (e *PINError) Error() string {
	if e.Blocked {
		return fmt.Sprintf("card: %v PIN is blocked", e.PIN)
	}
	if e.TriesLeft == 0 {
		return fmt.Sprintf("card: wrong %v PIN; it is now blocked", e.PIN)
	}
	return fmt.Sprintf("card: wrong %v PIN, %d tries left", e.PIN, e.TriesLeft)
}

// Is makes errors.Is(err, ErrWrongPIN) and errors.Is(err, ErrPINBlocked) work.
func (e *PINError) Is(target error) bool {
	switch target {
	case ErrWrongPIN:
		return !e.Blocked
	case ErrPINBlocked:
		return e.Blocked || e.TriesLeft == 0
	}
	return false
}

// FormatReason says what is wrong with a PIN's shape.
type FormatReason int

// Reasons a PIN's shape is refused.
const (
	FormatLength FormatReason = iota // too short or too long
	FormatDigits                     // a 4-digit PIN with something other than digits
	FormatAlnum                      // a signing password with something other than A–Z, 0–9
)

// PINFormatError is a PIN refused before it reached the card; no try was used.
type PINFormatError struct {
	PIN    PIN
	Reason FormatReason
	spec   *PINSpec // the card's own shape, when known
}

func (e *PINFormatError) Error() string {
	hint := e.PIN.FormatHint()
	if e.spec != nil {
		hint = e.spec.FormatHint()
	}
	return fmt.Sprintf("card: %v PIN must be %s", e.PIN, hint)
}

// Unwrap returns ErrPINFormat.
func (e *PINFormatError) Unwrap() error { return ErrPINFormat }

// UnsupportedCardError is a card the product cannot read: a Juki card, an
// unknown token, or a card without the JPKI applet.
type UnsupportedCardError struct {
	Kind  Kind
	Label string // the token label, if one was read
}

func (e *UnsupportedCardError) Error() string {
	return fmt.Sprintf("card: unsupported card (%v, token %q)", e.Kind, e.Label)
}

// Unwrap returns ErrUnsupportedCard.
func (e *UnsupportedCardError) Unwrap() error { return ErrUnsupportedCard }

// Fault classifies what went wrong below the card: in the reader or the
// PC/SC service. It decides the catalogue code.
type Fault int

// Reader and PC/SC faults.
const (
	FaultOther            Fault = iota
	FaultCardRemoved            // the card went away (or was reset) during an operation
	FaultCardReset              // another application reset the card
	FaultTimeout                // the card or reader did not answer in time
	FaultUnresponsive           // the card does not answer (mute, unpowered, transmit failure)
	FaultNoReaders              // no reader is connected
	FaultNoService              // the smart-card service is not running
	FaultSharingViolation       // another application holds the card exclusively
	FaultNoCard                 // the reader holds no card
	FaultCancelled              // the wait was cancelled
	FaultServiceFailed          // the smart-card service runs but refused or failed the call
)

var faultNames = map[Fault]string{
	FaultOther: "other", FaultCardRemoved: "card removed", FaultCardReset: "card reset",
	FaultTimeout: "timeout", FaultUnresponsive: "card unresponsive", FaultNoReaders: "no readers",
	FaultNoService: "service not running", FaultSharingViolation: "sharing violation",
	FaultNoCard: "no card", FaultCancelled: "cancelled", FaultServiceFailed: "smart-card service failed",
}

func (f Fault) String() string { return faultNames[f] }

// ReaderError is a failure of the reader or the PC/SC layer.
type ReaderError struct {
	Fault  Fault
	Reader string
	Op     string
	Err    error // the PC/SC error, for diagnostics
}

func (e *ReaderError) Error() string {
	msg := "card: " + e.Op
	if e.Reader != "" {
		msg += " on " + e.Reader
	}
	msg += ": " + e.Fault.String()
	if e.Err != nil {
		msg += " (" + e.Err.Error() + ")"
	}
	return msg
}

// Unwrap returns the underlying PC/SC error.
func (e *ReaderError) Unwrap() error { return e.Err }

// FaultOf returns the Fault of a ReaderError in err's chain, or FaultOther.
func FaultOf(err error) Fault {
	var re *ReaderError
	if errors.As(err, &re) {
		return re.Fault
	}
	return FaultOther
}

// SeveralCardsError says several readers hold a card and the caller must
// choose one by name.
type SeveralCardsError struct{ Readers []string }

func (e *SeveralCardsError) Error() string {
	return fmt.Sprintf("card: several readers hold a card: %q; choose one", e.Readers)
}

// Unwrap returns ErrSeveralCards.
func (e *SeveralCardsError) Unwrap() error { return ErrSeveralCards }
