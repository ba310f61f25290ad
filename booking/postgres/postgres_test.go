package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/booking/internal/storetest"
	"github.com/mynadesk/mynadesk/booking/internal/testenv"
)

// testDSN is the test server's DSN (testenv: $BOOKING_POSTGRES_DSN, or
// under CI the server scripts/postgres.sh starts).
func testDSN(t *testing.T) string { return testenv.PostgresDSN(t) }

// freshSchema makes a schema of its own for one test and returns a DSN that
// uses it, so tests run side by side on one database.
func freshSchema(t *testing.T, dsn string) string {
	t.Helper()
	name := fmt.Sprintf("booking_test_%d", rand.Int64())
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db.Exec("DROP SCHEMA " + name + " CASCADE")
		db.Close()
	})
	if _, err := db.Exec("CREATE SCHEMA " + name); err != nil {
		t.Fatal(err)
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "search_path=" + name
}

func TestStore(t *testing.T) {
	dsn := testDSN(t)
	storetest.Run(t, func(t *testing.T) booking.Store {
		st, err := Open(context.Background(), freshSchema(t, dsn))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	})
}

// Two stores on one database stand for two bookingd instances behind one
// address: a step accepted through one is refused through the other.
func TestTwoInstances(t *testing.T) {
	dsn := freshSchema(t, testDSN(t))
	ctx := context.Background()
	a, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	c, _ := booking.NewCode()
	s := &booking.Session{Code: c, Nonce: "n", PageToken: "p", Service: "s", Mode: booking.ModeTwoStep, State: booking.StateCreated}
	if err := a.Create(ctx, s); err != nil {
		t.Fatal(err)
	}
	got, err := b.Get(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	got.State = booking.StateAttributes
	if err := b.Update(ctx, got, booking.StateCreated); err != nil {
		t.Fatal(err)
	}
	s.State = booking.StateAttributes
	if err := a.Update(ctx, s, booking.StateCreated); err != booking.ErrConflict {
		t.Fatalf("second instance accepted the step again: %v", err)
	}
}

func TestOpenUnreachable(t *testing.T) {
	if _, err := Open(context.Background(), "postgres://nobody:x@127.0.0.1:1/none?sslmode=disable&connect_timeout=2"); err == nil {
		t.Fatal("Open of an unreachable server succeeded")
	}
}
