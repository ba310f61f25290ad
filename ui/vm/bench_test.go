package vm_test

import (
	"context"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/card/sim"
	"github.com/mynadesk/mynadesk/ui/internal/testenv"
	"github.com/mynadesk/mynadesk/ui/vm"
)

// BenchmarkPINToVerdict measures, on the virtual card answering each APDU
// after 20 ms and each signature after 500 ms more, the time from Enter on
// the signing password to the service's verdict (step 2: card, CMS,
// upload, verification on a loopback bookingd), and from Enter on the
// 4-digit PIN to the attributes accepted by the service (step 1).
func BenchmarkPINToVerdict(b *testing.B) {
	env, err := testenv.New(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer env.Close()
	flow := vm.NewFlow(vm.FlowDeps{Card: env.Source(), NewClient: env.NewClient, Poll: 2 * time.Millisecond})
	ch := make(chan vm.FlowState, 1000)
	flow.OnChange(func(s vm.FlowState) { ch <- s })
	wait := func(ok func(vm.FlowState) bool) {
		t := time.After(60 * time.Second)
		for {
			select {
			case s := <-ch:
				if ok(s) {
					return
				}
				if s.Phase == vm.PhaseError {
					b.Fatalf("error: %+v", s.Problem)
				}
			case <-t:
				b.Fatal("timeout")
			}
		}
	}
	var step1, step2 time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		c, err := testenv.Card(testenv.Hanako, env.PKIs.Valid, nil)
		if err != nil {
			b.Fatal(err)
		}
		env.Insert(c, sim.Faults{APDULatency: 20 * time.Millisecond, SignLatency: 500 * time.Millisecond})
		ctx, cancel := context.WithCancel(context.Background())
		ref, tok, err := env.Session(ctx, booking.ModeTwoStep)
		if err != nil {
			b.Fatal(err)
		}
		flow.Start(ref)
		wait(func(s vm.FlowState) bool { return s.Phase == vm.PhasePIN && s.PIN == card.PINHelper })
		b.StartTimer()
		t0 := time.Now()
		if err := flow.SubmitPIN([]byte(testenv.HelperPIN), false); err != nil {
			b.Fatal(err)
		}
		wait(func(s vm.FlowState) bool { return s.Phase == vm.PhaseWaitingPage })
		step1 += time.Since(t0)
		b.StopTimer()
		if err := env.Confirm(ctx, ref, tok); err != nil {
			b.Fatal(err)
		}
		wait(func(s vm.FlowState) bool { return s.Phase == vm.PhasePIN && s.PIN == card.PINSign })
		b.StartTimer()
		t0 = time.Now()
		if err := flow.SubmitPIN([]byte(testenv.SignPIN), false); err != nil {
			b.Fatal(err)
		}
		wait(func(s vm.FlowState) bool { return s.Phase == vm.PhaseDone })
		step2 += time.Since(t0)
		b.StopTimer()
		if v := flow.State().Verdict; v == nil || !v.OK() {
			b.Fatalf("verdict %+v", v)
		}
		cancel()
		flow.Reset()
	}
	b.ReportMetric(float64(step1.Milliseconds())/float64(b.N), "ms-step1-pin-to-uploaded")
	b.ReportMetric(float64(step2.Milliseconds())/float64(b.N), "ms-step2-pin-to-verdict")
}
