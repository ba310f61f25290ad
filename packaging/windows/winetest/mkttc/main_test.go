package main

import (
	"os"
	"testing"

	"golang.org/x/image/font/sfnt"
)

// The lane's msgothic.ttc stand-in: both IPA faces, each readable from the
// collection by a TrueType parser.
func TestPackIPAGothics(t *testing.T) {
	var fonts [][]byte
	for _, p := range []string{"/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf", "/usr/share/fonts/opentype/ipafont-gothic/ipagp.ttf"} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("%v (scripts/deps.sh installs fonts-ipafont-gothic)", err)
		}
		fonts = append(fonts, b)
	}
	ttc, err := pack(fonts)
	if err != nil {
		t.Fatal(err)
	}
	c, err := sfnt.ParseCollection(ttc)
	if err != nil {
		t.Fatal(err)
	}
	if c.NumFonts() != 2 {
		t.Fatalf("%d fonts", c.NumFonts())
	}
	want := []string{"IPAGothic", "IPAPGothic"}
	for i := range 2 {
		f, err := c.Font(i)
		if err != nil {
			t.Fatal(err)
		}
		name, err := f.Name(nil, sfnt.NameIDFamily)
		if err != nil || name != want[i] {
			t.Fatalf("face %d: %q %v", i, name, err)
		}
		// 本 (U+672C) maps to a glyph: the cmap survived the move.
		if g, err := f.GlyphIndex(nil, '本'); err != nil || g == 0 {
			t.Fatalf("face %d: no glyph for 本: %v", i, err)
		}
	}
}

func TestPackRefusesACollection(t *testing.T) {
	if _, err := pack([][]byte{[]byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x01")}); err == nil {
		t.Fatal("a collection was packed as a font")
	}
}
