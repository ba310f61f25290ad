package verify

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/cms"
	"github.com/mynadesk/mynadesk/jpki"
	"github.com/mynadesk/mynadesk/jpki/jpkitest"
)

var content = []byte("registered=2026-11-22T10:00:00+09:00 login=hanako nonce=8f3a")

// check runs Verify and asserts the sentinel, code and outcome agree.
func check(t *testing.T, signed []byte, opts Options, want error) Result {
	t.Helper()
	res, err := Verify(context.Background(), signed, opts)
	if want == nil {
		if err != nil || res.Outcome != Valid || res.Code != "" {
			t.Fatalf("want valid, got %v (outcome %s code %s)", err, res.Outcome, res.Code)
		}
		return res
	}
	if !errors.Is(err, want) {
		t.Fatalf("want %v, got %v", want, err)
	}
	var e *Error
	if !errors.As(err, &e) || res.Code != e.Code() || res.Code != codes[want] || res.Outcome != e.Outcome() {
		t.Fatalf("error %v: result code %q outcome %q, error code %q", err, res.Code, res.Outcome, CodeOf(err))
	}
	return res
}

func TestValid(t *testing.T) {
	f := fx(t)
	opts := Options{Roots: f.roots, Revocation: []RevocationChecker{f.emptyCRLs(t)}, Held: &f.heldMatching}
	res := check(t, f.sign(t, content, f.base.SignCert), opts, nil)
	if !bytes.Equal(res.Content, content) || !res.Cert.Equal(f.base.SignCert) || !res.Root.Equal(f.gen1.Cert) {
		t.Errorf("result content/cert/root wrong")
	}
	if res.Attributes.Birth != "419900101" || res.Revocation == nil || res.Revocation.Revoked || res.Revocation.Source != "crl" {
		t.Errorf("attributes %+v revocation %+v", res.Attributes.Birth, res.Revocation)
	}
	if !res.SigningTime.Equal(f.now.Truncate(time.Second)) {
		t.Errorf("signing time %v", res.SigningTime)
	}
	// Detached: content given separately; attached content must equal it.
	det := buildCMS(t, cmsSpec{content: content, detached: true, certs: []*x509.Certificate{f.base.SignCert},
		signers: []signerSpec{{cert: f.base.SignCert, key: f.signKey}}})
	o := opts
	o.Content = content
	check(t, det, o, nil)
	o.Content = []byte("other")
	check(t, det, o, ErrBadSignature)
	check(t, f.sign(t, content, f.base.SignCert), o, ErrBadSignature)
	o.Content = nil
	check(t, det, o, ErrMalformed)
	// PEM-wrapped payloads are accepted.
	check(t, pem.EncodeToMemory(&pem.Block{Type: "CMS", Bytes: f.sign(t, content, f.base.SignCert)}), opts, nil)
	check(t, append([]byte("\n "), pem.EncodeToMemory(&pem.Block{Type: "PKCS7", Bytes: f.sign(t, content, f.base.SignCert)})...), opts, nil)
	// No Held: the one-PIN variant, attributes come from the certificate.
	o = opts
	o.Held = nil
	check(t, f.sign(t, content, f.base.SignCert), o, nil)
}

// cms.Sign's output (what the desktop app sends) verifies, attached and
// detached.
func TestVerifiesCMSPackage(t *testing.T) {
	f := fx(t)
	opts := Options{Roots: f.roots, Revocation: []RevocationChecker{f.emptyCRLs(t)}, Held: &f.heldMatching}
	att, err := cms.Sign(context.Background(), content, f.base.SignCert, f.signKey, cms.Options{})
	if err != nil {
		t.Fatal(err)
	}
	check(t, att, opts, nil)
	det, err := cms.Sign(context.Background(), content, f.base.SignCert, f.signKey, cms.Options{Detached: true})
	if err != nil {
		t.Fatal(err)
	}
	opts.Content = content
	check(t, det, opts, nil)
}

// Every generation of the root has the same name; the issuer is found by
// signature.
func TestRootGenerations(t *testing.T) {
	f := fx(t)
	p2 := f.pki(t, jpkitest.PKIOptions{SignCA: f.gen2})
	if !bytes.Equal(f.gen1.Cert.RawSubject, f.gen2.Cert.RawSubject) {
		t.Fatal("generations should share a name")
	}
	opts := Options{Roots: f.roots, Revocation: []RevocationChecker{f.emptyCRLs(t)}}
	res := check(t, f.sign(t, content, p2.SignCert), opts, nil)
	if !res.Root.Equal(f.gen2.Cert) {
		t.Error("wrong generation chosen")
	}
	only1, err := NewRoots(Test, f.gen1.Cert)
	if err != nil {
		t.Fatal(err)
	}
	opts.Roots = only1
	check(t, f.sign(t, content, p2.SignCert), opts, ErrUnknownCA)
	// The auth root is not a signing root.
	auth := buildCMS(t, cmsSpec{content: content, certs: []*x509.Certificate{f.base.AuthCert},
		signers: []signerSpec{{cert: f.base.AuthCert, key: f.otherKey}}})
	check(t, auth, opts, ErrUnknownCA)
}

func TestExpired(t *testing.T) {
	f := fx(t)
	p := f.pki(t, jpkitest.PKIOptions{SignExpired: true})
	opts := Options{Roots: f.roots, Revocation: []RevocationChecker{f.emptyCRLs(t)}, Held: &f.heldMatching}
	check(t, f.sign(t, content, p.SignCert), opts, ErrExpired)
	// Backdated: the signer claims a time inside the validity; the
	// verifier's clock decides.
	back := buildCMS(t, cmsSpec{content: content, certs: []*x509.Certificate{p.SignCert},
		signers: []signerSpec{{cert: p.SignCert, key: f.signKey, signingTime: p.SignCert.NotAfter.Add(-24 * time.Hour)}}})
	res := check(t, back, opts, ErrExpired)
	if res.Code != "21" || res.Outcome != Expired {
		t.Errorf("code %s outcome %s", res.Code, res.Outcome)
	}
	// And a valid certificate checked with a clock past its end.
	opts.Now = f.base.SignCert.NotAfter.Add(time.Hour)
	check(t, f.sign(t, content, f.base.SignCert), opts, ErrExpired)
	opts.Now = f.base.SignCert.NotBefore.Add(-time.Hour)
	check(t, f.sign(t, content, f.base.SignCert), opts, ErrNotYetValid)
}

func TestRevokedEachReason(t *testing.T) {
	f := fx(t)
	for _, reason := range []int{1, 3, 4, 5, 6} {
		p := f.pki(t, jpkitest.PKIOptions{SignRevoked: true, RevokeReason: reason})
		idx := f.crlIndex(t, p.CRL)
		res := check(t, f.sign(t, content, p.SignCert), Options{Roots: f.roots, Revocation: []RevocationChecker{idx}}, ErrRevoked)
		if res.Code != "23" || res.Outcome != Revoked || res.Revocation == nil || res.Revocation.Reason != reason || res.Revocation.RevokedAt.IsZero() {
			t.Errorf("reason %d: code %s revocation %+v", reason, res.Code, res.Revocation)
		}
		// The valid base certificate is not in that CRL.
		check(t, f.sign(t, content, f.base.SignCert), Options{Roots: f.roots, Revocation: []RevocationChecker{idx}}, nil)
	}
}

func TestRevocationCannotCheck(t *testing.T) {
	f := fx(t)
	signed := f.sign(t, content, f.base.SignCert)
	// Nothing configured.
	check(t, signed, Options{Roots: f.roots}, ErrRevocationUnknown)
	// A stale CRL: past nextUpdate.
	stale, err := f.gen1.IssueCRL(nil, f.now.Add(-48*time.Hour), f.now.Add(-24*time.Hour), 1)
	if err != nil {
		t.Fatal(err)
	}
	check(t, signed, Options{Roots: f.roots, Revocation: []RevocationChecker{f.crlIndex(t, stale)}}, ErrRevocationUnknown)
	// A CRL of the other generation only.
	other, _ := f.gen2.IssueCRL(nil, f.now.Add(-time.Hour), f.now.Add(time.Hour), 1)
	check(t, signed, Options{Roots: f.roots, Revocation: []RevocationChecker{f.crlIndex(t, other)}}, ErrRevocationUnknown)
	// A fresh CRL replaces the stale one.
	x := f.crlIndex(t, stale)
	fresh, _ := f.gen1.IssueCRL(nil, f.now.Add(-time.Hour), f.now.Add(time.Hour), 2)
	if _, err := x.Add(fresh); err != nil {
		t.Fatal(err)
	}
	if _, err := x.Add(stale); err != nil { // older: ignored
		t.Fatal(err)
	}
	check(t, signed, Options{Roots: f.roots, Revocation: []RevocationChecker{x}}, nil)
}

func TestMismatchEachField(t *testing.T) {
	f := fx(t)
	opts := Options{Roots: f.roots, Revocation: []RevocationChecker{f.emptyCRLs(t)}}
	signed := f.sign(t, content, f.base.SignCert)
	for field, mut := range map[jpki.Field]func(a *jpki.Attributes){
		jpki.FieldName:    func(a *jpki.Attributes) { a.Name = "公的 太郎" },
		jpki.FieldAddress: func(a *jpki.Attributes) { a.Address = "東京都千代田区霞が関1-2-4" },
		jpki.FieldBirth:   func(a *jpki.Attributes) { a.Birth = "19900102" },
		jpki.FieldSex:     func(a *jpki.Attributes) { a.Sex = "1" },
	} {
		held := f.heldMatching
		mut(&held)
		opts.Held = &held
		res := check(t, signed, opts, ErrMismatch)
		if !reflect.DeepEqual(res.Differ, []jpki.Field{field}) || res.Outcome != Mismatch || res.Code != assets.CodeSigMismatch {
			t.Errorf("%s: differ %v outcome %s", field, res.Differ, res.Outcome)
		}
	}
	// Revoked outranks mismatch: Code 23 is what the resident must act on.
	p := f.pki(t, jpkitest.PKIOptions{SignRevoked: true, RevokeReason: 3})
	held := f.heldMatching
	held.Address = "大阪府"
	check(t, f.sign(t, content, p.SignCert), Options{Roots: f.roots, Revocation: []RevocationChecker{f.crlIndex(t, p.CRL)}, Held: &held}, ErrRevoked)
}

// A character the certificate holds as a substitute (外字) matches whatever
// the service holds in that position.
func TestSubstituteCharacters(t *testing.T) {
	f := fx(t)
	p := f.pki(t, jpkitest.PKIOptions{Holder: jpkitest.Holder{Name: "〓橋\u3000花子", NameSubst: "10000",
		Address: "東京都〓区1-2", AddressSubst: "00010000", Birth: "19900101", Sex: "2"}})
	opts := Options{Roots: f.roots, Revocation: []RevocationChecker{f.emptyCRLs(t)},
		Held: &jpki.Attributes{Name: "髙橋 花子", Address: "東京都港区１－２", Birth: "19900101", Sex: "2"}}
	check(t, f.sign(t, content, p.SignCert), opts, nil)
	opts.Held.Name = "髙崎 花子"
	res := check(t, f.sign(t, content, p.SignCert), opts, ErrMismatch)
	if !reflect.DeepEqual(res.Differ, []jpki.Field{jpki.FieldName}) {
		t.Errorf("differ %v", res.Differ)
	}
}

func TestCertificateChecks(t *testing.T) {
	f := fx(t)
	opts := Options{Roots: f.roots, Revocation: []RevocationChecker{f.emptyCRLs(t)}}
	prodPolicy, _ := policyExt(jpki.OIDPolicySignProduction)
	for name, tc := range map[string]struct {
		mut  func(c *x509.Certificate)
		want error
	}{
		"production policy on a test root": {func(c *x509.Certificate) { replaceExt(c, oidPolicies, &prodPolicy) }, ErrPolicy},
		"no policy":                        {func(c *x509.Certificate) { replaceExt(c, oidPolicies, nil) }, ErrPolicy},
		"digitalSignature only":            {func(c *x509.Certificate) { c.KeyUsage = x509.KeyUsageDigitalSignature }, ErrKeyUsage},
		"no SAN":                           {func(c *x509.Certificate) { replaceExt(c, jpki.OIDSubjectAltName, nil) }, ErrNotSigningCert},
		"malformed SAN": {func(c *x509.Certificate) {
			replaceExt(c, jpki.OIDSubjectAltName, nil)
			c.ExtraExtensions = append(c.ExtraExtensions, pkixExt(jpki.OIDSubjectAltName, []byte{0x30, 0x03, 0xa0, 0x01, 0x00}))
		}, ErrNotSigningCert},
		"unhandled critical extension": {func(c *x509.Certificate) {
			e := pkixExt(asn1.ObjectIdentifier{1, 2, 3, 4}, []byte{0x05, 0x00})
			e.Critical = true
			c.ExtraExtensions = append(c.ExtraExtensions, e)
		}, ErrPolicy},
		"control: unchanged": {func(c *x509.Certificate) {}, nil},
	} {
		t.Run(name, func(t *testing.T) {
			c := f.issueCustom(t, f.gen1, tc.mut)
			check(t, f.sign(t, content, c), opts, tc.want)
		})
	}
	// A production config refuses test roots outright.
	if _, err := NewRoots(Production, f.gen1.Cert); !errors.Is(err, ErrNotProductionRoot) {
		t.Errorf("production roots accepted a test root: %v", err)
	}
}

func TestBadInput(t *testing.T) {
	f := fx(t)
	opts := Options{Roots: f.roots, Revocation: []RevocationChecker{f.emptyCRLs(t)}}
	good := f.sign(t, content, f.base.SignCert)
	cert := f.base.SignCert
	one := signerSpec{cert: cert, key: f.signKey}
	tampered := bytes.Clone(good)
	i := bytes.Index(tampered, content)
	tampered[i] ^= 0x01
	sigFlip := bytes.Clone(good)
	sigFlip[len(sigFlip)-5] ^= 0x01
	for name, tc := range map[string]struct {
		in   []byte
		want error
	}{
		"empty":            {nil, ErrMalformed},
		"garbage":          {[]byte("this is not a signature"), ErrMalformed},
		"truncated":        {good[:len(good)/2], ErrMalformed},
		"trailing data":    {append(bytes.Clone(good), 0), ErrMalformed},
		"one byte":         {good[:1], ErrMalformed},
		"zero signers":     {buildCMS(t, cmsSpec{content: content, certs: []*x509.Certificate{cert}}), ErrSignerCount},
		"two signers":      {buildCMS(t, cmsSpec{content: content, certs: []*x509.Certificate{cert}, signers: []signerSpec{one, one}}), ErrSignerCount},
		"no certificate":   {buildCMS(t, cmsSpec{content: content, signers: []signerSpec{one}}), ErrMalformed},
		"no signed attrs":  {buildCMS(t, cmsSpec{content: content, certs: []*x509.Certificate{cert}, signers: []signerSpec{{cert: cert, key: f.signKey, noAttrs: true}}}), ErrMalformed},
		"tampered content": {tampered, ErrBadSignature},
		"tampered sig":     {sigFlip, ErrBadSignature},
		"digest of other":  {buildCMS(t, cmsSpec{content: content, certs: []*x509.Certificate{cert}, signers: []signerSpec{{cert: cert, key: f.signKey, badDigest: true}}}), ErrBadSignature},
		"wrong key":        {buildCMS(t, cmsSpec{content: content, certs: []*x509.Certificate{cert}, signers: []signerSpec{{cert: cert, key: f.otherKey}}}), ErrBadSignature},
		"sha1 digest":      {buildCMS(t, cmsSpec{content: content, certs: []*x509.Certificate{cert}, signers: []signerSpec{{cert: cert, key: f.signKey, digestOID: oidSHA1, hash: cryptoSHA1}}}), ErrAlgorithm},
		"not id-data":      {buildCMS(t, cmsSpec{content: content, contentType: asn1.ObjectIdentifier{1, 2, 3}, certs: []*x509.Certificate{cert}, signers: []signerSpec{one}}), ErrMalformed},
		"oversized":        {make([]byte, MaxInputSize+1), ErrTooLarge},
		"bad PEM":          {[]byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), ErrMalformed},
		"unknown CA": {func() []byte {
			p := f.pki(t, jpkitest.PKIOptions{SignCA: f.authCA}) // a root not in f.roots
			return f.sign(t, content, p.SignCert)
		}(), ErrUnknownCA},
	} {
		t.Run(name, func(t *testing.T) { check(t, tc.in, opts, tc.want) })
	}
	if _, err := Verify(context.Background(), good, Options{}); err == nil {
		t.Error("no roots accepted")
	}
}

// openssl cms -sign with the test PKI's files makes payloads Verify accepts.
func TestOpenSSLSignedVerifies(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("openssl not installed: CI must run the interop check")
		}
		t.Skip("openssl not installed")
	}
	f := fx(t)
	dir := t.TempDir()
	if err := jpkitest.SavePKI(dir, f.base); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "content.txt")
	if err := os.WriteFile(in, content, 0o600); err != nil {
		t.Fatal(err)
	}
	opts := Options{Roots: f.roots, Revocation: []RevocationChecker{f.emptyCRLs(t)}, Held: &f.heldMatching}
	for _, detached := range []bool{false, true} {
		out := filepath.Join(dir, "out.p7s")
		args := []string{"cms", "-sign", "-binary", "-md", "sha256", "-outform", "DER", "-in", in, "-out", out,
			"-signer", filepath.Join(dir, jpkitest.FileSignCert), "-inkey", filepath.Join(dir, jpkitest.FileSignKey)}
		if !detached {
			args = append(args, "-nodetach")
		}
		if b, err := exec.Command("openssl", args...).CombinedOutput(); err != nil {
			t.Fatalf("openssl: %v\n%s", err, b)
		}
		signed, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		o := opts
		if detached {
			o.Content = content
		}
		res := check(t, signed, o, nil)
		if !bytes.Equal(res.Content, content) || res.SigningTime.IsZero() {
			t.Errorf("detached %v: content %q signing time %v", detached, res.Content, res.SigningTime)
		}
	}
}

// Every code Verify can give has a catalogue entry with Japanese and English
// texts and a remedy.
func TestCodesInCatalogue(t *testing.T) {
	registered := assets.Codes()
	for kind, code := range codes {
		if !slices.Contains(registered, code) {
			t.Errorf("%v: code %s not in the catalogue", kind, code)
			continue
		}
		e := assets.Lookup(code)
		if e.Title.JA == "" || e.Title.EN == "" || e.Message.JA == "" || e.Message.EN == "" || len(e.Remedies) == 0 {
			t.Errorf("code %s: incomplete entry", code)
		}
	}
	if got := assets.Lookup(assets.CodeSigRevoked).Message.JA; got != "証明書が失効されています。マイナンバーカードを更新の上、再度、署名確認を行ってください。" {
		t.Errorf("23 message %q", got)
	}
	if got := assets.Lookup(assets.CodeSigRevoked).Title.JA; got != "失効済みのマイナンバーカードの可能性があります。(Code: 23)" {
		t.Errorf("23 title %q", got)
	}
	if got := assets.Lookup(assets.CodeSigMismatch).Title.JA; got != "入力された利用者情報と読み取られたカードの情報が一致しません" {
		t.Errorf("mismatch title %q", got)
	}
	for _, r := range []int{1, 3, 4, 5, 6} {
		if _, ok := assets.RevocationRemedy(r); !ok {
			t.Errorf("no remedy for reason %d", r)
		}
	}
	// Distinct codes for distinct kinds.
	seen := map[assets.Code]bool{}
	for _, c := range codes {
		if seen[c] {
			t.Errorf("code %s used twice", c)
		}
		seen[c] = true
	}
}

func TestLoadRoots(t *testing.T) {
	f := fx(t)
	dir := t.TempDir()
	if err := jpkitest.SavePKI(dir, f.base); err != nil {
		t.Fatal(err)
	}
	// Another generation as DER in the same directory; keys and the CRL are
	// not certificates and are skipped by extension.
	if err := os.WriteFile(filepath.Join(dir, "gen2.der"), f.gen2.Cert.Raw, 0o600); err != nil {
		t.Fatal(err)
	}
	// The leaf certificates are not CAs: keep only roots in the directory.
	for _, leaf := range []string{jpkitest.FileSignCert, jpkitest.FileAuthCert} {
		if err := os.Remove(filepath.Join(dir, leaf)); err != nil {
			t.Fatal(err)
		}
	}
	r, err := LoadRoots(Test, dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(r.Certificates()); got != 3 { // sign gen1, auth, sign gen2
		t.Fatalf("%d roots", got)
	}
	if _, err := LoadRoots(Production, dir); !errors.Is(err, ErrNotProductionRoot) {
		t.Errorf("production: %v", err)
	}
	if _, err := LoadRoots(Test, filepath.Join(dir, "missing.pem")); err == nil {
		t.Error("missing file accepted")
	}
	if err := os.WriteFile(filepath.Join(dir, "leaf.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: f.base.SignCert.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadRoots(Test, dir); err == nil {
		t.Error("a leaf certificate accepted as a root")
	}
}

// J-LIS has three signing-root generations with one name (2015, expired
// 2025-10-19; 2019; 2023): each certificate chains to the one whose key
// signed it, and a certificate of the expired generation is Code 21.
func TestThreeSameNamedRootGenerations(t *testing.T) {
	f := fx(t)
	gen2015, err := jpkitest.NewSignCA(time.Date(2016, 10, 19, 0, 0, 0, 0, time.UTC)) // valid 2015-10-19 → 2025-10-19
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(gen2015.Cert.RawSubject, f.gen1.Cert.RawSubject) || !bytes.Equal(f.gen2.Cert.RawSubject, f.gen1.Cert.RawSubject) {
		t.Fatal("the three generations must share one name")
	}
	roots, err := NewRoots(Test, gen2015.Cert, f.gen1.Cert, f.gen2.Cert)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(roots.Certificates()); n != 3 {
		t.Fatalf("%d roots kept", n)
	}
	var crls [][]byte
	issuedAt := time.Date(2021, 4, 1, 0, 0, 0, 0, time.UTC)
	for _, ca := range []*jpkitest.CA{gen2015, f.gen1, f.gen2} {
		now := f.now
		if ca == gen2015 {
			now = issuedAt
		}
		c, err := ca.IssueCRL(nil, now.Add(-time.Hour), now.Add(23*time.Hour), 1)
		if err != nil {
			t.Fatal(err)
		}
		crls = append(crls, c)
	}
	idx := NewCRLIndex(roots)
	for _, c := range crls {
		if _, err := idx.Add(c); err != nil {
			t.Fatal(err)
		}
	}
	opts := Options{Roots: roots, Revocation: []RevocationChecker{idx}, Now: f.now}
	for _, ca := range []*jpkitest.CA{f.gen1, f.gen2} {
		p := f.pki(t, jpkitest.PKIOptions{SignCA: ca})
		res := check(t, f.sign(t, content, p.SignCert), opts, nil)
		if !res.Root.Equal(ca.Cert) {
			t.Errorf("chained to %v, want the generation that signed it", res.Root.NotBefore)
		}
	}
	old := f.pki(t, jpkitest.PKIOptions{SignCA: gen2015, Now: issuedAt})
	res := check(t, f.sign(t, content, old.SignCert), opts, ErrExpired)
	if !res.Root.Equal(gen2015.Cert) || res.Code != "21" {
		t.Errorf("2015 generation: root %v code %s", res.Root.NotBefore, res.Code)
	}
	// While the 2015 generation was valid, its certificates verified.
	opts.Now = issuedAt.Add(time.Hour)
	opts.Revocation = []RevocationChecker{idx}
	if res := check(t, f.sign(t, content, old.SignCert), opts, nil); !res.Root.Equal(gen2015.Cert) {
		t.Error("wrong generation in 2021")
	}
	// The fingerprint table knows all three generations; the two published
	// fingerprints are pinned.
	if len(SigningRootGenerations) != 3 || len(ProductionRoots) != 2 {
		t.Fatalf("%d generations, %d pinned", len(SigningRootGenerations), len(ProductionRoots))
	}
	for _, g := range SigningRootGenerations[1:] {
		if _, ok := ProductionRoots[g.SHA256]; !ok {
			t.Errorf("%s not pinned", g.Name)
		}
	}
	if _, err := NewRoots(Production, gen2015.Cert); !errors.Is(err, ErrNotProductionRoot) {
		t.Fatalf("a test root in production: %v", err)
	}
}
