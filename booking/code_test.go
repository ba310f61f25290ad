package booking

import (
	"errors"
	"strings"
	"testing"
)

func TestNewCodeParses(t *testing.T) {
	seen := map[Code]bool{}
	for i := 0; i < 2000; i++ {
		c, err := NewCode()
		if err != nil {
			t.Fatal(err)
		}
		if len(c) != CodeLen || !c.Valid() {
			t.Fatalf("NewCode() = %q, not valid", c)
		}
		got, err := ParseCode(strings.ToLower(c.Display()))
		if err != nil || got != c {
			t.Fatalf("ParseCode(%q) = %q, %v", strings.ToLower(c.Display()), got, err)
		}
		seen[c] = true
	}
	if len(seen) < 1990 {
		t.Fatalf("only %d distinct codes in 2000", len(seen))
	}
}

// Every single wrong character and every swap of two different characters
// must be caught by the check character, before any request.
func TestCheckCharacterCatchesTypos(t *testing.T) {
	for i := 0; i < 200; i++ {
		c, _ := NewCode()
		s := []byte(c)
		for pos := 0; pos < CodeLen; pos++ {
			for _, r := range CodeAlphabet {
				if byte(r) == s[pos] {
					continue
				}
				m := append([]byte{}, s...)
				m[pos] = byte(r)
				if _, err := ParseCode(string(m)); !errors.Is(err, ErrInvalidCode) {
					t.Fatalf("substitution %s → %s accepted", c, m)
				}
			}
			for j := pos + 1; j < CodeLen; j++ {
				if s[pos] == s[j] {
					continue
				}
				m := append([]byte{}, s...)
				m[pos], m[j] = m[j], m[pos]
				if _, err := ParseCode(string(m)); !errors.Is(err, ErrInvalidCode) {
					t.Fatalf("swap %s → %s accepted", c, m)
				}
			}
		}
	}
}

func TestParseCodeForms(t *testing.T) {
	c, _ := NewCode()
	d := c.Display()
	for _, in := range []string{d, string(c), " " + d + " ", strings.ToLower(d), d[:4] + " " + d[5:],
		toFullWidth(d)} {
		if got, err := ParseCode(in); err != nil || got != c {
			t.Errorf("ParseCode(%q) = %q, %v", in, got, err)
		}
	}
	var ce *CodeError
	if _, err := ParseCode("ABCD-EFG"); !errors.As(err, &ce) || ce.Reason != "length" {
		t.Errorf("short code: %v", err)
	}
	if _, err := ParseCode("ABCD-EFG0"); !errors.As(err, &ce) || ce.Reason != "character" || ce.Char != '0' {
		t.Errorf("look-alike 0: %v", err)
	}
	for _, bad := range "01ILOSZ" {
		if strings.ContainsRune(CodeAlphabet, bad) {
			t.Errorf("alphabet holds look-alike %q", bad)
		}
	}
}

func toFullWidth(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z':
			r = r - 'A' + 'Ａ'
		case r >= '0' && r <= '9':
			r = r - '0' + '０'
		}
		b.WriteRune(r)
	}
	return b.String()
}
