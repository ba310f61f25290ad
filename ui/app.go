// Package ui is the desktop app's Fyne screens: home (reader, card, PIN
// counters, session entry), step 1 and step 2 of a booking session, errors,
// diagnostics and settings. Screens only render the view models of ui/vm;
// events from card and network goroutines reach widgets through fyne.Do.
package ui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/problem"
	"github.com/mynadesk/mynadesk/ui/qr"
	"github.com/mynadesk/mynadesk/ui/settings"
	"github.com/mynadesk/mynadesk/ui/vm"
)

// Deps is what the screens work with; cmd/mynadesk wires the real ones,
// tests the virtual card and an httptest service.
type Deps struct {
	Settings settings.Settings
	// Store saves the settings screen's changes; nil keeps them for this
	// run only.
	Store *settings.Store
	Home  *vm.Home
	Flow  *vm.Flow
	Diag  *vm.Diag
	// Capture takes a picture of the screen for 画面の二次元コードを読み取る; nil hides
	// the button.
	Capture qr.Capturer
	// ClipboardImage reads an image from the clipboard (a copied QR code);
	// nil when the OS has no tool for it.
	ClipboardImage qr.Capturer
	Version        string
	// Apply is told settings saved from the settings screen.
	Apply func(settings.Settings)
	// Fullscreen is called with kiosk mode's wish (the window's
	// SetFullScreen; nil in tests).
	Fullscreen func(bool)
	// Do runs a function on the UI goroutine, later; fyne.Do when nil.
	// Tests give one that serialises like the real driver (Fyne's test
	// driver runs fyne.Do at once on the calling goroutine).
	Do func(func())
}

type page int

const (
	pageHome page = iota
	pageDiag
	pageSettings
)

// App is the window's content and the state of its screens.
type App struct {
	fa    fyne.App
	win   fyne.Window
	d     Deps
	theme *Theme
	kiosk *vm.Kiosk

	mu       sync.Mutex // guards s against the kiosk timer's goroutine
	s        settings.Settings
	page     page
	unlocked bool // settings unlocked with the administrator PIN

	root  *fyne.Container
	home  *homeScreen
	flow  *flowScreen
	diag  *diagScreen
	setts *settingsScreen
	// notice is shown once on the home screen (e.g. after a kiosk reset).
	notice string
	// tasks are the QR searches and reports started for the resident at
	// the screen; they end with the session (resetSession).
	tasks vm.Tasks
}

// New builds the app's screens on w and starts following the view models.
// The caller runs d.Home.Run.
func New(fa fyne.App, w fyne.Window, d Deps) *App {
	a := &App{fa: fa, win: w, d: d, s: d.Settings}
	if a.d.Do == nil {
		a.d.Do = fyne.Do
	}
	a.theme = NewTheme(d.Settings.Kiosk)
	a.theme.TextSize = d.Settings.TextSize
	fa.Settings().SetTheme(a.theme)
	setDialogLanguage(d.Settings.Lang)
	a.kiosk = vm.NewKiosk(func(idle bool) { a.d.Do(func() { a.kioskReset(idle) }) })
	a.root = container.NewStack()
	a.build()
	w.SetContent(a.root)
	w.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		a.touch()
		if ev.Name == fyne.KeyEscape {
			a.escape()
		}
	})
	// A USB QR scanner types wherever the focus is: with nothing focused on
	// the start screen, what it types goes into the session field.
	w.Canvas().SetOnTypedRune(func(r rune) {
		a.touch()
		if a.page == pageHome && a.d.Flow.State().Phase == vm.PhaseIdle {
			w.Canvas().Focus(a.home.session)
			a.home.session.TypedRune(r)
		}
	})
	d.Flow.OnChange(func(st vm.FlowState) { a.d.Do(func() { a.flowChanged(st) }) })
	d.Home.OnChange(func(st vm.HomeState) { a.d.Do(func() { a.home.render(st) }) })
	d.Home.OnCardRemoved(func() {
		a.d.Do(func() { a.kiosk.CardRemoved(a.d.Flow.State().Phase) })
	})
	a.applyKiosk()
	a.show()
	return a
}

func (a *App) t(x assets.Text) string { return x.In(a.s.Lang) }

// build makes every screen again (after a language change).
func (a *App) build() {
	a.home = newHomeScreen(a)
	a.flow = newFlowScreen(a)
	a.diag = newDiagScreen(a)
	a.setts = newSettingsScreen(a)
	a.win.SetTitle(a.t(assets.UI.AppTitle))
	a.home.render(a.d.Home.State())
}

func (a *App) applyKiosk() {
	if a.theme.Kiosk != a.s.Kiosk || a.theme.TextSize != a.s.TextSize {
		// Setting the theme drops Fyne's parsed fonts: only on a change.
		a.theme.Kiosk, a.theme.TextSize = a.s.Kiosk, a.s.TextSize
		a.fa.Settings().SetTheme(a.theme)
	}
	a.kiosk.Enable(a.s.Kiosk, a.s.IdleTimeout)
	if a.d.Fullscreen != nil {
		a.d.Fullscreen(a.s.Kiosk)
	}
	if a.s.Kiosk {
		// Nothing leaves the app at a counter: closing the window is ignored.
		a.win.SetCloseIntercept(func() {})
	} else {
		a.win.SetCloseIntercept(nil)
	}
}

func (a *App) touch() { a.kiosk.Touch() }

// escape goes back: cancels a PIN prompt (no try used), leaves an error or
// a verdict, or returns from diagnostics and settings. While the card or
// the network works it does nothing: a key pressed by mistake must not
// end the session (the screen's 中止する button does, with a question
// while the card is mid-operation).
func (a *App) escape() {
	st := a.d.Flow.State()
	switch {
	case st.Phase == vm.PhasePIN:
		a.d.Flow.Cancel()
	case st.Phase.Busy():
		// nothing
	case st.Phase != vm.PhaseIdle:
		a.backHome()
	case a.page != pageHome:
		a.goPage(pageHome)
	}
}

// show puts the screen the state calls for into the window.
func (a *App) show() {
	var obj fyne.CanvasObject
	if a.setts.needsSetup() {
		// A kiosk without an administrator password runs nothing until
		// staff set one: its settings would be open to anyone.
		obj = a.setts.view()
	} else if st := a.d.Flow.State(); st.Phase != vm.PhaseIdle {
		obj = a.flow.obj
	} else {
		switch a.page {
		case pageDiag:
			obj = a.diag.obj
		case pageSettings:
			obj = a.setts.view()
		default:
			obj = a.home.obj
		}
	}
	if len(a.root.Objects) == 1 && a.root.Objects[0] == obj {
		return
	}
	a.root.Objects = []fyne.CanvasObject{obj}
	a.root.Refresh()
	a.focusFirst()
}

// focusFirst puts the keyboard focus where the screen expects input.
func (a *App) focusFirst() {
	var f fyne.Focusable
	if a.setts.needsSetup() {
		f = a.setts.focus
	} else if st := a.d.Flow.State(); st.Phase != vm.PhaseIdle {
		f = a.flow.focus
	} else if a.page == pageHome {
		f = a.home.session
	} else if a.page == pageSettings {
		f = a.setts.focus
	} else {
		f = a.diag.run
	}
	if f != nil && a.win.Canvas() != nil {
		a.win.Canvas().Focus(f)
	}
}

func (a *App) goPage(p page) {
	a.page = p
	if p != pageSettings {
		a.unlocked = false
	}
	a.show()
}

func (a *App) flowChanged(st vm.FlowState) {
	a.touch()
	a.flow.render(st)
	a.show()
}

// resetSession forgets the session and every task started for it: a late
// QR search or report never lands on the next resident's screen.
func (a *App) resetSession() {
	a.tasks.Reset()
	a.d.Flow.Reset()
}

// backHome ends the session on screen and forgets it.
func (a *App) backHome() {
	a.resetSession()
	a.page = pageHome
	a.home.session.SetText("")
	a.d.Home.Refresh()
	a.show()
}

// kioskReset forgets the resident: the session, what was typed, the
// report, and returns to the start. idle says the idle timeout did it, which
// the start screen then says.
func (a *App) kioskReset(idle bool) {
	if vm.KeepsSession(a.d.Flow.State().Phase) {
		a.touch() // never interrupt the card, nor a session the service holds
		return
	}
	a.page, a.unlocked = pageHome, false
	a.home.session.SetText("")
	a.home.setMessage("")
	a.diag.clear()
	a.forgetResident()
	a.notice = ""
	if idle {
		a.notice = a.t(assets.UI.KioskReset)
	}
	a.home.render(a.d.Home.State())
	a.resetSession() // last: its listeners see the start screen ready
	a.show()
}

// OpenSession takes what the resident gave (typed code, URL, mynadesk://
// link, QR text) and starts the session. A wrong one is explained on the
// home screen without starting anything.
func (a *App) OpenSession(input string) {
	a.touch()
	if a.setts.needsSetup() {
		return // a kiosk runs nothing before staff set it up
	}
	ref, err := booking.ParseRef(input, a.s.Service)
	if err != nil {
		a.sessionError(err)
		return
	}
	a.startRef(ref)
}

func (a *App) startRef(ref booking.Ref) {
	a.home.setMessage("")
	a.notice = ""
	a.page = pageHome
	a.d.Flow.Start(ref)
	a.flow.render(a.d.Flow.State())
	a.show()
}

func (a *App) sessionError(err error) {
	p := problem.Of(err)
	if errors.Is(err, qr.ErrNotFound) {
		a.home.setMessage(a.t(assets.UI.ScanNone))
		return
	}
	a.home.setMessage(fmt.Sprintf("%s\n%s\n%s", fmt.Sprintf(a.t(assets.UI.ErrorCode), p.Code), a.t(p.Entry.Title), a.t(p.Entry.Message)))
}

// HandleLink is how a mynadesk:// link from a second instance (or argv)
// reaches the window. "" only brings the window forward.
func (a *App) HandleLink(arg string) {
	a.d.Do(func() {
		a.win.RequestFocus()
		if arg == "" {
			return
		}
		st := a.d.Flow.State()
		if ref, err := booking.ParseRef(arg, a.s.Service); err == nil && st.Phase.Busy() {
			// The page's 【アプリを起動する】 pressed again for step 2 of
			// the session in progress: it goes on by itself. A link to
			// another session does not interrupt the resident either; they
			// finish or cancel first.
			if ref != st.Ref {
				slog.Info("link ignored: a session is in progress")
			}
			return
		}
		a.resetSession()
		a.OpenSession(arg)
	})
}

// scan runs a QR search off the UI goroutine, as the resident's task, and
// opens what it finds.
func (a *App) scan(find func(ctx context.Context) (booking.Ref, error)) {
	a.home.setMessage(a.t(assets.UI.ScanBusy))
	a.tasks.Go(20*time.Second, func(ctx context.Context) func() {
		ref, err := find(ctx)
		return func() {
			if err != nil {
				a.sessionError(err)
				return
			}
			a.startRef(ref)
		}
	}, a.d.Do)
}

// ScanFile finds the session QR code in an image file.
func (a *App) ScanFile(path string) {
	svc := a.s.Service
	a.scan(func(context.Context) (booking.Ref, error) {
		f, err := os.Open(path)
		if err != nil {
			return booking.Ref{}, err
		}
		defer f.Close()
		return qr.FromReader(f, svc)
	})
}

// ScanScreen finds the booking page's QR code on this computer's screen.
func (a *App) ScanScreen() {
	if a.d.Capture == nil {
		return
	}
	c, svc := a.d.Capture, a.s.Service
	a.scan(func(ctx context.Context) (booking.Ref, error) { return qr.Screen(ctx, c, svc) })
}

// Settings returns the settings in effect.
func (a *App) Settings() settings.Settings {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.s
}

// applySettings takes new settings from the settings screen.
func (a *App) applySettings(s settings.Settings) error {
	if a.d.Store != nil {
		if err := a.d.Store.Save(s); err != nil {
			return err
		}
	}
	a.mu.Lock()
	lang := a.s.Lang
	a.s = s
	a.mu.Unlock()
	if s.Lang != lang {
		setDialogLanguage(s.Lang)
	}
	if a.d.Apply != nil {
		a.d.Apply(s)
	}
	a.d.Home.SetReader(s.Reader)
	a.applyKiosk()
	a.build() // language and kiosk navigation
	a.root.Objects = nil
	a.show()
	return nil
}

// Reset is kiosk mode's "next resident": it forgets everything of the
// session on screen.
func (a *App) Reset() { a.kioskReset(false) }
