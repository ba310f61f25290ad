package jpki

import (
	"errors"
	"testing"
)

// FuzzDecodeSAN: never a panic; errors are typed; what decodes re-encodes
// to something that decodes to the same attributes.
func FuzzDecodeSAN(f *testing.F) {
	ext, err := EncodeSAN(hanako)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(ext.Value)
	f.Add(ext.Value[:20])
	f.Add([]byte{0x30, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := DecodeSANExtension(data)
		if err != nil {
			if !errors.Is(err, ErrMalformedSAN) && !errors.Is(err, ErrMissingField) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		ext, err := EncodeSAN(a)
		if err != nil {
			t.Fatalf("decoded attributes do not encode: %v", err)
		}
		b, err := DecodeSANExtension(ext.Value)
		if err != nil || b != a {
			t.Fatalf("round trip: %+v %v", b, err)
		}
	})
}

// FuzzDiff: comparison never panics, normalisation is idempotent, and
// attributes always match themselves.
func FuzzDiff(f *testing.F) {
	f.Add("公的\u3000花子", "ｺｳﾃｷ ﾊﾅｺ", "10", "東京都1ー2", "1-2")
	f.Fuzz(func(t *testing.T, n1, n2, subst, a1, a2 string) {
		x := Attributes{Name: n1, NameSubst: subst, Address: a1, Sex: "1", Birth: "19900101"}
		y := Attributes{Name: n2, Address: a2, Sex: "1", Birth: "19900101"}
		_ = Diff(x, y)
		for _, s := range []string{n1, n2, a1} {
			if NormalizeName(NormalizeName(s)) != NormalizeName(s) || NormalizeAddress(NormalizeAddress(s)) != NormalizeAddress(s) {
				t.Fatalf("normalisation not idempotent for %q", s)
			}
		}
		if NormalizeName(n1) != "" && NormalizeAddress(a1) != "" {
			if d := Diff(x, Attributes{Name: n1, Address: a1, Sex: "1", Birth: "19900101"}); d != nil {
				t.Fatalf("attributes differ from themselves in %v", d)
			}
		}
	})
}
