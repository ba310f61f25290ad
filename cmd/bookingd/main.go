// Command bookingd is the reference booking-service endpoint: the session
// protocol for mynadesk, the account registration page, and the signature
// check through package verify.
//
//	bookingd --listen 127.0.0.1:8080 [--db sqlite:PATH|postgres://…] --roots FILE… [--crl FILE…] [--crl-url URL…] [--ocsp URL]
//	         [--tls-cert F --tls-key F | --behind-tls-proxy] [--trusted-proxy CIDR…]
//
// Every flag can also be set in a config file (--config, YAML/TOML/JSON) or
// the environment as MYNADESK_BOOKINGD_<FLAG> (dashes as underscores).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/booking/crlwatch"
	"github.com/mynadesk/mynadesk/booking/postgres"
	"github.com/mynadesk/mynadesk/booking/server"
	"github.com/mynadesk/mynadesk/booking/sqlite"
	"github.com/mynadesk/mynadesk/booking/verifier"
	"github.com/mynadesk/mynadesk/booking/web"
	"github.com/mynadesk/mynadesk/internal/config"
	"github.com/mynadesk/mynadesk/verify"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stderr))
}

// envPrefix starts bookingd's environment variables: MYNADESK_BOOKINGD_TTL
// for --ttl.
const envPrefix = "MYNADESK_BOOKINGD"

// options is bookingd's configuration: defaults (defaultOptions), then the
// file (--config, YAML, TOML or JSON), then MYNADESK_BOOKINGD_*, then flags.
// A new setting is one tagged field here (internal/config).
type options struct {
	Listen               string        `config:"listen" usage:"address to listen on"`
	DB                   string        `config:"db" usage:"session store: sqlite:PATH or postgres://…"`
	Roots                []string      `config:"roots" usage:"trust roots: PEM/DER files of the JPKI signing CAs"`
	RootsMode            string        `config:"roots-mode" usage:"production (J-LIS roots, production policy) or test (test cards, virtual card)"`
	CRL                  []string      `config:"crl" usage:"CRL files of the signing CAs (re-read when they change)"`
	CRLURL               []string      `config:"crl-url" usage:"URLs to fetch the signing CAs' CRLs from, before each nextUpdate"`
	CRLInterval          time.Duration `config:"crl-interval" usage:"how often CRL files are looked at for a new version"`
	OCSP                 string        `config:"ocsp" usage:"OCSP responder URL (asked before the CRL)"`
	BaseURL              string        `config:"base-url" usage:"public base URL of this service (default http://LISTEN)"`
	ServiceID            string        `config:"service-id" usage:"the service's identity in the content to sign (default the base URL)"`
	ServiceName          string        `config:"service-name" usage:"the service's name shown by mynadesk"`
	AllowOnePIN          bool          `config:"allow-one-pin" usage:"offer the one-PIN variant (attributes from the certificate)"`
	TTL                  time.Duration `config:"ttl" usage:"session lifetime"`
	CreatePerMinute      float64       `config:"create-per-minute" usage:"sessions one client address may create per minute"`
	GuessPerMinute       int           `config:"guess-per-minute" usage:"unknown session codes one client address may look up per minute"`
	GuessGlobalPerMinute int           `config:"guess-global-per-minute" usage:"unknown session codes the whole service answers per minute (shared by instances on one database)"`
	TrustedProxies       []string      `config:"trusted-proxy" usage:"addresses or CIDRs of reverse proxies whose X-Forwarded-For names the client"`
	Keep                 time.Duration `config:"keep" usage:"how long expired sessions (already without personal data) are kept before deletion"`
	ShutdownGrace        time.Duration `config:"shutdown-grace" usage:"time accepted requests get to finish on shutdown"`
	TLSCert              string        `config:"tls-cert" usage:"TLS certificate file (serve HTTPS)"`
	TLSKey               string        `config:"tls-key" usage:"TLS key file"`
	BehindTLSProxy       bool          `config:"behind-tls-proxy" usage:"a reverse proxy terminates TLS: serve plain http on a non-loopback address (needs an https --base-url)"`
	LogLevel             string        `config:"log-level" usage:"debug, info, warn or error"`
}

// defaultOptions are bookingd's defaults.
var defaultOptions = options{Listen: "127.0.0.1:8080", DB: "sqlite:bookingd.db", RootsMode: "production",
	ServiceName: "施設予約システム", TTL: booking.DefaultTTL, CreatePerMinute: 60, Keep: 15 * time.Minute,
	ShutdownGrace: 30 * time.Second, LogLevel: "info", CRLInterval: time.Minute,
	GuessPerMinute: server.DefaultGuessPerMinute, GuessGlobalPerMinute: server.DefaultGuessGlobalPerMinute}

func loadConfig(args []string, stderr io.Writer) (*options, error) {
	fs := config.NewFlagSet("bookingd")
	fs.SetOutput(stderr)
	fs.String("config", "", "config file (YAML, TOML or JSON)")
	c := defaultOptions
	config.Flags(fs, &c)
	if err := config.Parse(fs, args); err != nil {
		return nil, err
	}
	var file map[string]any
	if path := config.FilePath(fs, envPrefix, ""); path != "" {
		var err error
		if file, err = config.ReadFile(path); err != nil {
			return nil, fmt.Errorf("config file: %w", err)
		}
	}
	if _, err := config.Load(&c, file, envPrefix, fs); err != nil {
		return nil, err
	}
	if len(c.Roots) == 0 {
		return nil, errors.New("no trust roots: give --roots with the JPKI signing CA certificates")
	}
	if err := c.checkTLS(); err != nil {
		return nil, err
	}
	return &c, nil
}

// checkTLS refuses plain http on an address others can reach: residents'
// session traffic must be TLS from their mynadesk to whoever terminates it.
func (c *options) checkTLS() error {
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return errors.New("--tls-cert and --tls-key go together")
	}
	if c.TLSCert != "" {
		if c.BehindTLSProxy {
			return errors.New("--behind-tls-proxy and --tls-cert exclude each other")
		}
		return nil
	}
	if c.BehindTLSProxy {
		if !strings.HasPrefix(strings.ToLower(c.BaseURL), "https://") {
			return errors.New("--behind-tls-proxy needs --base-url https://… (the address residents reach through the proxy)")
		}
		return nil
	}
	host, _, err := net.SplitHostPort(c.Listen)
	if err != nil {
		return fmt.Errorf("--listen %q: %w", c.Listen, err)
	}
	if !booking.IsLoopback(host) {
		return fmt.Errorf("refusing to serve plain http on %s, which is not a loopback address: give --tls-cert and --tls-key, "+
			"or --behind-tls-proxy if a reverse proxy in front terminates TLS", c.Listen)
	}
	if strings.HasPrefix(strings.ToLower(c.BaseURL), "https://") {
		return errors.New("--base-url is https:// but bookingd has no certificate: give --tls-cert and --tls-key, " +
			"or --behind-tls-proxy if a reverse proxy in front terminates TLS")
	}
	return nil
}

func parseProxies(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("--trusted-proxy %q: want an address or a CIDR", s)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

func openStore(ctx context.Context, db string) (booking.Store, error) {
	switch {
	case strings.HasPrefix(db, "sqlite:"):
		return sqlite.Open(ctx, strings.TrimPrefix(db, "sqlite:"))
	case strings.HasPrefix(db, "postgres://"), strings.HasPrefix(db, "postgresql://"):
		return postgres.Open(ctx, db)
	}
	return nil, fmt.Errorf("--db %q: want sqlite:PATH or postgres://…", db)
}

func run(ctx context.Context, args []string, stderr io.Writer) int {
	c, err := loadConfig(args, stderr)
	if errors.Is(err, pflag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "bookingd: %v\n", err)
		return 2
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		fmt.Fprintf(stderr, "bookingd: --log-level: %v\n", err)
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	if err := serve(ctx, c, log); err != nil {
		fmt.Fprintf(stderr, "bookingd: %v\n", err)
		return 1
	}
	return 0
}

func serve(ctx context.Context, c *options, log *slog.Logger) error {
	mode := verify.Production
	switch c.RootsMode {
	case "production":
	case "test":
		mode = verify.Test
	default:
		return fmt.Errorf("--roots-mode %q: want production or test", c.RootsMode)
	}
	roots, err := verify.LoadRoots(mode, c.Roots...)
	if err != nil {
		return err
	}
	var checkers []verify.RevocationChecker
	if c.OCSP != "" {
		checkers = append(checkers, &verify.OCSPChecker{URL: c.OCSP})
	}
	var watcher *crlwatch.Watcher
	if len(c.CRL)+len(c.CRLURL) > 0 {
		idx := verify.NewCRLIndex(roots)
		watcher = &crlwatch.Watcher{Index: idx, Files: c.CRL, URLs: c.CRLURL, Interval: c.CRLInterval, Logger: log}
		if err := watcher.Load(ctx); err != nil {
			return err
		}
		checkers = append(checkers, idx)
	}
	if len(checkers) == 0 {
		log.Warn("no --crl or --ocsp: every signature check will fail with Code 30 (revocation not checked)")
	}

	ln, err := net.Listen("tcp", c.Listen)
	if err != nil {
		return err
	}
	defer ln.Close()
	scheme := "http"
	if c.TLSCert != "" {
		scheme = "https"
	}
	base := c.BaseURL
	if base == "" {
		base = scheme + "://" + ln.Addr().String()
	}
	if base, err = booking.ServiceURL(base); err != nil {
		return err
	}
	if c.ServiceID == "" {
		c.ServiceID = base
	}

	store, err := openStore(ctx, c.DB)
	if err != nil {
		return err
	}
	defer store.Close()
	svc, err := booking.NewService(booking.Config{Store: store,
		Verifier:  &verifier.Verifier{Roots: roots, Revocation: checkers, Logger: log},
		ServiceID: c.ServiceID, ServiceName: c.ServiceName, AllowOnePIN: c.AllowOnePIN, TTL: c.TTL, Logger: log})
	if err != nil {
		return err
	}
	proxies, err := parseProxies(c.TrustedProxies)
	if err != nil {
		return err
	}
	opts := server.Options{BaseURL: base, Logger: log, CreatePerMinute: c.CreatePerMinute,
		CreateBurst: max(int(c.CreatePerMinute/2), 1), GuessPerMinute: c.GuessPerMinute,
		GuessGlobalPerMinute: c.GuessGlobalPerMinute, TrustedProxies: proxies}
	if watcher != nil {
		opts.Health = watcher
		go watcher.Run(ctx)
	}
	api := server.New(svc, opts)
	page := web.New(svc, base, log)
	page.AllowCreate = api.AllowCreate
	page.Register(api)

	hs := &http.Server{
		Handler:           api,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		// Long enough for an OCSP round trip inside a signature upload.
		WriteTimeout:   60 * time.Second,
		IdleTimeout:    90 * time.Second,
		MaxHeaderBytes: 16 << 10,
		ErrorLog:       slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	go janitor(ctx, svc, c.Keep, log)

	errc := make(chan error, 1)
	go func() {
		if c.TLSCert != "" {
			errc <- hs.ServeTLS(ln, c.TLSCert, c.TLSKey)
		} else {
			errc <- hs.Serve(ln)
		}
	}()
	log.Info("bookingd listening", "addr", ln.Addr().String(), "base_url", base, "db", strings.SplitN(c.DB, ":", 2)[0],
		"roots_mode", mode.String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Stop taking new work, let accepted uploads finish and be stored.
	log.Info("bookingd shutting down")
	api.Drain()
	sctx, cancel := context.WithTimeout(context.Background(), c.ShutdownGrace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("bookingd stopped")
	return nil
}

// janitor erases the personal data of expired sessions and deletes those
// expired for longer than keep, every 15 seconds: expiry is the latest
// moment attributes stay in the store.
func janitor(ctx context.Context, svc *booking.Service, keep time.Duration, log *slog.Logger) {
	t := time.NewTicker(15 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := svc.Cleanup(ctx, keep); err != nil {
				log.Warn("cleanup", "err", err)
			} else if n > 0 {
				log.Info("cleanup", "deleted", n)
			}
		}
	}
}
