package ui

import (
	"strings"
	"testing"
)

// Finding 9: a lone 「。」 never starts a line, Latin words are not cut.
func TestWrapLinesKinsoku(t *testing.T) {
	unit := func(s string) float32 { return float32(len([]rune(s))) } // every character one unit wide
	for _, tc := range []struct {
		in    string
		width float32
	}{
		{"読み取りが完了しました。", 11},         // 。 would be alone on line 2
		{"カードを置いてください。「開く」を押す。", 12}, // 「 would end line 1
		{"もう一度試す。、", 6},
	} {
		lines := wrapLines(tc.in, tc.width, unit)
		if strings.Join(lines, "") != tc.in {
			t.Fatalf("%q: lines %q lose text", tc.in, lines)
		}
		for i, l := range lines {
			r := []rune(l)
			if i > 0 && strings.ContainsRune(noLineStart, r[0]) {
				t.Errorf("%q at %v: line %d starts with %q: %q", tc.in, tc.width, i, r[0], lines)
			}
			if i < len(lines)-1 && strings.ContainsRune(noLineEnd, r[len(r)-1]) {
				t.Errorf("%q at %v: line %d ends with %q: %q", tc.in, tc.width, i, r[len(r)-1], lines)
			}
		}
	}
	if got := wrapLines("Put the card on the reader", 12, unit); got[0] != "Put the card" {
		t.Errorf("latin words cut: %q", got)
	}
}
