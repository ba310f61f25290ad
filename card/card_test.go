package card_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/card/sim"
	"github.com/mynadesk/mynadesk/jpki"
	"github.com/mynadesk/mynadesk/problem"
)

func TestStatusShowsCountersWithoutUsingTries(t *testing.T) {
	r := newRig(t, nil)
	for i := 0; i < 2; i++ { // twice: reading counters must not change them
		st, err := r.card.Status(ctx(t), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if st.Kind != card.KindMyNumberCard || !st.Supported || st.Token != card.TokenMyNumberCard {
			t.Fatalf("kind %v token %q supported %v", st.Kind, st.Token, st.Supported)
		}
		got := map[string][2]int{}
		for _, p := range st.PINs {
			got[p.Name] = [2]int{p.TriesLeft, p.MaxTries}
		}
		want := map[string][2]int{"helper": {3, 3}, "auth": {3, 3}, "sign": {5, 5}}
		if len(got) != 3 || got["helper"] != want["helper"] || got["auth"] != want["auth"] || got["sign"] != want["sign"] {
			t.Fatalf("counters %v, want %v", got, want)
		}
		if st.PINs[0].Name != "helper" {
			t.Errorf("first PIN shown is %s, want helper", st.PINs[0].Name)
		}
		if st.AuthCert == nil || !st.AuthCert.Present || st.AuthCert.Expired {
			t.Fatalf("auth cert status %+v", st.AuthCert)
		}
	}
	if r.rec.verifies() != 0 {
		t.Fatalf("status sent %d VERIFY with data", r.rec.verifies())
	}
	if r.sim.TriesLeft(card.PINHelper) != 3 || r.sim.TriesLeft(card.PINSign) != 5 {
		t.Fatal("status changed a counter on the card")
	}
}

func TestReadAttributes(t *testing.T) {
	r := newRig(t, nil)
	p := &pinFn{pin: "1234"}
	a, err := r.card.ReadAttributes(ctx(t), p.prompt)
	if err != nil {
		t.Fatal(err)
	}
	want := card.Attributes{Name: holder.Name, Address: holder.Address, Birth: holder.Birth, Sex: holder.Sex}
	if a != want {
		t.Fatalf("got %+v, want %+v", a, want)
	}
	if p.calls != 1 || p.tries[0] != 3 {
		t.Fatalf("prompt called %d times, told %v tries; want once, told 3", p.calls, p.tries)
	}
	if r.rec.verifies() != 1 {
		t.Fatalf("%d VERIFY with data, want 1", r.rec.verifies())
	}
	// The individual number's file is never selected while the input
	// helper is the current applet.
	var inHelper bool
	for _, c := range r.rec.commands() {
		if c[1] == card.INSSelect && c[2] == card.P1SelectByDF {
			inHelper = bytes.Equal(c[5:], card.AIDInputHelper)
		}
		if inHelper && c[1] == card.INSSelect && c[2] == card.P1SelectByFID && bytes.Equal(c[5:], []byte{0, 1}) {
			t.Fatal("selected input-helper EF 0001 (個人番号)")
		}
	}
	// The trace never shows PIN digits.
	for _, e := range r.trace.Entries() {
		if e.Name == "VERIFY" && strings.Contains(e.Command, "31323334") {
			t.Fatalf("trace shows the PIN: %s", e.Command)
		}
	}
}

func TestVerifiedPINForgottenAfterOperation(t *testing.T) {
	r := newRig(t, nil)
	if _, err := r.card.ReadAttributes(ctx(t), (&pinFn{pin: "1234"}).prompt); err != nil {
		t.Fatal(err)
	}
	// Another application reading EF 0002 right after must be refused.
	for _, apdu := range [][]byte{
		{0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x02},
		{0x00, 0xB0, 0x00, 0x00, 0x00},
	} {
		resp := r.sim.Process(apdu)
		if apdu[1] == card.INSReadBinary && !bytes.HasSuffix(resp, []byte{0x69, 0x82}) {
			t.Fatalf("EF 0002 readable after the operation ended: SW %X", resp[len(resp)-2:])
		}
	}
}

func TestWrongPINCountsDownByOne(t *testing.T) {
	r := newRig(t, nil)
	_, err := r.card.ReadAttributes(ctx(t), (&pinFn{pin: "9999"}).prompt)
	var pe *card.PINError
	if !errors.As(err, &pe) || pe.TriesLeft != 2 || pe.PIN != card.PINHelper || !errors.Is(err, card.ErrWrongPIN) {
		t.Fatalf("got %v, want wrong helper PIN with 2 tries left", err)
	}
	if problem.CodeOf(err) != assets.CodePINWrong {
		t.Fatalf("code %s", problem.CodeOf(err))
	}
	n, err := r.card.PINTries(ctx(t), card.PINHelper)
	if err != nil || n != 2 {
		t.Fatalf("counter %d, %v; want 2", n, err)
	}
	// A correct PIN resets the counter.
	p := &pinFn{pin: "1234"}
	if _, err := r.card.ReadAttributes(ctx(t), p.prompt); err != nil {
		t.Fatal(err)
	}
	if p.tries[0] != 2 {
		t.Fatalf("prompt told %d tries, want 2", p.tries[0])
	}
	if n, _ := r.card.PINTries(ctx(t), card.PINHelper); n != 3 {
		t.Fatalf("counter after success %d, want 3", n)
	}
}

func TestShapeInvalidPINCostsNothing(t *testing.T) {
	for _, tc := range []struct {
		name string
		run  func(r *rig, pin string) error
		pin  card.PIN
		bad  []string
	}{
		{"helper", func(r *rig, pin string) error {
			_, err := r.card.ReadAttributes(context.Background(), (&pinFn{pin: pin}).prompt)
			return err
		}, card.PINHelper, []string{"", "123", "12345", "12a4", "１２３４", "12 4"}},
		{"sign", func(r *rig, pin string) error {
			_, err := r.card.Certificate(context.Background(), card.CertSign, (&pinFn{pin: pin}).prompt)
			return err
		}, card.PINSign, []string{"ABC12", "ABCDEFGHIJKLMNOPQ", "ABC-123", "ＡＢＣ１２３", "abc 123"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, nil)
			for _, pin := range tc.bad {
				err := tc.run(r, pin)
				if !errors.Is(err, card.ErrPINFormat) || problem.CodeOf(err) != assets.CodePINFormat {
					t.Fatalf("PIN %q: got %v, want a format error", pin, err)
				}
			}
			if r.rec.verifies() != 0 {
				t.Fatalf("%d VERIFY with data reached the card", r.rec.verifies())
			}
			if r.sim.TriesLeft(tc.pin) != tc.pin.MaxTries() {
				t.Fatal("a try was used")
			}
		})
	}
}

func TestSigningPasswordIsCaseInsensitive(t *testing.T) {
	r := newRig(t, nil)
	cert, err := r.card.Certificate(ctx(t), card.CertSign, (&pinFn{pin: "abc123"}).prompt)
	if err != nil {
		t.Fatal(err)
	}
	a, err := jpki.DecodeSAN(cert)
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != holder.Name || a.Address != holder.Address {
		t.Fatalf("SAN attributes %+v", a)
	}
	// 1990-01-01 is in 平成 (era digit 4).
	if a.Birth != "4"+holder.Birth || a.Sex != "2" {
		t.Fatalf("SAN birth %q sex %q", a.Birth, a.Sex)
	}
}

func TestBlockedPIN(t *testing.T) {
	r := newRig(t, nil)
	wrong := &pinFn{pin: "9999"}
	for i, left := range []int{2, 1, 0} {
		_, err := r.card.ReadAttributes(ctx(t), wrong.prompt)
		var pe *card.PINError
		if !errors.As(err, &pe) || pe.TriesLeft != left {
			t.Fatalf("try %d: %v, want %d left", i+1, err, left)
		}
	}
	_, err := r.card.ReadAttributes(ctx(t), wrong.prompt)
	if !errors.Is(err, card.ErrPINBlocked) || problem.CodeOf(err) != assets.CodePINBlockedHelp {
		t.Fatalf("got %v (%s), want blocked", err, problem.CodeOf(err))
	}
	if wrong.calls != 3 {
		t.Fatalf("prompt called %d times; a blocked PIN must not be asked for", wrong.calls)
	}
	if r.rec.verifies() != 3 {
		t.Fatalf("%d VERIFY with data; none may follow the block", r.rec.verifies())
	}
	st, err := r.card.Status(ctx(t), time.Now())
	if err != nil || !st.PINs[0].Blocked {
		t.Fatalf("status %+v %v", st.PINs, err)
	}
}

func TestBlockedPINCodesPerPIN(t *testing.T) {
	for _, tc := range []struct {
		pin  card.PIN
		code assets.Code
		run  func(r *rig) error
	}{
		{card.PINAuth, assets.CodePINBlockedAuth, func(r *rig) error {
			d := sha256.Sum256([]byte("x"))
			_, err := r.card.SignDigest(context.Background(), card.KeyAuth, (&pinFn{pin: "1234"}).prompt, crypto.SHA256, d[:])
			return err
		}},
		{card.PINSign, assets.CodePINBlockedSign, func(r *rig) error {
			_, err := r.card.Certificate(context.Background(), card.CertSign, (&pinFn{pin: "ABC123"}).prompt)
			return err
		}},
	} {
		r := newRig(t, func(p *sim.Profile) { p.TriesLeft = map[card.PIN]int{tc.pin: 0} })
		if err := tc.run(r); problem.CodeOf(err) != tc.code {
			t.Errorf("%v: got %v (%s), want %s", tc.pin, err, problem.CodeOf(err), tc.code)
		}
		if r.rec.verifies() != 0 {
			t.Errorf("%v: VERIFY sent to a blocked PIN", tc.pin)
		}
	}
}

func TestSignDigest(t *testing.T) {
	r := newRig(t, nil)
	pub := pki(t).SignCert.PublicKey.(*rsa.PublicKey)
	msg := []byte("施設予約の登録内容")
	d256 := sha256.Sum256(msg)
	d384 := sha512.Sum384(msg)
	d512 := sha512.Sum512(msg)
	for _, tc := range []struct {
		h crypto.Hash
		d []byte
	}{{crypto.SHA256, d256[:]}, {crypto.SHA384, d384[:]}, {crypto.SHA512, d512[:]}} {
		sig, err := r.card.SignDigest(ctx(t), card.KeySign, (&pinFn{pin: "ABC123"}).prompt, tc.h, tc.d)
		if err != nil {
			t.Fatalf("%v: %v", tc.h, err)
		}
		if err := rsa.VerifyPKCS1v15(pub, tc.h, tc.d, sig); err != nil {
			t.Fatalf("%v: signature does not verify: %v", tc.h, err)
		}
	}
	// Unsupported hashes and PSS are refused before any PIN is asked.
	p := &pinFn{pin: "ABC123"}
	if _, err := r.card.SignDigest(ctx(t), card.KeySign, p.prompt, crypto.SHA1, make([]byte, 20)); !errors.Is(err, card.ErrUnsupportedHash) {
		t.Fatalf("SHA-1: %v", err)
	}
	s := r.card.Signer(ctx(t), card.KeySign, pub, p.prompt)
	if _, err := s.Sign(nil, d256[:], &rsa.PSSOptions{Hash: crypto.SHA256}); !errors.Is(err, card.ErrUnsupportedHash) {
		t.Fatalf("PSS: %v", err)
	}
	if p.calls != 0 {
		t.Fatal("asked for a PIN for a signature that could not be made")
	}
	sig, err := s.Sign(nil, d256[:], crypto.SHA256)
	if err != nil || rsa.VerifyPKCS1v15(pub, crypto.SHA256, d256[:], sig) != nil {
		t.Fatalf("Signer: %v", err)
	}
}

func TestWithKeyAsksOnce(t *testing.T) {
	r := newRig(t, nil)
	p := &pinFn{pin: "ABC123"}
	d := sha256.Sum256([]byte("content"))
	err := r.card.WithKey(ctx(t), card.KeySign, p.prompt, func(cert *x509.Certificate, s crypto.Signer) error {
		for i := 0; i < 2; i++ {
			sig, err := s.Sign(nil, d[:], crypto.SHA256)
			if err != nil {
				return err
			}
			if err := rsa.VerifyPKCS1v15(cert.PublicKey.(*rsa.PublicKey), crypto.SHA256, d[:], sig); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if p.calls != 1 || r.rec.verifies() != 1 {
		t.Fatalf("prompt %d, VERIFY %d; want 1 and 1", p.calls, r.rec.verifies())
	}
}

func TestAuthKeySigns(t *testing.T) {
	r := newRig(t, nil)
	d := sha256.Sum256([]byte("login"))
	sig, err := r.card.SignDigest(ctx(t), card.KeyAuth, (&pinFn{pin: "1234"}).prompt, crypto.SHA256, d[:])
	if err != nil {
		t.Fatal(err)
	}
	if err := rsa.VerifyPKCS1v15(pki(t).AuthCert.PublicKey.(*rsa.PublicKey), crypto.SHA256, d[:], sig); err != nil {
		t.Fatal(err)
	}
}

func TestCertificates(t *testing.T) {
	r := newRig(t, nil)
	p := pki(t)
	for id, want := range map[card.CertID]*x509.Certificate{
		card.CertAuth: p.AuthCert, card.CertAuthCA: p.AuthCA.Cert, card.CertSignCA: p.SignCA.Cert,
	} {
		prompt := &pinFn{}
		got, err := r.card.Certificate(ctx(t), id, prompt.prompt)
		if err != nil {
			t.Fatalf("%v: %v", id, err)
		}
		if !bytes.Equal(got.Raw, want.Raw) || prompt.calls != 0 {
			t.Fatalf("%v: wrong certificate or a PIN was asked", id)
		}
	}
	// Without the signing password the signing certificate is refused.
	if _, err := r.card.Certificate(ctx(t), card.CertSign, nil); !errors.Is(err, card.ErrPINPromptRequired) {
		t.Fatalf("sign cert without prompt: %v", err)
	}
}

// Every way the card hands back data gives the same result.
func TestResponseModes(t *testing.T) {
	want := pki(t).SignCert.Raw
	for _, tc := range []struct {
		name string
		mod  func(*sim.Profile)
		ext  card.ExtendedMode
	}{
		{"direct-extended", nil, card.ExtendedAuto},
		{"direct-short", nil, card.ExtendedNever},
		{"61xx", func(p *sim.Profile) { p.Response = sim.ResponseGetResponse }, card.ExtendedAuto},
		{"6cxx", func(p *sim.Profile) { p.Response = sim.ResponseWrongLe }, card.ExtendedAuto},
		{"extended-rejected", func(p *sim.Profile) { p.Extended = sim.ExtendedReject }, card.ExtendedAuto},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, tc.mod)
			c := card.New(r.rec, card.Options{Extended: tc.ext, Trace: r.trace})
			cert, err := c.Certificate(ctx(t), card.CertSign, (&pinFn{pin: "ABC123"}).prompt)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(cert.Raw, want) {
				t.Fatal("certificate differs")
			}
			a, err := c.ReadAttributes(ctx(t), (&pinFn{pin: "1234"}).prompt)
			if err != nil || a.Name != holder.Name {
				t.Fatalf("attributes %+v %v", a, err)
			}
			t.Logf("%s: %d APDUs", tc.name, r.trace.Len())
		})
	}
}

func TestUnsupportedCards(t *testing.T) {
	for _, tc := range []struct {
		token sim.Token
		code  assets.Code
	}{{sim.TokenJuki, assets.CodeJukiCard}} {
		r := newRig(t, func(p *sim.Profile) { p.Token = tc.token })
		st, err := r.card.Status(ctx(t), time.Now())
		if err != nil || st.Supported || st.Kind != card.KindJukiCard {
			t.Fatalf("status %+v %v", st, err)
		}
		p := &pinFn{pin: "ABC123"}
		_, err = r.card.Certificate(ctx(t), card.CertSign, p.prompt)
		if problem.CodeOf(err) != tc.code || !errors.Is(err, card.ErrUnsupportedCard) {
			t.Fatalf("got %v (%s), want %s", err, problem.CodeOf(err), tc.code)
		}
		if p.calls != 0 {
			t.Fatal("asked for a PIN on a Juki card")
		}
	}
}

func TestSmartphoneTokenAuthCertNeedsPIN(t *testing.T) {
	r := newRig(t, func(p *sim.Profile) { p.Token = sim.TokenSmartphone })
	st, err := r.card.Status(ctx(t), time.Now())
	if err != nil || st.Kind != card.KindSmartphone || st.AuthCert == nil || !st.AuthCert.NeedsPIN {
		t.Fatalf("status %+v %v", st, err)
	}
	p := &pinFn{pin: "1234"}
	cert, err := r.card.Certificate(ctx(t), card.CertAuth, p.prompt)
	if err != nil || p.calls != 1 || !bytes.Equal(cert.Raw, pki(t).AuthCert.Raw) {
		t.Fatalf("auth cert: %v, prompt %d", err, p.calls)
	}
}

func TestFaults(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faults sim.Faults
		code   assets.Code
		fault  card.Fault
	}{
		{"removed mid-read", sim.Faults{RemoveAfter: 6}, assets.CodeCardMoved, card.FaultCardRemoved},
		{"no answer", sim.Faults{MuteAfter: 6}, assets.CodeNoAnswer, card.FaultTimeout},
		{"garbled", sim.Faults{GarbleAfter: 6}, assets.CodeReadOther, card.FaultOther},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, nil, tc.faults)
			c, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			a, err := r.card.ReadAttributes(c, (&pinFn{pin: "1234"}).prompt)
			if err == nil {
				t.Fatalf("read succeeded: %+v", a)
			}
			if a != (card.Attributes{}) {
				t.Fatal("half-read attributes returned")
			}
			if got := problem.CodeOf(err); got != tc.code {
				t.Fatalf("code %s (%v), want %s", got, err, tc.code)
			}
			if card.FaultOf(err) != tc.fault {
				t.Fatalf("fault %v, want %v", card.FaultOf(err), tc.fault)
			}
		})
	}
}

func TestCancelledBeforeCard(t *testing.T) {
	r := newRig(t, nil)
	c, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := r.card.Status(c, time.Now())
	if !errors.Is(err, context.Canceled) || problem.CodeOf(err) != assets.CodeCancelled {
		t.Fatalf("got %v", err)
	}
	if len(r.rec.commands()) != 0 {
		t.Fatal("APDUs sent after cancellation")
	}
}

func TestPromptErrorCancels(t *testing.T) {
	r := newRig(t, nil)
	_, err := r.card.ReadAttributes(ctx(t), func(card.PIN, int) ([]byte, error) { return nil, context.Canceled })
	if problem.CodeOf(err) != assets.CodeCancelled || r.rec.verifies() != 0 {
		t.Fatalf("got %v", err)
	}
}
