package card_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/card/sim"
	"github.com/mynadesk/mynadesk/jpki/jpkitest"
)

// The holder of every test card: plainly fictional.
var holder = jpkitest.Holder{
	Name: "公的\u3000花子", Address: "東京都架空区見本町一丁目２番３号", Birth: "19900101", Sex: "2",
}

// RSA keys are slow under -race: one PKI per test binary.
var (
	pkiOnce sync.Once
	testPKI *jpkitest.PKI
	pkiErr  error
)

func pki(t testing.TB) *jpkitest.PKI {
	t.Helper()
	pkiOnce.Do(func() { testPKI, pkiErr = jpkitest.NewPKI(jpkitest.PKIOptions{Holder: holder, Now: time.Now()}) })
	if pkiErr != nil {
		t.Fatal(pkiErr)
	}
	return testPKI
}

func profile(t testing.TB) sim.Profile {
	return sim.NewProfile(holder, pki(t))
}

// rig is a driver on an in-process virtual card, with the trace and a
// recorder of what reached the card.
type rig struct {
	card  *card.Card
	sim   *sim.Card
	conn  *sim.Conn
	trace *card.Trace
	rec   *recorder
}

func newRig(t testing.TB, mod func(*sim.Profile), faults ...sim.Faults) *rig {
	t.Helper()
	p := profile(t)
	if mod != nil {
		mod(&p)
	}
	sc, err := sim.NewCard(p)
	if err != nil {
		t.Fatal(err)
	}
	var opts []sim.ConnOption
	if len(faults) > 0 {
		opts = append(opts, sim.WithFaults(faults[0]))
	}
	conn := sim.NewConn(sc, opts...)
	rec := &recorder{Conn: conn}
	tr := &card.Trace{}
	return &rig{card: card.New(rec, card.Options{Trace: tr, Logger: quiet}), sim: sc, conn: conn, trace: tr, rec: rec}
}

// recorder keeps every raw command that reached the card.
type recorder struct {
	card.Conn
	mu   sync.Mutex
	cmds [][]byte
}

func (r *recorder) Transmit(ctx context.Context, apdu []byte) ([]byte, error) {
	r.mu.Lock()
	r.cmds = append(r.cmds, append([]byte(nil), apdu...))
	r.mu.Unlock()
	return r.Conn.Transmit(ctx, apdu)
}

// Hold, Release and Insertion pass through, so the driver holds the card
// as it does on a real connection.
func (r *recorder) Hold(ctx context.Context) error { return r.Conn.(card.HoldConn).Hold(ctx) }
func (r *recorder) Release(reset bool) error       { return r.Conn.(card.HoldConn).Release(reset) }
func (r *recorder) Insertion() card.Insertion {
	return r.Conn.(card.InsertionConn).Insertion()
}

func (r *recorder) commands() [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]byte(nil), r.cmds...)
}

// verifies counts VERIFY commands that carried a PIN.
func (r *recorder) verifies() int {
	n := 0
	for _, c := range r.commands() {
		if len(c) > 5 && c[1] == card.INSVerify {
			n++
		}
	}
	return n
}

// pinFn is a PINPrompt that answers pin and records what it was told.
type pinFn struct {
	pin   string
	calls int
	tries []int
}

func (p *pinFn) prompt(_ card.PIN, tries int) ([]byte, error) {
	p.calls++
	p.tries = append(p.tries, tries)
	return []byte(p.pin), nil
}

func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// quiet keeps the driver's informational lines out of test and benchmark output.
var quiet = slog.New(slog.DiscardHandler)
