package card

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
)

// kind selects the JPKI applet and reads the token label of its token-info
// EF. Only the 32-byte label is read: that is all the decision needs. The
// profiles are tried in order; the answer is remembered for the insertion.
func (t *tx) kind(ctx context.Context) (Kind, string, error) {
	for _, p := range t.c.candidates() {
		err := t.selectDF(ctx, p.JPKI)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return KindUnknown, "", err
		}
		k, label := KindUnknown, ""
		switch err := t.selectEF(ctx, p.TokenInfo); {
		case errors.Is(err, ErrNotFound):
		case err != nil:
			return KindUnknown, "", err
		default:
			info, err := t.readBinary(ctx, 0, TokenLabelLen)
			if err != nil {
				return KindUnknown, "", err
			}
			k, label = KindFromTokenInfo(info)
		}
		t.c.mem.learn(func(i *insertionInfo) {
			i.kindKnown, i.kind, i.label = true, k, label
			if k.Supported() && i.profile == nil {
				i.profile = p
			}
		})
		return k, label, nil
	}
	t.c.mem.learn(func(i *insertionInfo) { i.kindKnown, i.kind, i.label = true, KindNoJPKI, "" })
	return KindNoJPKI, "", nil
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

// selectFor selects the applet which names in the card's profile. While the
// profile is not known, the registered profiles are tried in order and the
// first whose applet answers is remembered for the insertion: on a current
// card that is the first SELECT, so knowing nothing costs nothing. An
// applet no profile has is reported as what the card is (13600, a Juki card
// its own 13601), which costs the identification only on that failure.
func (t *tx) selectFor(ctx context.Context, which func(*Profile) []byte) (*Profile, error) {
	var notFound error
	for _, p := range t.c.candidates() {
		aid := which(p)
		if aid == nil {
			continue
		}
		err := t.selectDF(ctx, aid)
		if err == nil {
			if t.c.knownProfile() == nil {
				t.c.mem.learn(func(i *insertionInfo) { i.profile = p })
			}
			return p, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		notFound = err
	}
	if notFound == nil {
		notFound = fmt.Errorf("%w: no applet for this operation", ErrNotFound)
	}
	return nil, t.unsupported(ctx, notFound)
}

// unsupported identifies the card after an applet or file was not found and
// says what card it is.
func (t *tx) unsupported(ctx context.Context, cause error) error {
	kind, label, err := t.kind(ctx)
	if err != nil {
		return cause
	}
	return &UnsupportedCardError{Kind: kind, Label: label}
}

// ReadAttributes reads the 4 basic attributes after the PIN the profile
// says opens them (on the current card the 4-digit 券面事項入力補助用 PIN of
// the input-helper applet, EF 0002). The individual number (EF 0001) is
// never touched.
func (c *Card) ReadAttributes(ctx context.Context, prompt PINPrompt) (Attributes, error) {
	var a Attributes
	err := c.withPIN(ctx, pinOp{
		op:     "read attributes",
		applet: func(p *Profile) []byte { return p.Attributes.Applet },
		pin:    func(p *Profile) PIN { return p.Attributes.PIN },
		run: func(t *tx, p *Profile) error {
			if err := t.selectEF(ctx, p.Attributes.File); err != nil {
				return err
			}
			file, err := t.readTLVFile(ctx)
			if err != nil {
				return err
			}
			a, err = ParseAttributes(file)
			return err
		},
	}, prompt)
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
		if errors.Is(err, ErrMalformed) && t.verified && fid == t.c.Profile().Certs[CertSign] {
			// An EF that is there but holds no certificate: a card without
			// a signing certificate whose EF exists (unconfirmed layout).
			return nil, fmt.Errorf("%w (EF %04X holds no certificate): %w", ErrNoSigningCert, uint16(fid), err)
		}
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("%w: certificate in EF %04X: %w", ErrMalformed, uint16(fid), err)
	}
	return cert, nil
}

// requireSignCert checks, before the signing password is asked for, that
// the card has a signing certificate: children under 15 have none. Selecting
// its EF is one APDU and needs no PIN; the answer is remembered for the
// insertion. A missing EF is first checked against the kind of card, so a
// Juki card is told apart from a child's card.
func (t *tx) requireSignCert(ctx context.Context, p *Profile) error {
	if t.c.mem.get().signCert == no {
		return ErrNoSigningCert
	}
	err := t.selectEF(ctx, p.Certs[CertSign])
	if err == nil {
		t.c.mem.learn(func(i *insertionInfo) { i.signCert = yes })
		return nil
	}
	if !errors.Is(err, ErrNotFound) {
		return err
	}
	kind, label, kerr := t.kind(ctx)
	if kerr != nil {
		return err
	}
	if !kind.Supported() {
		return &UnsupportedCardError{Kind: kind, Label: label}
	}
	t.c.mem.learn(func(i *insertionInfo) { i.signCert = no })
	return ErrNoSigningCert
}

// Certificate reads one JPKI certificate. The signing certificate needs the
// signing password; the auth certificate needs the auth PIN only on tokens
// that protect it (smartphone JPKI), and only then is prompt called.
func (c *Card) Certificate(ctx context.Context, id CertID, prompt PINPrompt) (*x509.Certificate, error) {
	op := "read " + id.String() + " certificate"
	jpkiApplet := func(p *Profile) []byte { return p.JPKI }
	var cert *x509.Certificate
	if id == CertSign {
		err := c.withPIN(ctx, pinOp{
			op:     op,
			applet: jpkiApplet,
			pin:    func(p *Profile) PIN { return p.Keys[KeySign].PIN },
			before: func(t *tx, p *Profile) error { return t.requireSignCert(ctx, p) },
			run: func(t *tx, p *Profile) (err error) {
				cert, err = t.readCert(ctx, p.Certs[CertSign])
				return err
			},
		}, prompt)
		return cert, err
	}
	err := c.do(ctx, op, func(t *tx) error {
		p, err := t.selectFor(ctx, jpkiApplet)
		if err != nil {
			return err
		}
		cert, err = t.readCert(ctx, p.Certs[id])
		return err
	})
	if id == CertAuth && errors.Is(err, ErrSecurityStatus) && prompt != nil {
		err = c.withPIN(ctx, pinOp{
			op:     op,
			applet: jpkiApplet,
			pin:    func(p *Profile) PIN { return p.Keys[KeyAuth].PIN },
			run: func(t *tx, p *Profile) (err error) {
				cert, err = t.readCert(ctx, p.Certs[CertAuth])
				return err
			},
		}, prompt)
	}
	return cert, err
}
