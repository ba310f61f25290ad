// Package jpkitest makes a test PKI shaped like JPKI: certificate
// authorities and certificates like the J-LIS ones
// (docs/certificates.md) but named JPKI-TEST and carrying the
// test policy OID, so a production verifier refuses them. The virtual card
// (card/sim) holds what it makes; verify's tests use it without importing
// anything that talks to a card. It is pure Go.
package jpkitest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mynadesk/mynadesk/jpki"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Holder is the card holder as the input-helper applet holds the data:
// Birth YYYYMMDD, Sex ISO 5218 ("1", "2", "9"). NameSubst and AddressSubst
// are substitute-character maps (one '0'/'1' per character; '1' = 外字),
// empty for none. NewPKI converts them to certificate forms.
type Holder struct {
	Name, Address, Birth, Sex string
	NameSubst, AddressSubst   string
}

// CA is a test certificate authority: a self-signed root and its key.
type CA struct {
	Cert *x509.Certificate
	Key  *rsa.PrivateKey
}

// PKIOptions says what NewPKI makes.
type PKIOptions struct {
	Holder Holder
	// Now is the issuing time; zero means time.Now().
	Now time.Time
	// SignExpired makes a signing certificate whose validity ended a day
	// before Now.
	SignExpired bool
	// SignRevoked lists the signing certificate in the CRL with RevokeReason
	// (RFC 5280 CRLReason: 1 keyCompromise, 3 affiliationChanged,
	// 4 superseded, 5 cessationOfOperation, 6 certificateHold; 0 writes no
	// reason code).
	SignRevoked  bool
	RevokeReason int
	// SignCA and AuthCA are reused when set; nil makes a new one. Reuse them
	// in tests: RSA-2048 key generation is slow.
	SignCA, AuthCA *CA
	// SignKey and AuthKey are the card's key pairs, reused when set; nil
	// makes new ones.
	SignKey, AuthKey *rsa.PrivateKey
}

// PKI is a virtual card's certificates and keys plus the signing CA's CRL.
type PKI struct {
	SignCA, AuthCA     *CA
	SignCert, AuthCert *x509.Certificate
	SignKey, AuthKey   *rsa.PrivateKey
	// CRL is a DER CRL by the signing CA listing the revoked serials: the
	// signing certificate's when PKIOptions.SignRevoked, else none. Valid
	// from an hour before Now for a day, like J-LIS's daily CRL.
	CRL []byte
}

// Names of the test roots, as J-LIS names its roots but with O=JPKI-TEST:
// one attribute per RDN, in J-LIS's order (pkix.Name's own fields would put
// both OUs into one multi-valued RDN).
var (
	SignCAName = rdns("C", "JP", "O", "JPKI-TEST", "OU", "JPKI for digital signature",
		"OU", "Japan Agency for Local Authority Information Systems")
	AuthCAName = rdns("C", "JP", "O", "JPKI-TEST", "OU", "JPKI for user authentication",
		"OU", "Japan Agency for Local Authority Information Systems")
)

// crlDirName is the directory name in the signing certificate's CRL
// distribution point: J-LIS writes a directory name, no URL.
var crlDirName = rdns("C", "JP", "O", "JPKI-TEST", "OU", "JPKI for digital signature",
	"OU", "CRL Distribution Points", "CN", "SignCRL01")

var attrOIDs = map[string]asn1.ObjectIdentifier{
	"C": {2, 5, 4, 6}, "O": {2, 5, 4, 10}, "OU": {2, 5, 4, 11}, "L": {2, 5, 4, 7}, "CN": {2, 5, 4, 3},
}

// rdns makes a name with one attribute per RDN in the order given (type,
// value pairs). ExtraNames override pkix.Name's fields and keep their order.
func rdns(kv ...string) pkix.Name {
	var n pkix.Name
	for i := 0; i+1 < len(kv); i += 2 {
		n.ExtraNames = append(n.ExtraNames, pkix.AttributeTypeAndValue{Type: attrOIDs[kv[i]], Value: kv[i+1]})
	}
	return n
}

var (
	oidCertificatePolicies = asn1.ObjectIdentifier{2, 5, 29, 32}
	oidCRLDistribution     = asn1.ObjectIdentifier{2, 5, 29, 31}
)

// ErrPKI is wrapped by NewPKI and LoadPKI errors about their input.
var ErrPKI = errors.New("jpkitest: test PKI")

// NewSignCA makes a self-signed RSA-2048 signing root named SignCAName,
// valid from a year before now for ten years. Call it twice for two
// generations with the same name, as J-LIS has.
func NewSignCA(now time.Time) (*CA, error) { return newCA(SignCAName, now) }

// NewAuthCA makes the authentication root named AuthCAName.
func NewAuthCA(now time.Time) (*CA, error) { return newCA(AuthCAName, now) }

func newCA(name pkix.Name, now time.Time) (*CA, error) {
	if now.IsZero() {
		now = time.Now()
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          pkiSerial(),
		Subject:               name,
		NotBefore:             now.AddDate(-1, 0, 0),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		SignatureAlgorithm:    x509.SHA256WithRSA,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &CA{Cert: cert, Key: key}, nil
}

// NewPKI makes a card's test PKI: reuses or makes the two roots and the two
// key pairs, issues the signing certificate (with the holder's attributes in
// its subjectAltName) and the authentication certificate (no personal data),
// and the signing CA's CRL.
func NewPKI(opts PKIOptions) (*PKI, error) {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	h := opts.Holder
	certAttrs, err := jpki.FromHelper(jpki.Attributes{Name: h.Name, NameSubst: h.NameSubst, Sex: h.Sex,
		Birth: h.Birth, Address: h.Address, AddressSubst: h.AddressSubst})
	if err != nil {
		return nil, fmt.Errorf("%w: holder: %w", ErrPKI, err)
	}
	san, err := jpki.EncodeSAN(certAttrs)
	if err != nil {
		return nil, fmt.Errorf("%w: holder: %w", ErrPKI, err)
	}
	switch opts.RevokeReason {
	case 0, 1, 2, 3, 4, 5, 6, 8, 9, 10:
	default:
		return nil, fmt.Errorf("%w: revocation reason %d is not an RFC 5280 CRLReason", ErrPKI, opts.RevokeReason)
	}

	p := &PKI{SignCA: opts.SignCA, AuthCA: opts.AuthCA, SignKey: opts.SignKey, AuthKey: opts.AuthKey}
	if p.SignCA == nil {
		if p.SignCA, err = NewSignCA(now); err != nil {
			return nil, err
		}
	}
	if p.AuthCA == nil {
		if p.AuthCA, err = NewAuthCA(now); err != nil {
			return nil, err
		}
	}
	for _, k := range []**rsa.PrivateKey{&p.SignKey, &p.AuthKey} {
		if *k == nil {
			if *k, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
				return nil, err
			}
		}
	}

	// Validity: until the holder's 5th birthday after issue (spec), capped
	// by the CA; an expired one ended yesterday.
	notBefore := now.Add(-time.Hour)
	notAfter := fifthBirthday(h.Birth, now)
	if opts.SignExpired {
		notBefore, notAfter = now.AddDate(-5, 0, -1), now.AddDate(0, 0, -1)
	}
	if notAfter.After(p.SignCA.Cert.NotAfter) {
		notAfter = p.SignCA.Cert.NotAfter
	}
	policy, err := policyExtension(jpki.OIDPolicySignTest)
	if err != nil {
		return nil, err
	}
	cdp, err := crlDistributionExtension(crlDirName)
	if err != nil {
		return nil, err
	}
	pref, city := splitAddress(h.Address)
	sign := &x509.Certificate{
		SerialNumber:       pkiSerial(),
		Subject:            rdns("C", "JP", "L", pref, "L", city, "CN", serialLikeCN(now)),
		NotBefore:          notBefore,
		NotAfter:           notAfter,
		KeyUsage:           x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		ExtraExtensions:    []pkix.Extension{policy, cdp, san},
		SignatureAlgorithm: x509.SHA256WithRSA,
	}
	if p.SignCert, err = issue(sign, p.SignCA, &p.SignKey.PublicKey); err != nil {
		return nil, err
	}
	auth := &x509.Certificate{
		SerialNumber:       pkiSerial(),
		Subject:            rdns("C", "JP", "CN", serialLikeCN(now)),
		NotBefore:          now.Add(-time.Hour),
		NotAfter:           minTime(fifthBirthday(h.Birth, now), p.AuthCA.Cert.NotAfter),
		KeyUsage:           x509.KeyUsageDigitalSignature,
		ExtKeyUsage:        []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		SignatureAlgorithm: x509.SHA256WithRSA,
	}
	if p.AuthCert, err = issue(auth, p.AuthCA, &p.AuthKey.PublicKey); err != nil {
		return nil, err
	}

	var revoked []x509.RevocationListEntry
	if opts.SignRevoked {
		revoked = append(revoked, x509.RevocationListEntry{
			SerialNumber: p.SignCert.SerialNumber, RevocationTime: now.Add(-time.Minute), ReasonCode: opts.RevokeReason})
	}
	if p.CRL, err = p.SignCA.IssueCRL(revoked, now.Add(-time.Hour), now.Add(23*time.Hour), now.Unix()); err != nil {
		return nil, err
	}
	return p, nil
}

// IssueCRL makes a DER CRL signed by ca listing revoked, valid from
// thisUpdate to nextUpdate, with CRL number number. Tests use it for stale
// CRLs and for CRLs with many entries.
func (ca *CA) IssueCRL(revoked []x509.RevocationListEntry, thisUpdate, nextUpdate time.Time, number int64) ([]byte, error) {
	tmpl := &x509.RevocationList{
		RevokedCertificateEntries: revoked,
		Number:                    big.NewInt(number),
		ThisUpdate:                thisUpdate,
		NextUpdate:                nextUpdate,
		SignatureAlgorithm:        x509.SHA256WithRSA,
	}
	return x509.CreateRevocationList(rand.Reader, tmpl, ca.Cert, ca.Key)
}

// Issue signs tmpl with ca for pub. Tests use it for certificates the
// card never holds (wrong key usage, wrong policy, ...).
func (ca *CA) Issue(tmpl *x509.Certificate, pub *rsa.PublicKey) (*x509.Certificate, error) {
	return issue(tmpl, ca, pub)
}

func issue(tmpl *x509.Certificate, ca *CA, pub *rsa.PublicKey) (*x509.Certificate, error) {
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, pub, ca.Key)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

// policyExtension is a critical certificatePolicies extension holding one
// policy OID without qualifiers, as J-LIS marks it. x509's own Policies
// field makes it non-critical.
func policyExtension(oid asn1.ObjectIdentifier) (pkix.Extension, error) {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(oid) })
	})
	der, err := b.Bytes()
	return pkix.Extension{Id: oidCertificatePolicies, Critical: true, Value: der}, err
}

// crlDistributionExtension names the CRL by a directory name only
// (distributionPoint [0] fullName [0] GeneralNames directoryName [4]); x509
// can only write URLs.
func crlDistributionExtension(name pkix.Name) (pkix.Extension, error) {
	nameDER, err := asn1.Marshal(name.ToRDNSequence())
	if err != nil {
		return pkix.Extension{}, err
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // CRLDistributionPoints
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // DistributionPoint
			b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) { // distributionPoint
				b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) { // fullName
					b.AddASN1(cbasn1.Tag(4).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) { // directoryName
						b.AddBytes(nameDER)
					})
				})
			})
		})
	})
	der, err := b.Bytes()
	return pkix.Extension{Id: oidCRLDistribution, Value: der}, err
}

// fifthBirthday is the holder's birthday in the fifth year after now, or
// five years on when the birth date has no usable month and day.
func fifthBirthday(birth string, now time.Time) time.Time {
	t, err := time.Parse("20060102", birth)
	if err != nil {
		return now.AddDate(5, 0, 0)
	}
	return time.Date(now.Year()+5, t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// splitAddress takes the prefecture and the city (市区町村) from the front of
// an address for the subject's two L= attributes.
func splitAddress(addr string) (pref, city string) {
	r := []rune(addr)
	n := -1
	if strings.HasPrefix(addr, "京都府") {
		n = 3
	} else {
		for i := 2; i < len(r) && i < 4; i++ {
			if strings.ContainsRune("都道府県", r[i]) {
				n = i + 1
				break
			}
		}
	}
	if n < 0 {
		return "不明", "不明" // not a Japanese address: still a valid test subject
	}
	pref = string(r[:n])
	rest := r[n:]
	for i, c := range rest {
		if strings.ContainsRune("市区町村", c) {
			return pref, string(rest[:i+1])
		}
	}
	if len(rest) == 0 {
		return pref, pref
	}
	return pref, string(rest[:min(len(rest), 10)])
}

// serialLikeCN is a CN like J-LIS's: the issue date and a random tail, no
// personal data.
func serialLikeCN(now time.Time) string {
	const alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	b := make([]byte, 17)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alnum[int(b[i])%len(alnum)]
	}
	return now.UTC().Format("20060102") + string(b)
}

// pkiSerial is a random positive 63-bit certificate serial.
func pkiSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 63))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return n.Add(n, big.NewInt(1))
}

// Files SavePKI writes in a directory. Certificates are PEM (the card's EFs
// hold the DER: cert.Raw), keys PKCS#8 PEM readable only by the owner, the
// CRL DER.
const (
	FileSignCACert = "sign-ca.pem"
	FileSignCAKey  = "sign-ca.key"
	FileAuthCACert = "auth-ca.pem"
	FileAuthCAKey  = "auth-ca.key"
	FileSignCert   = "sign.pem"
	FileSignKey    = "sign.key"
	FileAuthCert   = "auth.pem"
	FileAuthKey    = "auth.key"
	FileCRL        = "sign-ca.crl"
)

// SavePKI writes p into dir (created if needed) as the files named by the
// File* constants, replacing ones already there.
func SavePKI(dir string, p *PKI) error {
	if p == nil || p.SignCA == nil || p.AuthCA == nil || p.SignCert == nil || p.AuthCert == nil ||
		p.SignKey == nil || p.AuthKey == nil {
		return fmt.Errorf("%w: incomplete PKI", ErrPKI)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	certs := map[string]*x509.Certificate{FileSignCACert: p.SignCA.Cert, FileAuthCACert: p.AuthCA.Cert,
		FileSignCert: p.SignCert, FileAuthCert: p.AuthCert}
	for name, c := range certs {
		if err := os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}), 0o644); err != nil {
			return err
		}
	}
	keys := map[string]*rsa.PrivateKey{FileSignCAKey: p.SignCA.Key, FileAuthCAKey: p.AuthCA.Key,
		FileSignKey: p.SignKey, FileAuthKey: p.AuthKey}
	for name, k := range keys {
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, FileCRL), p.CRL, 0o644)
}

// LoadPKI reads what SavePKI wrote and checks that each key belongs to its
// certificate and each certificate to its CA.
func LoadPKI(dir string) (*PKI, error) {
	readCert := func(name string) (*x509.Certificate, error) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		blk, _ := pem.Decode(b)
		if blk == nil || blk.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("%w: %s: no PEM certificate", ErrPKI, name)
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrPKI, name, err)
		}
		return c, nil
	}
	readKey := func(name string, cert *x509.Certificate) (*rsa.PrivateKey, error) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		blk, _ := pem.Decode(b)
		if blk == nil || blk.Type != "PRIVATE KEY" {
			return nil, fmt.Errorf("%w: %s: no PEM PKCS#8 key", ErrPKI, name)
		}
		k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrPKI, name, err)
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("%w: %s: not an RSA key", ErrPKI, name)
		}
		if !rk.PublicKey.Equal(cert.PublicKey) {
			return nil, fmt.Errorf("%w: %s does not belong to its certificate", ErrPKI, name)
		}
		return rk, nil
	}
	p := &PKI{SignCA: &CA{}, AuthCA: &CA{}}
	var err error
	for _, c := range []struct {
		cert     **x509.Certificate
		key      **rsa.PrivateKey
		certFile string
		keyFile  string
	}{
		{&p.SignCA.Cert, &p.SignCA.Key, FileSignCACert, FileSignCAKey},
		{&p.AuthCA.Cert, &p.AuthCA.Key, FileAuthCACert, FileAuthCAKey},
		{&p.SignCert, &p.SignKey, FileSignCert, FileSignKey},
		{&p.AuthCert, &p.AuthKey, FileAuthCert, FileAuthKey},
	} {
		if *c.cert, err = readCert(c.certFile); err != nil {
			return nil, err
		}
		if *c.key, err = readKey(c.keyFile, *c.cert); err != nil {
			return nil, err
		}
	}
	if err := p.SignCert.CheckSignatureFrom(p.SignCA.Cert); err != nil {
		return nil, fmt.Errorf("%w: %s not issued by %s: %w", ErrPKI, FileSignCert, FileSignCACert, err)
	}
	if err := p.AuthCert.CheckSignatureFrom(p.AuthCA.Cert); err != nil {
		return nil, fmt.Errorf("%w: %s not issued by %s: %w", ErrPKI, FileAuthCert, FileAuthCACert, err)
	}
	if p.CRL, err = os.ReadFile(filepath.Join(dir, FileCRL)); err != nil {
		return nil, err
	}
	crl, err := x509.ParseRevocationList(p.CRL)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrPKI, FileCRL, err)
	}
	if err := crl.CheckSignatureFrom(p.SignCA.Cert); err != nil {
		return nil, fmt.Errorf("%w: %s not signed by %s: %w", ErrPKI, FileCRL, FileSignCACert, err)
	}
	return p, nil
}

// Fingerprint is the SHA-256 of a certificate's DER, as J-LIS publishes its
// roots' fingerprints; handy for `mynasim init` to print the test roots.
func Fingerprint(c *x509.Certificate) [32]byte { return sha256.Sum256(c.Raw) }
