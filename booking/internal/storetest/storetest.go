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
		s.Attempts = 2 // not written by Update: attempts change only atomically
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
			!got.Result.CheckedAt.Equal(s.Result.CheckedAt) || got.Attempts != 0 {
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

	// 40 uploads at once, as a bystander would send them: exactly max of
	// them get an attempt, whichever connection or instance runs them.
	t.Run("AttemptsAreAtomic", func(t *testing.T) {
		st := open(t)
		s := newSession(t, now)
		s.State = booking.StateConfirmed
		if err := st.Create(ctx, s); err != nil {
			t.Fatal(err)
		}
		const max = booking.MaxSignatureAttempts
		var got atomic.Int64
		var wg sync.WaitGroup
		for i := 0; i < 40; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				switch err := st.ReserveAttempt(ctx, s.Code, max); {
				case err == nil:
					got.Add(1)
				case !errors.Is(err, booking.ErrConflict):
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if got.Load() != max {
			t.Fatalf("%d of 40 concurrent uploads got an attempt, want %d", got.Load(), max)
		}
		if err := st.ReleaseAttempt(ctx, s.Code); err != nil {
			t.Fatal(err)
		}
		if x, _ := st.Get(ctx, s.Code); x.Attempts != max-1 {
			t.Fatalf("after a release: %d attempts", x.Attempts)
		}
		if err := st.ReserveAttempt(ctx, s.Code, max); err != nil {
			t.Fatalf("the released attempt: %v", err)
		}
		other := newSession(t, now) // not confirmed: no attempt
		if err := st.Create(ctx, other); err != nil {
			t.Fatal(err)
		}
		if err := st.ReserveAttempt(ctx, other.Code, max); !errors.Is(err, booking.ErrConflict) {
			t.Fatalf("attempt on an unconfirmed session: %v", err)
		}
	})

	t.Run("Erase", func(t *testing.T) {
		st := open(t)
		a := &booking.Attributes{Name: "公的　花子", Address: "東京都千代田区", Birth: "20000101", Sex: "2"}
		taken, expired, live := newSession(t, now), newSession(t, now.Add(-time.Hour)), newSession(t, now)
		for _, s := range []*booking.Session{taken, expired, live} {
			s.Attributes, s.LoginID = a, "tarou1234567"
			if err := st.Create(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.EraseAttributes(ctx, taken.Code); err != nil {
			t.Fatal(err)
		}
		if n, err := st.EraseExpired(ctx, now); err != nil || n != 1 {
			t.Fatalf("EraseExpired = %d, %v", n, err)
		}
		for _, c := range []struct {
			s     *booking.Session
			attrs bool
			login string
		}{{taken, false, "tarou1234567"}, {expired, false, ""}, {live, true, "tarou1234567"}} {
			x, err := st.Get(ctx, c.s.Code)
			if err != nil {
				t.Fatal(err)
			}
			if (x.Attributes != nil) != c.attrs || x.LoginID != c.login {
				t.Fatalf("after erasing: %+v", x)
			}
		}
	})

	t.Run("CountMiss", func(t *testing.T) {
		st := open(t)
		w := now.Truncate(time.Minute)
		var wg sync.WaitGroup
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := st.CountMiss(ctx, "*", w); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if n, err := st.CountMiss(ctx, "*", w); err != nil || n != 21 {
			t.Fatalf("CountMiss after 20 concurrent = %d, %v; want 21", n, err)
		}
		if n, _ := st.CountMiss(ctx, "addr:192.0.2.1", w); n != 1 {
			t.Fatalf("another scope: %d", n)
		}
		if n, _ := st.CountMiss(ctx, "*", w.Add(time.Minute)); n != 1 {
			t.Fatalf("the next window: %d", n)
		}
		if err := st.DeleteMisses(ctx, w.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if n, _ := st.CountMiss(ctx, "*", w); n != 1 {
			t.Fatalf("deleted window counted on: %d", n)
		}
	})
}
