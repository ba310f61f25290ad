package ui

import (
	"image/color"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"

	"github.com/mynadesk/mynadesk/assets"
)

// blockKind is how loud a block is.
type blockKind int

const (
	blockInfo   blockKind = iota // a note: pale yellow
	blockDanger                  // a warning that costs something: pale red, red border
	blockOK                      // a success: pale green
)

// block is a framed, coloured panel for what must not be missed: the
// tries left before a PIN, the last-try warning, a success, a verdict.
func block(kind blockKind, lines ...fyne.CanvasObject) fyne.CanvasObject {
	bg, border := colorNoticeBG, theme.ColorNameWarning
	switch kind {
	case blockDanger:
		bg, border = colorDangerBG, theme.ColorNameError
	case blockOK:
		bg, border = colorOKBG, theme.ColorNameSuccess
	}
	th := fyne.CurrentApp().Settings().Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r := canvas.NewRectangle(th.Color(bg, v))
	r.StrokeColor = th.Color(border, v)
	r.StrokeWidth = 3
	r.CornerRadius = 10
	return container.NewStack(r, container.NewPadded(container.NewPadded(container.NewVBox(lines...))))
}

// stepBar is ① 読み取り → ② 署名, the current step filled, a done step
// ticked, as the booking page's own step bar.
func stepBar(a *App, step int, readOK, signOK bool) fyne.CanvasObject {
	th := fyne.CurrentApp().Settings().Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	one := stepDot(th, v, "1", a.t(assets.Term.StepRead), step <= 1 && !readOK, readOK)
	two := stepDot(th, v, "2", a.t(assets.Term.StepSign), step == 2 && !signOK, signOK)
	line := canvas.NewRectangle(th.Color(colorStepTodo, v))
	if readOK {
		line.FillColor = th.Color(theme.ColorNameSuccess, v)
	}
	line.SetMinSize(fyne.NewSize(80, 4))
	return container.NewHBox(one, container.NewCenter(line), two, layout.NewSpacer())
}

func stepDot(th fyne.Theme, v fyne.ThemeVariant, n, label string, current, done bool) fyne.CanvasObject {
	size := th.Size(theme.SizeNameSubHeadingText)
	fill := th.Color(colorStepTodo, v)
	switch {
	case done:
		fill, n = th.Color(theme.ColorNameSuccess, v), "✓"
	case current:
		fill = th.Color(theme.ColorNamePrimary, v)
	}
	c := canvas.NewCircle(fill)
	d := size * 2
	num := canvas.NewText(n, color.White)
	num.TextSize, num.Alignment = size, fyne.TextAlignCenter
	dot := container.NewGridWrap(fyne.NewSize(d, d), container.NewStack(c, container.NewCenter(num)))
	l := canvas.NewText(label, th.Color(theme.ColorNameForeground, v))
	l.TextSize = size
	if !current && !done {
		l.Color = th.Color(theme.ColorNameDisabled, v)
	}
	return container.NewHBox(dot, container.NewCenter(l))
}

// readersPicture is the card in a contact reader and on a contactless
// one, with the two ways to place it under each.
func readersPicture(a *App, height float32) fyne.CanvasObject {
	img := canvas.NewImageFromResource(fyne.NewStaticResource("card-readers.svg", assets.CardReadersSVG))
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(height*640/280, height))
	labels := container.NewGridWithColumns(2, para(a.t(assets.UI.PlaceContact)), para(a.t(assets.UI.PlaceContactless)))
	return container.NewVBox(container.NewHBox(img, layout.NewSpacer()), labels)
}

// columns puts its objects side by side when the width allows each its
// minimum, and one under the other otherwise (a 960 px window, 特大 text):
// nothing is ever cut off at the right edge. Like wrapped text it learns
// the width from the last layout.
type columns struct {
	mu    sync.Mutex
	width float32
}

func newColumns(objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(&columns{}, objs...)
}

const columnGap = 16

func (l *columns) side(objs []fyne.CanvasObject, width float32) bool {
	var need float32
	for _, o := range objs {
		if o.Visible() {
			need += o.MinSize().Width + columnGap
		}
	}
	return width > 0 && need-columnGap <= width
}

// MinSize is one column's width, and the height of the arrangement the
// last width allows.
func (l *columns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	l.mu.Lock()
	width := l.width
	l.mu.Unlock()
	side := l.side(objs, width)
	var w, h float32
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		w = fyne.Max(w, m.Width)
		if side {
			h = fyne.Max(h, m.Height)
		} else {
			h += m.Height + theme.Padding()
		}
	}
	return fyne.NewSize(w, h)
}

// Layout places the objects in equal columns, or stacked.
func (l *columns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l.mu.Lock()
	l.width = size.Width
	l.mu.Unlock()
	var vis []fyne.CanvasObject
	for _, o := range objs {
		if o.Visible() {
			vis = append(vis, o)
		}
	}
	if len(vis) == 0 {
		return
	}
	if l.side(vis, size.Width) {
		cw := (size.Width - columnGap*float32(len(vis)-1)) / float32(len(vis))
		for i, o := range vis {
			o.Move(fyne.NewPos(float32(i)*(cw+columnGap), 0))
			o.Resize(fyne.NewSize(cw, fyne.Max(size.Height, o.MinSize().Height)))
		}
		return
	}
	y := float32(0)
	for _, o := range vis {
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h + theme.Padding()
	}
}
