// Package pcsctest runs virtual cards behind the real pcscd + vpcd stack for
// tests. Test binaries run in parallel, and a vpcd slot takes one card at a
// time, so every test that inserts a card holds a machine-wide lock (see
// internal/vpcdtest).
package pcsctest

import (
	"context"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/card/sim"
	"github.com/mynadesk/mynadesk/internal/vpcdtest"
)

// Reader names and vpcd ports of the two virtual slots.
var (
	Readers = vpcdtest.Readers
	Ports   = vpcdtest.Ports
)

// Require checks that pcscd answers and lists the vpcd readers; see vpcdtest.Require.
func Require(t testing.TB) { t.Helper(); vpcdtest.Require(t) }

// Lock takes the machine-wide vpcd lock until the test ends; see vpcdtest.Lock.
func Lock(t testing.TB) { t.Helper(); vpcdtest.Lock(t) }

// WaitPresent waits until the slot's reader shows a card (or none).
func WaitPresent(slot int, present bool, timeout time.Duration) error {
	return vpcdtest.WaitPresent(slot, present, timeout)
}

// Insert serves c on a slot until the test ends (or until the returned
// remove is called) and waits until pcscd sees the card. Call Lock first.
func Insert(t testing.TB, slot int, c *sim.Card, opts sim.ServeOptions) (remove func()) {
	t.Helper()
	opts.Addr = Ports[slot]
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sim.Serve(ctx, c, opts) }()
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
