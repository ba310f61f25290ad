package vm_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/card/sim"
	"github.com/mynadesk/mynadesk/jpki/jpkitest"
	"github.com/mynadesk/mynadesk/problem"
	"github.com/mynadesk/mynadesk/ui/internal/testenv"
	"github.com/mynadesk/mynadesk/ui/vm"
)

func TestMain(m *testing.M) {
	if _, err := testenv.GetPKIs(); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

type rig struct {
	t     *testing.T
	env   *testenv.Env
	flow  *vm.Flow
	card  *sim.Card
	ch    chan vm.FlowState
	ref   booking.Ref
	token string
}

func newRig(t *testing.T) *rig {
	t.Helper()
	env, err := testenv.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(env.Close)
	r := &rig{t: t, env: env, ch: make(chan vm.FlowState, 1000)}
	r.flow = vm.NewFlow(vm.FlowDeps{Card: env.Source(), NewClient: env.NewClient, Poll: 5 * time.Millisecond})
	r.flow.OnChange(func(s vm.FlowState) { r.ch <- s })
	t.Cleanup(r.flow.Reset)
	return r
}

// insert puts a card for holder with p's certificates into the reader.
func (r *rig) insert(holder jpkitest.Holder, p *jpkitest.PKI, tries map[card.PIN]int, f sim.Faults) {
	r.t.Helper()
	c, err := testenv.Card(holder, p, tries)
	if err != nil {
		r.t.Fatal(err)
	}
	r.card = c
	r.env.Insert(c, f)
}

// start creates a session whose page confirms by itself, and opens it.
func (r *rig) start(mode booking.Mode) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	r.t.Cleanup(cancel)
	ref, tok, err := r.env.Session(ctx, mode)
	if err != nil {
		r.t.Fatal(err)
	}
	r.ref, r.token = ref, tok
	go r.env.Confirm(ctx, ref, tok)
	r.flow.Start(ref)
}

// wait returns the first state that satisfies ok.
func (r *rig) wait(what string, ok func(vm.FlowState) bool) vm.FlowState {
	r.t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case s := <-r.ch:
			if ok(s) {
				return s
			}
		case <-timeout:
			r.t.Fatalf("timed out waiting for %s; state %+v", what, r.flow.State())
		}
	}
}

func (r *rig) waitPIN(p card.PIN) vm.FlowState {
	r.t.Helper()
	return r.wait("PIN "+p.String(), func(s vm.FlowState) bool { return s.Phase == vm.PhasePIN && s.PIN == p })
}

func (r *rig) waitPhase(p vm.Phase) vm.FlowState {
	r.t.Helper()
	return r.wait(p.String(), func(s vm.FlowState) bool { return s.Phase == p })
}

func (r *rig) submit(pin string, confirm bool) {
	r.t.Helper()
	if err := r.flow.SubmitPIN([]byte(pin), confirm); err != nil {
		r.t.Fatalf("SubmitPIN: %v", err)
	}
}

func (r *rig) attributesUploaded() bool {
	pv, err := r.env.Page.PageView(context.Background(), r.ref.Code, r.token)
	if err != nil {
		r.t.Fatal(err)
	}
	return pv.Attributes != nil
}

func TestTwoStepValid(t *testing.T) {
	r := newRig(t)
	r.insert(testenv.Hanako, r.env.PKIs.Valid, nil, sim.Faults{})
	r.start(booking.ModeTwoStep)
	s := r.waitPIN(card.PINHelper)
	if s.Step != 1 || s.TriesLeft != 3 || s.LastTry {
		t.Fatalf("step 1 prompt: %+v", s)
	}
	r.submit(testenv.HelperPIN, false)
	r.waitPhase(vm.PhaseCard)
	s = r.wait("read ok", func(s vm.FlowState) bool { return s.ReadOK })
	if s.SignOK {
		t.Fatal("signed before step 2")
	}
	s = r.waitPIN(card.PINSign)
	if s.Step != 2 || s.TriesLeft != 5 || !s.ReadOK {
		t.Fatalf("step 2 prompt: %+v", s)
	}
	if s.Content == "" {
		t.Fatal("the content to sign was not shown before the signing password")
	}
	r.submit(testenv.SignPIN, false)
	s = r.waitPhase(vm.PhaseDone)
	if !s.SignOK || s.Verdict == nil || !s.Verdict.OK() || s.Verdict.Title != assets.UI.VerdictValid {
		t.Fatalf("done: %+v verdict %+v", s, s.Verdict)
	}
}

func TestWrongShapeRefusedOnTheSpot(t *testing.T) {
	r := newRig(t)
	r.insert(testenv.Hanako, r.env.PKIs.Valid, nil, sim.Faults{})
	r.start(booking.ModeTwoStep)
	r.waitPIN(card.PINHelper)
	for _, bad := range []string{"12", "12345", "12a4", ""} {
		err := r.flow.SubmitPIN([]byte(bad), false)
		var fe *card.PINFormatError
		if !errors.As(err, &fe) || problem.Of(err).Code != assets.CodePINFormat {
			t.Fatalf("SubmitPIN(%q) = %v, want a format error", bad, err)
		}
	}
	if st := r.flow.State(); st.Phase != vm.PhasePIN {
		t.Fatalf("state after a wrong shape: %v", st.Phase)
	}
	if n := r.card.TriesLeft(card.PINHelper); n != 3 {
		t.Fatalf("a wrong shape cost a try: %d left", n)
	}
}

func TestWrongPINThenRetry(t *testing.T) {
	r := newRig(t)
	r.insert(testenv.Hanako, r.env.PKIs.Valid, nil, sim.Faults{})
	r.start(booking.ModeTwoStep)
	r.waitPIN(card.PINHelper)
	r.submit("9999", false)
	s := r.waitPhase(vm.PhaseError)
	if s.Problem.Code != assets.CodePINWrong || s.Problem.TriesLeft != 2 || !s.Problem.Retry {
		t.Fatalf("wrong PIN: %+v", s.Problem)
	}
	if r.attributesUploaded() {
		t.Fatal("attributes uploaded after a wrong PIN")
	}
	r.flow.Retry()
	s = r.waitPIN(card.PINHelper)
	if s.TriesLeft != 2 {
		t.Fatalf("tries after a wrong PIN: %d", s.TriesLeft)
	}
}

func TestLastTryNeedsConfirmation(t *testing.T) {
	r := newRig(t)
	r.insert(testenv.Hanako, r.env.PKIs.Valid, map[card.PIN]int{card.PINHelper: 1}, sim.Faults{})
	r.start(booking.ModeTwoStep)
	s := r.waitPIN(card.PINHelper)
	if !s.LastTry || s.TriesLeft != 1 {
		t.Fatalf("last try not flagged: %+v", s)
	}
	if err := r.flow.SubmitPIN([]byte(testenv.HelperPIN), false); !errors.Is(err, vm.ErrConfirmLastTry) {
		t.Fatalf("unconfirmed last try: %v", err)
	}
	if n := r.card.TriesLeft(card.PINHelper); n != 1 {
		t.Fatalf("unconfirmed last try reached the card: %d", n)
	}
	r.submit(testenv.HelperPIN, true)
	r.wait("read ok", func(s vm.FlowState) bool { return s.ReadOK })
	if n := r.card.TriesLeft(card.PINHelper); n != 3 {
		t.Fatalf("counter after the right PIN: %d", n)
	}
}

func TestBlockedPIN(t *testing.T) {
	r := newRig(t)
	r.insert(testenv.Hanako, r.env.PKIs.Valid, map[card.PIN]int{card.PINHelper: 0}, sim.Faults{})
	r.start(booking.ModeTwoStep)
	s := r.waitPhase(vm.PhaseError)
	if s.Problem.Code != assets.CodePINBlockedHelp || s.Problem.Retry {
		t.Fatalf("blocked: %+v", s.Problem)
	}
}

func TestLastTryWrongBlocks(t *testing.T) {
	r := newRig(t)
	r.insert(testenv.Hanako, r.env.PKIs.Valid, map[card.PIN]int{card.PINHelper: 1}, sim.Faults{})
	r.start(booking.ModeTwoStep)
	r.waitPIN(card.PINHelper)
	r.submit("0000", true)
	s := r.waitPhase(vm.PhaseError)
	if s.Problem.Code != assets.CodePINBlockedHelp || s.Problem.Retry {
		t.Fatalf("wrong last try: %+v", s.Problem)
	}
}

func TestCardRemovedMidReadUploadsNothing(t *testing.T) {
	r := newRig(t)
	// 3 APDUs read the counter, then select, select, verify, select EF 0002:
	// the card goes away while the attributes are read.
	r.insert(testenv.Hanako, r.env.PKIs.Valid, nil, sim.Faults{RemoveAfter: 7})
	r.start(booking.ModeTwoStep)
	r.waitPIN(card.PINHelper)
	r.submit(testenv.HelperPIN, false)
	s := r.waitPhase(vm.PhaseError)
	if s.Problem.Code != assets.CodeCardMoved || !s.Problem.Retry || s.ReadOK {
		t.Fatalf("removed: %+v %+v", s, s.Problem)
	}
	if r.attributesUploaded() {
		t.Fatal("a half-read card was uploaded")
	}
	r.insert(testenv.Hanako, r.env.PKIs.Valid, nil, sim.Faults{})
	r.flow.Retry()
	r.waitPIN(card.PINHelper)
	r.submit(testenv.HelperPIN, false)
	r.waitPIN(card.PINSign)
	r.submit(testenv.SignPIN, false)
	if s := r.waitPhase(vm.PhaseDone); !s.Verdict.OK() {
		t.Fatalf("after retry: %+v", s.Verdict)
	}
}

func TestCancelAtPINCostsNoTry(t *testing.T) {
	r := newRig(t)
	r.insert(testenv.Hanako, r.env.PKIs.Valid, nil, sim.Faults{})
	r.start(booking.ModeTwoStep)
	r.waitPIN(card.PINHelper)
	r.flow.Cancel()
	s := r.waitPhase(vm.PhaseError)
	if s.Problem.Code != assets.CodeCancelled {
		t.Fatalf("cancel: %+v", s.Problem)
	}
	if n := r.card.TriesLeft(card.PINHelper); n != 3 {
		t.Fatalf("cancel cost a try: %d", n)
	}
}

func TestServiceDown(t *testing.T) {
	r := newRig(t)
	r.insert(testenv.Hanako, r.env.PKIs.Valid, nil, sim.Faults{})
	ref, _, err := r.env.Session(context.Background(), booking.ModeTwoStep)
	if err != nil {
		t.Fatal(err)
	}
	r.env.Down.Store(true)
	r.flow.Start(ref)
	s := r.waitPhase(vm.PhaseError)
	if s.Problem.Code != assets.CodeServiceDown || !s.Problem.Retry {
		t.Fatalf("down: %+v", s.Problem)
	}
}

func TestUploadHeldAndRetriedWithoutPassword(t *testing.T) {
	r := newRig(t)
	r.insert(testenv.Hanako, r.env.PKIs.Valid, nil, sim.Faults{})
	r.start(booking.ModeTwoStep)
	r.waitPIN(card.PINHelper)
	r.submit(testenv.HelperPIN, false)
	r.waitPIN(card.PINSign)
	r.env.Down.Store(true) // the signature upload fails
	r.submit(testenv.SignPIN, false)
	s := r.waitPhase(vm.PhaseError)
	if s.Problem.Code != assets.CodeServiceDown || !s.PendingUpload || !s.SignOK {
		t.Fatalf("upload failure: %+v %+v", s, s.Problem)
	}
	r.env.Down.Store(false)
	r.flow.Retry()
	s = r.wait("done or pin", func(s vm.FlowState) bool { return s.Phase == vm.PhaseDone || s.Phase == vm.PhasePIN })
	if s.Phase != vm.PhaseDone || !s.Verdict.OK() {
		t.Fatalf("retry asked again or failed: %+v", s)
	}
}

func TestVerdicts(t *testing.T) {
	p, _ := testenv.GetPKIs()
	for _, tc := range []struct {
		name    string
		pki     *jpkitest.PKI
		other   bool
		outcome booking.Outcome
		title   string
	}{
		{"expired", p.Expired, false, booking.OutcomeExpired, "失効済みのマイナンバーカードの可能性があります。(Code: 21)"},
		{"revoked", p.Revoked, false, booking.OutcomeRevoked, "失効済みのマイナンバーカードの可能性があります。(Code: 23)"},
		{"mismatch", p.Other, false, booking.OutcomeMismatch, assets.Lookup(assets.CodeSigMismatch).Title.JA},
		{"other", p.Valid, true, booking.OutcomeOther, "失効済みのマイナンバーカードの可能性があります。(Code: 30)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			r.env.Other.Store(tc.other)
			// Hanako's data with the certificates of tc.pki: for "mismatch"
			// the signing certificate is Taro's.
			r.insert(testenv.Hanako, tc.pki, nil, sim.Faults{})
			r.start(booking.ModeTwoStep)
			r.waitPIN(card.PINHelper)
			r.submit(testenv.HelperPIN, false)
			r.waitPIN(card.PINSign)
			r.submit(testenv.SignPIN, false)
			s := r.waitPhase(vm.PhaseDone)
			if s.Verdict.Outcome != tc.outcome || s.Verdict.OK() || s.Verdict.Title.JA != tc.title {
				t.Fatalf("verdict %+v", s.Verdict)
			}
			if len(s.Verdict.Remedies) == 0 || s.Verdict.Message.JA == "" {
				t.Fatalf("verdict without message or remedies: %+v", s.Verdict)
			}
		})
	}
}

func TestResetForgetsEverything(t *testing.T) {
	r := newRig(t)
	r.insert(testenv.Hanako, r.env.PKIs.Valid, nil, sim.Faults{})
	r.start(booking.ModeTwoStep)
	r.waitPIN(card.PINHelper)
	r.submit(testenv.HelperPIN, false)
	r.waitPIN(card.PINSign)
	r.flow.Reset()
	if s := r.flow.State(); s != (vm.FlowState{}) {
		t.Fatalf("state after reset: %+v", s)
	}
	if n := r.card.TriesLeft(card.PINSign); n != 5 {
		t.Fatalf("reset cost a try: %d", n)
	}
}

func TestBadSessionReference(t *testing.T) {
	for in, want := range map[string]assets.Code{
		"ABCD":                  assets.CodeSessionCode,
		"ftp://example.jp/s/xx": assets.CodeSessionRef,
	} {
		_, err := booking.ParseRef(in, "https://booking.example.jp")
		if p := problem.Of(err); p == nil || p.Code != want || p.Retry {
			t.Errorf("%q: %+v, want %s", in, p, want)
		}
	}
}

func TestOnePINSessionAsksOnlyTheSigningPassword(t *testing.T) {
	r := newRig(t)
	r.insert(testenv.Hanako, r.env.PKIs.Valid, nil, sim.Faults{})
	r.start(booking.ModeOnePIN)
	s := r.wait("first PIN", func(s vm.FlowState) bool { return s.Phase == vm.PhasePIN })
	if s.PIN != card.PINSign || s.Step != 2 || s.ReadOK {
		t.Fatalf("one-PIN prompt: %+v", s)
	}
	r.submit(testenv.SignPIN, false)
	if s := r.waitPhase(vm.PhaseDone); !s.Verdict.OK() {
		t.Fatalf("one-PIN verdict: %+v", s.Verdict)
	}
	if n := r.card.TriesLeft(card.PINHelper); n != 3 {
		t.Fatalf("helper PIN touched: %d", n)
	}
}

func TestCancelWhileTheCardSigns(t *testing.T) {
	r := newRig(t)
	r.insert(testenv.Hanako, r.env.PKIs.Valid, nil, sim.Faults{SignLatency: 10 * time.Second})
	r.start(booking.ModeTwoStep)
	r.waitPIN(card.PINHelper)
	r.submit(testenv.HelperPIN, false)
	r.waitPIN(card.PINSign)
	r.submit(testenv.SignPIN, false)
	r.waitPhase(vm.PhaseCard)
	time.Sleep(50 * time.Millisecond) // the card is computing the signature
	start := time.Now()
	r.flow.Cancel()
	s := r.waitPhase(vm.PhaseError)
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("cancel took %v", d)
	}
	if s.Problem.Code != assets.CodeCancelled || s.SignOK || s.PendingUpload {
		t.Fatalf("cancelled signing: %+v %+v", s, s.Problem)
	}
	info, err := r.env.Page.Session(context.Background(), r.ref.Code)
	if err != nil || info.Next != booking.NextSignature {
		t.Fatalf("session after a cancelled signature: %+v %v", info, err)
	}
}
