package card

import (
	"fmt"
	"unicode/utf8"

	"github.com/mynadesk/mynadesk/jpki"
)

// Attributes are the 4 basic attributes (基本4情報) as the input-helper applet
// holds them. They are personal data: never log them.
type Attributes struct {
	Name    string // family and given name separated by U+3000
	Address string // full-width digits and hyphens are normal
	Birth   string // YYYYMMDD
	Sex     string // ISO 5218: "1" male, "2" female, "9" not applicable
}

// Tags of input-helper EF 0002 (spec: "EF 0002 layout").
const (
	tagAttributes uint32 = 0xFF20
	tagOffsets    uint32 = 0xDF21
	tagName       uint32 = 0xDF22
	tagAddress    uint32 = 0xDF23
	tagBirth      uint32 = 0xDF24
	tagSex        uint32 = 0xDF25
)

// ParseAttributes decodes the content of input-helper EF 0002. The file is
// longer than its TLV: whatever follows the FF 20 element is filler.
func ParseAttributes(file []byte) (Attributes, error) {
	outer, _, err := ParseTLV(file)
	if err != nil {
		return Attributes{}, fmt.Errorf("card: attributes: %w", err)
	}
	if outer.Tag != tagAttributes {
		return Attributes{}, fmt.Errorf("card: attributes: %w: outer tag %X, want FF20", ErrMalformed, outer.Tag)
	}
	fields, err := ParseTLVs(outer.Value)
	if err != nil {
		return Attributes{}, fmt.Errorf("card: attributes: %w", err)
	}
	var a Attributes
	seen := map[uint32]bool{}
	for _, f := range fields {
		if !utf8.Valid(f.Value) {
			return Attributes{}, fmt.Errorf("card: attributes: %w: tag %X is not UTF-8", ErrMalformed, f.Tag)
		}
		seen[f.Tag] = true
		switch f.Tag {
		case tagName:
			a.Name = string(f.Value)
		case tagAddress:
			a.Address = string(f.Value)
		case tagBirth:
			a.Birth = string(f.Value)
		case tagSex:
			a.Sex = string(f.Value)
		}
	}
	for _, t := range []uint32{tagName, tagAddress, tagBirth, tagSex} {
		if !seen[t] {
			return Attributes{}, fmt.Errorf("card: attributes: %w: tag %X missing", ErrMalformed, t)
		}
	}
	if !jpki.IsDigits(a.Birth, 8) {
		return Attributes{}, fmt.Errorf("card: attributes: %w: birth date is not YYYYMMDD", ErrMalformed)
	}
	return a, nil
}
