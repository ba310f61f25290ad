package ui

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/mynadesk/mynadesk/assets"
)

// Theme is Fyne's default theme with a Japanese font and, in kiosk mode,
// larger text and padding. Nothing else is overridden.
type Theme struct {
	fyne.Theme
	font  fyne.Resource // nil keeps Fyne's font
	bold  fyne.Resource // nil: bold text uses font
	Kiosk bool
	// FontFrom says where the font came from, for diagnostics.
	FontFrom string
}

// NewTheme loads the Japanese font (embedded, else from the system).
func NewTheme(kiosk bool) *Theme {
	t := &Theme{Theme: theme.DefaultTheme(), Kiosk: kiosk, FontFrom: "fyne default"}
	if data, from, ok := assets.JapaneseFont(); ok {
		t.font, t.FontFrom = fyne.NewStaticResource("japanese-font", data), from
		if b, _, ok := assets.JapaneseBoldFont(); ok && strings.HasPrefix(from, "embedded:") {
			t.bold = fyne.NewStaticResource("japanese-font-bold", b)
		}
	}
	return t
}

// Font returns the Japanese font for every style but monospace, which
// keeps Fyne's (the diagnostic report's hex lines).
func (t *Theme) Font(s fyne.TextStyle) fyne.Resource {
	if t.font == nil || s.Monospace || s.Symbol {
		return t.Theme.Font(s)
	}
	if s.Bold && t.bold != nil {
		return t.bold
	}
	return t.font
}

// Size enlarges text and spacing in kiosk mode.
func (t *Theme) Size(n fyne.ThemeSizeName) float32 {
	s := t.Theme.Size(n)
	if !t.Kiosk {
		return s
	}
	switch n {
	case theme.SizeNameText, theme.SizeNameCaptionText, theme.SizeNameSubHeadingText, theme.SizeNameHeadingText,
		theme.SizeNamePadding, theme.SizeNameInnerPadding, theme.SizeNameInlineIcon, theme.SizeNameLineSpacing:
		return s * 1.5
	}
	return s
}

// Color is the default's.
func (t *Theme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, v)
}
