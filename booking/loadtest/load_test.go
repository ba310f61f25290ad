package loadtest

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/booking/client"
	"github.com/mynadesk/mynadesk/booking/internal/testenv"
	"github.com/mynadesk/mynadesk/booking/postgres"
	"github.com/mynadesk/mynadesk/booking/server"
	"github.com/mynadesk/mynadesk/booking/sqlite"
	"github.com/mynadesk/mynadesk/internal/testpki"
)

// concurrency is the number of residents at once.
const concurrency = 8

// maxRun bounds one benchmark run, whatever b.N is.
const maxRun = 2 * time.Minute

type recorder struct {
	mu       sync.Mutex
	requests map[string][]time.Duration
	sessions []time.Duration
}

func (r *recorder) add(op string, d time.Duration) {
	r.mu.Lock()
	r.requests[op] = append(r.requests[op], d)
	r.mu.Unlock()
}

func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(float64(len(s)-1) * p)
	return s[i]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// run completes b.N sessions with concurrency residents against store.
func run(b *testing.B, store booking.Store) {
	pki := testpki.Get(b)
	ts := httptest.NewServer(nil)
	defer ts.Close()
	log := slog.New(slog.DiscardHandler)
	svc, err := booking.NewService(booking.Config{Store: store, Verifier: pki.Verifier(), ServiceID: ts.URL, Logger: log})
	if err != nil {
		b.Fatal(err)
	}
	// One address stands for every resident here: no creation limit.
	api := server.New(svc, server.Options{BaseURL: ts.URL, Logger: log, CreatePerMinute: 1e9, CreateBurst: 1 << 30})
	ts.Config.Handler = api
	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: concurrency}}
	cl, err := client.New(ts.URL, hc)
	if err != nil {
		b.Fatal(err)
	}
	attrs := testpki.Attributes(testpki.Hanako)
	rec := &recorder{requests: map[string][]time.Duration{}}
	ctx, cancel := context.WithTimeout(context.Background(), maxRun)
	defer cancel()

	timed := func(op string, f func() error) error {
		t := time.Now()
		err := f()
		rec.add(op, time.Since(t))
		return err
	}
	one := func() error {
		start := time.Now()
		var cr booking.CreateResponse
		if err := timed("create", func() (err error) { cr, err = cl.Create(ctx, booking.ModeTwoStep); return }); err != nil {
			return err
		}
		ref, err := booking.ParseRef(cr.Link, "")
		if err != nil {
			return err
		}
		code := ref.Code
		defer cl.Forget(code)
		if err := timed("claim", func() error { _, err := cl.Claim(ctx, ref); return err }); err != nil {
			return err
		}
		if err := timed("info", func() error { _, err := cl.Session(ctx, code); return err }); err != nil {
			return err
		}
		if err := timed("attributes", func() error { _, err := cl.PutAttributes(ctx, code, attrs); return err }); err != nil {
			return err
		}
		if err := timed("confirm", func() error { _, err := cl.Confirm(ctx, code, cr.PageToken, "tarou1234567"); return err }); err != nil {
			return err
		}
		var content []byte
		if err := timed("content", func() (err error) { content, err = cl.Content(ctx, code); return }); err != nil {
			return err
		}
		// The card's signature, made here in software: not part of the
		// service's latency.
		cms := testpki.Sign(b, pki.Valid, content)
		var res booking.Result
		if err := timed("signature", func() (err error) { res, err = cl.PutSignature(ctx, code, cms); return }); err != nil {
			return err
		}
		if res.Outcome != booking.OutcomeValid {
			return fmt.Errorf("outcome %s", res.Outcome)
		}
		// The registration takes the attributes, and the store erases them.
		if err := timed("take", func() error { _, err := cl.PageView(ctx, code, cr.PageToken); return err }); err != nil {
			return err
		}
		rec.mu.Lock()
		rec.sessions = append(rec.sessions, time.Since(start))
		rec.mu.Unlock()
		return nil
	}

	b.ResetTimer()
	start := time.Now()
	work := make(chan struct{})
	var wg sync.WaitGroup
	var firstErr error
	var errOnce sync.Once
	for i := 0; i < concurrency; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range work {
				if err := one(); err != nil {
					errOnce.Do(func() { firstErr = err; cancel() })
				}
			}
		}()
	}
feed:
	for i := 0; i < b.N; i++ {
		select {
		case work <- struct{}{}:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if firstErr != nil {
		b.Fatal(firstErr)
	}
	var all []time.Duration
	ops := make([]string, 0, len(rec.requests))
	for op, ds := range rec.requests {
		all = append(all, ds...)
		ops = append(ops, op)
	}
	slices.Sort(ops)
	n := len(rec.sessions)
	b.ReportMetric(float64(n)/elapsed.Seconds(), "sessions/s")
	b.ReportMetric(ms(pct(all, 0.50)), "p50-req-ms")
	b.ReportMetric(ms(pct(all, 0.99)), "p99-req-ms")
	b.ReportMetric(ms(pct(rec.sessions, 0.99)), "p99-session-ms")
	var lines []string
	for _, op := range ops {
		lines = append(lines, fmt.Sprintf("%s p50 %.2f ms p99 %.2f ms", op, ms(pct(rec.requests[op], 0.5)), ms(pct(rec.requests[op], 0.99))))
	}
	b.Logf("%d sessions in %v with %d residents: %.1f sessions/s; %s", n, elapsed.Round(time.Millisecond), concurrency,
		float64(n)/elapsed.Seconds(), strings.Join(lines, "; "))
}

func BenchmarkFlowSQLite(b *testing.B) {
	st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "load.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	run(b, st)
}

func BenchmarkFlowPostgres(b *testing.B) {
	dsn := testenv.PostgresDSN(b)
	schema := fmt.Sprintf("booking_load_%d", rand.Int64())
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		b.Fatal(err)
	}
	defer db.Exec("DROP SCHEMA " + schema + " CASCADE")
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	st, err := postgres.Open(context.Background(), dsn+sep+"search_path="+schema)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	run(b, st)
}
