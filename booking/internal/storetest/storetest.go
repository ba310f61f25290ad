// Package storetest is the conformance test every booking.Store passes,
// run by booking/sqlite and booking/postgres against real databases.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/booking"
)

func newSession(t *testing.T, now time.Time) *booking.Session {
	t.Helper()
	c, err := booking.NewCode()
	if err != nil {
		t.Fatal(err)
	}
	return &booking.Session{Code: c, Nonce: "bm9uY2U", PageToken: "dG9rZW4", Service: "https://yoyaku.example.jp",
		Mode: booking.ModeTwoStep, State: booking.StateCreated, CreatedAt: now, ExpiresAt: now.Add(booking.DefaultTTL)}
}

// Run runs the conformance tests on a fresh store from open.
func Run(t *testing.T, open func(t *testing.T) booking.Store) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)

	t.Run("CreateGetUpdate", func(t *testing.T) {
		st := open(t)
		s := newSession(t, now)
		if err := st.Create(ctx, s); err != nil {
			t.Fatal(err)
		}
		if err := st.Create(ctx, s); !errors.Is(err, booking.ErrConflict) {
			t.Fatalf("duplicate code: %v", err)
		}
		got, err := st.Get(ctx, s.Code)
		if err != nil {
			t.Fatal(err)
		}
		if got.Code != s.Code || got.Nonce != s.Nonce || got.PageToken != s.PageToken || got.Service != s.Service ||
			got.Mode != s.Mode || got.State != s.State || !got.CreatedAt.Equal(s.CreatedAt) ||
			!got.ExpiresAt.Equal(s.ExpiresAt) || !got.RegisteredAt.IsZero() || got.Attributes != nil ||
			got.Result != nil || got.SignatureHash != nil {
			t.Fatalf("Get = %+v, want %+v", got, s)
		}
		unknown, _ := booking.NewCode()
		if _, err := st.Get(ctx, unknown); !errors.Is(err, booking.ErrNotFound) {
			t.Fatalf("unknown code: %v", err)
		}
		s.State = booking.StateAttributes
		s.Attributes = &booking.Attributes{Name: "公的　花子", Address: "東京都千代田区", Birth: "20000101", Sex: "2"}
		if err := st.Update(ctx, s, booking.StateCreated); err != nil {
			t.Fatal(err)
		}
		if err := st.Update(ctx, s, booking.StateCreated); !errors.Is(err, booking.ErrConflict) {
			t.Fatalf("update from a stale state: %v", err)
		}
		s.State, s.LoginID, s.RegisteredAt = booking.StateDone, "tarou1234567", now
		s.SignatureHash = bytes.Repeat([]byte{0xAB}, 32)
		s.Result = &booking.Result{Outcome: booking.OutcomeRevoked, Code: "23", CheckedAt: now.Truncate(time.Second)}
		s.Attempts = 2
		if err := st.Update(ctx, s, booking.StateAttributes); err != nil {
			t.Fatal(err)
		}
		got, err = st.Get(ctx, s.Code)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != booking.StateDone || got.LoginID != "tarou1234567" || !got.RegisteredAt.Equal(now) ||
			*got.Attributes != *s.Attributes || !bytes.Equal(got.SignatureHash, s.SignatureHash) ||
			got.Result.Outcome != booking.OutcomeRevoked || got.Result.Code != "23" ||
			!got.Result.CheckedAt.Equal(s.Result.CheckedAt) || got.Attempts != 2 {
			t.Fatalf("after update: %+v", got)
		}
	})

	t.Run("OneUpdateWinsARace", func(t *testing.T) {
		st := open(t)
		s := newSession(t, now)
		if err := st.Create(ctx, s); err != nil {
			t.Fatal(err)
		}
		var won atomic.Int64
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := *s
				c.State = booking.StateAttributes
				err := st.Update(ctx, &c, booking.StateCreated)
				switch {
				case err == nil:
					won.Add(1)
				case !errors.Is(err, booking.ErrConflict):
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if won.Load() != 1 {
			t.Fatalf("%d updates won, want 1", won.Load())
		}
	})

	t.Run("DeleteExpired", func(t *testing.T) {
		st := open(t)
		old := newSession(t, now.Add(-time.Hour))
		live := newSession(t, now)
		for _, s := range []*booking.Session{old, live} {
			if err := st.Create(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		n, err := st.DeleteExpired(ctx, now)
		if err != nil || n < 1 {
			t.Fatalf("DeleteExpired = %d, %v", n, err)
		}
		if _, err := st.Get(ctx, old.Code); !errors.Is(err, booking.ErrNotFound) {
			t.Fatalf("expired session kept: %v", err)
		}
		if _, err := st.Get(ctx, live.Code); err != nil {
			t.Fatalf("live session deleted: %v", err)
		}
	})
}
