package ui

import (
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/ui/vm"
)

// flowScreen shows a booking session: progress, the PIN of each step, the
// success messages, the verdict and errors.
//
// Focus rules (no key pressed twice may cost a try or the session): after
// Enter, the focus never lands on a button that confirms or ends
// something. While the card works nothing has the focus, so Enter does
// nothing; the last-try confirmation starts on 「いいえ、入力し直す」, and
// its 「はい」 takes no Enter at all.
type flowScreen struct {
	a     *App
	obj   *fyne.Container
	key   string
	focus fyne.Focusable

	// The PIN step's widgets, kept while the same PIN is asked.
	pin     *entry
	show    *widget.Check
	pinMsg  *text
	confirm *fyne.Container // the last-try confirmation
	buttons *fyne.Container // OK and Cancel, hidden while confirming
	keypad  *keypad
	ok      *button
	cancel  *button
	yes     *button
	no      *button
	sent    bool // the PIN of this prompt went to the view model
	// The card-read cancel confirmation.
	cancelAsk    *fyne.Container
	cancelYes    *button
	cancelNo     *button
	retry        *button
	again        *button
	report       *button
	back         *button
	detail       *widget.Label // the exact content, behind 「詳細」
	detailToggle *button
	stateText    fyne.CanvasObject
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
	f.cancelAsk = nil
	var body []fyne.CanvasObject
	if st.Confirmation != "" {
		// The same number as on the booking page: whoever sees a different
		// one there knows another mynadesk has the session.
		body = append(body, big(a.t(assets.UI.Confirmation)+" "+st.Confirmation))
	}
	if st.ReadOK && st.Step == 2 && st.Phase != vm.PhaseDone && !(a.s.Kiosk && st.Phase == vm.PhasePIN) {
		// (On a kiosk's password screen the step bar's ✓ says it: the
		// keypad needs the room.)
		body = append(body, success(a.t(assets.UI.ReadSuccess)))
	}
	f.cancel = newButton(a, a.t(assets.UI.Cancel), f.cancelPressed)
	f.cancel.noEnter = true
	var bottom fyne.CanvasObject
	switch st.Phase {
	case vm.PhaseConnecting:
		body, bottom = append(body, f.progress(a.t(assets.UI.Connecting), "")...), f.cancelBar()
	case vm.PhasePreparing:
		body, bottom = append(body, f.progress(a.t(assets.UI.Preparing), a.t(assets.UI.HoldCardNote))...), f.cancelBar()
	case vm.PhaseCard:
		body, bottom = append(body, f.progress(a.t(assets.UI.HoldCard), a.t(assets.UI.HoldCardNote))...), f.cancelBar()
	case vm.PhaseUploading:
		body, bottom = append(body, f.progress(a.t(assets.UI.Uploading), "")...), f.cancelBar()
	case vm.PhaseSending:
		body, bottom = append(body, f.progress(a.t(assets.UI.Sending), "")...), f.cancelBar()
	case vm.PhaseWaitingPage:
		if st.ConfirmPending {
			body = append(body, f.progress(a.t(assets.UI.ConfirmWaiting), a.t(assets.UI.ConfirmLead))...)
			break
		}
		body = append(body, f.progress(a.t(assets.UI.Waiting), a.t(assets.UI.WaitingLead))...)
		body = append(body, block(blockInfo, sub(a.t(assets.UI.KeepCardIn)).colored(theme.ColorNameWarning)))
		bottom = f.cancelBar()
	case vm.PhasePIN:
		var b []fyne.CanvasObject
		b, bottom = f.pinStep(st)
		body = append(body, b...)
	case vm.PhaseDone:
		var b []fyne.CanvasObject
		b, bottom = f.verdict(st)
		body = append(body, b...)
	case vm.PhaseError:
		var b []fyne.CanvasObject
		b, bottom = f.problem(st)
		body = append(body, b...)
	}
	title := a.t(assets.UI.Step1Title)
	if st.Step == 2 {
		title = a.t(assets.UI.Step2Title)
	}
	// 署名 is ticked only when the service accepted it: a failed check
	// shows one verdict, the red one.
	bar := stepBar(a, st.Step, st.ReadOK, st.Phase == vm.PhaseDone && st.Verdict != nil && st.Verdict.OK())
	f.obj.Objects = []fyne.CanvasObject{frame(a, title, bar, container.NewVBox(body...), bottom, false)}
	f.obj.Refresh()
	if c := a.win.Canvas(); c != nil {
		if f.focus != nil {
			c.Focus(f.focus)
		} else {
			c.Unfocus()
		}
	}
}

func success(s string) fyne.CanvasObject {
	return block(blockOK, sub("✓ "+s).colored(theme.ColorNameSuccess))
}

// progress is a step at work: what happens, a moving bar, a note. Nothing
// is focused, so a second Enter does nothing.
func (f *flowScreen) progress(line, note string) []fyne.CanvasObject {
	t := sub(line)
	f.stateText = t
	out := []fyne.CanvasObject{t, widget.NewProgressBarInfinite()}
	if note != "" {
		out = append(out, para(note))
	}
	f.cancelAsk = container.NewVBox()
	f.cancelAsk.Hide()
	out = append(out, f.cancelAsk)
	return out
}

// cancelBar is the bottom row while the session works: 中止する.
func (f *flowScreen) cancelBar() fyne.CanvasObject {
	return container.NewHBox(layout.NewSpacer(), f.cancel)
}

// cancelPressed cancels, or, while the card is mid-operation, asks first:
// the card is left to finish what it does either way.
func (f *flowScreen) cancelPressed() {
	a := f.a
	p := a.d.Flow.State().Phase
	if (p != vm.PhaseCard && p != vm.PhasePreparing) || f.cancelAsk == nil {
		a.d.Flow.Cancel()
		return
	}
	f.cancelYes = newButton(a, a.t(assets.UI.CancelYes), a.d.Flow.Cancel)
	f.cancelYes.noEnter = true
	f.cancelYes.Importance = widget.DangerImportance
	f.cancelNo = newButton(a, a.t(assets.UI.CancelNo), func() {
		f.cancelAsk.Hide()
		a.win.Canvas().Unfocus()
	})
	f.cancelAsk.Objects = []fyne.CanvasObject{block(blockDanger,
		sub(a.t(assets.UI.CancelConfirm)).colored(theme.ColorNameError),
		para(a.t(assets.UI.CancelConfirmLead)),
		container.NewHBox(f.cancelNo, f.cancelYes))}
	f.cancelAsk.Show()
	f.cancelAsk.Refresh()
	a.win.Canvas().Unfocus()
}

// pinStep asks for the PIN: which one, its format, the tries left before
// typing, a masked field with a show toggle, the last-try warning; in
// step 2 first what is signed.
func (f *flowScreen) pinStep(st vm.FlowState) ([]fyne.CanvasObject, fyne.CanvasObject) {
	a := f.a
	f.sent = false
	name, format := a.t(assets.PINName[st.PIN.String()]), a.t(assets.PINFormat[st.PIN.String()])
	var out []fyne.CanvasObject
	lead, note := assets.UI.Step1Lead, assets.BookingPage.ReadPINNote
	if st.PIN == card.PINSign {
		lead, note = assets.UI.Step2Lead, assets.BookingPage.SignPINNote
	}
	out = append(out, para(a.t(lead)))
	var content []fyne.CanvasObject
	if st.PIN == card.PINSign && st.Content != "" {
		content = f.content(st)
	}
	f.stateText = sub(fmt.Sprintf(a.t(assets.UI.PINLabel), name, format))
	out = append(out, f.stateText)
	if !a.s.Kiosk {
		// (A kiosk needs the room for its keypad; the note below says it.)
		out = append(out, para(a.t(assets.PINPurpose[st.PIN.String()])))
	}
	out = append(out, para(a.t(note)))
	tries := sub(fmt.Sprintf(a.t(assets.UI.TriesBefore), st.TriesLeft, st.PIN.MaxTries()))
	if st.LastTry {
		out = append(out, block(blockDanger, tries.colored(theme.ColorNameError),
			sub(a.t(assets.UI.LastTryTitle)).colored(theme.ColorNameError), para(a.t(assets.LastTryWarning))))
	} else {
		out = append(out, block(blockInfo, tries))
	}
	f.pin = newPasswordEntry(a)
	f.pin.OnSubmitted = func(string) { f.submit(false) }
	f.show = widget.NewCheck(a.t(assets.UI.ShowPIN), func(on bool) {
		f.pin.Password = !on
		f.pin.Refresh()
	})
	f.pinMsg = para("").colored(theme.ColorNameError)
	f.ok = newButton(a, a.t(assets.UI.NextButton), func() { f.submit(false) })
	f.ok.Importance, f.ok.wide = widget.HighImportance, true
	f.yes = newButton(a, a.t(assets.UI.LastTryYes), func() { f.submit(true) })
	f.yes.Importance = widget.DangerImportance
	f.yes.noEnter = true // a deliberate press: a second Enter never uses the last try
	f.buttons = container.NewHBox(f.ok, layout.NewSpacer(), f.cancel)
	f.no = newButton(a, a.t(assets.UI.LastTryNo), f.reenter)
	f.no.Importance = widget.HighImportance
	f.confirm = container.NewVBox(block(blockDanger,
		sub(a.t(assets.UI.LastTryTitle)).colored(theme.ColorNameError),
		para(a.t(assets.LastTryWarning)), sub(a.t(assets.UI.LastTryConfirm)),
		container.NewHBox(f.no, layout.NewSpacer(), f.yes)))
	f.confirm.Hide()
	field := container.NewVBox(f.pin, f.show, f.pinMsg)
	f.keypad = nil
	if a.s.Kiosk {
		kind := keypadDigits
		if st.PIN == card.PINSign {
			kind = keypadAlnum
		}
		f.keypad = newKeypad(a, kind, f.pin)
		field.Add(f.keypad.obj)
	}
	out = append(out, field, f.confirm)
	f.focus = f.pin
	if content != nil {
		// What is signed beside the password, so both are in view.
		return []fyne.CanvasObject{out[0], newColumns(
			container.NewVBox(content...), container.NewVBox(out[1:]...))}, f.buttons
	}
	return out, f.buttons
}

// content shows what step 2 signs: a labelled summary, and the exact text
// behind 「詳細」.
func (f *flowScreen) content(st vm.FlowState) []fyne.CanvasObject {
	a := f.a
	out := []fyne.CanvasObject{heading(a.t(assets.UI.ContentTitle))}
	if s := st.Summary; s != nil {
		form := container.New(layout.NewFormLayout())
		for _, r := range s.Rows(a.s.Lang) {
			form.Add(label(r[0]).colored(theme.ColorNamePlaceHolder))
			form.Add(para(r[1]))
		}
		out = append(out, block(blockInfo, form))
	}
	f.detail = widget.NewLabelWithStyle(st.Content, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	f.detail.Wrapping = fyne.TextWrapBreak
	if st.Summary != nil {
		f.detail.Hide()
	}
	var toggle *button
	toggle = newButton(a, a.t(assets.UI.ContentDetail), func() {
		if f.detail.Visible() {
			f.detail.Hide()
			toggle.SetText(a.t(assets.UI.ContentDetail))
		} else {
			f.detail.Show()
			toggle.SetText(a.t(assets.UI.ContentDetailHide))
		}
	})
	f.detailToggle = toggle
	out = append(out, para(a.t(assets.UI.ContentLead)), container.NewHBox(toggle), f.detail)
	return out
}

// reenter leaves the last-try confirmation for the field, emptied.
func (f *flowScreen) reenter() {
	f.confirm.Hide()
	f.buttons.Show()
	f.pin.SetText("")
	f.a.win.Canvas().Focus(f.pin)
}

// submit hands the PIN to the view model; a wrong shape is refused on the
// spot, and the last try asks first.
func (f *flowScreen) submit(confirmed bool) {
	a := f.a
	if f.sent {
		return // Enter again before the screen moved on
	}
	pin := []byte(f.pin.Text)
	err := a.d.Flow.SubmitPIN(pin, confirmed)
	var fe *card.PINFormatError
	switch {
	case err == nil:
		f.sent = true
		f.pin.SetText("")
		a.win.Canvas().Unfocus()
	case errors.As(err, &fe):
		e := assets.Lookup(assets.CodePINFormat)
		f.pinMsg.SetText(fmt.Sprintf("%s: %s(%s)", a.t(e.Title), a.t(assets.PINName[fe.PIN.String()]), a.t(assets.PINFormat[fe.PIN.String()])) + "\n" + a.t(e.Message))
		a.win.Canvas().Focus(f.pin)
	case errors.Is(err, vm.ErrConfirmLastTry):
		f.pinMsg.SetText("")
		f.buttons.Hide()
		f.confirm.Show()
		// 「いいえ」 first: Enter again goes back to the field.
		a.win.Canvas().Focus(f.no)
	default:
		f.pinMsg.SetText(err.Error())
	}
}

// verdict shows the service's answer with the manual's texts: one
// verdict, and for a check the service could not complete our own plain
// line. Nothing is focused: the resident chooses with a press.
func (f *flowScreen) verdict(st vm.FlowState) ([]fyne.CanvasObject, fyne.CanvasObject) {
	a := f.a
	v := st.Verdict
	t := big(a.t(v.Title))
	f.stateText = t
	var out []fyne.CanvasObject
	if v.OK() {
		t.colored(theme.ColorNameSuccess)
		out = append(out, block(blockOK, para("✓ "+a.t(assets.UI.SignSuccess)).colored(theme.ColorNameSuccess), t, sub(a.t(v.Message))))
	} else {
		t.colored(theme.ColorNameError)
		out = append(out, block(blockDanger, t, para(a.t(v.Message))))
		if v.Plain != (assets.Text{}) {
			out = append(out, block(blockInfo, sub(a.t(v.Plain)), para(a.t(v.PlainLead))))
		}
	}
	if len(v.Remedies) > 0 {
		out = append(out, heading(a.t(assets.UI.Remedies)))
		for _, r := range v.Remedies {
			out = append(out, para("・"+a.t(r)))
		}
	}
	btns := container.NewHBox()
	f.again = nil
	if v.SignAgain {
		f.again = newButton(a, a.t(assets.UI.SignAgain), a.d.Flow.Retry)
		f.again.Importance = widget.HighImportance
		btns.Add(f.again)
	}
	btns.Add(layout.NewSpacer())
	f.back = newButton(a, a.t(assets.UI.NextResident), a.backHome)
	f.back.noEnter = true
	if v.OK() {
		f.back.Importance = widget.HighImportance
	}
	btns.Add(f.back)
	return out, btns
}

// problem shows an error: message, remedies, retry and the report; a
// cancel is the resident's choice and is said plainly, without a code.
func (f *flowScreen) problem(st vm.FlowState) ([]fyne.CanvasObject, fyne.CanvasObject) {
	a := f.a
	p := st.Problem
	btns := container.NewHBox()
	f.retry, f.report = nil, nil
	f.back = newButton(a, a.t(assets.UI.NextResident), a.backHome)
	f.back.noEnter = true
	if vm.Cancelled(p) {
		t := big(a.t(assets.UI.Cancelled))
		f.stateText = t
		f.retry = newButton(a, a.t(assets.UI.Retry), a.d.Flow.Retry)
		f.retry.Importance = widget.HighImportance
		btns.Add(f.retry)
		btns.Add(layout.NewSpacer())
		btns.Add(f.back)
		return []fyne.CanvasObject{t, para(a.t(assets.UI.CancelledLead))}, btns
	}
	out := problemBox(a, p)
	f.stateText = out[0]
	if st.Stopped {
		// Before step 1: nothing was asked, and the remedies say where to go.
		out = append(out[:1], append([]fyne.CanvasObject{block(blockInfo, sub(a.t(assets.UI.StopWhere)))}, out[1:]...)...)
	}
	if p.Retry {
		label := a.t(assets.UI.Retry)
		if p.Code == assets.CodeCardMoved || p.Code == assets.CodeNoAnswer {
			label = a.t(assets.UI.TryAgain)
		}
		f.retry = newButton(a, label, a.d.Flow.Retry)
		f.retry.Importance = widget.HighImportance
		btns.Add(f.retry)
	}
	btns.Add(layout.NewSpacer())
	if p.Entry.Report {
		f.report = newButton(a, a.t(assets.UI.Report), func() {
			a.d.Flow.Reset()
			a.goPage(pageDiag)
			a.diag.runReport()
		})
		btns.Add(f.report)
	}
	btns.Add(f.back)
	return out, btns
}
