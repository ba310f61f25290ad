package sim

import (
	"context"
	"sync"
	"time"

	"github.com/mynadesk/mynadesk/card"
)

// Faults makes the virtual card misbehave the way real cards and readers do.
// The zero value is a well-behaved card. Counts are of command APDUs (not
// vpcd control messages); 0 disables a count.
type Faults struct {
	// APDULatency delays every answer; SignLatency is added to the answer
	// of COMPUTE DIGITAL SIGNATURE (a real card takes about a second).
	// The card processes the command before the delay, as a real card
	// would: a host that gives up during the delay has still used the try.
	APDULatency time.Duration
	SignLatency time.Duration
	// RemoveAfter: after this many answered APDUs the card is taken away.
	// In process, Transmit returns a *card.ReaderError with
	// card.FaultCardRemoved from then on; over vpcd the card disconnects.
	RemoveAfter int
	// MuteAfter: after this many answered APDUs the card stops answering.
	// In process, Transmit blocks until its context is done; over vpcd see
	// ServeOptions.MuteTimeout.
	MuteAfter int
	// GarbleAfter: after this many answered APDUs every answer is garbled
	// (the card processes the command, the answer is mangled on the way).
	GarbleAfter int
	// Garble mangles an answer; nil keeps only its first byte, which is
	// never a valid response APDU.
	Garble func(answer []byte) []byte
}

// action is what the card does with one APDU under its faults.
type action int

const (
	actAnswer action = iota
	actGarble
	actMute
	actRemove
)

// faultState counts APDUs and decides each one's fate. It is shared by the
// in-process Conn and the vpcd link.
type faultState struct {
	mu      sync.Mutex
	f       Faults
	n       int // APDUs that reached the card (answered, garbled or unanswered)
	removed bool
}

// next decides the fate of the next APDU.
func (s *faultState) next() action {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.removed {
		return actRemove
	}
	if s.f.RemoveAfter > 0 && s.n >= s.f.RemoveAfter {
		s.removed = true
		return actRemove
	}
	s.n++
	switch {
	case s.f.MuteAfter > 0 && s.n > s.f.MuteAfter:
		return actMute
	case s.f.GarbleAfter > 0 && s.n > s.f.GarbleAfter:
		return actGarble
	}
	return actAnswer
}

func (s *faultState) remove() {
	s.mu.Lock()
	s.removed = true
	s.mu.Unlock()
}

func (s *faultState) isRemoved() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.removed
}

func (s *faultState) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// delay is how long to hold the answer to apdu.
func (s *faultState) delay(apdu []byte) time.Duration {
	d := s.f.APDULatency
	if isSignCommand(apdu) {
		d += s.f.SignLatency
	}
	return d
}

func (s *faultState) garble(answer []byte) []byte {
	if s.f.Garble != nil {
		return s.f.Garble(answer)
	}
	return answer[:1]
}

func isSignCommand(apdu []byte) bool {
	return len(apdu) >= 2 && apdu[0] == card.CLAProprietary && apdu[1] == card.INSComputeSig
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
