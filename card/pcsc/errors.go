package pcsc

import (
	"context"
	"errors"
	"runtime"

	"github.com/ebfe/scard"

	"github.com/mynadesk/mynadesk/card"
)

// faults classifies PC/SC errors into the driver's faults (and so into the
// catalogue codes 13100/13500 and the reader-level messages). The codes are
// the same numbers in pcsc-lite and WinSCard; where Windows means something
// else by one, windowsFaults says so.
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
	scard.ErrWaitedTooLong:      card.FaultTimeout,
	scard.ErrUnresponsiveCard:   card.FaultUnresponsive,
	scard.ErrUnpoweredCard:      card.FaultUnresponsive,
	scard.ErrCommError:          card.FaultUnresponsive,
	scard.ErrCommDataLost:       card.FaultUnresponsive,
	scard.ErrNotTransacted:      card.FaultUnresponsive,
	scard.ErrProtoMismatch:      card.FaultUnresponsive,
	scard.ErrNotReady:           card.FaultUnresponsive,
	// The reader cannot talk to the card (ATR not understood): a card put
	// in the wrong way round or half on a contactless pad, as a resident
	// sees it.
	scard.ErrUnsupportedCard:  card.FaultUnresponsive,
	scard.ErrInvalidAtr:       card.FaultUnresponsive,
	scard.ErrSharingViolation: card.FaultSharingViolation,
	scard.ErrCancelled:        card.FaultCancelled,
	scard.ErrCancelledByUser:  card.FaultCancelled,
}

// windowsFaults are the WinSCard codes that mean something else on Windows,
// or that pcsc-lite never returns.
var windowsFaults = map[scard.Error]card.Fault{
	// Windows 8 and later start the Smart Card service (SCardSvr) when a
	// reader is connected and stop it when the last one leaves: with no
	// reader plugged in, SCardEstablishContext answers "no service". The
	// resident is told to connect the reader, not to restart the computer.
	scard.ErrNoService:      card.FaultNoReaders,
	scard.ErrServiceStopped: card.FaultNoReaders,
	// Logoff or shutdown cancelled the call.
	scard.ErrSystemCancelled: card.FaultCancelled,
	// The resource manager is overloaded, refuses this session (a remote
	// desktop without smart-card redirection, a service account), or is
	// in a state it cannot explain.
	scard.ErrServerTooBusy: card.FaultServiceFailed,
	scard.ErrNoAccess:      card.FaultServiceFailed,
}

// faultFor is the fault of one PC/SC code on goos.
func faultFor(goos string, e scard.Error) card.Fault {
	if goos == "windows" {
		if f, ok := windowsFaults[e]; ok {
			return f
		}
	}
	if f, ok := faults[e]; ok {
		return f
	}
	return card.FaultOther
}

// classify wraps a PC/SC error as a card.ReaderError. Context errors pass
// through unchanged so cancellation stays cancellation.
func classify(op, reader string, err error) error {
	return classifyOn(runtime.GOOS, op, reader, err, false)
}

// classifyService is classify for calls on the service itself (establish
// the context, list readers, wait for a change): a failure with no fault of
// its own is the service failing (card.FaultServiceFailed, a reader-level
// message), not a card read failure.
func classifyService(op string, err error) error {
	return classifyOn(runtime.GOOS, op, "", err, true)
}

func classifyOn(goos, op, reader string, err error, service bool) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	fault := card.FaultOther
	var se scard.Error
	if errors.As(err, &se) {
		fault = faultFor(goos, se)
	}
	if fault == card.FaultOther && service {
		fault = card.FaultServiceFailed
	}
	return &card.ReaderError{Fault: fault, Reader: reader, Op: op, Err: err}
}
