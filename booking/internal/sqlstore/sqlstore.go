// Package sqlstore is the SQL shared by the SQLite and PostgreSQL session
// stores: one table, conditional updates, times as Unix milliseconds so
// both databases hold the same values.
package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mynadesk/mynadesk/booking"
)

// Dialect is what differs between databases.
type Dialect struct {
	// Rebind turns "?" placeholders into the database's form.
	Rebind func(q string) string
	// IsUnique reports a unique-constraint violation.
	IsUnique func(err error) bool
	// BlobType is the column type for bytes.
	BlobType string
	// AfterErase, if set, runs after personal data was erased, to make the
	// erasure reach the files (SQLite: checkpoint and truncate the WAL).
	AfterErase func(ctx context.Context, db *sql.DB) error
	// BeforeClose, if set, runs before the database is closed.
	BeforeClose func(db *sql.DB) error
}

// Store is a booking.Store over database/sql.
type Store struct {
	DB *sql.DB
	d  Dialect
	q  queries
}

type queries struct {
	insert, get, update, del, reserve, release, erase, eraseExpired, miss, delMisses, claim string
}

const columns = "code, nonce, page_token, service, mode, state, login_id, created_at, expires_at, registered_at, attributes, signature_hash, result, attempts, link_hash, claim_hash, claim_number, claim_state"

// added are the columns of protocol version 2, added to a table made by an
// older bookingd.
var added = []string{"link_hash TEXT NOT NULL DEFAULT ''", "claim_hash %s", "claim_number TEXT NOT NULL DEFAULT ''",
	"claim_state TEXT NOT NULL DEFAULT ''"}

// Schema returns the CREATE statements for the dialect.
func Schema(d Dialect) []string {
	return []string{
		`CREATE TABLE IF NOT EXISTS booking_sessions (
	code TEXT PRIMARY KEY,
	nonce TEXT NOT NULL,
	page_token TEXT NOT NULL,
	service TEXT NOT NULL,
	mode TEXT NOT NULL,
	state TEXT NOT NULL,
	login_id TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	registered_at BIGINT NOT NULL DEFAULT 0,
	attributes TEXT,
	signature_hash ` + d.BlobType + `,
	result TEXT,
	attempts INTEGER NOT NULL DEFAULT 0,
	link_hash TEXT NOT NULL DEFAULT '',
	claim_hash ` + d.BlobType + `,
	claim_number TEXT NOT NULL DEFAULT '',
	claim_state TEXT NOT NULL DEFAULT ''
)`,
		`CREATE INDEX IF NOT EXISTS booking_sessions_expires ON booking_sessions (expires_at)`,
		// The guess budget: misses per scope ("*" for the whole service, or
		// a client address) per window, shared by every instance.
		`CREATE TABLE IF NOT EXISTS booking_misses (
	scope TEXT NOT NULL,
	win BIGINT NOT NULL,
	n INTEGER NOT NULL,
	PRIMARY KEY (scope, win)
)`,
	}
}

// New returns a Store after creating the schema if it is missing.
func New(ctx context.Context, db *sql.DB, d Dialect) (*Store, error) {
	for _, stmt := range Schema(d) {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return nil, fmt.Errorf("booking store: schema: %w", err)
		}
	}
	for _, col := range added {
		if strings.Contains(col, "%s") {
			col = fmt.Sprintf(col, d.BlobType)
		}
		// Fails with "duplicate column" / "already exists" on a table that
		// has it, which is the usual case.
		if _, err := db.ExecContext(ctx, "ALTER TABLE booking_sessions ADD COLUMN "+col); err != nil &&
			!strings.Contains(err.Error(), "duplicate column") && !strings.Contains(err.Error(), "already exists") {
			return nil, fmt.Errorf("booking store: schema: %w", err)
		}
	}
	s := &Store{DB: db, d: d}
	s.q = queries{
		insert: d.Rebind("INSERT INTO booking_sessions (" + columns + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
		get:    d.Rebind("SELECT " + columns + " FROM booking_sessions WHERE code = ?"),
		update: d.Rebind(`UPDATE booking_sessions SET state = ?, login_id = ?, registered_at = ?, attributes = ?,
	signature_hash = ?, result = ? WHERE code = ? AND state = ?`),
		del: d.Rebind("DELETE FROM booking_sessions WHERE expires_at < ?"),
		// One statement each: the condition and the change are atomic on
		// SQLite and on PostgreSQL, whichever instance runs them.
		reserve: d.Rebind("UPDATE booking_sessions SET attempts = attempts + 1 WHERE code = ? AND state = 'confirmed' AND attempts < ?"),
		release: d.Rebind("UPDATE booking_sessions SET attempts = attempts - 1 WHERE code = ? AND attempts > 0"),
		erase:   d.Rebind("UPDATE booking_sessions SET attributes = NULL WHERE code = ? AND attributes IS NOT NULL"),
		eraseExpired: d.Rebind(`UPDATE booking_sessions SET attributes = NULL, login_id = ''
	WHERE expires_at < ? AND (attributes IS NOT NULL OR login_id <> '')`),
		miss: d.Rebind(`INSERT INTO booking_misses (scope, win, n) VALUES (?, ?, 1)
	ON CONFLICT (scope, win) DO UPDATE SET n = booking_misses.n + 1 RETURNING n`),
		delMisses: d.Rebind("DELETE FROM booking_misses WHERE win < ?"),
		claim:     d.Rebind("UPDATE booking_sessions SET claim_hash = ?, claim_number = ?, claim_state = ? WHERE code = ? AND claim_state = ?"),
	}
	return s, nil
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

func jsonOrNull(v any, isNil bool) (any, error) {
	if isNil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// jsonColumns is a session's two JSON columns, attributes and result, each
// NULL while the session has none.
func jsonColumns(x *booking.Session) (attrs, res any, err error) {
	if attrs, err = jsonOrNull(x.Attributes, x.Attributes == nil); err != nil {
		return nil, nil, err
	}
	if res, err = jsonOrNull(x.Result, x.Result == nil); err != nil {
		return nil, nil, err
	}
	return attrs, res, nil
}

func blobOrNull(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}

// Create implements booking.Store.
func (s *Store) Create(ctx context.Context, x *booking.Session) error {
	attrs, res, err := jsonColumns(x)
	if err != nil {
		return err
	}
	_, err = s.DB.ExecContext(ctx, s.q.insert, string(x.Code), x.Nonce, x.PageToken, x.Service,
		string(x.Mode), string(x.State), x.LoginID, ms(x.CreatedAt), ms(x.ExpiresAt),
		ms(x.RegisteredAt), attrs, blobOrNull(x.SignatureHash), res, x.Attempts, x.LinkHash,
		blobOrNull(x.ClaimHash), x.ClaimNumber, string(x.Claim))
	if err != nil {
		if s.d.IsUnique(err) {
			return booking.ErrConflict
		}
		return fmt.Errorf("booking store: create: %w", err)
	}
	return nil
}

// Get implements booking.Store.
func (s *Store) Get(ctx context.Context, code booking.Code) (*booking.Session, error) {
	var (
		x                            booking.Session
		codeS, mode, state, claim    string
		created, expires, registered int64
		attrs, res                   sql.NullString
		hash, claimHash              []byte
	)
	err := s.DB.QueryRowContext(ctx, s.q.get, string(code)).Scan(&codeS, &x.Nonce, &x.PageToken,
		&x.Service, &mode, &state, &x.LoginID, &created, &expires, &registered, &attrs, &hash, &res, &x.Attempts,
		&x.LinkHash, &claimHash, &x.ClaimNumber, &claim)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, booking.Errorf(booking.ECNotFound, "no such session")
	}
	if err != nil {
		return nil, fmt.Errorf("booking store: get: %w", err)
	}
	x.Code, x.Mode, x.State = booking.Code(codeS), booking.Mode(mode), booking.State(state)
	x.CreatedAt, x.ExpiresAt, x.RegisteredAt = fromMS(created), fromMS(expires), fromMS(registered)
	if len(hash) > 0 {
		x.SignatureHash = hash
	}
	if len(claimHash) > 0 {
		x.ClaimHash = claimHash
	}
	x.Claim = booking.ClaimState(claim)
	if attrs.Valid {
		x.Attributes = new(booking.Attributes)
		if err := json.Unmarshal([]byte(attrs.String), x.Attributes); err != nil {
			return nil, fmt.Errorf("booking store: get: attributes: %w", err)
		}
	}
	if res.Valid {
		x.Result = new(booking.Result)
		if err := json.Unmarshal([]byte(res.String), x.Result); err != nil {
			return nil, fmt.Errorf("booking store: get: result: %w", err)
		}
	}
	return &x, nil
}

// Update implements booking.Store.
func (s *Store) Update(ctx context.Context, x *booking.Session, from booking.State) error {
	attrs, res, err := jsonColumns(x)
	if err != nil {
		return err
	}
	return s.execOne(ctx, "update", s.q.update, string(x.State), x.LoginID, ms(x.RegisteredAt),
		attrs, blobOrNull(x.SignatureHash), res, string(x.Code), string(from))
}

// execOne runs a conditional statement (compare-and-set on the session's
// state, claim or attempts) that must change exactly the one row it names;
// no row changed means another request got there first: booking.ErrConflict.
func (s *Store) execOne(ctx context.Context, what, query string, args ...any) error {
	r, err := s.DB.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("booking store: %s: %w", what, err)
	}
	n, err := r.RowsAffected()
	if err != nil {
		return fmt.Errorf("booking store: %s: %w", what, err)
	}
	if n == 0 {
		return booking.ErrConflict
	}
	return nil
}

// DeleteExpired implements booking.Store.
func (s *Store) DeleteExpired(ctx context.Context, t time.Time) (int, error) {
	r, err := s.DB.ExecContext(ctx, s.q.del, ms(t))
	if err != nil {
		return 0, fmt.Errorf("booking store: delete expired: %w", err)
	}
	n, err := r.RowsAffected()
	if err != nil || n == 0 {
		return int(n), err
	}
	return int(n), s.afterErase(ctx)
}

// UpdateClaim implements booking.Store.
func (s *Store) UpdateClaim(ctx context.Context, x *booking.Session, from booking.ClaimState) error {
	return s.execOne(ctx, "claim", s.q.claim, blobOrNull(x.ClaimHash), x.ClaimNumber, string(x.Claim), string(x.Code), string(from))
}

// ReserveAttempt implements booking.Store.
func (s *Store) ReserveAttempt(ctx context.Context, code booking.Code, max int) error {
	return s.execOne(ctx, "reserve attempt", s.q.reserve, string(code), max)
}

// ReleaseAttempt implements booking.Store.
func (s *Store) ReleaseAttempt(ctx context.Context, code booking.Code) error {
	if _, err := s.DB.ExecContext(ctx, s.q.release, string(code)); err != nil {
		return fmt.Errorf("booking store: release attempt: %w", err)
	}
	return nil
}

func (s *Store) afterErase(ctx context.Context) error {
	if s.d.AfterErase == nil {
		return nil
	}
	if err := s.d.AfterErase(ctx, s.DB); err != nil {
		return fmt.Errorf("booking store: erase: %w", err)
	}
	return nil
}

// EraseAttributes implements booking.Store.
func (s *Store) EraseAttributes(ctx context.Context, code booking.Code) error {
	r, err := s.DB.ExecContext(ctx, s.q.erase, string(code))
	if err != nil {
		return fmt.Errorf("booking store: erase: %w", err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return nil
	}
	return s.afterErase(ctx)
}

// EraseExpired implements booking.Store.
func (s *Store) EraseExpired(ctx context.Context, t time.Time) (int, error) {
	r, err := s.DB.ExecContext(ctx, s.q.eraseExpired, ms(t))
	if err != nil {
		return 0, fmt.Errorf("booking store: erase expired: %w", err)
	}
	n, _ := r.RowsAffected()
	if n == 0 {
		return 0, nil
	}
	return int(n), s.afterErase(ctx)
}

// CountMiss implements booking.Store.
func (s *Store) CountMiss(ctx context.Context, scope string, window time.Time) (int, error) {
	var n int
	if err := s.DB.QueryRowContext(ctx, s.q.miss, scope, ms(window)).Scan(&n); err != nil {
		return 0, fmt.Errorf("booking store: count miss: %w", err)
	}
	return n, nil
}

// DeleteMisses implements booking.Store.
func (s *Store) DeleteMisses(ctx context.Context, t time.Time) error {
	if _, err := s.DB.ExecContext(ctx, s.q.delMisses, ms(t)); err != nil {
		return fmt.Errorf("booking store: delete misses: %w", err)
	}
	return nil
}

// Close implements booking.Store.
func (s *Store) Close() error {
	var err error
	if s.d.BeforeClose != nil {
		err = s.d.BeforeClose(s.DB)
	}
	return errors.Join(err, s.DB.Close())
}

// Identity leaves "?" placeholders as they are.
func Identity(q string) string { return q }

// Dollar numbers placeholders $1, $2, … for PostgreSQL.
func Dollar(q string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
