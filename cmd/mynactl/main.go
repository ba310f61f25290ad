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
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/card/pcsc"
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
	run func(ctx context.Context, e *env, fs *flag.FlagSet, args []string) error
}

var commands = map[string]command{}

func register(c command) { commands[c.name] = c }

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
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, openSystem: open, now: time.Now, trace: &card.Trace{}}
	fs := flag.NewFlagSet("mynactl "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&e.json, "json", false, "print JSON")
	fs.StringVar(&e.reader, "reader", os.Getenv("MYNADESK_READER"), "use this reader (default: the one with a card)")
	fs.BoolVar(&e.pinStdin, "pin-stdin", false, "read the PIN from one line of standard input")
	fs.BoolVar(&e.allowLastTry, "allow-last-try", false, "with --pin-stdin, allow using a PIN's last try")
	fs.String("lang", envOr("MYNADESK_LANG", "ja"), "language of messages: ja or en")
	fs.DurationVar(&e.timeout, "timeout", 2*time.Minute, "give up on the card after this long")
	fs.BoolVar(&e.verbose, "v", false, "log to stderr (no PINs, no personal data)")
	fs.BoolVar(&e.showTrace, "trace", false, "print the APDU trace to stderr afterwards (PIN data redacted)")
	e.lang = assets.JA
	if l := assets.Lang(os.Getenv("MYNADESK_LANG")); l == assets.EN {
		e.lang = l
	}
	e.log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	err := cmd.run(ctx, e, fs, args[1:])
	if e.showTrace {
		e.writeTrace()
	}
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return e.fail(err)
	}
	return exitOK
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
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
func (e *env) parse(fs *flag.FlagSet, args []string, minPos, maxPos int) ([]string, error) {
	// Flags may come after positional arguments (`cert sign --pin-stdin`).
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &exitCodeError{code: exitUsage, err: err}
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if e.verbose {
		e.log = slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if l := assets.Lang(strings.ToLower(fs.Lookup("lang").Value.String())); l == assets.EN || l == assets.JA {
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
