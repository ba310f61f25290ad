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
