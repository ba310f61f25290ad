package card

import (
	"bytes"
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
	ATR      string      `json:"atr"`
	Protocol string      `json:"protocol"`
	Kind     Kind        `json:"-"`
	KindName string      `json:"kind"`
	Token    string      `json:"token,omitempty"`
	PINs     []PINStatus `json:"pins,omitempty"`
	AuthCert *CertStatus `json:"auth_certificate,omitempty"`
	// SignCert says whether the card carries a signing certificate (cards
	// of children under 15 do not); nil when it was not asked.
	SignCert  *bool  `json:"sign_certificate,omitempty"`
	Profile   string `json:"profile,omitempty"` // Profile.Name of the card's generation
	Supported bool   `json:"supported"`
}

// Status identifies the card, reads every PIN counter its profile lists,
// whether it has a signing certificate and the auth certificate's validity,
// in one transaction. An unsupported card is reported in the Status
// (Supported false), not as an error, so diagnostics can show it. What it
// learns is remembered for the insertion, so the operations that follow
// neither identify the card again nor try extended length again.
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
		// kind() left the profile's JPKI applet selected: its certificates
		// and counters first, then the PINs of other applets.
		p := c.Profile()
		st.Profile = p.Name
		st.AuthCert = t.authCertStatus(ctx, now, p)
		switch err := t.selectEF(ctx, p.Certs[CertSign]); {
		case err == nil, errors.Is(err, ErrNotFound):
			present := err == nil
			st.SignCert = &present
			t.c.mem.learn(func(i *insertionInfo) { i.signCert = tri(present) })
		default:
			return err
		}
		byPIN := map[PIN]PINStatus{}
		for _, s := range p.PINs {
			if !bytes.Equal(s.Applet, p.JPKI) {
				continue
			}
			ps, err := t.pinStatus(ctx, s)
			if err != nil {
				return err
			}
			byPIN[s.PIN] = ps
		}
		var current []byte
		for _, s := range p.PINs {
			if bytes.Equal(s.Applet, p.JPKI) {
				continue
			}
			if !bytes.Equal(current, s.Applet) {
				err := t.selectDF(ctx, s.Applet)
				if errors.Is(err, ErrNotFound) {
					continue // a smartphone token has no input-helper applet
				}
				if err != nil {
					return err
				}
				current = s.Applet
			}
			ps, err := t.pinStatus(ctx, s)
			if err != nil {
				return err
			}
			byPIN[s.PIN] = ps
		}
		for _, s := range p.PINs { // in the profile's order
			if ps, ok := byPIN[s.PIN]; ok {
				st.PINs = append(st.PINs, ps)
			}
		}
		return nil
	})
	return st, err
}

func (t *tx) pinStatus(ctx context.Context, s PINSpec) (PINStatus, error) {
	n, err := t.triesLeft(ctx, s)
	return PINStatus{PIN: s.PIN, Name: s.PIN.String(), TriesLeft: n, MaxTries: s.MaxTries, Blocked: n == 0}, err
}

// authCertStatus reads the auth certificate in the selected JPKI applet.
// Failures other than the card going away are kept in the status, since the
// counters are still worth showing.
func (t *tx) authCertStatus(ctx context.Context, now time.Time, p *Profile) *CertStatus {
	cert, err := t.readCert(ctx, p.Certs[CertAuth])
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
