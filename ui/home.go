package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/problem"
	"github.com/mynadesk/mynadesk/ui/qr"
	"github.com/mynadesk/mynadesk/ui/vm"
)

// homeScreen shows the reader and the card live, and takes the session.
type homeScreen struct {
	a        *App
	obj      fyne.CanvasObject
	status   *fyne.Container // rebuilt on every HomeState
	session  *entry
	message  *text
	noticeLb *text
	// situation is the text of the first status line, for tests.
	situation *text
	pins      []*text
	keypad    *keypad
	open      *button
}

func newHomeScreen(a *App) *homeScreen {
	h := &homeScreen{a: a}
	h.status = container.NewVBox()
	h.session = newEntry(a)
	h.session.SetPlaceHolder(a.t(assets.UI.SessionHint))
	// A USB QR scanner types the URL and presses Enter: the same path.
	h.session.OnSubmitted = func(s string) { a.OpenSession(s) }
	h.message = para("").colored(theme.ColorNameError)
	h.noticeLb = para("").colored(theme.ColorNameWarning)
	h.open = newButton(a, a.t(assets.UI.Open), func() { a.OpenSession(h.session.Text) })
	h.open.Importance, h.open.wide = widget.HighImportance, true
	lead := assets.UI.SessionLead
	var extra fyne.CanvasObject
	if a.s.Kiosk {
		// A touch screen: keys on the screen, no file or clipboard (a file
		// dialog shows the PC's folders, the clipboard may hold what the
		// previous resident copied).
		lead = assets.UI.SessionLeadKiosk
		h.keypad = newKeypad(a, keypadAlnum, h.session)
		extra = h.keypad.obj
	} else {
		scans := container.NewVBox()
		if a.d.Capture != nil {
			scans.Add(container.NewHBox(newButton(a, a.t(assets.UI.ScanScreen), a.ScanScreen)))
		}
		scans.Add(container.NewHBox(newButton(a, a.t(assets.UI.ScanImage), h.pickImage)))
		scans.Add(container.NewHBox(newButton(a, a.t(assets.UI.ScanClipboard), h.clipboard)))
		extra = scans
	}
	sessionBox := container.NewVBox(
		sub(a.t(assets.UI.SessionTitle)),
		para(a.t(lead)),
		heading(a.t(assets.UI.SessionField)),
		container.NewBorder(nil, nil, nil, h.open, h.session),
		h.message,
		extra,
	)
	cardBox := container.NewVBox(sub(a.t(assets.UI.ReaderTitle)), h.status)
	h.obj = screen(a, a.t(assets.UI.AppTitle), container.NewVBox(
		h.noticeLb,
		newColumns(cardBox, sessionBox),
	))
	return h
}

// screen frames a page: title, navigation, content, keyboard hint.
func screen(a *App, title string, content fyne.CanvasObject) fyne.CanvasObject {
	return frame(a, title, nil, content, nil, true)
}

// frame is screen with or without the navigation (a session in progress
// has none: it ends with its own buttons). top sits under the title (the
// step bar), bottom stays in view under the scrolled content (the main
// action, so it is never below the fold).
func frame(a *App, title string, top, content, bottom fyne.CanvasObject, withNav bool) fyne.CanvasObject {
	nav := container.NewHBox()
	if !withNav {
		nav.Hide()
	}
	if !a.s.Kiosk {
		nav.Add(newButton(a, a.t(assets.UI.Home), func() { a.goPage(pageHome) }))
		nav.Add(newButton(a, a.t(assets.UI.Diagnostics), func() { a.goPage(pageDiag) }))
	}
	nav.Add(newButton(a, a.t(assets.UI.Settings), func() { a.goPage(pageSettings) }))
	t := sub(title)
	head := container.NewVBox(container.NewBorder(nil, nil, nil, nav, t))
	if top != nil {
		head.Add(top)
	}
	head.Add(widget.NewSeparator())
	foot := container.NewVBox()
	if bottom != nil {
		foot.Add(widget.NewSeparator())
		foot.Add(bottom)
	}
	if !a.s.Kiosk {
		// Keys are named only where there is a keyboard.
		hint := para(a.t(assets.UI.KeyboardHint)).colored(theme.ColorNamePlaceHolder)
		hint.Align = fyne.TextAlignCenter
		foot.Add(hint)
	}
	return container.NewBorder(head, foot, nil, nil, container.NewVScroll(container.NewPadded(content)))
}

func (h *homeScreen) setMessage(s string) { h.message.SetText(s) }

// render shows a HomeState.
func (h *homeScreen) render(st vm.HomeState) {
	a := h.a
	h.noticeLb.SetText(a.notice)
	if a.notice == "" {
		h.noticeLb.Hide()
	} else {
		h.noticeLb.Show()
	}
	var objs []fyne.CanvasObject
	var line string
	actions := container.NewHBox(newButton(a, a.t(assets.UI.Refresh), a.d.Home.Refresh))
	switch st.Situation {
	case vm.SitStarting, vm.SitChecking:
		line = a.t(assets.UI.CardReading)
	case vm.SitNoService:
		line = a.t(assets.UI.NoService)
	case vm.SitNoReader:
		line = a.t(assets.UI.NoReader)
	case vm.SitNoCard:
		line = a.t(assets.UI.NoCard)
	case vm.SitSeveral:
		line = a.t(assets.UI.SeveralCards)
	case vm.SitCard:
		line = a.t(assets.UI.CardReady)
		if st.Status != nil {
			line += ": " + a.t(vm.KindText(st.Status.Kind))
		}
	case vm.SitError:
		line = a.t(st.Problem.Entry.Title)
	}
	h.situation = heading(line)
	switch {
	case st.Situation == vm.SitCard && st.Problem == nil:
		h.situation.colored(theme.ColorNameSuccess)
		objs = append(objs, block(blockOK, h.situation))
	case st.Problem != nil && st.Situation != vm.SitNoCard && st.Situation != vm.SitCard:
		// The problem's own title says it: one message, not two.
	case st.Situation == vm.SitNoCard:
		objs = append(objs, block(blockInfo, sub(line)))
	default:
		objs = append(objs, h.situation)
	}
	if st.Reader != "" {
		objs = append(objs, para(a.t(assets.UI.ReaderName)+": "+st.Reader))
	}
	h.pins = nil
	if st.Status != nil && st.Status.Supported {
		objs = append(objs, heading(a.t(assets.UI.PINCounters)))
		for _, p := range st.Status.PINs {
			if p.PIN == card.PINAuth {
				// This procedure never asks for the 利用者証明用 PIN:
				// listing it makes residents think they need three.
				continue
			}
			tries := fmt.Sprintf(a.t(assets.UI.TriesOf), p.TriesLeft, p.MaxTries)
			if p.Blocked {
				tries = a.t(assets.UI.Blocked)
			}
			l := para(fmt.Sprintf("%s(%s): %s", a.t(assets.PINName[p.Name]), a.t(assets.PINFormat[p.Name]), tries))
			h.pins = append(h.pins, l)
			switch {
			case p.Blocked:
				objs = append(objs, block(blockDanger, l.colored(theme.ColorNameError)))
			case p.TriesLeft == 1:
				objs = append(objs, block(blockInfo, l.colored(theme.ColorNameWarning)))
			default:
				objs = append(objs, l)
			}
		}
		objs = append(objs, para(a.t(assets.UI.PINCountersNote)))
	}
	if p := st.Problem; p != nil && st.Situation != vm.SitNoCard {
		objs = append(objs, problemBox(a, p)...)
		actions.Add(newButton(a, a.t(assets.UI.Report), a.RunDiagnostics))
	}
	if st.Status == nil && (st.Situation == vm.SitNoCard || st.Situation == vm.SitNoReader || st.Situation == vm.SitStarting) {
		objs = append(objs, heading(a.t(assets.UI.HowToPlace)), readersPicture(a, 150))
	}
	objs = append(objs, actions)
	h.status.Objects = objs
	h.status.Refresh()
}

// pickImage opens an image file with a QR code.
func (h *homeScreen) pickImage() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		h.a.ScanFile(path)
	}, h.a.win)
	d.Show()
}

// clipboard takes the clipboard: a copied session URL or code, else a
// copied image of the QR code.
func (h *homeScreen) clipboard() {
	if txt := strings.TrimSpace(h.a.fa.Clipboard().Content()); txt != "" {
		h.a.OpenSession(txt)
		return
	}
	if c := h.a.d.ClipboardImage; c != nil {
		svc := h.a.s.Service
		h.a.scan(func(ctx context.Context) (booking.Ref, error) { return qr.Screen(ctx, c, svc) })
		return
	}
	h.setMessage(h.a.t(assets.UI.ScanNone))
}

// problemBox shows an error: its title in a red block, the message, the
// tries left, the remedies and, last and small, the code for staff.
func problemBox(a *App, p *problem.Problem) []fyne.CanvasObject {
	title := big(a.t(p.Entry.Title)).colored(theme.ColorNameError)
	out := []fyne.CanvasObject{block(blockDanger, title, para(a.t(p.Entry.Message)))}
	if p.Code == assets.CodePINWrong && p.TriesLeft > 0 {
		l := sub(a.t(assets.TriesLeftText(p.TriesLeft))).colored(theme.ColorNameWarning)
		out = append(out, block(blockInfo, l))
	}
	if len(p.Entry.Remedies) > 0 {
		out = append(out, heading(a.t(assets.UI.Remedies)))
		for _, r := range p.Entry.Remedies {
			out = append(out, para("・"+a.t(r)))
		}
	}
	out = append(out, para(fmt.Sprintf(a.t(assets.UI.ErrorCode), p.Code)).colored(theme.ColorNamePlaceHolder))
	return out
}
