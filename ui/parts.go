package ui

import (
	"image/color"

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
