// Command shots runs the desktop app on the real Fyne driver against the
// virtual card and a loopback booking service, walks through every screen
// and error state, and writes a PNG of each into the directory given as
// its argument. scripts/screenshots.sh runs it under Xvfb.
package main

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"log"
	"os"
	"path/filepath"
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
}

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: shots OUTDIR")
	}
	out := os.Args[1]
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
	r := &run{out: out, env: env, flows: make(chan vm.FlowState, 1000), homes: make(chan vm.HomeState, 1000)}
	r.home = vm.NewHome(func() (card.System, error) { return env.Sys, nil }, "")
	r.home.Retry = 100 * time.Millisecond
	r.flow = vm.NewFlow(vm.FlowDeps{Card: env.Source(), NewClient: env.NewClient, Poll: 20 * time.Millisecond})
	diag := &vm.Diag{Open: func() (card.System, error) { return env.Sys, nil }, Version: "screenshots"}
	fa := app.NewWithID("jp.mynadesk.screenshots")
	r.win = fa.NewWindow("mynadesk")
	r.win.Resize(fyne.NewSize(960, 760))
	r.app = ui.New(fa, r.win, ui.Deps{Settings: settings.Settings{Lang: assets.JA, IdleTimeout: time.Hour},
		Home: r.home, Flow: r.flow, Diag: diag, Version: "screenshots", Fullscreen: r.win.SetFullScreen, Capture: qr.X11})
	r.flow.OnChange(func(s vm.FlowState) { r.flows <- s })
	r.home.OnChange(func(s vm.HomeState) { r.homes <- s })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.home.Run(ctx)
	go func() {
		defer fyne.Do(fa.Quit)
		if err := r.walk(); err != nil {
			log.Print(err)
			os.Exit(1)
		}
	}()
	r.win.ShowAndRun()
}

// shot waits for the screen to settle and saves it.
func (r *run) shot(name string) {
	time.Sleep(400 * time.Millisecond)
	r.capture(name)
}

func (r *run) capture(name string) {
	r.n++
	path := filepath.Join(r.out, fmt.Sprintf("%02d-%s.png", r.n, name))
	// What the X server shows (ImageMagick), cropped to the window at the
	// top left corner; GL read-back of the canvas is black under Xvfb.
	img, err := qr.X11.Capture(context.Background())
	if err != nil {
		log.Fatal(err)
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
	// without a gap is no change to PC/SC.
	r.env.Sys.Remove(testenv.Reader)
	time.Sleep(150 * time.Millisecond)
	r.env.Insert(c, f)
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
	r.typePIN(testenv.SignPIN, false)
	r.phase(vm.PhaseCard)
	r.shot("step2-signing-hold-card")
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
	r.insert(testenv.Hanako, p.Valid, map[card.PIN]int{card.PINSign: 0}, sim.Faults{})
	r.session()
	r.pin(card.PINHelper)
	r.typePIN(testenv.HelperPIN, false)
	r.phase(vm.PhaseError)
	r.shot("error-signing-password-blocked")
	r.back()

	// The card taken away mid-read.
	r.insert(testenv.Hanako, p.Valid, nil, sim.Faults{RemoveAfter: 7})
	r.session()
	r.pin(card.PINHelper)
	r.typePIN(testenv.HelperPIN, false)
	r.phase(vm.PhaseError)
	r.shot("error-13100-card-removed")
	r.back()
	// A card that stops answering.
	r.insert(testenv.Hanako, p.Valid, nil, sim.Faults{GarbleAfter: 7})
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

	// Kiosk mode: large text, no way out, settings behind the admin PIN.
	hash, _ := settings.HashAdminPIN("2468")
	fyne.DoAndWait(func() {
		r.app.ShowPage("home")
		s := r.app.Settings()
		s.Kiosk, s.AdminPINHash = true, hash
		r.app.ApplySettings(s)
	})
	r.shot("kiosk-home")
	fyne.Do(func() { r.app.ShowPage("settings") })
	r.shot("kiosk-settings-locked")
	fyne.Do(func() { r.app.ShowPage("home") })
	r.back()
	r.shot("kiosk-after-reset")

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
