package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// keys is what every focusable widget of the app does with a key first:
// Escape goes back or cancels, and any key counts as activity for kiosk
// mode's idle timer.
type keys interface {
	escape()
	touch()
}

// minTarget is the smallest height of anything a finger presses (WCAG's
// 44 px, a little more for unsteady hands).
const minTarget = 52

// button is a Button that Enter and Return press too, not only Space,
// with a focus ring that stands out (≥ 3:1) and a target large enough for
// a finger.
type button struct {
	widget.Button
	k       keys
	focused bool
	// noEnter: Enter does not press it (buttons that confirm or destroy:
	// a key pressed twice must not reach them).
	noEnter bool
	// wide makes the main action of a screen easy to find and hit.
	wide bool
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
		if !b.noEnter {
			b.Tapped(nil)
		}
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

// FocusGained shows the ring.
func (b *button) FocusGained() {
	b.focused = true
	b.Button.FocusGained()
}

// FocusLost hides the ring.
func (b *button) FocusLost() {
	b.focused = false
	b.Button.FocusLost()
}

// CreateRenderer is Button's, with the ring and the larger target.
func (b *button) CreateRenderer() fyne.WidgetRenderer {
	ring := canvas.NewRectangle(color.Transparent)
	ring.StrokeWidth = 3
	return &ringRenderer{WidgetRenderer: b.Button.CreateRenderer(), ring: ring, b: b}
}

type ringRenderer struct {
	fyne.WidgetRenderer
	ring *canvas.Rectangle
	b    *button
}

func (r *ringRenderer) MinSize() fyne.Size {
	s := r.WidgetRenderer.MinSize()
	w := fyne.Max(s.Width, minTarget)
	if r.b.wide {
		w = fyne.Max(w, minTarget*4)
	}
	return fyne.NewSize(w, fyne.Max(s.Height, minTarget))
}

// ringGap is how far the ring sits outside the button: it is drawn on the
// background, so it stands out whatever the button's own colour.
const ringGap = 4

func (r *ringRenderer) Layout(s fyne.Size) {
	r.WidgetRenderer.Layout(s)
	r.ring.Move(fyne.NewPos(-ringGap, -ringGap))
	r.ring.Resize(s.AddWidthHeight(2*ringGap, 2*ringGap))
}

func (r *ringRenderer) Refresh() {
	r.WidgetRenderer.Refresh()
	r.ring.CornerRadius = theme.SizeForWidget(theme.SizeNameInputRadius, r.b) + ringGap
	if r.b.focused {
		r.ring.StrokeColor = theme.ColorForWidget(colorFocusRing, r.b)
	} else {
		r.ring.StrokeColor = color.Transparent
	}
	r.ring.Refresh()
}

func (r *ringRenderer) Objects() []fyne.CanvasObject {
	return append(append([]fyne.CanvasObject{}, r.WidgetRenderer.Objects()...), r.ring)
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

// MinSize is at least a finger's target.
func (e *entry) MinSize() fyne.Size {
	s := e.Entry.MinSize()
	return fyne.NewSize(s.Width, fyne.Max(s.Height, minTarget))
}
