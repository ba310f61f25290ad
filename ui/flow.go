package ui

import (
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/ui/vm"
)

// flowScreen shows a booking session: progress, the PIN of each step, the
// success messages, the verdict and errors.
type flowScreen struct {
	a     *App
	obj   *fyne.Container
	key   string
	focus fyne.Focusable

	// The PIN step's widgets, kept while the same PIN is asked.
	pin       *entry
	show      *widget.Check
	pinMsg    *widget.Label
	confirm   *fyne.Container // the last-try confirmation
	buttons   *fyne.Container // OK and Cancel, hidden while confirming
	ok        *button
	cancel    *button
	yes       *button
	retry     *button
	report    *button
	back      *button
	stateText fyne.CanvasObject // the main line of the screen
}

func newFlowScreen(a *App) *flowScreen {
	f := &flowScreen{a: a, obj: container.NewStack()}
	return f
}

func (f *flowScreen) render(st vm.FlowState) {
	key := fmt.Sprintf("%v/%d/%v/%v/%v/%v/%s/%v", st.Phase, st.Step, st.PIN, st.LastTry, st.ReadOK, st.SignOK, st.Confirmation, st.ConfirmPending)
	if key == f.key {
		return
	}
	f.key = key
	a := f.a
	f.focus = nil
	var body []fyne.CanvasObject
	steps := widget.NewLabel(stepLine(a, st))
	body = append(body, steps)
	if st.Confirmation != "" {
		// The same number as on the booking page: whoever sees a different
		// one there knows another mynadesk has the session.
		body = append(body, big(a.t(assets.UI.Confirmation)+" "+st.Confirmation))
	}
	if st.ReadOK && st.Phase != vm.PhaseError || st.Phase == vm.PhaseError && st.ReadOK && st.Step == 2 {
		body = append(body, success(a.t(assets.UI.ReadSuccess)))
	}
	if st.SignOK {
		body = append(body, success(a.t(assets.UI.SignSuccess)))
	}
	f.cancel = newButton(a, a.t(assets.UI.Cancel), a.d.Flow.Cancel)
	switch st.Phase {
	case vm.PhaseConnecting:
		body = append(body, f.progress(a.t(assets.UI.Connecting), "")...)
	case vm.PhasePreparing:
		body = append(body, f.progress(a.t(assets.UI.Preparing), a.t(assets.UI.HoldCardNote))...)
	case vm.PhaseCard:
		body = append(body, f.progress(a.t(assets.UI.HoldCard), a.t(assets.UI.HoldCardNote))...)
	case vm.PhaseUploading:
		body = append(body, f.progress(a.t(assets.UI.Uploading), "")...)
	case vm.PhaseSending:
		body = append(body, f.progress(a.t(assets.UI.Sending), "")...)
	case vm.PhaseWaitingPage:
		if st.ConfirmPending {
			body = append(body, f.progress(a.t(assets.UI.ConfirmWaiting), a.t(assets.UI.ConfirmLead))...)
			break
		}
		body = append(body, f.progress(a.t(assets.UI.Waiting), a.t(assets.UI.WaitingLead))...)
	case vm.PhasePIN:
		body = append(body, f.pinStep(st)...)
	case vm.PhaseDone:
		body = append(body, f.verdict(st)...)
	case vm.PhaseError:
		body = append(body, f.problem(st)...)
	}
	title := a.t(assets.UI.Step1Title)
	if st.Step == 2 {
		title = a.t(assets.UI.Step2Title)
	}
	f.obj.Objects = []fyne.CanvasObject{frame(a, title, container.NewVBox(body...), false)}
	f.obj.Refresh()
	if f.focus != nil && a.win.Canvas() != nil {
		a.win.Canvas().Focus(f.focus)
	}
}

// stepLine shows where the resident is: ① → ②.
func stepLine(a *App, st vm.FlowState) string {
	one, two := a.t(assets.UI.Step1Title), a.t(assets.UI.Step2Title)
	switch {
	case st.Step == 2 || st.SignOK:
		return one + " ✓  →  ▶ " + two
	case st.ReadOK:
		return one + " ✓  →  " + two
	}
	return "▶ " + one + "  →  " + two
}

func success(s string) fyne.CanvasObject {
	r := big("✓ " + s)
	r.Segments[0].(*widget.TextSegment).Style.ColorName = "success"
	return r
}

func (f *flowScreen) progress(line, note string) []fyne.CanvasObject {
	f.stateText = sub(line)
	out := []fyne.CanvasObject{f.stateText, widget.NewProgressBarInfinite()}
	if note != "" {
		out = append(out, para(note))
	}
	out = append(out, container.NewHBox(f.cancel))
	f.focus = f.cancel
	return out
}

// pinStep asks for the PIN: which one, its format, the tries left before
// typing, a masked field with a show toggle, the last-try warning.
func (f *flowScreen) pinStep(st vm.FlowState) []fyne.CanvasObject {
	a := f.a
	name, format := a.t(assets.PINName[st.PIN.String()]), a.t(assets.PINFormat[st.PIN.String()])
	var out []fyne.CanvasObject
	lead, note := assets.UI.Step1Lead, assets.BookingPage.ReadPINNote
	if st.PIN == card.PINSign {
		lead, note = assets.UI.Step2Lead, assets.BookingPage.SignPINNote
	}
	out = append(out, para(a.t(lead)))
	if st.PIN == card.PINSign && st.Content != "" {
		text := widget.NewLabelWithStyle(st.Content, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
		text.Wrapping = fyne.TextWrapBreak
		content := container.NewVScroll(text)
		content.SetMinSize(fyne.NewSize(0, 110))
		out = append(out, widget.NewLabelWithStyle(a.t(assets.UI.ContentTitle), fyne.TextAlignLeading, fyne.TextStyle{}),
			para(a.t(assets.UI.ContentLead)), content)
	}
	f.stateText = sub(fmt.Sprintf(a.t(assets.UI.PINLabel), name, format))
	tries := heading(fmt.Sprintf(a.t(assets.UI.TriesBefore), st.TriesLeft, st.PIN.MaxTries()))
	out = append(out, f.stateText, para(a.t(assets.PINPurpose[st.PIN.String()])), para(a.t(note)), tries)
	if st.LastTry {
		tries.Importance = widget.DangerImportance
		w := heading(a.t(assets.LastTryWarning))
		w.Importance = widget.DangerImportance
		out = append(out, w)
	}
	f.pin = newPasswordEntry(a)
	f.pin.OnSubmitted = func(string) { f.submit(false) }
	f.show = widget.NewCheck(a.t(assets.UI.ShowPIN), func(on bool) {
		f.pin.Password = !on
		f.pin.Refresh()
	})
	f.pinMsg = para("")
	f.pinMsg.Importance = widget.DangerImportance
	f.ok = newButton(a, a.t(assets.UI.NextButton), func() { f.submit(false) })
	f.ok.Importance = widget.HighImportance
	f.yes = newButton(a, a.t(assets.UI.LastTryYes), func() { f.submit(true) })
	f.yes.Importance = widget.DangerImportance
	buttons := container.NewHBox(f.ok, f.cancel)
	no := newButton(a, a.t(assets.UI.LastTryNo), func() {
		f.confirm.Hide()
		buttons.Show()
		a.win.Canvas().Focus(f.pin)
	})
	lastTitle := sub(a.t(assets.UI.LastTryTitle))
	lastTitle.Segments[0].(*widget.TextSegment).Style.ColorName = "error"
	f.confirm = container.NewVBox(lastTitle, para(a.t(assets.LastTryWarning)), para(a.t(assets.UI.LastTryConfirm)), container.NewHBox(f.yes, no))
	f.confirm.Hide()
	f.buttons = buttons
	out = append(out, f.pin, f.show, f.pinMsg, f.confirm, buttons)
	f.focus = f.pin
	return out
}

// submit hands the PIN to the view model; a wrong shape is refused on the
// spot, and the last try asks first.
func (f *flowScreen) submit(confirmed bool) {
	a := f.a
	pin := []byte(f.pin.Text)
	err := a.d.Flow.SubmitPIN(pin, confirmed)
	var fe *card.PINFormatError
	switch {
	case err == nil:
		f.pin.SetText("")
	case errors.As(err, &fe):
		e := assets.Lookup(assets.CodePINFormat)
		f.pinMsg.SetText(fmt.Sprintf("%s: %s(%s)", a.t(e.Title), a.t(assets.PINName[fe.PIN.String()]), a.t(assets.PINFormat[fe.PIN.String()])) + "\n" + a.t(e.Message))
		a.win.Canvas().Focus(f.pin)
	case errors.Is(err, vm.ErrConfirmLastTry):
		f.pinMsg.SetText("")
		f.buttons.Hide()
		f.confirm.Show()
		a.win.Canvas().Focus(f.yes)
	default:
		f.pinMsg.SetText(err.Error())
	}
}

// verdict shows the service's answer with the manual's texts.
func (f *flowScreen) verdict(st vm.FlowState) []fyne.CanvasObject {
	a := f.a
	v := st.Verdict
	t := big(a.t(v.Title))
	if !v.OK() {
		t.Segments[0].(*widget.TextSegment).Style.ColorName = "error"
	}
	f.stateText = t
	out := []fyne.CanvasObject{t, para(a.t(v.Message))}
	if len(v.Remedies) > 0 {
		out = append(out, widget.NewLabelWithStyle(a.t(assets.UI.Remedies), fyne.TextAlignLeading, fyne.TextStyle{}))
		for _, r := range v.Remedies {
			out = append(out, para("・"+a.t(r)))
		}
	}
	f.back = newButton(a, a.t(assets.UI.NextResident), a.backHome)
	f.back.Importance = widget.HighImportance
	out = append(out, container.NewHBox(f.back))
	f.focus = f.back
	return out
}

// problem shows an error: code, message, remedies, retry and the report.
func (f *flowScreen) problem(st vm.FlowState) []fyne.CanvasObject {
	a := f.a
	p := st.Problem
	out := problemBox(a, p)
	f.stateText = out[0]
	btns := container.NewHBox()
	f.retry = nil
	if p.Retry {
		label := a.t(assets.UI.Retry)
		if p.Code == assets.CodeCardMoved || p.Code == assets.CodeNoAnswer {
			label = a.t(assets.UI.TryAgain)
		}
		f.retry = newButton(a, label, a.d.Flow.Retry)
		f.retry.Importance = widget.HighImportance
		btns.Add(f.retry)
	}
	f.report = newButton(a, a.t(assets.UI.Report), func() {
		a.d.Flow.Reset()
		a.goPage(pageDiag)
		a.diag.runReport()
	})
	f.back = newButton(a, a.t(assets.UI.NextResident), a.backHome)
	btns.Add(f.report)
	btns.Add(f.back)
	out = append(out, btns)
	if f.retry != nil {
		f.focus = f.retry
	} else {
		f.focus = f.back
	}
	return out
}
