// Package testenv sets up what the desktop app's tests, screenshots and
// benchmarks run against: virtual cards (fictional residents, valid,
// expired and revoked signing certificates) in an in-process card.System,
// and a real booking service (booking/server over SQLite) on a loopback
// httptest server, with a page that confirms step 1 by itself.
package testenv

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/booking/client"
	"github.com/mynadesk/mynadesk/booking/server"
	"github.com/mynadesk/mynadesk/booking/sqlite"
	"github.com/mynadesk/mynadesk/booking/verifier"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/card/sim"
	"github.com/mynadesk/mynadesk/internal/testpki"
	"github.com/mynadesk/mynadesk/jpki/jpkitest"
	"github.com/mynadesk/mynadesk/resident"
	"github.com/mynadesk/mynadesk/verify"
)

// Fictional residents.
var (
	Hanako = testpki.Hanako
	Taro   = testpki.Taro
)

// The virtual cards' PINs.
const (
	HelperPIN = sim.DefaultHelperPIN
	SignPIN   = sim.DefaultSignPIN
)

// Reader is the name of the test reader.
const Reader = "Test Reader 00 00"

// PKIs are Hanako's card with a valid, expired and revoked signing
// certificate, and Taro's valid card, made once per process.
type PKIs = testpki.Set

// GetPKIs returns the shared PKIs.
func GetPKIs() (*PKIs, error) { return testpki.Shared() }

// Env is one test environment.
type Env struct {
	PKIs   *PKIs
	Sys    *sim.System
	Server *httptest.Server
	// Page is a client for the page's side (create, confirm).
	Page *client.Client
	// Down makes the service answer 503 to every API request.
	Down atomic.Bool
	// Other makes the verifier answer "could not check" (Code 30).
	Other atomic.Bool

	store booking.Store
	svc   *booking.Service
}

// New starts an environment; dir holds the SQLite file. Close stops it.
func New(dir string) (*Env, error) {
	p, err := GetPKIs()
	if err != nil {
		return nil, err
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "booking.db"))
	if err != nil {
		return nil, err
	}
	e := &Env{PKIs: p, Sys: sim.NewSystem(Reader), store: st}
	ts := httptest.NewServer(nil)
	quiet := slog.New(slog.DiscardHandler)
	v := &verifier.Verifier{Roots: p.Roots, Revocation: []verify.RevocationChecker{p.CRL}, Logger: quiet}
	svc, err := booking.NewService(booking.Config{Store: st, Verifier: verdictHook{v, e}, ServiceID: ts.URL, ServiceName: "施設予約システム",
		AllowOnePIN: true, Logger: quiet})
	if err != nil {
		ts.Close()
		st.Close()
		return nil, err
	}
	api := server.New(svc, server.Options{BaseURL: ts.URL, Logger: quiet})
	ts.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if e.Down.Load() && strings.HasPrefix(r.URL.Path, "/api/") {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		api.ServeHTTP(w, r)
	})
	e.Server = ts
	e.svc = svc
	if e.Page, err = e.NewClient(ts.URL); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

type verdictHook struct {
	booking.Verifier
	e *Env
}

// Verify answers "could not check" when Env.Other is set.
func (v verdictHook) Verify(ctx context.Context, req booking.VerifyRequest) (booking.Verdict, error) {
	if v.e.Other.Load() {
		return booking.Verdict{Outcome: booking.OutcomeOther, Code: "30"}, nil
	}
	return v.Verifier.Verify(ctx, req)
}

// Close stops the server and the store.
func (e *Env) Close() {
	e.Server.Close()
	e.store.Close()
}

// NewClient is a booking client with short retries, as the app's
// NewClient dependency.
func (e *Env) NewClient(service string) (*client.Client, error) {
	cl, err := client.New(service, nil)
	if err != nil {
		return nil, err
	}
	cl.MaxAttempts, cl.Backoff, cl.MaxBackoff = 2, time.Millisecond, time.Millisecond
	return cl, nil
}

// Card makes a virtual card holding holder's data and the keys and
// certificates of p, with tries left per PIN (nil: all at maximum).
func Card(holder jpkitest.Holder, p *jpkitest.PKI, tries map[card.PIN]int) (*sim.Card, error) {
	prof := sim.NewProfile(holder, p)
	prof.TriesLeft = tries
	return sim.NewCard(prof)
}

// Insert puts a card into the test reader.
func (e *Env) Insert(c *sim.Card, f sim.Faults) { e.Sys.Insert(Reader, c, f) }

// Source is the card side over the environment's readers.
func (e *Env) Source() *resident.SystemCard {
	return &resident.SystemCard{Open: func() (card.System, error) { return e.Sys, nil }, Logger: slog.New(slog.DiscardHandler)}
}

// Session creates a session as the registration page does and returns its
// reference and page token.
func (e *Env) Session(ctx context.Context, mode booking.Mode) (booking.Ref, string, error) {
	cr, err := e.Page.Create(ctx, mode)
	if err != nil {
		return booking.Ref{}, "", err
	}
	ref, err := booking.ParseRef(cr.Link, "")
	return ref, cr.PageToken, err
}

// Peek returns the session as its claimant would see it, read from the
// store: tests check where a session is without the app's claim token.
func (e *Env) Peek(ctx context.Context, code booking.Code) (booking.SessionInfo, error) {
	sess, err := e.store.Get(ctx, code)
	if err != nil {
		return booking.SessionInfo{}, err
	}
	return e.svc.ClaimView(sess), nil
}

// ErrNeverRead is returned by Confirm when step 1 never arrived.
var ErrNeverRead = errors.New("testenv: step 1 never arrived")

// Confirm plays the resident on the page: once the attributes are in (or
// at once for one-PIN), 【情報を反映する】【確認】【マイナンバーカードの確認へ】.
func (e *Env) Confirm(ctx context.Context, ref booking.Ref, token string) error {
	for {
		pv, err := e.Page.PageView(ctx, ref.Code, token)
		if err == nil && (pv.Attributes != nil || pv.Mode == booking.ModeOnePIN) {
			_, err = e.Page.Confirm(ctx, ref.Code, token, "tarou1234567")
			return err
		}
		select {
		case <-ctx.Done():
			return ErrNeverRead
		case <-time.After(5 * time.Millisecond):
		}
	}
}
