package assets

import (
	"bytes"
	"embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"runtime"
	"slices"
	"strings"

	gofont "github.com/go-text/typesetting/font"
)

// fonts holds assets/fonts: the README and the font licence always, and the
// Japanese font when the build copied it in (scripts/font.sh; see
// assets/fonts/README.md). The font files are not in git.
//
//go:embed fonts
var fonts embed.FS

// The font files scripts/font.sh copies into assets/fonts from the OS
// package fonts-morisawa-bizud-gothic: BIZ UDPGothic, the proportional face
// of the BIZ UDGothic universal-design family (legible for older eyes,
// SIL Open Font License 1.1).
const (
	BundledFontName     = "BIZUDPGothic-Regular.ttf"
	BundledBoldFontName = "BIZUDPGothic-Bold.ttf"
	// FontLicenseName is the font's licence, committed beside it; every
	// package ships it next to the programs.
	FontLicenseName = "BIZUDGothic-OFL.txt"
)

// systemFonts are Japanese fonts found on each OS, most wanted first. Most
// of Windows' and macOS's are TrueType collections (.ttc): the loader takes
// the Japanese gothic regular face out of them.
var systemFonts = map[string][]string{
	"windows": {`C:\Windows\Fonts\BIZ-UDGothicR.ttc`, `C:\Windows\Fonts\YuGothM.ttc`, `C:\Windows\Fonts\YuGothR.ttc`,
		`C:\Windows\Fonts\meiryo.ttc`, `C:\Windows\Fonts\msgothic.ttc`},
	"darwin": {"/System/Library/Fonts/ヒラギノ角ゴシック W3.ttc", "/System/Library/Fonts/Hiragino Sans GB.ttc",
		"/Library/Fonts/Arial Unicode.ttf"},
	"linux": {"/usr/share/fonts/truetype/bizud-gothic/BIZUDPGothic-Regular.ttf",
		"/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf", "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
		"/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
		"/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc"},
}

// JapaneseFont returns a regular Japanese font that Fyne can load and where
// it came from: the file named by MYNADESK_FONT (an explicit choice, e.g. a
// Windows .ttc to try), else the embedded one
// ("embedded:BIZUDPGothic-Regular.ttf"), else the first system font found
// on disk.
// Every candidate is parsed first (a collection gives up its Japanese gothic
// regular face as a standalone font); one that does not parse is skipped
// with a log line. ok is false when none is usable and the caller keeps its
// default.
func JapaneseFont() (data []byte, from string, ok bool) {
	var cands []fontSource
	if p := os.Getenv("MYNADESK_FONT"); p != "" {
		cands = append(cands, fileSource(p))
	}
	cands = append(cands, fontSource{from: "embedded:" + BundledFontName, read: embedded(BundledFontName)})
	for _, p := range systemFonts[runtime.GOOS] {
		cands = append(cands, fileSource(p))
	}
	return firstFont(slog.Default(), cands)
}

// JapaneseBoldFont returns the embedded bold face, checked like
// JapaneseFont's; ok is false without one (the caller then uses the regular
// face for bold text too).
func JapaneseBoldFont() (data []byte, from string, ok bool) {
	return firstFont(slog.Default(), []fontSource{{from: "embedded:" + BundledBoldFontName, read: embedded(BundledBoldFontName)}})
}

// FontLicense returns the licence text of the embedded font.
func FontLicense() string {
	b, _ := fs.ReadFile(fonts, path.Join("fonts", FontLicenseName))
	return string(b)
}

// EmbeddedFonts lists the font files compiled in (for diagnostics).
func EmbeddedFonts() []string {
	var out []string
	entries, _ := fonts.ReadDir("fonts")
	for _, e := range entries {
		if n := strings.ToLower(e.Name()); strings.HasSuffix(n, ".ttf") || strings.HasSuffix(n, ".otf") || strings.HasSuffix(n, ".ttc") {
			out = append(out, e.Name())
		}
	}
	return out
}

// fontSource is one place a font may come from. read returns
// fs.ErrNotExist when the place has no font, which is not worth a log line.
type fontSource struct {
	from string
	read func() ([]byte, error)
}

func embedded(name string) func() ([]byte, error) {
	return func() ([]byte, error) { return fs.ReadFile(fonts, path.Join("fonts", name)) }
}

func fileSource(p string) fontSource {
	return fontSource{from: p, read: func() ([]byte, error) { return os.ReadFile(p) }}
}

// firstFont returns the first candidate that reads and parses.
func firstFont(log *slog.Logger, cands []fontSource) ([]byte, string, bool) {
	for _, c := range cands {
		b, err := c.read()
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err == nil && len(b) == 0 {
			err = errors.New("empty file")
		}
		if err != nil {
			log.Warn("font skipped", "from", c.from, "err", err)
			continue
		}
		out, face, err := PrepareFont(b)
		if err != nil {
			log.Warn("font skipped", "from", c.from, "err", err)
			continue
		}
		from := c.from
		if face != "" {
			from += "#" + face
		}
		return out, from, true
	}
	return nil, "", false
}

// japaneseProbe are characters a Japanese UI font must have.
var japaneseProbe = []rune{'あ', 'ア', '漢', '読'}

// PrepareFont checks that data is a font Fyne's text painter accepts and
// that it has Japanese glyphs, and returns it as a standalone font. Fyne
// (go-text's ParseTTF) refuses TrueType collections, so from a .ttc the
// Japanese gothic regular face is taken (by weight and style from its name
// and OS/2 tables, proportional before monospaced, then file order) and
// written out as a single sfnt; face names it. A single font is returned
// as it is, with face "".
func PrepareFont(data []byte) (out []byte, face string, err error) {
	if len(data) >= 4 && string(data[:4]) == "ttcf" {
		return fromCollection(data)
	}
	if err := checkFont(data); err != nil {
		return nil, "", err
	}
	return data, "", nil
}

// checkFont parses data the way Fyne does and looks for Japanese glyphs,
// loading one glyph's outline so that a font cut short fails here and not
// while the app draws.
func checkFont(data []byte) (err error) {
	if err := tablesInFile(data, 0); err != nil {
		return err
	}
	// go-text panics on some damaged tables; Fyne would, later, in the painter.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("font does not parse: %v", r)
		}
	}()
	f, err := gofont.ParseTTF(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("font does not parse: %w", err)
	}
	return hasJapanese(f)
}

// tablesInFile checks that every table of the font whose directory starts
// at off lies inside data: a file cut short (a broken download, a full
// disk) fails here.
func tablesInFile(data []byte, off int) error {
	be := binary.BigEndian
	if off < 0 || off+12 > len(data) {
		return errors.New("font: header cut short")
	}
	n := int(be.Uint16(data[off+4:]))
	dir := off + 12
	if n == 0 || dir+16*n > len(data) {
		return errors.New("font: table directory cut short")
	}
	for i := range n {
		rec := data[dir+16*i:]
		end := uint64(be.Uint32(rec[8:])) + uint64(be.Uint32(rec[12:]))
		if end > uint64(len(data)) {
			return fmt.Errorf("font: table %q ends at %d, past the end of the file (%d bytes): cut short", rec[:4], end, len(data))
		}
	}
	return nil
}

// hasJapanese looks for the probe characters and loads their outlines.
func hasJapanese(f *gofont.Face) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("font outlines: %v", r)
		}
	}()
	for _, r := range japaneseProbe {
		gid, ok := f.NominalGlyph(r)
		if !ok {
			return fmt.Errorf("font has no glyph for %q", r)
		}
		if _, ok := f.GlyphExtents(gid); !ok {
			return fmt.Errorf("font has no outline for %q", r)
		}
	}
	return nil
}

func fromCollection(data []byte) (out []byte, face string, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, face, err = nil, "", fmt.Errorf("font collection does not parse: %v", r)
		}
	}()
	be := binary.BigEndian
	if len(data) < 12 || 12+4*int(be.Uint32(data[8:])) > len(data) || be.Uint32(data[8:]) == 0 {
		return nil, "", errors.New("font collection: header cut short")
	}
	for i := range int(be.Uint32(data[8:])) {
		if err := tablesInFile(data, int(be.Uint32(data[12+4*i:]))); err != nil {
			return nil, "", fmt.Errorf("face %d of the collection: %w", i, err)
		}
	}
	faces, err := gofont.ParseTTC(bytes.NewReader(data))
	if err != nil {
		return nil, "", fmt.Errorf("font collection does not parse: %w", err)
	}
	type cand struct {
		index int
		name  string
		score int // lower is better
	}
	var cands []cand
	for i, f := range faces {
		if hasJapanese(f) != nil {
			continue
		}
		d := f.Describe()
		score := int(d.Aspect.Weight) - int(gofont.WeightNormal)
		if score < 0 {
			score = -score * 2 // a light face reads worse than a medium one
		}
		if d.Aspect.Style == gofont.StyleItalic {
			score += 10000
		}
		if f.IsMonospace() {
			score += 50
		}
		cands = append(cands, cand{i, d.Family, score})
	}
	if len(cands) == 0 {
		return nil, "", errors.New("font collection has no Japanese face")
	}
	best := slices.MinFunc(cands, func(a, b cand) int { return a.score - b.score })
	out, err = extractFace(data, best.index)
	if err != nil {
		return nil, "", err
	}
	if err := checkFont(out); err != nil {
		return nil, "", fmt.Errorf("face %d (%s) of the collection: %w", best.index, best.name, err)
	}
	return out, fmt.Sprintf("%d:%s", best.index, best.name), nil
}

// extractFace copies face index of a TrueType collection into a standalone
// sfnt: the face's table directory with offsets rebased, and its tables
// (which a collection may share between faces) each copied once for it.
func extractFace(ttc []byte, index int) ([]byte, error) {
	be := binary.BigEndian
	if len(ttc) < 12 {
		return nil, errors.New("font collection: header cut short")
	}
	n := int(be.Uint32(ttc[8:]))
	if index < 0 || index >= n || 12+4*n > len(ttc) {
		return nil, fmt.Errorf("font collection: no face %d", index)
	}
	off := int(be.Uint32(ttc[12+4*index:]))
	if off+12 > len(ttc) {
		return nil, errors.New("font collection: face directory out of range")
	}
	numTables := int(be.Uint16(ttc[off+4:]))
	dir := off + 12
	if dir+16*numTables > len(ttc) {
		return nil, errors.New("font collection: table directory out of range")
	}
	head := 12 + 16*numTables
	out := make([]byte, head, head+len(ttc)/max(n, 1))
	copy(out, ttc[off:off+12])
	for i := range numTables {
		rec := ttc[dir+16*i : dir+16*i+16]
		tOff, tLen := int(be.Uint32(rec[8:])), int(be.Uint32(rec[12:]))
		if tOff < 0 || tLen < 0 || tOff+tLen > len(ttc) {
			return nil, fmt.Errorf("font collection: table %q out of range", rec[:4])
		}
		dst := out[12+16*i : 12+16*i+16]
		copy(dst, rec)
		be.PutUint32(dst[8:], uint32(len(out)))
		out = append(out, ttc[tOff:tOff+tLen]...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	return out, nil
}
