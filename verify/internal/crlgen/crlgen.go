// Package crlgen writes large CRLs quickly for verify's tests and
// benchmarks: x509.CreateRevocationList needs a big.Int per entry and takes
// hundreds of megabytes for a million entries; this streams DER with
// cryptobyte instead.
package crlgen

import (
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"math/big"
	mrand "math/rand/v2"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Entry is one revoked certificate; Reason -1 writes no reasonCode.
type Entry struct {
	Serial *big.Int
	At     time.Time
	Reason int
}

// Options describe the CRL.
type Options struct {
	ThisUpdate, NextUpdate time.Time
	Number                 int64
	Entries                []Entry
	// Filler adds this many random positive 63-bit serials (reason 1,
	// keyCompromise) after Entries, from a generator seeded with Seed.
	Filler int
	Seed   uint64
}

var (
	oidSHA256WithRSA = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	oidReasonCode    = asn1.ObjectIdentifier{2, 5, 29, 21}
	oidCRLNumber     = asn1.ObjectIdentifier{2, 5, 29, 20}
)

// Build writes a DER CRL signed by ca with key (RSA, SHA-256).
func Build(ca *x509.Certificate, key crypto.Signer, o Options) ([]byte, error) {
	b := cryptobyte.NewBuilder(make([]byte, 0, 64+len(o.Entries)*40+o.Filler*40))
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(1) // v2
		algo(b)
		b.AddBytes(ca.RawSubject)
		b.AddASN1UTCTime(o.ThisUpdate.UTC())
		b.AddASN1UTCTime(o.NextUpdate.UTC())
		if len(o.Entries)+o.Filler > 0 {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				for _, e := range o.Entries {
					entry(b, e.Serial, e.At, e.Reason)
				}
				r := mrand.New(mrand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
				at := o.ThisUpdate.Add(-time.Hour)
				s := new(big.Int)
				for i := 0; i < o.Filler; i++ {
					s.SetUint64(r.Uint64()>>1 | 1)
					entry(b, s, at, 1)
				}
			})
		}
		b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1ObjectIdentifier(oidCRLNumber)
					b.AddASN1(cbasn1.OCTET_STRING, func(b *cryptobyte.Builder) { b.AddASN1Int64(o.Number) })
				})
			})
		})
	})
	tbs, err := b.Bytes()
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(tbs)
	sig, err := key.Sign(rand.Reader, h[:], crypto.SHA256)
	if err != nil {
		return nil, err
	}
	out := cryptobyte.NewBuilder(make([]byte, 0, len(tbs)+len(sig)+32))
	out.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(tbs)
		algo(b)
		b.AddASN1BitString(sig)
	})
	return out.Bytes()
}

func algo(b *cryptobyte.Builder) {
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(oidSHA256WithRSA)
		b.AddASN1NULL()
	})
}

func entry(b *cryptobyte.Builder, serial *big.Int, at time.Time, reason int) {
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1BigInt(serial)
		b.AddASN1UTCTime(at.UTC())
		if reason >= 0 {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1ObjectIdentifier(oidReasonCode)
					b.AddASN1(cbasn1.OCTET_STRING, func(b *cryptobyte.Builder) { b.AddASN1Enum(int64(reason)) })
				})
			})
		}
	})
}
