package verify

// A strict DER reader for the one CMS shape a JPKI signature takes (RFC 5652
// SignedData, one signer, signed attributes). It is written on cryptobyte
// rather than taken from a CMS library so that hostile input costs bounded
// work, never panics, and each defect maps to one error kind.

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"math/big"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

var (
	oidSignedData    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidData          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidContentType   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidMessageDigest = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidSigningTime   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	oidSHA256        = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidRSA           = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidSHA256WithRSA = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
)

// Bounds on what a signed payload may hold.
const (
	maxCertificates = 8  // the signer's, perhaps its root; J-LIS has no intermediates
	maxAttributes   = 32 // signed attributes
)

var (
	tagExplicit0 = cbasn1.Tag(0).ContextSpecific().Constructed()
	tagImplicit0 = cbasn1.Tag(0).ContextSpecific().Constructed()
	tagImplicit1 = cbasn1.Tag(1).ContextSpecific().Constructed()
	tagSKI       = cbasn1.Tag(0).ContextSpecific() // subjectKeyIdentifier [0] IMPLICIT OCTET STRING
)

// signedData is what Verify needs from the CMS.
type signedData struct {
	contentType asn1.ObjectIdentifier
	content     []byte // nil when detached
	hasContent  bool
	certs       []*x509.Certificate
	signer      signerInfo
}

type signerInfo struct {
	issuer      []byte   // raw issuer Name, with issuerAndSerialNumber
	serial      *big.Int // with issuerAndSerialNumber
	ski         []byte   // with subjectKeyIdentifier
	digestAlg   asn1.ObjectIdentifier
	signedAttrs []byte // DER of the attributes re-tagged as SET OF, as signed
	sigAlg      asn1.ObjectIdentifier
	signature   []byte
	attrType    asn1.ObjectIdentifier // contentType attribute
	digest      []byte                // messageDigest attribute
	signingTime time.Time
	hasSignTime bool
}

func malformed(what string) *Error { return fail(ErrMalformed, "%s", what) }

// parseSignedData reads a DER ContentInfo holding SignedData.
func parseSignedData(der []byte) (*signedData, error) {
	in := cryptobyte.String(der)
	var ci cryptobyte.String
	if !in.ReadASN1(&ci, cbasn1.SEQUENCE) {
		return nil, malformed("not a DER ContentInfo (BER or truncated input is refused)")
	}
	if !in.Empty() {
		return nil, malformed("data after the ContentInfo")
	}
	var ct asn1.ObjectIdentifier
	if !ci.ReadASN1ObjectIdentifier(&ct) {
		return nil, malformed("ContentInfo without a content type")
	}
	if !ct.Equal(oidSignedData) {
		return nil, malformed("content type is not SignedData")
	}
	var wrapped, sd cryptobyte.String
	if !ci.ReadASN1(&wrapped, tagExplicit0) || !ci.Empty() || !wrapped.ReadASN1(&sd, cbasn1.SEQUENCE) || !wrapped.Empty() {
		return nil, malformed("SignedData is not [0] EXPLICIT SEQUENCE")
	}
	out := &signedData{}
	var version int
	if !sd.ReadASN1Integer(&version) || version < 1 || version > 5 {
		return nil, malformed("SignedData version")
	}
	var digestAlgs cryptobyte.String
	if !sd.ReadASN1(&digestAlgs, cbasn1.SET) {
		return nil, malformed("digestAlgorithms")
	}
	for !digestAlgs.Empty() {
		if _, err := readAlgorithm(&digestAlgs); err != nil {
			return nil, err
		}
	}
	// encapContentInfo
	var eci cryptobyte.String
	if !sd.ReadASN1(&eci, cbasn1.SEQUENCE) || !eci.ReadASN1ObjectIdentifier(&out.contentType) {
		return nil, malformed("encapContentInfo")
	}
	if !eci.Empty() {
		var ec, octets cryptobyte.String
		if !eci.ReadASN1(&ec, tagExplicit0) || !eci.Empty() || !ec.ReadASN1(&octets, cbasn1.OCTET_STRING) || !ec.Empty() {
			return nil, malformed("eContent is not [0] EXPLICIT OCTET STRING")
		}
		out.content, out.hasContent = []byte(octets), true
	}
	// certificates [0] IMPLICIT, crls [1] IMPLICIT: both optional.
	if sd.PeekASN1Tag(tagImplicit0) {
		var certs cryptobyte.String
		if !sd.ReadASN1(&certs, tagImplicit0) {
			return nil, malformed("certificates")
		}
		for !certs.Empty() {
			var raw cryptobyte.String
			var tag cbasn1.Tag
			if !certs.ReadAnyASN1Element(&raw, &tag) {
				return nil, malformed("certificates")
			}
			if tag != cbasn1.SEQUENCE {
				continue // attribute certificates and other choices: not ours
			}
			if len(out.certs) == maxCertificates {
				return nil, malformed("too many certificates")
			}
			c, err := x509.ParseCertificate(raw)
			if err != nil {
				return nil, failErr(ErrMalformed, err, "certificate")
			}
			out.certs = append(out.certs, c)
		}
	}
	if sd.PeekASN1Tag(tagImplicit1) {
		var skip cryptobyte.String
		if !sd.ReadASN1(&skip, tagImplicit1) {
			return nil, malformed("crls")
		}
	}
	var sis cryptobyte.String
	if !sd.ReadASN1(&sis, cbasn1.SET) || !sd.Empty() {
		return nil, malformed("signerInfos")
	}
	n := 0
	for !sis.Empty() {
		var si cryptobyte.String
		if !sis.ReadASN1(&si, cbasn1.SEQUENCE) {
			return nil, malformed("signerInfo")
		}
		n++
		if n == 1 {
			s, err := parseSignerInfo(si)
			if err != nil {
				return nil, err
			}
			out.signer = *s
		}
	}
	if n != 1 {
		return nil, fail(ErrSignerCount, "%d signers", n)
	}
	return out, nil
}

// readAlgorithm reads an AlgorithmIdentifier whose parameters are absent or
// NULL (all the algorithms accepted here have none).
func readAlgorithm(s *cryptobyte.String) (asn1.ObjectIdentifier, error) {
	var alg cryptobyte.String
	var oid asn1.ObjectIdentifier
	if !s.ReadASN1(&alg, cbasn1.SEQUENCE) || !alg.ReadASN1ObjectIdentifier(&oid) {
		return nil, malformed("AlgorithmIdentifier")
	}
	if !alg.Empty() {
		var null cryptobyte.String
		if !alg.ReadASN1(&null, cbasn1.NULL) || !null.Empty() || !alg.Empty() {
			// Parameters we do not understand (RSASSA-PSS, ...): not ours.
			return oid, fail(ErrAlgorithm, "algorithm %v with parameters", oid)
		}
	}
	return oid, nil
}

func parseSignerInfo(si cryptobyte.String) (*signerInfo, error) {
	s := &signerInfo{}
	var version int
	if !si.ReadASN1Integer(&version) || (version != 1 && version != 3) {
		return nil, malformed("signerInfo version")
	}
	switch {
	case si.PeekASN1Tag(cbasn1.SEQUENCE): // issuerAndSerialNumber
		var ias, issuer cryptobyte.String
		s.serial = new(big.Int)
		if !si.ReadASN1(&ias, cbasn1.SEQUENCE) || !ias.ReadASN1Element(&issuer, cbasn1.SEQUENCE) ||
			!ias.ReadASN1Integer(s.serial) || !ias.Empty() {
			return nil, malformed("issuerAndSerialNumber")
		}
		s.issuer = issuer
	case si.PeekASN1Tag(tagSKI):
		var ski cryptobyte.String
		if !si.ReadASN1(&ski, tagSKI) {
			return nil, malformed("subjectKeyIdentifier")
		}
		s.ski = ski
	default:
		return nil, malformed("signer identifier")
	}
	var err error
	if s.digestAlg, err = readAlgorithm(&si); err != nil {
		return nil, err
	}
	if !si.PeekASN1Tag(tagImplicit0) {
		return nil, malformed("no signed attributes")
	}
	var attrsElem cryptobyte.String
	if !si.ReadASN1Element(&attrsElem, tagImplicit0) {
		return nil, malformed("signed attributes")
	}
	// What was signed is the SET OF encoding: same bytes, tag 0x31.
	s.signedAttrs = append([]byte{0x31}, attrsElem[1:]...)
	if err := s.parseAttributes(attrsElem); err != nil {
		return nil, err
	}
	if s.sigAlg, err = readAlgorithm(&si); err != nil {
		return nil, err
	}
	var sig cryptobyte.String
	if !si.ReadASN1(&sig, cbasn1.OCTET_STRING) {
		return nil, malformed("signature")
	}
	s.signature = sig
	if si.PeekASN1Tag(tagImplicit1) {
		var skip cryptobyte.String
		if !si.ReadASN1(&skip, tagImplicit1) {
			return nil, malformed("unsigned attributes")
		}
	}
	if !si.Empty() {
		return nil, malformed("data after signerInfo")
	}
	return s, nil
}

// parseAttributes reads contentType, messageDigest and signingTime; each may
// appear once with one value (RFC 5652 11). Other attributes are ignored.
func (s *signerInfo) parseAttributes(elem cryptobyte.String) error {
	var attrs cryptobyte.String
	if !elem.ReadASN1(&attrs, tagImplicit0) {
		return malformed("signed attributes")
	}
	var seen [3]bool
	for n := 0; !attrs.Empty(); n++ {
		if n == maxAttributes {
			return malformed("too many signed attributes")
		}
		var attr, values, value cryptobyte.String
		var typ asn1.ObjectIdentifier
		if !attrs.ReadASN1(&attr, cbasn1.SEQUENCE) || !attr.ReadASN1ObjectIdentifier(&typ) ||
			!attr.ReadASN1(&values, cbasn1.SET) || !attr.Empty() {
			return malformed("signed attribute")
		}
		idx := -1
		switch {
		case typ.Equal(oidContentType):
			idx = 0
		case typ.Equal(oidMessageDigest):
			idx = 1
		case typ.Equal(oidSigningTime):
			idx = 2
		default:
			continue
		}
		if seen[idx] {
			return malformed("signed attribute given twice")
		}
		seen[idx] = true
		var tag cbasn1.Tag
		if !values.ReadAnyASN1Element(&value, &tag) || !values.Empty() {
			return malformed("signed attribute must have one value")
		}
		switch idx {
		case 0:
			if !value.ReadASN1ObjectIdentifier(&s.attrType) {
				return malformed("contentType attribute")
			}
		case 1:
			var d cryptobyte.String
			if !value.ReadASN1(&d, cbasn1.OCTET_STRING) {
				return malformed("messageDigest attribute")
			}
			s.digest = d
		case 2:
			var t time.Time
			var ok bool
			switch tag {
			case cbasn1.UTCTime:
				ok = value.ReadASN1UTCTime(&t)
			case cbasn1.GeneralizedTime:
				ok = value.ReadASN1GeneralizedTime(&t)
			}
			if !ok {
				return malformed("signingTime attribute")
			}
			s.signingTime, s.hasSignTime = t, true
		}
	}
	if !seen[0] || !seen[1] {
		return malformed("signed attributes lack contentType or messageDigest")
	}
	return nil
}

// signerCert finds the signer's certificate among those carried.
func (sd *signedData) signerCert() *x509.Certificate {
	for _, c := range sd.certs {
		if sd.signer.serial != nil {
			if bytes.Equal(c.RawIssuer, sd.signer.issuer) && c.SerialNumber.Cmp(sd.signer.serial) == 0 {
				return c
			}
		} else if len(c.SubjectKeyId) > 0 && bytes.Equal(c.SubjectKeyId, sd.signer.ski) {
			return c
		}
	}
	return nil
}
