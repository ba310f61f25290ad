// Command mynasim is a virtual My Number Card for development and tests. It
// writes a card directory (keys, certificates, test CA and CRL, holder data,
// PINs, counters) and plugs the card into the real PC/SC stack through
// vsmartcard's vpcd reader driver, so every PC/SC program sees it in reader
// "Virtual PCD 00 00" (port 35963) or "Virtual PCD 00 01" (port 35964).
//
//	mynasim init --dir DIR [--name ... --address ... --birth YYYYMMDD --sex 1|2|9]
//	             [--helper-pin 1234 --auth-pin 1234 --sign-pin ABC123]
//	             [--expired] [--revoked [--reason N]] [--token card|juki|smartphone]
//	             [--extended accept|reject|claim-only] [--response direct|61xx|6cxx] [--force]
//	mynasim serve --card DIR [--addr 127.0.0.1:35963] [--apdu-latency D] [--sign-latency D]
//	             [--remove-after N] [--mute-after N] [--mute-timeout D] [--garble-after N] [--verbose]
//	mynasim status --card DIR
//
// Exit status: 0 success, 1 failure, 2 usage error.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/card/sim"
	"github.com/mynadesk/mynadesk/internal/config"
)

const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// cliError is a failure with hints for the person at the terminal.
type cliError struct {
	msg   string
	hints []string
	code  int
}

func (e *cliError) Error() string { return e.msg }

func usageError(msg string, hints ...string) error {
	return &cliError{msg: msg, hints: hints, code: exitUsage}
}

const usage = `usage:
  mynasim init --dir DIR [flags]     write a new virtual card
  mynasim serve --card DIR [flags]   plug the card into pcscd through vpcd
  mynasim status --card DIR          show the PIN counters
run "mynasim COMMAND -h" for the flags of a command`

// run is main without the process: testable, never exits.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return exitUsage
	}
	var err error
	switch args[0] {
	case "init":
		err = runInit(args[1:], stdout, stderr)
	case "serve":
		err = runServe(ctx, args[1:], stderr)
	case "status":
		err = runStatus(args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprintln(stdout, usage)
		return exitOK
	default:
		err = usageError(fmt.Sprintf("unknown command %q", args[0]), `commands are "init", "serve" and "status"`)
	}
	if err == nil {
		return exitOK
	}
	if errors.Is(err, pflag.ErrHelp) {
		return exitOK
	}
	var ce *cliError
	if !errors.As(err, &ce) {
		ce = &cliError{msg: err.Error(), code: exitError}
	}
	fmt.Fprintf(stderr, "mynasim: %s\n", ce.msg)
	for _, h := range ce.hints {
		fmt.Fprintf(stderr, "mynasim: hint: %s\n", h)
	}
	return ce.code
}

// parse registers the flags of the options o points to, parses args into
// them, and turns flag errors into usage errors.
func parse(fs *pflag.FlagSet, o any, args []string) error {
	config.Flags(fs, o)
	if err := config.Parse(fs, args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return err
		}
		return usageError(err.Error())
	}
	if fs.NArg() > 0 {
		return usageError(fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	}
	if _, err := config.Load(o, nil, "", fs); err != nil {
		return usageError(err.Error())
	}
	return nil
}

// initOptions are mynasim init's settings: flags only (internal/config; a
// new one is one tagged field).
type initOptions struct {
	Dir       string `config:"dir" usage:"card directory to create (required)"`
	Name      string `config:"name" usage:"holder name: family and given name separated by U+3000"`
	Address   string `config:"address" usage:"holder address"`
	Birth     string `config:"birth" usage:"birth date YYYYMMDD"`
	Sex       string `config:"sex" usage:"sex, ISO 5218: 1 male, 2 female, 9 not applicable"`
	HelperPIN string `config:"helper-pin" usage:"券面事項入力補助用暗証番号 (4 digits)"`
	AuthPIN   string `config:"auth-pin" usage:"利用者証明用暗証番号 (4 digits)"`
	SignPIN   string `config:"sign-pin" usage:"署名用パスワード (6–16 of A–Z, 0–9)"`
	Expired   bool   `config:"expired" usage:"make the signing certificate expired"`
	Revoked   bool   `config:"revoked" usage:"list the signing certificate in the CRL"`
	Reason    int    `config:"reason" usage:"CRL reason code with --revoked (1, 3, 4, 5, 6; 0 for none)"`
	Token     string `config:"token" usage:"token kind: card, juki or smartphone"`
	Extended  string `config:"extended" usage:"extended-length APDUs: accept, reject or claim-only"`
	Response  string `config:"response" usage:"response data: direct, 61xx (GET RESPONSE) or 6cxx (repeat with Le)"`
	Force     bool   `config:"force" usage:"replace an existing card in --dir"`
}

var defaultInit = initOptions{Name: sim.DefaultHolder.Name, Address: sim.DefaultHolder.Address,
	Birth: sim.DefaultHolder.Birth, Sex: sim.DefaultHolder.Sex, HelperPIN: sim.DefaultHelperPIN,
	AuthPIN: sim.DefaultAuthPIN, SignPIN: sim.DefaultSignPIN, Token: "card", Extended: "accept", Response: "direct"}

func runInit(args []string, stdout, stderr io.Writer) error {
	fs := config.NewFlagSet("mynasim init")
	fs.SetOutput(stderr)
	o := defaultInit
	if err := parse(fs, &o, args); err != nil {
		return err
	}
	if o.Dir == "" {
		return usageError("--dir is required", "mynasim init --dir ./testcard")
	}
	if o.Reason != 0 && !o.Revoked {
		return usageError("--reason needs --revoked")
	}
	if _, err := os.Stat(filepath.Join(o.Dir, sim.FileCard)); err == nil && !o.Force {
		return &cliError{msg: fmt.Sprintf("%s already holds a card", o.Dir), code: exitError,
			hints: []string{"add --force to replace it (its PIN counters are lost)"}}
	}
	tk, err := sim.ParseToken(o.Token)
	if err != nil {
		return usageError(err.Error())
	}
	ext, err := sim.ParseExtended(o.Extended)
	if err != nil {
		return usageError(err.Error())
	}
	resp, err := sim.ParseResponseMode(o.Response)
	if err != nil {
		return usageError(err.Error())
	}
	holder := sim.Holder{Name: o.Name, Address: o.Address, Birth: o.Birth, Sex: o.Sex}
	pki, err := sim.NewPKI(sim.PKIOptions{Holder: holder, Now: time.Now(), SignExpired: o.Expired,
		SignRevoked: o.Revoked, RevokeReason: o.Reason})
	if err != nil {
		return &cliError{msg: err.Error(), code: exitUsage, hints: []string{"check --name, --address, --birth and --sex"}}
	}
	p := sim.NewProfile(holder, pki)
	p.Token, p.Extended, p.Response = tk, ext, resp
	p.HelperPIN, p.AuthPIN, p.SignPIN = o.HelperPIN, o.AuthPIN, o.SignPIN
	if err := sim.SaveCardDir(o.Dir, p, pki); err != nil {
		if errors.Is(err, sim.ErrProfile) {
			return &cliError{msg: err.Error(), code: exitUsage,
				hints: []string{"PINs: --helper-pin and --auth-pin 4 digits, --sign-pin 6–16 of A–Z and 0–9 in upper case"}}
		}
		return err
	}
	fmt.Fprintf(stdout, "wrote a virtual card (%s) to %s\n", tk, o.Dir)
	return nil
}

// serveOptions are mynasim serve's settings: flags only.
type serveOptions struct {
	Card        string        `config:"card" usage:"card directory written by mynasim init (required)"`
	Addr        string        `config:"addr" usage:"vpcd address: port 35963 is reader \"Virtual PCD 00 00\", 35964 \"Virtual PCD 00 01\""`
	APDULatency time.Duration `config:"apdu-latency" usage:"delay every answer by this long"`
	SignLatency time.Duration `config:"sign-latency" usage:"delay signature answers by this long in addition"`
	RemoveAfter int           `config:"remove-after" usage:"take the card away after N APDUs (0: never)"`
	MuteAfter   int           `config:"mute-after" usage:"stop answering after N APDUs (0: never)"`
	MuteTimeout time.Duration `config:"mute-timeout" usage:"how long a mute card stays silent before it drops off the reader (negative: forever)"`
	GarbleAfter int           `config:"garble-after" usage:"garble every answer after N APDUs (0: never)"`
	Verbose     bool          `config:"verbose" usage:"log every APDU (instruction and status word only)"`
}

var defaultServe = serveOptions{Addr: sim.DefaultVPCDAddr, MuteTimeout: sim.DefaultMuteTimeout}

func runServe(ctx context.Context, args []string, stderr io.Writer) error {
	fs := config.NewFlagSet("mynasim serve")
	fs.SetOutput(stderr)
	o := defaultServe
	if err := parse(fs, &o, args); err != nil {
		return err
	}
	if o.Card == "" {
		return usageError("--card is required", "mynasim init --dir ./testcard && mynasim serve --card ./testcard")
	}
	f := sim.Faults{APDULatency: o.APDULatency, SignLatency: o.SignLatency, RemoveAfter: o.RemoveAfter,
		MuteAfter: o.MuteAfter, GarbleAfter: o.GarbleAfter}
	if f.RemoveAfter < 0 || f.MuteAfter < 0 || f.GarbleAfter < 0 {
		return usageError("--remove-after, --mute-after and --garble-after take a count of APDUs, 0 or more")
	}
	if o.MuteTimeout == 0 {
		return usageError("--mute-timeout must not be 0", "use a negative value to never drop a mute card")
	}
	c, err := sim.OpenCard(o.Card)
	if err != nil {
		if errors.Is(err, sim.ErrNotCardDir) {
			return &cliError{msg: err.Error(), code: exitError, hints: []string{"write one first: mynasim init --dir " + o.Card}}
		}
		return err
	}
	level := slog.LevelInfo
	if o.Verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	return sim.Serve(ctx, c, sim.ServeOptions{Addr: o.Addr, Faults: f, MuteTimeout: o.MuteTimeout, Logger: log})
}

func runStatus(args []string, stdout, stderr io.Writer) error {
	fs := config.NewFlagSet("mynasim status")
	fs.SetOutput(stderr)
	var o struct {
		Card string `config:"card" usage:"card directory (required)"`
	}
	if err := parse(fs, &o, args); err != nil {
		return err
	}
	if o.Card == "" {
		return usageError("--card is required")
	}
	c, err := sim.OpenCard(o.Card)
	if err != nil {
		return err
	}
	for _, p := range card.PINs {
		fmt.Fprintf(stdout, "%-6s %d/%d tries left\n", p, c.TriesLeft(p), p.MaxTries())
	}
	return nil
}
