package card

import "context"

// Transport sends one command APDU and returns the raw answer (data, SW1, SW2).
// PC/SC readers and the in-process virtual card both implement it, so every
// operation above it runs the same against either.
type Transport interface {
	Transmit(ctx context.Context, apdu []byte) ([]byte, error)
}

// Conn is a connection to the card in one reader: a Transport plus what the
// driver needs to keep a multi-APDU operation whole.
type Conn interface {
	Transport
	// Begin starts an exclusive transaction; no other application's APDUs
	// can interleave until End.
	Begin(ctx context.Context) error
	// End finishes the transaction, leaving the card as it is.
	End() error
	// Reconnect re-establishes the connection after the card was reset.
	Reconnect(ctx context.Context) error
	// ATR is the answer to reset seen when connecting.
	ATR() []byte
	// Protocol names the active protocol ("T=1", "T=0", "virtual").
	Protocol() string
	// Close releases the card.
	Close() error
}
