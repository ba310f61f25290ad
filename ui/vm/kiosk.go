package vm

import (
	"sync"
	"time"
)

// Kiosk is counter-kiosk behaviour: after an idle timeout, or when the
// card leaves the reader while no card work is in progress, it calls Reset
// so the app returns to the start and forgets the resident.
type Kiosk struct {
	reset func(idle bool)

	mu    sync.Mutex
	on    bool
	idle  time.Duration
	timer *time.Timer
	seq   int
}

// NewKiosk returns a disabled Kiosk that calls reset, with idle true when
// the idle timeout (not the card's removal) calls it.
func NewKiosk(reset func(idle bool)) *Kiosk { return &Kiosk{reset: reset} }

// Enable turns kiosk behaviour on or off with the given idle timeout.
func (k *Kiosk) Enable(on bool, idle time.Duration) {
	k.mu.Lock()
	k.on, k.idle = on, idle
	k.mu.Unlock()
	k.Touch()
}

// Enabled reports whether kiosk behaviour is on.
func (k *Kiosk) Enabled() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.on
}

// Touch records input: the idle timer starts again.
func (k *Kiosk) Touch() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.timer != nil {
		k.timer.Stop()
		k.timer = nil
	}
	k.seq++
	if !k.on || k.idle <= 0 {
		return
	}
	seq := k.seq
	k.timer = time.AfterFunc(k.idle, func() {
		k.mu.Lock()
		fire := k.on && seq == k.seq
		k.mu.Unlock()
		if fire {
			k.reset(true)
		}
	})
}

// CardRemoved is told when the card leaves the reader. While the card is
// being worked on, the session shows its own error (13100) instead; while
// the resident is on the booking page between the steps (or the service
// is being talked to), the session goes on: the screen asks to leave the
// card in, and a card taken out and put back is simply found again.
func (k *Kiosk) CardRemoved(p Phase) {
	if KeepsSession(p) {
		return
	}
	if k.Enabled() {
		k.reset(false)
	}
}

// KeepsSession reports whether a kiosk reset must wait in phase p: the
// card is at work, or the service holds the session while the resident
// goes on on the booking page (that wait counts as activity: the idle
// timer would otherwise wipe a session the service still keeps). A
// session that ends on the service's side leaves the phase with an error,
// and the idle timer runs again.
func KeepsSession(p Phase) bool {
	switch p {
	case PhasePreparing, PhaseCard, PhaseConnecting, PhaseUploading, PhaseWaitingPage, PhaseSending:
		return true
	}
	return false
}

// Stop turns the timer off.
func (k *Kiosk) Stop() { k.Enable(false, 0) }
