// Command mynasim is a virtual My Number Card for development and tests. It
// writes a card directory (keys, certificates, test CA and CRL, holder data,
// PINs, counters) and plugs the card into the real PC/SC stack through
// vsmartcard's vpcd reader driver, so every PC/SC program sees it in reader
// "Virtual PCD 00 00" (port 35963) or "Virtual PCD 00 01" (port 35964).
//
//	mynasim init --dir DIR [--name ... --address ... --birth YYYYMMDD --sex 1|2|9]
//	             [--helper-pin 1234 --auth-pin 1234 --sign-pin ABC123]
//	             [--expired] [--revoked [--reason N]] [--token card|juki|smartphone]
//	             [--extended accept|reject|claim-only] [--response direct|61xx|6cxx]
//	             [--profile mynumber-2016|nextgen-hypothetical] [--no-sign-cert] [--force]
//	mynasim serve --card DIR [--addr 127.0.0.1:35963] [--apdu-latency D] [--sign-latency D]
//	             [--remove-after N] [--mute-after N] [--mute-timeout D] [--garble-after N] [--verbose]
//	mynasim status --card DIR
//
// Exit status: 0 success, 1 failure, 2 usage error.
package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/card/sim"
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
	if errors.Is(err, flag.ErrHelp) {
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

// parse parses flags, turning flag errors into usage errors (the flag
// package has already printed the details).
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError(err.Error())
	}
	if fs.NArg() > 0 {
		return usageError(fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	}
	return nil
}

func runInit(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("mynasim init", flag.ContinueOnError)
	fs.SetOutput(stderr)
	d := sim.DefaultHolder
	dir := fs.String("dir", "", "card directory to create (required)")
	name := fs.String("name", d.Name, "holder name: family and given name separated by U+3000")
	address := fs.String("address", d.Address, "holder address")
	birth := fs.String("birth", d.Birth, "birth date YYYYMMDD")
	sex := fs.String("sex", d.Sex, "sex, ISO 5218: 1 male, 2 female, 9 not applicable")
	helperPIN := fs.String("helper-pin", sim.DefaultHelperPIN, "券面事項入力補助用暗証番号 (4 digits)")
	authPIN := fs.String("auth-pin", sim.DefaultAuthPIN, "利用者証明用暗証番号 (4 digits)")
	signPIN := fs.String("sign-pin", sim.DefaultSignPIN, "署名用パスワード (6–16 of A–Z, 0–9)")
	expired := fs.Bool("expired", false, "make the signing certificate expired")
	revoked := fs.Bool("revoked", false, "list the signing certificate in the CRL")
	reason := fs.Int("reason", 0, "CRL reason code with --revoked (1, 3, 4, 5, 6; 0 for none)")
	token := fs.String("token", "card", "token kind: card, juki or smartphone")
	extended := fs.String("extended", "accept", "extended-length APDUs: accept, reject or claim-only")
	response := fs.String("response", "direct", "response data: direct, 61xx (GET RESPONSE) or 6cxx (repeat with Le)")
	profile := fs.String("profile", card.DefaultProfile().Name, "card generation: "+profileNames())
	noSignCert := fs.Bool("no-sign-cert", false, "a card without a signing certificate (children under 15)")
	force := fs.Bool("force", false, "replace an existing card in --dir")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		return usageError("--dir is required", "mynasim init --dir ./testcard")
	}
	if *reason != 0 && !*revoked {
		return usageError("--reason needs --revoked")
	}
	if _, err := os.Stat(filepath.Join(*dir, sim.FileCard)); err == nil && !*force {
		return &cliError{msg: fmt.Sprintf("%s already holds a card", *dir), code: exitError,
			hints: []string{"add --force to replace it (its PIN counters are lost)"}}
	}
	tk, err := sim.ParseToken(*token)
	if err != nil {
		return usageError(err.Error())
	}
	ext, err := sim.ParseExtended(*extended)
	if err != nil {
		return usageError(err.Error())
	}
	resp, err := sim.ParseResponseMode(*response)
	if err != nil {
		return usageError(err.Error())
	}
	prof, ok := card.ProfileByName(*profile)
	if !ok {
		return usageError(fmt.Sprintf("unknown --profile %q", *profile), "profiles: "+profileNames())
	}
	holder := sim.Holder{Name: *name, Address: *address, Birth: *birth, Sex: *sex}
	opts := sim.PKIOptions{Holder: holder, Now: time.Now(), SignExpired: *expired,
		SignRevoked: *revoked, RevokeReason: *reason}
	if bits := keyBits(prof); bits != 2048 {
		// The card's keys are as large as its generation's largest
		// algorithm but one: RSA-3072 for the hypothetical next card.
		for _, k := range []**rsa.PrivateKey{&opts.SignKey, &opts.AuthKey} {
			if *k, err = rsa.GenerateKey(rand.Reader, bits); err != nil {
				return err
			}
		}
	}
	pki, err := sim.NewPKI(opts)
	if err != nil {
		return &cliError{msg: err.Error(), code: exitUsage, hints: []string{"check --name, --address, --birth and --sex"}}
	}
	p := sim.NewProfile(holder, pki)
	p.Token, p.Extended, p.Response = tk, ext, resp
	p.NoSignCert = *noSignCert
	if prof != card.DefaultProfile() {
		p.Generation = prof.Name
	}
	p.HelperPIN, p.AuthPIN, p.SignPIN = *helperPIN, *authPIN, *signPIN
	if err := sim.SaveCardDir(*dir, p, pki); err != nil {
		if errors.Is(err, sim.ErrProfile) {
			return &cliError{msg: err.Error(), code: exitUsage,
				hints: []string{"PINs: --helper-pin and --auth-pin 4 digits, --sign-pin 6–16 of A–Z and 0–9 in upper case"}}
		}
		return err
	}
	fmt.Fprintf(stdout, "wrote a virtual card (%s, %s) to %s\n", tk, prof.Name, *dir)
	return nil
}

func profileNames() string {
	var names []string
	for _, p := range card.Profiles() {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}

// keyBits is the RSA size of a new virtual card of generation p: 2048 for
// today's card, 3072 for a generation that lists it.
func keyBits(p *card.Profile) int {
	bits := 2048
	for _, a := range p.Algorithms {
		if a.RSABits == 3072 {
			bits = 3072
		}
	}
	return bits
}

func runServe(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("mynasim serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("card", "", "card directory written by mynasim init (required)")
	addr := fs.String("addr", sim.DefaultVPCDAddr, "vpcd address: port 35963 is reader \"Virtual PCD 00 00\", 35964 \"Virtual PCD 00 01\"")
	var f sim.Faults
	fs.DurationVar(&f.APDULatency, "apdu-latency", 0, "delay every answer by this long")
	fs.DurationVar(&f.SignLatency, "sign-latency", 0, "delay signature answers by this long in addition")
	fs.IntVar(&f.RemoveAfter, "remove-after", 0, "take the card away after N APDUs (0: never)")
	fs.IntVar(&f.MuteAfter, "mute-after", 0, "stop answering after N APDUs (0: never)")
	muteTimeout := fs.Duration("mute-timeout", sim.DefaultMuteTimeout, "how long a mute card stays silent before it drops off the reader (negative: forever)")
	fs.IntVar(&f.GarbleAfter, "garble-after", 0, "garble every answer after N APDUs (0: never)")
	verbose := fs.Bool("verbose", false, "log every APDU (instruction and status word only)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		return usageError("--card is required", "mynasim init --dir ./testcard && mynasim serve --card ./testcard")
	}
	if f.RemoveAfter < 0 || f.MuteAfter < 0 || f.GarbleAfter < 0 {
		return usageError("--remove-after, --mute-after and --garble-after take a count of APDUs, 0 or more")
	}
	if *muteTimeout == 0 {
		return usageError("--mute-timeout must not be 0", "use a negative value to never drop a mute card")
	}
	c, err := sim.OpenCard(*dir)
	if err != nil {
		if errors.Is(err, sim.ErrNotCardDir) {
			return &cliError{msg: err.Error(), code: exitError, hints: []string{"write one first: mynasim init --dir " + *dir}}
		}
		return err
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	return sim.Serve(ctx, c, sim.ServeOptions{Addr: *addr, Faults: f, MuteTimeout: *muteTimeout, Logger: log})
}

func runStatus(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("mynasim status", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("card", "", "card directory (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		return usageError("--card is required")
	}
	c, err := sim.OpenCard(*dir)
	if err != nil {
		return err
	}
	for _, p := range c.Profile().PINs {
		fmt.Fprintf(stdout, "%-6s %d/%d tries left\n", p.Name, c.TriesLeft(p.PIN), p.MaxTries)
	}
	return nil
}
