package vm_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/card/sim"
	"github.com/mynadesk/mynadesk/ui/internal/testenv"
	"github.com/mynadesk/mynadesk/ui/vm"
)

func TestKioskIdleAndRemoval(t *testing.T) {
	var resets, idles atomic.Int64
	k := vm.NewKiosk(func(idle bool) {
		resets.Add(1)
		if idle {
			idles.Add(1)
		}
	})
	k.Enable(true, 30*time.Millisecond)
	for i := 0; i < 5; i++ { // input keeps it alive
		time.Sleep(10 * time.Millisecond)
		k.Touch()
	}
	if resets.Load() != 0 {
		t.Fatal("reset while the resident was typing")
	}
	time.Sleep(80 * time.Millisecond)
	if resets.Load() != 1 {
		t.Fatalf("idle resets: %d", resets.Load())
	}
	k.CardRemoved(vm.PhaseCard) // mid-read: the session shows 13100 instead
	if resets.Load() != 1 {
		t.Fatal("reset while the card was read")
	}
	k.CardRemoved(vm.PhaseDone)
	if resets.Load() != 2 || idles.Load() != 1 {
		t.Fatalf("no reset when the resident took the card after the verdict (%d, %d idle)", resets.Load(), idles.Load())
	}
	k.Stop()
	k.CardRemoved(vm.PhaseDone)
	time.Sleep(50 * time.Millisecond)
	if resets.Load() != 2 {
		t.Fatal("reset with kiosk mode off")
	}
}

func TestDiagReportHasNoPersonalData(t *testing.T) {
	sys := sim.NewSystem("R1")
	c := hanakoCard(t, map[card.PIN]int{card.PINAuth: 2})
	sys.Insert("R1", c, sim.Faults{})
	d := &vm.Diag{Open: func() (card.System, error) { return sys, nil }, Version: "test"}
	r := d.Run(context.Background())
	if r.Card == nil || r.Card.Status.KindName != "mynumber-card" || len(r.Trace) == 0 {
		t.Fatalf("report: %+v", r)
	}
	text, js, compact := vm.ReportText(r), string(vm.ReportJSON(r)), vm.Compact(r)
	for _, s := range []string{text, js, compact} {
		for _, personal := range []string{"花子", "公的", "霞が関", "20000101", sim.DefaultIndividualNumber, testenv.HelperPIN} {
			if strings.Contains(s, personal) {
				t.Fatalf("report holds %q:\n%s", personal, s)
			}
		}
	}
	if !strings.Contains(compact, "auth=2/3") || !strings.Contains(compact, "kind=mynumber-card") || len(compact) > vm.MaxCompact {
		t.Fatalf("compact (%d bytes):\n%s", len(compact), compact)
	}
	png, err := vm.QRPNG(compact, 256)
	if err != nil || len(png) < 100 {
		t.Fatalf("QR: %d bytes, %v", len(png), err)
	}
	// No reader at all is a report too.
	r = (&vm.Diag{Open: func() (card.System, error) { return sim.NewSystem(), nil }}).Run(context.Background())
	if r.Code != "R01" || !strings.Contains(vm.Compact(r), "code=R01") {
		t.Fatalf("no reader: %+v", r)
	}
}
