package vm_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/card/sim"
	"github.com/mynadesk/mynadesk/ui/internal/testenv"
	"github.com/mynadesk/mynadesk/ui/vm"
)

type homeRig struct {
	t       *testing.T
	sys     *sim.System
	home    *vm.Home
	ch      chan vm.HomeState
	removed chan struct{}
}

func newHomeRig(t *testing.T, readers ...string) *homeRig {
	h := &homeRig{t: t, sys: sim.NewSystem(readers...), ch: make(chan vm.HomeState, 1000), removed: make(chan struct{}, 10)}
	h.home = vm.NewHome(func() (card.System, error) { return h.sys, nil }, "")
	h.home.Retry = 10 * time.Millisecond
	h.home.OnChange(func(s vm.HomeState) { h.ch <- s })
	h.home.OnCardRemoved(func() { h.removed <- struct{}{} })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { h.home.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return h
}

func (h *homeRig) wait(sit vm.Situation) vm.HomeState {
	h.t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case s := <-h.ch:
			if s.Situation == sit {
				return s
			}
		case <-timeout:
			h.t.Fatalf("timed out waiting for %v; state %+v", sit, h.home.State())
		}
	}
}

func hanakoCard(t *testing.T, tries map[card.PIN]int) *sim.Card {
	t.Helper()
	p, _ := testenv.GetPKIs()
	c, err := testenv.Card(testenv.Hanako, p.Valid, tries)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestHomeLive(t *testing.T) {
	h := newHomeRig(t)
	if s := h.wait(vm.SitNoReader); s.Problem.Code != assets.CodeNoReader {
		t.Fatalf("no reader: %+v", s.Problem)
	}
	h.sys.Plug("R1")
	if s := h.wait(vm.SitNoCard); s.Problem.Code != assets.CodeNoCard || s.Reader != "R1" {
		t.Fatalf("no card: %+v", s)
	}
	c := hanakoCard(t, map[card.PIN]int{card.PINSign: 4})
	h.sys.Insert("R1", c, sim.Faults{})
	h.wait(vm.SitChecking)
	s := h.wait(vm.SitCard)
	if s.Status == nil || s.Status.Kind != card.KindMyNumberCard || s.Problem != nil {
		t.Fatalf("card: %+v", s)
	}
	want := map[card.PIN][2]int{card.PINHelper: {3, 3}, card.PINAuth: {3, 3}, card.PINSign: {4, 5}}
	if len(s.Status.PINs) != 3 {
		t.Fatalf("PINs: %+v", s.Status.PINs)
	}
	for _, p := range s.Status.PINs {
		if w := want[p.PIN]; p.TriesLeft != w[0] || p.MaxTries != w[1] {
			t.Errorf("%v: %d/%d, want %v", p.PIN, p.TriesLeft, p.MaxTries, w)
		}
	}
	if n := c.TriesLeft(card.PINHelper); n != 3 {
		t.Fatalf("reading the counters used a try: %d", n)
	}
	if s.Status.AuthCert == nil || !s.Status.AuthCert.Present || s.Status.AuthCert.Expired {
		t.Fatalf("auth cert: %+v", s.Status.AuthCert)
	}
	// A counter changed by someone else shows after Refresh.
	// (The re-read may be over before a watcher sees SitChecking.)
	h.home.Refresh()
	h.wait(vm.SitCard)
	h.sys.Remove("R1")
	h.wait(vm.SitNoCard)
	select {
	case <-h.removed:
	case <-time.After(5 * time.Second):
		t.Fatal("card removal not reported")
	}
	h.sys.Plug("R2")
	h.sys.Insert("R1", hanakoCard(t, nil), sim.Faults{})
	h.sys.Insert("R2", hanakoCard(t, nil), sim.Faults{})
	if s := h.wait(vm.SitSeveral); s.Problem.Code != assets.CodeSeveralReaders {
		t.Fatalf("several: %+v", s.Problem)
	}
	h.home.SetReader("R2")
	if s := h.wait(vm.SitCard); s.Reader != "R2" {
		t.Fatalf("chosen reader: %+v", s)
	}
}

func TestHomeJukiCard(t *testing.T) {
	h := newHomeRig(t, "R1")
	p, _ := testenv.GetPKIs()
	prof := sim.NewProfile(testenv.Taro, p.Other)
	prof.Token = sim.TokenJuki
	c, err := sim.NewCard(prof)
	if err != nil {
		t.Fatal(err)
	}
	h.sys.Insert("R1", c, sim.Faults{})
	s := h.wait(vm.SitCard)
	if s.Status.Supported || s.Problem == nil || s.Problem.Code != assets.CodeJukiCard {
		t.Fatalf("juki: %+v %+v", s.Status, s.Problem)
	}
}

func TestHomeServiceStopped(t *testing.T) {
	h := newHomeRig(t, "R1")
	h.wait(vm.SitNoCard)
	h.sys.SetDown(true)
	if s := h.wait(vm.SitNoService); s.Problem.Code != assets.CodeNoService {
		t.Fatalf("stopped: %+v", s.Problem)
	}
	h.sys.SetDown(false)
	h.wait(vm.SitNoCard)
}

func TestHomeCardGoneWhileReadingStatus(t *testing.T) {
	h := newHomeRig(t, "R1")
	h.sys.Insert("R1", hanakoCard(t, nil), sim.Faults{RemoveAfter: 2})
	s := h.wait(vm.SitError)
	if s.Problem.Code != assets.CodeCardMoved {
		t.Fatalf("gone: %+v", s.Problem)
	}
}

// On Windows the Smart Card service runs only while a reader is plugged in:
// the driver reports that as no reader (R01), and the home screen says to
// connect one, then finds the card once the service is there.
func TestHomeWindowsNoServiceMeansNoReader(t *testing.T) {
	sys := sim.NewSystem("R1")
	var mu sync.Mutex
	up := false
	home := vm.NewHome(func() (card.System, error) {
		mu.Lock()
		defer mu.Unlock()
		if !up {
			return nil, &card.ReaderError{Fault: card.FaultNoReaders, Op: "connect to the smart-card service"}
		}
		return sys, nil
	}, "")
	home.Retry = 10 * time.Millisecond
	ch := make(chan vm.HomeState, 1000)
	home.OnChange(func(s vm.HomeState) { ch <- s })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { home.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	h := &homeRig{t: t, sys: sys, home: home, ch: ch}
	if s := h.wait(vm.SitNoReader); s.Problem == nil || s.Problem.Code != assets.CodeNoReader {
		t.Fatalf("no service on Windows: %+v", s.Problem)
	}
	mu.Lock()
	up = true
	mu.Unlock()
	h.wait(vm.SitNoCard)
}
