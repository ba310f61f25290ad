package ui

import (
	"strings"
	"sync"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// text is a block of wrapped text that breaks lines the way Japanese is
// set (kinsoku): no line starts with 。、）」 or a small kana, none ends with
// 「（, and Latin words break at spaces. Fyne's own wrapping breaks Japanese
// anywhere, so a lone 「。」 could start a line.
type text struct {
	widget.BaseWidget
	Text      string
	SizeName  fyne.ThemeSizeName
	ColorName fyne.ThemeColorName
	Align     fyne.TextAlign
	// NoWrap keeps each line whole and asks for its width (labels of a
	// form, which would otherwise be squeezed to one character a line).
	NoWrap bool

	mu    sync.Mutex
	width float32 // the width last laid out at; 0 before the first layout
}

func newText(s string, size fyne.ThemeSizeName, color fyne.ThemeColorName) *text {
	t := &text{Text: s, SizeName: size, ColorName: color}
	t.ExtendBaseWidget(t)
	return t
}

// para is body text.
func para(s string) *text { return newText(s, theme.SizeNameText, theme.ColorNameForeground) }

// heading is body-sized text for a line that names what follows.
func heading(s string) *text { return para(s) }

// sub is a sub-heading: the line that says what to do now.
func sub(s string) *text { return newText(s, theme.SizeNameSubHeadingText, theme.ColorNameForeground) }

// big is a large heading for the manuals' success messages and verdicts.
func big(s string) *text { return newText(s, theme.SizeNameHeadingText, theme.ColorNameForeground) }

// label is one line of body text that keeps its width.
func label(s string) *text {
	t := para(s)
	t.NoWrap = true
	return t
}

// SetText changes the text.
func (t *text) SetText(s string) {
	t.Text = s
	t.Refresh()
}

// colored sets the colour and returns t.
func (t *text) colored(c fyne.ThemeColorName) *text {
	t.ColorName = c
	t.Refresh()
	return t
}

// Resize remembers the width, which decides the lines and so the height.
func (t *text) Resize(s fyne.Size) {
	t.mu.Lock()
	t.width = s.Width
	t.mu.Unlock()
	t.BaseWidget.Resize(s)
}

func (t *text) lastWidth() float32 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.width
}

// CreateRenderer draws one canvas.Text per line.
func (t *text) CreateRenderer() fyne.WidgetRenderer {
	return &textRenderer{t: t}
}

type textRenderer struct {
	t     *text
	lines []*canvas.Text
	objs  []fyne.CanvasObject
}

func (r *textRenderer) size() float32 {
	return theme.SizeForWidget(r.t.SizeName, r.t)
}

// lineHeight is the height of one line with room for descenders (g, y, p).
func (r *textRenderer) lineHeight() float32 {
	return fyne.MeasureText("国gy", r.size(), fyne.TextStyle{}).Height
}

func (r *textRenderer) wrap(width float32) []string {
	if r.t.NoWrap {
		return strings.Split(r.t.Text, "\n")
	}
	size := r.size()
	measure := func(s string) float32 { return fyne.MeasureText(s, size, fyne.TextStyle{}).Width }
	// One character's room is kept for punctuation that hangs.
	return wrapLines(r.t.Text, width-size, measure)
}

func (r *textRenderer) MinSize() fyne.Size {
	if r.t.NoWrap {
		var w float32
		lines := strings.Split(r.t.Text, "\n")
		for _, l := range lines {
			w = fyne.Max(w, fyne.MeasureText(l, r.size(), fyne.TextStyle{}).Width)
		}
		return fyne.NewSize(w, float32(len(lines))*r.lineHeight())
	}
	w := r.t.lastWidth()
	if w <= 0 {
		// Before the first layout: one line per paragraph, the width of
		// one character, so the parent decides the width.
		n := strings.Count(r.t.Text, "\n") + 1
		return fyne.NewSize(r.size()*1.2, float32(n)*r.lineHeight())
	}
	n := len(r.wrap(w))
	if n == 0 {
		n = 1
	}
	return fyne.NewSize(r.size()*1.2, float32(n)*r.lineHeight())
}

func (r *textRenderer) Layout(s fyne.Size) {
	lines := r.wrap(s.Width)
	c := theme.ColorForWidget(r.t.ColorName, r.t)
	size := r.size()
	lh := r.lineHeight()
	for len(r.lines) < len(lines) {
		r.lines = append(r.lines, canvas.NewText("", c))
	}
	r.lines = r.lines[:len(lines)]
	r.objs = r.objs[:0]
	for i, l := range lines {
		ct := r.lines[i]
		ct.Text, ct.Color, ct.TextSize, ct.Alignment = l, c, size, r.t.Align
		ct.Move(fyne.NewPos(0, float32(i)*lh))
		ct.Resize(fyne.NewSize(s.Width, lh))
		ct.Refresh()
		r.objs = append(r.objs, ct)
	}
}

func (r *textRenderer) Refresh() {
	r.Layout(r.t.Size())
	canvas.Refresh(r.t)
}

func (r *textRenderer) Objects() []fyne.CanvasObject { return r.objs }

func (r *textRenderer) Destroy() {}

// Characters that may not start a line (行頭禁則) and may not end one (行末禁則).
const (
	noLineStart = "、。，．,.・：；:;？！?!ー―…‥）)」』】〕〉》］]’”%％ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ々〻ゝゞヽヾ"
	noLineEnd   = "（(「『【〔〈《［[‘“"
)

// wrapLines breaks s into lines no wider than width. A character that may
// not start a line hangs at the end of the previous one (ぶら下げ), as
// Japanese typesetting does; Latin words break at spaces.
func wrapLines(s string, width float32, measure func(string) float32) []string {
	var out []string
	widths := map[rune]float32{}
	wOf := func(r rune) float32 {
		w, ok := widths[r]
		if !ok {
			w = measure(string(r))
			widths[r] = w
		}
		return w
	}
	for _, para := range strings.Split(s, "\n") {
		rs := []rune(para)
		if len(rs) == 0 {
			out = append(out, "")
			continue
		}
		start := 0
		var cum float32
		for i := 0; i < len(rs); i++ {
			cum += wOf(rs[i])
			if cum <= width || i == start {
				continue
			}
			brk := i // the line is rs[start:brk]
			switch {
			case strings.ContainsRune(noLineStart, rs[i]):
				brk = i + 1 // hang the punctuation
				for brk < len(rs) && strings.ContainsRune(noLineStart, rs[brk]) {
					brk++
				}
			case isWordRune(rs[i]) && isWordRune(rs[i-1]):
				for j := i - 1; j > start; j-- {
					if rs[j] == ' ' {
						brk = j + 1
						break
					}
					if !isWordRune(rs[j]) {
						brk = j + 1
						break
					}
				}
			}
			for brk-1 > start && strings.ContainsRune(noLineEnd, rs[brk-1]) {
				brk--
			}
			out = append(out, strings.TrimRight(string(rs[start:brk]), " "))
			for brk < len(rs) && rs[brk] == ' ' {
				brk++
			}
			start = brk
			cum = 0
			for j := start; j <= i && j < len(rs); j++ {
				cum += wOf(rs[j])
			}
			if start > i {
				i = start - 1
				cum = 0
			}
		}
		if start < len(rs) {
			out = append(out, string(rs[start:]))
		}
	}
	return out
}

// isWordRune is a character of a Latin word or number, which is not broken.
func isWordRune(r rune) bool {
	return r < 0x3000 && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-_/.:@%()", r))
}
