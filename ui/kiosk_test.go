package ui

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/card/sim"
	"github.com/mynadesk/mynadesk/ui/internal/testenv"
	"github.com/mynadesk/mynadesk/ui/settings"
	"github.com/mynadesk/mynadesk/ui/vm"
)

// Finding 4: a kiosk without an administrator password runs nothing but
// the staff's set-up, and an empty password never opens the settings.
func TestKioskWithoutAdminPasswordOnlySetsUp(t *testing.T) {
	h := newHarness(t, settings.Settings{Kiosk: true, IdleTimeout: time.Hour})
	h.wantText("窓口端末の準備(職員の方へ)", "管理者パスワード")
	h.noText("予約サイトの手続きを開く")
	// Neither the settings nor a session open around it.
	h.ui(func() { h.app.goPage(pageSettings) })
	h.noText("予約サイトのURL")
	h.insert(testenv.Hanako, h.env.PKIs.Valid, nil, sim.Faults{})
	ref, _, err := h.env.Session(context.Background(), booking.ModeTwoStep)
	if err != nil {
		t.Fatal(err)
	}
	h.ui(func() { h.app.OpenSession(ref.URL()) })
	if p := h.app.d.Flow.State().Phase; p != vm.PhaseIdle {
		t.Fatalf("a session started on a kiosk without a password: %v", p)
	}
	if settings.CheckAdminPIN("", "") {
		t.Fatal("an empty stored password opens the lock")
	}
	setup := func(pin, again string) {
		h.ui(func() {
			test.Type(h.app.setts.setupPIN, pin)
			test.Type(h.app.setts.setupRepeat, again)
			h.app.setts.setupRepeat.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		})
	}
	setup("", "")
	h.wantText("管理者パスワードは8文字以上にしてください")
	setup("staff-2468", "staff-2469")
	h.wantText("2回の入力が一致しません")
	setup("staff-2468", "staff-2468")
	h.wantText("予約サイトの手続きを開く")
	st := h.app.Settings()
	if !settings.CheckAdminPIN(st.AdminPINHash, "staff-2468") {
		t.Fatal("the password set is not the one stored")
	}
	// From now on the settings open with it only, never with nothing.
	h.ui(func() { h.app.goPage(pageSettings) })
	h.wantText("設定を変更するには管理者パスワードを入力してください")
	h.ui(func() { h.app.setts.adminPIN.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) })
	h.wantText("管理者パスワードが違います")
	h.noText("予約サイトのURL")
}

// Finding 5: the wait for the booking page counts as activity while the
// service holds the session, says to leave the card in, and taking the
// card out then does not reset.
func TestKioskWaitForThePageSurvivesTheIdleTimer(t *testing.T) {
	hash, _ := settings.HashAdminPIN("staff-2468")
	h := newHarness(t, settings.Settings{Kiosk: true, IdleTimeout: time.Hour, AdminPINHash: hash})
	h.insert(testenv.Hanako, h.env.PKIs.Valid, nil, sim.Faults{})
	h.waitHome(vm.SitCard)
	ref, tok, err := h.env.Session(context.Background(), booking.ModeTwoStep)
	if err != nil {
		t.Fatal(err)
	}
	h.app.HandleLink(ref.Link())
	h.waitPIN(card.PINHelper)
	h.typePIN(testenv.HelperPIN)
	h.waitPhase(vm.PhaseWaitingPage)
	h.wantText("予約サイトの画面で続けてください", "カードはリーダーに置いたままにしてください")
	h.ui(func() { h.app.kiosk.Enable(true, 40*time.Millisecond) })
	time.Sleep(300 * time.Millisecond) // many idle timeouts
	h.env.Sys.Remove(testenv.Reader)   // and the card taken out
	time.Sleep(100 * time.Millisecond)
	h.ui(func() {})
	if st := h.app.d.Flow.State(); st.Phase != vm.PhaseWaitingPage || st.Ref != ref {
		t.Fatalf("the wait was reset: %+v", st)
	}
	h.noText("操作がなかったため")
	h.ui(func() { h.app.kiosk.Enable(true, time.Hour) })
	h.insert(testenv.Hanako, h.env.PKIs.Valid, nil, sim.Faults{})
	if err := h.env.Confirm(context.Background(), ref, tok); err != nil {
		t.Fatal(err)
	}
	h.waitPIN(card.PINSign)
}

// Finding 6: the on-screen keypad types digits for the PIN and letters
// for the signing password with large keys, and never presses OK itself.
func TestKeypad(t *testing.T) {
	hash, _ := settings.HashAdminPIN("staff-2468")
	h := newHarness(t, settings.Settings{Kiosk: true, IdleTimeout: time.Hour, AdminPINHash: hash})
	h.insert(testenv.Hanako, h.env.PKIs.Valid, nil, sim.Faults{})
	h.session()
	h.waitPIN(card.PINHelper)
	var text string
	var keys int
	var small fyne.Size
	h.ui(func() {
		k := h.app.flow.keypad
		keys = len(k.keys)
		for _, b := range k.keys {
			if s := b.MinSize(); s.Height < minTarget || s.Width < minTarget {
				small = s
			}
		}
		for _, l := range []string{"1", "2", "3", "9", "9"} {
			test.Tap(k.keys[l])
		}
		test.Tap(k.keys["1文字消す"])
		text = h.app.flow.pin.Text
	})
	if keys != 12 || text != "1239" || small != (fyne.Size{}) {
		t.Fatalf("digit keypad: %d keys, typed %q, a key of %v", keys, text, small)
	}
	if h.app.d.Flow.State().Phase != vm.PhasePIN || h.card.TriesLeft(card.PINHelper) != 3 {
		t.Fatal("the keypad sent the PIN")
	}
	h.ui(func() {
		k := h.app.flow.keypad
		test.Tap(k.keys["全部消す"])
		for _, r := range testenv.HelperPIN {
			test.Tap(k.keys[string(r)])
		}
		test.Tap(h.app.flow.ok)
	})
	h.waitPIN(card.PINSign)
	h.ui(func() {
		k := h.app.flow.keypad
		keys = len(k.keys)
		for _, r := range testenv.SignPIN {
			test.Tap(k.keys[string(r)])
		}
		text = h.app.flow.pin.Text
	})
	if keys != 38 || text != testenv.SignPIN {
		t.Fatalf("letter keypad: %d keys, typed %q", keys, text)
	}
	h.ui(func() { test.Tap(h.app.flow.ok) })
	h.waitPhase(vm.PhaseDone)
}

// Nothing of one resident is left for the next: neither the clipboard nor
// the file dialog's remembered folder.
func TestKioskResetForgetsClipboardAndPreferences(t *testing.T) {
	hash, _ := settings.HashAdminPIN("staff-2468")
	h := newHarness(t, settings.Settings{Kiosk: true, IdleTimeout: time.Hour, AdminPINHash: hash})
	var clip, folder string
	h.ui(func() {
		h.app.fa.Clipboard().SetContent("https://booking.example.jp/s/ABCD-EFGH")
		h.app.fa.Preferences().SetString("fyne:fileDialogLastFolder", "file:///home/resident/Pictures")
		h.app.Reset()
		clip = h.app.fa.Clipboard().Content()
		folder = h.app.fa.Preferences().String("fyne:fileDialogLastFolder")
	})
	if clip != "" || folder != "" {
		t.Fatalf("left for the next resident: clipboard %q, folder %q", clip, folder)
	}
}

// Finding 6: the main action is in view without scrolling at 1366×768
// (with a taskbar) and 1920×1080: 開く on the home screen, the field and
// OK on both PIN screens, on a desktop and on a kiosk.
func TestMainActionInView(t *testing.T) {
	hash, _ := settings.HashAdminPIN("staff-2468")
	for _, tc := range []struct {
		name   string
		window fyne.Size
		kiosk  bool
	}{
		{"1366x768", WindowSize(fyne.NewSize(1366, 728)), false},
		{"1920x1080", WindowSize(fyne.NewSize(1920, 1040)), false},
		{"kiosk 1366x768", fyne.NewSize(1366, 768), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, settings.Settings{Kiosk: tc.kiosk, IdleTimeout: time.Hour, AdminPINHash: hash})
			h.ui(func() { h.win.Resize(tc.window) })
			inView := func(what string, o fyne.CanvasObject) {
				t.Helper()
				h.ui(func() {
					c := h.win.Canvas()
					pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
					end := pos.Add(o.Size())
					if !o.Visible() || pos.X < 0 || pos.Y < 0 || end.X > c.Size().Width+1 || end.Y > c.Size().Height+1 {
						t.Errorf("%s at %v–%v, outside the window %v", what, pos, end, c.Size())
					}
				})
			}
			h.insert(testenv.Hanako, h.env.PKIs.Valid, nil, sim.Faults{})
			h.waitHome(vm.SitCard)
			inView("開く", h.app.home.open)
			inView("the session field", h.app.home.session)
			h.session()
			h.waitPIN(card.PINHelper)
			inView("the PIN field", h.app.flow.pin)
			inView("OK", h.app.flow.ok)
			if tc.kiosk {
				inView("the keypad", h.app.flow.keypad.keys["1文字消す"])
			}
			h.typePIN(testenv.HelperPIN)
			h.waitPIN(card.PINSign)
			inView("the signing password field", h.app.flow.pin)
			inView("OK", h.app.flow.ok)
			if tc.kiosk {
				inView("the keypad", h.app.flow.keypad.keys["1文字消す"])
			}
		})
	}
}
