package jpki

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"unicode/utf8"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// ASN.1 tags of the subjectAltName structure (RFC 5280 4.2.1.6):
// GeneralName otherName is [0] IMPLICIT OtherName, and OtherName's value is
// [0] EXPLICIT; J-LIS puts a UTF8String there.
var (
	tagOtherName  = cbasn1.Tag(0).ContextSpecific().Constructed()
	tagOtherValue = cbasn1.Tag(0).ContextSpecific().Constructed()
)

// EncodeSAN builds the signing certificate's subjectAltName extension
// (non-critical) holding the six JPKI otherName entries. a must be in
// certificate forms (Sex "1"/"2"/"3", Birth "EYYYYMMDD"); it is checked the
// same way DecodeSAN checks a certificate, so what it makes always decodes.
func EncodeSAN(a Attributes) (pkix.Extension, error) {
	if err := a.check(func(f Field, reason string) error { return &ValueError{Field: f, Reason: reason} }); err != nil {
		return pkix.Extension{}, err
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(names *cryptobyte.Builder) {
		for _, fo := range fieldOIDs {
			v := *a.ptr(fo.field)
			names.AddASN1(tagOtherName, func(on *cryptobyte.Builder) {
				on.AddASN1ObjectIdentifier(fo.oid)
				on.AddASN1(tagOtherValue, func(val *cryptobyte.Builder) {
					val.AddASN1(cbasn1.UTF8String, func(s *cryptobyte.Builder) {
						s.AddBytes([]byte(v))
					})
				})
			})
		}
	})
	der, err := b.Bytes()
	if err != nil {
		return pkix.Extension{}, &ValueError{Field: "", Reason: err.Error()}
	}
	return pkix.Extension{Id: OIDSubjectAltName, Critical: false, Value: der}, nil
}

// DecodeSAN reads the four attributes from a signing certificate. Errors:
// ErrNoSAN when the certificate has no subjectAltName (an authentication
// certificate), *MalformedSANError, *MissingFieldError.
func DecodeSAN(cert *x509.Certificate) (Attributes, error) {
	if cert == nil {
		return Attributes{}, ErrNoSAN
	}
	for _, ext := range cert.Extensions {
		if ext.Id.Equal(OIDSubjectAltName) {
			return DecodeSANExtension(ext.Value)
		}
	}
	return Attributes{}, ErrNoSAN
}

// DecodeSANExtension reads the four attributes from the DER value of a
// subjectAltName extension (the extnValue contents: GeneralNames). Entries
// other than the six JPKI otherNames are ignored; a JPKI entry given twice,
// of the wrong type or with a value of the wrong form is malformed.
func DecodeSANExtension(der []byte) (Attributes, error) {
	var a Attributes
	malformed := func(f Field, reason string) error { return &MalformedSANError{Field: f, Reason: reason} }
	in := cryptobyte.String(der)
	var names cryptobyte.String
	if !in.ReadASN1(&names, cbasn1.SEQUENCE) || !in.Empty() {
		return a, malformed("", "not a GeneralNames sequence")
	}
	seen := map[Field]bool{}
	for !names.Empty() {
		var gn cryptobyte.String
		var tag cbasn1.Tag
		if !names.ReadAnyASN1(&gn, &tag) {
			return a, malformed("", "truncated GeneralName")
		}
		if tag != tagOtherName {
			continue // a DNS name, e-mail, ...: not ours
		}
		var oid asn1.ObjectIdentifier
		if !gn.ReadASN1ObjectIdentifier(&oid) {
			return a, malformed("", "otherName without a type OID")
		}
		field := fieldOf(oid)
		if field == "" {
			continue // someone else's otherName
		}
		var wrapped, str cryptobyte.String
		if !gn.ReadASN1(&wrapped, tagOtherValue) || !gn.Empty() {
			return a, malformed(field, "value is not [0] EXPLICIT")
		}
		if !wrapped.ReadASN1(&str, cbasn1.UTF8String) || !wrapped.Empty() {
			return a, malformed(field, "value is not a UTF8String")
		}
		if !utf8.Valid(str) {
			return a, malformed(field, "value is not valid UTF-8")
		}
		if seen[field] {
			return a, malformed(field, "given twice")
		}
		seen[field] = true
		*a.ptr(field) = string(str)
	}
	for _, fo := range fieldOIDs {
		if !seen[fo.field] {
			return Attributes{}, &MissingFieldError{Field: fo.field}
		}
	}
	if err := a.check(malformed); err != nil {
		return Attributes{}, err
	}
	return a, nil
}

func fieldOf(oid asn1.ObjectIdentifier) Field {
	for _, fo := range fieldOIDs {
		if oid.Equal(fo.oid) {
			return fo.field
		}
	}
	return ""
}

// check validates certificate forms; bad builds the error for a field.
func (a *Attributes) check(bad func(Field, string) error) error {
	if a.Name == "" {
		return bad(FieldName, "empty")
	}
	if !utf8.ValidString(a.Name) || utf8.RuneCountInString(a.Name) > maxFieldLen {
		return bad(FieldName, "not valid UTF-8 or too long")
	}
	if a.Address == "" {
		return bad(FieldAddress, "empty")
	}
	if !utf8.ValidString(a.Address) || utf8.RuneCountInString(a.Address) > MaxAddressLen {
		return bad(FieldAddress, "not valid UTF-8 or longer than 200 characters")
	}
	if err := checkSubst(a.NameSubst, a.Name); err != "" {
		return bad(FieldNameSubst, err)
	}
	if err := checkSubst(a.AddressSubst, a.Address); err != "" {
		return bad(FieldAddressSubst, err)
	}
	if !validCertSex(a.Sex) {
		return bad(FieldSex, "not 1, 2 or 3")
	}
	if _, err := BirthFromCert(a.Birth); err != nil {
		return bad(FieldBirth, "not EYYYYMMDD")
	}
	return nil
}

// checkSubst checks a substitute-character map against its text: empty (no
// substitutes) or one '0'/'1' per character.
func checkSubst(m, text string) string {
	if m == "" {
		return ""
	}
	for i := 0; i < len(m); i++ {
		if m[i] != '0' && m[i] != '1' {
			return "holds something other than 0 and 1"
		}
	}
	if len(m) != utf8.RuneCountInString(text) {
		return "length differs from its text"
	}
	return ""
}

func validCertSex(s string) bool { return s == "1" || s == "2" || s == "3" }
