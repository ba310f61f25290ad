package assets

import (
	"bytes"
	"encoding/binary"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gofont "github.com/go-text/typesetting/font"
)

// testFont reads one of the BIZ UDPGothic files: the copy in assets/fonts
// (make font), else the Debian package's. Without either the test fails
// under CI (make deps installs the package) and skips elsewhere.
func testFont(t *testing.T, name string) []byte {
	t.Helper()
	for _, p := range []string{filepath.Join("fonts", name), filepath.Join("/usr/share/fonts/truetype/bizud-gothic", name)} {
		if b, err := os.ReadFile(p); err == nil {
			return b
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s not found: install fonts-morisawa-bizud-gothic (make deps)", name)
	}
	t.Skipf("%s not found (fonts-morisawa-bizud-gothic)", name)
	return nil
}

// makeTTC packs single fonts into a TrueType collection, each font's tables
// kept whole and its table offsets rebased, as font tools write them.
func makeTTC(t *testing.T, fonts ...[]byte) []byte {
	t.Helper()
	be := binary.BigEndian
	head := 12 + 4*len(fonts)
	out := make([]byte, head)
	copy(out, "ttcf")
	be.PutUint32(out[4:], 0x00010000)
	be.PutUint32(out[8:], uint32(len(fonts)))
	for i, f := range fonts {
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
		base := len(out)
		be.PutUint32(out[12+4*i:], uint32(base))
		out = append(out, f...)
		n := int(be.Uint16(f[4:]))
		for j := range n {
			rec := out[base+12+16*j:]
			be.PutUint32(rec[8:], be.Uint32(rec[8:])+uint32(base))
		}
	}
	return out
}

func TestPrepareFontSingleFontAsItIs(t *testing.T) {
	reg := testFont(t, BundledFontName)
	out, face, err := PrepareFont(reg)
	if err != nil {
		t.Fatal(err)
	}
	if face != "" || !bytes.Equal(out, reg) {
		t.Fatalf("a single font was changed (face %q, %d bytes of %d)", face, len(out), len(reg))
	}
}

func TestPrepareFontTakesRegularFaceOfCollection(t *testing.T) {
	reg, bold := testFont(t, BundledFontName), testFont(t, BundledBoldFontName)
	ttc := makeTTC(t, bold, reg) // the bold face first, as in YuGothB-like files
	// Fyne's parser refuses the collection itself: what issue 9 saw.
	if _, err := gofont.ParseTTF(bytes.NewReader(ttc)); err == nil {
		t.Fatal("ParseTTF accepted a collection; the extraction would not be needed")
	}
	out, face, err := PrepareFont(ttc)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(face, "1:") {
		t.Fatalf("face %q, want the regular one (index 1)", face)
	}
	f, err := gofont.ParseTTF(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("the extracted face does not parse as Fyne parses: %v", err)
	}
	if w := f.Describe().Aspect.Weight; w != gofont.WeightNormal {
		t.Fatalf("extracted weight %v, want regular", w)
	}
	// The standalone face has the regular font's tables, byte for byte.
	gid, _ := f.NominalGlyph('読')
	want, _ := gofont.ParseTTF(bytes.NewReader(reg))
	wgid, _ := want.NominalGlyph('読')
	if gid != wgid || f.HorizontalAdvance(gid) != want.HorizontalAdvance(wgid) {
		t.Fatal("the extracted face is not the regular font")
	}
}

func TestPrepareFontRefusesBrokenFonts(t *testing.T) {
	reg := testFont(t, BundledFontName)
	cases := map[string][]byte{
		"empty":              {},
		"not a font":         []byte("<html>not a font</html>"),
		"header only":        reg[:12],
		"cut after 4 KiB":    reg[:4096],
		"cut in half":        reg[:len(reg)/2],
		"collection cut":     makeTTC(t, reg, reg)[:len(reg)/2],
		"collection no font": []byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x09"),
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("panic: %v", r)
				}
			}()
			if out, _, err := PrepareFont(b); err == nil {
				t.Fatalf("accepted (%d bytes)", len(out))
			}
		})
	}
}

func TestFirstFontSkipsBrokenWithLogLine(t *testing.T) {
	reg := testFont(t, BundledFontName)
	dir := t.TempDir()
	broken := filepath.Join(dir, "YuGothM.ttc")
	os.WriteFile(broken, makeTTC(t, reg, reg)[:50000], 0o644)
	good := filepath.Join(dir, "meiryo.ttc")
	os.WriteFile(good, makeTTC(t, reg), 0o644)
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	cands := []fontSource{fileSource(filepath.Join(dir, "missing.ttf")), fileSource(broken), fileSource(good)}
	out, from, ok := firstFont(log, cands)
	if !ok || !strings.HasPrefix(from, good+"#0:") {
		t.Fatalf("from %q ok %v, want %s#0:…", from, ok, good)
	}
	if _, err := gofont.ParseTTF(bytes.NewReader(out)); err != nil {
		t.Fatal(err)
	}
	l := logs.String()
	if !strings.Contains(l, "font skipped") || !strings.Contains(l, broken) {
		t.Fatalf("no log line for the broken font: %q", l)
	}
	if strings.Contains(l, "missing.ttf") {
		t.Fatalf("a missing file was logged: %q", l)
	}
	if _, _, ok := firstFont(log, cands[:2]); ok {
		t.Fatal("a broken font was accepted")
	}
}

// A collection as an OS ships it: Noto Sans CJK (fonts-noto-cjk, which
// make deps installs) holds ten faces that share their outline tables, as
// Yu Gothic's and Meiryo's .ttc files do; makeTTC above shares none.
func TestPrepareFontSystemCollection(t *testing.T) {
	p := "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
	b, err := os.ReadFile(p)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%v: install fonts-noto-cjk (make deps)", err)
		}
		t.Skip("no Noto Sans CJK collection (fonts-noto-cjk)")
	}
	out, face, err := PrepareFont(b)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(face, "JP") {
		t.Logf("face %s (the JP face is not first by score)", face)
	}
	if _, err := gofont.ParseTTF(bytes.NewReader(out)); err != nil {
		t.Fatal(err)
	}
}

func TestFontLicenseCommitted(t *testing.T) {
	l := FontLicense()
	if !strings.Contains(l, "SIL OPEN FONT LICENSE Version 1.1") || !strings.Contains(l, "BIZ UDGothic Project Authors") {
		t.Fatalf("font licence text: %.80q", l)
	}
}

func TestEmbeddedFontIsUsable(t *testing.T) {
	if len(EmbeddedFonts()) == 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("no font embedded: run make font")
		}
		t.Skip("no font embedded (make font)")
	}
	for _, get := range []func() ([]byte, string, bool){JapaneseFont, JapaneseBoldFont} {
		if _, from, ok := get(); !ok || !strings.HasPrefix(from, "embedded:") {
			t.Fatalf("embedded font not used: %q %v", from, ok)
		}
	}
}

// MYNADESK_FONT names a font to use instead of the embedded one: here a
// collection, as C:\Windows\Fonts holds them.
func TestFontFromEnvironmentCollection(t *testing.T) {
	reg, bold := testFont(t, BundledFontName), testFont(t, BundledBoldFontName)
	p := filepath.Join(t.TempDir(), "YuGothM.ttc")
	os.WriteFile(p, makeTTC(t, bold, reg), 0o644)
	t.Setenv("MYNADESK_FONT", p)
	out, from, ok := JapaneseFont()
	if !ok || !strings.HasPrefix(from, p+"#1:") {
		t.Fatalf("from %q ok %v", from, ok)
	}
	if _, err := gofont.ParseTTF(bytes.NewReader(out)); err != nil {
		t.Fatal(err)
	}
	// A broken one is skipped for the next candidate.
	os.WriteFile(p, reg[:1000], 0o644)
	if _, from, ok := JapaneseFont(); ok && strings.HasPrefix(from, p) {
		t.Fatalf("a broken MYNADESK_FONT used: %q", from)
	}
}
