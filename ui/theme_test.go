package ui

import (
	"image/color"
	"math"
	"os"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/ui/settings"
)

func TestThemeJapaneseFontAndKioskSizes(t *testing.T) {
	th := NewTheme(false)
	_, from, ok := assets.JapaneseFont()
	if !ok {
		if os.Getenv("CI") != "" {
			t.Fatal("no Japanese font: copy it into assets/fonts (see assets/fonts/README.md)")
		}
		t.Skip("no Japanese font embedded or on disk: Fyne's font is used")
	}
	if th.FontFrom != from {
		t.Fatalf("font from %q, want %q", th.FontFrom, from)
	}
	if len(assets.EmbeddedFonts()) > 0 && from != "embedded:"+assets.BundledFontName {
		t.Fatalf("an embedded font is not preferred: %q", from)
	}
	def := theme.DefaultTheme()
	if th.Font(fyne.TextStyle{}) == def.Font(fyne.TextStyle{}) || th.Font(fyne.TextStyle{Bold: true}) == def.Font(fyne.TextStyle{Bold: true}) {
		t.Fatal("the Japanese font is not used for text")
	}
	if th.Font(fyne.TextStyle{Monospace: true}) != def.Font(fyne.TextStyle{Monospace: true}) {
		t.Fatal("monospace lost Fyne's font")
	}
	// Body text 16 px at 標準 for older eyes, then 20 and 24.
	for size, want := range map[settings.TextSize]float32{settings.TextNormal: 16, settings.TextLarge: 20, settings.TextHuge: 24} {
		th.TextSize = size
		if got := th.Size(theme.SizeNameText); got != want {
			t.Fatalf("text size %v: %v px, want %v", size, got, want)
		}
	}
	th.TextSize = settings.TextNormal
	th.Kiosk = true
	if th.Size(theme.SizeNameText) != 20 || th.Size(theme.SizeNameScrollBar) != def.Size(theme.SizeNameScrollBar) {
		t.Fatal("kiosk sizes")
	}
}

// luminance is WCAG's relative luminance.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	ch := func(v uint32) float64 {
		x := float64(v) / 0xFFFF
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(r) + 0.7152*ch(g) + 0.0722*ch(b)
}

func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// Light by default (dark only where the OS says so reliably), the focus
// ring at least 3:1 against the background and an unfocused button, body
// text and the error colour readable.
func TestThemeLightAndContrast(t *testing.T) {
	th := NewTheme(false)
	th.FollowOS = false
	bg := th.Color(theme.ColorNameBackground, theme.VariantDark) // Fyne's "unknown" on Linux
	if luminance(bg) < 0.9 {
		t.Fatalf("not light by default: %v", bg)
	}
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		th.FollowOS = true
		ring := th.Color(colorFocusRing, v)
		for _, n := range []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameButton} {
			if c := contrast(ring, th.Color(n, v)); c < 3 {
				t.Errorf("variant %v: focus ring %.2f:1 against %s", v, c, n)
			}
		}
		fg := th.Color(theme.ColorNameForeground, v)
		if c := contrast(fg, th.Color(theme.ColorNameBackground, v)); c < 7 {
			t.Errorf("variant %v: text %.2f:1", v, c)
		}
		if c := contrast(th.Color(theme.ColorNameError, v), th.Color(colorDangerBG, v)); c < 4.5 {
			t.Errorf("variant %v: error text on its block %.2f:1", v, c)
		}
	}
}
