package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// keys is what every focusable widget of the app does with a key first:
// Escape goes back or cancels, and any key counts as activity for kiosk
// mode's idle timer.
type keys interface {
	escape()
	touch()
}

// button is a Button that Enter and Return press too, not only Space.
type button struct {
	widget.Button
	k keys
}

func newButton(k keys, label string, tapped func()) *button {
	b := &button{k: k}
	b.Text, b.OnTapped = label, tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey presses the button on Enter, Return and Space.
func (b *button) TypedKey(ev *fyne.KeyEvent) {
	b.k.touch()
	switch ev.Name {
	case fyne.KeyEnter, fyne.KeyReturn:
		b.Tapped(nil)
	case fyne.KeyEscape:
		b.k.escape()
	default:
		b.Button.TypedKey(ev)
	}
}

// Tapped counts as activity.
func (b *button) Tapped(ev *fyne.PointEvent) {
	b.k.touch()
	b.Button.Tapped(ev)
}

// entry is an Entry where Escape goes back.
type entry struct {
	widget.Entry
	k keys
}

func newEntry(k keys) *entry {
	e := &entry{k: k}
	e.ExtendBaseWidget(e)
	return e
}

func newPasswordEntry(k keys) *entry {
	e := &entry{k: k}
	e.Password = true
	// The manuals' 「パスワードを表示する」 check box shows the PIN; the
	// entry's own revealer is replaced by nothing.
	e.ActionItem = widget.NewLabel("")
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey handles Escape, then what Entry does.
func (e *entry) TypedKey(ev *fyne.KeyEvent) {
	e.k.touch()
	if ev.Name == fyne.KeyEscape {
		e.k.escape()
		return
	}
	e.Entry.TypedKey(ev)
}

// TypedRune counts as activity.
func (e *entry) TypedRune(r rune) {
	e.k.touch()
	e.Entry.TypedRune(r)
}
