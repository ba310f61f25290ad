package sim

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/jpki"
)

// Token is the kind of JPKI token the virtual card pretends to be; it decides
// the label in JPKI EF 0006, which applets exist and who may read the auth
// certificate.
type Token int

// Token kinds.
const (
	// TokenCard is a My Number Card: JPKI, input-helper, card-face and 住基
	// applets; label JPKIAPICCTOKEN2.
	TokenCard Token = iota
	// TokenJuki is an old 住基カード: JPKI and 住基 applets only; label
	// JPKIAPICCTOKEN.
	TokenJuki
	// TokenSmartphone is a smartphone JPKI: the JPKI applet only; label
	// JPKIAPGPSETOKEN; the auth certificate needs the auth PIN.
	TokenSmartphone
)

var tokenNames = map[Token]string{TokenCard: "card", TokenJuki: "juki", TokenSmartphone: "smartphone"}

// String is the name used on the command line and in card.json.
func (t Token) String() string {
	if s, ok := tokenNames[t]; ok {
		return s
	}
	return fmt.Sprintf("token(%d)", int(t))
}

// ParseToken reads "card", "juki" or "smartphone".
func ParseToken(s string) (Token, error) {
	for t, name := range tokenNames {
		if name == s {
			return t, nil
		}
	}
	return 0, fmt.Errorf("sim: unknown token kind %q (want card, juki or smartphone)", s)
}

// Label is the token label written at the start of JPKI EF 0006.
func (t Token) Label() string {
	switch t {
	case TokenJuki:
		return card.TokenJukiCard
	case TokenSmartphone:
		return card.TokenSmartphone
	}
	return card.TokenMyNumberCard
}

// Extended says whether the card takes extended-length APDUs and what EF 0005
// of the input helper claims about it. The spec leaves the real card's
// behaviour unconfirmed, so the driver must be tested against all three.
type Extended int

// Extended-length behaviours.
const (
	// ExtendedAccept takes extended Lc/Le (Le up to 65536) and says so in
	// EF 0005. The default.
	ExtendedAccept Extended = iota
	// ExtendedReject answers 67 00 to any extended-length APDU and EF 0005
	// says extended length is not supported.
	ExtendedReject
	// ExtendedClaimOnly says in EF 0005 that extended length is supported
	// but answers 67 00 to it: a card that lies about itself.
	ExtendedClaimOnly
)

var extendedNames = map[Extended]string{ExtendedAccept: "accept", ExtendedReject: "reject", ExtendedClaimOnly: "claim-only"}

// String is the name used on the command line and in card.json.
func (e Extended) String() string {
	if s, ok := extendedNames[e]; ok {
		return s
	}
	return fmt.Sprintf("extended(%d)", int(e))
}

// ParseExtended reads "accept", "reject" or "claim-only".
func ParseExtended(s string) (Extended, error) {
	for e, name := range extendedNames {
		if name == s {
			return e, nil
		}
	}
	return 0, fmt.Errorf("sim: unknown extended-length mode %q (want accept, reject or claim-only)", s)
}

func (e Extended) accepts() bool { return e == ExtendedAccept }
func (e Extended) claims() bool  { return e != ExtendedReject }

// ResponseMode says how the card hands back response data, so the driver's
// handling of ISO 7816-4 procedure bytes can be tested.
type ResponseMode int

// Response modes.
const (
	// ResponseDirect answers data followed by 90 00. The default.
	ResponseDirect ResponseMode = iota
	// ResponseGetResponse answers 61 xx with no data; the host fetches the
	// data with GET RESPONSE 00 C0 00 00 xx (as a T=0 card would).
	ResponseGetResponse
	// ResponseWrongLe answers 6C xx when Le is not exactly what the card can
	// answer (an extended Le, or a short Le beyond the end of the file); the
	// host repeats the command with Le = xx.
	ResponseWrongLe
)

var responseNames = map[ResponseMode]string{ResponseDirect: "direct", ResponseGetResponse: "61xx", ResponseWrongLe: "6cxx"}

// String is the name used on the command line and in card.json.
func (m ResponseMode) String() string {
	if s, ok := responseNames[m]; ok {
		return s
	}
	return fmt.Sprintf("response(%d)", int(m))
}

// ParseResponseMode reads "direct", "61xx" or "6cxx".
func ParseResponseMode(s string) (ResponseMode, error) {
	for m, name := range responseNames {
		if name == s {
			return m, nil
		}
	}
	return 0, fmt.Errorf("sim: unknown response mode %q (want direct, 61xx or 6cxx)", s)
}

// Profile is everything a virtual card is made of. NewCard copies it.
type Profile struct {
	// Token is the kind of token: My Number Card (the zero value), Juki
	// card or smartphone.
	Token Token
	// Holder is what input-helper EF 0002 holds: Name (family and given
	// name separated by U+3000), Address, Birth (YYYYMMDD) and Sex (ISO
	// 5218: "1", "2", "9"). The substitute-character maps are not on the
	// card's input helper and are ignored here.
	Holder Holder

	// IndividualNumber is the made-up 12-digit 個人番号 in input-helper
	// EF 0001; it is also 照合番号A. The product never reads it.
	IndividualNumber string
	// ExpiryYear (YYYY) and SecurityCode (4 digits) make 照合番号B together
	// with the birth date (YYMMDD).
	ExpiryYear   string
	SecurityCode string

	// PINs as the card stores them: helper and auth 4 digits, sign 6–16 of
	// A–Z0–9 (upper case).
	HelperPIN, AuthPIN, SignPIN string
	// TriesLeft starts a PIN's counter below its maximum (0 = blocked). A
	// PIN that is not in the map starts at its maximum.
	TriesLeft map[card.PIN]int

	// Keys and certificates (DER) of the JPKI applet.
	AuthKey, SignKey       *rsa.PrivateKey
	AuthCert, SignCert     []byte
	AuthCACert, SignCACert []byte

	// Extended and Response choose among the behaviours the spec leaves
	// unconfirmed; the zero values are ExtendedAccept and ResponseDirect.
	Extended Extended
	Response ResponseMode

	// Generation is the card.Profile name of the card's generation: ""
	// (or "mynumber-2016") for today's card, "nextgen-hypothetical" for
	// the two-PIN card made up from the published plans. It decides the
	// applets, files and PINs; the keys decide the RSA size.
	Generation string
	// NoSignCert makes a card without a signing certificate and key, as
	// children under 15 have (SignKey and SignCert are then ignored).
	NoSignCert bool
}

// cardProfile is the driver's description of the card's generation.
func (p *Profile) cardProfile() *card.Profile {
	if p.Generation == "" {
		return card.DefaultProfile()
	}
	prof, _ := card.ProfileByName(p.Generation)
	return prof
}

// pinValue is the value the profile gives a PIN.
func (p *Profile) pinValue(id card.PIN) string {
	switch id {
	case card.PINHelper:
		return p.HelperPIN
	case card.PINAuth:
		return p.AuthPIN
	case card.PINSign:
		return p.SignPIN
	}
	return ""
}

// ErrProfile is wrapped by every profile validation error.
var ErrProfile = errors.New("sim: invalid card profile")

func (p *Profile) validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrProfile}, args...)...)
	}
	if _, ok := tokenNames[p.Token]; !ok {
		return bad("token %d", int(p.Token))
	}
	if !jpki.IsDigits(p.IndividualNumber, 12) {
		return bad("individual number must be 12 digits")
	}
	if !jpki.IsDigits(p.ExpiryYear, 4) || !jpki.IsDigits(p.SecurityCode, 4) {
		return bad("expiry year and security code must be 4 digits each")
	}
	if !jpki.IsDigits(p.Holder.Birth, 8) {
		return bad("birth date must be YYYYMMDD")
	}
	switch p.Holder.Sex {
	case "1", "2", "9":
	default:
		return bad("sex must be 1, 2 or 9 (ISO 5218)")
	}
	if !utf8.ValidString(p.Holder.Name) || !utf8.ValidString(p.Holder.Address) || p.Holder.Name == "" {
		return bad("name and address must be UTF-8 and the name not empty")
	}
	if p.Generation != "" {
		if _, ok := card.ProfileByName(p.Generation); !ok {
			return bad("unknown card generation %q", p.Generation)
		}
	}
	prof := p.cardProfile()
	for _, spec := range prof.PINs {
		if !spec.ShapeOK([]byte(p.pinValue(spec.PIN))) {
			return bad("%v PIN must be %s", spec.PIN, spec.FormatHint())
		}
		if n, ok := p.TriesLeft[spec.PIN]; ok && (n < 0 || n > spec.MaxTries) {
			return bad("%v PIN tries left %d out of range", spec.PIN, n)
		}
	}
	for pin := range p.TriesLeft {
		if _, ok := prof.PIN(pin); !ok {
			return bad("the %s card has no %v PIN", prof.Name, pin)
		}
	}
	if p.AuthKey == nil || len(p.AuthCert) == 0 || len(p.AuthCACert) == 0 || len(p.SignCACert) == 0 ||
		(!p.NoSignCert && (p.SignKey == nil || len(p.SignCert) == 0)) {
		return bad("keys and certificates are missing")
	}
	if _, ok := extendedNames[p.Extended]; !ok {
		return bad("extended mode %d", int(p.Extended))
	}
	if _, ok := responseNames[p.Response]; !ok {
		return bad("response mode %d", int(p.Response))
	}
	return nil
}
