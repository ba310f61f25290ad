package sim

// This file is the in-process PC/SC service: the tests, screenshots and
// benchmarks of the app and of mynactl run on it with no pcscd. Readers can
// be plugged in, cards inserted and taken away while an operation runs, and
// the service can be made to look stopped.

import (
	"context"
	"errors"
	"sync"

	"github.com/mynadesk/mynadesk/card"
)

// System is a card.System over in-process virtual cards, with no pcscd.
// The zero value is not usable: use NewSystem.
type System struct {
	mu      sync.Mutex
	readers []*sysSlot
	down    bool          // the service looks stopped
	changed chan struct{} // closed and replaced on every change
}

type sysSlot struct {
	name   string
	card   *Card
	faults Faults
	conns  []*Conn
}

var _ card.System = (*System)(nil)

// NewSystem returns a service with the named readers, all empty.
func NewSystem(readers ...string) *System {
	s := &System{changed: make(chan struct{})}
	for _, r := range readers {
		s.readers = append(s.readers, &sysSlot{name: r})
	}
	return s
}

func (s *System) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *System) slotLocked(reader string) *sysSlot {
	for _, r := range s.readers {
		if r.name == reader {
			return r
		}
	}
	return nil
}

// Plug adds a reader.
func (s *System) Plug(reader string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.readers = append(s.readers, &sysSlot{name: reader})
	s.notifyLocked()
}

// Unplug removes a reader (and takes its card away).
func (s *System) Unplug(reader string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, r := range s.readers {
		if r.name == reader {
			r.removeLocked()
			s.readers = append(s.readers[:i], s.readers[i+1:]...)
		}
	}
	s.notifyLocked()
}

// Insert puts c into reader; connections to it misbehave as f says.
func (s *System) Insert(reader string, c *Card, f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.slotLocked(reader)
	if r == nil {
		r = &sysSlot{name: reader}
		s.readers = append(s.readers, r)
	}
	r.removeLocked()
	r.card, r.faults = c, f
	s.notifyLocked()
}

// Remove takes the card out of reader: open connections fail from their
// next APDU on with card.FaultCardRemoved.
func (s *System) Remove(reader string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.slotLocked(reader); r != nil {
		r.removeLocked()
	}
	s.notifyLocked()
}

func (r *sysSlot) removeLocked() {
	for _, c := range r.conns {
		c.Remove()
	}
	r.conns, r.card = nil, nil
}

// SetDown makes the service look stopped (true) or running again.
func (s *System) SetDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
	s.notifyLocked()
}

// ErrDown is inside the ReaderError of a stopped service.
var ErrDown = errors.New("sim: service stopped")

func (s *System) downErr(op string) error {
	return &card.ReaderError{Fault: card.FaultNoService, Op: op, Err: ErrDown}
}

// Readers lists the readers.
func (s *System) Readers(ctx context.Context) ([]card.ReaderState, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.statesLocked()
}

func (s *System) statesLocked() ([]card.ReaderState, error) {
	if s.down {
		return nil, s.downErr("list readers")
	}
	out := make([]card.ReaderState, 0, len(s.readers))
	for _, r := range s.readers {
		st := card.ReaderState{Name: r.name, Card: r.card != nil}
		if r.card != nil {
			st.ATR = r.card.ATR()
		}
		out = append(out, st)
	}
	return out, nil
}

// Wait blocks until the readers differ from last or ctx ends.
func (s *System) Wait(ctx context.Context, last []card.ReaderState) ([]card.ReaderState, error) {
	for {
		s.mu.Lock()
		now, err := s.statesLocked()
		ch := s.changed
		s.mu.Unlock()
		if err != nil {
			return nil, err
		}
		if card.ReadersChanged(last, now) {
			return now, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Connect opens the card in reader.
func (s *System) Connect(ctx context.Context, reader string) (card.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down {
		return nil, s.downErr("connect")
	}
	r := s.slotLocked(reader)
	if r == nil {
		return nil, card.ErrReaderNotFound
	}
	if r.card == nil {
		return nil, &card.ReaderError{Fault: card.FaultNoCard, Reader: reader, Op: "connect"}
	}
	c := NewConn(r.card, WithFaults(r.faults), WithReader(reader))
	r.conns = append(r.conns, c)
	return c, nil
}

// Close does nothing: the service outlives its users.
func (s *System) Close() error { return nil }
