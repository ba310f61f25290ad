package problem_test

import (
	"context"
	"errors"
	"testing"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/problem"
)

// TestCardCodes holds every typed error and sentinel of the driver to its
// catalogue code, with a complete entry (moved from card's tests with the
// mapping).
func TestCardCodes(t *testing.T) {
	for err, want := range map[error]assets.Code{
		&card.ReaderError{Fault: card.FaultCardRemoved}:      assets.CodeCardMoved,
		&card.ReaderError{Fault: card.FaultCardReset}:        assets.CodeCardMoved,
		&card.ReaderError{Fault: card.FaultTimeout}:          assets.CodeNoAnswer,
		&card.ReaderError{Fault: card.FaultUnresponsive}:     assets.CodeNoAnswer,
		&card.ReaderError{Fault: card.FaultNoReaders}:        assets.CodeNoReader,
		&card.ReaderError{Fault: card.FaultNoService}:        assets.CodeNoService,
		&card.ReaderError{Fault: card.FaultSharingViolation}: assets.CodeReaderBusy,
		&card.ReaderError{Fault: card.FaultNoCard}:           assets.CodeNoCard,
		&card.ReaderError{Fault: card.FaultOther}:            assets.CodeReadOther,
		&card.SeveralCardsError{Readers: []string{"a", "b"}}: assets.CodeSeveralReaders,
		card.ErrReaderNotFound:                               assets.CodeReaderMissing,
		&card.UnsupportedCardError{Kind: card.KindJukiCard}:  assets.CodeJukiCard,
		&card.UnsupportedCardError{Kind: card.KindUnknown}:   assets.CodeUnsupported,
		&card.UnsupportedCardError{Kind: card.KindNoJPKI}:    assets.CodeUnsupported,
		&card.StatusError{SW: 0x6F00}:                        assets.CodeReadOther,
		card.ErrMalformed:                                    assets.CodeReadOther,
		context.DeadlineExceeded:                             assets.CodeNoAnswer,
		context.Canceled:                                     assets.CodeCancelled,
		&card.PINFormatError{PIN: card.PINSign}:              assets.CodePINFormat,
		&card.PINError{PIN: card.PINSign, TriesLeft: 4}:      assets.CodePINWrong,
		&card.PINError{PIN: card.PINSign, TriesLeft: 0}:      assets.CodePINBlockedSign,
		&card.PINError{PIN: card.PINHelper, Blocked: true}:   assets.CodePINBlockedHelp,
		&card.PINError{PIN: card.PINAuth, Blocked: true}:     assets.CodePINBlockedAuth,
	} {
		wrapped := errors.Join(errors.New("context"), err)
		if got := problem.CodeOf(wrapped); got != want {
			t.Errorf("%v: %s, want %s", err, got, want)
		}
		e := assets.Lookup(want)
		if e.Code != want || e.Title.JA == "" || e.Title.EN == "" || e.Message.JA == "" || len(e.Remedies) == 0 {
			t.Errorf("%s: catalogue entry incomplete: %+v", want, e)
		}
	}
}
