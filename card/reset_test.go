package card_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/card"
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
	if card.FaultOf(err) != card.FaultCardReset || card.ErrorCode(err) != assets.CodeCardMoved {
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

func TestErrorCodes(t *testing.T) {
	for err, want := range map[error]assets.Code{
		&card.ReaderError{Fault: card.FaultCardRemoved}:      assets.CodeCardMoved,
		&card.ReaderError{Fault: card.FaultCardReset}:        assets.CodeCardMoved,
		&card.ReaderError{Fault: card.FaultTimeout}:          assets.CodeNoAnswer,
		&card.ReaderError{Fault: card.FaultUnresponsive}:     assets.CodeNoAnswer,
		&card.ReaderError{Fault: card.FaultNoReaders}:        assets.CodeNoReader,
		&card.ReaderError{Fault: card.FaultNoService}:        assets.CodeNoService,
		&card.ReaderError{Fault: card.FaultSharingViolation}: assets.CodeReaderBusy,
		&card.ReaderError{Fault: card.FaultNoCard}:           assets.CodeNoCard,
		&card.ReaderError{Fault: card.FaultOther}:            assets.CodeReadOther,
		&card.SeveralCardsError{Readers: []string{"a", "b"}}: assets.CodeSeveralReaders,
		card.ErrReaderNotFound:                               assets.CodeReaderMissing,
		&card.UnsupportedCardError{Kind: card.KindJukiCard}:  assets.CodeJukiCard,
		&card.UnsupportedCardError{Kind: card.KindUnknown}:   assets.CodeUnsupported,
		&card.UnsupportedCardError{Kind: card.KindNoJPKI}:    assets.CodeUnsupported,
		&card.StatusError{SW: 0x6F00}:                        assets.CodeReadOther,
		card.ErrMalformed:                                    assets.CodeReadOther,
		context.DeadlineExceeded:                             assets.CodeNoAnswer,
		context.Canceled:                                     assets.CodeCancelled,
		&card.PINFormatError{PIN: card.PINSign}:              assets.CodePINFormat,
		&card.PINError{PIN: card.PINSign, TriesLeft: 4}:      assets.CodePINWrong,
		&card.PINError{PIN: card.PINSign, TriesLeft: 0}:      assets.CodePINBlockedSign,
		&card.PINError{PIN: card.PINHelper, Blocked: true}:   assets.CodePINBlockedHelp,
		&card.PINError{PIN: card.PINAuth, Blocked: true}:     assets.CodePINBlockedAuth,
	} {
		wrapped := errors.Join(errors.New("context"), err)
		if got := card.ErrorCode(wrapped); got != want {
			t.Errorf("%v: %s, want %s", err, got, want)
		}
		e := assets.Lookup(want)
		if e.Code != want || e.Title.JA == "" || e.Title.EN == "" || e.Message.JA == "" || len(e.Remedies) == 0 {
			t.Errorf("%s: catalogue entry incomplete: %+v", want, e)
		}
	}
}
