// Package jpki knows the shape of JPKI certificates (公的個人認証サービス):
// the object identifiers J-LIS uses, the four basic attributes carried in the
// signing certificate's subject alternative name, and the conversions between
// the forms the card's input-helper applet uses and the forms the certificate
// uses. It is pure Go: no card, no PC/SC, no cgo, so the booking service can
// use it (docs/certificates.md).
package jpki

import (
	"encoding/asn1"
	"errors"
	"fmt"
)

// Object identifiers of the otherName entries in the signing certificate's
// subject alternative name, one per attribute.
var (
	OIDName         = asn1.ObjectIdentifier{1, 2, 392, 200149, 8, 5, 5, 1}
	OIDNameSubst    = asn1.ObjectIdentifier{1, 2, 392, 200149, 8, 5, 5, 2}
	OIDSex          = asn1.ObjectIdentifier{1, 2, 392, 200149, 8, 5, 5, 3}
	OIDBirth        = asn1.ObjectIdentifier{1, 2, 392, 200149, 8, 5, 5, 4}
	OIDAddress      = asn1.ObjectIdentifier{1, 2, 392, 200149, 8, 5, 5, 5}
	OIDAddressSubst = asn1.ObjectIdentifier{1, 2, 392, 200149, 8, 5, 5, 6}
)

// Certificate policy OIDs of the signing certificate: production cards carry
// the first, test cards the second. A verifier accepts one of them by
// configuration, never both in production.
var (
	OIDPolicySignProduction = asn1.ObjectIdentifier{1, 2, 392, 200149, 8, 5, 1, 1, 20}
	OIDPolicySignTest       = asn1.ObjectIdentifier{1, 2, 392, 200149, 8, 5, 1, 0, 20}
)

// OIDSubjectAltName is the X.509 subjectAltName extension (RFC 5280 4.2.1.6).
var OIDSubjectAltName = asn1.ObjectIdentifier{2, 5, 29, 17}

// MaxAddressLen is the longest address the certificate may carry, in
// characters (J-LIS: "from the prefecture, up to 200 characters").
const MaxAddressLen = 200

// maxFieldLen bounds every other text field, so a hostile certificate cannot
// make a comparison walk megabytes.
const maxFieldLen = 200

// Attributes are the four basic attributes (基本4情報) as the signing
// certificate carries them, with the substitute-character maps:
//
//   - Name: family and given name separated by U+3000.
//   - NameSubst, AddressSubst: one '0'/'1' per character of Name/Address;
//     '1' marks a character replaced by a substitute (外字). Empty means no
//     substitutes.
//   - Sex: "1" male, "2" female, "3" unknown (certificate form; the
//     input-helper applet uses ISO 5218, see SexToCert).
//   - Birth: "EYYYYMMDD", an era digit then the Gregorian date (see
//     BirthToCert).
//   - Address: from the prefecture, up to 200 characters.
//
// Attributes hold personal data: never log them.
type Attributes struct {
	Name, NameSubst, Sex, Birth, Address, AddressSubst string
}

// Field names one attribute, for reporting which ones differ or are missing.
type Field string

// The fields of Attributes as they are reported.
const (
	FieldName         Field = "name"
	FieldNameSubst    Field = "name_subst"
	FieldSex          Field = "sex"
	FieldBirth        Field = "birth"
	FieldAddress      Field = "address"
	FieldAddressSubst Field = "address_subst"
)

// fieldOIDs lists the six SAN entries in the order J-LIS writes them.
var fieldOIDs = []struct {
	oid   asn1.ObjectIdentifier
	field Field
}{
	{OIDName, FieldName},
	{OIDNameSubst, FieldNameSubst},
	{OIDSex, FieldSex},
	{OIDBirth, FieldBirth},
	{OIDAddress, FieldAddress},
	{OIDAddressSubst, FieldAddressSubst},
}

// get and set address a field of Attributes by name.
func (a *Attributes) ptr(f Field) *string {
	switch f {
	case FieldName:
		return &a.Name
	case FieldNameSubst:
		return &a.NameSubst
	case FieldSex:
		return &a.Sex
	case FieldBirth:
		return &a.Birth
	case FieldAddress:
		return &a.Address
	case FieldAddressSubst:
		return &a.AddressSubst
	}
	return nil
}

// Sentinels for errors.Is. The typed errors below unwrap to them.
var (
	// ErrNoSAN: the certificate has no subjectAltName extension, so it is
	// not a JPKI signing certificate (authentication certificates carry
	// none).
	ErrNoSAN = errors.New("jpki: certificate has no subject alternative name")
	// ErrMalformedSAN: the extension or one of its JPKI entries cannot be
	// parsed or holds a value of the wrong form.
	ErrMalformedSAN = errors.New("jpki: malformed subject alternative name")
	// ErrMissingField: one of the six JPKI entries is absent.
	ErrMissingField = errors.New("jpki: attribute missing from subject alternative name")
	// ErrBadValue: an attribute given to EncodeSAN or a conversion has the
	// wrong form.
	ErrBadValue = errors.New("jpki: attribute has the wrong form")
)

// MalformedSANError says what is wrong with a subjectAltName. Field is empty
// when the structure itself is broken.
type MalformedSANError struct {
	Field  Field
	Reason string
}

func (e *MalformedSANError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("jpki: malformed subject alternative name: %s: %s", e.Field, e.Reason)
	}
	return "jpki: malformed subject alternative name: " + e.Reason
}

// Unwrap returns ErrMalformedSAN.
func (e *MalformedSANError) Unwrap() error { return ErrMalformedSAN }

// MissingFieldError names the JPKI entry the subjectAltName lacks.
type MissingFieldError struct{ Field Field }

func (e *MissingFieldError) Error() string {
	return "jpki: subject alternative name lacks " + string(e.Field)
}

// Unwrap returns ErrMissingField.
func (e *MissingFieldError) Unwrap() error { return ErrMissingField }

// ValueError reports an attribute of the wrong form given to EncodeSAN or to
// a conversion. It never holds the value itself: values are personal data.
type ValueError struct {
	Field  Field
	Reason string
}

func (e *ValueError) Error() string {
	return fmt.Sprintf("jpki: %s: %s", e.Field, e.Reason)
}

// Unwrap returns ErrBadValue.
func (e *ValueError) Unwrap() error { return ErrBadValue }
