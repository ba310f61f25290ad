// Package postgres is the session store for several bookingd instances
// behind one address: PostgreSQL through pgx's database/sql driver. Each
// step's conditional UPDATE makes "accepted once" hold across instances.
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/booking/internal/sqlstore"
)

// Open connects to the PostgreSQL database at dsn (postgres://…) and
// returns a booking.Store, creating the table if it is missing.
func Open(ctx context.Context, dsn string) (booking.Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("booking/postgres: open: %w", err)
	}
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("booking/postgres: connect: %w", err)
	}
	st, err := sqlstore.New(ctx, db, sqlstore.Dialect{
		Rebind: sqlstore.Dollar,
		IsUnique: func(err error) bool {
			var pe *pgconn.PgError
			return errors.As(err, &pe) && pe.Code == "23505"
		},
		BlobType: "BYTEA",
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("booking/postgres: %w", err)
	}
	return st, nil
}
