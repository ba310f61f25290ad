package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/problem"
)

func init() {
	noConsoles["not a terminal"] = func() (console, error) { return openTTY("/dev/null") }
}

// pty is a pseudo-terminal: the test types on master, mynactl's prompt
// opens slave as it opens /dev/tty.
type pty struct {
	master *os.File
	slave  string
	mu     sync.Mutex
	seen   bytes.Buffer // everything the terminal showed
}

func newPTY(t *testing.T) *pty {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	p := &pty{master: m, slave: fmt.Sprintf("/dev/pts/%d", n)}
	go func() {
		b := make([]byte, 256)
		for {
			n, err := m.Read(b)
			p.mu.Lock()
			p.seen.Write(b[:n])
			p.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return p
}

func (p *pty) shown() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.seen.String()
}

// waitFor waits until the terminal shows s.
func (p *pty) waitFor(t *testing.T, s string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(p.shown(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("terminal never showed %q; it shows %q", s, p.shown())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (p *pty) echoOn(t *testing.T) bool {
	t.Helper()
	f, err := os.OpenFile(p.slave, os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tio, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	return tio.Lflag&unix.ECHO != 0
}

type promptResult struct {
	pin []byte
	err error
}

func startPrompt(e *env, p card.PIN, tries int) chan promptResult {
	done := make(chan promptResult, 1)
	go func() {
		pin, err := e.prompt()(p, tries)
		done <- promptResult{pin, err}
	}()
	return done
}

func ttyEnv(ctx context.Context, p *pty) *env {
	return &env{lang: assets.JA, ctx: ctx, openConsole: func() (console, error) { return openTTY(p.slave) }}
}

func TestPromptOnTerminalWithoutEcho(t *testing.T) {
	p := newPTY(t)
	done := startPrompt(ttyEnv(context.Background(), p), card.PINHelper, 3)
	p.waitFor(t, assets.TriesLeftText(3).JA)
	// The prompt is written just before echo goes off.
	for deadline := time.Now().Add(5 * time.Second); p.echoOn(t); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("echo is on while the PIN is typed")
		}
	}
	p.master.WriteString("1234\n")
	r := <-done
	if r.err != nil || string(r.pin) != "1234" {
		t.Fatalf("pin %q err %v", r.pin, r.err)
	}
	if strings.Contains(p.shown(), "1234") {
		t.Fatalf("the PIN was echoed: %q", p.shown())
	}
	if !p.echoOn(t) {
		t.Fatal("echo not restored")
	}
}

func TestPromptLastTryAsksFirst(t *testing.T) {
	p := newPTY(t)
	e := ttyEnv(context.Background(), p)
	done := startPrompt(e, card.PINHelper, 1)
	p.waitFor(t, "[y/N]")
	p.master.WriteString("n\n")
	var lt *lastTryError
	if r := <-done; !errors.As(r.err, &lt) {
		t.Fatalf("answer n: %v", r.err)
	}
	p = newPTY(t)
	done = startPrompt(ttyEnv(context.Background(), p), card.PINHelper, 1)
	p.waitFor(t, "[y/N]")
	p.master.WriteString("y\n")
	p.waitFor(t, assets.TriesLeftText(1).JA)
	p.master.WriteString("1234\n")
	if r := <-done; r.err != nil || string(r.pin) != "1234" {
		t.Fatalf("answer y: pin %q err %v", r.pin, r.err)
	}
}

func TestPromptInterruptedRestoresEcho(t *testing.T) {
	p := newPTY(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := startPrompt(ttyEnv(ctx, p), card.PINHelper, 3)
	p.waitFor(t, assets.TriesLeftText(3).JA)
	for deadline := time.Now().Add(5 * time.Second); p.echoOn(t) && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	cancel() // Ctrl+C
	select {
	case r := <-done:
		if !errors.Is(r.err, context.Canceled) {
			t.Fatalf("err %v", r.err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the prompt did not give up")
	}
	if !p.echoOn(t) {
		t.Fatal("echo left off after Ctrl+C")
	}
	if code := problem.CodeOf(fmt.Errorf("read attributes: %w", context.Canceled)); code != assets.CodeCancelled {
		t.Fatalf("code %s", code)
	}
}
