// Package vpcdtest is the one helper for tests that run virtual cards
// behind the real pcscd + vpcd stack. It checks that pcscd is there
// (failing under CI, skipping elsewhere), serialises the two vpcd slots
// across test binaries with a machine-wide lock (test binaries run in
// parallel, and a slot takes one card at a time), and inserts a card into a
// slot. It does not import the virtual card, so the virtual card's own
// tests can use it: Insert takes the card as sim.Server(card, options).
//
// Tests that need no pcscd use the in-process card.System, sim.System.
package vpcdtest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ebfe/scard"

	"github.com/mynadesk/mynadesk/card/pcsc"
)

// Reader names and vpcd ports of the two virtual slots.
var (
	Readers = []string{"Virtual PCD 00 00", "Virtual PCD 00 01"}
	Ports   = []string{"127.0.0.1:35963", "127.0.0.1:35964"}
)

// Require checks that pcscd answers and lists the vpcd readers. Without
// them the test fails when CI=true and is skipped otherwise.
func Require(t testing.TB) {
	t.Helper()
	names, err := listReaders()
	if err == nil && slices.Contains(names, Readers[0]) && slices.Contains(names, Readers[1]) {
		return
	}
	msg := "pcscd with the vpcd readers is not available (run `make pcscd`)"
	if err != nil {
		msg += ": " + err.Error()
	}
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

func listReaders() ([]string, error) {
	ctx, err := scard.EstablishContext()
	if err != nil {
		return nil, err
	}
	defer ctx.Release()
	return ctx.ListReaders()
}

// Lock takes the machine-wide vpcd lock until the test ends, and checks
// both slots are empty, so a card left behind by a crashed test is seen.
func Lock(t testing.TB) {
	t.Helper()
	Require(t)
	f, err := os.OpenFile(filepath.Join(os.TempDir(), "mynadesk-vpcd.lock"), os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	})
	for i := range Readers {
		if err := WaitPresent(i, false, 10*time.Second); err != nil {
			t.Fatalf("slot %d holds a card before the test: %v", i, err)
		}
	}
}

// WaitPresent waits until the slot's reader shows a card (or none).
func WaitPresent(slot int, present bool, timeout time.Duration) error {
	ctx, err := scard.EstablishContext()
	if err != nil {
		return err
	}
	defer ctx.Release()
	deadline := time.Now().Add(timeout)
	rs := []scard.ReaderState{{Reader: Readers[slot], CurrentState: scard.StateUnaware}}
	for {
		err := pcsc.GetStatusChange(ctx, rs, 200*time.Millisecond)
		if err != nil && !errors.Is(err, scard.ErrTimeout) {
			return err
		}
		if (rs[0].EventState&scard.StatePresent != 0) == present {
			return nil
		}
		if time.Now().After(deadline) {
			return errors.New("timed out; state " + stateString(rs[0].EventState))
		}
		rs[0].CurrentState = rs[0].EventState &^ scard.StateChanged
	}
}

func stateString(s scard.StateFlag) string {
	var parts []string
	for flag, name := range map[scard.StateFlag]string{
		scard.StatePresent: "present", scard.StateEmpty: "empty", scard.StateMute: "mute",
		scard.StateExclusive: "exclusive", scard.StateInuse: "in use", scard.StateUnavailable: "unavailable",
	} {
		if s&flag != 0 {
			parts = append(parts, name)
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

// Insert serves a card on a slot until the test ends (or until the returned
// remove is called) and waits until pcscd sees it. serve is the card's
// vpcd link, usually sim.Server(card, options); it runs until its context
// is cancelled. Call Lock first.
func Insert(t testing.TB, slot int, serve func(ctx context.Context, addr string) error) (remove func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, Ports[slot]) }()
	stopped := false
	remove = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		if err := WaitPresent(slot, false, 10*time.Second); err != nil {
			t.Errorf("card still present after removal: %v", err)
		}
	}
	t.Cleanup(remove)
	if err := WaitPresent(slot, true, 10*time.Second); err != nil {
		t.Fatalf("card did not appear in %s: %v", Readers[slot], err)
	}
	return remove
}
