package card

import (
	"context"
	"errors"
	"fmt"
)

// ReaderState is one reader as the PC/SC service sees it.
type ReaderState struct {
	Name      string `json:"name"`
	Card      bool   `json:"card"`                // a card is present
	ATR       []byte `json:"-"`                   // the card's ATR while present
	Exclusive bool   `json:"exclusive,omitempty"` // another application holds the card exclusively
	Mute      bool   `json:"mute,omitempty"`      // a card is present but did not answer to reset
}

// System is the PC/SC service: the readers it knows, their changes, and
// connections to their cards. card/pcsc implements it over WinSCard,
// pcsc-lite and macOS's PC/SC; tests use fakes.
type System interface {
	// Readers lists the readers and their state now. No readers is not an
	// error: the list is empty.
	Readers(ctx context.Context) ([]ReaderState, error)
	// Wait blocks until the readers differ from last (a card inserted or
	// removed, a reader plugged in or out) or ctx ends, and returns the new
	// state.
	Wait(ctx context.Context, last []ReaderState) ([]ReaderState, error)
	// Connect opens the card in the named reader.
	Connect(ctx context.Context, reader string) (Conn, error)
	// Close releases the service context.
	Close() error
}

// Pick chooses the reader to use: the named one if name is set, else the only
// one with a card. Several readers with cards is an error that lists them, so
// the caller can ask which.
func Pick(states []ReaderState, name string) (ReaderState, error) {
	if len(states) == 0 {
		return ReaderState{}, &ReaderError{Fault: FaultNoReaders, Op: "find reader"}
	}
	if name != "" {
		for _, s := range states {
			if s.Name == name {
				if !s.Card {
					return s, &ReaderError{Fault: FaultNoCard, Reader: name, Op: "find card"}
				}
				return s, nil
			}
		}
		return ReaderState{}, fmt.Errorf("%w: %q", ErrReaderNotFound, name)
	}
	var with []ReaderState
	for _, s := range states {
		if s.Card {
			with = append(with, s)
		}
	}
	switch len(with) {
	case 0:
		if len(states) == 1 {
			return states[0], &ReaderError{Fault: FaultNoCard, Reader: states[0].Name, Op: "find card"}
		}
		return ReaderState{}, &ReaderError{Fault: FaultNoCard, Op: "find card"}
	case 1:
		return with[0], nil
	}
	names := make([]string, len(with))
	for i, s := range with {
		names[i] = s.Name
	}
	return ReaderState{}, &SeveralCardsError{Readers: names}
}

// WaitForCard waits until Pick finds a card (in the named reader, or in
// exactly one reader) and returns that reader. Readers plugged in or out
// while waiting are taken as they come; several cards is returned at once,
// since only the resident can resolve it.
func WaitForCard(ctx context.Context, sys System, name string) (ReaderState, error) {
	states, err := sys.Readers(ctx)
	for {
		if err != nil {
			return ReaderState{}, err
		}
		r, perr := Pick(states, name)
		if perr == nil {
			return r, nil
		}
		if errors.Is(perr, ErrSeveralCards) {
			return ReaderState{}, perr
		}
		states, err = sys.Wait(ctx, states)
	}
}

// WaitForRemoval waits until the named reader holds no card (or is gone).
func WaitForRemoval(ctx context.Context, sys System, name string) error {
	states, err := sys.Readers(ctx)
	for {
		if err != nil {
			return err
		}
		present := false
		for _, s := range states {
			if s.Name == name && s.Card {
				present = true
			}
		}
		if !present {
			return nil
		}
		states, err = sys.Wait(ctx, states)
	}
}

// Open picks a reader (see Pick), connects and wraps the connection.
func Open(ctx context.Context, sys System, reader string, opts Options) (*Card, ReaderState, error) {
	states, err := sys.Readers(ctx)
	if err != nil {
		return nil, ReaderState{}, err
	}
	r, err := Pick(states, reader)
	if err != nil {
		return nil, r, err
	}
	conn, err := sys.Connect(ctx, r.Name)
	if err != nil {
		return nil, r, err
	}
	return New(conn, opts), r, nil
}

// ReadersChanged reports whether two listings differ in a way a waiter
// cares about: a reader plugged in or out, a card inserted or removed.
func ReadersChanged(a, b []ReaderState) bool {
	if len(a) != len(b) {
		return true
	}
	for i := range a {
		if a[i].Name != b[i].Name || a[i].Card != b[i].Card {
			return true
		}
	}
	return false
}
