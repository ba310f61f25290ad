package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/booking/internal/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) booking.Store {
		st, err := Open(context.Background(), filepath.Join(t.TempDir(), "booking.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	})
}

func TestReopenKeepsSessions(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "booking.db")
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := booking.NewCode()
	if err := st.Create(ctx, &booking.Session{Code: c, Nonce: "n", PageToken: "p", Service: "s",
		Mode: booking.ModeTwoStep, State: booking.StateCreated}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	st, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Get(ctx, c); err != nil {
		t.Fatal(err)
	}
}
