// Package testpki gives tests real JPKI-shaped signatures: one
// test signing CA, card keys for two fictional residents, and certificates
// valid, expired or revoked, with a verifier over package verify that
// trusts the test CA. Key generation is slow, so everything is made once
// per test binary.
package testpki

import (
	"context"
	"crypto/x509"
	"sync"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/booking/verifier"
	"github.com/mynadesk/mynadesk/cms"
	"github.com/mynadesk/mynadesk/jpki/jpkitest"
	"github.com/mynadesk/mynadesk/verify"
)

// The fictional residents, as the card's input-helper applet gives them.
var (
	Hanako = jpkitest.Holder{Name: "公的　花子", Address: "東京都千代田区霞が関２－１－２", Birth: "20000101", Sex: "2"}
	Taro   = jpkitest.Holder{Name: "公的　太郎", Address: "北海道札幌市中央区北１条西２－１", Birth: "19800405", Sex: "1"}
)

// Attributes converts a holder to the wire form of step 1.
func Attributes(h jpkitest.Holder) booking.Attributes {
	return booking.Attributes{Name: h.Name, Address: h.Address, Birth: h.Birth, Sex: h.Sex}
}

// Set holds the test cards.
type Set struct {
	// Valid, Expired and Revoked are Hanako's card in three states; Other is
	// Taro's valid card.
	Valid, Expired, Revoked, Other *jpkitest.PKI
	Roots                          *verify.Roots
	CRL                            *verify.CRLIndex
}

var (
	once sync.Once
	set  *Set
	err  error
)

// Get returns the shared set, making it on first use.
func Get(t testing.TB) *Set {
	t.Helper()
	s, err := Shared()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Shared returns the shared set outside a test (benchmark commands,
// screenshot programs).
func Shared() (*Set, error) {
	once.Do(func() { set, err = build() })
	return set, err
}

func build() (*Set, error) {
	now := time.Now()
	base, err := jpkitest.NewPKI(jpkitest.PKIOptions{Holder: Hanako, Now: now})
	if err != nil {
		return nil, err
	}
	s := &Set{Valid: base}
	reuse := func(o jpkitest.PKIOptions) jpkitest.PKIOptions {
		o.Now, o.SignCA, o.AuthCA = now, base.SignCA, base.AuthCA
		if o.Holder == Hanako {
			o.SignKey, o.AuthKey = base.SignKey, base.AuthKey
		}
		return o
	}
	if s.Expired, err = jpkitest.NewPKI(reuse(jpkitest.PKIOptions{Holder: Hanako, SignExpired: true})); err != nil {
		return nil, err
	}
	if s.Revoked, err = jpkitest.NewPKI(reuse(jpkitest.PKIOptions{Holder: Hanako, SignRevoked: true, RevokeReason: 3})); err != nil {
		return nil, err
	}
	if s.Other, err = jpkitest.NewPKI(reuse(jpkitest.PKIOptions{Holder: Taro})); err != nil {
		return nil, err
	}
	if s.Roots, err = verify.NewRoots(verify.Test, base.SignCA.Cert); err != nil {
		return nil, err
	}
	// The revoked card's CRL lists its serial; it is the CA's newest.
	s.CRL = verify.NewCRLIndex(s.Roots)
	if _, err = s.CRL.Add(s.Revoked.CRL); err != nil {
		return nil, err
	}
	return s, nil
}

// Verifier returns a booking.Verifier over verify trusting the test CA with
// the CRL.
func (s *Set) Verifier() booking.Verifier {
	return &verifier.Verifier{Roots: s.Roots, Revocation: []verify.RevocationChecker{s.CRL}}
}

// Sign signs content with card p as mynadesk does (attached content).
func Sign(t testing.TB, p *jpkitest.PKI, content []byte) []byte {
	t.Helper()
	return SignWith(t, p.SignCert, p, content, cms.Options{})
}

// SignWith signs with p's key and the given certificate and options.
func SignWith(t testing.TB, cert *x509.Certificate, p *jpkitest.PKI, content []byte, o cms.Options) []byte {
	t.Helper()
	b, err := cms.Sign(context.Background(), content, cert, p.SignKey, o)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
