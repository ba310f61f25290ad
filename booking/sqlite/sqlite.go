// Package sqlite is the default session store of bookingd: one SQLite file
// (modernc.org/sqlite, pure Go), WAL journal, for a single instance. The
// file, its WAL and its shared-memory index are readable by the owner only
// (0600); deleted or erased data is overwritten (secure_delete) and the WAL
// is checkpointed and truncated within CheckpointDelay of every erasure, so
// personal data that was erased cannot be read back from the files.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

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
	// Freed cells and pages are zeroed, not left for a reader of the file.
	q.Add("_pragma", "secure_delete(1)")
	memory := path == ":memory:" || strings.Contains(path, "mode=memory")
	if !memory {
		if err := ownerOnly(path); err != nil {
			return nil, fmt.Errorf("booking/sqlite: open %s: %w", path, err)
		}
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
	cp := &checkpointer{db: db}
	st, err := sqlstore.New(ctx, db, sqlstore.Dialect{
		Rebind:   sqlstore.Identity,
		IsUnique: func(err error) bool { return strings.Contains(err.Error(), "UNIQUE constraint failed") },
		BlobType: "BLOB",
		AfterErase: func(ctx context.Context, db *sql.DB) error {
			if !memory {
				cp.soon()
			}
			return nil
		},
		BeforeClose: func(db *sql.DB) error {
			if memory {
				return nil
			}
			return cp.close()
		},
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("booking/sqlite: %w", err)
	}
	if !memory {
		// SQLite gives the WAL and -shm files the database file's mode;
		// tighten any left from an older run with a looser one.
		for _, f := range []string{path + "-wal", path + "-shm"} {
			if err := os.Chmod(f, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
				db.Close()
				return nil, fmt.Errorf("booking/sqlite: %w", err)
			}
		}
	}
	return st, nil
}

// ownerOnly creates the database file with mode 0600 before SQLite does
// (which would use 0644 under the usual umask), or tightens an existing
// one.
func ownerOnly(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	return os.Chmod(path, 0o600)
}

// CheckpointDelay is the longest an erasure waits for the WAL checkpoint
// that takes the erased data out of the files. Erasures within it share
// one checkpoint (its fsyncs are the costly part: one per erasure would
// cut the sessions a second to a third).
var CheckpointDelay = time.Second

// checkpointer runs a checkpoint at most CheckpointDelay after an erasure,
// and a last one when the store closes.
type checkpointer struct {
	db      *sql.DB
	mu      sync.Mutex
	timer   *time.Timer
	closed  bool
	running sync.WaitGroup
}

func (c *checkpointer) soon() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || c.timer != nil {
		return
	}
	c.running.Add(1)
	c.timer = time.AfterFunc(CheckpointDelay, c.run)
}

func (c *checkpointer) run() {
	defer c.running.Done()
	c.mu.Lock()
	c.timer = nil
	c.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := checkpoint(ctx, c.db); err != nil {
		c.soon() // try again; the data stays only until one succeeds
	}
}

func (c *checkpointer) close() error {
	c.mu.Lock()
	c.closed = true
	if c.timer != nil && c.timer.Stop() {
		c.timer = nil
		c.running.Done()
	}
	c.mu.Unlock()
	c.running.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return checkpoint(ctx, c.db)
}

// checkpoint copies the WAL into the database and truncates it to zero
// bytes, so page images holding erased data leave the WAL; the database's
// own copy was zeroed by secure_delete. A reader in the middle of a
// transaction can keep the checkpoint from finishing: it is retried.
func checkpoint(ctx context.Context, db *sql.DB) error {
	for try := 0; ; try++ {
		var busy, logFrames, done int
		if err := db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &done); err != nil {
			return fmt.Errorf("wal checkpoint: %w", err)
		}
		if busy == 0 {
			return nil
		}
		if try == 50 {
			return errors.New("wal checkpoint: still busy after 50 tries")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}
