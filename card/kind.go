package card

import (
	"bytes"
	"strings"
)

// Kind is what sort of card answered, decided from JPKI EF 0006, never from
// the ATR.
type Kind int

// Card kinds.
const (
	KindUnknown      Kind = iota // the JPKI applet answered with an unknown token
	KindMyNumberCard             // JPKIAPICCTOKEN2
	KindSmartphone               // JPKIAPGPSETOKEN: even the auth certificate needs the auth PIN
	KindJukiCard                 // JPKIAPICCTOKEN: an old 住基カード, not supported
	KindNoJPKI                   // no JPKI applet at all
)

var kindNames = map[Kind]string{
	KindUnknown: "unknown", KindMyNumberCard: "mynumber-card", KindSmartphone: "smartphone-jpki",
	KindJukiCard: "juki-card", KindNoJPKI: "no-jpki",
}

// String is a stable key for JSON and logs.
func (k Kind) String() string { return kindNames[k] }

// Supported reports whether the product can read this kind of card.
func (k Kind) Supported() bool { return k == KindMyNumberCard || k == KindSmartphone }

// TokenLabelLen is the length of the space-padded label at the start of EF 0006.
const TokenLabelLen = 32

// KindFromTokenInfo decides the kind from the content of JPKI EF 0006 and
// returns the label it read.
func KindFromTokenInfo(info []byte) (Kind, string) {
	if len(info) > TokenLabelLen {
		info = info[:TokenLabelLen]
	}
	label := strings.TrimRight(string(bytes.TrimRight(info, "\x00")), " ")
	switch label {
	case TokenMyNumberCard, TokenNextGen:
		return KindMyNumberCard, label
	case TokenSmartphone:
		return KindSmartphone, label
	case TokenJukiCard:
		return KindJukiCard, label
	}
	return KindUnknown, label
}
