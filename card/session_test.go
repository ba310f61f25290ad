package card_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/card/sim"
	"github.com/mynadesk/mynadesk/cms"
	"github.com/mynadesk/mynadesk/jpki"
	"github.com/mynadesk/mynadesk/jpki/jpkitest"
	"github.com/mynadesk/mynadesk/problem"
	"github.com/mynadesk/mynadesk/verify"
)

func shortOnly(p *sim.Profile) { p.Extended = sim.ExtendedReject }

// signCMS is `mynactl sign` and the app's step 2: one password, the
// certificate and the signature inside the same verified sequence.
func signCMS(ctx context.Context, c *card.Card, prompt card.PINPrompt) ([]byte, error) {
	var out []byte
	err := c.WithKey(ctx, card.KeySign, prompt, func(cert *x509.Certificate, s crypto.Signer) error {
		var err error
		out, err = cms.Sign(ctx, []byte("mynadesk-booking-content/1\n"), cert, s, cms.Options{})
		return err
	})
	return out, err
}

// The targets on a card that refuses extended length, each
// operation on a fresh connection as mynactl makes it: attrs ≤ 7 and CMS
// sign ≤ 14 APDUs, the counter read before the prompt, one VERIFY, and no
// PIN verified afterwards.
func TestAPDUTargetsOnShortOnlyCard(t *testing.T) {
	for _, tc := range []struct {
		name string
		max  int
		op   func(ctx context.Context, c *card.Card, p *pinFn) error
		pin  string
		full int
	}{
		{"attrs", 7, func(ctx context.Context, c *card.Card, p *pinFn) error {
			_, err := c.ReadAttributes(ctx, p.prompt)
			return err
		}, "1234", 3},
		{"sign-cms", 14, func(ctx context.Context, c *card.Card, p *pinFn) error {
			_, err := signCMS(ctx, c, p.prompt)
			return err
		}, "ABC123", 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, shortOnly)
			p := &pinFn{pin: tc.pin}
			if err := tc.op(ctx(t), r.card, p); err != nil {
				t.Fatal(err)
			}
			if n := r.trace.Len(); n > tc.max {
				t.Errorf("%d APDUs, want at most %d", n, tc.max)
			}
			if p.calls != 1 || p.tries[0] != tc.full {
				t.Errorf("prompt %d times told %v tries: the counter must be read first", p.calls, p.tries)
			}
			if v := r.rec.verifies(); v != 1 {
				t.Errorf("%d VERIFYs with a PIN, want 1", v)
			}
			if r.sim.Verified() {
				t.Error("a PIN is still verified after the operation")
			}
			for _, e := range r.trace.Entries() {
				if e.SW == card.SWWrongLength {
					t.Errorf("an APDU form the card refuses was sent: %s", e.Command)
				}
			}
		})
	}
}

// Whatever an operation did, the next application finds nothing
// verified: it sends the protected file's READ BINARY straight away, in
// the applet the operation left selected.
func TestNoPINLeftVerifiedForTheNextApplication(t *testing.T) {
	type op func(ctx context.Context, c *card.Card) error
	attrs := func(pin string) op {
		return func(ctx context.Context, c *card.Card) error {
			_, err := c.ReadAttributes(ctx, (&pinFn{pin: pin}).prompt)
			return err
		}
	}
	sign := func(ctx context.Context, c *card.Card) error {
		_, err := signCMS(ctx, c, (&pinFn{pin: "ABC123"}).prompt)
		return err
	}
	certSign := func(ctx context.Context, c *card.Card) error {
		_, err := c.Certificate(ctx, card.CertSign, (&pinFn{pin: "ABC123"}).prompt)
		return err
	}
	for name, tc := range map[string]struct {
		op     op
		file   string // the protected EF, in the applet the operation used
		shared bool   // another application is connected: no hold
	}{
		"attrs":             {attrs("1234"), "00 02", false},
		"attrs wrong PIN":   {attrs("9999"), "00 02", false},
		"sign":              {sign, "00 01", false},
		"cert sign":         {certSign, "00 01", false},
		"attrs shared":      {attrs("1234"), "00 02", true},
		"sign shared":       {sign, "00 01", true},
		"cert sign shared":  {certSign, "00 01", true},
		"wrong PIN, shared": {attrs("9999"), "00 02", true},
	} {
		t.Run(name, func(t *testing.T) {
			r := newRig(t, nil)
			other := sim.NewConn(r.sim)
			defer other.Close()
			c := r.card
			if tc.shared {
				// The driver cannot hold a connection another
				// application also holds open: it works shared.
				c = card.New(sharedConn{r.rec}, card.Options{Logger: quiet})
			}
			_ = tc.op(ctx(t), c)
			c.Close()
			if r.sim.Verified() {
				t.Fatal("PIN still verified")
			}
			resp, err := other.Transmit(ctx(t), []byte{0x00, 0xA4, 0x02, 0x0C, 0x02, tc.file[0] - '0', tc.file[4] - '0'})
			if err != nil {
				t.Fatal(err)
			}
			resp, err = other.Transmit(ctx(t), []byte{0x00, 0xB0, 0x00, 0x00, 0x00})
			if err != nil {
				t.Fatal(err)
			}
			if sw := card.StatusWord(resp[len(resp)-2])<<8 | card.StatusWord(resp[len(resp)-1]); sw == card.SWSuccess {
				t.Fatalf("the next application read the protected EF %s: %v", tc.file, sw)
			}
		})
	}
}

// sharedConn hides the hold, as a connection that cannot be made exclusive.
type sharedConn struct{ card.Conn }

// A card without a signing certificate (children under 15) is told so
// before the password is asked for, with its own code, and costs no try.
func TestNoSigningCertificateNoPrompt(t *testing.T) {
	r := newRig(t, func(p *sim.Profile) { p.NoSignCert = true })
	p := &pinFn{pin: "ABC123"}
	_, err := signCMS(ctx(t), r.card, p.prompt)
	if !errors.Is(err, card.ErrNoSigningCert) || problem.CodeOf(err) != assets.CodeNoSignCert {
		t.Fatalf("got %v (%s), want ErrNoSigningCert 13602", err, problem.CodeOf(err))
	}
	if p.calls != 0 || r.rec.verifies() != 0 {
		t.Fatalf("prompt %d, VERIFY %d: nothing may be asked of a card that cannot sign", p.calls, r.rec.verifies())
	}
	if _, err := r.card.SignDigest(ctx(t), card.KeySign, p.prompt, crypto.SHA256, make([]byte, 32)); !errors.Is(err, card.ErrNoSigningCert) || p.calls != 0 {
		t.Fatalf("SignDigest: %v, prompt %d", err, p.calls)
	}
	st, err := r.card.Status(ctx(t), time.Now())
	if err != nil || st.SignCert == nil || *st.SignCert {
		t.Fatalf("status: %+v %v, want sign_certificate false", st.SignCert, err)
	}
	// The attributes are still readable.
	if _, err := r.card.ReadAttributes(ctx(t), (&pinFn{pin: "1234"}).prompt); err != nil {
		t.Fatal(err)
	}
}

// A Juki card is refused before any prompt: by the missing input helper
// for attrs, and by the kind learnt for the insertion (the home screen's
// status) for signing.
func TestJukiCardRefusedBeforePrompt(t *testing.T) {
	r := newRig(t, func(p *sim.Profile) { p.Token = sim.TokenJuki })
	p := &pinFn{pin: "1234"}
	if _, err := r.card.ReadAttributes(ctx(t), p.prompt); problem.CodeOf(err) != assets.CodeJukiCard {
		t.Fatalf("attrs: %v", err)
	}
	if _, err := signCMS(ctx(t), r.card, p.prompt); problem.CodeOf(err) != assets.CodeJukiCard {
		t.Fatalf("sign after the kind is known: %v", err)
	}
	if p.calls != 0 {
		t.Fatalf("asked for a PIN %d times", p.calls)
	}
}

// What cannot change while the card stays in is learnt once per
// insertion: after the status the home screen reads, signing neither
// identifies the card again nor probes extended length; another card
// (another insertion) starts afresh.
func TestPerInsertionMemory(t *testing.T) {
	r := newRig(t, nil)
	if _, err := r.card.Status(ctx(t), time.Now()); err != nil {
		t.Fatal(err)
	}
	r.trace.Reset()
	c := card.New(&recorder{Conn: sim.NewConn(r.sim)}, card.Options{Trace: r.trace, Logger: quiet})
	if _, err := signCMS(ctx(t), c, (&pinFn{pin: "ABC123"}).prompt); err != nil {
		t.Fatal(err)
	}
	if n := r.trace.Len(); n > 10 {
		t.Errorf("sign after status on an extended-length card: %d APDUs, want ≤ 10", n)
	}
	reads := 0
	for _, e := range r.trace.Entries() {
		if e.Name == "READ BINARY" {
			reads++
		}
	}
	if reads != 1 {
		t.Errorf("%d READ BINARY for the certificate, want 1 (extended length known to work)", reads)
	}

	fresh := newRig(t, nil)
	if _, err := signCMS(ctx(t), fresh.card, (&pinFn{pin: "ABC123"}).prompt); err != nil {
		t.Fatal(err)
	}
	if reads := countName(fresh.trace, "READ BINARY"); reads != 6 {
		t.Errorf("another insertion: %d reads, want 6 short ones (nothing probed after VERIFY)", reads)
	}
}

func countName(tr *card.Trace, name string) int {
	n := 0
	for _, e := range tr.Entries() {
		if e.Name == name {
			n++
		}
	}
	return n
}

// limited is a reader that carries at most max bytes per APDU.
type limited struct {
	*recorder
	max int
}

func (l limited) MaxAPDU() int { return l.max }

// A PaSoRi RC-S300 declares extended APDUs but carries 512-byte APDUs: no
// answer the driver asks for may be longer.
func TestReaderMaxAPDURespected(t *testing.T) {
	r := newRig(t, nil)
	conn := limited{recorder: &recorder{Conn: sim.NewConn(r.sim)}, max: 512}
	c := card.New(conn, card.Options{Trace: r.trace, Logger: quiet})
	if _, err := c.Status(ctx(t), time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := signCMS(ctx(t), c, (&pinFn{pin: "ABC123"}).prompt); err != nil {
		t.Fatal(err)
	}
	for _, e := range r.trace.Entries() {
		if e.Length+2 > 512 {
			t.Errorf("%s answered %d bytes, over the reader's 512", e.Name, e.Length+2)
		}
	}
	for _, raw := range conn.commands() {
		cmd, err := card.ParseCommand(raw)
		if err != nil {
			t.Fatal(err)
		}
		if cmd.Le > 510 {
			t.Errorf("Le %d over the reader's limit", cmd.Le)
		}
	}
}

var (
	nextOnce sync.Once
	nextPKI  *jpkitest.PKI
	nextErr  error
)

// nextGenPKI is a PKI with RSA-3072 card keys.
func nextGenPKI(t testing.TB) *jpkitest.PKI {
	t.Helper()
	nextOnce.Do(func() {
		var opts = jpkitest.PKIOptions{Holder: holder, Now: time.Now()}
		for _, k := range []**rsa.PrivateKey{&opts.SignKey, &opts.AuthKey} {
			if *k, nextErr = rsa.GenerateKey(rand.Reader, 3072); nextErr != nil {
				return
			}
		}
		nextPKI, nextErr = jpkitest.NewPKI(opts)
	})
	if nextErr != nil {
		t.Fatal(nextErr)
	}
	return nextPKI
}

// The hypothetical next-generation card (two PINs, the signing password
// also opening the attributes, RSA-3072) goes through the same calls: the
// driver reads applets, PINs and the key size from the profile and the
// certificate, and verify accepts the signature.
func TestNextGenerationProfile(t *testing.T) {
	pk := nextGenPKI(t)
	for _, ext := range []sim.Extended{sim.ExtendedAccept, sim.ExtendedReject} {
		t.Run(ext.String(), func(t *testing.T) {
			p := sim.NewProfile(holder, pk)
			p.Generation, p.Extended = "nextgen-hypothetical", ext
			sc, err := sim.NewCard(p)
			if err != nil {
				t.Fatal(err)
			}
			c := card.New(sim.NewConn(sc), card.Options{Logger: quiet})
			st, err := c.Status(ctx(t), time.Now())
			if err != nil || !st.Supported || st.Profile != "nextgen-hypothetical" || len(st.PINs) != 2 {
				t.Fatalf("status %+v %v", st, err)
			}
			if st.PINs[0].PIN != card.PINAuth || st.PINs[1].PIN != card.PINSign {
				t.Fatalf("PINs %+v", st.PINs)
			}
			pf := &pinFn{pin: "abc123"}
			a, err := c.ReadAttributes(ctx(t), func(pin card.PIN, tries int) ([]byte, error) {
				if pin != card.PINSign {
					t.Errorf("attributes asked for the %v PIN, want the signing password", pin)
				}
				return pf.prompt(pin, tries)
			})
			if err != nil || a.Name != holder.Name {
				t.Fatalf("attributes %+v %v", a, err)
			}
			der, err := signCMS(ctx(t), c, (&pinFn{pin: "ABC123"}).prompt)
			if err != nil {
				t.Fatal(err)
			}
			if sc.Verified() {
				t.Fatal("PIN left verified")
			}
			roots, err := verify.NewRoots(verify.Test, pk.SignCA.Cert)
			if err != nil {
				t.Fatal(err)
			}
			crl := verify.NewCRLIndex(roots)
			if _, err := crl.Add(pk.CRL); err != nil {
				t.Fatal(err)
			}
			res, err := verify.Verify(ctx(t), der, verify.Options{Roots: roots, Revocation: []verify.RevocationChecker{crl}})
			if err != nil {
				t.Fatalf("verify: %v", err)
			}
			if bits := res.Cert.PublicKey.(*rsa.PublicKey).N.BitLen(); bits != 3072 {
				t.Fatalf("signed with RSA-%d", bits)
			}
			// A service that accepts only what today's card makes refuses it.
			if _, err := verify.Verify(ctx(t), der, verify.Options{Roots: roots, Revocation: []verify.RevocationChecker{crl},
				Algorithms: jpki.AlgorithmsCurrent}); !errors.Is(err, verify.ErrAlgorithm) {
				t.Fatalf("RSA-3072 under the current profile only: %v", err)
			}
		})
	}
}
