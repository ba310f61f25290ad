package jpki

import (
	"time"
)

// Era is the era digit that starts a certificate birth date.
type Era byte

// Era digits (docs/certificates.md).
const (
	EraUnknown Era = '0'
	EraMeiji   Era = '1' // 明治, from 1868-01-25
	EraTaisho  Era = '2' // 大正, from 1912-07-30
	EraShowa   Era = '3' // 昭和, from 1926-12-25
	EraHeisei  Era = '4' // 平成, from 1989-01-08
	EraReiwa   Era = '5' // 令和, from 2019-05-01
)

// eraStarts lists each era's first day, newest first. Dates are compared as
// YYYYMMDD strings, which order like the dates themselves.
var eraStarts = []struct {
	from string
	era  Era
}{
	{"20190501", EraReiwa},
	{"19890108", EraHeisei},
	{"19261225", EraShowa},
	{"19120730", EraTaisho},
	{"18680125", EraMeiji},
}

// EraOf returns the era of a Gregorian date given as YYYYMMDD; EraUnknown for
// a date before 明治 or one that is not a calendar date (the resident register
// can hold dates with an unknown month or day, e.g. 19500000).
func EraOf(yyyymmdd string) Era {
	if !calendarDate(yyyymmdd) {
		return EraUnknown
	}
	for _, e := range eraStarts {
		if yyyymmdd >= e.from {
			return e.era
		}
	}
	return EraUnknown
}

// BirthToCert converts a birth date from the input-helper form (YYYYMMDD) to
// the certificate form (EYYYYMMDD), the era chosen by the date.
func BirthToCert(yyyymmdd string) (string, error) {
	if !IsDigits(yyyymmdd, 8) {
		return "", &ValueError{Field: FieldBirth, Reason: "not YYYYMMDD"}
	}
	return string(rune(EraOf(yyyymmdd))) + yyyymmdd, nil
}

// BirthFromCert converts a certificate birth date (EYYYYMMDD) to the
// input-helper form (YYYYMMDD). The era digit must be 0–5; it is not checked
// against the date, because the date is what a comparison uses.
func BirthFromCert(s string) (string, error) {
	if !IsDigits(s, 9) || s[0] > '5' {
		return "", &ValueError{Field: FieldBirth, Reason: "not EYYYYMMDD"}
	}
	return s[1:], nil
}

// Sex codes in both forms.
const (
	SexMale          = "1" // both forms
	SexFemale        = "2" // both forms
	SexCertUnknown   = "3" // certificate form
	SexISONotKnown   = "0" // ISO 5218
	SexISONotApplied = "9" // ISO 5218, as the input-helper applet uses it
)

// SexToCert converts ISO 5218 ("0", "1", "2", "9"), the input-helper form, to
// the certificate form ("1", "2", "3").
func SexToCert(iso string) (string, error) {
	switch iso {
	case SexMale, SexFemale:
		return iso, nil
	case SexISONotKnown, SexISONotApplied:
		return SexCertUnknown, nil
	}
	return "", &ValueError{Field: FieldSex, Reason: "not an ISO 5218 code"}
}

// SexFromCert converts the certificate form ("1", "2", "3") to the ISO 5218
// form the input-helper applet uses ("1", "2", "9").
func SexFromCert(s string) (string, error) {
	switch s {
	case SexMale, SexFemale:
		return s, nil
	case SexCertUnknown:
		return SexISONotApplied, nil
	}
	return "", &ValueError{Field: FieldSex, Reason: "not 1, 2 or 3"}
}

// FromHelper converts attributes in input-helper forms (Birth YYYYMMDD, Sex
// ISO 5218) to certificate forms, keeping the other fields.
func FromHelper(h Attributes) (Attributes, error) {
	b, err := BirthToCert(h.Birth)
	if err != nil {
		return Attributes{}, err
	}
	s, err := SexToCert(h.Sex)
	if err != nil {
		return Attributes{}, err
	}
	h.Birth, h.Sex = b, s
	return h, nil
}

// ToHelper converts attributes in certificate forms to input-helper forms.
func ToHelper(c Attributes) (Attributes, error) {
	b, err := BirthFromCert(c.Birth)
	if err != nil {
		return Attributes{}, err
	}
	s, err := SexFromCert(c.Sex)
	if err != nil {
		return Attributes{}, err
	}
	c.Birth, c.Sex = b, s
	return c, nil
}

// IsDigits reports whether s is exactly n ASCII digits: the shape of the
// numeric fields of certificates and cards (a birth date YYYYMMDD, the
// 12-digit individual number, a 4-digit security code). The card driver
// and the virtual card use it too.
func IsDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < n; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func calendarDate(yyyymmdd string) bool {
	if !IsDigits(yyyymmdd, 8) {
		return false
	}
	t, err := time.Parse("20060102", yyyymmdd)
	return err == nil && t.Format("20060102") == yyyymmdd
}
