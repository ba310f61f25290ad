package sim

import (
	"context"
	"encoding/hex"
	"errors"
	"sync"

	"github.com/mynadesk/mynadesk/card"
)

// Errors carried inside the *card.ReaderError values a Conn returns.
var (
	ErrCardRemoved   = errors.New("sim: the virtual card was taken away")
	ErrClosed        = errors.New("sim: connection closed")
	ErrNoTransaction = errors.New("sim: no transaction to end")
	ErrInTransaction = errors.New("sim: transaction already begun on this connection")
)

const (
	defaultReader   = "Virtual PCD (in process)"
	protocolVirtual = "virtual"
	opTransmit      = "transmit"
	opBegin         = "begin transaction"
)

// Conn is an in-process connection to a virtual card, standing in for a
// PC/SC connection: it implements card.Conn. Several Conns may share a Card;
// Begin/End exclude the others as a PC/SC transaction does.
type Conn struct {
	card   *Card
	reader string
	faults *faultState

	mu     sync.Mutex
	inTxn  bool
	closed bool
}

var (
	_ card.HoldConn      = (*Conn)(nil)
	_ card.InsertionConn = (*Conn)(nil)
)

// ErrHeld is carried by the FaultSharingViolation a Conn returns while
// another Conn holds the card (Hold).
var ErrHeld = errors.New("sim: another connection holds the card exclusively")

// heldByOther reports another Conn's hold as a sharing violation, as PC/SC
// does for an exclusive connection.
func (c *Conn) heldByOther(op string) error {
	c.card.holdMu.Lock()
	h := c.card.holder
	c.card.holdMu.Unlock()
	if h != nil && h != c {
		return c.readerError(card.FaultSharingViolation, op, ErrHeld)
	}
	return nil
}

// ConnOption configures NewConn.
type ConnOption func(*Conn)

// WithFaults makes the connection misbehave as f says.
func WithFaults(f Faults) ConnOption {
	return func(c *Conn) { c.faults.f = f }
}

// WithReader sets the reader name put in errors.
func WithReader(name string) ConnOption {
	return func(c *Conn) { c.reader = name }
}

// NewConn connects to c in process.
func NewConn(c *Card, opts ...ConnOption) *Conn {
	conn := &Conn{card: c, reader: defaultReader, faults: &faultState{}}
	for _, o := range opts {
		o(conn)
	}
	return conn
}

func (c *Conn) readerError(f card.Fault, op string, err error) error {
	return &card.ReaderError{Fault: f, Reader: c.reader, Op: op, Err: err}
}

// ctxError turns a done context into a ReaderError: a deadline is a timeout,
// anything else a cancellation. errors.Is(err, context.Canceled) still holds.
func (c *Conn) ctxError(ctx context.Context, op string) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return c.readerError(card.FaultTimeout, op, ctx.Err())
	}
	return c.readerError(card.FaultCancelled, op, ctx.Err())
}

// lockCard takes the card for one APDU unless this Conn holds a transaction.
// It returns the function that gives it back.
func (c *Conn) lockCard(ctx context.Context, op string) (func(), error) {
	c.mu.Lock()
	closed, inTxn := c.closed, c.inTxn
	c.mu.Unlock()
	if closed {
		return nil, c.readerError(card.FaultOther, op, ErrClosed)
	}
	if inTxn {
		return func() {}, nil
	}
	if err := c.heldByOther(op); err != nil {
		return nil, err
	}
	select {
	case c.card.txn <- struct{}{}:
		return func() { <-c.card.txn }, nil
	case <-ctx.Done():
		return nil, c.ctxError(ctx, op)
	}
}

// Transmit sends one APDU and returns the answer, honouring ctx while the
// card delays or does not answer.
func (c *Conn) Transmit(ctx context.Context, apdu []byte) ([]byte, error) {
	if ctx.Err() != nil {
		return nil, c.ctxError(ctx, opTransmit)
	}
	unlock, err := c.lockCard(ctx, opTransmit)
	if err != nil {
		return nil, err
	}
	defer unlock()
	switch c.faults.next() {
	case actRemove:
		return nil, c.readerError(card.FaultCardRemoved, opTransmit, ErrCardRemoved)
	case actMute:
		<-ctx.Done()
		return nil, c.ctxError(ctx, opTransmit)
	case actGarble:
		out := c.faults.garble(c.card.Process(apdu))
		if err := sleep(ctx, c.faults.delay(apdu)); err != nil {
			return nil, c.ctxError(ctx, opTransmit)
		}
		return out, nil
	}
	out := c.card.Process(apdu)
	if err := sleep(ctx, c.faults.delay(apdu)); err != nil {
		return nil, c.ctxError(ctx, opTransmit)
	}
	return out, nil
}

// Begin starts an exclusive transaction, waiting while another Conn holds one.
func (c *Conn) Begin(ctx context.Context) error {
	c.mu.Lock()
	closed, inTxn := c.closed, c.inTxn
	c.mu.Unlock()
	switch {
	case closed:
		return c.readerError(card.FaultOther, opBegin, ErrClosed)
	case inTxn:
		return c.readerError(card.FaultOther, opBegin, ErrInTransaction)
	case c.faults.isRemoved():
		return c.readerError(card.FaultCardRemoved, opBegin, ErrCardRemoved)
	}
	if err := c.heldByOther(opBegin); err != nil {
		return err
	}
	select {
	case c.card.txn <- struct{}{}:
	case <-ctx.Done():
		return c.ctxError(ctx, opBegin)
	}
	c.mu.Lock()
	c.inTxn = true
	c.mu.Unlock()
	return nil
}

// End finishes the transaction.
func (c *Conn) End() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.inTxn {
		return c.readerError(card.FaultOther, "end transaction", ErrNoTransaction)
	}
	c.inTxn = false
	<-c.card.txn
	return nil
}

// Reconnect re-establishes the connection and ends this Conn's
// transaction, leaving the card as it is (SCARD_LEAVE_CARD): like a real
// card, a verified PIN survives it. A removed card stays removed:
// FaultNoCard. ResetCard is the reset.
func (c *Conn) Reconnect(ctx context.Context) error {
	if ctx.Err() != nil {
		return c.ctxError(ctx, "reconnect")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return c.readerError(card.FaultOther, "reconnect", ErrClosed)
	}
	if c.faults.isRemoved() {
		return c.readerError(card.FaultNoCard, "reconnect", ErrCardRemoved)
	}
	if c.inTxn {
		c.inTxn = false
		<-c.card.txn
	}
	return nil
}

// ResetCard resets the card as another application's SCARD_RESET_CARD
// would: no applet, no EF, no PIN verified, for every Conn.
func (c *Conn) ResetCard() { c.card.Reset() }

// Hold makes this Conn the only one that reaches the card until Release
// (PC/SC: an exclusive connection). Others get FaultSharingViolation.
func (c *Conn) Hold(ctx context.Context) error {
	if ctx.Err() != nil {
		return c.ctxError(ctx, "hold")
	}
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	switch {
	case closed:
		return c.readerError(card.FaultOther, "hold", ErrClosed)
	case c.faults.isRemoved():
		return c.readerError(card.FaultCardRemoved, "hold", ErrCardRemoved)
	}
	c.card.holdMu.Lock()
	defer c.card.holdMu.Unlock()
	if c.card.holder != nil && c.card.holder != c {
		return c.readerError(card.FaultSharingViolation, "hold", ErrHeld)
	}
	c.card.holder = c
	return nil
}

// Release ends the hold; with reset the card is reset on the way and
// forgets every verified PIN.
func (c *Conn) Release(reset bool) error {
	c.card.holdMu.Lock()
	if c.card.holder == c {
		c.card.holder = nil
	}
	c.card.holdMu.Unlock()
	if c.faults.isRemoved() {
		return nil // out of the field: nothing is verified any more
	}
	if reset {
		c.card.Reset()
	}
	return nil
}

// Insertion names the card's stay in this Conn's reader. Every Card is a
// stay of its own; a card taken away (Remove, RemoveAfter) is another.
func (c *Conn) Insertion() card.Insertion {
	ev := c.card.insertion
	if c.faults.isRemoved() {
		ev ^= 0x80000000
	}
	return card.Insertion{Reader: c.reader, Events: ev, ATR: hex.EncodeToString(c.card.ATR())}
}

// ATR is the card's answer to reset.
func (c *Conn) ATR() []byte { return c.card.ATR() }

// Protocol is "virtual".
func (c *Conn) Protocol() string { return protocolVirtual }

// Close ends any transaction and any hold and releases the card, leaving
// it as it is. Later calls fail.
func (c *Conn) Close() error {
	c.card.holdMu.Lock()
	if c.card.holder == c {
		c.card.holder = nil
	}
	c.card.holdMu.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inTxn {
		c.inTxn = false
		<-c.card.txn
	}
	c.closed = true
	return nil
}

// Remove takes the card away now: every later call fails with
// card.FaultCardRemoved (Reconnect with card.FaultNoCard).
func (c *Conn) Remove() { c.faults.remove() }

// APDUs is the number of command APDUs that reached the card through this
// Conn (answered, garbled or left unanswered; not those refused as removed).
func (c *Conn) APDUs() int { return c.faults.count() }
