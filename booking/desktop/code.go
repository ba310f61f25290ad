package desktop

import (
	"context"
	"errors"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/booking/client"
)

// ErrorCode maps errors of the session reference, the booking client and
// the flow to their catalogue codes, for the CLI and the desktop app alike;
// "" when err is none of them (a card error: see card.ErrorCode).
func ErrorCode(err error) assets.Code {
	var (
		ce *booking.CodeError
		re *booking.RefError
		ae *client.APIError
		ne *client.NetworkError
		me *ModeError
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
		case booking.ECClaimed:
			return assets.CodeSessionClaimed
		case booking.ECUpgrade:
			return assets.CodeUpdateApp
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

// VerdictEntry is what the resident is told of a failed signature check, in
// the service manual's words (seed manual 000, 3.2): Code 21, Code 23,
// another code, or the mismatch message. Not for a valid result.
func VerdictEntry(r booking.Result) assets.Entry {
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
