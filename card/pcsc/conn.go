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
	sys    *System
	reader string
	mu     sync.Mutex // one call on the handle at a time
	h      *scard.Card
	atr    []byte
	proto  scard.Protocol
	// pending is set while an abandoned call is still inside the service.
	pending atomic.Pointer[card.ReaderError]
}

func (c *conn) readStatus() error {
	return protect(func() error {
		st, err := c.h.Status()
		if err != nil {
			return classify("read card status", c.reader, err)
		}
		c.atr, c.proto = st.Atr, c.h.ActiveProtocol()
		return nil
	})
}

// call runs fn on the handle, giving up when ctx ends. While an abandoned
// call is still inside the service, later calls fail at once instead of
// queueing behind it.
func (c *conn) call(ctx context.Context, op string, fn func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if p := c.pending.Load(); p != nil {
		return p
	}
	c.mu.Lock()
	stuck := &card.ReaderError{Fault: card.FaultTimeout, Reader: c.reader, Op: op + " (no answer)"}
	var finished atomic.Bool
	done := make(chan error, 1)
	c.sys.inflight.Add(1)
	go func() {
		defer c.sys.inflight.Done()
		err := protect(fn)
		finished.Store(true)
		c.pending.CompareAndSwap(stuck, nil)
		c.mu.Unlock()
		done <- err
	}()
	select {
	case err := <-done:
		return classify(op, c.reader, err)
	case <-ctx.Done():
		stuck.Err = ctx.Err()
		c.pending.Store(stuck)
		if finished.Load() {
			c.pending.CompareAndSwap(stuck, nil)
		}
		if errors.Is(ctx.Err(), context.Canceled) {
			return ctx.Err()
		}
		return stuck
	}
}

// Transmit sends one APDU.
func (c *conn) Transmit(ctx context.Context, apdu []byte) ([]byte, error) {
	var out []byte
	err := c.call(ctx, "transmit", func() (err error) {
		out, err = c.h.Transmit(apdu)
		if err == nil && len(out) == 0 {
			// vpcd, and some readers, answer a card that vanished
			// mid-command with an empty response instead of an error: ask
			// the service whether the card is still there. (A 1-byte
			// answer is a garbled one, not a removal.)
			err = c.sys.cardGone(c.reader)
		}
		return err
	})
	return out, err
}

// Begin starts a transaction; it waits while another application holds one.
func (c *conn) Begin(ctx context.Context) error {
	return c.call(ctx, "begin transaction", c.h.BeginTransaction)
}

// End ends the transaction and leaves the card as it is.
func (c *conn) End() error {
	return c.call(context.Background(), "end transaction", func() error { return c.h.EndTransaction(scard.LeaveCard) })
}

// Reconnect re-opens the handle after a reset.
func (c *conn) Reconnect(ctx context.Context) error {
	return c.call(ctx, "reconnect", func() error {
		if err := c.h.Reconnect(scard.ShareShared, scard.ProtocolT1|scard.ProtocolT0, scard.LeaveCard); err != nil {
			return err
		}
		st, err := c.h.Status()
		if err == nil {
			c.atr, c.proto = st.Atr, c.h.ActiveProtocol()
		}
		return err
	})
}

func (c *conn) ATR() []byte { return c.atr }

func (c *conn) Protocol() string {
	switch c.proto {
	case scard.ProtocolT0:
		return "T=0"
	case scard.ProtocolT1:
		return "T=1"
	}
	return "unknown"
}

// closeWait bounds how long Close waits for a handle stuck in the service.
const closeWait = 2 * time.Second

// Close releases the card. A handle stuck in a call is disconnected in the
// background so Close itself never hangs.
func (c *conn) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), closeWait)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		done <- c.h.Disconnect(scard.LeaveCard)
	}()
	select {
	case err := <-done:
		if errors.Is(err, scard.ErrInvalidHandle) || errors.Is(err, scard.ErrRemovedCard) {
			return nil // nothing left to release
		}
		return classify("disconnect", c.reader, err)
	case <-ctx.Done():
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
