// Package vm holds the desktop app's view models: plain Go state machines
// for the home screen, the two steps of a booking session, diagnostics,
// settings and kiosk mode. They hold no widget and no card or HTTP logic of
// their own (that is card, booking and ui/cardflow); Fyne screens in package
// ui only render their state, and tests drive them without a display.
//
// Listeners are called on the goroutine that changed the state (a card or
// network goroutine); the UI hands them to fyne.Do.
package vm

import (
	"errors"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/booking/desktop"
	"github.com/mynadesk/mynadesk/card"
)

// Problem is an error as the resident sees it: the catalogue entry (code,
// title, message, remedies) and what may be done next.
type Problem struct {
	Code  assets.Code
	Entry assets.Entry
	// TriesLeft is set for a wrong PIN: how many tries remain.
	TriesLeft int
	// PIN is the PIN concerned, for P0x codes.
	PIN card.PIN
	// Retry says the operation may be tried again from where it stopped.
	Retry bool
	// Detail is the technical error, for the diagnostic report only.
	Detail string
}

// ProblemOf maps any error of a card operation or a booking request to
// what the resident is told. Nil gives nil.
func ProblemOf(err error) *Problem {
	if err == nil {
		return nil
	}
	code := desktop.ErrorCode(err)
	if code == "" {
		code = card.ErrorCode(err)
	}
	p := &Problem{Code: code, Entry: assets.Lookup(code), Detail: err.Error(), Retry: true}
	var pe *card.PINError
	if errors.As(err, &pe) {
		p.PIN, p.TriesLeft = pe.PIN, pe.TriesLeft
		p.Retry = !errors.Is(pe, card.ErrPINBlocked)
	}
	var fe *card.PINFormatError
	if errors.As(err, &fe) {
		p.PIN = fe.PIN
	}
	switch code {
	case assets.CodeSessionCode, assets.CodeSessionRef, assets.CodeSessionUnknown,
		assets.CodeSessionExpired, assets.CodeSessionRefused, assets.CodeUnsupported, assets.CodeJukiCard,
		assets.CodeNoSignCert:
		p.Retry = false
	}
	return p
}
