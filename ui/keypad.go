package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"github.com/mynadesk/mynadesk/assets"
)

// keypadKind is which keys a keypad has.
type keypadKind int

const (
	keypadDigits keypadKind = iota // 0–9: the 4-digit PIN
	keypadAlnum                    // A–Z and 0–9: the signing password, the session code
)

// keypad is an on-screen keyboard for a touch screen (a counter kiosk):
// large keys that type into one field. It never presses OK itself, so a
// double tap cannot send a PIN.
type keypad struct {
	obj    fyne.CanvasObject
	keys   map[string]*button
	target *entry
}

// keySize is a key's target: larger than minTarget, for unsteady fingers.
const keySize = 56

func newKeypad(a *App, kind keypadKind, target *entry) *keypad {
	k := &keypad{keys: map[string]*button{}, target: target}
	key := func(label string, fn func()) fyne.CanvasObject {
		b := newButton(a, label, fn)
		k.keys[label] = b
		return b
	}
	typeKey := func(r rune) fyne.CanvasObject {
		return key(string(r), func() { target.TypedRune(r) })
	}
	del := key(a.t(assets.UI.KeyDelete), func() {
		a.touch()
		if rs := []rune(target.Text); len(rs) > 0 {
			target.SetText(string(rs[:len(rs)-1]))
		}
	})
	clr := key(a.t(assets.UI.KeyClear), func() {
		a.touch()
		target.SetText("")
	})
	if kind == keypadDigits {
		var cells []fyne.CanvasObject
		for _, r := range "123456789" {
			cells = append(cells, typeKey(r))
		}
		cells = append(cells, clr, typeKey('0'), del)
		k.obj = container.NewHBox(container.New(&fixedColumns{n: 3, cell: fyne.NewSize(keySize*1.6, keySize)}, cells...))
		return k
	}
	cell := fyne.NewSize(keySize-6, keySize)
	var cells []fyne.CanvasObject
	for _, r := range "1234567890ABCDEFGHIJKLMNOPQRSTUVWXYZ" {
		cells = append(cells, typeKey(r))
	}
	cells = append(cells, clr, del)
	k.obj = container.NewHBox(container.New(&fixedColumns{n: 10, cell: cell}, cells...))
	return k
}

// fixedColumns lays out equal cells in n columns; a cell wider than the
// others (the delete keys) spans what its text needs.
type fixedColumns struct {
	n    int
	cell fyne.Size
}

func (l *fixedColumns) size(o fyne.CanvasObject) fyne.Size {
	m := o.MinSize()
	return fyne.NewSize(fyne.Max(l.cell.Width, m.Width), fyne.Max(l.cell.Height, m.Height))
}

// Layout places the cells row by row.
func (l *fixedColumns) Layout(objs []fyne.CanvasObject, _ fyne.Size) {
	const gap = 6
	x, y, col := float32(0), float32(0), 0
	var rowH float32
	for _, o := range objs {
		s := l.size(o)
		if col == l.n {
			x, y, col = 0, y+rowH+gap, 0
			rowH = 0
		}
		o.Move(fyne.NewPos(x, y))
		o.Resize(s)
		x += s.Width + gap
		rowH = fyne.Max(rowH, s.Height)
		col++
	}
}

// MinSize is the cells' extent.
func (l *fixedColumns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	const gap = 6
	var w, h, x, rowH float32
	col := 0
	for _, o := range objs {
		s := l.size(o)
		if col == l.n {
			h += rowH + gap
			x, rowH, col = 0, 0, 0
		}
		x += s.Width + gap
		w = fyne.Max(w, x-gap)
		rowH = fyne.Max(rowH, s.Height)
		col++
	}
	return fyne.NewSize(w, h+rowH)
}
