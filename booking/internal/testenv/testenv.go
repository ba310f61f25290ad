// Package testenv finds what booking's tests need beyond Go: a PostgreSQL
// server and headless Chromium. It never installs anything (that is `make
// deps`); under CI (CI set) it starts the installed PostgreSQL with
// scripts/postgres.sh, and anything missing fails the test; on a
// developer's machine the test is skipped instead.
package testenv

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func ci() bool { return os.Getenv("CI") != "" }

// repoRoot walks up from the working directory to the directory of go.mod.
func repoRoot() (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// script runs scripts/NAME from the repository and returns its stdout.
func script(name string) (string, error) {
	root, ok := repoRoot()
	if !ok {
		return "", os.ErrNotExist
	}
	cmd := exec.Command("bash", filepath.Join(root, "scripts", name))
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", &scriptError{name: name, err: err, stderr: errb.String()}
	}
	return strings.TrimSpace(out.String()), nil
}

type scriptError struct {
	name, stderr string
	err          error
}

func (e *scriptError) Error() string { return e.name + ": " + e.err.Error() + "\n" + e.stderr }

func unavailable(t testing.TB, msg string) {
	t.Helper()
	if ci() {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

var (
	pgOnce sync.Once
	pgDSN  string
	pgErr  error
)

// PostgresDSN returns the DSN of a test PostgreSQL: $BOOKING_POSTGRES_DSN,
// or under CI the one scripts/postgres.sh installs and starts.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	if dsn := os.Getenv("BOOKING_POSTGRES_DSN"); dsn != "" {
		return dsn
	}
	if !ci() {
		t.Skip("BOOKING_POSTGRES_DSN is not set: export BOOKING_POSTGRES_DSN=$(scripts/postgres.sh)")
	}
	pgOnce.Do(func() { pgDSN, pgErr = script("postgres.sh") })
	if pgErr != nil || pgDSN == "" {
		unavailable(t, "PostgreSQL could not be started: "+errString(pgErr))
	}
	return pgDSN
}

// Chromium returns the path of a Chromium binary: $CHROMIUM, chromium or
// chromium-browser on PATH (`make deps` installs it).
func Chromium(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, n := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	unavailable(t, "chromium not found (run make deps)")
	return ""
}

func errString(err error) string {
	if err == nil {
		return "no output"
	}
	return err.Error()
}
