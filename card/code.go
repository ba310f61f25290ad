package card

import (
	"context"
	"errors"

	"github.com/mynadesk/mynadesk/assets"
)

// ErrorCode maps any error from this package (or from a PC/SC layer that
// returns ReaderError) to its catalogue code. It is the one place where a
// low-level cause becomes what a resident is told.
func ErrorCode(err error) assets.Code {
	if err == nil {
		return ""
	}
	var (
		pe  *PINError
		fe  *PINFormatError
		ue  *UnsupportedCardError
		re  *ReaderError
		sce *SeveralCardsError
	)
	switch {
	case errors.As(err, &fe):
		return assets.CodePINFormat
	case errors.As(err, &pe):
		if !errors.Is(pe, ErrPINBlocked) {
			return assets.CodePINWrong
		}
		return map[PIN]assets.Code{
			PINHelper: assets.CodePINBlockedHelp,
			PINAuth:   assets.CodePINBlockedAuth,
			PINSign:   assets.CodePINBlockedSign,
		}[pe.PIN]
	case errors.As(err, &ue):
		if ue.Kind == KindJukiCard {
			return assets.CodeJukiCard
		}
		return assets.CodeUnsupported
	case errors.Is(err, ErrNoSigningCert):
		return assets.CodeNoSignCert
	case errors.As(err, &sce):
		return assets.CodeSeveralReaders
	case errors.Is(err, ErrReaderNotFound):
		return assets.CodeReaderMissing
	case errors.As(err, &re):
		return faultCode[re.Fault]
	case errors.Is(err, context.Canceled):
		return assets.CodeCancelled
	case errors.Is(err, context.DeadlineExceeded):
		return assets.CodeNoAnswer
	case errors.Is(err, ErrNotFound):
		return assets.CodeUnsupported
	}
	return assets.CodeReadOther
}

var faultCode = map[Fault]assets.Code{
	FaultOther:            assets.CodeReadOther,
	FaultCardRemoved:      assets.CodeCardMoved,
	FaultCardReset:        assets.CodeCardMoved,
	FaultTimeout:          assets.CodeNoAnswer,
	FaultUnresponsive:     assets.CodeNoAnswer,
	FaultNoReaders:        assets.CodeNoReader,
	FaultNoService:        assets.CodeNoService,
	FaultSharingViolation: assets.CodeReaderBusy,
	FaultNoCard:           assets.CodeNoCard,
	FaultCancelled:        assets.CodeCancelled,
}
