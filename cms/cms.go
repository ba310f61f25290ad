// Package cms makes the CMS SignedData (RFC 5652) a resident's card signs
// for the booking service: SHA-256, signed attributes (contentType,
// messageDigest, signingTime), the signer certificate included, the content
// attached unless asked otherwise (docs/certificates.md, "What
// a signature check says").
//
// The private key never leaves the card: Sign takes a crypto.Signer whose
// Sign sends the digest to the card. It uses github.com/smallstep/pkcs7, the
// fork that accepts any crypto.Signer (DESIGN.md).
package cms

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"io"

	"github.com/smallstep/pkcs7"
)

// MaxContentSize is the largest content Sign accepts: 16 KiB under
// verify.MaxInputSize (1 MiB), room for the certificate and the signer
// information around attached content, so everything Sign makes can be
// verified.
const MaxContentSize = 1<<20 - 16<<10

// Options change how Sign builds the SignedData.
type Options struct {
	// Detached leaves the content out (the verifier is given it separately).
	Detached bool
}

// Sentinels for errors.Is.
var (
	// ErrKeyMismatch: the signer's public key is not the certificate's, so
	// the signature could never verify (wrong card, or wrong certificate).
	ErrKeyMismatch = errors.New("cms: the signer's key does not belong to the certificate")
	// ErrNotRSA: JPKI signing keys are RSA-2048; anything else is not a
	// JPKI signing certificate.
	ErrNotRSA = errors.New("cms: the certificate's key is not RSA")
	// ErrBadCardSignature: what the signer returned does not verify under
	// the certificate's key (a card or driver fault). Nothing is sent.
	ErrBadCardSignature = errors.New("cms: the signature from the card does not verify")
	// ErrTooLarge: content over MaxContentSize.
	ErrTooLarge = errors.New("cms: content too large")
)

// ContextSigner is a crypto.Signer that can be cancelled. When the signer
// given to Sign implements it, Sign calls SignContext with its context, so
// a card driver can give up waiting on the card.
type ContextSigner interface {
	crypto.Signer
	SignContext(ctx context.Context, rand io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error)
}

// Sign makes a CMS SignedData over content with cert's key held by signer.
// The signer is called once with a SHA-256 digest of the DER signed
// attributes and crypto.SHA256 as opts; a card signer applies PKCS#1 v1.5
// padding over the DigestInfo. The result is DER.
//
// Sign checks that signer belongs to cert before asking the card, and checks
// the card's signature before returning, so a faulty card or a wrong
// certificate is reported here rather than by the service.
func Sign(ctx context.Context, content []byte, cert *x509.Certificate, signer crypto.Signer, opts Options) ([]byte, error) {
	if cert == nil || signer == nil {
		return nil, errors.New("cms: certificate and signer are required")
	}
	if len(content) > MaxContentSize {
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, len(content), MaxContentSize)
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return nil, ErrNotRSA
	}
	if !pub.Equal(signer.Public()) {
		return nil, ErrKeyMismatch
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sd, err := pkcs7.NewSignedData(content)
	if err != nil {
		return nil, fmt.Errorf("cms: %w", err)
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	cs := &checkedSigner{ctx: ctx, inner: signer, pub: pub}
	if err := sd.AddSigner(cert, cs, pkcs7.SignerInfoConfig{}); err != nil {
		// The signer's own error (PIN, card removed, ...) is kept for
		// errors.As/Is by the caller.
		if cs.err != nil {
			return nil, cs.err
		}
		return nil, fmt.Errorf("cms: %w", err)
	}
	if opts.Detached {
		sd.Detach()
	}
	out, err := sd.Finish()
	if err != nil {
		return nil, fmt.Errorf("cms: %w", err)
	}
	return out, nil
}

// checkedSigner passes the context to the card signer and checks what comes
// back, keeping the card's error as is.
type checkedSigner struct {
	ctx   context.Context
	inner crypto.Signer
	pub   *rsa.PublicKey
	err   error
}

func (s *checkedSigner) Public() crypto.PublicKey { return s.inner.Public() }

func (s *checkedSigner) Sign(rand io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if opts.HashFunc() != crypto.SHA256 || len(digest) != sha256.Size {
		s.err = fmt.Errorf("cms: internal: asked to sign with %v", opts.HashFunc())
		return nil, s.err
	}
	var sig []byte
	var err error
	if cs, ok := s.inner.(ContextSigner); ok {
		sig, err = cs.SignContext(s.ctx, rand, digest, opts)
	} else {
		if err = s.ctx.Err(); err == nil {
			sig, err = s.inner.Sign(rand, digest, opts)
		}
	}
	if err != nil {
		s.err = err
		return nil, err
	}
	if rsa.VerifyPKCS1v15(s.pub, crypto.SHA256, digest, sig) != nil {
		s.err = ErrBadCardSignature
		return nil, s.err
	}
	return sig, nil
}
