package vm_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/card/pcsc"
	"github.com/mynadesk/mynadesk/card/sim"
	"github.com/mynadesk/mynadesk/internal/pcsctest"
	"github.com/mynadesk/mynadesk/resident"
	"github.com/mynadesk/mynadesk/ui/internal/testenv"
	"github.com/mynadesk/mynadesk/ui/vm"
)

const slot = 1

func open() (card.System, error) { return pcsc.Open() }

// flowOverPCSC is a session over the real PC/SC stack: pcscd, vpcd and a
// virtual card served on slot 1.
func flowOverPCSC(t testing.TB, f sim.Faults) (*testenv.Env, *vm.Flow, chan vm.FlowState, booking.Ref) {
	t.Helper()
	pcsctest.Lock(t)
	env, err := testenv.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(env.Close)
	c, err := testenv.Card(testenv.Hanako, env.PKIs.Valid, nil)
	if err != nil {
		t.Fatal(err)
	}
	pcsctest.Insert(t, slot, c, sim.ServeOptions{Faults: f, Logger: slog.New(slog.DiscardHandler)})
	src := &resident.SystemCard{Open: open, CloseSystem: true, Logger: slog.New(slog.DiscardHandler)}
	src.SetReader(pcsctest.Readers[slot])
	flow := vm.NewFlow(vm.FlowDeps{Card: src, NewClient: env.NewClient, Poll: 5 * time.Millisecond})
	ch := make(chan vm.FlowState, 1000)
	flow.OnChange(func(s vm.FlowState) { ch <- s })
	t.Cleanup(flow.Reset)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	ref, tok, err := env.Session(ctx, booking.ModeTwoStep)
	if err != nil {
		t.Fatal(err)
	}
	go env.Confirm(ctx, ref, tok)
	flow.Start(ref)
	return env, flow, ch, ref
}

func wait(t testing.TB, ch chan vm.FlowState, ok func(vm.FlowState) bool) vm.FlowState {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case s := <-ch:
			if ok(s) {
				return s
			}
		case <-timeout:
			t.Fatal("timed out")
		}
	}
}

func TestBothStepsOverPCSC(t *testing.T) {
	_, flow, ch, _ := flowOverPCSC(t, sim.Faults{})
	s := wait(t, ch, func(s vm.FlowState) bool { return s.Phase == vm.PhasePIN })
	if s.PIN != card.PINHelper || s.TriesLeft != 3 {
		t.Fatalf("step 1: %+v", s)
	}
	if err := flow.SubmitPIN([]byte(testenv.HelperPIN), false); err != nil {
		t.Fatal(err)
	}
	wait(t, ch, func(s vm.FlowState) bool { return s.Phase == vm.PhasePIN && s.PIN == card.PINSign })
	if err := flow.SubmitPIN([]byte(testenv.SignPIN), false); err != nil {
		t.Fatal(err)
	}
	s = wait(t, ch, func(s vm.FlowState) bool { return s.Phase == vm.PhaseDone || s.Phase == vm.PhaseError })
	if s.Phase != vm.PhaseDone || !s.Verdict.OK() {
		t.Fatalf("over pcscd: %+v %+v", s.Verdict, s.Problem)
	}
}

func TestCardGoneOverPCSC(t *testing.T) {
	env, flow, ch, ref := flowOverPCSC(t, sim.Faults{RemoveAfter: 7})
	wait(t, ch, func(s vm.FlowState) bool { return s.Phase == vm.PhasePIN })
	if err := flow.SubmitPIN([]byte(testenv.HelperPIN), false); err != nil {
		t.Fatal(err)
	}
	s := wait(t, ch, func(s vm.FlowState) bool { return s.Phase == vm.PhaseError })
	if s.Problem.Code != assets.CodeCardMoved || !s.Problem.Retry {
		t.Fatalf("card gone: %+v", s.Problem)
	}
	info, err := env.Page.Session(context.Background(), ref.Code)
	if err != nil || info.Next != booking.NextAttributes {
		t.Fatalf("a half read was uploaded: %+v %v", info, err)
	}
}

func TestHomeOverPCSC(t *testing.T) {
	pcsctest.Lock(t)
	p, err := testenv.GetPKIs()
	if err != nil {
		t.Fatal(err)
	}
	home := vm.NewHome(open, pcsctest.Readers[slot])
	ch := make(chan vm.HomeState, 1000)
	home.OnChange(func(s vm.HomeState) { ch <- s })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { home.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	waitHome := func(sit vm.Situation) vm.HomeState {
		timeout := time.After(20 * time.Second)
		for {
			select {
			case s := <-ch:
				if s.Situation == sit {
					return s
				}
			case <-timeout:
				t.Fatalf("home never reached %v", sit)
			}
		}
	}
	waitHome(vm.SitNoCard)
	c, err := testenv.Card(testenv.Hanako, p.Valid, map[card.PIN]int{card.PINAuth: 2})
	if err != nil {
		t.Fatal(err)
	}
	remove := pcsctest.Insert(t, slot, c, sim.ServeOptions{Logger: slog.New(slog.DiscardHandler)})
	s := waitHome(vm.SitCard)
	if s.Status.Kind != card.KindMyNumberCard || len(s.Status.PINs) != 3 || s.Status.PINs[1].TriesLeft != 2 {
		t.Fatalf("status over pcscd: %+v", s.Status)
	}
	remove()
	waitHome(vm.SitNoCard)
}

// BenchmarkPINToVerdictPCSC is BenchmarkPINToVerdict of ui/vm over the real
// PC/SC stack: Enter on the signing password to the service's verdict, the
// virtual card answering each APDU after 20 ms and signing in 500 ms more.
func BenchmarkPINToVerdictPCSC(b *testing.B) {
	pcsctest.Lock(b)
	env, err := testenv.New(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer env.Close()
	src := &resident.SystemCard{Open: open, CloseSystem: true, Logger: slog.New(slog.DiscardHandler)}
	src.SetReader(pcsctest.Readers[slot])
	flow := vm.NewFlow(vm.FlowDeps{Card: src, NewClient: env.NewClient, Poll: 2 * time.Millisecond})
	ch := make(chan vm.FlowState, 1000)
	flow.OnChange(func(s vm.FlowState) { ch <- s })
	var step1, step2 time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		c, err := testenv.Card(testenv.Hanako, env.PKIs.Valid, nil)
		if err != nil {
			b.Fatal(err)
		}
		remove := pcsctest.Insert(b, slot, c, sim.ServeOptions{Faults: sim.Faults{APDULatency: 20 * time.Millisecond, SignLatency: 500 * time.Millisecond}, Logger: slog.New(slog.DiscardHandler)})
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		ref, tok, err := env.Session(ctx, booking.ModeTwoStep)
		if err != nil {
			b.Fatal(err)
		}
		flow.Start(ref)
		wait(b, ch, func(s vm.FlowState) bool { return s.Phase == vm.PhasePIN })
		b.StartTimer()
		t0 := time.Now()
		if err := flow.SubmitPIN([]byte(testenv.HelperPIN), false); err != nil {
			b.Fatal(err)
		}
		wait(b, ch, func(s vm.FlowState) bool { return s.Phase == vm.PhaseWaitingPage })
		step1 += time.Since(t0)
		b.StopTimer()
		if err := env.Confirm(ctx, ref, tok); err != nil {
			b.Fatal(err)
		}
		wait(b, ch, func(s vm.FlowState) bool { return s.Phase == vm.PhasePIN && s.PIN == card.PINSign })
		b.StartTimer()
		t0 = time.Now()
		if err := flow.SubmitPIN([]byte(testenv.SignPIN), false); err != nil {
			b.Fatal(err)
		}
		s := wait(b, ch, func(s vm.FlowState) bool { return s.Phase == vm.PhaseDone || s.Phase == vm.PhaseError })
		step2 += time.Since(t0)
		b.StopTimer()
		if s.Phase != vm.PhaseDone {
			b.Fatalf("%+v", s.Problem)
		}
		flow.Reset()
		cancel()
		remove()
	}
	b.ReportMetric(float64(step1.Milliseconds())/float64(b.N), "ms-step1-pin-to-uploaded")
	b.ReportMetric(float64(step2.Milliseconds())/float64(b.N), "ms-step2-pin-to-verdict")
}
