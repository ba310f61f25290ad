package vm

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/problem"
)

// Situation is what the home screen says about the reader and the card.
type Situation int

// Situations, from nothing to a card ready.
const (
	SitStarting  Situation = iota // not looked yet
	SitNoService                  // the PC/SC service is not running
	SitNoReader                   // no reader connected (or the chosen one is missing)
	SitNoCard                     // reader without card
	SitSeveral                    // several readers hold a card
	SitChecking                   // a card is in; its status is being read
	SitCard                       // a card is in and its status is known
	SitError                      // the status could not be read: Problem
)

var sitNames = map[Situation]string{
	SitStarting: "starting", SitNoService: "no-service", SitNoReader: "no-reader", SitNoCard: "no-card",
	SitSeveral: "several", SitChecking: "checking", SitCard: "card", SitError: "error",
}

// String is a stable key for logs and tests.
func (s Situation) String() string { return sitNames[s] }

// HomeState is one snapshot of the reader and the card.
type HomeState struct {
	Situation Situation
	Readers   []card.ReaderState
	// Reader is the reader in use (the chosen one, or the one with a card).
	Reader string
	// Status is the card's kind, PIN counters and auth certificate, read
	// without a PIN and without using a try (SitCard).
	Status *card.Status
	// Problem says what is wrong (every situation but SitCard and
	// SitChecking has one).
	Problem *problem.Problem
}

// KindText names the card kind for the resident.
func KindText(k card.Kind) assets.Text {
	switch k {
	case card.KindMyNumberCard:
		return assets.UI.KindMyNumberCard
	case card.KindSmartphone:
		return assets.UI.KindSmartphone
	case card.KindJukiCard:
		return assets.UI.KindJuki
	case card.KindNoJPKI:
		return assets.UI.KindNoJPKI
	}
	return assets.UI.KindUnknown
}

// Home watches the readers and reads the card's status whenever a card
// comes, so the home screen is live.
type Home struct {
	open func() (card.System, error)
	now  func() time.Time
	// Retry is how long to wait before looking for a stopped service again.
	Retry time.Duration

	mu        sync.Mutex
	reader    string
	st        HomeState
	listeners []func(HomeState)
	removed   []func()
	poke      context.CancelFunc
	dirty     bool
}

// NewHome watches the service open returns; reader is the reader chosen in
// the settings ("" for the one holding a card).
func NewHome(open func() (card.System, error), reader string) *Home {
	return &Home{open: open, reader: reader, now: time.Now, Retry: 2 * time.Second}
}

// OnChange registers fn to be told every new state.
func (h *Home) OnChange(fn func(HomeState)) {
	h.mu.Lock()
	h.listeners = append(h.listeners, fn)
	h.mu.Unlock()
}

// OnCardRemoved registers fn to be called when the card in use leaves the
// reader (kiosk mode forgets the resident then).
func (h *Home) OnCardRemoved(fn func()) {
	h.mu.Lock()
	h.removed = append(h.removed, fn)
	h.mu.Unlock()
}

// State returns the current state.
func (h *Home) State() HomeState {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.st
}

// SetReader changes the chosen reader and looks again.
func (h *Home) SetReader(name string) {
	h.mu.Lock()
	h.reader = name
	h.mu.Unlock()
	h.Refresh()
}

// Refresh reads the card's status again (after a session the counters may
// have changed).
func (h *Home) Refresh() {
	h.mu.Lock()
	h.dirty = true
	p := h.poke
	h.mu.Unlock()
	if p != nil {
		p()
	}
}

func (h *Home) set(st HomeState) {
	h.mu.Lock()
	prev := h.st
	h.st = st
	ls := append([]func(HomeState){}, h.listeners...)
	var rm []func()
	if prevHasCard(prev) && !hasCard(st) {
		rm = append(rm, h.removed...)
	}
	h.mu.Unlock()
	for _, l := range ls {
		l(st)
	}
	for _, f := range rm {
		f()
	}
}

func hasCard(s HomeState) bool {
	return s.Situation == SitCard || s.Situation == SitChecking || s.Situation == SitError
}

func prevHasCard(s HomeState) bool { return hasCard(s) }

// Run watches until ctx ends.
func (h *Home) Run(ctx context.Context) {
	for ctx.Err() == nil {
		sys, err := h.open()
		if err != nil {
			h.set(HomeState{Situation: SitNoService, Problem: problem.Of(err)})
			h.sleep(ctx, h.Retry)
			continue
		}
		h.watch(ctx, sys)
		sys.Close()
		if ctx.Err() == nil {
			h.sleep(ctx, h.Retry)
		}
	}
}

// sleep waits d, ctx, or a Refresh.
func (h *Home) sleep(ctx context.Context, d time.Duration) {
	wctx, cancel := context.WithTimeout(ctx, d)
	h.mu.Lock()
	h.poke = cancel
	h.mu.Unlock()
	<-wctx.Done()
	cancel()
}

// watch follows one service connection until it fails or ctx ends.
func (h *Home) watch(ctx context.Context, sys card.System) {
	states, err := sys.Readers(ctx)
	var lastCard string // reader whose card's status is shown
	for {
		if err != nil {
			if ctx.Err() == nil {
				sit := SitError
				if card.FaultOf(err) == card.FaultNoService {
					sit = SitNoService
				}
				h.set(HomeState{Situation: sit, Problem: problem.Of(err)})
			}
			return
		}
		h.mu.Lock()
		reader, dirty := h.reader, h.dirty
		h.dirty = false
		h.mu.Unlock()
		st := HomeState{Readers: states}
		r, perr := card.Pick(states, reader)
		st.Reader = r.Name
		switch {
		case perr == nil:
			if r.Name != lastCard || dirty {
				st.Situation = SitChecking
				h.set(st)
				st = h.status(ctx, sys, st)
				lastCard = r.Name
			} else {
				st = h.State()
				st.Readers = states
			}
		default:
			lastCard = ""
			st.Problem = problem.Of(perr)
			st.Situation = situationOf(perr)
		}
		if ctx.Err() != nil {
			return
		}
		h.set(st)
		wctx, cancel := context.WithCancel(ctx)
		h.mu.Lock()
		h.poke = cancel
		h.mu.Unlock()
		next, werr := sys.Wait(wctx, states)
		cancel()
		if ctx.Err() != nil {
			return
		}
		if werr != nil && wctx.Err() != nil {
			// Refresh: look again at the same readers.
			next, werr = sys.Readers(ctx)
		}
		states, err = next, werr
	}
}

func situationOf(err error) Situation {
	var sce *card.SeveralCardsError
	switch {
	case errors.As(err, &sce):
		return SitSeveral
	case errors.Is(err, card.ErrReaderNotFound):
		return SitNoReader
	}
	switch card.FaultOf(err) {
	case card.FaultNoReaders:
		return SitNoReader
	case card.FaultNoCard:
		return SitNoCard
	case card.FaultNoService:
		return SitNoService
	}
	return SitError
}

// status reads the card's status: no PIN, no try used.
func (h *Home) status(ctx context.Context, sys card.System, st HomeState) HomeState {
	conn, err := sys.Connect(ctx, st.Reader)
	if err != nil {
		st.Situation, st.Problem = SitError, problem.Of(err)
		if s := situationOf(err); s == SitNoCard || s == SitNoReader {
			st.Situation = s
		}
		return st
	}
	c := card.New(conn, card.Options{})
	defer c.Close()
	cs, err := c.Status(ctx, h.now())
	if err != nil {
		st.Situation, st.Problem = SitError, problem.Of(err)
		return st
	}
	st.Situation, st.Status = SitCard, &cs
	if !cs.Supported {
		st.Problem = problem.Of(&card.UnsupportedCardError{Kind: cs.Kind, Label: cs.Token})
	}
	return st
}
