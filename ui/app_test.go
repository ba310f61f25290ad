package ui

import (
	"context"
	"image"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	goqr "github.com/skip2/go-qrcode"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/card/sim"
	"github.com/mynadesk/mynadesk/jpki/jpkitest"
	"github.com/mynadesk/mynadesk/ui/internal/testenv"
	"github.com/mynadesk/mynadesk/ui/qr"
	"github.com/mynadesk/mynadesk/ui/settings"
	"github.com/mynadesk/mynadesk/ui/vm"
)

func TestMain(m *testing.M) {
	if _, err := testenv.GetPKIs(); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

// harness is the app on Fyne's test driver over the virtual card and a
// real booking service on loopback.
type harness struct {
	t     *testing.T
	loop  chan func() // the UI goroutine, as the real driver has one
	env   *testenv.Env
	app   *App
	win   fyne.Window
	card  *sim.Card
	flows chan vm.FlowState
	homes chan vm.HomeState
}

func newHarness(t *testing.T, s settings.Settings) *harness {
	t.Helper()
	env, err := testenv.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(env.Close)
	fa := test.NewTempApp(t)
	w := fa.NewWindow("test")
	w.Resize(fyne.NewSize(1000, 900))
	src := env.Source()
	home := vm.NewHome(func() (card.System, error) { return env.Sys, nil }, "")
	flow := vm.NewFlow(vm.FlowDeps{Card: src, NewClient: env.NewClient, Poll: 5 * time.Millisecond,
		CardStatus: func() *card.Status { return home.State().Status }})
	diag := &vm.Diag{Open: func() (card.System, error) { return env.Sys, nil }, Version: "test"}
	if s.Lang == "" {
		s.Lang = assets.JA
	}
	h := &harness{t: t, env: env, win: w, flows: make(chan vm.FlowState, 1000), homes: make(chan vm.HomeState, 1000),
		loop: make(chan func(), 10000)}
	go func() {
		for f := range h.loop {
			f()
		}
	}()
	h.ui(func() {
		h.app = New(fa, w, Deps{Settings: s, Home: home, Flow: flow, Diag: diag, Version: "test",
			Do: func(f func()) { h.loop <- f }})
	})
	// Registered after the screens: when a state arrives here, the screens
	// have rendered it (the test driver runs fyne.Do inline).
	flow.OnChange(func(st vm.FlowState) { h.flows <- st })
	home.OnChange(func(st vm.HomeState) { h.homes <- st })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { home.Run(ctx); close(done) }()
	t.Cleanup(func() { flow.Reset(); cancel(); <-done; h.ui(func() {}) })
	h.ui(w.Show)
	return h
}

// ui runs f on the UI goroutine and waits: every widget is touched there,
// as with the real driver, so the race detector checks the threading.
func (h *harness) ui(f func()) {
	done := make(chan struct{})
	h.loop <- func() { defer close(done); f() }
	<-done
}

func (h *harness) insert(holder jpkitest.Holder, p *jpkitest.PKI, tries map[card.PIN]int, f sim.Faults) {
	h.t.Helper()
	c, err := testenv.Card(holder, p, tries)
	if err != nil {
		h.t.Fatal(err)
	}
	h.card = c
	h.env.Insert(c, f)
}

func (h *harness) waitHome(sit vm.Situation) {
	h.t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case s := <-h.homes:
			if s.Situation == sit {
				h.ui(func() {}) // the screens have rendered it
				return
			}
		case <-timeout:
			h.t.Fatalf("home never reached %v", sit)
		}
	}
}

func (h *harness) waitFlow(what string, ok func(vm.FlowState) bool) {
	h.t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case s := <-h.flows:
			if ok(s) {
				h.ui(func() {}) // the screens have rendered it
				return
			}
		case <-timeout:
			h.t.Fatalf("flow never reached %s; now %+v", what, h.app.d.Flow.State())
		}
	}
}

func (h *harness) waitPhase(p vm.Phase) {
	h.t.Helper()
	h.waitFlow(p.String(), func(s vm.FlowState) bool { return s.Phase == p })
}

func (h *harness) waitPIN(p card.PIN) {
	h.t.Helper()
	h.waitFlow("PIN "+p.String(), func(s vm.FlowState) bool { return s.Phase == vm.PhasePIN && s.PIN == p })
}

// screenText is every text drawn in the window now.
func (h *harness) screenText() string {
	var b strings.Builder
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return // nor anything inside
		}
		switch x := o.(type) {
		case *canvas.Text:
			b.WriteString(x.Text)
			b.WriteString("\n")
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				walk(c)
			}
		}
	}
	h.ui(func() { walk(h.win.Content()) })
	return b.String()
}

func (h *harness) wantText(parts ...string) {
	h.t.Helper()
	s := h.screenText()
	for _, p := range parts {
		if !strings.Contains(strings.ReplaceAll(s, "\n", ""), p) {
			h.t.Fatalf("screen lacks %q:\n%s", p, s)
		}
	}
}

func (h *harness) noText(p string) {
	h.t.Helper()
	if s := h.screenText(); strings.Contains(strings.ReplaceAll(s, "\n", ""), p) {
		h.t.Fatalf("screen shows %q:\n%s", p, s)
	}
}

// session creates a session whose page confirms by itself and types its
// link into the session field, then presses Enter (as a QR scanner does).
func (h *harness) session() booking.Ref {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	h.t.Cleanup(cancel)
	ref, tok, err := h.env.Session(ctx, booking.ModeTwoStep)
	if err != nil {
		h.t.Fatal(err)
	}
	go h.env.Confirm(ctx, ref, tok)
	h.ui(func() {
		h.win.Canvas().Focus(h.app.home.session)
		test.Type(h.app.home.session, ref.URL())
		h.app.home.session.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	return ref
}

// typePIN types into the PIN field and presses Enter.
func (h *harness) typePIN(pin string) {
	h.t.Helper()
	h.ui(func() {
		e := h.app.flow.pin
		h.win.Canvas().Focus(e)
		test.Type(e, pin)
		e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
}

func TestHomeShowsCardAndCounters(t *testing.T) {
	h := newHarness(t, settings.Settings{})
	h.waitHome(vm.SitNoCard)
	h.wantText("カードリーダーにマイナンバーカードを置いてください")
	h.insert(testenv.Hanako, h.env.PKIs.Valid, map[card.PIN]int{card.PINSign: 1}, sim.Faults{})
	h.waitHome(vm.SitCard)
	h.wantText("カードが置かれています: マイナンバーカード",
		"券面事項入力補助用パスワード(数字4桁): 残り3回(最大3回)",
		"署名用パスワード(英数字6～16文字): 残り1回(最大5回)",
		"残り回数を確かめても、回数は減りません。")
	// The 利用者証明用 PIN is never used by this procedure: not listed.
	h.noText("利用者証明用")
	h.env.Sys.Remove(testenv.Reader)
	h.waitHome(vm.SitNoCard)
	h.noText("残り3回(最大3回)")
	h.wantText("カードの置き方", "差し込む(接触型)カードリーダー", "置く(非接触型)カードリーダー")
}

func TestBothStepsByKeyboard(t *testing.T) {
	h := newHarness(t, settings.Settings{})
	h.insert(testenv.Hanako, h.env.PKIs.Valid, nil, sim.Faults{})
	h.waitHome(vm.SitCard)
	h.session()
	h.waitPIN(card.PINHelper)
	h.wantText("① マイナンバーカードの読み取り", "読み取り", "署名", "券面事項入力補助用パスワードを入力してください(数字4桁)",
		"残りの入力回数: 3回(最大3回)", "※読み取りには数字4桁のパスワードが必要です。3回連続で間違えるとマイナンバーカードがロックされますのでご注意ください。",
		"パスワードを表示する")
	var focused bool
	h.ui(func() { focused = h.win.Canvas().Focused() == h.app.flow.pin })
	if !focused {
		t.Fatal("the PIN field does not have the focus")
	}
	// A wrong shape is refused on the spot and costs nothing.
	h.typePIN("12")
	h.wantText("パスワードの形式が正しくありません")
	if n := h.card.TriesLeft(card.PINHelper); n != 3 || h.app.d.Flow.State().Phase != vm.PhasePIN {
		t.Fatalf("wrong shape: tries %d, phase %v", n, h.app.d.Flow.State().Phase)
	}
	// The field is masked until the toggle is on.
	var masked, shown bool
	h.ui(func() {
		masked = h.app.flow.pin.Password
		test.Tap(h.app.flow.show)
		shown = !h.app.flow.pin.Password
		h.app.flow.pin.SetText("")
	})
	if !masked || !shown {
		t.Fatalf("masked %v, shown with the toggle %v", masked, shown)
	}
	h.typePIN(testenv.HelperPIN)
	h.waitPIN(card.PINSign)
	h.wantText("マイナンバーカードの読み込みに成功しました。", "② 電子署名", "署名する内容",
		"署名用パスワードを入力してください(英数字6～16文字)", "残りの入力回数: 5回(最大5回)",
		"※半角の6文字から16文字の英数字のパスワードが必要です。")
	// What is signed, readable: labelled, in words, in Japan time.
	h.wantText("サービス", "施設予約システム(http://", "登録日時", "ログインID", "tarou1234567", "氏名", "公的　花子", "住所",
		"東京都千代田区霞が関２－１－２", "生年月日", "2000年1月1日", "性別", "女性", "詳細(署名する文字そのもの)を見る")
	h.noText("mynadesk-booking-content/1")
	h.noText("sex: 2")
	h.ui(func() { test.Tap(h.app.flow.detailToggle) })
	h.wantText("mynadesk-booking-content/1", "sex: 2")
	h.typePIN(strings.ToLower(testenv.SignPIN)) // case-insensitive for the resident
	h.waitPhase(vm.PhaseDone)
	h.wantText("電子署名処理に成功しました。", "本人確認が完了しました", "予約サイトの画面で【完了する】を押してください。")
	// Nothing is focused on the verdict: an Enter left over from the
	// password does not leave it; the resident presses the button.
	var onVerdict fyne.Focusable
	h.ui(func() { onVerdict = h.win.Canvas().Focused() })
	if onVerdict != nil {
		t.Fatalf("focus on the verdict: %T", onVerdict)
	}
	h.ui(func() { test.Tap(h.app.flow.back) })
	if st := h.app.d.Flow.State(); st.Phase != vm.PhaseIdle {
		t.Fatalf("after the button: %v", st.Phase)
	}
	h.wantText("予約サイトの手続きを開く")
	if h.sessionText() != "" {
		t.Fatal("the session field kept the last resident's link")
	}
}

func TestLastTryConfirmation(t *testing.T) {
	h := newHarness(t, settings.Settings{})
	h.insert(testenv.Hanako, h.env.PKIs.Valid, map[card.PIN]int{card.PINHelper: 1}, sim.Faults{})
	h.session()
	h.waitPIN(card.PINHelper)
	h.wantText("残りの入力回数: 1回(最大3回)", "最後の1回です", "次に間違えるとロックされます。")
	h.typePIN(testenv.HelperPIN)
	var asked bool
	h.ui(func() { asked = h.app.flow.confirm.Visible() && h.win.Canvas().Focused() == h.app.flow.no })
	if !asked {
		t.Fatal("no confirmation before the last try, or it does not start on 「いいえ、入力し直す」")
	}
	if n := h.card.TriesLeft(card.PINHelper); n != 1 {
		t.Fatalf("the last try was used without confirmation: %d", n)
	}
	// 「はい」 takes no Enter, even with the focus on it: only a press.
	h.ui(func() {
		h.win.Canvas().Focus(h.app.flow.yes)
		h.app.flow.yes.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	if n := h.card.TriesLeft(card.PINHelper); n != 1 || h.app.d.Flow.State().Phase != vm.PhasePIN {
		t.Fatalf("Enter on 「はい」 used the last try: %d", n)
	}
	h.ui(func() { test.Tap(h.app.flow.yes) })
	h.waitPIN(card.PINSign)
}

// Trap 1: Enter twice on the last try (the second 150 ms later, before
// the confirmation is read) never sends the PIN.
func TestTwoEntersOnTheLastTryNeverSendThePIN(t *testing.T) {
	h := newHarness(t, settings.Settings{})
	h.insert(testenv.Hanako, h.env.PKIs.Valid, map[card.PIN]int{card.PINHelper: 1}, sim.Faults{})
	h.session()
	h.waitPIN(card.PINHelper)
	h.ui(func() {
		e := h.app.flow.pin
		h.win.Canvas().Focus(e)
		test.Type(e, "9999") // wrong: sending it would lock the card
		e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	time.Sleep(150 * time.Millisecond)
	for i := 0; i < 3; i++ { // Enter again, on whatever has the focus
		h.ui(func() {
			if f := h.win.Canvas().Focused(); f != nil {
				f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			} else {
				test.TypeOnCanvas(h.win.Canvas(), "\n")
			}
		})
	}
	h.ui(func() {})
	if n := h.card.TriesLeft(card.PINHelper); n != 1 {
		t.Fatalf("Enter twice used the last try: %d left", n)
	}
	if st := h.app.d.Flow.State(); st.Phase != vm.PhasePIN {
		t.Fatalf("phase %v after the Enters", st.Phase)
	}
}

// Trap 2: Enter twice on a normal PIN: the second Enter, while the card
// is read, cancels nothing; Escape neither.
func TestEnterDuringAReadNeverCancels(t *testing.T) {
	h := newHarness(t, settings.Settings{})
	// A slow card, as a real reader takes 1–3 s.
	h.insert(testenv.Hanako, h.env.PKIs.Valid, nil, sim.Faults{APDULatency: 60 * time.Millisecond})
	h.session()
	h.waitPIN(card.PINHelper)
	h.typePIN(testenv.HelperPIN)
	h.waitPhase(vm.PhaseCard)
	var focused fyne.Focusable
	h.ui(func() {
		focused = h.win.Canvas().Focused()
		for _, k := range []fyne.KeyName{fyne.KeyReturn, fyne.KeyEnter, fyne.KeyEscape, fyne.KeySpace} {
			if f := h.win.Canvas().Focused(); f != nil {
				f.TypedKey(&fyne.KeyEvent{Name: k})
			}
			h.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: k})
		}
	})
	if focused != nil {
		t.Fatalf("focus during the read: %T", focused)
	}
	h.wantText("読み取り中です。カードを動かさずにお待ちください。", "中止する")
	h.waitPIN(card.PINSign)
	// The visible 中止する asks while the card works, and 「はい」 takes no Enter.
	h.typePIN(testenv.SignPIN)
	h.waitPhase(vm.PhaseCard)
	h.ui(func() { test.Tap(h.app.flow.cancel) })
	h.wantText("中止しますか？", "いいえ、続ける", "はい、中止する")
	h.ui(func() { test.Tap(h.app.flow.cancelNo) })
	h.waitPhase(vm.PhaseDone)
}

func TestWrongThenBlockedPIN(t *testing.T) {
	h := newHarness(t, settings.Settings{})
	h.insert(testenv.Hanako, h.env.PKIs.Valid, map[card.PIN]int{card.PINHelper: 2}, sim.Faults{})
	h.session()
	h.waitPIN(card.PINHelper)
	h.typePIN("9999")
	h.waitPhase(vm.PhaseError)
	h.wantText("パスワードが違います", "エラーコード: P02", "残り1回", "対処方法")
	h.ui(func() { test.Tap(h.app.flow.retry) })
	h.waitPIN(card.PINHelper)
	h.wantText("残りの入力回数: 1回(最大3回)")
	h.typePIN("9999")
	h.ui(func() { test.Tap(h.app.flow.yes) })
	h.waitPhase(vm.PhaseError)
	h.wantText("券面事項入力補助用パスワードがロックされています", "エラーコード: P03", "市区町村の窓口")
	var retry bool
	h.ui(func() { retry = h.app.flow.retry != nil })
	if retry {
		t.Fatal("retry offered for a blocked PIN")
	}
}

func TestCardRemovedMidRead(t *testing.T) {
	h := newHarness(t, settings.Settings{})
	h.insert(testenv.Hanako, h.env.PKIs.Valid, nil, sim.Faults{RemoveAfter: 5}) // the READ BINARY of attrs (6 APDUs)
	ref := h.session()
	h.waitPIN(card.PINHelper)
	h.typePIN(testenv.HelperPIN)
	h.waitPhase(vm.PhaseError)
	h.wantText("エラーコード: 13100", "カードの読み取り中にカードが離れました", "もう一度読み取る")
	h.noText("マイナンバーカードの読み込みに成功しました。")
	pv, err := h.env.Peek(context.Background(), ref.Code)
	if err != nil || pv.Next != booking.NextAttributes {
		t.Fatalf("session after a half read: %+v %v", pv, err)
	}
	h.insert(testenv.Hanako, h.env.PKIs.Valid, nil, sim.Faults{})
	h.ui(func() { test.Tap(h.app.flow.retry) })
	h.waitPIN(card.PINHelper)
}

func TestServiceDown(t *testing.T) {
	h := newHarness(t, settings.Settings{})
	h.insert(testenv.Hanako, h.env.PKIs.Valid, nil, sim.Faults{})
	ref, _, err := h.env.Session(context.Background(), booking.ModeTwoStep)
	if err != nil {
		t.Fatal(err)
	}
	h.env.Down.Store(true)
	h.app.HandleLink(ref.Link()) // as a mynadesk:// link from the page (any goroutine)
	h.waitPhase(vm.PhaseError)
	h.wantText("予約サイトに接続できません", "エラーコード: S08", "もう一度試す")
	h.env.Down.Store(false)
	h.ui(func() { test.Tap(h.app.flow.retry) })
	h.waitPIN(card.PINHelper)
}

func TestVerdictScreens(t *testing.T) {
	p, _ := testenv.GetPKIs()
	for _, tc := range []struct {
		name  string
		pki   *jpkitest.PKI
		other bool
		want  []string
	}{
		{"code21", p.Expired, false, []string{"失効済みのマイナンバーカードの可能性があります。(Code: 21)", "証明書の有効期限が切れています。"}},
		{"code23", p.Revoked, false, []string{"失効済みのマイナンバーカードの可能性があります。(Code: 23)", "証明書が失効されています。"}},
		{"mismatch", p.Other, false, []string{"入力された利用者情報と読み取られたカードの情報が一致しません", "もう一度署名する"}},
		{"other", p.Valid, true, []string{"(Code: 30)", "時間をおいて、再度、署名確認を行ってください。",
			"サービス側で確認できませんでした", "マイナンバーカードが使えないという意味ではありません。", "もう一度署名する"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, settings.Settings{})
			h.env.Other.Store(tc.other)
			h.insert(testenv.Hanako, tc.pki, nil, sim.Faults{})
			h.session()
			h.waitPIN(card.PINHelper)
			h.typePIN(testenv.HelperPIN)
			h.waitPIN(card.PINSign)
			h.typePIN(testenv.SignPIN)
			h.waitPhase(vm.PhaseDone)
			h.wantText(tc.want...)
			// One verdict per screen: no green success over the red one.
			h.noText("電子署名処理に成功しました。")
			h.noText("本人確認が完了しました")
			if tc.name == "other" {
				// 「もう一度署名する」: step 2 again, the session allows it.
				h.env.Other.Store(false)
				h.ui(func() { test.Tap(h.app.flow.again) })
				h.waitPIN(card.PINSign)
				h.typePIN(testenv.SignPIN)
				h.waitPhase(vm.PhaseDone)
				h.wantText("本人確認が完了しました")
			}
		})
	}
}

func TestEscapeCancelsWithoutATry(t *testing.T) {
	h := newHarness(t, settings.Settings{})
	h.insert(testenv.Hanako, h.env.PKIs.Valid, nil, sim.Faults{})
	h.session()
	h.waitPIN(card.PINHelper)
	h.ui(func() {
		test.Type(h.app.flow.pin, "12")
		h.app.flow.pin.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	})
	h.waitPhase(vm.PhaseError)
	// A cancel is the resident's choice: said plainly, not as an error.
	h.wantText("手続きを中止しました", "パスワードの入力回数は減っていません。")
	h.noText("エラーコード")
	h.noText("診断レポート")
	if n := h.card.TriesLeft(card.PINHelper); n != 3 {
		t.Fatalf("cancel used a try: %d", n)
	}
	// Escape again leaves the note for the start (nothing is focused).
	h.ui(func() { h.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape}) })
	if h.app.d.Flow.State().Phase != vm.PhaseIdle {
		t.Fatal("Escape did not go back")
	}
}

func TestBadSessionInput(t *testing.T) {
	h := newHarness(t, settings.Settings{Service: "https://booking.example.jp"})
	h.ui(func() {
		test.Type(h.app.home.session, "ABCD-EFGX")
		h.app.home.session.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	h.wantText("セッションコードが正しくありません", "エラーコード: S05")
	if h.app.d.Flow.State().Phase != vm.PhaseIdle {
		t.Fatal("a mistyped code started a session")
	}
}

func TestKioskResetForgetsTheResident(t *testing.T) {
	hash, _ := settings.HashAdminPIN("2468")
	h := newHarness(t, settings.Settings{Kiosk: true, IdleTimeout: time.Hour, AdminPINHash: hash})
	h.insert(testenv.Hanako, h.env.PKIs.Valid, nil, sim.Faults{})
	h.waitHome(vm.SitCard)
	h.noText("診断") // nothing but the guarded settings in the navigation
	h.session()
	h.waitPIN(card.PINHelper)
	h.typePIN(testenv.HelperPIN)
	h.waitPIN(card.PINSign)
	h.typePIN(testenv.SignPIN)
	h.waitPhase(vm.PhaseDone)
	// The resident takes the card: back to the start, everything forgotten.
	h.env.Sys.Remove(testenv.Reader)
	h.waitFlow("reset", func(s vm.FlowState) bool { return s.Phase == vm.PhaseIdle })
	if st := h.app.d.Flow.State(); st != (vm.FlowState{}) {
		t.Fatalf("state kept after reset: %+v", st)
	}
	h.noText("操作がなかったため")
	if h.sessionText() != "" {
		t.Fatal("session field not cleared")
	}
	// Idle timeout while a PIN is being asked: reset too.
	h.ui(func() { h.app.kiosk.Enable(true, 50*time.Millisecond) })
	h.insert(testenv.Hanako, h.env.PKIs.Valid, nil, sim.Faults{})
	h.session()
	h.waitPIN(card.PINHelper)
	h.waitFlow("idle reset", func(s vm.FlowState) bool { return s.Phase == vm.PhaseIdle })
	h.wantText("操作がなかったため、最初の画面に戻りました。")
	if n := h.card.TriesLeft(card.PINHelper); n != 3 {
		t.Fatalf("idle reset used a try: %d", n)
	}
	// Settings are behind the administrator PIN.
	h.ui(func() {
		h.app.kiosk.Enable(true, time.Hour)
		h.app.goPage(pageSettings)
	})
	h.wantText("設定を変更するには管理者パスワードを入力してください")
	h.ui(func() {
		test.Type(h.app.setts.adminPIN, "1111")
		h.app.setts.adminPIN.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	h.wantText("管理者パスワードが違います")
	h.ui(func() {
		test.Type(h.app.setts.adminPIN, "2468")
		h.app.setts.adminPIN.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	h.wantText("予約サイトのURL", "窓口端末モード(全画面)")
}

func TestDiagnosticsScreen(t *testing.T) {
	h := newHarness(t, settings.Settings{})
	h.insert(testenv.Hanako, h.env.PKIs.Valid, nil, sim.Faults{})
	h.ui(h.app.RunDiagnostics)
	deadline := time.Now().Add(10 * time.Second)
	var txt string
	var qrShown bool
	for !qrShown && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		h.ui(func() { qrShown, txt = h.app.diag.qr.Resource != nil, h.app.diag.text.Text })
	}
	if !qrShown || !strings.Contains(txt, "kind: mynumber-card") || !strings.Contains(txt, "pin sign: 5/5") {
		t.Fatalf("report: %q", txt)
	}
	for _, personal := range []string{"花子", "霞が関", "20000101"} {
		if strings.Contains(txt, personal) {
			t.Fatalf("report shows %q", personal)
		}
	}
	path := t.TempDir() + "/r.json"
	var err error
	var clip string
	h.ui(func() {
		err = h.app.diag.SaveReport(path)
		h.app.diag.copyReport()
		clip = h.app.fa.Clipboard().Content()
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(clip, "mynadesk diagnostic report") {
		t.Fatal("report not copied")
	}
}

func TestSettingsScreenSavesAndSwitchesLanguage(t *testing.T) {
	h := newHarness(t, settings.Settings{IdleTimeout: 2 * time.Minute})
	path := t.TempDir() + "/s.yaml"
	st, _, err := settings.Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	h.ui(func() {
		h.app.d.Store = st
		h.app.goPage(pageSettings)
		h.app.setts.service.SetText("https://booking.example.jp")
		h.app.setts.lang.SetSelected("English")
		h.app.setts.Save()
	})
	_, got, err := settings.Load(path, nil)
	if err != nil || got.Lang != assets.EN || got.Service != "https://booking.example.jp" {
		t.Fatalf("saved %+v %v", got, err)
	}
	h.wantText("Open the booking site's procedure")
	// Kiosk mode without an administrator PIN is refused.
	h.ui(func() {
		h.app.goPage(pageSettings)
		h.app.setts.kiosk.SetChecked(true)
		h.app.setts.Save()
	})
	h.wantText("Kiosk mode needs an administrator password")
}

func TestScannerTypesIntoTheSessionField(t *testing.T) {
	h := newHarness(t, settings.Settings{})
	h.insert(testenv.Hanako, h.env.PKIs.Valid, nil, sim.Faults{})
	ref, _, err := h.env.Session(context.Background(), booking.ModeTwoStep)
	if err != nil {
		t.Fatal(err)
	}
	// Nothing focused: a scanner's keystrokes still reach the field.
	h.ui(func() {
		h.win.Canvas().Unfocus()
		test.TypeOnCanvas(h.win.Canvas(), ref.URL())
		h.win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	h.waitPIN(card.PINHelper)
}

func TestClipboardImageQR(t *testing.T) {
	h := newHarness(t, settings.Settings{})
	h.insert(testenv.Hanako, h.env.PKIs.Valid, nil, sim.Faults{})
	ref, _, err := h.env.Session(context.Background(), booking.ModeTwoStep)
	if err != nil {
		t.Fatal(err)
	}
	code, err := goqr.New(ref.URL(), goqr.Medium)
	if err != nil {
		t.Fatal(err)
	}
	h.ui(func() {
		h.app.d.ClipboardImage = qr.ImageCapturer{Image: code.Image(300)}
		h.app.fa.Clipboard().SetContent("")
		h.app.home.clipboard()
	})
	h.waitPIN(card.PINHelper)
	if st := h.app.d.Flow.State(); st.Ref != ref {
		t.Fatalf("opened %+v, want %+v", st.Ref, ref)
	}
}

func TestScreenQR(t *testing.T) {
	h := newHarness(t, settings.Settings{})
	h.insert(testenv.Hanako, h.env.PKIs.Valid, nil, sim.Faults{})
	ref, _, err := h.env.Session(context.Background(), booking.ModeTwoStep)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := goqr.New(ref.URL(), goqr.Medium)
	h.ui(func() {
		h.app.d.Capture = qr.ImageCapturer{Image: code.Image(300)}
		h.app.ScanScreen()
	})
	h.waitPIN(card.PINHelper)
	// A screen without a QR code says so.
	h.ui(func() {
		h.app.backHome()
		h.app.d.Capture = qr.ImageCapturer{Image: image.NewRGBA(image.Rect(0, 0, 200, 200))}
		h.app.ScanScreen()
	})
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(h.screenText(), "二次元コードが見つかりませんでした") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	h.wantText("二次元コードが見つかりませんでした")
}

func (h *harness) sessionText() string {
	var s string
	h.ui(func() { s = h.app.home.session.Text })
	return s
}

func TestImageFileQR(t *testing.T) {
	h := newHarness(t, settings.Settings{})
	h.insert(testenv.Hanako, h.env.PKIs.Valid, nil, sim.Faults{})
	ref, _, err := h.env.Session(context.Background(), booking.ModeTwoStep)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := goqr.New(ref.URL(), goqr.Medium)
	path := t.TempDir() + "/qr.png"
	if err := code.WriteFile(256, path); err != nil {
		t.Fatal(err)
	}
	h.ui(func() { h.app.ScanFile(path) })
	h.waitPIN(card.PINHelper)
}

// The manual has the resident press 【アプリを起動する】 again for step 2:
// the session in progress goes on, nothing is asked twice.
func TestLinkAgainForStep2(t *testing.T) {
	h := newHarness(t, settings.Settings{})
	h.insert(testenv.Hanako, h.env.PKIs.Valid, nil, sim.Faults{})
	ref, tok, err := h.env.Session(context.Background(), booking.ModeTwoStep)
	if err != nil {
		t.Fatal(err)
	}
	h.app.HandleLink(ref.Link())
	h.waitPIN(card.PINHelper)
	h.typePIN(testenv.HelperPIN)
	h.waitPhase(vm.PhaseWaitingPage)
	h.app.HandleLink(ref.Link())
	other, _, err := h.env.Session(context.Background(), booking.ModeTwoStep)
	if err != nil {
		t.Fatal(err)
	}
	h.app.HandleLink(other.Link())
	h.ui(func() {})
	if st := h.app.d.Flow.State(); st.Ref != ref || st.Phase != vm.PhaseWaitingPage {
		t.Fatalf("a link interrupted the session: %+v", st)
	}
	if err := h.env.Confirm(context.Background(), ref, tok); err != nil {
		t.Fatal(err)
	}
	h.waitPIN(card.PINSign)
}

// The flow screen shows the confirmation number the booking page shows.
func TestFlowShowsConfirmationNumber(t *testing.T) {
	h := newHarness(t, settings.Settings{})
	h.insert(testenv.Hanako, h.env.PKIs.Valid, nil, sim.Faults{})
	h.waitHome(vm.SitCard)
	ref := h.session()
	h.waitPIN(card.PINHelper)
	in, err := h.env.Peek(context.Background(), ref.Code)
	if err != nil || in.Claim == nil || len(in.Claim.Number) != 4 {
		t.Fatalf("claim %+v %v", in.Claim, err)
	}
	h.wantText("確認番号 " + in.Claim.Number)
}

// Fyne's own dialogs speak Japanese, and in kiosk mode there is neither a
// file dialog to open nor a keyboard hint.
func TestDialogsJapaneseAndKioskWithoutFiles(t *testing.T) {
	h := newHarness(t, settings.Settings{})
	for en, ja := range map[string]string{"Open": "開く", "Save": "保存", "Cancel": "キャンセル", "New Folder": "新しいフォルダー"} {
		if got := lang.L(en); got != ja {
			t.Errorf("Fyne's %q is %q, want %q", en, got, ja)
		}
	}
	h.wantText("画像ファイルの二次元コードを読み取る", "Tab: 次の項目")
	hash, _ := settings.HashAdminPIN("staff-2468")
	k := newHarness(t, settings.Settings{Kiosk: true, IdleTimeout: time.Hour, AdminPINHash: hash})
	k.noText("画像ファイル")
	k.noText("コピーした二次元コード")
	k.noText("Tab:")
	k.noText("Enter")
	var keys int
	k.ui(func() { keys = len(k.app.home.keypad.keys) })
	if keys != 38 {
		t.Fatalf("session keypad has %d keys", keys)
	}
}

// Finding 9 on the screens themselves: no English word and no Go duration
// (「2m0s」) on the Japanese home, settings and diagnostics screens.
func TestJapaneseScreensSpeakNoEnglish(t *testing.T) {
	h := newHarness(t, settings.Settings{IdleTimeout: 2 * time.Minute})
	h.insert(testenv.Hanako, h.env.PKIs.Valid, nil, sim.Faults{})
	h.waitHome(vm.SitCard)
	allowed := map[string]bool{"mynadesk": true, "OK": true, "URL": true, "IC": true, "ID": true, "Code": true,
		"USB": true, "Tab": true, "Enter": true, "Esc": true, "English": true, "ABCD": true, "EFGH": true, "XXXX": true}
	word := regexp.MustCompile(`[A-Za-z]{2,}`)
	duration := regexp.MustCompile(`\d+(h|m|s)\d*(m|s)?\b`)
	check := func(page string) {
		for _, line := range strings.Split(h.screenText(), "\n") {
			if strings.Contains(line, "://") || strings.Contains(line, testenv.Reader) {
				continue // a URL or the reader's own name
			}
			for _, w := range word.FindAllString(line, -1) {
				if !allowed[w] {
					t.Errorf("%s: English %q in %q", page, w, line)
				}
			}
			if d := duration.FindString(line); d != "" {
				t.Errorf("%s: Go duration %q in %q", page, d, line)
			}
		}
	}
	check("home")
	h.ui(func() { h.app.goPage(pageSettings) })
	h.wantText("2分", "文字の大きさ", "標準", "特大")
	check("settings")
	h.ui(func() {
		h.app.setts.service.SetText("予約サイト") // not a URL
		h.app.setts.Save()
	})
	h.wantText("予約サイトのURLが正しくありません。")
	check("settings error")
	h.ui(func() { h.app.goPage(pageDiag) })
	check("diagnostics")
}
