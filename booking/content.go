package booking

import (
	"bytes"
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"
)

// ContentHeader is the first line of every content to sign; its version
// changes with the layout.
const ContentHeader = "mynadesk-booking-content/1"

// ContentType is the media type of the content to sign.
const ContentType = "text/plain; charset=utf-8"

// Content returns the canonical bytes the resident signs at step 2: one
// "key: value" line per field, in a fixed order, UTF-8, LF line ends, no
// trailing spaces. It holds the service's identity, the session code and
// nonce (so a signature cannot be replayed into another session or
// service), the registration time in UTC to the second, the login ID and,
// in two-step mode, the 4 attributes from step 1. It is plain text so the
// resident can be shown exactly what is signed.
func Content(s *Session) ([]byte, error) {
	if s.RegisteredAt.IsZero() {
		return nil, Errorf(ECNotReady, "registration time not fixed")
	}
	var b bytes.Buffer
	b.WriteString(ContentHeader + "\n")
	lines := [][2]string{
		{"service", s.Service},
		{"session", s.Code.Display()},
		{"nonce", s.Nonce},
		{"registered-at", s.RegisteredAt.UTC().Truncate(time.Second).Format(time.RFC3339)},
		{"login-id", s.LoginID},
		{"mode", string(s.Mode)},
	}
	if s.Mode == ModeTwoStep {
		if s.Attributes == nil {
			return nil, Errorf(ECOutOfOrder, "step 1 not done")
		}
		a := s.Attributes
		lines = append(lines,
			[2]string{"name", a.Name},
			[2]string{"address", a.Address},
			[2]string{"birth", a.Birth},
			[2]string{"sex", a.Sex})
	}
	for _, l := range lines {
		if err := checkText(l[0], l[1], 400); err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, "%s: %s\n", l[0], l[1])
	}
	return b.Bytes(), nil
}

// checkText refuses values that would make the content ambiguous or
// unreadable: invalid UTF-8, control characters (a newline would forge a
// line), and over-long values.
func checkText(field, v string, max int) error {
	if !utf8.ValidString(v) {
		return Errorf(ECInvalid, "%s: not UTF-8", field)
	}
	if utf8.RuneCountInString(v) > max {
		return Errorf(ECInvalid, "%s: longer than %d characters", field, max)
	}
	for _, r := range v {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return Errorf(ECInvalid, "%s: control character", field)
		}
	}
	return nil
}

// Validate checks the shape of attributes uploaded at step 1: a name with
// family and given name, an address, a birth date YYYYMMDD that is a real
// date, and an ISO 5218 sex code.
func (a Attributes) Validate() error {
	if a.Name == "" || a.Address == "" {
		return Errorf(ECInvalid, "attributes: name and address are required")
	}
	if err := checkText("name", a.Name, 100); err != nil {
		return err
	}
	if err := checkText("address", a.Address, 200); err != nil {
		return err
	}
	if len(a.Birth) != 8 {
		return Errorf(ECInvalid, "attributes: birth must be YYYYMMDD")
	}
	if _, err := time.Parse("20060102", a.Birth); err != nil {
		return Errorf(ECInvalid, "attributes: birth must be YYYYMMDD")
	}
	switch a.Sex {
	case "0", "1", "2", "9":
	default:
		return Errorf(ECInvalid, "attributes: sex must be an ISO 5218 code")
	}
	return nil
}

// ValidLoginID checks a login ID: 1–64 printable characters.
func ValidLoginID(id string) error {
	if id == "" {
		return Errorf(ECInvalid, "login ID is required")
	}
	return checkText("login-id", id, 64)
}
