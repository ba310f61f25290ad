package verify

import (
	"context"
	"errors"
	"testing"
)

// FuzzVerify feeds arbitrary payloads to Verify: it must never panic, and
// every failure must be an *Error with a catalogue code.
func FuzzVerify(f *testing.F) {
	fix := fx(f)
	good := fix.sign(f, content, fix.base.SignCert)
	f.Add(good)
	f.Add(good[:len(good)/3])
	f.Add([]byte{0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02, 0xa0, 0x80})
	f.Add([]byte("-----BEGIN CMS-----\nMAA=\n-----END CMS-----\n"))
	crls := fix.emptyCRLs(f)
	held := fix.heldMatching
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, detached := range []bool{false, true} {
			opts := Options{Roots: fix.roots, Revocation: []RevocationChecker{crls}, Held: &held}
			if detached {
				opts.Content = content
			}
			res, err := Verify(context.Background(), data, opts)
			if err == nil {
				if res.Outcome != Valid || res.Cert == nil {
					t.Fatalf("nil error with outcome %s", res.Outcome)
				}
				continue
			}
			var e *Error
			if !errors.As(err, &e) || e.Code() == "" || res.Code != e.Code() {
				t.Fatalf("error without a code: %v", err)
			}
		}
	})
}

// FuzzCRL feeds arbitrary CRLs to the index: never a panic, and a CRL that
// loads answers lookups.
func FuzzCRL(f *testing.F) {
	fix := fx(f)
	good, err := fix.gen1.IssueCRL(nil, fix.now, fix.now.Add(1e12), 1)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Fuzz(func(t *testing.T, data []byte) {
		x := NewCRLIndex(fix.roots)
		if _, err := x.Add(data); err != nil {
			return
		}
		_, _ = x.CheckRevocation(context.Background(), fix.base.SignCert, fix.gen1.Cert, fix.now)
	})
}
