package jpki

// Diff compares the attributes in a signing certificate (cert, certificate
// forms as DecodeSAN returns them) with the ones a service holds (held: what
// was entered or read at step 1, normally in input-helper forms — Birth
// YYYYMMDD, Sex ISO 5218 — though certificate forms are accepted too). It
// returns the fields that differ, among FieldName, FieldSex, FieldBirth and
// FieldAddress, in that order; nil means the four attributes match.
//
// Names and addresses are compared after NormalizeName/NormalizeAddress, and
// a character marked in either side's substitute-character map (外字) matches
// any one character. Birth dates compare the Gregorian date only (the era digit
// follows from it); sex "3" (certificate) equals ISO 5218 "9" and "0". A value
// of the wrong form on either side is a difference, never a match.
func Diff(cert, held Attributes) []Field {
	var out []Field
	if !equalWithSubst(normalize(cert.Name, cert.NameSubst, false), normalize(held.Name, held.NameSubst, false)) ||
		NormalizeName(held.Name) == "" {
		out = append(out, FieldName)
	}
	cs, ok1 := canonicalSex(cert.Sex)
	hs, ok2 := canonicalSex(held.Sex)
	if !ok1 || !ok2 || cs != hs {
		out = append(out, FieldSex)
	}
	cb, ok1 := canonicalBirth(cert.Birth)
	hb, ok2 := canonicalBirth(held.Birth)
	if !ok1 || !ok2 || cb != hb {
		out = append(out, FieldBirth)
	}
	if !equalWithSubst(normalize(cert.Address, cert.AddressSubst, true), normalize(held.Address, held.AddressSubst, true)) ||
		NormalizeAddress(held.Address) == "" {
		out = append(out, FieldAddress)
	}
	return out
}

// canonicalSex maps either form to ISO 5218 with "not known" and "not
// applicable" merged into "9".
func canonicalSex(s string) (string, bool) {
	switch s {
	case SexMale, SexFemale:
		return s, true
	case SexCertUnknown, SexISONotKnown, SexISONotApplied:
		return SexISONotApplied, true
	}
	return "", false
}

// canonicalBirth maps YYYYMMDD or EYYYYMMDD to YYYYMMDD.
func canonicalBirth(s string) (string, bool) {
	if IsDigits(s, 8) {
		return s, true
	}
	if b, err := BirthFromCert(s); err == nil {
		return b, true
	}
	return "", false
}
