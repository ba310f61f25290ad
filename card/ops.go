package card

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
)

// kind selects the JPKI applet and reads the token label of EF 0006. Only
// the 32-byte label is read: that is all the decision needs.
func (t *tx) kind(ctx context.Context) (Kind, string, error) {
	if err := t.selectDF(ctx, AIDJPKI); err != nil {
		if errors.Is(err, ErrNotFound) {
			return KindNoJPKI, "", nil
		}
		return KindUnknown, "", err
	}
	if err := t.selectEF(ctx, FIDJPKITokenInfo); err != nil {
		if errors.Is(err, ErrNotFound) {
			return KindUnknown, "", nil
		}
		return KindUnknown, "", err
	}
	info, err := t.readBinary(ctx, 0, TokenLabelLen)
	if err != nil {
		return KindUnknown, "", err
	}
	k, label := KindFromTokenInfo(info)
	return k, label, nil
}

// Kind tells what card is in the reader.
func (c *Card) Kind(ctx context.Context) (Kind, error) {
	var k Kind
	err := c.do(ctx, "identify card", func(t *tx) error {
		var err error
		k, _, err = t.kind(ctx)
		return err
	})
	return k, err
}

// requireSupported refuses a Juki card or an unknown token with 13600.
func requireSupported(k Kind, label string) error {
	if k.Supported() {
		return nil
	}
	return &UnsupportedCardError{Kind: k, Label: label}
}

// ReadAttributes reads the 4 basic attributes from the input-helper applet
// (EF 0002) after the 4-digit 券面事項入力補助用 PIN. The individual number
// (EF 0001) is never touched.
func (c *Card) ReadAttributes(ctx context.Context, prompt PINPrompt) (Attributes, error) {
	var a Attributes
	err := c.withPIN(ctx, "read attributes", PINHelper, prompt, func(t *tx) error {
		if err := t.selectEF(ctx, FIDHelperAttributes); err != nil {
			return err
		}
		file, err := t.readTLVFile(ctx)
		if err != nil {
			return err
		}
		a, err = ParseAttributes(file)
		return err
	})
	return a, err
}

// CertID names a certificate file of the JPKI applet.
type CertID int

// JPKI certificates.
const (
	CertAuth   CertID = iota // 利用者証明用電子証明書 (free; auth PIN on smartphone tokens)
	CertSign                 // 署名用電子証明書 (signing password)
	CertAuthCA               // the auth CA
	CertSignCA               // the signing CA
)

var certTable = map[CertID]struct {
	key string
	fid FID
}{
	CertAuth: {"auth", FIDJPKIAuthCert}, CertSign: {"sign", FIDJPKISignCert},
	CertAuthCA: {"auth-ca", FIDJPKIAuthCA}, CertSignCA: {"sign-ca", FIDJPKISignCA},
}

func (id CertID) String() string { return certTable[id].key }

// ParseCertID maps "auth", "sign", "auth-ca", "sign-ca" to a CertID.
func ParseCertID(s string) (CertID, bool) {
	for id, v := range certTable {
		if v.key == s {
			return id, true
		}
	}
	return 0, false
}

// readCert reads and parses a certificate file in the selected JPKI applet.
func (t *tx) readCert(ctx context.Context, fid FID) (*x509.Certificate, error) {
	if err := t.selectEF(ctx, fid); err != nil {
		return nil, err
	}
	der, err := t.readTLVFile(ctx)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("%w: certificate in EF %04X: %w", ErrMalformed, uint16(fid), err)
	}
	return cert, nil
}

// Certificate reads one JPKI certificate. The signing certificate needs the
// signing password; the auth certificate needs the auth PIN only on tokens
// that protect it (smartphone JPKI), and only then is prompt called.
func (c *Card) Certificate(ctx context.Context, id CertID, prompt PINPrompt) (*x509.Certificate, error) {
	fid := certTable[id].fid
	op := "read " + id.String() + " certificate"
	if id == CertSign {
		var cert *x509.Certificate
		err := c.withPIN(ctx, op, PINSign, prompt, func(t *tx) (err error) {
			cert, err = t.readCert(ctx, fid)
			return err
		})
		return cert, err
	}
	var cert *x509.Certificate
	err := c.do(ctx, op, func(t *tx) error {
		if err := t.selectApplet(ctx, AIDJPKI); err != nil {
			return err
		}
		var err error
		cert, err = t.readCert(ctx, fid)
		return err
	})
	if id == CertAuth && errors.Is(err, ErrSecurityStatus) && prompt != nil {
		err = c.withPIN(ctx, op, PINAuth, prompt, func(t *tx) (err error) {
			cert, err = t.readCert(ctx, fid)
			return err
		})
	}
	return cert, err
}
