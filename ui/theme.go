package ui

import (
	"image/color"
	"os"
	"runtime"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/ui/settings"
)

// Theme is the app's look: light unless the OS asks for dark, the
// Japanese font, text at 16 px or more (大 and 特大 in the settings, and at
// least 大 in kiosk mode), colours with enough contrast for older eyes.
type Theme struct {
	fyne.Theme
	font  fyne.Resource // nil keeps Fyne's font
	bold  fyne.Resource // nil: bold text uses font
	Kiosk bool
	// TextSize is the settings' 文字の大きさ.
	TextSize settings.TextSize
	// FollowOS takes the OS's dark mode (Windows and macOS report it
	// reliably); elsewhere the theme stays light, since Fyne's "dark" there
	// only means "not known".
	FollowOS bool
	// FontFrom says where the font came from, for diagnostics.
	FontFrom string
}

// NewTheme loads the Japanese font (embedded, else from the system).
func NewTheme(kiosk bool) *Theme {
	t := &Theme{Theme: theme.DefaultTheme(), Kiosk: kiosk, FontFrom: "fyne default",
		FollowOS: runtime.GOOS == "windows" || runtime.GOOS == "darwin" || os.Getenv("FYNE_THEME") == "dark"}
	if data, from, ok := assets.JapaneseFont(); ok {
		t.font, t.FontFrom = fyne.NewStaticResource("japanese-font", roomForDescenders(data)), from
		if b, _, ok := assets.JapaneseBoldFont(); ok && strings.HasPrefix(from, "embedded:") {
			t.bold = fyne.NewStaticResource("japanese-font-bold", roomForDescenders(b))
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

// textPx is the body text size: 16 px at 標準 (Fyne's 14 is too small for
// many residents), 20 at 大, 24 at 特大; a kiosk seen from standing
// height is at least 大.
func (t *Theme) textPx() float32 {
	size := t.TextSize
	if t.Kiosk && size == settings.TextNormal {
		size = settings.TextLarge
	}
	switch size {
	case settings.TextLarge:
		return 20
	case settings.TextHuge:
		return 24
	}
	return 16
}

// Size scales text and spacing with the text size.
func (t *Theme) Size(n fyne.ThemeSizeName) float32 {
	s := t.Theme.Size(n)
	k := t.textPx() / t.Theme.Size(theme.SizeNameText)
	switch n {
	case theme.SizeNameText, theme.SizeNameCaptionText, theme.SizeNameSubHeadingText, theme.SizeNameHeadingText,
		theme.SizeNameInlineIcon:
		return s * k
	case theme.SizeNamePadding, theme.SizeNameInnerPadding, theme.SizeNameLineSpacing:
		// Spacing grows more slowly than text, so 特大 still fits a laptop.
		return s * (1 + (k-1)/2)
	case theme.SizeNameInputBorder:
		return 2
	}
	return s
}

// dark reports whether v is to be drawn dark.
func (t *Theme) dark(v fyne.ThemeVariant) bool { return t.FollowOS && v == theme.VariantDark }

// Colour names the app adds.
const (
	colorFocusRing fyne.ThemeColorName = "mynadeskFocusRing"
	colorNoticeBG  fyne.ThemeColorName = "mynadeskNoticeBackground"
	colorDangerBG  fyne.ThemeColorName = "mynadeskDangerBackground"
	colorOKBG      fyne.ThemeColorName = "mynadeskOKBackground"
	colorStepTodo  fyne.ThemeColorName = "mynadeskStepTodo"
)

// The light palette: text ≥ 7:1 on white, the focus ring ≥ 3:1 against
// both the background and an unfocused button.
var light = map[fyne.ThemeColorName]color.Color{
	theme.ColorNameBackground:       color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF},
	theme.ColorNameForeground:       color.NRGBA{0x1A, 0x1A, 0x1A, 0xFF},
	theme.ColorNamePrimary:          color.NRGBA{0x0B, 0x4F, 0xB3, 0xFF},
	theme.ColorNameButton:           color.NRGBA{0xE6, 0xE9, 0xEF, 0xFF},
	theme.ColorNameInputBackground:  color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF},
	theme.ColorNameInputBorder:      color.NRGBA{0x5F, 0x63, 0x68, 0xFF},
	theme.ColorNamePlaceHolder:      color.NRGBA{0x5F, 0x63, 0x68, 0xFF},
	theme.ColorNameDisabled:         color.NRGBA{0x70, 0x70, 0x70, 0xFF},
	theme.ColorNameError:            color.NRGBA{0xB0, 0x1E, 0x1E, 0xFF},
	theme.ColorNameSuccess:          color.NRGBA{0x1B, 0x6E, 0x20, 0xFF},
	theme.ColorNameWarning:          color.NRGBA{0x8A, 0x4B, 0x00, 0xFF},
	theme.ColorNameSeparator:        color.NRGBA{0xC4, 0xC7, 0xCC, 0xFF},
	theme.ColorNameHeaderBackground: color.NRGBA{0xF1, 0xF4, 0xF9, 0xFF},
	theme.ColorNameFocus:            color.NRGBA{0x0B, 0x4F, 0xB3, 0x30},
	theme.ColorNameHover:            color.NRGBA{0x0B, 0x4F, 0xB3, 0x18},
	theme.ColorNameSelection:        color.NRGBA{0x0B, 0x4F, 0xB3, 0x40},
	theme.ColorNameScrollBar:        color.NRGBA{0x00, 0x00, 0x00, 0x66},
	colorFocusRing:                  color.NRGBA{0x0B, 0x3D, 0x91, 0xFF},
	colorNoticeBG:                   color.NRGBA{0xFF, 0xF4, 0xD6, 0xFF},
	colorDangerBG:                   color.NRGBA{0xFD, 0xE8, 0xE8, 0xFF},
	colorOKBG:                       color.NRGBA{0xE6, 0xF4, 0xE7, 0xFF},
	colorStepTodo:                   color.NRGBA{0x9A, 0xA0, 0xA6, 0xFF},
}

// The dark palette keeps Fyne's dark colours and adds the app's own.
var dark = map[fyne.ThemeColorName]color.Color{
	theme.ColorNameError:   color.NRGBA{0xFF, 0x8A, 0x80, 0xFF},
	theme.ColorNameSuccess: color.NRGBA{0x81, 0xC9, 0x95, 0xFF},
	theme.ColorNameWarning: color.NRGBA{0xFD, 0xD6, 0x63, 0xFF},
	colorFocusRing:         color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF},
	colorNoticeBG:          color.NRGBA{0x3D, 0x32, 0x12, 0xFF},
	colorDangerBG:          color.NRGBA{0x4A, 0x1C, 0x1C, 0xFF},
	colorOKBG:              color.NRGBA{0x17, 0x3A, 0x1E, 0xFF},
	colorStepTodo:          color.NRGBA{0x80, 0x86, 0x8B, 0xFF},
}

// Color is the light palette, or the dark one when the OS asks for it.
func (t *Theme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.dark(v) {
		if c, ok := dark[n]; ok {
			return c
		}
		return t.Theme.Color(n, theme.VariantDark)
	}
	if c, ok := light[n]; ok {
		return c
	}
	return t.Theme.Color(n, theme.VariantLight)
}
