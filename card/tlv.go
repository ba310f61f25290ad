package card

import (
	"errors"
	"fmt"
)

// TLV is one BER-TLV element (ISO 7816-4 §5.2): tags of one or more bytes,
// lengths in short or long form.
type TLV struct {
	Tag   uint32 // the tag bytes, big-endian (DF 22 → 0xDF22)
	Value []byte // aliases the parsed buffer
}

// ErrTLV is wrapped by every TLV parse error.
var ErrTLV = errors.New("card: malformed TLV")

// ParseTLV reads one element from the start of b and returns the bytes after
// it. Filler after the last element is the caller's business.
func ParseTLV(b []byte) (TLV, []byte, error) {
	if len(b) == 0 {
		return TLV{}, nil, fmt.Errorf("%w: empty", ErrTLV)
	}
	tag := uint32(b[0])
	i := 1
	if b[0]&0x1F == 0x1F { // multi-byte tag: continue while bit 8 is set
		for {
			if i >= len(b) || i > 3 {
				return TLV{}, nil, fmt.Errorf("%w: tag too long", ErrTLV)
			}
			tag = tag<<8 | uint32(b[i])
			i++
			if b[i-1]&0x80 == 0 {
				break
			}
		}
	}
	n, size, err := parseLength(b[i:])
	if err != nil {
		return TLV{}, nil, err
	}
	i += size
	if n > len(b)-i {
		return TLV{}, nil, fmt.Errorf("%w: tag %X wants %d bytes, %d left", ErrTLV, tag, n, len(b)-i)
	}
	return TLV{Tag: tag, Value: b[i : i+n]}, b[i+n:], nil
}

// parseLength reads a BER length: 00–7F, or 81 xx, 82 xx xx, 83 xx xx xx.
func parseLength(b []byte) (n, size int, err error) {
	if len(b) == 0 {
		return 0, 0, fmt.Errorf("%w: missing length", ErrTLV)
	}
	if b[0] < 0x80 {
		return int(b[0]), 1, nil
	}
	k := int(b[0] & 0x7F)
	if k == 0 || k > 3 || len(b) < 1+k {
		return 0, 0, fmt.Errorf("%w: bad length %X", ErrTLV, b[0])
	}
	for _, c := range b[1 : 1+k] {
		n = n<<8 | int(c)
	}
	return n, 1 + k, nil
}

// ParseTLVs reads consecutive elements until b is used up.
func ParseTLVs(b []byte) ([]TLV, error) {
	var out []TLV
	for len(b) > 0 {
		t, rest, err := ParseTLV(b)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
		b = rest
	}
	return out, nil
}

// TLVSize returns the full size of the element at the start of b, from its
// header alone. ok is false while b is too short to hold the header.
func TLVSize(b []byte) (n int, ok bool) {
	if len(b) < 2 {
		return 0, false
	}
	i := 1
	if b[0]&0x1F == 0x1F {
		for i < len(b) && i <= 3 && b[i]&0x80 != 0 {
			i++
		}
		i++
	}
	if i >= len(b) {
		return 0, false
	}
	l, size, err := parseLength(b[i:])
	if err != nil {
		return 0, false
	}
	return i + size + l, true
}
