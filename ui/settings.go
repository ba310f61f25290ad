package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/ui/settings"
)

// settingsScreen shows and changes the settings; in kiosk mode (or once an
// administrator PIN is set) it opens only with that PIN.
type settingsScreen struct {
	a     *App
	focus fyne.Focusable

	lock     fyne.CanvasObject
	adminPIN *entry
	lockMsg  *widget.Label

	form    fyne.CanvasObject
	service *entry
	reader  *widget.Select
	lang    *widget.RadioGroup
	kiosk   *widget.Check
	idle    *widget.Select
	newPIN  *entry
	msg     *widget.Label
	save    *button
}

var idleChoices = []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 30 * time.Minute}

func newSettingsScreen(a *App) *settingsScreen {
	s := &settingsScreen{a: a}
	s.adminPIN = newPasswordEntry(a)
	s.lockMsg = para("")
	s.lockMsg.Importance = widget.DangerImportance
	unlock := newButton(a, a.t(assets.UI.Apply), s.unlock)
	s.adminPIN.OnSubmitted = func(string) { s.unlock() }
	s.lock = screen(a, a.t(assets.UI.Settings), container.NewVBox(
		heading(a.t(assets.UI.SettingsLocked)), widget.NewLabel(a.t(assets.UI.AdminPIN)), s.adminPIN, s.lockMsg, container.NewHBox(unlock)))

	s.service = newEntry(a)
	s.service.SetPlaceHolder("https://booking.example.jp")
	s.reader = widget.NewSelect(nil, nil)
	s.lang = widget.NewRadioGroup([]string{a.t(assets.UI.LangJA), a.t(assets.UI.LangEN)}, nil)
	s.lang.Horizontal = true
	s.kiosk = widget.NewCheck(a.t(assets.UI.KioskMode), nil)
	var idles []string
	for _, d := range idleChoices {
		idles = append(idles, d.String())
	}
	s.idle = widget.NewSelect(idles, nil)
	s.newPIN = newPasswordEntry(a)
	s.msg = para("")
	s.save = newButton(a, a.t(assets.UI.Save), s.Save)
	s.save.Importance = widget.HighImportance
	s.form = screen(a, a.t(assets.UI.Settings), container.NewVBox(
		para(a.t(assets.UI.SettingsLead)),
		widget.NewForm(
			widget.NewFormItem(a.t(assets.UI.ServiceURL), s.service),
			widget.NewFormItem(a.t(assets.UI.ReaderName), s.reader),
			widget.NewFormItem(a.t(assets.UI.Language), s.lang),
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

// view is the lock or the form, filled with the settings in effect.
func (s *settingsScreen) view() fyne.CanvasObject {
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
	s.idle.SetSelected(st.IdleTimeout.String())
	if s.idle.Selected == "" {
		s.idle.Options = append(s.idle.Options, st.IdleTimeout.String())
		s.idle.SetSelected(st.IdleTimeout.String())
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
	if d, err := time.ParseDuration(s.idle.Selected); err == nil {
		st.IdleTimeout = d
	}
	if s.newPIN.Text != "" {
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
		s.msg.SetText(err.Error())
		return
	}
	if err := a.applySettings(st); err != nil {
		s.msg.SetText(err.Error())
		return
	}
	a.unlocked = false
	a.page = pageHome
	a.root.Objects = nil
	a.show()
	a.home.setMessage(a.t(assets.UI.Saved))
}
