package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/booking"
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
	message  *widget.Label
	noticeLb *widget.Label
	// Situation is the text of the first status line, for tests.
	situation *widget.Label
	pins      []*widget.Label
}

func newHomeScreen(a *App) *homeScreen {
	h := &homeScreen{a: a}
	h.status = container.NewVBox()
	h.session = newEntry(a)
	h.session.SetPlaceHolder(a.t(assets.UI.SessionHint))
	// A USB QR scanner types the URL and presses Enter: the same path.
	h.session.OnSubmitted = func(s string) { a.OpenSession(s) }
	h.message = para("")
	h.message.Importance = widget.DangerImportance
	h.noticeLb = para("")
	h.noticeLb.Importance = widget.WarningImportance
	open := newButton(a, a.t(assets.UI.Open), func() { a.OpenSession(h.session.Text) })
	open.Importance = widget.HighImportance
	scans := container.NewHBox()
	if a.d.Capture != nil {
		scans.Add(newButton(a, a.t(assets.UI.ScanScreen), a.ScanScreen))
	}
	scans.Add(newButton(a, a.t(assets.UI.ScanImage), h.pickImage))
	scans.Add(newButton(a, a.t(assets.UI.ScanClipboard), h.clipboard))
	sessionBox := container.NewVBox(
		sub(a.t(assets.UI.SessionTitle)),
		para(a.t(assets.UI.SessionLead)),
		widget.NewLabel(a.t(assets.UI.SessionField)),
		container.NewBorder(nil, nil, nil, open, h.session),
		scans, h.message,
	)
	h.obj = screen(a, a.t(assets.UI.AppTitle), container.NewVBox(
		h.noticeLb,
		sub(a.t(assets.UI.ReaderTitle)), h.status,
		widget.NewSeparator(),
		sessionBox,
	))
	return h
}

// screen frames a page: title, navigation, content, keyboard hint.
func screen(a *App, title string, content fyne.CanvasObject) fyne.CanvasObject {
	return frame(a, title, content, true)
}

// frame is screen with or without the navigation (a session in progress
// has none: it ends with its own buttons or Escape).
func frame(a *App, title string, content fyne.CanvasObject, withNav bool) fyne.CanvasObject {
	nav := container.NewHBox()
	if !withNav {
		nav.Hide()
	}
	if !a.s.Kiosk {
		nav.Add(newButton(a, a.t(assets.UI.Home), func() { a.goPage(pageHome) }))
		nav.Add(newButton(a, a.t(assets.UI.Diagnostics), func() { a.goPage(pageDiag) }))
	}
	nav.Add(newButton(a, a.t(assets.UI.Settings), func() { a.goPage(pageSettings) }))
	t := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{})
	t.Truncation = fyne.TextTruncateEllipsis
	top := container.NewBorder(nil, nil, nil, nav, t)
	hint := widget.NewLabelWithStyle(a.t(assets.UI.KeyboardHint), fyne.TextAlignCenter, fyne.TextStyle{})
	return container.NewBorder(top, hint, nil, nil, container.NewVScroll(content))
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
	objs = append(objs, h.situation)
	if st.Reader != "" {
		objs = append(objs, widget.NewLabel(a.t(assets.UI.ReaderName)+": "+st.Reader))
	}
	h.pins = nil
	if st.Status != nil && st.Status.Supported {
		objs = append(objs, widget.NewLabelWithStyle(a.t(assets.UI.PINCounters), fyne.TextAlignLeading, fyne.TextStyle{}))
		for _, p := range st.Status.PINs {
			tries := fmt.Sprintf(a.t(assets.UI.TriesOf), p.TriesLeft, p.MaxTries)
			if p.Blocked {
				tries = a.t(assets.UI.Blocked) + " (" + tries + ")"
			}
			l := para(fmt.Sprintf("%s(%s): %s — %s", a.t(assets.PINName[p.Name]), a.t(assets.PINFormat[p.Name]), tries, a.t(assets.PINPurpose[p.Name])))
			if p.Blocked {
				l.Importance = widget.DangerImportance
			} else if p.TriesLeft == 1 {
				l.Importance = widget.WarningImportance
			}
			h.pins = append(h.pins, l)
			objs = append(objs, l)
		}
		if c := st.Status.AuthCert; c != nil {
			switch {
			case c.NeedsPIN:
				objs = append(objs, para(a.t(assets.UI.CertNeedsPIN)))
			case c.Present && c.Expired:
				l := para(fmt.Sprintf(a.t(assets.UI.CertExpired), c.NotAfter.In(time.Local).Format("2006/01/02")))
				l.Importance = widget.DangerImportance
				objs = append(objs, l)
			case c.Present:
				objs = append(objs, para(fmt.Sprintf(a.t(assets.UI.CertValid), c.NotAfter.In(time.Local).Format("2006/01/02"))))
			}
		}
	}
	if p := st.Problem; p != nil && st.Situation != vm.SitNoCard {
		objs = append(objs, problemBox(a, p)...)
		actions.Add(newButton(a, a.t(assets.UI.Report), a.RunDiagnostics))
	} else if st.Situation == vm.SitNoCard && p != nil {
		objs = append(objs, para(a.t(p.Entry.Remedies[0])))
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

// problemBox shows an error: its code, title, message, remedies.
func problemBox(a *App, p *problem.Problem) []fyne.CanvasObject {
	title := big(a.t(p.Entry.Title))
	title.Segments[0].(*widget.TextSegment).Style.ColorName = "error"
	out := []fyne.CanvasObject{
		title,
		widget.NewLabel(fmt.Sprintf(a.t(assets.UI.ErrorCode), p.Code)),
		para(a.t(p.Entry.Message)),
	}
	if p.Code == assets.CodePINWrong && p.TriesLeft > 0 {
		l := heading(a.t(assets.TriesLeftText(p.TriesLeft)))
		l.Importance = widget.WarningImportance
		out = append(out, l)
	}
	if len(p.Entry.Remedies) > 0 {
		out = append(out, widget.NewLabelWithStyle(a.t(assets.UI.Remedies), fyne.TextAlignLeading, fyne.TextStyle{}))
		for _, r := range p.Entry.Remedies {
			out = append(out, para("・"+a.t(r)))
		}
	}
	return out
}
