// Package problem is the one edge where errors become what a person is
// told: the catalogue code of any error of the card driver, the booking
// client, the session reference, the resident's session or signature
// verification; the catalogue entry (texts and remedies, package assets)
// with what may be done next; the verdict texts of the service's answer;
// and the mynactl exit status per code. The driver and the protocol know
// only their own typed errors and sentinels; nothing else maps them.
package problem

import (
	"context"
	"errors"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/booking/client"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/resident"
	"github.com/mynadesk/mynadesk/verify"
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

// Of maps any error of a card operation, a booking request or a signature
// check to what the resident is told. Nil gives nil.
func Of(err error) *Problem {
	if err == nil {
		return nil
	}
	code := CodeOf(err)
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
		assets.CodeSessionExpired, assets.CodeSessionRefused, assets.CodeUnsupported, assets.CodeJukiCard:
		p.Retry = false
	}
	return p
}

// CodeOf is the catalogue code of err: "" for nil; for an error no package
// gives a meaning, the catch-all 13999.
func CodeOf(err error) assets.Code {
	if err == nil {
		return ""
	}
	if errors.Is(err, resident.ErrLastTry) {
		return assets.CodePINLastTry
	}
	if c := bookingCode(err); c != "" {
		return c
	}
	var ve *verify.Error
	if errors.As(err, &ve) {
		return verify.CodeOf(ve)
	}
	return cardCode(err)
}

// bookingCode maps errors of the session reference, the booking client and
// the resident's session; "" when err is none of them.
func bookingCode(err error) assets.Code {
	var (
		ce *booking.CodeError
		re *booking.RefError
		ae *client.APIError
		ne *client.NetworkError
		me *resident.ModeError
	)
	switch {
	case errors.As(err, &ce):
		return assets.CodeSessionCode
	case errors.As(err, &re), errors.As(err, &me):
		return assets.CodeSessionRef
	case errors.As(err, &ne):
		if errors.Is(err, context.Canceled) {
			return assets.CodeCancelled
		}
		return assets.CodeServiceDown
	case errors.As(err, &ae):
		switch ae.Code {
		case booking.ECExpired:
			return assets.CodeSessionExpired
		case booking.ECNotFound:
			return assets.CodeSessionUnknown
		}
		if ae.Status >= 500 {
			return assets.CodeServiceDown
		}
		return assets.CodeSessionRefused
	}
	return ""
}

// Verdict is what the resident is told of a failed signature check, in
// the service manual's words (seed manual 000, 3.2): Code 21, Code 23,
// another code, or the mismatch message. Not for a valid result.
func Verdict(r booking.Result) assets.Entry {
	code := assets.Code(r.Code)
	switch {
	case r.Outcome == booking.OutcomeMismatch:
		code = assets.CodeSigMismatch
	case code == "":
		code = assets.CodeSigRevocationUnknown
	}
	e := assets.Lookup(code)
	if r.Outcome != booking.OutcomeMismatch {
		e.Title = assets.SigCheckTitle(code)
	}
	return e
}

// Report gives a diagnostic report (card.BuildReport) the catalogue codes
// of the errors it records.
func Report(r card.Report) card.Report {
	if r.Err != nil {
		r.Code = string(CodeOf(r.Err))
	}
	if r.Card != nil && r.Card.Err != nil {
		d := *r.Card
		d.Code = string(CodeOf(d.Err))
		r.Card = &d
	}
	return r
}
