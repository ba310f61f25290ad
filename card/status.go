package card

import (
	"context"
	"encoding/hex"
	"errors"
	"time"
)

// PINStatus is one PIN counter as shown to a resident before they type.
type PINStatus struct {
	PIN       PIN    `json:"-"`
	Name      string `json:"pin"`
	TriesLeft int    `json:"tries_left"`
	MaxTries  int    `json:"max_tries"`
	Blocked   bool   `json:"blocked"`
}

// CertStatus is what may be shown of a certificate without a PIN and without
// personal data: who issued it and when it is valid.
type CertStatus struct {
	Present   bool      `json:"present"`
	Issuer    string    `json:"issuer,omitempty"`
	NotBefore time.Time `json:"not_before,omitzero"`
	NotAfter  time.Time `json:"not_after,omitzero"`
	Expired   bool      `json:"expired"`
	// NeedsPIN is set on tokens that protect the auth certificate (smartphone JPKI).
	NeedsPIN bool   `json:"needs_pin,omitempty"`
	Error    string `json:"error,omitempty"`
}

// Status is what the home screen and `mynactl status` show: no PIN needed, no
// try used, no personal data.
type Status struct {
	ATR       string      `json:"atr"`
	Protocol  string      `json:"protocol"`
	Kind      Kind        `json:"-"`
	KindName  string      `json:"kind"`
	Token     string      `json:"token,omitempty"`
	PINs      []PINStatus `json:"pins,omitempty"`
	AuthCert  *CertStatus `json:"auth_certificate,omitempty"`
	Supported bool        `json:"supported"`
	// NoSignCert: JPKI EF 0008 says the card holds no signing certificate
	// (cards of children under 15), so no signing password may be asked.
	NoSignCert bool `json:"no_sign_cert,omitempty"`
}

// Status identifies the card, reads the three PIN counters and the auth
// certificate's validity in one transaction. An unsupported card is reported
// in the Status (Supported false), not as an error, so diagnostics can show it.
func (c *Card) Status(ctx context.Context, now time.Time) (Status, error) {
	st := Status{ATR: hex.EncodeToString(c.conn.ATR()), Protocol: c.conn.Protocol()}
	err := c.do(ctx, "read card status", func(t *tx) error {
		st = Status{ATR: st.ATR, Protocol: st.Protocol, PINs: nil}
		var err error
		st.Kind, st.Token, err = t.kind(ctx)
		if err != nil {
			return err
		}
		st.KindName, st.Supported = st.Kind.String(), st.Kind.Supported()
		if !st.Supported {
			return nil
		}
		// JPKI is selected by kind(): the auth certificate and the two JPKI
		// counters first, then the input-helper counter.
		st.AuthCert = t.authCertStatus(ctx, now)
		for _, p := range []PIN{PINAuth, PINSign} {
			ps, err := t.pinStatus(ctx, p)
			if err != nil {
				return err
			}
			st.PINs = append(st.PINs, ps)
		}
		if st.Kind == KindMyNumberCard {
			st.NoSignCert = t.noSignCert(ctx)
		}
		if st.Kind == KindSmartphone {
			return nil // a smartphone token has no input-helper applet
		}
		if err := t.selectApplet(ctx, PINHelper.Applet()); err != nil {
			return err
		}
		ps, err := t.pinStatus(ctx, PINHelper)
		if err != nil {
			return err
		}
		st.PINs = append([]PINStatus{ps}, st.PINs...)
		return nil
	})
	return st, err
}

func (t *tx) pinStatus(ctx context.Context, p PIN) (PINStatus, error) {
	n, err := t.triesLeft(ctx, p)
	return PINStatus{PIN: p, Name: p.String(), TriesLeft: n, MaxTries: p.MaxTries(), Blocked: n == 0}, err
}

// authCertStatus reads the auth certificate in the selected JPKI applet.
// Failures other than the card going away are kept in the status, since the
// counters are still worth showing.
func (t *tx) authCertStatus(ctx context.Context, now time.Time) *CertStatus {
	cert, err := t.readCert(ctx, FIDJPKIAuthCert)
	switch {
	case errors.Is(err, ErrSecurityStatus):
		return &CertStatus{Present: true, NeedsPIN: true}
	case err != nil:
		return &CertStatus{Error: err.Error()}
	}
	return &CertStatus{
		Present: true, Issuer: cert.Issuer.String(),
		NotBefore: cert.NotBefore, NotAfter: cert.NotAfter,
		Expired: now.After(cert.NotAfter) || now.Before(cert.NotBefore),
	}
}

// noSignCert reads JPKI EF 0008 (free, 3 bytes; 8F 8F 00 with both
// certificates) in the selected JPKI applet: a second byte of 00 is a card
// without a signing certificate. A file that cannot be read says nothing
// (false): the signature step then finds out as before.
func (t *tx) noSignCert(ctx context.Context) bool {
	if t.selectEF(ctx, FIDJPKICertFlags) != nil {
		return false
	}
	flags, err := t.readBinary(ctx, 0, 3)
	return err == nil && len(flags) >= 2 && flags[1] == 0x00
}
