package ui

import (
	"fyne.io/fyne/v2"

	"github.com/mynadesk/mynadesk/ui/settings"
)

// The methods below press what a resident or staff member presses, for
// scripted runs (screenshots, measurements). They must be called on the UI
// goroutine (fyne.Do).

// TypePIN types pin into the PIN field and presses Enter; with confirm it
// also answers the last-try confirmation.
func (a *App) TypePIN(pin string, confirm bool) {
	if a.flow.pin == nil {
		return
	}
	a.win.Canvas().Focus(a.flow.pin)
	a.flow.pin.SetText(pin)
	a.flow.pin.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if confirm && a.flow.confirm.Visible() {
		a.flow.yes.Tapped(nil) // it takes no Enter: a deliberate press
	}
}

// ShowPage opens "home", "diag" or "settings".
func (a *App) ShowPage(name string) {
	switch name {
	case "diag":
		a.goPage(pageDiag)
	case "settings":
		a.goPage(pageSettings)
	default:
		a.goPage(pageHome)
	}
}

// RunDiagnostics builds the diagnostic report on the diagnostics page.
func (a *App) RunDiagnostics() {
	a.goPage(pageDiag)
	a.diag.runReport()
}

// DiagnosticsReady reports whether the report is on screen.
func (a *App) DiagnosticsReady() bool { return a.diag.report != nil }

// TypeSession types into the session field without pressing Enter.
func (a *App) TypeSession(s string) { a.home.session.SetText(s) }

// ApplySettings applies (and saves, with a Store) settings as the settings
// screen's Save does, without the administrator PIN step.
func (a *App) ApplySettings(s settings.Settings) error { return a.applySettings(s) }

// ToggleContentDetail opens or closes 「詳細」 of what step 2 signs.
func (a *App) ToggleContentDetail() {
	if a.flow.detailToggle != nil {
		a.flow.detailToggle.Tapped(nil)
	}
}

// PressCancel presses 中止する of the session screen.
func (a *App) PressCancel() { a.flow.cancel.Tapped(nil) }

// PressCancelNo answers 「いいえ、続ける」 to the cancel question.
func (a *App) PressCancelNo() {
	if a.flow.cancelNo != nil {
		a.flow.cancelNo.Tapped(nil)
	}
}

// SetUpAdmin types the kiosk's first administrator password, twice, and
// saves it as staff do at first start.
func (a *App) SetUpAdmin(pin, again string) {
	a.setts.setupPIN.SetText(pin)
	a.setts.setupRepeat.SetText(again)
	a.setts.saveSetup()
}
