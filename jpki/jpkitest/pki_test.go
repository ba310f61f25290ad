package jpkitest

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/jpki"
)

// RSA-2048 key generation is slow: every test shares one set of roots and
// card keys.
var (
	pkiOnce    sync.Once
	pkiShared  *PKI
	pkiErr     error
	testHolder = Holder{Name: "公的\u3000花子", Address: "東京都千代田区霞が関1-2-3", Birth: "19900101", Sex: "2"}
)

func sharedPKI(t *testing.T) *PKI {
	t.Helper()
	pkiOnce.Do(func() { pkiShared, pkiErr = NewPKI(PKIOptions{Holder: testHolder}) })
	if pkiErr != nil {
		t.Fatal(pkiErr)
	}
	return pkiShared
}

func reuse(base *PKI, o PKIOptions) PKIOptions {
	o.SignCA, o.AuthCA, o.SignKey, o.AuthKey = base.SignCA, base.AuthCA, base.SignKey, base.AuthKey
	return o
}

func TestPKIShape(t *testing.T) {
	p := sharedPKI(t)
	for _, ca := range []*CA{p.SignCA, p.AuthCA} {
		if ca.Cert.Subject.String() != ca.Cert.Issuer.String() || !ca.Cert.IsCA || ca.Key.N.BitLen() != 2048 {
			t.Errorf("CA %v: not a self-signed RSA-2048 root", ca.Cert.Subject)
		}
		if err := ca.Cert.CheckSignatureFrom(ca.Cert); err != nil {
			t.Errorf("CA self-signature: %v", err)
		}
	}
	// One attribute per RDN, in J-LIS's order.
	for _, tc := range []struct {
		raw  []byte
		want string
	}{
		{p.SignCA.Cert.RawSubject, "C=JP/O=JPKI-TEST/OU=JPKI for digital signature/OU=Japan Agency for Local Authority Information Systems"},
		{p.AuthCA.Cert.RawSubject, "C=JP/O=JPKI-TEST/OU=JPKI for user authentication/OU=Japan Agency for Local Authority Information Systems"},
		{p.SignCert.RawSubject, "C=JP/L=東京都/L=千代田区/CN=" + p.SignCert.Subject.CommonName},
		{p.AuthCert.RawSubject, "C=JP/CN=" + p.AuthCert.Subject.CommonName},
	} {
		if got := rdnString(t, tc.raw); got != tc.want {
			t.Errorf("name %s, want %s", got, tc.want)
		}
	}
	if p.AuthCA.Cert.Subject.OrganizationalUnit[0] != "JPKI for user authentication" {
		t.Errorf("auth CA OU %v", p.AuthCA.Cert.Subject.OrganizationalUnit)
	}

	s := p.SignCert
	if s.Subject.Locality[0] != "東京都" || s.Subject.Locality[1] != "千代田区" || len(s.Subject.CommonName) != 25 || s.Subject.Country[0] != "JP" {
		t.Errorf("sign subject %v", s.Subject)
	}
	if s.KeyUsage != x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment {
		t.Errorf("key usage %v", s.KeyUsage)
	}
	var sawPolicy, sawCDP, sawKU bool
	for _, e := range s.Extensions {
		switch {
		case e.Id.Equal(asn1.ObjectIdentifier{2, 5, 29, 32}):
			sawPolicy = e.Critical
		case e.Id.Equal(asn1.ObjectIdentifier{2, 5, 29, 31}):
			sawCDP = !e.Critical && bytes.Contains(e.Value, []byte("SignCRL01"))
		case e.Id.Equal(asn1.ObjectIdentifier{2, 5, 29, 15}):
			sawKU = e.Critical
		}
	}
	if !sawPolicy || !sawCDP || !sawKU {
		t.Errorf("policy critical %v, CDP dirName %v, key usage critical %v", sawPolicy, sawCDP, sawKU)
	}
	if len(s.Policies) != 1 || s.Policies[0].String() != "1.2.392.200149.8.5.1.0.20" {
		t.Errorf("policies %v", s.Policies)
	}
	attrs, err := jpki.DecodeSAN(s)
	if err != nil {
		t.Fatal(err)
	}
	want := jpki.Attributes{Name: testHolder.Name, Sex: "2", Birth: "419900101", Address: testHolder.Address}
	if attrs != want {
		t.Errorf("SAN %+v", attrs)
	}
	if _, err := jpki.DecodeSAN(p.AuthCert); !errors.Is(err, jpki.ErrNoSAN) {
		t.Errorf("auth cert SAN: %v", err)
	}
	if !p.SignKey.PublicKey.Equal(s.PublicKey) {
		t.Error("sign cert does not hold the sign key")
	}

	// Go's verifier accepts the chain at now (it understands the critical
	// policies extension) and the auth chain likewise.
	roots := x509.NewCertPool()
	roots.AddCert(p.SignCA.Cert)
	if _, err := s.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		t.Errorf("sign chain: %v", err)
	}
	if err := p.AuthCert.CheckSignatureFrom(p.AuthCA.Cert); err != nil {
		t.Errorf("auth chain: %v", err)
	}
	if time.Until(s.NotAfter) < 4*365*24*time.Hour {
		t.Errorf("sign cert ends %v, want about 5 years", s.NotAfter)
	}

	crl, err := x509.ParseRevocationList(p.CRL)
	if err != nil || crl.CheckSignatureFrom(p.SignCA.Cert) != nil || len(crl.RevokedCertificateEntries) != 0 {
		t.Fatalf("CRL: %v, %d entries", err, len(crl.RevokedCertificateEntries))
	}
}

func TestPKIExpiredRevoked(t *testing.T) {
	base := sharedPKI(t)
	now := time.Now()
	p, err := NewPKI(reuse(base, PKIOptions{Holder: testHolder, Now: now, SignExpired: true, SignRevoked: true, RevokeReason: 3}))
	if err != nil {
		t.Fatal(err)
	}
	if !p.SignCert.NotAfter.Before(now) {
		t.Errorf("expired cert ends %v", p.SignCert.NotAfter)
	}
	crl, err := x509.ParseRevocationList(p.CRL)
	if err != nil {
		t.Fatal(err)
	}
	if len(crl.RevokedCertificateEntries) != 1 || crl.RevokedCertificateEntries[0].SerialNumber.Cmp(p.SignCert.SerialNumber) != 0 ||
		crl.RevokedCertificateEntries[0].ReasonCode != 3 {
		t.Errorf("CRL entries %+v", crl.RevokedCertificateEntries)
	}
	if _, err := NewPKI(reuse(base, PKIOptions{Holder: testHolder, RevokeReason: 7})); !errors.Is(err, ErrPKI) {
		t.Errorf("reason 7: %v", err)
	}
	bad := testHolder
	bad.Sex = "3"
	if _, err := NewPKI(reuse(base, PKIOptions{Holder: bad})); !errors.Is(err, ErrPKI) {
		t.Errorf("sex 3: %v", err)
	}
}

func TestPKISaveLoad(t *testing.T) {
	p := sharedPKI(t)
	dir := t.TempDir()
	if err := SavePKI(dir, p); err != nil {
		t.Fatal(err)
	}
	q, err := LoadPKI(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !q.SignCert.Equal(p.SignCert) || !q.AuthCert.Equal(p.AuthCert) || !q.SignCA.Cert.Equal(p.SignCA.Cert) ||
		!q.SignKey.Equal(p.SignKey) || !q.AuthCA.Key.Equal(p.AuthCA.Key) || !bytes.Equal(q.CRL, p.CRL) {
		t.Fatal("loaded PKI differs")
	}
	if fi, err := os.Stat(filepath.Join(dir, FileSignKey)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v %v", fi.Mode(), err)
	}
	// A key that does not belong to its certificate is refused.
	k, _ := os.ReadFile(filepath.Join(dir, FileAuthKey))
	if err := os.WriteFile(filepath.Join(dir, FileSignKey), k, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadPKI(dir); !errors.Is(err, ErrPKI) {
		t.Errorf("swapped key: %v", err)
	}
	if _, err := LoadPKI(t.TempDir()); err == nil {
		t.Error("empty dir loaded")
	}
}

// openssl, the reference implementation, accepts the test chain.
func TestPKIOpenSSL(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("openssl not installed: CI must run the interop check")
		}
		t.Skip("openssl not installed")
	}
	p := sharedPKI(t)
	dir := t.TempDir()
	if err := SavePKI(dir, p); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("openssl", "verify", "-policy_check", "-policy", "1.2.392.200149.8.5.1.0.20", "-explicit_policy",
		"-CAfile", filepath.Join(dir, FileSignCACert), filepath.Join(dir, FileSignCert)).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl verify: %v\n%s", err, out)
	}
}

func TestSplitAddress(t *testing.T) {
	for addr, want := range map[string][2]string{
		"東京都千代田区霞が関1-2-3": {"東京都", "千代田区"},
		"京都府京都市中京区":       {"京都府", "京都市"},
		"北海道札幌市中央区":       {"北海道", "札幌市"},
		"神奈川県横浜市西区":       {"神奈川県", "横浜市"},
		"Somewhere":       {"不明", "不明"},
	} {
		p, c := splitAddress(addr)
		if p != want[0] || c != want[1] {
			t.Errorf("%s -> %s %s", addr, p, c)
		}
	}
}

// rdnString writes a DER Name as type=value per RDN, failing on a
// multi-valued RDN.
func rdnString(t *testing.T, raw []byte) string {
	t.Helper()
	var seq pkix.RDNSequence
	if rest, err := asn1.Unmarshal(raw, &seq); err != nil || len(rest) > 0 {
		t.Fatalf("name: %v", err)
	}
	short := map[string]string{"2.5.4.6": "C", "2.5.4.10": "O", "2.5.4.11": "OU", "2.5.4.7": "L", "2.5.4.3": "CN"}
	var parts []string
	for _, rdn := range seq {
		if len(rdn) != 1 {
			t.Fatalf("multi-valued RDN %v", rdn)
		}
		parts = append(parts, short[rdn[0].Type.String()]+"="+fmt.Sprint(rdn[0].Value))
	}
	return strings.Join(parts, "/")
}
