package pcsc

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ebfe/scard"

	"github.com/mynadesk/mynadesk/card"
)

// conn is one card handle. PC/SC calls cannot be interrupted, so calls that
// may block on the card run on a goroutine and the caller returns when ctx
// ends.
type conn struct {
	sys     *System
	reader  string
	mu      sync.Mutex // one call on the handle at a time
	h       *scard.Card
	stateMu sync.Mutex // guards atr and proto
	atr     []byte
	proto   scard.Protocol
	// pending is set while an abandoned call is still inside the service.
	pending atomic.Pointer[card.ReaderError]
	// owedReset is set when a reset was asked for (Release) but could not
	// be made: Close then disconnects with SCARD_RESET_CARD, so the card
	// still forgets the PIN.
	owedReset atomic.Bool
	insertion card.Insertion
	maxAPDU   int
}

var (
	_ card.HoldConn      = (*conn)(nil)
	_ card.InsertionConn = (*conn)(nil)
	_ card.LimitConn     = (*conn)(nil)
)

func (c *conn) readStatus() error {
	return protect(func() error {
		st, err := c.h.Status()
		if err != nil {
			return classify("read card status", c.reader, err)
		}
		c.setState(st.Atr, c.h.ActiveProtocol())
		return nil
	})
}

// call runs fn on the handle, giving up when ctx ends. While an abandoned
// call is still inside the service, later calls fail at once instead of
// queueing behind it. Results travel only through the channel, so an
// abandoned call shares nothing with its caller.
func (c *conn) call(ctx context.Context, op string, fn func() ([]byte, error)) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if p := c.pending.Load(); p != nil {
		return nil, p
	}
	c.mu.Lock()
	stuck := &card.ReaderError{Fault: card.FaultTimeout, Reader: c.reader, Op: op + " (no answer)"}
	var finished atomic.Bool
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	c.sys.inflight.Add(1)
	go func() {
		defer c.sys.inflight.Done()
		var r result
		r.err = protect(func() (err error) {
			r.data, err = fn()
			return err
		})
		finished.Store(true)
		c.pending.CompareAndSwap(stuck, nil)
		c.mu.Unlock()
		done <- r
	}()
	select {
	case r := <-done:
		if errors.Is(r.err, scard.ErrNotTransacted) || errors.Is(r.err, scard.ErrCommError) {
			// pcscd answers a card taken away mid-command with these until
			// its presence poll notices: a card that is gone is 13100, not
			// 13500.
			if gone := c.sys.cardGone(ctx, c.reader); gone != nil {
				r.err = gone
			}
		}
		return r.data, classify(op, c.reader, r.err)
	case <-ctx.Done():
		stuck.Err = ctx.Err()
		c.pending.Store(stuck)
		if finished.Load() {
			c.pending.CompareAndSwap(stuck, nil)
		}
		if errors.Is(ctx.Err(), context.Canceled) {
			return nil, ctx.Err()
		}
		return nil, stuck
	}
}

// do is call for operations without data.
func (c *conn) do(ctx context.Context, op string, fn func() error) error {
	_, err := c.call(ctx, op, func() ([]byte, error) { return nil, fn() })
	return err
}

// Transmit sends one APDU.
func (c *conn) Transmit(ctx context.Context, apdu []byte) ([]byte, error) {
	return c.call(ctx, "transmit", func() ([]byte, error) {
		out, err := c.h.Transmit(apdu)
		if err == nil && len(out) == 0 {
			// vpcd, and some readers, answer a card that vanished
			// mid-command with an empty response instead of an error: ask
			// the service whether the card is still there. (A 1-byte
			// answer is a garbled one, not a removal.)
			err = c.sys.cardGone(ctx, c.reader)
		}
		return out, err
	})
}

// Begin starts a transaction; it waits while another application holds one.
func (c *conn) Begin(ctx context.Context) error {
	return c.do(ctx, "begin transaction", c.h.BeginTransaction)
}

// End ends the transaction and leaves the card as it is.
func (c *conn) End() error {
	return c.do(context.Background(), "end transaction", func() error { return c.h.EndTransaction(scard.LeaveCard) })
}

// Reconnect re-opens the handle after a reset.
func (c *conn) Reconnect(ctx context.Context) error {
	return c.do(ctx, "reconnect", func() error {
		if err := c.h.Reconnect(scard.ShareShared, scard.ProtocolT1|scard.ProtocolT0, scard.LeaveCard); err != nil {
			return err
		}
		st, err := c.h.Status()
		if err == nil {
			c.setState(st.Atr, c.h.ActiveProtocol())
		}
		return err
	})
}

// Hold reconnects exclusively, leaving the card as it is: no other
// application can connect or transmit until Release. A sharing violation
// (someone else is connected) is returned as such; the driver then goes on
// shared.
func (c *conn) Hold(ctx context.Context) error {
	return c.do(ctx, "hold the card", func() error {
		return c.h.Reconnect(scard.ShareExclusive, scard.ProtocolT1|scard.ProtocolT0, scard.LeaveCard)
	})
}

// Release reconnects shared; with reset the card is reset on the way
// (SCARD_RESET_CARD), so it forgets every verified PIN without an APDU. It
// waits at most releaseWait; a reset that could not be made is made by
// Close.
func (c *conn) Release(reset bool) error {
	disp := scard.LeaveCard
	if reset {
		disp = scard.ResetCard
		c.owedReset.Store(true)
	}
	ctx, cancel := context.WithTimeout(context.Background(), releaseCallWait)
	defer cancel()
	err := c.do(ctx, "release the card", func() error {
		return c.h.Reconnect(scard.ShareShared, scard.ProtocolT1|scard.ProtocolT0, disp)
	})
	switch {
	case err == nil:
		c.owedReset.Store(false)
		return nil
	case card.FaultOf(err) == card.FaultCardRemoved || card.FaultOf(err) == card.FaultNoCard:
		c.owedReset.Store(false) // out of the field: it forgot
		return nil
	}
	return err
}

// releaseCallWait bounds Release: the operation's timeout is already spent
// when the card stopped answering.
const releaseCallWait = 500 * time.Millisecond

// Insertion names the card's stay in the reader (its event count when the
// connection was made).
func (c *conn) Insertion() card.Insertion { return c.insertion }

// MaxAPDU is the largest APDU the reader carries, 0 when unknown.
func (c *conn) MaxAPDU() int { return c.maxAPDU }

// setState records the ATR and protocol; a reconnect may run on an
// abandoned call's goroutine while the caller reads them.
func (c *conn) setState(atr []byte, proto scard.Protocol) {
	c.stateMu.Lock()
	c.atr, c.proto = atr, proto
	c.stateMu.Unlock()
}

func (c *conn) ATR() []byte {
	c.stateMu.Lock()
	defer c.stateMu.Unlock()
	return c.atr
}

func (c *conn) Protocol() string {
	c.stateMu.Lock()
	proto := c.proto
	c.stateMu.Unlock()
	switch proto {
	case scard.ProtocolT0:
		return "T=0"
	case scard.ProtocolT1:
		return "T=1"
	}
	return "unknown"
}

// closeWait bounds how long Close waits for the disconnect. Close is called
// after an operation's timeout, and every operation must return within its
// timeout plus a second, whatever the card or pcscd does.
const closeWait = 200 * time.Millisecond

// Close releases the card, with a reset if one is owed (see Release). A
// handle stuck in a call is disconnected in the background when the call
// returns, so Close itself never hangs.
func (c *conn) Close() error {
	disp := scard.LeaveCard
	if c.owedReset.Load() {
		disp = scard.ResetCard
	}
	done := make(chan error, 1)
	c.sys.inflight.Add(1)
	go func() {
		defer c.sys.inflight.Done()
		c.mu.Lock()
		defer c.mu.Unlock()
		done <- protect(func() error { return c.h.Disconnect(disp) })
	}()
	if c.pending.Load() != nil {
		return nil // stuck in the service: the goroutine disconnects when it can
	}
	t := time.NewTimer(closeWait)
	defer t.Stop()
	select {
	case err := <-done:
		if errors.Is(err, scard.ErrInvalidHandle) || errors.Is(err, scard.ErrRemovedCard) {
			return nil // nothing left to release
		}
		return classify("disconnect", c.reader, err)
	case <-t.C:
		return nil
	}
}

// protect turns a panic in the PC/SC binding (seen with handles of cards
// that vanished) into an error, so one bad answer cannot end the program.
func protect(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("pc/sc call panicked: %v", r)
		}
	}()
	return fn()
}
