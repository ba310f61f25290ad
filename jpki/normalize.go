package jpki

import (
	"strings"
)

// Names and addresses reach a comparison from two sources (the certificate,
// and what the resident typed or the input-helper applet gave) that spell the
// same thing differently: full- or half-width letters and kana, U+3000 or
// U+0020 or no space at all, and in addresses any of a dozen dash-like
// characters for 丁目-番-号. Normalisation folds these to one spelling while
// keeping track of which output character came from a substituted (外字)
// input character, because a substitute matches anything in its position.

// NormalizeName returns name folded for comparison: half- and full-width
// forms unified (ASCII to half width, katakana to full width, voiced marks
// composed), ASCII letters upper-cased, all spaces removed.
func NormalizeName(name string) string { return string(runesOf(normalize(name, "", false))) }

// NormalizeAddress is NormalizeName plus dash and long-vowel variants
// (ー − ‐ ‑ – — ― ｰ － ─ ...) folded to '-', and the small ヶ/ヵ of place
// names folded to ケ/カ.
func NormalizeAddress(addr string) string { return string(runesOf(normalize(addr, "", true))) }

// nchar is one normalised character; wild marks a substitute (外字).
type nchar struct {
	r    rune
	wild bool
}

func runesOf(cs []nchar) []rune {
	out := make([]rune, len(cs))
	for i, c := range cs {
		out[i] = c.r
	}
	return out
}

// normalize folds s; subst is its substitute-character map (may be empty or,
// from an untrusted source, of the wrong length: missing positions count as
// '0').
func normalize(s, subst string, address bool) []nchar {
	out := make([]nchar, 0, len(s))
	i := 0
	for _, r := range s {
		wild := i < len(subst) && subst[i] == '1'
		i++
		r = foldWidth(r)
		if isSpace(r) {
			continue
		}
		if isVoiceMark(r) && len(out) > 0 {
			if v, ok := voiced(out[len(out)-1].r, r); ok {
				out[len(out)-1].r = v
				out[len(out)-1].wild = out[len(out)-1].wild || wild
				continue
			}
		}
		if address {
			switch {
			case isDash(r):
				r = '-'
			case r == 'ヶ': // 霞ヶ関 / 霞ケ関: one letter, two sizes
				r = 'ケ'
			case r == 'ヵ':
				r = 'カ'
			}
		}
		if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		out = append(out, nchar{r, wild})
	}
	return out
}

// equalWithSubst compares two normalised strings; a wild character on either
// side matches any one character.
func equalWithSubst(a, b []nchar) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].r != b[i].r && !a[i].wild && !b[i].wild {
			return false
		}
	}
	return true
}

func isSpace(r rune) bool {
	switch r {
	case ' ', '\u3000', '\t', '\u00a0', '\n', '\r':
		return true
	}
	return false
}

func isDash(r rune) bool {
	switch r {
	case '-', '\u30fc', // ー katakana long vowel
		'\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', // ‐ ‑ ‒ – — ―
		'\u2212',           // − minus
		'\u2043',           // ⁃
		'\ufe63',           // ﹣
		'\u2500', '\u2501': // ─ ━ box drawing, used by some register systems
		return true
	}
	return false
}

// halfKana maps U+FF61..U+FF9F to full width.
var halfKana = []rune("。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン゛゜")

func foldWidth(r rune) rune {
	switch {
	case r >= '\uff01' && r <= '\uff5e': // full-width ASCII
		return r - 0xfee0
	case r >= '\uff61' && r <= '\uff9f':
		return halfKana[r-0xff61]
	case r == '\u3099': // combining voiced mark
		return '゛'
	case r == '\u309a':
		return '゜'
	}
	return r
}

func isVoiceMark(r rune) bool { return r == '゛' || r == '゜' }

// voiced composes base with a voiced (゛) or semi-voiced (゜) mark.
func voiced(base, mark rune) (rune, bool) {
	if mark == '゛' {
		switch {
		case base == 'ウ':
			return 'ヴ', true
		case base == 'う':
			return 'ゔ', true
		case strings.ContainsRune("カキクケコサシスセソタチツテトハヒフヘホかきくけこさしすせそたちつてとはひふへほ", base):
			return base + 1, true
		}
		return 0, false
	}
	if strings.ContainsRune("ハヒフヘホはひふへほ", base) {
		return base + 2, true
	}
	return 0, false
}
