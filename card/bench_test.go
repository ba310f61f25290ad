package card_test

import (
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/card/sim"
)

// The benchmarks report APDUs per operation as the trace counts them: the
// figure that decides how long a read takes on a real card (each APDU is a
// round trip through the reader).

func benchOp(b *testing.B, mod func(*sim.Profile), op func(c *card.Card) error) {
	r := newRig(b, mod)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r.trace.Reset()
		if err := op(r.card); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(r.trace.Len()), "apdus/op")
}

func BenchmarkStatus(b *testing.B) {
	benchOp(b, nil, func(c *card.Card) error {
		_, err := c.Status(context.Background(), benchNow)
		return err
	})
}

func BenchmarkReadAttributes(b *testing.B) {
	benchOp(b, nil, func(c *card.Card) error {
		_, err := c.ReadAttributes(context.Background(), (&pinFn{pin: "1234"}).prompt)
		return err
	})
}

func BenchmarkCertSign(b *testing.B) {
	for _, tc := range []struct {
		name string
		mod  func(*sim.Profile)
	}{
		{"extended", nil},
		{"short-only", func(p *sim.Profile) { p.Extended = sim.ExtendedReject }},
		{"61xx", func(p *sim.Profile) { p.Response = sim.ResponseGetResponse }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			benchOp(b, tc.mod, func(c *card.Card) error {
				_, err := c.Certificate(context.Background(), card.CertSign, (&pinFn{pin: "ABC123"}).prompt)
				return err
			})
		})
	}
}

func BenchmarkSignWithCertificate(b *testing.B) {
	d := sha256.Sum256([]byte("content"))
	benchOp(b, nil, func(c *card.Card) error {
		return c.WithKey(context.Background(), card.KeySign, (&pinFn{pin: "ABC123"}).prompt, func(_ *x509.Certificate, s crypto.Signer) error {
			_, err := s.Sign(nil, d[:], crypto.SHA256)
			return err
		})
	})
}

var benchNow = time.Now()
