// Package verify is the booking service's check of a signed payload: a CMS
// SignedData made on a My Number Card with the JPKI signing key
// (docs/certificates.md). It checks the one signer's signature
// over the signed attributes and the content, the chain to a trusted J-LIS
// root (chosen by signature, every generation has the same name) at the
// verifier's own clock, key usage, certificate policy, revocation (CRL
// index or OCSP; "could not check" is a failure) and, if the service holds
// them, that the four attributes in the certificate match the ones entered
// or read at step 1.
//
// Every outcome has a code from the assets catalogue: valid; 21 expired;
// 23 revoked (with the RFC 5280 reason); S01 attribute mismatch; 30–40 the
// other failures (see errors.go). It imports no card or cgo code, so the
// service builds anywhere.
//
// Speed: `go run ./verify/cmd/verifybench` prints verifications/s with a
// million-entry CRL loaded next to `openssl cms -verify`, and the CRL's load
// time and peak memory; `go test -bench . ./verify` has the same as Go
// benchmarks.
package verify

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"log/slog"
	"time"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/jpki"
)

// Input limits. A payload is a few hundred bytes of content plus a ~1.5 KB
// certificate; anything near these sizes is not a JPKI signature.
const (
	// MaxInputSize bounds the signed payload (DER, or PEM of it).
	MaxInputSize = 1 << 20
	// MaxContentSize bounds detached content given in Options.Content.
	MaxContentSize = 1 << 20
)

// Options configure one verification.
type Options struct {
	// Roots are the trust anchors; their Mode decides the certificate
	// policy required (production or test). Required.
	Roots *Roots
	// Revocation is asked in order until one answers; none configured, or
	// none answering, fails with Code 30. Typical: an *OCSPChecker, then a
	// *CRLIndex as fallback.
	Revocation []RevocationChecker
	// Now is the verifier's clock; zero means time.Now(). The signingTime
	// written by the signer is reported, never used for validity.
	Now time.Time
	// Content is the content of a detached signature. If the payload
	// carries content too, both must be equal.
	Content []byte
	// Held are the attributes the service holds for this session (entered or
	// read at step 1), in input-helper forms (Birth YYYYMMDD, Sex ISO 5218;
	// certificate forms also accepted). Nil skips the comparison (the
	// one-PIN variant, where the service takes the attributes from the
	// certificate).
	Held *jpki.Attributes
	// Logger gets one line per verification with the outcome and code (no
	// personal data); nil logs nothing.
	Logger *slog.Logger
}

// Result describes a verification. On failure the fields known by the time
// it failed are filled: a revoked certificate's Result still has the
// certificate and its revocation reason.
type Result struct {
	Outcome Outcome
	Code    assets.Code // "" when valid
	// Content is the signed content (attached, or Options.Content).
	Content []byte
	// Cert is the signer's certificate, Root the trust anchor that issued
	// it.
	Cert, Root *x509.Certificate
	// Attributes are the certificate's four attributes (certificate forms).
	Attributes jpki.Attributes
	// SigningTime is what the signer claims (zero if absent); informative.
	SigningTime time.Time
	// Revocation is the revocation answer, when one was obtained.
	Revocation *Status
	// Differ lists the attributes that differ from Options.Held.
	Differ []jpki.Field
}

// Verify checks a signed payload. It returns a nil error only when every
// check passed; otherwise the error is an *Error (errors.Is with the
// sentinels, Code() for the catalogue) and the Result carries the same
// Outcome and Code plus whatever was learnt. It never panics on any input.
func Verify(ctx context.Context, signed []byte, opts Options) (res Result, err error) {
	defer func() {
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				e = failErr(ErrMalformed, err, "")
				err = e
			}
			res.Outcome, res.Code = e.Outcome(), e.Code()
		} else {
			res.Outcome, res.Code = Valid, ""
		}
		if opts.Logger != nil {
			opts.Logger.LogAttrs(ctx, slog.LevelInfo, "signature check", slog.String("outcome", string(res.Outcome)),
				slog.String("code", string(res.Code)), slog.Any("error", err))
		}
	}()
	if opts.Roots == nil {
		return res, errors.New("verify: no trust roots configured")
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	if len(signed) == 0 {
		return res, malformed("empty input")
	}
	if len(signed) > MaxInputSize || len(opts.Content) > MaxContentSize {
		return res, fail(ErrTooLarge, "input %d bytes, content %d bytes; at most %d each", len(signed), len(opts.Content), MaxInputSize)
	}
	if trimmed := bytes.TrimLeft(signed, " \t\r\n"); bytes.HasPrefix(trimmed, []byte("-----BEGIN")) {
		blk, _ := pem.Decode(trimmed)
		if blk == nil || (blk.Type != "PKCS7" && blk.Type != "CMS") {
			return res, malformed("PEM without a PKCS7 or CMS block")
		}
		signed = blk.Bytes
	}

	sd, err := parseSignedData(signed)
	if err != nil {
		return res, err
	}
	si := &sd.signer
	if !si.digestAlg.Equal(oidSHA256) {
		return res, fail(ErrAlgorithm, "digest algorithm %v, want SHA-256", si.digestAlg)
	}
	if !si.sigAlg.Equal(oidRSA) && !si.sigAlg.Equal(oidSHA256WithRSA) {
		return res, fail(ErrAlgorithm, "signature algorithm %v, want RSA PKCS#1 v1.5", si.sigAlg)
	}
	if !si.attrType.Equal(sd.contentType) {
		return res, fail(ErrBadSignature, "contentType attribute differs from the content's type")
	}
	if !sd.contentType.Equal(oidData) {
		return res, malformed("content type is not id-data")
	}
	switch {
	case sd.hasContent && opts.Content != nil && !bytes.Equal(sd.content, opts.Content):
		return res, fail(ErrBadSignature, "attached content differs from the content given")
	case sd.hasContent:
		res.Content = sd.content
	case opts.Content != nil:
		res.Content = opts.Content
	default:
		return res, malformed("detached signature and no content given")
	}
	res.SigningTime = si.signingTime

	cert := sd.signerCert()
	if cert == nil {
		return res, malformed("the signer's certificate is not included")
	}
	res.Cert = cert

	// Signature: the messageDigest attribute binds the content, the RSA
	// signature binds the attributes.
	d := sha256.Sum256(res.Content)
	if subtle.ConstantTimeCompare(d[:], si.digest) != 1 {
		return res, fail(ErrBadSignature, "content does not match the messageDigest attribute")
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return res, fail(ErrAlgorithm, "certificate key is not RSA")
	}
	if pub.N.BitLen() < 2048 {
		return res, fail(ErrAlgorithm, "RSA key of %d bits", pub.N.BitLen())
	}
	ad := sha256.Sum256(si.signedAttrs)
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, ad[:], si.signature); err != nil {
		return res, failErr(ErrBadSignature, err, "signature over the signed attributes")
	}

	// Chain: a trusted root with the issuer's name whose key verifies the
	// certificate, both valid at the verifier's clock.
	rt := opts.Roots.issuerOf(cert)
	if rt == nil {
		return res, fail(ErrUnknownCA, "issuer %s is not a trust root", cert.Issuer)
	}
	res.Root = rt.cert
	if now.Before(rt.cert.NotBefore) || now.After(rt.cert.NotAfter) {
		return res, fail(ErrUnknownCA, "trust root %s not valid now", rt.cert.Subject)
	}
	if len(cert.UnhandledCriticalExtensions) > 0 {
		return res, fail(ErrPolicy, "unhandled critical extension %v", cert.UnhandledCriticalExtensions[0])
	}
	want := jpki.OIDPolicySignProduction
	if opts.Roots.Mode() == Test {
		want = jpki.OIDPolicySignTest
	}
	if !hasPolicy(cert, want) {
		return res, fail(ErrPolicy, "certificate lacks the %s policy %v", opts.Roots.Mode(), want)
	}
	const needKU = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
	if cert.KeyUsage&needKU != needKU {
		return res, fail(ErrKeyUsage, "key usage %#x lacks digitalSignature and nonRepudiation", cert.KeyUsage)
	}
	attrs, err := jpki.DecodeSAN(cert)
	if err != nil {
		return res, failErr(ErrNotSigningCert, err, "")
	}
	res.Attributes = attrs
	if now.Before(cert.NotBefore) {
		return res, fail(ErrNotYetValid, "valid from %s", cert.NotBefore.Format(time.RFC3339))
	}
	if now.After(cert.NotAfter) {
		return res, fail(ErrExpired, "expired %s", cert.NotAfter.Format(time.RFC3339))
	}

	st, err := checkRevocation(ctx, opts.Revocation, cert, rt.cert, now)
	if err != nil {
		return res, err
	}
	res.Revocation = &st
	if st.Revoked {
		return res, fail(ErrRevoked, "reason %d (%s), %s, by %s", st.Reason, ReasonName(st.Reason), st.RevokedAt.Format(time.RFC3339), st.Source)
	}

	if opts.Held != nil {
		if res.Differ = jpki.Diff(attrs, *opts.Held); res.Differ != nil {
			return res, fail(ErrMismatch, "fields %v", res.Differ)
		}
	}
	return res, nil
}

func checkRevocation(ctx context.Context, checkers []RevocationChecker, cert, issuer *x509.Certificate, now time.Time) (Status, error) {
	if len(checkers) == 0 {
		return Status{}, fail(ErrRevocationUnknown, "no CRL or OCSP configured")
	}
	var errs []error
	for _, c := range checkers {
		if c == nil {
			continue
		}
		st, err := c.CheckRevocation(ctx, cert, issuer, now)
		if err == nil {
			return st, nil
		}
		errs = append(errs, err)
	}
	return Status{}, failErr(ErrRevocationUnknown, errors.Join(errs...), "")
}

func hasPolicy(cert *x509.Certificate, want []int) bool {
	for _, p := range cert.Policies {
		if p.EqualASN1OID(want) {
			return true
		}
	}
	return false
}

func fingerprint(c *x509.Certificate) [32]byte { return sha256.Sum256(c.Raw) }

// ReasonName names an RFC 5280 CRLReason for logs.
func ReasonName(r int) string {
	switch r {
	case -1:
		return "none given"
	case 0:
		return "unspecified"
	case 1:
		return "keyCompromise"
	case 2:
		return "cACompromise"
	case 3:
		return "affiliationChanged"
	case 4:
		return "superseded"
	case 5:
		return "cessationOfOperation"
	case 6:
		return "certificateHold"
	case 8:
		return "removeFromCRL"
	case 9:
		return "privilegeWithdrawn"
	case 10:
		return "aACompromise"
	}
	return "unknown"
}
