package card_test

import (
	"context"
	"crypto"
	"crypto/x509"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/card/sim"
	"github.com/mynadesk/mynadesk/cms"
)

// The benchmarks report APDUs per operation as the trace counts them: the
// figure that decides how long a read takes on a real card (each APDU is a
// round trip through the reader). The Wall benchmarks run the same
// operations on a virtual card that takes 20 ms per APDU and 500 ms more per
// signature, close to a real card behind a contact reader; their ns/op is
// the wall time a resident waits. README quotes both.

// cardModes are the card behaviours the counts are given for.
var cardModes = []struct {
	name string
	mod  func(*sim.Profile)
}{
	{"extended", nil},
	{"short-only", func(p *sim.Profile) { p.Extended = sim.ExtendedReject }},
	{"61xx", func(p *sim.Profile) { p.Response = sim.ResponseGetResponse; p.Extended = sim.ExtendedReject }},
}

// benchOps are the operations of the CLI and the app, as they call the driver.
var benchOps = []struct {
	name string
	op   func(ctx context.Context, c *card.Card) error
}{
	{"status", func(ctx context.Context, c *card.Card) error {
		_, err := c.Status(ctx, benchNow)
		return err
	}},
	{"attrs", func(ctx context.Context, c *card.Card) error {
		_, err := c.ReadAttributes(ctx, (&pinFn{pin: "1234"}).prompt)
		return err
	}},
	{"cert-sign", func(ctx context.Context, c *card.Card) error {
		_, err := c.Certificate(ctx, card.CertSign, (&pinFn{pin: "ABC123"}).prompt)
		return err
	}},
	{"sign-cms", func(ctx context.Context, c *card.Card) error {
		return c.WithKey(ctx, card.KeySign, (&pinFn{pin: "ABC123"}).prompt, func(cert *x509.Certificate, s crypto.Signer) error {
			_, err := cms.Sign(ctx, []byte("mynadesk-booking-content/1\n"), cert, s, cms.Options{})
			return err
		})
	}},
}

// BenchmarkAPDUs reports apdus/op for every operation and card behaviour.
// "cold" is a fresh card insertion each iteration, as every mynactl
// command meets the card (nothing learnt yet); "after-status" runs the
// status first on the same insertion, as the app's home screen does
// before a resident starts.
func BenchmarkAPDUs(b *testing.B) {
	for _, op := range benchOps {
		for _, m := range cardModes {
			for _, warm := range []bool{false, true} {
				name := op.name + "/" + m.name + "/cold"
				if warm {
					name = op.name + "/" + m.name + "/after-status"
				}
				b.Run(name, func(b *testing.B) { benchOp(b, m.mod, sim.Faults{}, warm, op.op) })
			}
		}
	}
}

// BenchmarkWall is the wall time of each operation with 20 ms per APDU and
// 500 ms per signature, cold (run with -benchtime=3x: each iteration is real
// time).
func BenchmarkWall(b *testing.B) {
	f := sim.Faults{APDULatency: 20 * time.Millisecond, SignLatency: 500 * time.Millisecond}
	for _, op := range benchOps {
		for _, m := range cardModes[:2] {
			b.Run(op.name+"/"+m.name, func(b *testing.B) { benchOp(b, m.mod, f, false, op.op) })
		}
	}
}

func benchOp(b *testing.B, mod func(*sim.Profile), f sim.Faults, warm bool, op func(ctx context.Context, c *card.Card) error) {
	p := profile(b)
	if mod != nil {
		mod(&p)
	}
	ctx := context.Background()
	tr := &card.Trace{}
	var total time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		sc, err := sim.NewCard(p) // a new insertion: nothing remembered
		if err != nil {
			b.Fatal(err)
		}
		if warm {
			if _, err := card.New(sim.NewConn(sc), card.Options{Logger: quiet}).Status(ctx, benchNow); err != nil {
				b.Fatal(err)
			}
		}
		tr.Reset()
		c := card.New(sim.NewConn(sc, sim.WithFaults(f)), card.Options{Trace: tr, Logger: quiet})
		start := time.Now()
		b.StartTimer()
		if err := op(ctx, c); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		total += time.Since(start)
		c.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(tr.Len()), "apdus/op")
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/op")
}

var benchNow = time.Now()
