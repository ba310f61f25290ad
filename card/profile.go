package card

import (
	"fmt"

	"github.com/mynadesk/mynadesk/jpki"
)

// Profile is one generation of the card as data: its applets, files, PINs
// (how many, their shape and tries) and the signature algorithms its keys
// make. The driver reads everything it sends from the profile, so adding a
// generation is one file that registers a Profile; nothing above this
// package needs to know how many PINs a card has or which RSA size it signs
// with (the UI lists Profile.PINs, the signer reads the size from the
// certificate).
type Profile struct {
	// Name is a stable key for JSON, logs and `mynasim init --profile`.
	Name string
	// Description says what card this is, in English, for diagnostics.
	Description string
	// Hypothetical marks a profile made up for tests of what may come;
	// shown in diagnostics so nobody mistakes it for a published layout.
	Hypothetical bool

	// JPKI is the applet holding the keys, certificates and token info.
	JPKI      []byte
	TokenInfo FID // free; the token label decides the Kind
	CertFlags FID // free; which certificates the card carries
	Certs     map[CertID]FID
	Keys      map[KeyID]KeySpec

	// Attributes is where the 4 basic attributes are and which PIN opens
	// them.
	Attributes AttributeSpec

	// PINs lists every PIN a resident has, in the order they are shown.
	PINs []PINSpec

	// Algorithms the card's keys make (jpki.Algorithms*).
	Algorithms []jpki.Algorithm

	// Labels are the token labels of JPKI EF TokenInfo that mean this
	// profile's card.
	Labels []string
}

// KeySpec is one private key of a profile.
type KeySpec struct {
	File FID
	PIN  PIN
	Cert CertID
}

// AttributeSpec says where the 4 basic attributes are read.
type AttributeSpec struct {
	Applet []byte
	File   FID
	PIN    PIN
}

// PINSpec is one PIN of a profile: where it lives and what shape it has.
type PINSpec struct {
	PIN      PIN    `json:"-"`
	Name     string `json:"pin"` // PIN.String(): "helper", "auth", "sign"
	Applet   []byte `json:"-"`
	File     FID    `json:"-"`
	MaxTries int    `json:"max_tries"`
	MinLen   int    `json:"min_len"`
	MaxLen   int    `json:"max_len"`
	// Alnum: A–Z and 0–9, folded to upper case; else digits only.
	Alnum bool `json:"alnum"`
	// Opens lists what the PIN unlocks: "attributes", "sign", "auth".
	Opens []string `json:"opens"`
}

// profiles are the known generations, tried in this order on a card whose
// profile is not yet known.
var profiles []*Profile

// registerProfile adds a generation; each profile file calls it from init.
func registerProfile(p *Profile) {
	for i := range p.PINs {
		p.PINs[i].Name = p.PINs[i].PIN.String()
	}
	profiles = append(profiles, p)
}

// Profiles lists the known card generations, the current card first.
func Profiles() []*Profile { return append([]*Profile(nil), profiles...) }

// ProfileByName finds a registered profile.
func ProfileByName(name string) (*Profile, bool) {
	for _, p := range profiles {
		if p.Name == name {
			return p, true
		}
	}
	return nil, false
}

// DefaultProfile is the My Number Card as issued since 2016.
func DefaultProfile() *Profile { return profileCurrent }

// PIN returns the profile's description of p.
func (p *Profile) PIN(id PIN) (PINSpec, bool) {
	for _, s := range p.PINs {
		if s.PIN == id {
			return s, true
		}
	}
	return PINSpec{}, false
}

func (p *Profile) pin(id PIN) (PINSpec, error) {
	s, ok := p.PIN(id)
	if !ok {
		return PINSpec{}, fmt.Errorf("%w: the %s card has no %v PIN", ErrUnsupportedCard, p.Name, id)
	}
	return s, nil
}

// Normalize checks a PIN's shape before it may reach the card and returns
// the bytes to send (see PIN.Normalize).
func (s PINSpec) Normalize(pin []byte) ([]byte, error) {
	if len(pin) < s.MinLen || len(pin) > s.MaxLen {
		return nil, &PINFormatError{PIN: s.PIN, Reason: FormatLength, spec: &s}
	}
	out := make([]byte, len(pin))
	for i := 0; i < len(pin); i++ {
		c := pin[i]
		switch {
		case c >= '0' && c <= '9':
		case s.Alnum && c >= 'A' && c <= 'Z':
		case s.Alnum && c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		default:
			Wipe(out)
			reason := FormatDigits
			if s.Alnum {
				reason = FormatAlnum
			}
			return nil, &PINFormatError{PIN: s.PIN, Reason: reason, spec: &s}
		}
		out[i] = c
	}
	return out, nil
}

// FormatHint describes the PIN's shape in English for messages and logs.
func (s PINSpec) FormatHint() string {
	if s.Alnum {
		return fmt.Sprintf("%d–%d letters A–Z and digits", s.MinLen, s.MaxLen)
	}
	if s.MinLen == s.MaxLen {
		return fmt.Sprintf("%d digits", s.MinLen)
	}
	return fmt.Sprintf("%d–%d digits", s.MinLen, s.MaxLen)
}

// ShapeOK reports whether b has the PIN's shape as the card stores it
// (upper case), for the virtual card's CHANGE PIN.
func (s PINSpec) ShapeOK(b []byte) bool {
	if len(b) < s.MinLen || len(b) > s.MaxLen {
		return false
	}
	for _, c := range b {
		if (c < '0' || c > '9') && (!s.Alnum || c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}

// PINFile is the EF of a PIN in this profile, 0 if it has none.
func (p *Profile) PINFile(id PIN) FID {
	s, _ := p.PIN(id)
	return s.File
}
