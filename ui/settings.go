package ui

import (
	"errors"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/ui/settings"
)

// settingsScreen shows and changes the settings; in kiosk mode (or once an
// administrator password is set) it opens only with that password. A
// kiosk without one shows only the set-up for staff.
type settingsScreen struct {
	a     *App
	focus fyne.Focusable

	lock     fyne.CanvasObject
	adminPIN *entry
	lockMsg  *text

	setup       fyne.CanvasObject
	setupPIN    *entry
	setupRepeat *entry
	setupMsg    *text

	form    fyne.CanvasObject
	service *entry
	reader  *widget.Select
	lang    *widget.RadioGroup
	kiosk   *widget.Check
	idle    *widget.Select
	size    *widget.RadioGroup
	newPIN  *entry
	msg     *text
	save    *button
}

var idleChoices = []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 30 * time.Minute}

// MinAdminPIN is the shortest administrator password the set-up takes.
const MinAdminPIN = 8

func newSettingsScreen(a *App) *settingsScreen {
	s := &settingsScreen{a: a}
	s.adminPIN = newPasswordEntry(a)
	s.lockMsg = para("").colored(theme.ColorNameError)
	unlock := newButton(a, a.t(assets.UI.Apply), s.unlock)
	s.adminPIN.OnSubmitted = func(string) { s.unlock() }
	lockBox := container.NewVBox(
		heading(a.t(assets.UI.SettingsLocked)), heading(a.t(assets.UI.AdminPIN)), s.adminPIN, s.lockMsg, container.NewHBox(unlock))
	if a.s.Kiosk {
		lockBox.Add(newKeypad(a, keypadAlnum, s.adminPIN).obj)
	}
	s.lock = screen(a, a.t(assets.UI.Settings), lockBox)

	s.setupPIN, s.setupRepeat = newPasswordEntry(a), newPasswordEntry(a)
	s.setupMsg = para("").colored(theme.ColorNameError)
	setupSave := newButton(a, a.t(assets.UI.Save), s.saveSetup)
	setupSave.Importance = widget.HighImportance
	s.setupRepeat.OnSubmitted = func(string) { s.saveSetup() }
	s.setup = frame(a, a.t(assets.UI.AdminSetupTitle), nil, container.NewVBox(
		para(a.t(assets.UI.AdminSetupLead)),
		widget.NewForm(
			widget.NewFormItem(a.t(assets.UI.AdminPIN), s.setupPIN),
			widget.NewFormItem(a.t(assets.UI.AdminPINRepeat), s.setupRepeat)),
		s.setupMsg, container.NewHBox(setupSave)), nil, false)

	s.service = newEntry(a)
	s.service.SetPlaceHolder("https://booking.example.jp")
	s.reader = widget.NewSelect(nil, nil)
	s.lang = widget.NewRadioGroup([]string{a.t(assets.UI.LangJA), a.t(assets.UI.LangEN)}, nil)
	s.lang.Horizontal = true
	s.kiosk = widget.NewCheck(a.t(assets.UI.KioskMode), nil)
	var idles []string
	for _, d := range idleChoices {
		idles = append(idles, a.t(assets.DurationText(d)))
	}
	s.idle = widget.NewSelect(idles, nil)
	s.size = widget.NewRadioGroup([]string{a.t(assets.UI.TextNormal), a.t(assets.UI.TextLarge), a.t(assets.UI.TextHuge)}, nil)
	s.size.Horizontal = true
	s.newPIN = newPasswordEntry(a)
	s.msg = para("").colored(theme.ColorNameError)
	s.save = newButton(a, a.t(assets.UI.Save), s.Save)
	s.save.Importance, s.save.wide = widget.HighImportance, true
	s.form = screen(a, a.t(assets.UI.Settings), container.NewVBox(
		para(a.t(assets.UI.SettingsLead)),
		widget.NewForm(
			widget.NewFormItem(a.t(assets.UI.ServiceURL), s.service),
			widget.NewFormItem(a.t(assets.UI.ReaderName), s.reader),
			widget.NewFormItem(a.t(assets.UI.Language), s.lang),
			widget.NewFormItem(a.t(assets.UI.TextSize), s.size),
			widget.NewFormItem("", s.kiosk),
			widget.NewFormItem(a.t(assets.UI.IdleTimeout), s.idle),
			widget.NewFormItem(a.t(assets.UI.AdminPINNew), s.newPIN),
		),
		s.msg, container.NewHBox(s.save, newButton(a, a.t(assets.UI.Diagnostics), func() { a.goPage(pageDiag) })),
	))
	return s
}

// locked reports whether the form needs the administrator PIN first.
func (s *settingsScreen) locked() bool {
	st := s.a.Settings()
	return !s.a.unlocked && (st.Kiosk || st.AdminPINHash != "")
}

// needsSetup reports whether kiosk mode waits for staff to set the
// administrator password: until then nothing else is shown.
func (s *settingsScreen) needsSetup() bool {
	st := s.a.Settings()
	return st.Kiosk && st.AdminPINHash == ""
}

// view is the set-up, the lock or the form, filled with the settings in
// effect.
func (s *settingsScreen) view() fyne.CanvasObject {
	if s.needsSetup() {
		s.focus = s.setupPIN
		return s.setup
	}
	if s.locked() {
		s.adminPIN.SetText("")
		s.lockMsg.SetText("")
		s.focus = s.adminPIN
		return s.lock
	}
	s.fill()
	s.focus = s.service
	return s.form
}

func (s *settingsScreen) fill() {
	a := s.a
	st := a.Settings()
	s.service.SetText(st.Service)
	opts := []string{a.t(assets.UI.ReaderAny)}
	for _, r := range a.d.Home.State().Readers {
		opts = append(opts, r.Name)
	}
	if st.Reader != "" && !contains(opts, st.Reader) {
		opts = append(opts, st.Reader)
	}
	s.reader.Options = opts
	if st.Reader == "" {
		s.reader.SetSelected(opts[0])
	} else {
		s.reader.SetSelected(st.Reader)
	}
	if st.Lang == assets.EN {
		s.lang.SetSelected(a.t(assets.UI.LangEN))
	} else {
		s.lang.SetSelected(a.t(assets.UI.LangJA))
	}
	s.kiosk.SetChecked(st.Kiosk)
	s.size.SetSelected(s.size.Options[st.TextSize.Index()])
	idle := a.t(assets.DurationText(st.IdleTimeout))
	s.idle.SetSelected(idle)
	if s.idle.Selected == "" {
		s.idle.Options = append(s.idle.Options, idle)
		s.idle.SetSelected(idle)
	}
	s.newPIN.SetText("")
	s.msg.SetText("")
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func (s *settingsScreen) unlock() {
	if settings.CheckAdminPIN(s.a.Settings().AdminPINHash, s.adminPIN.Text) {
		s.a.unlocked = true
		s.a.root.Objects = nil // force show() to put the form in
		s.a.show()
		return
	}
	s.adminPIN.SetText("")
	s.lockMsg.SetText(s.a.t(assets.UI.AdminPINWrong))
}

// Save checks and applies the form.
func (s *settingsScreen) Save() {
	a := s.a
	st := a.Settings()
	st.Service = s.service.Text
	st.Reader = s.reader.Selected
	if st.Reader == a.t(assets.UI.ReaderAny) {
		st.Reader = ""
	}
	st.Lang = assets.JA
	if s.lang.Selected == a.t(assets.UI.LangEN) {
		st.Lang = assets.EN
	}
	st.Kiosk = s.kiosk.Checked
	for _, d := range append(idleChoices, st.IdleTimeout) {
		if a.t(assets.DurationText(d)) == s.idle.Selected {
			st.IdleTimeout = d
			break
		}
	}
	for i, o := range s.size.Options {
		if o == s.size.Selected {
			st.TextSize = settings.TextSizes[i]
		}
	}
	if s.newPIN.Text != "" {
		if utf8.RuneCountInString(s.newPIN.Text) < MinAdminPIN {
			s.msg.SetText(a.t(assets.UI.AdminPINShort))
			return
		}
		h, err := settings.HashAdminPIN(s.newPIN.Text)
		if err != nil {
			s.msg.SetText(err.Error())
			return
		}
		st.AdminPINHash = h
	}
	if st.Kiosk && st.AdminPINHash == "" {
		s.msg.SetText(a.t(assets.UI.AdminPINSet))
		return
	}
	if err := st.Validate(); err != nil {
		s.msg.SetText(a.settingsError(err))
		return
	}
	if err := a.applySettings(st); err != nil {
		s.msg.SetText(a.settingsError(err))
		return
	}
	a.unlocked = false
	a.page = pageHome
	a.root.Objects = nil
	a.show()
	a.home.setMessage(a.t(assets.UI.Saved))
}

// saveSetup is the kiosk's first start: staff choose the administrator
// password, twice, and the kiosk starts.
func (s *settingsScreen) saveSetup() {
	a := s.a
	pin, again := s.setupPIN.Text, s.setupRepeat.Text
	s.setupPIN.SetText("")
	s.setupRepeat.SetText("")
	switch {
	case utf8.RuneCountInString(pin) < MinAdminPIN:
		s.setupMsg.SetText(a.t(assets.UI.AdminPINShort))
		return
	case pin != again:
		s.setupMsg.SetText(a.t(assets.UI.AdminPINMismatch))
		return
	}
	h, err := settings.HashAdminPIN(pin)
	if err == nil {
		st := a.Settings()
		st.AdminPINHash = h
		err = a.applySettings(st)
	}
	if err != nil {
		s.setupMsg.SetText(a.settingsError(err))
		return
	}
	s.setupMsg.SetText("")
	a.page = pageHome
	a.root.Objects = nil
	a.show()
}

// settingsError says a settings error in the resident's language.
func (a *App) settingsError(err error) string {
	var ie *settings.IdleError
	switch {
	case errors.As(err, &ie):
		return a.t(assets.UI.IdleTooShort)
	case errors.Is(err, settings.ErrService):
		return a.t(assets.UI.ServiceURLWrong)
	}
	return err.Error()
}
