// Command shots runs the desktop app on the real Fyne driver against the
// virtual card and a loopback booking service, walks through every screen
// and error state, and writes a PNG of each into the directory given as
// its argument. scripts/screenshots.sh runs it under Xvfb, once per screen
// size (960×760, 1366×768, 1920×1080) and once in kiosk mode:
//
//	shots [-kiosk] WIDTHxHEIGHT OUTDIR
//
// The window is sized as the app sizes it for that screen with a 40 px
// taskbar (ui.WindowSize); in kiosk mode it is full screen.
package main

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/card/sim"
	"github.com/mynadesk/mynadesk/jpki/jpkitest"
	"github.com/mynadesk/mynadesk/ui"
	"github.com/mynadesk/mynadesk/ui/internal/testenv"
	"github.com/mynadesk/mynadesk/ui/qr"
	"github.com/mynadesk/mynadesk/ui/settings"
	"github.com/mynadesk/mynadesk/ui/vm"
)

type run struct {
	out   string
	env   *testenv.Env
	app   *ui.App
	win   fyne.Window
	home  *vm.Home
	flow  *vm.Flow
	flows chan vm.FlowState
	homes chan vm.HomeState
	n     int
	kiosk bool
}

func main() {
	args := os.Args[1:]
	kiosk := len(args) > 0 && args[0] == "-kiosk"
	if kiosk {
		args = args[1:]
	}
	var sw, sh int
	if len(args) != 2 {
		log.Fatal("usage: shots [-kiosk] WIDTHxHEIGHT OUTDIR")
	}
	if _, err := fmt.Sscanf(strings.ToLower(args[0]), "%dx%d", &sw, &sh); err != nil {
		log.Fatalf("screen size %q: %v", args[0], err)
	}
	out := args[1]
	if err := os.MkdirAll(out, 0o755); err != nil {
		log.Fatal(err)
	}
	tmp, err := os.MkdirTemp("", "shots")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	env, err := testenv.New(tmp)
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	env.Sys.Unplug(testenv.Reader) // start with no reader
	r := &run{out: out, env: env, flows: make(chan vm.FlowState, 1000), homes: make(chan vm.HomeState, 1000), kiosk: kiosk}
	r.home = vm.NewHome(func() (card.System, error) { return env.Sys, nil }, "")
	r.home.Retry = 100 * time.Millisecond
	r.flow = vm.NewFlow(vm.FlowDeps{Card: env.Source(), NewClient: env.NewClient, Poll: 20 * time.Millisecond,
		CardStatus: func() *card.Status { return r.home.State().Status }})
	diag := &vm.Diag{Open: func() (card.System, error) { return env.Sys, nil }, Version: "screenshots"}
	fa := app.NewWithID("jp.mynadesk.screenshots")
	r.win = fa.NewWindow("mynadesk")
	r.win.Resize(ui.WindowSize(fyne.NewSize(float32(sw), float32(sh-40))))
	r.app = ui.New(fa, r.win, ui.Deps{Settings: settings.Settings{Lang: assets.JA, IdleTimeout: time.Hour, Kiosk: kiosk},
		Home: r.home, Flow: r.flow, Diag: diag, Version: "screenshots", Fullscreen: r.win.SetFullScreen, Capture: qr.X11})
	r.flow.OnChange(func(s vm.FlowState) { r.flows <- s })
	r.home.OnChange(func(s vm.HomeState) { r.homes <- s })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.home.Run(ctx)
	go func() {
		defer fyne.Do(fa.Quit)
		walk := r.walk
		if kiosk {
			walk = r.walkKiosk
		}
		if err := walk(); err != nil {
			log.Print(err)
			os.Exit(1)
		}
	}()
	r.win.ShowAndRun()
}

// shot waits for the screen to settle and saves it.
func (r *run) shot(name string) {
	if r.n == 0 {
		// The first frames under Xvfb's software GL come late: the state
		// is on screen only after them.
		time.Sleep(2 * time.Second)
	}
	time.Sleep(400 * time.Millisecond)
	r.capture(name)
}

func (r *run) capture(name string) {
	r.n++
	path := filepath.Join(r.out, fmt.Sprintf("%02d-%s.png", r.n, name))
	// What the X server shows (ImageMagick), cropped to the window at the
	// top left corner; GL read-back of the canvas is black under Xvfb.
	// The first frame can take a while (GL start-up): a picture of one
	// colour is taken again.
	var img image.Image
	for i := 0; ; i++ {
		var err error
		img, err = qr.X11.Capture(context.Background())
		if err != nil {
			log.Fatal(err)
		}
		if !uniform(img) || i == 30 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	var size fyne.Size
	var scale float32
	fyne.DoAndWait(func() { size, scale = r.win.Canvas().Size(), r.win.Canvas().Scale() })
	rect := image.Rect(0, 0, int(size.Width*scale), int(size.Height*scale)).Intersect(img.Bounds())
	if si, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	}); ok {
		img = si.SubImage(rect)
	}
	f, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		log.Fatal(err)
	}
	log.Printf("%s", path)
}

// uniform reports whether img is one colour (nothing drawn yet).
func uniform(img image.Image) bool {
	b := img.Bounds()
	first := img.At(b.Min.X, b.Min.Y)
	r0, g0, b0, _ := first.RGBA()
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			r1, g1, b1, _ := img.At(x, y).RGBA()
			if r1 != r0 || g1 != g0 || b1 != b0 {
				return false
			}
		}
	}
	return true
}

func (r *run) waitHome(s vm.Situation) {
	t := time.After(20 * time.Second)
	for {
		select {
		case st := <-r.homes:
			if st.Situation == s {
				return
			}
		case <-t:
			log.Fatalf("home never reached %v", s)
		}
	}
}

func (r *run) waitFlow(what string, ok func(vm.FlowState) bool) {
	t := time.After(30 * time.Second)
	for {
		select {
		case st := <-r.flows:
			if ok(st) {
				return
			}
		case <-t:
			log.Fatalf("flow never reached %s: %+v", what, r.flow.State())
		}
	}
}

func (r *run) phase(p vm.Phase) {
	r.waitFlow(p.String(), func(s vm.FlowState) bool { return s.Phase == p })
}

func (r *run) pin(p card.PIN) {
	r.waitFlow("pin", func(s vm.FlowState) bool { return s.Phase == vm.PhasePIN && s.PIN == p })
}

func (r *run) insert(h jpkitest.Holder, p *jpkitest.PKI, tries map[card.PIN]int, f sim.Faults) {
	c, err := testenv.Card(h, p, tries)
	if err != nil {
		log.Fatal(err)
	}
	// Take the previous card out first, as a resident does: a swap
	// without a gap is no change to PC/SC. The home screen is followed to
	// "no card" so a later wait for a card sees this card, not the last.
	if st := r.home.State(); st.Situation == vm.SitCard || st.Situation == vm.SitChecking || st.Situation == vm.SitError {
		r.env.Sys.Remove(testenv.Reader)
		r.waitHome(vm.SitNoCard)
	}
	r.drain()
	r.env.Insert(c, f)
}

// drain forgets the states seen so far.
func (r *run) drain() {
	for {
		select {
		case <-r.homes:
		case <-r.flows:
		default:
			return
		}
	}
}

// session opens a new session whose page confirms by itself.
func (r *run) session() {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	ref, tok, err := r.env.Session(ctx, booking.ModeTwoStep)
	if err != nil {
		log.Fatal(err)
	}
	go func() { r.env.Confirm(ctx, ref, tok); cancel() }()
	fyne.Do(func() { r.app.HandleLink(ref.Link()) })
}

func (r *run) typePIN(pin string, confirm bool) {
	fyne.Do(func() { r.app.TypePIN(pin, confirm) })
}

func (r *run) back() {
	fyne.DoAndWait(func() { r.app.Reset() })
	time.Sleep(100 * time.Millisecond)
}

func (r *run) walk() error {
	p := r.env.PKIs
	r.waitHome(vm.SitNoReader)
	r.shot("home-no-reader")
	r.env.Sys.SetDown(true)
	r.waitHome(vm.SitNoService)
	r.shot("home-service-stopped")
	r.env.Sys.SetDown(false)
	r.env.Sys.Plug(testenv.Reader)
	r.waitHome(vm.SitNoCard)
	r.shot("home-no-card")
	prof := sim.NewProfile(testenv.Taro, p.Other)
	prof.Token = sim.TokenJuki
	juki, _ := sim.NewCard(prof)
	r.drain()
	r.env.Insert(juki, sim.Faults{})
	r.waitHome(vm.SitCard)
	r.shot("home-juki-card")
	r.insert(testenv.Hanako, p.Valid, map[card.PIN]int{card.PINSign: 2}, sim.Faults{})
	r.waitHome(vm.SitCard)
	r.shot("home-card-counters")

	fyne.Do(func() { r.app.TypeSession("ABCD-EFGX"); r.app.OpenSession("ABCD-EFGX") })
	r.shot("session-mistyped-code")
	fyne.Do(func() { r.app.TypeSession("") })

	// Step 1 and 2, with the slow card of the measurements.
	r.insert(testenv.Hanako, p.Valid, nil, sim.Faults{APDULatency: 150 * time.Millisecond, SignLatency: 2000 * time.Millisecond})
	r.waitHome(vm.SitCard)
	r.session()
	r.pin(card.PINHelper)
	r.shot("step1-pin")
	r.typePIN("12", false)
	r.shot("step1-pin-wrong-shape")
	r.typePIN(testenv.HelperPIN, false)
	r.phase(vm.PhaseCard)
	time.Sleep(150 * time.Millisecond)
	r.capture("step1-reading-hold-card")
	r.waitFlow("read ok", func(s vm.FlowState) bool { return s.ReadOK })
	r.pin(card.PINSign)
	r.shot("step2-pin-content")
	fyne.Do(r.app.ToggleContentDetail)
	r.shot("step2-content-detail")
	fyne.Do(r.app.ToggleContentDetail)
	r.typePIN(testenv.SignPIN, false)
	r.phase(vm.PhaseCard)
	r.shot("step2-signing-hold-card")
	fyne.Do(r.app.PressCancel)
	r.shot("step2-cancel-confirmation")
	fyne.Do(r.app.PressCancelNo)
	r.phase(vm.PhaseDone)
	r.shot("verdict-valid")
	r.back()

	// The page is slow to confirm: the waiting screen.
	r.insert(testenv.Hanako, p.Valid, nil, sim.Faults{})
	ctx := context.Background()
	ref, tok, _ := r.env.Session(ctx, booking.ModeTwoStep)
	fyne.Do(func() { r.app.HandleLink(ref.Link()) })
	r.pin(card.PINHelper)
	r.typePIN(testenv.HelperPIN, false)
	r.phase(vm.PhaseWaitingPage)
	r.shot("step1-done-waiting-for-page")
	r.env.Confirm(ctx, ref, tok)
	r.pin(card.PINSign)
	r.back()

	for _, v := range []struct {
		name  string
		pki   *jpkitest.PKI
		other bool
	}{{"verdict-code21-expired", p.Expired, false}, {"verdict-code23-revoked", p.Revoked, false},
		{"verdict-mismatch", p.Other, false}, {"verdict-other-code", p.Valid, true}} {
		r.env.Other.Store(v.other)
		r.insert(testenv.Hanako, v.pki, nil, sim.Faults{})
		r.session()
		r.pin(card.PINHelper)
		r.typePIN(testenv.HelperPIN, false)
		r.pin(card.PINSign)
		r.typePIN(testenv.SignPIN, false)
		r.phase(vm.PhaseDone)
		r.shot(v.name)
		r.back()
	}
	r.env.Other.Store(false)

	// PIN errors.
	r.insert(testenv.Hanako, p.Valid, map[card.PIN]int{card.PINHelper: 2}, sim.Faults{})
	r.session()
	r.pin(card.PINHelper)
	r.typePIN("9999", false)
	r.phase(vm.PhaseError)
	r.shot("error-wrong-pin")
	fyne.Do(r.flow.Retry)
	r.pin(card.PINHelper)
	r.shot("step1-last-try-warning")
	r.typePIN("9999", false)
	r.shot("step1-last-try-confirmation")
	r.typePIN("9999", true)
	r.phase(vm.PhaseError)
	r.shot("error-pin-blocked")
	r.back()
	// Stops before step 1: the card cannot finish, no PIN is asked.
	r.insert(testenv.Hanako, p.Valid, map[card.PIN]int{card.PINSign: 0}, sim.Faults{})
	r.waitHome(vm.SitCard)
	r.shot("home-signing-password-locked")
	r.session()
	r.phase(vm.PhaseError)
	r.shot("stop-signing-password-locked")
	r.back()
	child := sim.NewProfile(testenv.Hanako, p.Valid)
	child.NoSignCert = true
	cc, _ := sim.NewCard(child)
	r.env.Sys.Remove(testenv.Reader)
	r.waitHome(vm.SitNoCard)
	r.drain()
	r.env.Insert(cc, sim.Faults{})
	r.waitHome(vm.SitCard)
	r.session()
	r.phase(vm.PhaseError)
	r.shot("stop-no-signing-certificate")
	r.back()

	// The card taken away mid-read.
	r.insert(testenv.Hanako, p.Valid, nil, sim.Faults{RemoveAfter: 5}) // the READ BINARY of attrs (6 APDUs)
	r.session()
	r.pin(card.PINHelper)
	r.typePIN(testenv.HelperPIN, false)
	r.phase(vm.PhaseError)
	r.shot("error-13100-card-removed")
	r.back()
	// A card that stops answering.
	r.insert(testenv.Hanako, p.Valid, nil, sim.Faults{GarbleAfter: 5})
	r.session()
	r.pin(card.PINHelper)
	r.typePIN(testenv.HelperPIN, false)
	r.phase(vm.PhaseError)
	r.shot("error-13999-read-failure")
	r.back()

	// Cancelled, then the service down.
	r.insert(testenv.Hanako, p.Valid, nil, sim.Faults{})
	r.session()
	r.pin(card.PINHelper)
	fyne.Do(r.flow.Cancel)
	r.phase(vm.PhaseError)
	r.shot("error-cancelled")
	r.back()
	ref, _, _ = r.env.Session(ctx, booking.ModeTwoStep)
	r.env.Down.Store(true)
	fyne.Do(func() { r.app.HandleLink(ref.Link()) })
	r.phase(vm.PhaseError)
	r.shot("error-service-down")
	r.env.Down.Store(false)
	r.back()

	fyne.Do(r.app.RunDiagnostics)
	for i := 0; i < 100; i++ {
		var ok bool
		fyne.DoAndWait(func() { ok = r.app.DiagnosticsReady() })
		if ok {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	r.shot("diagnostics")
	fyne.Do(func() { r.app.ShowPage("settings") })
	r.shot("settings")

	// 特大 for the eyes that need it.
	fyne.DoAndWait(func() {
		r.app.ShowPage("home")
		s := r.app.Settings()
		s.TextSize = settings.TextHuge
		r.app.ApplySettings(s)
	})
	r.shot("home-text-huge")
	fyne.DoAndWait(func() {
		s := r.app.Settings()
		s.TextSize = settings.TextNormal
		r.app.ApplySettings(s)
	})

	fyne.DoAndWait(func() {
		s := r.app.Settings()
		s.Kiosk, s.Lang = false, assets.EN
		r.app.ApplySettings(s)
	})
	r.shot("home-english")
	r.insert(testenv.Hanako, p.Valid, nil, sim.Faults{})
	r.session()
	r.pin(card.PINHelper)
	r.shot("step1-pin-english")
	return nil
}

// walkKiosk is a counter kiosk from its first start: the staff set-up,
// then a resident by touch only.
func (r *run) walkKiosk() error {
	p := r.env.PKIs
	r.waitHome(vm.SitNoReader)
	r.shot("kiosk-first-start-setup")
	fyne.Do(func() { r.app.SetUpAdmin("staff-2468", "staff-2468") })
	r.shot("kiosk-home-no-reader")
	r.env.Sys.Plug(testenv.Reader)
	r.waitHome(vm.SitNoCard)
	r.shot("kiosk-home-no-card")
	r.insert(testenv.Hanako, p.Valid, nil, sim.Faults{})
	r.waitHome(vm.SitCard)
	fyne.Do(func() { r.app.TypeSession("ABCD-EF") })
	r.shot("kiosk-home-typing-code")
	fyne.Do(func() { r.app.TypeSession("") })
	ctx := context.Background()
	ref, tok, _ := r.env.Session(ctx, booking.ModeTwoStep)
	fyne.Do(func() { r.app.HandleLink(ref.Link()) })
	r.pin(card.PINHelper)
	r.shot("kiosk-step1-pin-keypad")
	r.typePIN(testenv.HelperPIN, false)
	r.phase(vm.PhaseWaitingPage)
	r.shot("kiosk-waiting-keep-card-in")
	r.env.Confirm(ctx, ref, tok)
	r.pin(card.PINSign)
	r.shot("kiosk-step2-pin-keypad")
	r.typePIN(testenv.SignPIN, false)
	r.phase(vm.PhaseDone)
	r.shot("kiosk-verdict-valid")
	r.env.Sys.Remove(testenv.Reader)
	r.phase(vm.PhaseIdle)
	r.shot("kiosk-after-card-removed")
	fyne.Do(func() { r.app.ShowPage("settings") })
	r.shot("kiosk-settings-locked")
	fyne.Do(func() { r.app.ShowPage("home") })
	return nil
}
