package e2e_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/booking/client"
	"github.com/mynadesk/mynadesk/booking/internal/testenv"
	"github.com/mynadesk/mynadesk/card/sim"
	"github.com/mynadesk/mynadesk/cms"
)

// Two bookingd processes on one PostgreSQL database behind one address (a
// round-robin proxy): every request of a session may land on either, and
// each step is still accepted once.
func TestTwoInstancesOnePostgres(t *testing.T) {
	dsn := testenv.PostgresDSN(t)
	schema := fmt.Sprintf("booking_e2e_%d", rand.Int64())
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	defer db.Exec("DROP SCHEMA " + schema + " CASCADE")
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	pgdsn := dsn + sep + "search_path=" + schema

	dir := cardDir(t, "hanako")
	_, pki, err := sim.LoadCardDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	// The proxy's address is the service's identity for both instances.
	var targets []*url.URL
	var next atomic.Int64
	proxy := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		u := targets[next.Add(1)%int64(len(targets))]
		r.SetURL(u)
		r.Out.Host = r.In.Host
		r.Out.Header.Set("X-Instance", u.Host)
	}})
	defer proxy.Close()
	for i := 0; i < 2; i++ {
		b := startBookingd(t, []string{dir}, "--db", pgdsn, "--base-url", proxy.URL)
		u, _ := url.Parse(b.url)
		targets = append(targets, u)
	}

	ctx := context.Background()
	cl, err := client.New(proxy.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	cr, err := cl.Create(ctx, booking.ModeTwoStep)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := booking.ParseRef(cr.URL, "")
	if err != nil || ref.Service != proxy.URL {
		t.Fatalf("session URL %q: %+v %v", cr.URL, ref, err)
	}
	if _, err := cl.Claim(ctx, ref); err != nil {
		t.Fatal(err)
	}
	a := booking.Attributes{Name: sim.DefaultHolder.Name, Address: sim.DefaultHolder.Address, Birth: sim.DefaultHolder.Birth, Sex: sim.DefaultHolder.Sex}

	// The same step sent to both instances at once: one is accepted.
	var ok, refused atomic.Int64
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			x := a
			if i > 0 {
				x.Address = fmt.Sprintf("%s%d", a.Address, i) // different uploads, so retries cannot pass as one
			}
			_, err := cl.PutAttributes(ctx, ref.Code, x)
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, booking.ErrConflict):
				refused.Add(1)
			default:
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	if ok.Load() != 1 || refused.Load() != 5 {
		t.Fatalf("step 1 accepted %d times, refused %d", ok.Load(), refused.Load())
	}
	pv, err := cl.PageView(ctx, ref.Code, cr.PageToken)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.Confirm(ctx, ref.Code, cr.PageToken, "tarou1234567"); err != nil {
		t.Fatal(err)
	}
	content, err := cl.Content(ctx, ref.Code)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := cms.Sign(ctx, content, pki.SignCert, pki.SignKey, cms.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := cl.PutSignature(ctx, ref.Code, sig)
	want := booking.OutcomeValid
	if *pv.Attributes != a {
		want = booking.OutcomeMismatch // a racer with another address won step 1
	}
	if err != nil || res.Outcome != want {
		t.Fatalf("signature through the other instance: %+v %v", res, err)
	}
	// Asking both instances gives the same stored result.
	for i := 0; i < 2; i++ {
		in, err := cl.Session(ctx, ref.Code)
		if err != nil || in.Result == nil || in.Result.Outcome != want {
			t.Fatalf("instance %d: %+v %v", i, in, err)
		}
	}
	// Both instances took part.
	for _, u := range targets {
		resp, err := http.Get(u.String() + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), `route="POST /api/v2/sessions/{code}/attributes"`) {
			t.Errorf("instance %s served no step 1", u.Host)
		}
	}
}
