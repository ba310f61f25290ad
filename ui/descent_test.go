package ui

import (
	"bytes"
	"encoding/binary"
	"os"
	"testing"

	gotext "github.com/go-text/typesetting/font"

	"github.com/mynadesk/mynadesk/assets"
)

// Finding 10: the line box of the Japanese font has room for Latin
// descenders (g, y), and the font still parses.
func TestFontRoomForDescenders(t *testing.T) {
	data, from, ok := assets.JapaneseFont()
	if !ok {
		if os.Getenv("CI") != "" {
			t.Fatal("no Japanese font")
		}
		t.Skip("no Japanese font")
	}
	out := roomForDescenders(data)
	if bytes.Equal(binary.BigEndian.AppendUint32(nil, binary.BigEndian.Uint32(data)), []byte("ttcf")) {
		t.Skipf("%s is a collection", from)
	}
	face, err := gotext.ParseTTF(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("%s no longer parses: %v", from, err)
	}
	ext, _ := face.FontHExtents()
	upm := float32(face.Upem())
	if -ext.Descender < 0.2*upm {
		t.Fatalf("%s: descent %v of %v units per em", from, -ext.Descender, upm)
	}
	th := NewTheme(false)
	if th.font == nil || len(th.font.Content()) != len(data) {
		t.Fatal("the theme does not use the adjusted font")
	}
	// Data that is not one font is left alone.
	if got := roomForDescenders([]byte("ttcf....garbage.")); string(got) != "ttcf....garbage." {
		t.Fatal("a collection was changed")
	}
}
