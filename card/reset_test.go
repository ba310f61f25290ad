package card_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/problem"
)

// resetter makes the card look reset by another application: the
// transmits numbered in resetAt fail with FaultCardReset, once each.
type resetter struct {
	card.Conn
	mu         sync.Mutex
	n          int
	resetAt    map[int]bool
	reconnects int
}

func (r *resetter) Transmit(ctx context.Context, apdu []byte) ([]byte, error) {
	r.mu.Lock()
	r.n++
	reset := r.resetAt[r.n]
	r.mu.Unlock()
	if reset {
		return nil, &card.ReaderError{Fault: card.FaultCardReset, Op: "transmit"}
	}
	return r.Conn.Transmit(ctx, apdu)
}

func (r *resetter) Reconnect(ctx context.Context) error {
	r.mu.Lock()
	r.reconnects++
	r.mu.Unlock()
	return r.Conn.Reconnect(ctx)
}

func TestResetBeforePINIsReconnectedAndRetried(t *testing.T) {
	base := newRig(t, nil)
	rs := &resetter{Conn: base.rec, resetAt: map[int]bool{1: true}}
	c := card.New(rs, card.Options{})
	st, err := c.Status(ctx(t), time.Now())
	if err != nil || !st.Supported {
		t.Fatalf("status after reset: %v", err)
	}
	if rs.reconnects != 1 {
		t.Fatalf("%d reconnects, want 1", rs.reconnects)
	}
}

func TestResetAfterPINIsReportedNotRetried(t *testing.T) {
	base := newRig(t, nil)
	// Transmits 1–3 read the counter; 4–5 select, 6 is VERIFY, 7 is the
	// first command after the PIN was sent.
	rs := &resetter{Conn: base.rec, resetAt: map[int]bool{7: true}}
	c := card.New(rs, card.Options{})
	p := &pinFn{pin: "1234"}
	_, err := c.ReadAttributes(ctx(t), p.prompt)
	if card.FaultOf(err) != card.FaultCardReset || problem.CodeOf(err) != assets.CodeCardMoved {
		t.Fatalf("got %v, want a reset reported as 13100", err)
	}
	if base.rec.verifies() != 1 || p.calls != 1 {
		t.Fatalf("VERIFY %d, prompt %d: the PIN must not be sent again", base.rec.verifies(), p.calls)
	}
	if rs.reconnects != 1 {
		t.Fatalf("%d reconnects, want 1 so the next operation works", rs.reconnects)
	}
	if _, err := c.ReadAttributes(ctx(t), p.prompt); err != nil {
		t.Fatalf("next operation after the reset: %v", err)
	}
}
