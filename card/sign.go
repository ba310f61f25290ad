package card

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"io"

	"github.com/mynadesk/mynadesk/jpki"
)

// KeyID names a private key on the card.
type KeyID int

// The two JPKI keys.
const (
	KeyAuth KeyID = iota // 利用者証明用 key, auth PIN
	KeySign              // 署名用 key, signing password
)

var keyTable = map[KeyID]struct {
	key     string
	pin     PIN
	keyFile FID
	cert    CertID
}{
	KeyAuth: {"auth", PINAuth, FIDJPKIAuthKey, CertAuth},
	KeySign: {"sign", PINSign, FIDJPKISignKey, CertSign},
}

func (k KeyID) String() string { return keyTable[k].key }

// PIN is the PIN that unlocks the key.
func (k KeyID) PIN() PIN { return keyTable[k].pin }

// ErrUnsupportedHash is returned for a digest the card's DigestInfo table
// does not cover, or for options other than PKCS#1 v1.5.
var ErrUnsupportedHash = errors.New("card: unsupported hash or padding")

// digestInfoPrefix is the DER of DigestInfo up to the digest (RFC 8017 §9.2 note 1).
var digestInfoPrefix = map[crypto.Hash][]byte{
	crypto.SHA256: {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20},
	crypto.SHA384: {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30},
	crypto.SHA512: {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40},
}

// DigestInfo builds the DER DigestInfo the card signs. SHA-256 is the default
// (hash 0); SHA-384 and SHA-512 are accepted.
func DigestInfo(h crypto.Hash, digest []byte) ([]byte, error) {
	if h == 0 {
		h = crypto.SHA256
	}
	prefix, ok := digestInfoPrefix[h]
	if !ok {
		return nil, fmt.Errorf("%w: %v", ErrUnsupportedHash, h)
	}
	if len(digest) != h.Size() {
		return nil, fmt.Errorf("%w: %d-byte digest for %v", ErrUnsupportedHash, len(digest), h)
	}
	return append(append([]byte{}, prefix...), digest...), nil
}

// computeSignature sends COMPUTE DIGITAL SIGNATURE for the key EF already
// selected (spec: "Signing"). size is the signature's length in bytes, from
// the key's certificate, or 0 when not known: Le then asks for up to 256 and
// a longer signature comes back through GET RESPONSE (61 xx).
func (t *tx) computeSignature(ctx context.Context, h crypto.Hash, digest []byte, size int) ([]byte, error) {
	di, err := DigestInfo(h, digest)
	if err != nil {
		return nil, err
	}
	le := MaxShortLe
	if size > MaxShortLe && t.c.extended != ExtendedNever && t.c.mem.get().extended == yes && size <= t.c.maxLe() {
		le = size
	}
	r, err := t.send(ctx, Command{CLA: CLAProprietary, INS: INSComputeSig, P1: P1ComputeSig, P2: P2ComputeSig, Data: di, Le: le})
	if err != nil {
		return nil, err
	}
	if err := check("compute signature", r); err != nil {
		return nil, err
	}
	if size > 0 && len(r.Data) != size {
		return nil, fmt.Errorf("%w: %d-byte signature from a %d-byte key", ErrMalformed, len(r.Data), size)
	}
	return r.Data, nil
}

// hashOf accepts PKCS#1 v1.5 options only: the card pads that way.
func hashOf(opts crypto.SignerOpts) (crypto.Hash, error) {
	if _, pss := opts.(*rsa.PSSOptions); pss {
		return 0, fmt.Errorf("%w: the card signs PKCS#1 v1.5 only", ErrUnsupportedHash)
	}
	if opts == nil {
		return crypto.SHA256, nil
	}
	return opts.HashFunc(), nil
}

// SignDigest signs a digest with a card key: one PIN entry, one signature.
// Before the signing password is asked for, the card is checked to have a
// signing certificate (ErrNoSigningCert).
func (c *Card) SignDigest(ctx context.Context, key KeyID, prompt PINPrompt, h crypto.Hash, digest []byte) ([]byte, error) {
	if _, err := DigestInfo(h, digest); err != nil { // refuse before asking for a PIN
		return nil, err
	}
	var sig []byte
	err := c.withPIN(ctx, c.keyOp(ctx, key, func(t *tx, p *Profile) error {
		if err := t.selectEF(ctx, p.Keys[key].File); err != nil {
			return err
		}
		var err error
		sig, err = t.computeSignature(ctx, h, digest, 0)
		return err
	}), prompt)
	return sig, err
}

// keyOp is the pinOp of an operation with a card key.
func (c *Card) keyOp(ctx context.Context, key KeyID, run func(t *tx, p *Profile) error) pinOp {
	o := pinOp{
		op:     "sign with " + key.String() + " key",
		applet: func(p *Profile) []byte { return p.JPKI },
		pin:    func(p *Profile) PIN { return p.Keys[key].PIN },
		run:    run,
	}
	if key == KeySign {
		o.before = func(t *tx, p *Profile) error { return t.requireSignCert(ctx, p) }
	}
	return o
}

// Signer returns a crypto.Signer for a card key. Each Sign asks for the PIN
// once through prompt and signs once; pub is the key's public key, taken from
// its certificate. ctx bounds every Sign call, since crypto.Signer has no
// context of its own.
func (c *Card) Signer(ctx context.Context, key KeyID, pub crypto.PublicKey, prompt PINPrompt) crypto.Signer {
	return &cardSigner{pub: pub, sign: func(h crypto.Hash, digest []byte) ([]byte, error) {
		return c.SignDigest(ctx, key, prompt, h, digest)
	}}
}

// WithKey verifies the key's PIN once, reads the key's certificate and hands
// fn a signer that signs inside the same transaction. This is how a CMS
// signature is made with a single PIN entry: the certificate goes into the
// CMS and the signature is computed without asking again. The signer takes
// its algorithm and size from the certificate's public key, among those the
// card's profile lists (jpki.Algorithm); a key of another kind or size is
// refused before anything is signed.
func (c *Card) WithKey(ctx context.Context, key KeyID, prompt PINPrompt, fn func(cert *x509.Certificate, s crypto.Signer) error) error {
	return c.withPIN(ctx, c.keyOp(ctx, key, func(t *tx, p *Profile) error {
		cert, err := t.readCert(ctx, p.Certs[p.Keys[key].Cert])
		if err != nil {
			return err
		}
		alg, err := jpki.AlgorithmFor(cert.PublicKey, p.Algorithms)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrUnsupportedHash, err)
		}
		if err := t.selectEF(ctx, p.Keys[key].File); err != nil {
			return err
		}
		return fn(cert, &cardSigner{pub: cert.PublicKey, sign: func(h crypto.Hash, digest []byte) ([]byte, error) {
			return t.computeSignature(ctx, h, digest, alg.RSABits/8)
		}})
	}), prompt)
}

// cardSigner adapts a signing function to crypto.Signer.
type cardSigner struct {
	pub  crypto.PublicKey
	sign func(h crypto.Hash, digest []byte) ([]byte, error)
}

func (s *cardSigner) Public() crypto.PublicKey { return s.pub }

func (s *cardSigner) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	h, err := hashOf(opts)
	if err != nil {
		return nil, err
	}
	return s.sign(h, digest)
}
