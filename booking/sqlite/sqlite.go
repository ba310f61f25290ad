// Package sqlite is the default session store of bookingd: one SQLite file
// (modernc.org/sqlite, pure Go), WAL journal, for a single instance.
package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"

	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/booking/internal/sqlstore"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Open opens (creating if needed) the SQLite database at path and returns
// a booking.Store. Use ":memory:" only in tests: each connection would get
// its own database, so the pool is limited to one.
func Open(ctx context.Context, path string) (booking.Store, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "foreign_keys(1)")
	memory := path == ":memory:" || strings.Contains(path, "mode=memory")
	if !memory {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(NORMAL)")
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	db, err := sql.Open("sqlite", "file:"+path+sep+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("booking/sqlite: open %s: %w", path, err)
	}
	if memory {
		db.SetMaxOpenConns(1)
	} else {
		db.SetMaxOpenConns(4)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("booking/sqlite: open %s: %w", path, err)
	}
	st, err := sqlstore.New(ctx, db, sqlstore.Dialect{
		Rebind:   sqlstore.Identity,
		IsUnique: func(err error) bool { return strings.Contains(err.Error(), "UNIQUE constraint failed") },
		BlobType: "BLOB",
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("booking/sqlite: %w", err)
	}
	return st, nil
}
