// Command mynactl reads and diagnoses My Number Cards from the command line,
// for support staff, counter kiosks and scripts. It has no GUI dependencies.
//
// Exit status:
//
//	0  success
//	1  an internal or unexpected error
//	2  usage error (unknown command or flag)
//	3  reader-level problem: no reader, service not running, no card,
//	   several cards, reader busy or not found (codes R01–R06)
//	4  card read failure (codes 13100, 13500, 13600, 13601, 13999)
//	5  PIN problem: wrong shape, wrong PIN, blocked, last try not confirmed (P01–P06)
//	6  cancelled (C01)
//
// Commands added by other files (verify, submit) document their own statuses.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/card/pcsc"
	"github.com/mynadesk/mynadesk/internal/config"
	"github.com/mynadesk/mynadesk/problem"
)

// Version is stamped at build time (-ldflags "-X main.Version=…").
var Version = "dev"

// Exit statuses (see the package comment); package problem gives each
// catalogue code its status.
const (
	exitOK        = problem.ExitOK
	exitError     = problem.ExitError
	exitUsage     = problem.ExitUsage
	exitReader    = problem.ExitReader
	exitCard      = problem.ExitCard
	exitPIN       = problem.ExitPIN
	exitCancelled = problem.ExitCancelled
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// command is one subcommand. Files register theirs in init.
type command struct {
	name    string
	summary string
	// run parses its own flags from fs (common flags are already bound) and
	// does the work. A returned error is printed through the catalogue.
	run func(ctx context.Context, e *env, fs *pflag.FlagSet, args []string) error
}

var commands = map[string]command{}

func register(c command) { commands[c.name] = c }

// envPrefix starts mynactl's environment variables (MYNADESK_READER, …),
// shared with the desktop app.
const envPrefix = "MYNADESK"

// options are the settings mynactl shares with the desktop app: defaults,
// then MYNADESK_* environment variables, then flags (internal/config). A
// new one is one tagged field. Flags that only shape one invocation
// (--json, --pin-stdin, --allow-last-try, --trace, -v) are not settings and
// have no environment variable.
type options struct {
	Reader  string        `config:"reader" usage:"use this reader (default: the one with a card)"`
	Lang    assets.Lang   `config:"lang" usage:"language of messages: ja or en"`
	Timeout time.Duration `config:"timeout" usage:"give up on the card after this long"`
	// Service is the booking service for a typed code (submit only).
	Service string `config:"service" flag:"-"`
}

var defaultOptions = options{Lang: assets.JA, Timeout: 2 * time.Minute}

// env is what a command may use: the streams, the common flags and the way
// to reach the PC/SC service (replaced in tests).
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	json           bool
	reader         string
	pinStdin       bool
	allowLastTry   bool
	lang           assets.Lang
	timeout        time.Duration
	verbose        bool
	showTrace      bool
	log            *slog.Logger
	trace          *card.Trace
	now            func() time.Time
	openSystem     func() (card.System, error)
	pinLine        *lineReader
	config         options
}

// exitError carries a specific exit status for errors that are not card errors.
type exitCodeError struct {
	code  int
	err   error
	quiet bool // already reported on stdout; only the exit status is left
}

func (e *exitCodeError) Error() string { return e.err.Error() }
func (e *exitCodeError) Unwrap() error { return e.err }

func usageErr(format string, a ...any) error {
	return &exitCodeError{code: exitUsage, err: fmt.Errorf(format, a...)}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runWith(ctx, args, stdin, stdout, stderr, func() (card.System, error) { return pcsc.Open() })
}

func runWith(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, open func() (card.System, error)) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	if args[0] == "version" || args[0] == "--version" {
		fmt.Fprintln(stdout, "mynactl", Version)
		return exitOK
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "mynactl: unknown command %q\n", args[0])
		usage(stderr)
		return exitUsage
	}
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, openSystem: open, now: time.Now, trace: &card.Trace{},
		config: defaultOptions}
	fs := config.NewFlagSet("mynactl " + cmd.name)
	fs.SetOutput(stderr)
	fs.BoolVar(&e.json, "json", false, "print JSON")
	fs.BoolVar(&e.pinStdin, "pin-stdin", false, "read the PIN from one line of standard input")
	fs.BoolVar(&e.allowLastTry, "allow-last-try", false, "with --pin-stdin, allow using a PIN's last try")
	config.Flags(fs, &e.config)
	fs.BoolVarP(&e.verbose, "verbose", "v", false, "log to stderr (no PINs, no personal data)")
	fs.BoolVar(&e.showTrace, "trace", false, "print the APDU trace to stderr afterwards (PIN data redacted)")
	e.lang = assets.JA
	// Messages of a usage error before parsing come in the language of
	// the environment.
	if o := defaultOptions; func() bool { _, err := config.Load(&o, nil, envPrefix, nil); return err == nil }() && o.Lang == assets.EN {
		e.lang = assets.EN
	}
	e.log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	err := cmd.run(ctx, e, fs, args[1:])
	if e.showTrace {
		e.writeTrace()
	}
	if errors.Is(err, pflag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return e.fail(err)
	}
	return exitOK
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: mynactl <command> [flags]")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\ncommon flags: --reader NAME, --json, --pin-stdin, --allow-last-try, --lang ja|en, --timeout D, --trace, -v")
	fmt.Fprintln(w, "run 'mynactl <command> -h' for a command's flags")
}

// parse parses a command's flags and checks the positional argument count.
func (e *env) parse(fs *pflag.FlagSet, args []string, minPos, maxPos int) ([]string, error) {
	// Flags may come after positional arguments (`cert sign --pin-stdin`).
	if err := config.Parse(fs, args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil, err
		}
		return nil, &exitCodeError{code: exitUsage, err: err}
	}
	pos := fs.Args()
	if _, err := config.Load(&e.config, nil, envPrefix, fs); err != nil {
		return nil, &exitCodeError{code: exitUsage, err: err}
	}
	e.reader, e.timeout = e.config.Reader, e.config.Timeout
	if e.verbose {
		e.log = slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if l := assets.Lang(strings.ToLower(string(e.config.Lang))); l == assets.EN || l == assets.JA {
		e.lang = l
	} else {
		return nil, usageErr("--lang must be ja or en")
	}
	if len(pos) < minPos || len(pos) > maxPos {
		return nil, usageErr("%s: wrong number of arguments (%d)", fs.Name(), len(pos))
	}
	return pos, nil
}

// cardCtx bounds a card operation by --timeout.
func (e *env) cardCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, e.timeout)
}

// openCard connects to the chosen reader's card. The caller closes both.
func (e *env) openCard(ctx context.Context) (card.System, *card.Card, card.ReaderState, error) {
	sys, err := e.openSystem()
	if err != nil {
		return nil, nil, card.ReaderState{}, err
	}
	c, r, err := card.Open(ctx, sys, e.reader, card.Options{Trace: e.trace, Logger: e.log})
	if err != nil {
		sys.Close()
		return nil, nil, r, err
	}
	return sys, c, r, nil
}

// withCard runs fn on the chosen card and releases everything after.
func (e *env) withCard(ctx context.Context, fn func(ctx context.Context, c *card.Card, r card.ReaderState) error) error {
	ctx, cancel := e.cardCtx(ctx)
	defer cancel()
	sys, c, r, err := e.openCard(ctx)
	if err != nil {
		return err
	}
	defer sys.Close()
	defer c.Close()
	return fn(ctx, c, r)
}
