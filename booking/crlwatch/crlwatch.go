// Package crlwatch keeps a booking service's revocation data current: it
// re-reads CRL files when they change on disk and fetches CRLs from
// configured URLs before their nextUpdate, without a restart. A CRL that
// fails to read or parse never replaces the one in use (verify.CRLIndex
// swaps a new CRL in atomically), so there is no moment where checks fail
// because of a refresh. It reports the service not ready, and says so in
// its metrics, while any CRL is past its nextUpdate: every check would
// then end in Code 30.
package crlwatch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/mynadesk/mynadesk/verify"
)

// Defaults of a Watcher.
const (
	// DefaultInterval is how often files are looked at (a stat each).
	DefaultInterval = time.Minute
	// DefaultFetchEvery is how often a URL is fetched even when its CRL
	// is far from nextUpdate (J-LIS publishes daily).
	DefaultFetchEvery = time.Hour
	// DefaultMargin is how long before nextUpdate a URL is fetched at
	// every interval, and a file re-read even if it seems unchanged.
	DefaultMargin = 6 * time.Hour
)

// Watcher refreshes the CRLs of one verify.CRLIndex. Zero fields get the
// defaults on first use; set them before.
type Watcher struct {
	Index *verify.CRLIndex
	Files []string
	URLs  []string
	// HTTP fetches URLs (default: a client with a 60 s timeout).
	HTTP *http.Client
	// Interval, FetchEvery and Margin: see the defaults.
	Interval, FetchEvery, Margin time.Duration
	// Now is the clock (time.Now if nil).
	Now    func() time.Time
	Logger *slog.Logger

	once    sync.Once
	mu      sync.Mutex
	seen    map[string]fileStamp // by file: what was last loaded
	fetched map[string]time.Time // by URL: last successful fetch
	errors  int64
}

type fileStamp struct {
	mod  time.Time
	size int64
}

func (w *Watcher) defaults() {
	w.once.Do(func() {
		if w.Now == nil {
			w.Now = time.Now
		}
		if w.Interval <= 0 {
			w.Interval = DefaultInterval
		}
		if w.FetchEvery <= 0 {
			w.FetchEvery = DefaultFetchEvery
		}
		if w.Margin <= 0 {
			w.Margin = DefaultMargin
		}
		if w.Logger == nil {
			w.Logger = slog.Default()
		}
		if w.HTTP == nil {
			w.HTTP = &http.Client{Timeout: 60 * time.Second}
		}
		w.seen, w.fetched = map[string]fileStamp{}, map[string]time.Time{}
	})
}

// Load reads every file and URL once, as at start; any failure is
// returned (a service should not start without its revocation data). A
// CRL already past nextUpdate loads, is logged as a warning and makes the
// service not ready until a newer one arrives.
func (w *Watcher) Load(ctx context.Context) error {
	w.defaults()
	var errs []error
	for _, f := range w.Files {
		if err := w.loadFile(f, true); err != nil {
			errs = append(errs, err)
		}
	}
	for _, u := range w.URLs {
		if err := w.fetch(ctx, u); err != nil {
			errs = append(errs, err)
		}
	}
	if err := w.Ready(); err != nil {
		w.Logger.Warn("revocation data is stale: signature checks will fail with Code 30 until a newer CRL is loaded", "err", err)
	}
	return errors.Join(errs...)
}

// Refresh looks at every source once: a file whose size or modification
// time changed is re-read, as is any file whose CRL is within Margin of
// its nextUpdate; a URL is fetched when FetchEvery has passed since the
// last fetch or its CRL is within Margin of nextUpdate. Failures are
// logged and counted; the CRLs in use stay.
func (w *Watcher) Refresh(ctx context.Context) {
	w.defaults()
	near := w.nearNextUpdate()
	for _, f := range w.Files {
		if err := w.loadFile(f, near); err != nil {
			w.Logger.Warn("CRL refresh failed; the CRL in use stays", "file", f, "err", err)
		}
	}
	now := w.Now()
	for _, u := range w.URLs {
		w.mu.Lock()
		last := w.fetched[u]
		w.mu.Unlock()
		if !near && now.Sub(last) < w.FetchEvery {
			continue
		}
		if err := w.fetch(ctx, u); err != nil {
			w.Logger.Warn("CRL fetch failed; the CRL in use stays", "url", u, "err", err)
		}
	}
}

// Run refreshes every Interval until ctx ends.
func (w *Watcher) Run(ctx context.Context) {
	w.defaults()
	t := time.NewTicker(w.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			w.Refresh(ctx)
		}
	}
}

// nearNextUpdate reports whether any CRL in the index is within Margin of
// its nextUpdate (or past it).
func (w *Watcher) nearNextUpdate() bool {
	now := w.Now()
	for _, c := range w.Index.Loaded() {
		if now.Add(w.Margin).After(c.NextUpdate) {
			return true
		}
	}
	return false
}

func (w *Watcher) fail(_ string, err error) error {
	w.mu.Lock()
	w.errors++
	w.mu.Unlock()
	return err
}

// loadFile re-reads f if it changed since it was last loaded, or always
// when force is set.
func (w *Watcher) loadFile(f string, force bool) error {
	fi, err := os.Stat(f)
	if err != nil {
		return w.fail(f, err)
	}
	st := fileStamp{mod: fi.ModTime(), size: fi.Size()}
	w.mu.Lock()
	prev, had := w.seen[f]
	w.mu.Unlock()
	if had && prev == st && !force {
		return nil
	}
	info, err := w.Index.AddFile(f)
	if err != nil {
		// Perhaps caught half-written: the stamp is not recorded, so the
		// next interval tries again.
		return w.fail(f, err)
	}
	w.mu.Lock()
	w.seen[f] = st
	w.mu.Unlock()
	if !had || prev != st {
		w.Logger.Info("CRL loaded", "file", f, "issuer", info.Issuer, "entries", info.Entries,
			"this_update", info.ThisUpdate, "next_update", info.NextUpdate)
	}
	return nil
}

func (w *Watcher) fetch(ctx context.Context, u string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return w.fail(u, err)
	}
	resp, err := w.HTTP.Do(req)
	if err != nil {
		return w.fail(u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return w.fail(u, fmt.Errorf("crl %s: %s", u, resp.Status))
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, verify.MaxCRLSize+1))
	if err != nil {
		return w.fail(u, err)
	}
	info, err := w.Index.Add(b)
	if err != nil {
		return w.fail(u, fmt.Errorf("crl %s: %w", u, err))
	}
	w.mu.Lock()
	w.fetched[u] = w.Now()
	w.mu.Unlock()
	w.Logger.Info("CRL fetched", "url", u, "issuer", info.Issuer, "entries", info.Entries,
		"this_update", info.ThisUpdate, "next_update", info.NextUpdate)
	return nil
}

// StaleError says which CRL is past its nextUpdate.
type StaleError struct {
	Issuer     string
	NextUpdate time.Time
}

func (e *StaleError) Error() string {
	return fmt.Sprintf("CRL of %s is stale: nextUpdate %s has passed", e.Issuer, e.NextUpdate.Format(time.RFC3339))
}

// ErrNoCRL is Ready's answer when sources are configured but no CRL is
// loaded.
var ErrNoCRL = errors.New("no CRL loaded")

// Ready returns a *StaleError while any CRL is past its nextUpdate.
func (w *Watcher) Ready() error {
	w.defaults()
	loaded := w.Index.Loaded()
	if len(loaded) == 0 && len(w.Files)+len(w.URLs) > 0 {
		return ErrNoCRL
	}
	now := w.Now()
	for _, c := range loaded {
		if now.After(c.NextUpdate) {
			return &StaleError{Issuer: c.Issuer, NextUpdate: c.NextUpdate}
		}
	}
	return nil
}

// WriteMetrics writes the age of each CRL (since thisUpdate), the time
// left to its nextUpdate, whether revocation data is stale, and the
// refresh failures, in the Prometheus text format.
func (w *Watcher) WriteMetrics(out io.Writer) {
	w.defaults()
	now := w.Now()
	loaded := w.Index.Loaded()
	fmt.Fprintf(out, "# HELP booking_crl_age_seconds Time since the CRL's thisUpdate.\n# TYPE booking_crl_age_seconds gauge\n")
	for _, c := range loaded {
		fmt.Fprintf(out, "booking_crl_age_seconds{issuer=%q} %d\n", c.Issuer, int64(now.Sub(c.ThisUpdate).Seconds()))
	}
	fmt.Fprintf(out, "# HELP booking_crl_next_update_seconds Time left until the CRL's nextUpdate (negative: stale).\n# TYPE booking_crl_next_update_seconds gauge\n")
	for _, c := range loaded {
		fmt.Fprintf(out, "booking_crl_next_update_seconds{issuer=%q} %d\n", c.Issuer, int64(c.NextUpdate.Sub(now).Seconds()))
	}
	stale := 0
	if w.Ready() != nil {
		stale = 1
	}
	w.mu.Lock()
	errs := w.errors
	w.mu.Unlock()
	fmt.Fprintf(out, "# HELP booking_crl_stale 1 while revocation data is past nextUpdate.\n# TYPE booking_crl_stale gauge\nbooking_crl_stale %d\n", stale)
	fmt.Fprintf(out, "# HELP booking_crl_refresh_errors_total CRL reads or fetches that failed.\n# TYPE booking_crl_refresh_errors_total counter\nbooking_crl_refresh_errors_total %d\n", errs)
}
