package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/card/sim"
)

// mynactl's user-visible contract (stdout, stderr and exit status per
// catalogue code) is written down as testscript files in testdata/script,
// as FiloSottile/age does. They run the real command (this test binary
// re-executed as "mynactl") against the in-process virtual card, sim.System,
// so they need no pcscd; the card's PIN counters live in a card directory,
// so a wrong PIN counts down from one command to the next.

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"mynactl": simMynactl})
}

// The environment a script sets to shape the virtual PC/SC service.
const (
	// envCard is the card directory (mynasim's format) of the card.
	envCard = "MYNACTL_SIM_CARD"
	// envReaders lists the readers, comma-separated; "" for none.
	envReaders = "MYNACTL_SIM_READERS"
	// envCardIn lists the readers holding the card (default: the first).
	envCardIn = "MYNACTL_SIM_CARD_IN"
	// envDown set makes the service look stopped.
	envDown = "MYNACTL_SIM_DOWN"
)

// simMynactl is mynactl's main over a sim.System shaped by the environment.
func simMynactl() {
	readers := strings.Split(os.Getenv(envReaders), ",")
	if os.Getenv(envReaders) == "" {
		readers = nil
	}
	sys := sim.NewSystem(readers...)
	in := readers
	if len(in) > 0 {
		in = in[:1]
	}
	if v, ok := os.LookupEnv(envCardIn); ok {
		in = strings.Split(v, ",")
		if v == "" {
			in = nil
		}
	}
	for _, r := range in {
		c, err := sim.OpenCard(os.Getenv(envCard))
		if err != nil {
			os.Stderr.WriteString("script: " + err.Error() + "\n")
			os.Exit(99)
		}
		sys.Insert(r, c, sim.Faults{})
	}
	if os.Getenv(envDown) != "" {
		sys.SetDown(true)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	code := runWith(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, func() (card.System, error) { return sys, nil })
	cancel()
	os.Exit(code)
}

var (
	templateOnce sync.Once
	templateDir  string
	templateErr  error
)

// cardTemplate writes the demo card (公的 花子, PINs 1234/1234/ABC123)
// once per test binary; key generation is the slow part.
func cardTemplate(t *testing.T) string {
	templateOnce.Do(func() {
		templateDir, templateErr = os.MkdirTemp("", "mynactl-script-card")
		if templateErr != nil {
			return
		}
		var pki *sim.PKI
		if pki, templateErr = sim.NewPKI(sim.PKIOptions{Holder: sim.DefaultHolder, Now: time.Now()}); templateErr != nil {
			return
		}
		templateErr = sim.SaveCardDir(templateDir, sim.NewProfile(sim.DefaultHolder, pki), pki)
	})
	if templateErr != nil {
		t.Fatal(templateErr)
	}
	return templateDir
}

func TestScripts(t *testing.T) {
	tmpl := cardTemplate(t)
	t.Cleanup(func() { os.RemoveAll(tmpl) })
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "script"),
		Setup: func(e *testscript.Env) error {
			dir := filepath.Join(e.WorkDir, "card")
			if err := os.CopyFS(dir, os.DirFS(tmpl)); err != nil {
				return err
			}
			e.Setenv(envCard, dir)
			e.Setenv(envReaders, "Virtual PCD 00 00")
			// The card's CA, for openssl and verify in the scripts.
			e.Setenv("SIGN_CA", filepath.Join(dir, sim.FileSignCACert))
			e.Setenv("SIGN_CRL", filepath.Join(dir, sim.FileCRL))
			return nil
		},
		Cmds:                map[string]func(*testscript.TestScript, bool, []string){"exits": cmdExits},
		RequireExplicitExec: true,
	})
}

// cmdExits is "exits N PROGRAM ARGS...": run the program as exec does and
// require exit status N, the part of mynactl's contract exec cannot check.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits STATUS PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: status %q: %v", args[0], err)
	}
	got := 0
	var ee *exec.ExitError
	if err := ts.Exec(args[1], args[2:]...); errors.As(err, &ee) {
		got = ee.ExitCode()
	} else if err != nil {
		ts.Fatalf("exits: %v", err)
	}
	if got != want {
		ts.Fatalf("exit status %d, want %d", got, want)
	}
}
