package main

import (
	"bytes"
	"os"
	"testing"

	gofont "github.com/go-text/typesetting/font"
)

// The lane's msgothic.ttc stand-in: both IPA faces, each readable from the
// collection by the parser Fyne uses.
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
	faces, err := gofont.ParseTTC(bytes.NewReader(ttc))
	if err != nil {
		t.Fatal(err)
	}
	if len(faces) != 2 {
		t.Fatalf("%d faces", len(faces))
	}
	for i, want := range []string{"IPAGothic", "IPAPGothic"} {
		if got := faces[i].Describe().Family; got != want {
			t.Fatalf("face %d: family %q, want %q", i, got, want)
		}
		// 本 (U+672C) maps to a glyph: the cmap survived the move.
		if g, ok := faces[i].NominalGlyph('本'); !ok || g == 0 {
			t.Fatalf("face %d: no glyph for 本", i)
		}
	}
}

func TestPackRefusesACollection(t *testing.T) {
	if _, err := pack([][]byte{[]byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x01")}); err == nil {
		t.Fatal("a collection was packed as a font")
	}
}
