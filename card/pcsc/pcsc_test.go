package pcsc_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/card/pcsc"
	"github.com/mynadesk/mynadesk/card/sim"
	"github.com/mynadesk/mynadesk/internal/vpcdtest"
	"github.com/mynadesk/mynadesk/jpki/jpkitest"
)

func newCard(t *testing.T) *sim.Card {
	t.Helper()
	h := jpkitest.Holder{Name: "公的\u3000太郎", Address: "大阪府架空市見本町１", Birth: "19800202", Sex: "1"}
	p, err := jpkitest.NewPKI(jpkitest.PKIOptions{Holder: h, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	c, err := sim.NewCard(sim.NewProfile(h, p))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestWaitForInsertionAndRemoval(t *testing.T) {
	vpcdtest.Lock(t)
	sys, err := pcsc.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	c := newCard(t)

	// Nothing inserted: the wait ends with the context, promptly.
	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	start := time.Now()
	_, err = card.WaitForCard(ctx, sys, vpcdtest.Readers[0])
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
		t.Fatalf("empty wait: %v after %v", err, time.Since(start))
	}

	got := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		r, err := card.WaitForCard(ctx, sys, "")
		if err == nil && r.Name != vpcdtest.Readers[0] {
			err = errors.New("wrong reader " + r.Name)
		}
		got <- err
	}()
	time.Sleep(300 * time.Millisecond)
	remove := vpcdtest.Insert(t, 0, sim.Server(c, sim.ServeOptions{}))
	if err := <-got; err != nil {
		t.Fatal(err)
	}

	gone := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		gone <- card.WaitForRemoval(ctx, sys, vpcdtest.Readers[0])
	}()
	time.Sleep(200 * time.Millisecond)
	remove()
	if err := <-gone; err != nil {
		t.Fatal(err)
	}
}

// A transaction keeps other applications' APDUs out until it ends.
func TestTransactionIsExclusive(t *testing.T) {
	vpcdtest.Lock(t)
	vpcdtest.Insert(t, 0, sim.Server(newCard(t), sim.ServeOptions{}))
	sys, err := pcsc.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	ctx := context.Background()
	a, err := sys.Connect(ctx, vpcdtest.Readers[0])
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	other, err := pcsc.Open() // another application: its own context
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	b, err := other.Connect(ctx, vpcdtest.Readers[0])
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if a.Protocol() != "T=1" || len(a.ATR()) == 0 {
		t.Fatalf("protocol %s atr %x", a.Protocol(), a.ATR())
	}
	if err := a.Begin(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- b.Begin(ctx) }()
	select {
	case err := <-done:
		t.Fatalf("second transaction began while the first was open: %v", err)
	case <-time.After(500 * time.Millisecond):
	}
	if err := a.End(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
		b.End()
	case <-time.After(5 * time.Second):
		t.Fatal("second transaction never began")
	}
}

// Two services polled at once, as the app's home screen and a card
// operation do: the binding's shared state must not race (run with -race).
func TestConcurrentStatusQueries(t *testing.T) {
	vpcdtest.Require(t)
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		sys, err := pcsc.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer sys.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 30; j++ {
				if _, err := sys.Readers(context.Background()); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
