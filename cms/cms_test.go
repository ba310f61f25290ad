package cms

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/jpki/jpkitest"
	"github.com/smallstep/pkcs7"
)

var (
	fixOnce sync.Once
	fix     *jpkitest.PKI
	fixErr  error
)

// pki is shared by every test: RSA key generation is slow.
func pki(t *testing.T) *jpkitest.PKI {
	t.Helper()
	fixOnce.Do(func() {
		fix, fixErr = jpkitest.NewPKI(jpkitest.PKIOptions{Holder: jpkitest.Holder{
			Name: "公的\u3000花子", Address: "東京都千代田区霞が関1-2-3", Birth: "19900101", Sex: "2"}})
	})
	if fixErr != nil {
		t.Fatal(fixErr)
	}
	return fix
}

// cardSigner stands in for the card: it only exposes crypto.Signer and
// records what it was asked.
type cardSigner struct {
	key    *rsa.PrivateKey
	calls  int
	hash   crypto.Hash
	digLen int
	ctxUse bool
	fail   error
	garble bool
}

func (c *cardSigner) Public() crypto.PublicKey { return &c.key.PublicKey }
func (c *cardSigner) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	c.calls++
	c.hash, c.digLen = opts.HashFunc(), len(digest)
	if c.fail != nil {
		return nil, c.fail
	}
	sig, err := rsa.SignPKCS1v15(r, c.key, opts.HashFunc(), digest)
	if c.garble && err == nil {
		sig[10] ^= 1
	}
	return sig, err
}

type ctxSigner struct{ cardSigner }

func (c *ctxSigner) SignContext(ctx context.Context, r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	c.ctxUse = true
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return c.Sign(r, digest, opts)
}

func TestSignShape(t *testing.T) {
	p := pki(t)
	s := &cardSigner{key: p.SignKey}
	content := []byte("registration 2026-11-22T10:00:00+09:00 nonce=abc")
	before := time.Now().Add(-time.Second)
	der, err := Sign(context.Background(), content, p.SignCert, s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.calls != 1 || s.hash != crypto.SHA256 || s.digLen != 32 {
		t.Errorf("signer called %d times with %v/%d bytes", s.calls, s.hash, s.digLen)
	}
	p7, err := pkcs7.Parse(der)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(p7.Content, content) || len(p7.Signers) != 1 || len(p7.Certificates) != 1 || !p7.Certificates[0].Equal(p.SignCert) {
		t.Fatalf("content %q signers %d certs %d", p7.Content, len(p7.Signers), len(p7.Certificates))
	}
	if !p7.Signers[0].DigestAlgorithm.Algorithm.Equal(pkcs7.OIDDigestAlgorithmSHA256) {
		t.Errorf("digest %v", p7.Signers[0].DigestAlgorithm.Algorithm)
	}
	var st time.Time
	if err := p7.UnmarshalSignedAttribute(pkcs7.OIDAttributeSigningTime, &st); err != nil || st.Before(before) || st.After(time.Now().Add(time.Second)) {
		t.Errorf("signingTime %v %v", st, err)
	}
	var ct []byte
	if err := p7.UnmarshalSignedAttribute(pkcs7.OIDAttributeMessageDigest, &ct); err != nil || len(ct) != 32 {
		t.Errorf("messageDigest %x %v", ct, err)
	}
	if err := p7.Verify(); err != nil {
		t.Errorf("pkcs7 verify: %v", err)
	}

	det, err := Sign(context.Background(), content, p.SignCert, s, Options{Detached: true})
	if err != nil {
		t.Fatal(err)
	}
	p7, err = pkcs7.Parse(det)
	if err != nil || len(p7.Content) != 0 {
		t.Fatalf("detached: %v content %d", err, len(p7.Content))
	}
	p7.Content = content
	if err := p7.Verify(); err != nil {
		t.Errorf("detached verify: %v", err)
	}
}

func TestSignErrors(t *testing.T) {
	p := pki(t)
	ctx := context.Background()
	if _, err := Sign(ctx, []byte("x"), p.SignCert, &cardSigner{key: p.AuthKey}, Options{}); !errors.Is(err, ErrKeyMismatch) {
		t.Errorf("wrong key: %v", err)
	}
	if _, err := Sign(ctx, []byte("x"), p.SignCert, &cardSigner{key: p.SignKey, garble: true}, Options{}); !errors.Is(err, ErrBadCardSignature) {
		t.Errorf("garbled: %v", err)
	}
	cardErr := errors.New("card removed")
	if _, err := Sign(ctx, []byte("x"), p.SignCert, &cardSigner{key: p.SignKey, fail: cardErr}, Options{}); !errors.Is(err, cardErr) {
		t.Errorf("card error lost: %v", err)
	}
	if _, err := Sign(ctx, make([]byte, MaxContentSize+1), p.SignCert, &cardSigner{key: p.SignKey}, Options{}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("too large: %v", err)
	}
	if _, err := Sign(ctx, []byte("x"), nil, &cardSigner{key: p.SignKey}, Options{}); err == nil {
		t.Error("nil cert accepted")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	s := &cardSigner{key: p.SignKey}
	if _, err := Sign(cancelled, []byte("x"), p.SignCert, s, Options{}); !errors.Is(err, context.Canceled) || s.calls != 0 {
		t.Errorf("cancelled: %v, card called %d times", err, s.calls)
	}
	cs := &ctxSigner{cardSigner{key: p.SignKey}}
	if _, err := Sign(ctx, []byte("x"), p.SignCert, cs, Options{}); err != nil || !cs.ctxUse {
		t.Errorf("context signer: %v used %v", err, cs.ctxUse)
	}
}

// openssl, the reference CMS implementation, accepts what Sign makes with
// the test root as trust anchor, attached and detached, and refuses it with
// another root or changed content.
func TestOpenSSLVerifies(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("openssl not installed: CI must run the interop check")
		}
		t.Skip("openssl not installed")
	}
	p := pki(t)
	dir := t.TempDir()
	if err := jpkitest.SavePKI(dir, p); err != nil {
		t.Fatal(err)
	}
	content := []byte("公的 花子 signs this\n")
	write := func(name string, b []byte) string {
		f := filepath.Join(dir, name)
		if err := os.WriteFile(f, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return f
	}
	contentFile := write("content.txt", content)
	att, err := Sign(context.Background(), content, p.SignCert, &cardSigner{key: p.SignKey}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	det, err := Sign(context.Background(), content, p.SignCert, &cardSigner{key: p.SignKey}, Options{Detached: true})
	if err != nil {
		t.Fatal(err)
	}
	attFile, detFile := write("att.p7s", att), write("det.p7s", det)
	ca := filepath.Join(dir, jpkitest.FileSignCACert)
	run := func(args ...string) ([]byte, error) {
		return exec.Command("openssl", append([]string{"cms", "-verify", "-inform", "DER", "-binary"}, args...)...).CombinedOutput()
	}
	out, err := run("-in", attFile, "-CAfile", ca)
	if err != nil || !bytes.Contains(out, content) {
		t.Fatalf("attached: %v\n%s", err, out)
	}
	if out, err := run("-in", detFile, "-content", contentFile, "-CAfile", ca); err != nil {
		t.Fatalf("detached: %v\n%s", err, out)
	}
	other := write("other.txt", []byte("something else"))
	if out, err := run("-in", detFile, "-content", other, "-CAfile", ca); err == nil {
		t.Fatalf("openssl accepted changed content\n%s", out)
	}
	if out, err := run("-in", attFile, "-CAfile", filepath.Join(dir, jpkitest.FileAuthCACert)); err == nil {
		t.Fatalf("openssl accepted the wrong root\n%s", out)
	}
}

// The algorithm and its size come from the certificate's key: RSA-3072 is
// signed (a 384-byte signature), RSA-1024 is refused before the card is
// asked.
func TestKeySizeFromCertificate(t *testing.T) {
	base := pki(t)
	for _, tc := range []struct {
		bits int
		want error
	}{{3072, nil}, {1024, ErrAlgorithm}} {
		key, err := rsa.GenerateKey(rand.Reader, tc.bits)
		if err != nil {
			t.Fatal(err)
		}
		p, err := jpkitest.NewPKI(jpkitest.PKIOptions{Holder: jpkitest.Holder{Name: "公的\u3000花子", Address: "東京都", Birth: "19900101", Sex: "2"},
			SignCA: base.SignCA, AuthCA: base.AuthCA, SignKey: key, AuthKey: base.AuthKey})
		if err != nil {
			t.Fatal(err)
		}
		s := &cardSigner{key: key}
		der, err := Sign(context.Background(), []byte("x"), p.SignCert, s, Options{})
		if !errors.Is(err, tc.want) {
			t.Fatalf("RSA-%d: %v, want %v", tc.bits, err, tc.want)
		}
		if tc.want != nil {
			if s.calls != 0 {
				t.Fatalf("RSA-%d: the card was asked", tc.bits)
			}
			continue
		}
		p7, err := pkcs7.Parse(der)
		if err != nil || len(p7.Signers) != 1 || len(p7.Signers[0].EncryptedDigest) != 384 {
			t.Fatalf("RSA-3072 CMS: %v", err)
		}
	}
}
