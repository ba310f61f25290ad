// Command bookingd is the reference booking-service endpoint: the session
// protocol for mynadesk, the account registration page, and the signature
// check through package verify.
//
//	bookingd --listen 127.0.0.1:8080 [--db sqlite:PATH|postgres://…] --roots FILE… [--crl FILE…] [--ocsp URL]
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
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/mynadesk/mynadesk/booking"
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
	Listen          string        `config:"listen" usage:"address to listen on"`
	DB              string        `config:"db" usage:"session store: sqlite:PATH or postgres://…"`
	Roots           []string      `config:"roots" usage:"trust roots: PEM/DER files of the JPKI signing CAs"`
	RootsMode       string        `config:"roots-mode" usage:"production (J-LIS roots, production policy) or test (test cards, virtual card)"`
	CRL             []string      `config:"crl" usage:"CRL files of the signing CAs"`
	OCSP            string        `config:"ocsp" usage:"OCSP responder URL (asked before the CRL)"`
	BaseURL         string        `config:"base-url" usage:"public base URL of this service (default http://LISTEN)"`
	ServiceID       string        `config:"service-id" usage:"the service's identity in the content to sign (default the base URL)"`
	ServiceName     string        `config:"service-name" usage:"the service's name shown by mynadesk"`
	AllowOnePIN     bool          `config:"allow-one-pin" usage:"offer the one-PIN variant (attributes from the certificate)"`
	TTL             time.Duration `config:"ttl" usage:"session lifetime"`
	CreatePerMinute float64       `config:"create-per-minute" usage:"sessions one client address may create per minute"`
	Keep            time.Duration `config:"keep" usage:"how long expired sessions are kept before deletion"`
	ShutdownGrace   time.Duration `config:"shutdown-grace" usage:"time accepted requests get to finish on shutdown"`
	TLSCert         string        `config:"tls-cert" usage:"TLS certificate file (serve HTTPS)"`
	TLSKey          string        `config:"tls-key" usage:"TLS key file"`
	LogLevel        string        `config:"log-level" usage:"debug, info, warn or error"`
}

// defaultOptions are bookingd's defaults.
var defaultOptions = options{Listen: "127.0.0.1:8080", DB: "sqlite:bookingd.db", RootsMode: "production",
	ServiceName: "施設予約システム", TTL: booking.DefaultTTL, CreatePerMinute: 60, Keep: 24 * time.Hour,
	ShutdownGrace: 30 * time.Second, LogLevel: "info"}

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
	return &c, nil
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
	if len(c.CRL) > 0 {
		idx := verify.NewCRLIndex(roots)
		for _, f := range c.CRL {
			info, err := idx.AddFile(f)
			if err != nil {
				return err
			}
			log.Info("CRL loaded", "file", f, "info", fmt.Sprintf("%+v", info))
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
	api := server.New(svc, server.Options{BaseURL: base, Logger: log,
		CreatePerMinute: c.CreatePerMinute, CreateBurst: max(int(c.CreatePerMinute/2), 1)})
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

// janitor deletes sessions expired for longer than keep, once a minute.
func janitor(ctx context.Context, svc *booking.Service, keep time.Duration, log *slog.Logger) {
	t := time.NewTicker(time.Minute)
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
