package ui

import (
	"os"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/mynadesk/mynadesk/assets"
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
	if th.Size(theme.SizeNameText) != def.Size(theme.SizeNameText) {
		t.Fatal("desktop text size changed")
	}
	th.Kiosk = true
	if th.Size(theme.SizeNameText) <= def.Size(theme.SizeNameText) || th.Size(theme.SizeNameScrollBar) != def.Size(theme.SizeNameScrollBar) {
		t.Fatal("kiosk sizes")
	}
}
