package problem

import (
	"context"
	"errors"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/card"
)

// cardCode maps any error of the card driver (or of a PC/SC layer that
// returns card.ReaderError) to its catalogue code: where a low-level cause
// becomes what a resident is told. Anything else is 13999.
func cardCode(err error) assets.Code {
	var (
		pe  *card.PINError
		fe  *card.PINFormatError
		ue  *card.UnsupportedCardError
		re  *card.ReaderError
		sce *card.SeveralCardsError
	)
	switch {
	case errors.As(err, &fe):
		return assets.CodePINFormat
	case errors.As(err, &pe):
		if !errors.Is(pe, card.ErrPINBlocked) {
			return assets.CodePINWrong
		}
		return map[card.PIN]assets.Code{
			card.PINHelper: assets.CodePINBlockedHelp,
			card.PINAuth:   assets.CodePINBlockedAuth,
			card.PINSign:   assets.CodePINBlockedSign,
		}[pe.PIN]
	case errors.As(err, &ue):
		if ue.Kind == card.KindJukiCard {
			return assets.CodeJukiCard
		}
		return assets.CodeUnsupported
	case errors.As(err, &sce):
		return assets.CodeSeveralReaders
	case errors.Is(err, card.ErrReaderNotFound):
		return assets.CodeReaderMissing
	case errors.As(err, &re):
		return faultCode[re.Fault]
	case errors.Is(err, context.Canceled):
		return assets.CodeCancelled
	case errors.Is(err, context.DeadlineExceeded):
		return assets.CodeNoAnswer
	case errors.Is(err, card.ErrNotFound):
		return assets.CodeUnsupported
	}
	return assets.CodeReadOther
}

var faultCode = map[card.Fault]assets.Code{
	card.FaultOther:            assets.CodeReadOther,
	card.FaultCardRemoved:      assets.CodeCardMoved,
	card.FaultCardReset:        assets.CodeCardMoved,
	card.FaultTimeout:          assets.CodeNoAnswer,
	card.FaultUnresponsive:     assets.CodeNoAnswer,
	card.FaultNoReaders:        assets.CodeNoReader,
	card.FaultNoService:        assets.CodeNoService,
	card.FaultSharingViolation: assets.CodeReaderBusy,
	card.FaultNoCard:           assets.CodeNoCard,
	card.FaultCancelled:        assets.CodeCancelled,
}
