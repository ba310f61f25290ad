package verify

import (
	"context"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/verify/internal/crlgen"
)

// benchCRL builds (once per process, cached on disk across runs) a CRL of
// gen1 with n random entries. The fixture's roots are new each process, so
// the cache file is named after the root's fingerprint; stale files of
// earlier runs are left in the temp dir.
var benchCRLs sync.Map

func benchCRL(b *testing.B, n int) []byte {
	f := fx(b)
	if v, ok := benchCRLs.Load(n); ok {
		return v.([]byte)
	}
	fp := fingerprint(f.gen1.Cert)
	path := filepath.Join(os.TempDir(), "mynadesk-verify-bench-"+strconv.Itoa(n)+"-"+hex.EncodeToString(fp[:4])+".der")
	der, err := os.ReadFile(path)
	if err != nil {
		der, err = crlgen.Build(f.gen1.Cert, f.gen1.Key, crlgen.Options{ThisUpdate: f.now.Add(-time.Hour),
			NextUpdate: f.now.Add(24 * time.Hour), Number: 1, Filler: n, Seed: 7})
		if err != nil {
			b.Fatal(err)
		}
		_ = os.WriteFile(path, der, 0o600)
	}
	benchCRLs.Store(n, der)
	return der
}

// BenchmarkVerify is one full check (signature, chain, policy, SAN, CRL
// lookup in a million entries, attribute match). verifybench prints the
// same as verifications/s next to openssl.
func BenchmarkVerify(b *testing.B) {
	f := fx(b)
	x := NewCRLIndex(f.roots)
	if _, err := x.Add(benchCRL(b, 1_000_000)); err != nil {
		b.Fatal(err)
	}
	signed := f.sign(b, content, f.base.SignCert)
	held := f.heldMatching
	opts := Options{Roots: f.roots, Revocation: []RevocationChecker{x}, Held: &held}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := Verify(ctx, signed, opts); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkCRLLoad parses and indexes a million-entry CRL.
func BenchmarkCRLLoad(b *testing.B) {
	f := fx(b)
	der := benchCRL(b, 1_000_000)
	b.SetBytes(int64(len(der)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := NewCRLIndex(f.roots).Add(der); err != nil {
			b.Fatal(err)
		}
	}
}
