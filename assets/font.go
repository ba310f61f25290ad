package assets

import (
	"embed"
	"io/fs"
	"os"
	"path"
	"runtime"
	"strings"
)

// fonts holds assets/fonts: a README always, and the Japanese font when the
// build copied it in (see assets/fonts/README.md). The font is not in git.
//
//go:embed fonts
var fonts embed.FS

// BundledFontName is the file the build copies into assets/fonts.
const BundledFontName = "ipaexg.ttf"

// systemFonts are Japanese fonts found on each OS, most wanted first.
var systemFonts = map[string][]string{
	"windows": {`C:\Windows\Fonts\YuGothM.ttc`, `C:\Windows\Fonts\YuGothR.ttc`, `C:\Windows\Fonts\meiryo.ttc`, `C:\Windows\Fonts\msgothic.ttc`},
	"darwin": {"/System/Library/Fonts/ヒラギノ角ゴシック W3.ttc", "/System/Library/Fonts/Hiragino Sans GB.ttc",
		"/Library/Fonts/Arial Unicode.ttf"},
	"linux": {"/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf", "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
		"/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
		"/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc"},
}

// JapaneseFont returns a font that has Japanese glyphs and where it came
// from: the embedded one ("embedded:ipaexg.ttf"), else the file named by
// MYNADESK_FONT, else the first system font found on disk, else ok is false
// and the caller keeps its default.
func JapaneseFont() (data []byte, from string, ok bool) {
	if b, err := fs.ReadFile(fonts, path.Join("fonts", BundledFontName)); err == nil && len(b) > 0 {
		return b, "embedded:" + BundledFontName, true
	}
	if p := os.Getenv("MYNADESK_FONT"); p != "" {
		if b, err := os.ReadFile(p); err == nil {
			return b, p, true
		}
	}
	for _, p := range systemFonts[runtime.GOOS] {
		if b, err := os.ReadFile(p); err == nil && len(b) > 0 {
			return b, p, true
		}
	}
	return nil, "", false
}

// EmbeddedFonts lists the font files compiled in (for diagnostics).
func EmbeddedFonts() []string {
	var out []string
	entries, _ := fonts.ReadDir("fonts")
	for _, e := range entries {
		if n := e.Name(); strings.HasSuffix(n, ".ttf") || strings.HasSuffix(n, ".otf") || strings.HasSuffix(n, ".ttc") {
			out = append(out, n)
		}
	}
	return out
}
