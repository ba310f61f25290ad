// Package server is the HTTP layer of the booking protocol, version 1:
// JSON over HTTPS on Go's ServeMux patterns, one table from domain error
// codes to HTTP statuses, request size limits, a rate limit on guessing
// session codes, health and metrics endpoints.
package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/booking/internal/httpjson"
)

// UpgradeMessage is what a mynadesk of an older protocol version is told.
const UpgradeMessage = "mynadeskを更新してください。この予約サイトには新しいバージョンのmynadeskが必要です。(Please update mynadesk: this booking site needs a newer version.)"

// MaxBody is the largest request body accepted. A signing certificate is
// about 2 KB and a CMS about 3 KB, so 64 KiB leaves room without letting a
// client make the service buffer megabytes.
const MaxBody = 64 << 10

// statusOf is the one table from domain error codes to HTTP statuses.
var statusOf = map[booking.ErrorCode]int{
	booking.ECInvalid:         http.StatusBadRequest,
	booking.ECBadSignature:    http.StatusBadRequest,
	booking.ECUnauthorized:    http.StatusUnauthorized,
	booking.ECModeNotAllowed:  http.StatusForbidden,
	booking.ECNotFound:        http.StatusNotFound,
	booking.ECStepDone:        http.StatusConflict,
	booking.ECOutOfOrder:      http.StatusConflict,
	booking.ECNotReady:        http.StatusConflict,
	booking.ECExpired:         http.StatusGone,
	booking.ECTooLarge:        http.StatusRequestEntityTooLarge,
	booking.ECMediaType:       http.StatusUnsupportedMediaType,
	booking.ECMethod:          http.StatusMethodNotAllowed,
	booking.ECContentMismatch: http.StatusUnprocessableEntity,
	booking.ECUntrustedSigner: http.StatusUnprocessableEntity,
	booking.ECNotClaimant:     http.StatusForbidden,
	booking.ECClaimed:         http.StatusConflict,
	booking.ECUpgrade:         http.StatusUpgradeRequired,
	booking.ECRateLimited:     http.StatusTooManyRequests,
	booking.ECInternal:        http.StatusInternalServerError,
	booking.ECUnavailable:     http.StatusServiceUnavailable,
}

// StatusOf returns the HTTP status for a domain error code.
func StatusOf(c booking.ErrorCode) int {
	if s, ok := statusOf[c]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Options configure a Server.
type Options struct {
	// BaseURL is the service's public base URL, for the session URL and
	// the mynadesk:// link.
	BaseURL string
	// GuessPerMinute bounds the unknown session codes one client address
	// may look up per minute (default 10), GuessGlobalPerMinute those of
	// the whole service (default 120): counted in the store, so shared by
	// every instance on it. PROTOCOL.md gives the arithmetic.
	GuessPerMinute       int
	GuessGlobalPerMinute int
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client; without them every client behind a proxy would share
	// the proxy's budget.
	TrustedProxies []netip.Prefix
	// Health, if set, is asked by /readyz and adds to /metrics (the
	// revocation data's age).
	Health Health
	// CreateBurst and CreatePerMinute bound the sessions one client address
	// may create (defaults 30 and 60), so a script cannot fill the store.
	CreateBurst     int
	CreatePerMinute float64
	Logger          *slog.Logger
}

// Health is a part of the service that can make it not ready.
type Health interface {
	// Ready returns why the service should not take traffic, or nil.
	Ready() error
	// WriteMetrics writes Prometheus text lines.
	WriteMetrics(w io.Writer)
}

// Server serves the protocol.
type Server struct {
	svc     *booking.Service
	opts    Options
	log     *slog.Logger
	mux     *http.ServeMux
	guesses *guessGuard
	creates *limiter
	// Metrics counts requests and results for /metrics.
	Metrics  *Metrics
	draining atomic.Bool
}

// New returns a Server for svc.
func New(svc *booking.Service, opts Options) *Server {
	if opts.GuessPerMinute <= 0 {
		opts.GuessPerMinute = DefaultGuessPerMinute
	}
	if opts.GuessGlobalPerMinute <= 0 {
		opts.GuessGlobalPerMinute = DefaultGuessGlobalPerMinute
	}
	if opts.CreateBurst <= 0 {
		opts.CreateBurst = 30
	}
	if opts.CreatePerMinute <= 0 {
		opts.CreatePerMinute = 60
	}
	l := opts.Logger
	if l == nil {
		l = slog.Default()
	}
	s := &Server{svc: svc, opts: opts, log: l, mux: http.NewServeMux(),
		guesses: newGuessGuard(svc, opts.GuessPerMinute, opts.GuessGlobalPerMinute),
		creates: newLimiter(opts.CreateBurst, opts.CreatePerMinute/60), Metrics: newMetrics()}
	s.route("POST /api/v2/sessions", s.create)
	s.route("POST /api/v2/sessions/{code}/claim", s.claim)
	s.route("GET /api/v2/sessions/{code}", s.info)
	s.route("POST /api/v2/sessions/{code}/attributes", s.attributes)
	s.route("GET /api/v2/sessions/{code}/content", s.content)
	s.route("POST /api/v2/sessions/{code}/signature", s.signature)
	s.route("GET /api/v2/sessions/{code}/page", s.page)
	s.route("POST /api/v2/sessions/{code}/confirm", s.confirm)
	s.route("POST /api/v2/sessions/{code}/claim/confirm", s.confirmClaim)
	s.route("POST /api/v2/sessions/{code}/release", s.release)
	// A mynadesk of protocol version 1 would use the code alone: it is
	// told to update, in the words it shows as the detail.
	s.route("/api/v1/", func(w http.ResponseWriter, r *http.Request) error {
		return booking.Errorf(booking.ECUpgrade, "%s", UpgradeMessage)
	})
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		httpjson.Write(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	s.mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if s.draining.Load() {
			httpjson.Write(w, http.StatusServiceUnavailable, map[string]string{"status": "draining"})
			return
		}
		if s.opts.Health != nil {
			if err := s.opts.Health.Ready(); err != nil {
				httpjson.Write(w, http.StatusServiceUnavailable, map[string]string{"status": "not_ready", "reason": err.Error()})
				return
			}
		}
		httpjson.Write(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	s.Metrics.health = opts.Health
	s.mux.Handle("GET /metrics", s.Metrics)
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		// The catch-all hides ServeMux's own 405; tell one apart here so
		// the answer is JSON either way.
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			r2 := r.Clone(r.Context())
			r2.Method = m
			if _, p := s.mux.Handler(r2); p != "/api/" {
				w.Header().Set("Allow", m)
				s.fail(w, r, booking.Errorf(booking.ECMethod, "method %s not allowed here", r.Method))
				return
			}
		}
		s.fail(w, r, booking.Errorf(booking.ECNotFound, "no such endpoint"))
	})
	return s
}

// Handle adds a handler (the registration page) to the server's mux, so it
// shares the limits, recovery and metrics.
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// Service returns the domain service.
func (s *Server) Service() *booking.Service { return s.svc }

// Drain makes /readyz answer 503 so a load balancer stops sending new
// requests while http.Server.Shutdown lets accepted ones finish.
func (s *Server) Drain() { s.draining.Store(true) }

// ServeHTTP implements http.Handler: recovery, metrics, then the mux.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	s.Metrics.inflight.Add(1)
	defer func() {
		s.Metrics.inflight.Add(-1)
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("booking: panic in handler", "path", r.URL.Path, "panic", fmt.Sprint(v))
			if !rw.wrote {
				writeError(rw, booking.ECInternal, "internal error")
			}
		}
		_, pattern := s.mux.Handler(r)
		s.Metrics.observe(pattern, rw.status, time.Since(start))
	}()
	r.Body = http.MaxBytesReader(rw, r.Body, MaxBody)
	s.mux.ServeHTTP(rw, r)
}

func (s *Server) route(pattern string, h func(http.ResponseWriter, *http.Request) error) {
	// Every answer, error or not, goes out through httpjson.Write, which
	// marks it no-store.
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := booking.CodeOf(err)
	msg := "internal error"
	var e *booking.Error
	if errors.As(err, &e) {
		msg = e.Message
	}
	if code == booking.ECInternal || code == booking.ECUnavailable {
		// The route pattern, not the path: the path holds the session code.
		_, route := s.mux.Handler(r)
		s.log.Error("booking: request failed", "method", r.Method, "route", route, "err", err)
	}
	if code == booking.ECRateLimited {
		w.Header().Set("Retry-After", "60")
	}
	writeError(w, code, msg)
}

func writeError(w http.ResponseWriter, code booking.ErrorCode, msg string) {
	var b booking.ErrorBody
	b.Error.Code, b.Error.Message = code, msg
	httpjson.Write(w, StatusOf(code), b)
}

// decode reads one JSON object of type T from a body of the right type and
// size, refusing unknown fields and trailing data.
func decode(r *http.Request, v any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return booking.Errorf(booking.ECMediaType, "Content-Type must be application/json")
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return booking.Errorf(booking.ECTooLarge, "request body larger than %d bytes", MaxBody)
		}
		return booking.Errorf(booking.ECInvalid, "could not read the body")
	}
	// encoding/json would quietly turn invalid UTF-8 into U+FFFD, storing
	// a name the card never held.
	if !utf8.Valid(body) {
		return booking.Errorf(booking.ECInvalid, "the body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return booking.Errorf(booking.ECInvalid, "malformed JSON body")
	}
	if _, err := dec.Token(); err != io.EOF {
		return booking.Errorf(booking.ECInvalid, "trailing data after the JSON body")
	}
	return nil
}

// Default guess budgets (PROTOCOL.md, "Guessing").
const (
	DefaultGuessPerMinute       = 10
	DefaultGuessGlobalPerMinute = 120
)

// code parses {code} and applies the guess budget: a client over its
// budget, or any client once the service's budget is spent, is refused
// before the store is asked. A malformed code is refused without counting:
// it can never match a session.
func (s *Server) code(r *http.Request) (booking.Code, error) {
	return s.codeProven(r, bearer(r) != "")
}

func (s *Server) codeProven(r *http.Request, proven bool) (booking.Code, error) {
	if !s.guesses.allowed(s.clientKey(r), proven) {
		s.Metrics.rateLimited.Add(1)
		return "", booking.Errorf(booking.ECRateLimited, "too many unknown session codes; wait a minute")
	}
	c, err := booking.ParseCode(r.PathValue("code"))
	if err != nil {
		return "", booking.Errorf(booking.ECInvalid, "invalid session code")
	}
	return c, nil
}

// counted passes err on, counting an unknown code against the budgets; a
// miss past a budget is answered as rate limited.
func (s *Server) counted(r *http.Request, err error) error {
	if c := booking.CodeOf(err); c == booking.ECNotClaimant && s.guesses.over() {
		// While the service's budget is spent, a wrong secret must not
		// tell a live code from an unknown one.
		s.Metrics.rateLimited.Add(1)
		return booking.Errorf(booking.ECRateLimited, "too many unknown session codes; wait a minute")
	} else if c != booking.ECNotFound {
		return err
	}
	within, cerr := s.guesses.miss(r.Context(), s.clientKey(r))
	if cerr != nil {
		return cerr
	}
	if !within {
		s.Metrics.rateLimited.Add(1)
		return booking.Errorf(booking.ECRateLimited, "too many unknown session codes; wait a minute")
	}
	return err
}

// AllowCreate spends one of the client's session creations and reports
// whether it had one left. The registration page calls it too.
func (s *Server) AllowCreate(r *http.Request) bool {
	key := s.clientKey(r)
	if !s.creates.allowed(key) {
		s.Metrics.rateLimited.Add(1)
		return false
	}
	s.creates.miss(key)
	return true
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) error {
	if !s.AllowCreate(r) {
		return booking.Errorf(booking.ECRateLimited, "too many new sessions from this address; wait a minute")
	}
	var req booking.CreateRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if req.Mode == "" {
		req.Mode = booking.ModeTwoStep
	}
	sess, err := s.svc.Create(r.Context(), req.Mode)
	if err != nil {
		return err
	}
	s.Metrics.created.Add(1)
	httpjson.Write(w, http.StatusCreated, s.CreateResponse(sess))
	return nil
}

// CreateResponse is what the page learns of a new session.
func (s *Server) CreateResponse(sess *booking.Session) booking.CreateResponse {
	ref := booking.Ref{Service: strings.TrimRight(s.opts.BaseURL, "/"), Code: sess.Code, Secret: sess.LinkSecret}
	return booking.CreateResponse{Version: booking.Version, Code: sess.Code.Display(), URL: ref.URL(), Link: ref.Link(),
		LinkSecret: sess.LinkSecret, Mode: sess.Mode, ExpiresAt: sess.ExpiresAt, PageToken: sess.PageToken}
}

func (s *Server) claim(w http.ResponseWriter, r *http.Request) error {
	var req booking.ClaimRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	c, err := s.codeProven(r, req.LinkSecret != "")
	if err != nil {
		return err
	}
	sess, err := s.svc.Claim(r.Context(), c, req.Claim, req.LinkSecret)
	if err != nil {
		return s.counted(r, err)
	}
	httpjson.Write(w, http.StatusOK, s.svc.ClaimView(sess))
	return nil
}

func (s *Server) confirmClaim(w http.ResponseWriter, r *http.Request) error {
	c, err := s.code(r)
	if err != nil {
		return err
	}
	sess, err := s.svc.ConfirmClaim(r.Context(), c, bearer(r))
	if err != nil {
		return s.counted(r, err)
	}
	httpjson.Write(w, http.StatusOK, View(sess, s.svc.Now()))
	return nil
}

func (s *Server) release(w http.ResponseWriter, r *http.Request) error {
	c, err := s.code(r)
	if err != nil {
		return err
	}
	sess, err := s.svc.Release(r.Context(), c, bearer(r))
	if err != nil {
		return s.counted(r, err)
	}
	s.Metrics.created.Add(1)
	httpjson.Write(w, http.StatusCreated, s.CreateResponse(sess))
	return nil
}

func (s *Server) info(w http.ResponseWriter, r *http.Request) error {
	c, err := s.code(r)
	if err != nil {
		return err
	}
	in, err := s.svc.Info(r.Context(), c, bearer(r))
	if err != nil {
		return s.counted(r, err)
	}
	httpjson.Write(w, http.StatusOK, in)
	return nil
}

func (s *Server) attributes(w http.ResponseWriter, r *http.Request) error {
	c, err := s.code(r)
	if err != nil {
		return err
	}
	var a booking.Attributes
	if err := decode(r, &a); err != nil {
		return err
	}
	in, err := s.svc.PutAttributes(r.Context(), c, bearer(r), a)
	if err != nil {
		return s.counted(r, err)
	}
	httpjson.Write(w, http.StatusOK, in)
	return nil
}

func (s *Server) content(w http.ResponseWriter, r *http.Request) error {
	c, err := s.code(r)
	if err != nil {
		return err
	}
	// The claimant, or the page: nobody with the code alone.
	b, err := s.svc.GetContent(r.Context(), c, bearer(r))
	if booking.CodeOf(err) == booking.ECNotClaimant {
		if pb, perr := s.svc.PageContent(r.Context(), c, bearer(r)); perr == nil {
			b, err = pb, nil
		}
	}
	if err != nil {
		return s.counted(r, err)
	}
	httpjson.Write(w, http.StatusOK, booking.ContentResponse{ContentType: booking.ContentType, Content: b})
	return nil
}

func (s *Server) signature(w http.ResponseWriter, r *http.Request) error {
	c, err := s.code(r)
	if err != nil {
		return err
	}
	var req booking.SignatureRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	// The check must not be cut short by a client that goes away or by a
	// shutdown: once accepted, an upload is verified and stored.
	ctx := context.WithoutCancel(r.Context())
	res, err := s.svc.PutSignature(ctx, c, bearer(r), req.CMS)
	if err != nil {
		return s.counted(r, err)
	}
	s.Metrics.outcome(res.Outcome)
	httpjson.Write(w, http.StatusOK, booking.SignatureResponse{Result: *res})
	return nil
}

// bearer is the secret the request proves: the claim token (mynadesk) or
// the page token (the registration page).
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if t, ok := strings.CutPrefix(h, "Bearer "); ok {
		return strings.TrimSpace(t)
	}
	return ""
}

// View converts a session to what its page may see.
func View(sess *booking.Session, now time.Time) booking.PageView {
	return booking.PageView{Code: sess.Code.Display(), Mode: sess.Mode, State: sess.State, Expired: sess.Expired(now),
		LoginID: sess.LoginID, Attributes: sess.Attributes, Result: sess.Result, Claim: booking.ClaimOf(sess)}
}

func (s *Server) page(w http.ResponseWriter, r *http.Request) error {
	c, err := s.code(r)
	if err != nil {
		return err
	}
	// The page's read of a finished session is the registration taking
	// the attributes: they are erased from the store as it answers.
	sess, err := s.svc.Take(r.Context(), c, bearer(r))
	if err != nil {
		return s.counted(r, err)
	}
	httpjson.Write(w, http.StatusOK, View(sess, s.svc.Now()))
	return nil
}

func (s *Server) confirm(w http.ResponseWriter, r *http.Request) error {
	c, err := s.code(r)
	if err != nil {
		return err
	}
	var req booking.ConfirmRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	sess, err := s.svc.Confirm(r.Context(), c, bearer(r), req.LoginID)
	if err != nil {
		return s.counted(r, err)
	}
	httpjson.Write(w, http.StatusOK, View(sess, s.svc.Now()))
	return nil
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
