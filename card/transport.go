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

// HoldConn is a Conn that can keep the card to itself for one operation, so
// that the counter read, the resident typing and the operation with the PIN
// form one sequence nothing else can come between, without a transaction
// held while a person types (Windows resets a card whose transaction sits
// idle for about 5 seconds; an exclusive connection has no such limit).
// PC/SC: SCardReconnect to SCARD_SHARE_EXCLUSIVE and back.
type HoldConn interface {
	Conn
	// Hold makes the connection exclusive, leaving the card as it is. It
	// fails with FaultSharingViolation while another application is
	// connected; the driver then works as on a shared connection.
	Hold(ctx context.Context) error
	// Release ends the hold. With reset the card is reset on the way
	// (SCARD_RESET_CARD): it forgets every verified PIN without an APDU.
	// Release never waits longer than the call it makes.
	Release(reset bool) error
}

// Insertion names one stay of a card in a reader: the reader and the
// reader's count of card events, which PC/SC bumps at every insertion and
// removal (the upper 16 bits of dwEventState on pcsc-lite and WinSCard).
// What the driver learns about a card that cannot change while it stays in
// (its kind, whether it takes extended-length APDUs) is kept per Insertion.
type Insertion struct {
	Reader string
	Events uint32
	ATR    string // hex, a second guard against a card swapped unseen
}

// InsertionConn is a Conn that can name the insertion it reaches. Events
// 0 means the service does not count events: nothing is remembered then.
type InsertionConn interface {
	Insertion() Insertion
}

// LimitConn is a Conn whose reader carries APDUs of a bounded size: a Sony
// PaSoRi RC-S300 declares extended APDUs but carries at most 522 bytes per
// CCID message. MaxAPDU is the largest command or response APDU in bytes
// (status word included), or 0 when unknown.
type LimitConn interface {
	MaxAPDU() int
}
