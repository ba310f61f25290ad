// Package pcsc connects the card driver to the operating system's PC/SC
// service (WinSCard on Windows, pcsc-lite on Linux, CryptoTokenKit's PC/SC on
// macOS) through github.com/ebfe/scard.
package pcsc

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ebfe/scard"

	"github.com/mynadesk/mynadesk/card"
)

// pnpReader is the pseudo-reader whose state changes when a reader is
// plugged in or out (PC/SC part 10 and pcsc-lite).
const pnpReader = `\\?PnP?\Notification`

// pollInterval bounds how long a Wait may block in the service before it
// looks at ctx again.
const pollInterval = 250 * time.Millisecond

// System is the PC/SC service. It implements card.System.
type System struct {
	mu  ctxMutex // serialises calls on the context; callers can give up waiting
	ctx *scard.Context
	// inflight counts calls on card handles still inside the service, so
	// Close never releases the context under them.
	inflight sync.WaitGroup
}

// Open establishes a context with the PC/SC service. A service that is not
// running is reported as card.FaultNoService, except on Windows, where it
// means no reader is connected (card.FaultNoReaders: Windows starts the
// service when one is). Any other failure is card.FaultServiceFailed.
func Open() (*System, error) {
	c, err := scard.EstablishContext()
	if err != nil {
		return nil, classifyService("connect to the smart-card service", err)
	}
	return &System{ctx: c, mu: newCtxMutex()}, nil
}

// releaseWait bounds how long Close waits for calls still in the service.
// Close follows an operation that may have spent its whole timeout on a
// mute card, and every operation returns within its timeout plus a second.
const releaseWait = 250 * time.Millisecond

// Close releases the context once no call on one of its cards is still in
// the service. A call stuck past releaseWait leaves the context to be
// released in the background when the call returns (or never, if it never
// does): a small leak instead of freeing memory the service may still write.
func (s *System) Close() error {
	done := make(chan struct{})
	go func() { s.inflight.Wait(); close(done) }()
	release := func() error {
		s.mu.lock()
		defer s.mu.unlock()
		return classify("release context", "", s.ctx.Release())
	}
	t := time.NewTimer(releaseWait)
	defer t.Stop()
	select {
	case <-done:
		return release()
	case <-t.C:
		go func() { <-done; release() }()
		return nil
	}
}

// ctxMutex is a mutex a caller can stop waiting for when its context ends:
// a call stuck in the service (SCardConnect to a reader whose card does not
// answer) holds it, and nothing else may wait behind it for ever.
type ctxMutex struct{ ch chan struct{} }

func newCtxMutex() ctxMutex { return ctxMutex{ch: make(chan struct{}, 1)} }

func (m ctxMutex) lock() { m.ch <- struct{}{} }

func (m ctxMutex) lockCtx(ctx context.Context) error {
	select {
	case m.ch <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (m ctxMutex) unlock() { <-m.ch }

// vanishWait bounds how long cardGone watches for a card to leave after an
// empty answer: pcscd notices a removal on its next presence poll (about
// every 400 ms), later still on a loaded machine.
const vanishWait = 2 * time.Second

// cardGone reports scard.ErrRemovedCard if the reader's card has left, or
// leaves within vanishWait, and nil if it stays. It asks the service about
// the reader, not the handle, which may no longer be usable.
func (s *System) cardGone(ctx context.Context, reader string) error {
	deadline := time.Now().Add(vanishWait)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	rs := []scard.ReaderState{{Reader: reader, CurrentState: scard.StateUnaware}}
	for {
		if s.mu.lockCtx(ctx) != nil {
			return nil
		}
		err := GetStatusChange(s.ctx, rs, 0)
		s.mu.unlock()
		if err != nil && !errors.Is(err, scard.ErrTimeout) {
			return err
		}
		if rs[0].EventState&scard.StatePresent == 0 {
			return scard.ErrRemovedCard
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return nil
		}
		rs[0].CurrentState = rs[0].EventState &^ scard.StateChanged
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *System) listReaders() ([]string, error) {
	names, err := s.ctx.ListReaders()
	if errors.Is(err, scard.ErrNoReadersAvailable) {
		return nil, nil
	}
	return names, classifyService("list readers", err)
}

// Readers lists the readers and the state of each.
func (s *System) Readers(ctx context.Context) ([]card.ReaderState, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := s.mu.lockCtx(ctx); err != nil {
		return nil, err
	}
	defer s.mu.unlock()
	names, err := s.listReaders()
	if err != nil || len(names) == 0 {
		return nil, err
	}
	rs := make([]scard.ReaderState, len(names))
	for i, n := range names {
		rs[i] = scard.ReaderState{Reader: n, CurrentState: scard.StateUnaware}
	}
	if err := GetStatusChange(s.ctx, rs, 0); err != nil && !errors.Is(err, scard.ErrTimeout) {
		if errors.Is(err, scard.ErrUnknownReader) || errors.Is(err, scard.ErrReaderUnavailable) {
			return nil, nil // a reader went away between the two calls; the caller waits again
		}
		return nil, classifyService("read reader state", err)
	}
	out := make([]card.ReaderState, len(rs))
	for i, r := range rs {
		out[i] = toState(r)
	}
	return out, nil
}

func toState(r scard.ReaderState) card.ReaderState {
	st := card.ReaderState{Name: r.Reader}
	st.Card = r.EventState&scard.StatePresent != 0
	st.Exclusive = r.EventState&scard.StateExclusive != 0
	st.Mute = r.EventState&scard.StateMute != 0
	if st.Card {
		st.ATR = slices.Clone(r.Atr)
	}
	return st
}

// Wait blocks until a reader is plugged in or out, or a card is inserted or
// removed, compared with last; then it returns the new state.
func (s *System) Wait(ctx context.Context, last []card.ReaderState) ([]card.ReaderState, error) {
	for {
		now, err := s.Readers(ctx)
		if err != nil {
			return nil, err
		}
		if card.ReadersChanged(last, now) {
			return now, nil
		}
		if err := s.block(ctx, now); err != nil {
			return nil, err
		}
	}
}

// block waits in the service for a change of any reader, or of the reader
// list, for at most pollInterval.
func (s *System) block(ctx context.Context, known []card.ReaderState) error {
	rs := make([]scard.ReaderState, 0, len(known)+1)
	for _, k := range known {
		cur := scard.StateEmpty
		if k.Card {
			cur = scard.StatePresent
		}
		rs = append(rs, scard.ReaderState{Reader: k.Name, CurrentState: cur})
	}
	// pcsc-lite keeps the reader count in the upper 16 bits of the PnP state.
	rs = append(rs, scard.ReaderState{Reader: pnpReader, CurrentState: scard.StateFlag(len(known) << 16)})
	wait := pollInterval
	if d, ok := ctx.Deadline(); ok && time.Until(d) < wait {
		wait = max(time.Until(d), time.Millisecond)
	}
	if err := s.mu.lockCtx(ctx); err != nil {
		return err
	}
	err := GetStatusChange(s.ctx, rs, wait)
	s.mu.unlock()
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	switch {
	case err == nil, errors.Is(err, scard.ErrTimeout),
		errors.Is(err, scard.ErrUnknownReader), errors.Is(err, scard.ErrReaderUnavailable):
		return nil // the caller re-reads the readers
	}
	return classifyService("wait for reader change", err)
}

// Connect opens the card in reader in shared mode, so other applications may
// use it between our transactions. SCardConnect blocks while the reader's
// card does not answer, so it runs on a goroutine and Connect returns when
// ctx ends.
func (s *System) Connect(ctx context.Context, reader string) (card.Conn, error) {
	if err := s.mu.lockCtx(ctx); err != nil {
		return nil, err
	}
	type result struct {
		h      *scard.Card
		events uint32
		err    error
	}
	done := make(chan result, 1)
	s.inflight.Add(1)
	go func() {
		defer s.inflight.Done()
		defer s.mu.unlock()
		var r result
		r.err = protect(func() (err error) {
			r.h, err = s.ctx.Connect(reader, scard.ShareShared, scard.ProtocolT1|scard.ProtocolT0)
			if err != nil {
				return err
			}
			rs := []scard.ReaderState{{Reader: reader, CurrentState: scard.StateUnaware}}
			if GetStatusChange(s.ctx, rs, 0) == nil {
				// pcsc-lite and WinSCard count card events in the upper
				// 16 bits of the event state.
				r.events = uint32(rs[0].EventState) >> 16
			}
			return nil
		})
		if ctx.Err() != nil && r.h != nil {
			r.h.Disconnect(scard.LeaveCard) // the caller has gone
		}
		done <- r
	}()
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		return nil, &card.ReaderError{Fault: card.FaultTimeout, Reader: reader, Op: "connect (no answer)", Err: ctx.Err()}
	}
	if errors.Is(r.err, scard.ErrUnknownReader) {
		return nil, fmt.Errorf("%w: %q", card.ErrReaderNotFound, reader)
	}
	if r.err != nil {
		return nil, classify("connect", reader, r.err)
	}
	c := &conn{sys: s, reader: reader, h: r.h, maxAPDU: maxAPDU(r.h, reader)}
	if err := c.readStatus(); err != nil {
		r.h.Disconnect(scard.LeaveCard)
		return nil, err
	}
	if r.events != 0 {
		c.insertion = card.Insertion{Reader: reader, Events: r.events, ATR: hex.EncodeToString(c.ATR())}
	}
	return c, nil
}

// knownLimits are readers whose APDU size is smaller than what they
// declare. The Sony PaSoRi RC-S300 (pcsc-lite names it "SONY FeliCa Port
// RC-S300/P" or similar) declares extended APDUs but carries at most 522
// bytes per CCID message, 512 of them APDU.
var knownLimits = []struct {
	name string
	max  int
}{{"RC-S300", 512}}

// maxAPDU asks the reader driver for the largest APDU it carries
// (SCARD_ATTR_MAXINPUT; pcsc-lite's CCID driver answers its message size
// less the CCID header) and applies knownLimits.
func maxAPDU(h *scard.Card, reader string) int {
	n := 0
	if b, err := h.GetAttrib(scard.AttrMaxinput); err == nil && len(b) >= 4 {
		n = int(binary.LittleEndian.Uint32(b))
	}
	for _, k := range knownLimits {
		if strings.Contains(reader, k.name) && (n == 0 || k.max < n) {
			n = k.max
		}
	}
	return n
}
