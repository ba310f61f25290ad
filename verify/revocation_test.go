package verify

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/jpki/jpkitest"
	"github.com/mynadesk/mynadesk/verify/internal/crlgen"
	"golang.org/x/crypto/ocsp"
)

// responder is an OCSP responder on loopback answering for gen1 with the
// CA key itself; revoked maps serials to reasons.
type responder struct {
	f       *fixture
	revoked map[string]int
	status  int // 0: answer normally; else this HTTP status
	unknown bool
	stale   bool
	signer  *jpkitest.CA // answers signed by this CA (default gen1)
	// delegate, when set, signs answers with its own key and is embedded.
	delegate    *x509.Certificate
	delegateKey crypto.Signer
	hits        atomic.Int32
}

func (r *responder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.hits.Add(1)
	if r.status != 0 {
		http.Error(w, "down", r.status)
		return
	}
	body, _ := io.ReadAll(req.Body)
	q, err := ocsp.ParseRequest(body)
	if err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	ca := r.signer
	if ca == nil {
		ca = r.f.gen1
	}
	now := time.Now()
	tmpl := ocsp.Response{Status: ocsp.Good, SerialNumber: q.SerialNumber, ThisUpdate: now.Add(-time.Minute), NextUpdate: now.Add(15 * time.Minute)}
	if reason, ok := r.revoked[q.SerialNumber.String()]; ok {
		tmpl.Status, tmpl.RevokedAt, tmpl.RevocationReason = ocsp.Revoked, now.Add(-time.Hour), reason
	}
	if r.unknown {
		tmpl.Status = ocsp.Unknown
	}
	if r.stale {
		tmpl.ThisUpdate, tmpl.NextUpdate = now.Add(-2*time.Hour), now.Add(-time.Hour)
	}
	var key crypto.Signer = ca.Key
	responderCert := ca.Cert
	if r.delegate != nil {
		tmpl.Certificate, responderCert, key = r.delegate, r.delegate, r.delegateKey
	}
	der, err := ocsp.CreateResponse(ca.Cert, responderCert, tmpl, key)
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	w.Header().Set("Content-Type", "application/ocsp-response")
	_, _ = w.Write(der)
}

func TestOCSP(t *testing.T) {
	f := fx(t)
	revokedPKI := f.pki(t, jpkitest.PKIOptions{})
	r := &responder{f: f, revoked: map[string]int{revokedPKI.SignCert.SerialNumber.String(): 4}}
	srv := httptest.NewServer(r)
	defer srv.Close()
	oc := &OCSPChecker{URL: srv.URL}
	opts := Options{Roots: f.roots, Revocation: []RevocationChecker{oc}}

	res := check(t, f.sign(t, content, f.base.SignCert), opts, nil)
	if res.Revocation.Source != "ocsp" {
		t.Errorf("source %s", res.Revocation.Source)
	}
	res = check(t, f.sign(t, content, revokedPKI.SignCert), opts, ErrRevoked)
	if res.Revocation.Reason != 4 {
		t.Errorf("reason %d", res.Revocation.Reason)
	}
	// SHA-256 CertIDs for responders that take them.
	check(t, f.sign(t, content, revokedPKI.SignCert), Options{Roots: f.roots, Revocation: []RevocationChecker{
		&OCSPChecker{URL: srv.URL, Hash: crypto.SHA256}}}, ErrRevoked)

	r.unknown = true
	check(t, f.sign(t, content, f.base.SignCert), opts, ErrRevocationUnknown)
	r.unknown = false
	r.stale = true
	check(t, f.sign(t, content, f.base.SignCert), opts, ErrRevocationUnknown)
	r.stale = false
	r.signer = f.gen2 // signed by a key that did not issue the certificate
	check(t, f.sign(t, content, f.base.SignCert), opts, ErrRevocationUnknown)
	r.signer = nil
	// A delegated responder: accepted with id-kp-OCSPSigning, not without.
	for _, eku := range [][]x509.ExtKeyUsage{{x509.ExtKeyUsageOCSPSigning}, {x509.ExtKeyUsageClientAuth}} {
		d, err := f.gen1.Issue(&x509.Certificate{SerialNumber: big.NewInt(99), Subject: pkix.Name{CommonName: "OCSP responder"},
			NotBefore: f.now.Add(-time.Hour), NotAfter: f.now.Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: eku}, &f.otherKey.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		r.delegate, r.delegateKey = d, f.otherKey
		want := error(nil)
		if eku[0] != x509.ExtKeyUsageOCSPSigning {
			want = ErrRevocationUnknown
		}
		check(t, f.sign(t, content, f.base.SignCert), opts, want)
	}
	r.delegate = nil
	r.status = http.StatusServiceUnavailable
	check(t, f.sign(t, content, f.base.SignCert), opts, ErrRevocationUnknown)

	// Unreachable: nothing listens there any more.
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	check(t, f.sign(t, content, f.base.SignCert), Options{Roots: f.roots, Revocation: []RevocationChecker{&OCSPChecker{URL: down.URL}}}, ErrRevocationUnknown)

	// OCSP down, CRL as fallback: checked.
	check(t, f.sign(t, content, f.base.SignCert), Options{Roots: f.roots, Revocation: []RevocationChecker{oc, f.emptyCRLs(t)}}, nil)
	if r.hits.Load() < 6 {
		t.Errorf("responder asked %d times", r.hits.Load())
	}
}

func TestCRLIndex(t *testing.T) {
	f := fx(t)
	now := f.now
	long := new(big.Int).Lsh(big.NewInt(1), 100) // a 13-octet serial
	long.Add(long, big.NewInt(12345))
	neg := big.NewInt(-77)
	entries := []crlgen.Entry{
		{Serial: big.NewInt(1), At: now.Add(-time.Hour), Reason: 3},
		{Serial: big.NewInt(0x80), At: now.Add(-time.Hour), Reason: -1}, // DER 00 80
		{Serial: new(big.Int).SetUint64(1<<64 - 1), At: now.Add(-time.Hour), Reason: 5},
		{Serial: long, At: now.Add(-time.Hour), Reason: 6},
		{Serial: neg, At: now.Add(-time.Hour), Reason: 1},
		{Serial: big.NewInt(0), At: now.Add(-time.Hour), Reason: 4}, // not RFC 5280, but must not be missed
	}
	der, err := crlgen.Build(f.gen1.Cert, f.gen1.Key, crlgen.Options{ThisUpdate: now.Add(-time.Hour), NextUpdate: now.Add(time.Hour),
		Number: 7, Entries: entries, Filler: 10000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	// x509 agrees the generated CRL is well formed and signed.
	rl, err := x509.ParseRevocationList(der)
	if err != nil || rl.CheckSignatureFrom(f.gen1.Cert) != nil || len(rl.RevokedCertificateEntries) != 10006 {
		t.Fatalf("x509 parse: %v", err)
	}
	x := NewCRLIndex(f.roots)
	info, err := x.Add(der)
	if err != nil {
		t.Fatal(err)
	}
	if info.Entries != 10006 || info.Number.Int64() != 7 || info.Partition {
		t.Errorf("info %+v", info)
	}
	lookup := func(serial *big.Int) Status {
		c := &x509.Certificate{SerialNumber: serial}
		st, err := x.CheckRevocation(t.Context(), c, f.gen1.Cert, now)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	for _, e := range entries {
		st := lookup(e.Serial)
		if !st.Revoked || st.Reason != e.Reason || !st.RevokedAt.Equal(e.At.Truncate(time.Second).UTC()) {
			t.Errorf("serial %v: %+v", e.Serial, st)
		}
	}
	// Every filler entry is found, and their neighbours are not.
	found := 0
	for _, e := range rl.RevokedCertificateEntries[6:] {
		if lookup(e.SerialNumber).Revoked {
			found++
		}
	}
	if found != 10000 {
		t.Errorf("found %d of 10000", found)
	}
	for _, s := range []int64{2, 0x7f, 0x81, -76} {
		if lookup(big.NewInt(s)).Revoked {
			t.Errorf("serial %d reported revoked", s)
		}
	}

	// The same CRL as PEM, from a file.
	dir := t.TempDir()
	p := filepath.Join(dir, "sign.crl.pem")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if info, err := NewCRLIndex(f.roots).AddFile(p); err != nil || info.Entries != 10006 {
		t.Errorf("PEM file: %v %+v", err, info)
	}
}

func TestCRLRefused(t *testing.T) {
	f := fx(t)
	now := f.now
	good, _ := f.gen1.IssueCRL(nil, now, now.Add(time.Hour), 1)
	// Signed by a CA that is not a root here (same name as nothing).
	byAuth, _ := f.authCA.IssueCRL(nil, now, now.Add(time.Hour), 1)
	tampered := append([]byte{}, good...)
	tampered[len(tampered)-1] ^= 1
	// A delta CRL (critical deltaCRLIndicator).
	delta, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(2), ThisUpdate: now, NextUpdate: now.Add(time.Hour),
		ExtraExtensions: []pkix.Extension{{Id: []int{2, 5, 29, 27}, Critical: true, Value: []byte{0x02, 0x01, 0x01}}}}, f.gen1.Cert, f.gen1.Key)
	if err != nil {
		t.Fatal(err)
	}
	for name, der := range map[string][]byte{
		"other issuer": byAuth,
		"tampered":     tampered,
		"delta":        delta,
		"garbage":      []byte("garbage"),
		"empty":        nil,
		"truncated":    good[:len(good)-10],
		"bad PEM":      []byte("-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n"),
	} {
		if _, err := NewCRLIndex(f.roots).Add(der); !errors.Is(err, ErrCRL) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Not yet valid.
	future, _ := f.gen1.IssueCRL(nil, now.Add(time.Hour), now.Add(2*time.Hour), 1)
	x := f.crlIndex(t, future)
	if _, err := x.CheckRevocation(t.Context(), f.base.SignCert, f.gen1.Cert, now); err == nil {
		t.Error("CRL from the future accepted")
	}
}

func TestRadixSort(t *testing.T) {
	for _, n := range []int{0, 1, 255, 256, 10000} {
		es := make([]crlEntry, n)
		seed := uint64(n) + 1
		for i := range es {
			seed = seed*6364136223846793005 + 1442695040888963407
			es[i] = crlEntry{serial: seed >> (seed % 40), info: uint64(i)}
			if i%7 == 0 && i > 0 {
				es[i].serial = es[i-1].serial // duplicates
			}
		}
		want := slices.Clone(es)
		slices.SortStableFunc(want, cmpEntry)
		radixSort(es)
		for i := range es {
			if es[i].serial != want[i].serial {
				t.Fatalf("n=%d: position %d: %x, want %x", n, i, es[i].serial, want[i].serial)
			}
		}
	}
}

// A service replaces the daily CRL while verifying: no race, and every
// answer comes from a whole CRL.
func TestCRLReplaceWhileChecking(t *testing.T) {
	f := fx(t)
	x := f.emptyCRLs(t)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 20; i++ {
			c, err := f.gen1.IssueCRL(nil, f.now.Add(-time.Hour+time.Duration(i)*time.Second), f.now.Add(time.Hour), int64(i+2))
			if err != nil {
				t.Error(err)
				return
			}
			if _, err := x.Add(c); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for i := 0; i < 200; i++ {
		st, err := x.CheckRevocation(t.Context(), f.base.SignCert, f.gen1.Cert, f.now)
		if err != nil || st.Revoked {
			t.Fatalf("%+v %v", st, err)
		}
	}
	<-done
}
