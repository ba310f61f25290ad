package verify

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/jpki"
	"github.com/mynadesk/mynadesk/jpki/jpkitest"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// The fixture: RSA-2048 key generation is slow, so every test shares two
// generations of the signing root (same name), the auth root, and one key
// pair per role; certificates are cheap and made per case.
type fixture struct {
	now          time.Time
	gen1, gen2   *jpkitest.CA
	authCA       *jpkitest.CA
	signKey      *rsa.PrivateKey
	otherKey     *rsa.PrivateKey
	base         *jpkitest.PKI // valid card under gen1
	roots        *Roots        // gen1 + gen2, test mode
	holder       jpkitest.Holder
	heldMatching jpki.Attributes // input-helper forms, spelled differently
}

var (
	fixOnce sync.Once
	fixVal  *fixture
	fixErr  error
)

func fx(t testing.TB) *fixture {
	t.Helper()
	fixOnce.Do(func() { fixVal, fixErr = newFixture() })
	if fixErr != nil {
		t.Fatal(fixErr)
	}
	return fixVal
}

func newFixture() (*fixture, error) {
	f := &fixture{now: time.Now()}
	f.holder = jpkitest.Holder{Name: "公的\u3000花子", Address: "東京都千代田区霞が関1-2-3", Birth: "19900101", Sex: "2"}
	f.heldMatching = jpki.Attributes{Name: "公的 花子", Address: "東京都千代田区霞が関１ー２ー３", Birth: "19900101", Sex: "2"}
	var err error
	if f.base, err = jpkitest.NewPKI(jpkitest.PKIOptions{Holder: f.holder, Now: f.now}); err != nil {
		return nil, err
	}
	f.gen1, f.authCA, f.signKey = f.base.SignCA, f.base.AuthCA, f.base.SignKey
	f.otherKey = f.base.AuthKey
	if f.gen2, err = jpkitest.NewSignCA(f.now); err != nil {
		return nil, err
	}
	if f.roots, err = NewRoots(Test, f.gen1.Cert, f.gen2.Cert); err != nil {
		return nil, err
	}
	return f, nil
}

// pki makes a card PKI from the shared roots and keys.
func (f *fixture) pki(t testing.TB, o jpkitest.PKIOptions) *jpkitest.PKI {
	t.Helper()
	if o.Holder == (jpkitest.Holder{}) {
		o.Holder = f.holder
	}
	if o.Now.IsZero() {
		o.Now = f.now
	}
	if o.SignCA == nil {
		o.SignCA = f.gen1
	}
	o.AuthCA, o.SignKey, o.AuthKey = f.authCA, f.signKey, f.otherKey
	p, err := jpkitest.NewPKI(o)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// crlIndex loads the given DER CRLs.
func (f *fixture) crlIndex(t testing.TB, crls ...[]byte) *CRLIndex {
	t.Helper()
	x := NewCRLIndex(f.roots)
	for _, c := range crls {
		if _, err := x.Add(c); err != nil {
			t.Fatal(err)
		}
	}
	return x
}

// emptyCRLs are fresh CRLs of both generations listing nothing.
func (f *fixture) emptyCRLs(t testing.TB) *CRLIndex {
	t.Helper()
	var out [][]byte
	for _, ca := range []*jpkitest.CA{f.gen1, f.gen2} {
		c, err := ca.IssueCRL(nil, f.now.Add(-time.Hour), f.now.Add(23*time.Hour), 1)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return f.crlIndex(t, out...)
}

// cmsSpec describes a SignedData the test builder writes: unlike cms.Sign it
// can backdate signingTime and make every defect a verifier must refuse.
type cmsSpec struct {
	content     []byte
	detached    bool
	contentType asn1.ObjectIdentifier // default id-data
	certs       []*x509.Certificate
	signers     []signerSpec
}

type signerSpec struct {
	cert        *x509.Certificate
	key         *rsa.PrivateKey
	digestOID   asn1.ObjectIdentifier // default SHA-256
	hash        crypto.Hash           // default SHA-256
	signingTime time.Time             // zero: none
	noAttrs     bool
	badDigest   bool // messageDigest of other content
}

var (
	oidSHA1 = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
)

func buildCMS(t testing.TB, s cmsSpec) []byte {
	t.Helper()
	ct := s.contentType
	if ct == nil {
		ct = oidData
	}
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(oidSignedData)
		b.AddASN1(tagExplicit0, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1Int64(1)
				b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
					for _, sg := range s.signers {
						addAlg(b, orDefault(sg.digestOID, oidSHA256))
					}
				})
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1ObjectIdentifier(ct)
					if !s.detached {
						b.AddASN1(tagExplicit0, func(b *cryptobyte.Builder) { b.AddASN1OctetString(s.content) })
					}
				})
				if len(s.certs) > 0 {
					b.AddASN1(tagImplicit0, func(b *cryptobyte.Builder) {
						for _, c := range s.certs {
							b.AddBytes(c.Raw)
						}
					})
				}
				b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
					for _, sg := range s.signers {
						addSigner(t, b, ct, s.content, sg)
					}
				})
			})
		})
	})
	return b.BytesOrPanic()
}

func orDefault(o, d asn1.ObjectIdentifier) asn1.ObjectIdentifier {
	if o == nil {
		return d
	}
	return o
}

func addAlg(b *cryptobyte.Builder, oid asn1.ObjectIdentifier) {
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(oid)
		b.AddASN1NULL()
	})
}

func addSigner(t testing.TB, b *cryptobyte.Builder, ct asn1.ObjectIdentifier, content []byte, sg signerSpec) {
	h := sg.hash
	if h == 0 {
		h = crypto.SHA256
	}
	digest := func(d []byte) []byte {
		if h == crypto.SHA1 {
			s := sha1.Sum(d)
			return s[:]
		}
		s := sha256.Sum256(d)
		return s[:]
	}
	md := digest(content)
	if sg.badDigest {
		md = digest(append([]byte("other "), content...))
	}
	attrs := cryptobyte.NewBuilder(nil)
	attrs.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(oidContentType)
			b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(ct) })
		})
		if !sg.signingTime.IsZero() {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1ObjectIdentifier(oidSigningTime)
				b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { b.AddASN1UTCTime(sg.signingTime.UTC()) })
			})
		}
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(oidMessageDigest)
			b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { b.AddASN1OctetString(md) })
		})
	})
	attrDER := attrs.BytesOrPanic()
	toSign := digest(attrDER)
	if sg.noAttrs {
		toSign = md
	}
	sig, err := rsa.SignPKCS1v15(rand.Reader, sg.key, h, toSign)
	if err != nil {
		t.Fatal(err)
	}
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(1)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddBytes(sg.cert.RawIssuer)
			b.AddASN1BigInt(sg.cert.SerialNumber)
		})
		addAlg(b, orDefault(sg.digestOID, oidSHA256))
		if !sg.noAttrs {
			// [0] IMPLICIT: the SET's contents under tag A0.
			b.AddASN1(tagImplicit0, func(b *cryptobyte.Builder) {
				in := cryptobyte.String(attrDER)
				var body cryptobyte.String
				in.ReadASN1(&body, cbasn1.SET)
				b.AddBytes(body)
			})
		}
		addAlg(b, oidRSA)
		b.AddASN1OctetString(sig)
	})
}

// issueCustom makes a certificate under ca from the base signing
// certificate with changes, for policy, key usage and SAN cases.
func (f *fixture) issueCustom(t testing.TB, ca *jpkitest.CA, mut func(c *x509.Certificate)) *x509.Certificate {
	t.Helper()
	base := f.base.SignCert
	tmpl := &x509.Certificate{
		SerialNumber:    big.NewInt(time.Now().UnixNano()),
		Subject:         base.Subject,
		NotBefore:       base.NotBefore,
		NotAfter:        base.NotAfter,
		KeyUsage:        base.KeyUsage,
		ExtraExtensions: nil,
	}
	for _, e := range base.Extensions {
		switch {
		case e.Id.Equal(asn1.ObjectIdentifier{2, 5, 29, 32}), e.Id.Equal(asn1.ObjectIdentifier{2, 5, 29, 31}), e.Id.Equal(jpki.OIDSubjectAltName):
			tmpl.ExtraExtensions = append(tmpl.ExtraExtensions, e)
		}
	}
	mut(tmpl)
	c, err := ca.Issue(tmpl, &f.signKey.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func replaceExt(c *x509.Certificate, id asn1.ObjectIdentifier, e *pkix.Extension) {
	var out []pkix.Extension
	for _, x := range c.ExtraExtensions {
		if x.Id.Equal(id) {
			if e != nil {
				out = append(out, *e)
			}
			continue
		}
		out = append(out, x)
	}
	c.ExtraExtensions = out
}

// sign makes a normal payload for cert with the shared signing key.
func (f *fixture) sign(t testing.TB, content []byte, cert *x509.Certificate) []byte {
	t.Helper()
	return buildCMS(t, cmsSpec{content: content, certs: []*x509.Certificate{cert},
		signers: []signerSpec{{cert: cert, key: f.signKey, signingTime: f.now}}})
}

var oidPolicies = asn1.ObjectIdentifier{2, 5, 29, 32}

const cryptoSHA1 = crypto.SHA1

// policyExt is a critical certificatePolicies extension with one OID.
func policyExt(oid asn1.ObjectIdentifier) (pkix.Extension, error) {
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(oid) })
	})
	v, err := b.Bytes()
	return pkix.Extension{Id: oidPolicies, Critical: true, Value: v}, err
}

func pkixExt(id asn1.ObjectIdentifier, v []byte) pkix.Extension {
	return pkix.Extension{Id: id, Value: v}
}
