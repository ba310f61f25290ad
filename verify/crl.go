package verify

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Status is a revocation answer for one certificate.
type Status struct {
	Revoked   bool
	Reason    int       // RFC 5280 CRLReason when Revoked; -1 when the CRL/OCSP gave none
	RevokedAt time.Time // when Revoked
	Source    string    // "crl" or "ocsp"
}

// RevocationChecker answers whether cert, issued by issuer (a trust root),
// is revoked at now. An error means "could not check", which Verify treats
// as a failure (Code 30), never as valid.
type RevocationChecker interface {
	CheckRevocation(ctx context.Context, cert, issuer *x509.Certificate, now time.Time) (Status, error)
}

// MaxCRLSize bounds one CRL file (DER or PEM). J-LIS's daily CRL of every
// revoked signing certificate is in the millions of entries, ~40 bytes each.
const MaxCRLSize = 512 << 20

// crlSkew tolerates a CRL issued slightly "in the future" by the
// verifier's clock.
const crlSkew = 5 * time.Minute

// reasonNone marks an entry without a reasonCode extension.
const reasonNone = 0xff

// crlEntry packs one revoked serial (≤ 8 bytes, positive) with its
// revocation time (Unix seconds, upper 56 bits) and reason (low 8 bits): 16
// bytes an entry, so a million entries take 16 MB, not the ~250 MB of
// x509.RevocationList's big.Ints.
type crlEntry struct {
	serial uint64
	info   uint64
}

func packInfo(at time.Time, reason int) uint64 {
	s := at.Unix()
	if s < 0 {
		s = 0
	}
	return uint64(s)<<8 | uint64(reason&0xff)
}

func unpackInfo(v uint64) (time.Time, int) {
	r := int(v & 0xff)
	if r == reasonNone {
		r = -1
	}
	return time.Unix(int64(v>>8), 0).UTC(), r
}

// crlSet is one loaded CRL.
type crlSet struct {
	issuerFP   [32]byte
	issuerName string
	scope      string // raw IDP distributionPoint, "" for a full CRL
	thisUpdate time.Time
	nextUpdate time.Time
	number     *big.Int
	entries    []crlEntry        // sorted by serial
	long       map[string]uint64 // serials over 8 bytes or negative, keyed by serialKey
}

// CRLInfo describes a CRL that was added.
type CRLInfo struct {
	Issuer     string // the issuing root's subject
	Entries    int
	ThisUpdate time.Time
	NextUpdate time.Time
	Number     *big.Int // CRL number, nil if absent
	Partition  bool     // the CRL covers one distribution point only
}

// CRLIndex holds the CRLs of the trust roots for fast lookups. Each CRL's
// signature is checked against the roots when it is added; a newer CRL for
// the same issuer (and distribution point) replaces the older one. It is
// safe for concurrent use: a service can add the daily CRL while verifying.
type CRLIndex struct {
	roots *Roots
	mu    sync.RWMutex
	sets  map[[32]byte][]*crlSet
}

// NewCRLIndex makes an empty index for CRLs issued by roots.
func NewCRLIndex(roots *Roots) *CRLIndex {
	return &CRLIndex{roots: roots, sets: map[[32]byte][]*crlSet{}}
}

// ErrCRL is wrapped by every error about a CRL being added.
var ErrCRL = errors.New("verify: CRL refused")

// AddFile adds a CRL file, DER or PEM ("X509 CRL").
func (x *CRLIndex) AddFile(path string) (CRLInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return CRLInfo{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return CRLInfo{}, err
	}
	if fi.Size() > MaxCRLSize {
		return CRLInfo{}, fmt.Errorf("%w: %s is %d bytes, at most %d", ErrCRL, path, fi.Size(), MaxCRLSize)
	}
	b := make([]byte, fi.Size())
	if _, err := f.ReadAt(b, 0); err != nil {
		return CRLInfo{}, err
	}
	info, err := x.Add(b)
	if err != nil {
		return info, fmt.Errorf("%s: %w", path, err)
	}
	return info, nil
}

// Add adds one CRL, DER or PEM.
func (x *CRLIndex) Add(data []byte) (CRLInfo, error) {
	if len(data) > MaxCRLSize {
		return CRLInfo{}, fmt.Errorf("%w: %d bytes, at most %d", ErrCRL, len(data), MaxCRLSize)
	}
	if bytes.HasPrefix(bytes.TrimSpace(data[:min(len(data), 64)]), []byte("-----BEGIN")) {
		blk, _ := pem.Decode(data)
		if blk == nil || blk.Type != "X509 CRL" {
			return CRLInfo{}, fmt.Errorf("%w: no PEM X509 CRL block", ErrCRL)
		}
		data = blk.Bytes
	}
	set, err := x.parseCRL(data)
	if err != nil {
		return CRLInfo{}, err
	}
	info := CRLInfo{Issuer: set.issuerName, Entries: len(set.entries) + len(set.long), ThisUpdate: set.thisUpdate,
		NextUpdate: set.nextUpdate, Number: set.number, Partition: set.scope != ""}
	x.mu.Lock()
	defer x.mu.Unlock()
	// Copy on write: readers hold the old slice without the lock.
	old := x.sets[set.issuerFP]
	list := make([]*crlSet, 0, len(old)+1)
	replaced := false
	for _, o := range old {
		if o.scope == set.scope {
			if o.thisUpdate.After(set.thisUpdate) {
				return info, nil // keep the newer one already loaded
			}
			o, replaced = set, true
		}
		list = append(list, o)
	}
	if !replaced {
		list = append(list, set)
	}
	x.sets[set.issuerFP] = list
	return info, nil
}

var (
	oidReasonCode     = []byte{0x06, 0x03, 0x55, 0x1d, 0x15} // 2.5.29.21, DER
	oidInvalidityDate = []byte{0x06, 0x03, 0x55, 0x1d, 0x18} // 2.5.29.24
	oidCRLNumber      = []byte{0x06, 0x03, 0x55, 0x1d, 0x14} // 2.5.29.20
	oidIDP            = []byte{0x06, 0x03, 0x55, 0x1d, 0x1c} // 2.5.29.28
	oidAKI            = []byte{0x06, 0x03, 0x55, 0x1d, 0x23} // 2.5.29.35
	oidCDP            = asn1.ObjectIdentifier{2, 5, 29, 31}
)

var crlSigAlgs = map[string]x509.SignatureAlgorithm{
	"1.2.840.113549.1.1.11": x509.SHA256WithRSA,
	"1.2.840.113549.1.1.12": x509.SHA384WithRSA,
	"1.2.840.113549.1.1.13": x509.SHA512WithRSA,
}

func crlErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrCRL}, args...)...)
}

// parseCRL reads a DER CRL in one pass over its entries, without building
// an x509.RevocationList.
func (x *CRLIndex) parseCRL(der []byte) (*crlSet, error) {
	in := cryptobyte.String(der)
	var cl, tbsElem, tbs cryptobyte.String
	if !in.ReadASN1(&cl, cbasn1.SEQUENCE) || !in.Empty() {
		return nil, crlErr("not a DER CertificateList")
	}
	if !cl.ReadASN1Element(&tbsElem, cbasn1.SEQUENCE) {
		return nil, crlErr("tbsCertList")
	}
	sigAlg, err := readAlgorithm(&cl)
	if err != nil {
		return nil, crlErr("signature algorithm")
	}
	var sigBits asn1.BitString
	if !cl.ReadASN1BitString(&sigBits) || !cl.Empty() || sigBits.BitLength%8 != 0 {
		return nil, crlErr("signature")
	}
	alg, ok := crlSigAlgs[sigAlg.String()]
	if !ok {
		return nil, crlErr("signature algorithm %v not accepted", sigAlg)
	}

	tbs = tbsElem
	var body cryptobyte.String
	if !tbs.ReadASN1(&body, cbasn1.SEQUENCE) {
		return nil, crlErr("tbsCertList")
	}
	if body.PeekASN1Tag(cbasn1.INTEGER) {
		var v int
		if !body.ReadASN1Integer(&v) || v != 1 {
			return nil, crlErr("version")
		}
	}
	if _, err := readAlgorithm(&body); err != nil {
		return nil, crlErr("inner signature algorithm")
	}
	var issuer cryptobyte.String
	if !body.ReadASN1Element(&issuer, cbasn1.SEQUENCE) {
		return nil, crlErr("issuer")
	}
	set := &crlSet{}
	if set.thisUpdate, ok = readTime(&body); !ok {
		return nil, crlErr("thisUpdate")
	}
	if body.PeekASN1Tag(cbasn1.UTCTime) || body.PeekASN1Tag(cbasn1.GeneralizedTime) {
		if set.nextUpdate, ok = readTime(&body); !ok {
			return nil, crlErr("nextUpdate")
		}
	}
	// The issuer: a root with this name whose key verifies the signature
	// (generations share one name).
	var rt *root
	for i := range x.roots.roots {
		r := &x.roots.roots[i]
		if bytes.Equal(r.cert.RawSubject, issuer) && r.cert.CheckSignature(alg, tbsElem, sigBits.Bytes) == nil {
			rt = r
			break
		}
	}
	if rt == nil {
		return nil, crlErr("not signed by a trust root")
	}
	set.issuerFP, set.issuerName = rt.fp, rt.cert.Subject.String()

	var revoked cryptobyte.String
	hasRevoked := body.PeekASN1Tag(cbasn1.SEQUENCE)
	if hasRevoked && !body.ReadASN1(&revoked, cbasn1.SEQUENCE) {
		return nil, crlErr("revokedCertificates")
	}
	if body.PeekASN1Tag(tagExplicit0) {
		var wrapped, exts cryptobyte.String
		if !body.ReadASN1(&wrapped, tagExplicit0) || !wrapped.ReadASN1(&exts, cbasn1.SEQUENCE) || !wrapped.Empty() {
			return nil, crlErr("crlExtensions")
		}
		if err := set.readCRLExtensions(exts); err != nil {
			return nil, err
		}
	}
	if !body.Empty() {
		return nil, crlErr("data after tbsCertList")
	}
	if set.nextUpdate.IsZero() {
		return nil, crlErr("no nextUpdate: freshness cannot be judged")
	}

	// Count first, so the entries slice is allocated once.
	n := 0
	for c := revoked; !c.Empty(); n++ {
		if !c.SkipASN1(cbasn1.SEQUENCE) {
			return nil, crlErr("revoked entry %d", n)
		}
	}
	set.entries = make([]crlEntry, 0, n)
	for i := 0; !revoked.Empty(); i++ {
		var ent, serial cryptobyte.String
		if !revoked.ReadASN1(&ent, cbasn1.SEQUENCE) || !ent.ReadASN1(&serial, cbasn1.INTEGER) || !validInteger(serial) {
			return nil, crlErr("revoked entry %d serial", i)
		}
		at, ok := readTime(&ent)
		if !ok {
			return nil, crlErr("revoked entry %d date", i)
		}
		reason := reasonNone
		if !ent.Empty() {
			var exts cryptobyte.String
			if !ent.ReadASN1(&exts, cbasn1.SEQUENCE) || !ent.Empty() {
				return nil, crlErr("revoked entry %d extensions", i)
			}
			if reason, ok = readEntryExtensions(exts); !ok {
				return nil, crlErr("revoked entry %d extensions", i)
			}
		}
		if u, fits := serialUint64(serial); fits {
			set.entries = append(set.entries, crlEntry{u, packInfo(at, reason)})
		} else {
			if set.long == nil {
				set.long = map[string]uint64{}
			}
			set.long[serialKeyDER(serial)] = packInfo(at, reason)
		}
	}
	if !slices.IsSortedFunc(set.entries, cmpEntry) {
		radixSort(set.entries)
	}
	return set, nil
}

// radixSort sorts entries by serial: LSD radix sort on 16-bit digits, four
// passes at most (a pass whose digit is the same everywhere is skipped). On
// a million entries it is several times faster than a comparison sort, for
// one temporary copy of the slice.
func radixSort(es []crlEntry) {
	if len(es) < 256 {
		slices.SortFunc(es, cmpEntry)
		return
	}
	tmp := make([]crlEntry, len(es))
	src, dst := es, tmp
	var count [1 << 16]int
	for shift := uint(0); shift < 64; shift += 16 {
		clear(count[:])
		for _, e := range src {
			count[(e.serial>>shift)&0xffff]++
		}
		if count[(src[0].serial>>shift)&0xffff] == len(src) {
			continue // every entry has this digit
		}
		pos := 0
		for i, c := range count {
			count[i] = pos
			pos += c
		}
		for _, e := range src {
			d := (e.serial >> shift) & 0xffff
			dst[count[d]] = e
			count[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &es[0] {
		copy(es, src)
	}
}

func cmpEntry(a, b crlEntry) int {
	switch {
	case a.serial < b.serial:
		return -1
	case a.serial > b.serial:
		return 1
	}
	return 0
}

// readCRLExtensions takes the CRL number and the issuing distribution point;
// a delta CRL or another critical extension we do not understand makes the
// CRL unusable (RFC 5280 5.2).
func (set *crlSet) readCRLExtensions(exts cryptobyte.String) error {
	for !exts.Empty() {
		var ext, oid, val cryptobyte.String
		critical := false
		if !exts.ReadASN1(&ext, cbasn1.SEQUENCE) || !ext.ReadASN1Element(&oid, cbasn1.OBJECT_IDENTIFIER) ||
			!ext.ReadOptionalASN1Boolean(&critical, cbasn1.BOOLEAN, false) || !ext.ReadASN1(&val, cbasn1.OCTET_STRING) || !ext.Empty() {
			return crlErr("CRL extension")
		}
		switch {
		case bytes.Equal(oid, oidCRLNumber):
			set.number = new(big.Int)
			if !val.ReadASN1Integer(set.number) {
				return crlErr("CRL number")
			}
		case bytes.Equal(oid, oidIDP):
			var idp cryptobyte.String
			if !val.ReadASN1(&idp, cbasn1.SEQUENCE) {
				return crlErr("issuing distribution point")
			}
			var dp cryptobyte.String
			if idp.PeekASN1Tag(tagExplicit0) && !idp.ReadASN1Element(&dp, tagExplicit0) {
				return crlErr("issuing distribution point")
			}
			set.scope = string(dp)
		case bytes.Equal(oid, oidAKI):
		default:
			if critical {
				return crlErr("unsupported critical CRL extension (delta CRLs are not supported)")
			}
		}
	}
	return nil
}

// readEntryExtensions returns the reason code; an unknown critical entry
// extension (e.g. certificateIssuer of an indirect CRL) refuses the CRL.
func readEntryExtensions(exts cryptobyte.String) (int, bool) {
	reason := reasonNone
	for !exts.Empty() {
		var ext, oid, val cryptobyte.String
		critical := false
		if !exts.ReadASN1(&ext, cbasn1.SEQUENCE) || !ext.ReadASN1Element(&oid, cbasn1.OBJECT_IDENTIFIER) ||
			!ext.ReadOptionalASN1Boolean(&critical, cbasn1.BOOLEAN, false) || !ext.ReadASN1(&val, cbasn1.OCTET_STRING) || !ext.Empty() {
			return 0, false
		}
		switch {
		case bytes.Equal(oid, oidReasonCode):
			var e cryptobyte.String
			if !val.ReadASN1(&e, cbasn1.ENUM) || len(e) != 1 || e[0] > 10 || e[0] == 7 || !val.Empty() {
				return 0, false
			}
			reason = int(e[0])
		case bytes.Equal(oid, oidInvalidityDate):
		default:
			if critical {
				return 0, false
			}
		}
	}
	return reason, true
}

// validInteger checks DER INTEGER contents: not empty, minimally encoded.
func validInteger(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	if len(b) > 1 && ((b[0] == 0 && b[1]&0x80 == 0) || (b[0] == 0xff && b[1]&0x80 != 0)) {
		return false
	}
	return len(b) <= 21 // RFC 5280: serials are at most 20 octets (+ sign)
}

// serialUint64 reads a positive serial of at most 8 octets.
func serialUint64(b []byte) (uint64, bool) {
	if b[0]&0x80 != 0 {
		return 0, false // negative: not RFC 5280, but seen in the wild
	}
	if b[0] == 0 {
		b = b[1:]
	}
	if len(b) > 8 {
		return 0, false
	}
	var u uint64
	for _, c := range b {
		u = u<<8 | uint64(c)
	}
	return u, true
}

// serialKeyDER and serialKeyInt give the same key for one serial from its
// DER contents and from a big.Int.
func serialKeyDER(b []byte) string {
	n := new(big.Int).SetBytes(b)
	if b[0]&0x80 != 0 { // two's complement
		n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return serialKeyInt(n)
}

func serialKeyInt(n *big.Int) string { return n.Text(16) }

// readTime reads a UTCTime or GeneralizedTime, with a fast path for the
// common UTCTime YYMMDDHHMMSSZ (a million entries each carry one).
func readTime(s *cryptobyte.String) (time.Time, bool) {
	var t time.Time
	switch {
	case s.PeekASN1Tag(cbasn1.UTCTime):
		var raw cryptobyte.String
		if !s.ReadASN1(&raw, cbasn1.UTCTime) {
			return t, false
		}
		if t, ok := fastUTCTime(raw); ok {
			return t, true
		}
		b := cryptobyte.NewBuilder(nil)
		b.AddASN1(cbasn1.UTCTime, func(b *cryptobyte.Builder) { b.AddBytes(raw) })
		re := cryptobyte.String(b.BytesOrPanic())
		return t, re.ReadASN1UTCTime(&t)
	case s.PeekASN1Tag(cbasn1.GeneralizedTime):
		return t, s.ReadASN1GeneralizedTime(&t)
	}
	return t, false
}

func fastUTCTime(b []byte) (time.Time, bool) {
	if len(b) != 13 || b[12] != 'Z' {
		return time.Time{}, false
	}
	var v [6]int
	for i := range v {
		hi, lo := b[2*i], b[2*i+1]
		if hi < '0' || hi > '9' || lo < '0' || lo > '9' {
			return time.Time{}, false
		}
		v[i] = int(hi-'0')*10 + int(lo-'0')
	}
	year := 1900 + v[0]
	if v[0] < 50 {
		year = 2000 + v[0]
	}
	if v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(v[1]), v[2], v[3], v[4], v[5], 0, time.UTC)
	if t.Day() != v[2] {
		return time.Time{}, false // 31 February and the like
	}
	return t, true
}

// Loaded describes every CRL in the index, for a service that reports how
// old its revocation data is and refreshes it before nextUpdate.
func (x *CRLIndex) Loaded() []CRLInfo {
	x.mu.RLock()
	defer x.mu.RUnlock()
	var out []CRLInfo
	for _, list := range x.sets {
		for _, set := range list {
			out = append(out, CRLInfo{Issuer: set.issuerName, Entries: len(set.entries) + len(set.long),
				ThisUpdate: set.thisUpdate, NextUpdate: set.nextUpdate, Number: set.number, Partition: set.scope != ""})
		}
	}
	slices.SortFunc(out, func(a, b CRLInfo) int { return strings.Compare(a.Issuer, b.Issuer) })
	return out
}

// CheckRevocation looks cert up in the CRL of its issuer (a trust root).
// No CRL for the issuer, a stale CRL (past nextUpdate) or one not yet valid
// is an error: "could not check".
func (x *CRLIndex) CheckRevocation(_ context.Context, cert, issuer *x509.Certificate, now time.Time) (Status, error) {
	rt := x.roots.byFingerprint(fingerprint(issuer))
	if rt == nil {
		return Status{}, errors.New("crl: issuer is not a trust root of this index")
	}
	x.mu.RLock()
	list := x.sets[rt.fp]
	x.mu.RUnlock()
	set := pickScope(list, cert)
	if set == nil {
		return Status{}, errors.New("crl: no CRL loaded for the issuer")
	}
	if now.After(set.nextUpdate) {
		return Status{}, fmt.Errorf("crl: stale, nextUpdate %s passed", set.nextUpdate.Format(time.RFC3339))
	}
	if now.Add(crlSkew).Before(set.thisUpdate) {
		return Status{}, fmt.Errorf("crl: not valid until %s", set.thisUpdate.Format(time.RFC3339))
	}
	st := Status{Reason: -1, Source: "crl"}
	var info uint64
	found := false
	if cert.SerialNumber.Sign() >= 0 && cert.SerialNumber.BitLen() <= 64 {
		u := cert.SerialNumber.Uint64()
		if i, ok := slices.BinarySearchFunc(set.entries, u, func(e crlEntry, u uint64) int {
			return cmpEntry(e, crlEntry{serial: u})
		}); ok {
			info, found = set.entries[i].info, true
		}
	} else if set.long != nil {
		info, found = set.long[serialKeyInt(cert.SerialNumber)]
	}
	if found {
		st.Revoked = true
		st.RevokedAt, st.Reason = unpackInfo(info)
	}
	return st, nil
}

// pickScope chooses the full CRL, else the partition named by the
// certificate's CRL distribution point.
func pickScope(list []*crlSet, cert *x509.Certificate) *crlSet {
	var dp string
	for _, e := range cert.Extensions {
		if e.Id.Equal(oidCDP) {
			dp = firstDistributionPoint(e.Value)
		}
	}
	var part *crlSet
	for _, s := range list {
		if s.scope == "" {
			return s
		}
		if dp != "" && s.scope == dp {
			part = s
		}
	}
	return part
}

// firstDistributionPoint returns the raw [0] distributionPoint of the
// certificate's first CRL distribution point, the same encoding an issuing
// distribution point extension uses.
func firstDistributionPoint(v []byte) string {
	s := cryptobyte.String(v)
	var dps, dp, name cryptobyte.String
	if !s.ReadASN1(&dps, cbasn1.SEQUENCE) || !dps.ReadASN1(&dp, cbasn1.SEQUENCE) || !dp.ReadASN1Element(&name, tagExplicit0) {
		return ""
	}
	return string(name)
}
