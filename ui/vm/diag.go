package vm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	goqr "github.com/skip2/go-qrcode"

	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/problem"
)

// Diag makes the diagnostic report for support staff: readers, ATR and
// protocol, card kind, applets, PIN counters, the auth certificate's
// validity and the APDU trace (card.BuildReport). No personal data.
type Diag struct {
	// Open returns a PC/SC service for the report alone; BuildReport
	// closes it.
	Open    func() (card.System, error)
	Reader  func() string
	Version string
	Now     func() time.Time
}

// Run builds a report; it never fails (a failure is the report's content).
func (d *Diag) Run(ctx context.Context) card.Report {
	now := d.Now
	if now == nil {
		now = time.Now
	}
	reader := ""
	if d.Reader != nil {
		reader = d.Reader()
	}
	return problem.Report(card.BuildReport(ctx, d.Open, reader, d.Version, now))
}

// ReportText is the report for a person to read (copy, save).
func ReportText(r card.Report) string {
	var b strings.Builder
	r.WriteText(&b)
	return b.String()
}

// ReportJSON is the report as indented JSON.
func ReportJSON(r card.Report) []byte {
	b, _ := json.MarshalIndent(r, "", "  ")
	return b
}

// MaxCompact bounds the compact form so its QR code stays easy for a phone
// to read from a screen.
const MaxCompact = 900

// Compact is the report in one short text that fits a QR code: a line per
// item, the trace summed up (APDU count, total time, slowest, and every
// exchange that did not answer 90 00).
func Compact(r card.Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "MYNADESK-DIAG 1\nv=%s os=%s t=%s\nsvc=%s\n", r.Version, r.OS, r.Time.UTC().Format(time.RFC3339), clip(r.Service, 60))
	for _, s := range r.Readers {
		fmt.Fprintf(&b, "rdr=%s card=%d mute=%d excl=%d\n", clip(s.Name, 40), b2i(s.Card), b2i(s.Mute), b2i(s.Exclusive))
	}
	if c := r.Card; c != nil {
		st := c.Status
		fmt.Fprintf(&b, "atr=%s proto=%s kind=%s ok=%d\n", st.ATR, st.Protocol, st.KindName, b2i(st.Supported))
		var pins []string
		for _, p := range st.PINs {
			pins = append(pins, fmt.Sprintf("%s=%d/%d", p.Name, p.TriesLeft, p.MaxTries))
		}
		if len(pins) > 0 {
			fmt.Fprintf(&b, "pin %s\n", strings.Join(pins, " "))
		}
		if a := st.AuthCert; a != nil && a.Present && !a.NeedsPIN {
			fmt.Fprintf(&b, "authcert %s..%s exp=%d\n", a.NotBefore.Format("2006-01-02"), a.NotAfter.Format("2006-01-02"), b2i(a.Expired))
		}
		var aps []string
		for _, ap := range c.Applets {
			v := "1"
			if !ap.Answered {
				v = "0:" + ap.SW
			}
			aps = append(aps, ap.Name+"="+v)
		}
		if len(aps) > 0 {
			fmt.Fprintf(&b, "applets %s\n", strings.Join(aps, " "))
		}
	}
	if r.Code != "" {
		fmt.Fprintf(&b, "code=%s err=%s\n", r.Code, clip(r.Error, 120))
	}
	var total, slow time.Duration
	for _, e := range r.Trace {
		total += e.Duration
		slow = max(slow, e.Duration)
	}
	fmt.Fprintf(&b, "apdu n=%d total=%v max=%v\n", len(r.Trace), total.Round(time.Millisecond), slow.Round(time.Millisecond))
	for i, e := range r.Trace {
		if e.SW != card.SWSuccess || e.Err != "" {
			line := fmt.Sprintf("#%d %s sw=%04X %s\n", i+1, strings.ReplaceAll(e.Name, " ", "_"), uint16(e.SW), clip(e.Err, 40))
			if b.Len()+len(line) > MaxCompact-20 {
				b.WriteString("...\n")
				break
			}
			b.WriteString(line)
		}
	}
	out := b.String()
	if len(out) > MaxCompact {
		out = out[:MaxCompact]
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func clip(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > n {
		return s[:n]
	}
	return s
}

// QRPNG renders text as a QR code PNG of size pixels.
func QRPNG(text string, size int) ([]byte, error) {
	png, err := goqr.Encode(text, goqr.Low, size)
	if err != nil {
		return nil, fmt.Errorf("vm: QR code: %w", err)
	}
	return bytes.Clone(png), nil
}
