package pcsc

import (
	"context"
	"errors"

	"github.com/ebfe/scard"

	"github.com/mynadesk/mynadesk/card"
)

// faults classifies PC/SC errors into the driver's faults (and so into the
// catalogue codes 13100/13500 and the reader-level messages).
var faults = map[scard.Error]card.Fault{
	scard.ErrNoService:          card.FaultNoService,
	scard.ErrServiceStopped:     card.FaultNoService,
	scard.ErrNoReadersAvailable: card.FaultNoReaders,
	scard.ErrReaderUnavailable:  card.FaultCardRemoved, // unplugged while in use
	scard.ErrUnknownReader:      card.FaultNoReaders,
	scard.ErrRemovedCard:        card.FaultCardRemoved,
	scard.ErrNoSmartcard:        card.FaultNoCard,
	scard.ErrResetCard:          card.FaultCardReset,
	scard.ErrTimeout:            card.FaultTimeout,
	scard.ErrUnresponsiveCard:   card.FaultUnresponsive,
	scard.ErrUnpoweredCard:      card.FaultUnresponsive,
	scard.ErrCommError:          card.FaultUnresponsive,
	scard.ErrCommDataLost:       card.FaultUnresponsive,
	scard.ErrNotTransacted:      card.FaultUnresponsive,
	scard.ErrProtoMismatch:      card.FaultUnresponsive,
	scard.ErrSharingViolation:   card.FaultSharingViolation,
	scard.ErrCancelled:          card.FaultCancelled,
}

// classify wraps a PC/SC error as a card.ReaderError. Context errors pass
// through unchanged so cancellation stays cancellation.
func classify(op, reader string, err error) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	fault := card.FaultOther
	var se scard.Error
	if errors.As(err, &se) {
		if f, ok := faults[se]; ok {
			fault = f
		}
	}
	return &card.ReaderError{Fault: fault, Reader: reader, Op: op, Err: err}
}
