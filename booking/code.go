package booking

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"
)

// CodeAlphabet is the set of characters a session code uses: digits and
// upper-case letters without the look-alikes 0/O, 1/I/L, 2/Z and 5/S. Its
// size, 29, is prime, which is what lets the check character catch every
// single wrong character and every swap of two characters.
const CodeAlphabet = "23456789ABCDEFGHJKMNPQRTUVWXY"

// CodeLen is the number of characters in a session code, the last one being
// the check character.
const CodeLen = 8

const alphabetSize = len(CodeAlphabet)

// Code is a session code in canonical form: CodeLen characters of
// CodeAlphabet, no separator. Display shows it as XXXX-XXXX.
type Code string

// CodeError says why a typed code is refused before any request is made.
type CodeError struct {
	Input  string
	Reason string // "length", "character", "check"
	Char   rune   // the refused character when Reason is "character"
}

func (e *CodeError) Error() string {
	switch e.Reason {
	case "character":
		return fmt.Sprintf("booking: session code: character %q is not used in session codes", e.Char)
	case "check":
		return "booking: session code: check character does not match (a character was mistyped)"
	default:
		return fmt.Sprintf("booking: session code: want %d characters (XXXX-XXXX)", CodeLen)
	}
}

// Unwrap lets callers test errors.Is(err, ErrInvalidCode).
func (e *CodeError) Unwrap() error { return ErrInvalidCode }

func alphaIndex(c rune) int { return strings.IndexRune(CodeAlphabet, c) }

// checkChar returns the character that makes the weighted sum of all
// CodeLen characters zero modulo 29. Weights are 1..CodeLen: distinct and
// non-zero modulo a prime, so a single substitution changes the sum by
// w·δ ≠ 0 and a swap of positions i, j by (wi−wj)(vj−vi) ≠ 0.
func checkChar(body string) byte {
	sum := 0
	for i := 0; i < len(body); i++ {
		sum += (i + 1) * alphaIndex(rune(body[i]))
	}
	// Solve CodeLen·v ≡ −sum (mod 29) with the modular inverse of CodeLen.
	inv := modInverse(CodeLen, alphabetSize)
	v := ((-sum%alphabetSize + alphabetSize) % alphabetSize) * inv % alphabetSize
	return CodeAlphabet[v]
}

func modInverse(a, m int) int {
	for x := 1; x < m; x++ {
		if a*x%m == 1 {
			return x
		}
	}
	panic("booking: no modular inverse")
}

// NewCode returns a random session code from crypto/rand: 7 random
// characters (29^7 ≈ 2^34) and the check character.
func NewCode() (Code, error) {
	var b strings.Builder
	max := big.NewInt(int64(alphabetSize))
	for i := 0; i < CodeLen-1; i++ {
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			return "", fmt.Errorf("booking: session code: %w", err)
		}
		b.WriteByte(CodeAlphabet[n.Int64()])
	}
	body := b.String()
	return Code(body + string(checkChar(body))), nil
}

// ParseCode accepts what a person types: upper or lower case, with or
// without the hyphen and spaces. A wrong length, a character outside the
// alphabet or a wrong check character is a *CodeError, caught before any
// request is sent.
func ParseCode(s string) (Code, error) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '-' || r == ' ' || r == '\u3000' || r == '\t' || r == 'ー' || r == '−':
			continue
		case r >= 'Ａ' && r <= 'Ｚ':
			r = r - 'Ａ' + 'A'
		case r >= 'ａ' && r <= 'ｚ':
			r = r - 'ａ' + 'A'
		case r >= '０' && r <= '９':
			r = r - '０' + '0'
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		}
		if alphaIndex(r) < 0 {
			return "", &CodeError{Input: s, Reason: "character", Char: r}
		}
		b.WriteRune(r)
	}
	c := b.String()
	if len(c) != CodeLen {
		return "", &CodeError{Input: s, Reason: "length"}
	}
	if checkChar(c[:CodeLen-1]) != c[CodeLen-1] {
		return "", &CodeError{Input: s, Reason: "check"}
	}
	return Code(c), nil
}

// Display returns the code as shown to a person: XXXX-XXXX.
func (c Code) Display() string {
	if len(c) != CodeLen {
		return string(c)
	}
	return string(c[:4]) + "-" + string(c[4:])
}

// Valid reports whether c is in canonical form with a correct check
// character.
func (c Code) Valid() bool {
	p, err := ParseCode(string(c))
	return err == nil && p == c
}
