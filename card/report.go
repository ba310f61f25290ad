package card

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"
)

// Report is the diagnostic report support staff ask for: the service, every
// reader, and for the chosen card its diagnosis and the APDU trace with
// timings. It holds no personal data and no PIN, so it can be copied, saved
// or shown as a QR code.
type Report struct {
	Version  string        `json:"version"`
	OS       string        `json:"os"`
	Time     time.Time     `json:"time"`
	Service  string        `json:"service"` // "ok" or what failed
	Readers  []ReaderState `json:"readers"`
	Reader   string        `json:"reader,omitempty"`
	Card     *Diagnosis    `json:"card,omitempty"`
	Error    string        `json:"error,omitempty"`
	Code     string        `json:"code,omitempty"` // Err's catalogue code: see Diagnosis.Code
	Err      error         `json:"-"`
	Trace    []TraceEntry  `json:"trace"`
	Duration time.Duration `json:"duration_ns"`
}

// BuildReport gathers a Report. It never fails: whatever went wrong is the
// content of the report.
func BuildReport(ctx context.Context, open func() (System, error), reader, version string, now func() time.Time) Report {
	start := now()
	rep := Report{Version: version, OS: runtime.GOOS + "/" + runtime.GOARCH, Time: start, Trace: []TraceEntry{}}
	fail := func(err error) Report {
		rep.Error, rep.Err = err.Error(), err
		rep.Duration = now().Sub(start)
		return rep
	}
	sys, err := open()
	if err != nil {
		rep.Service = err.Error()
		return fail(err)
	}
	defer sys.Close()
	rep.Service = "ok"
	if rep.Readers, err = sys.Readers(ctx); err != nil {
		return fail(err)
	}
	r, err := Pick(rep.Readers, reader)
	rep.Reader = r.Name
	if err != nil {
		return fail(err)
	}
	conn, err := sys.Connect(ctx, r.Name)
	if err != nil {
		return fail(err)
	}
	trace := &Trace{}
	c := New(conn, Options{Trace: trace})
	defer c.Close()
	d := c.Diagnose(ctx, start)
	rep.Card = &d
	rep.Trace = trace.Entries()
	rep.Error, rep.Err = d.Error, d.Err
	rep.Duration = now().Sub(start)
	return rep
}

// WriteText writes the report for a person to read.
func (r Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "mynadesk diagnostic report %s (%s) %s\n", r.Version, r.OS, r.Time.Format(time.RFC3339))
	fmt.Fprintf(&b, "service: %s\n", r.Service)
	for _, s := range r.Readers {
		fmt.Fprintf(&b, "reader: %q card=%v exclusive=%v mute=%v\n", s.Name, s.Card, s.Exclusive, s.Mute)
	}
	if r.Card != nil {
		st := r.Card.Status
		fmt.Fprintf(&b, "chosen: %q\natr: %s protocol: %s\nkind: %s token=%q supported=%v\n", r.Reader, st.ATR, st.Protocol, st.KindName, st.Token, st.Supported)
		for _, p := range st.PINs {
			fmt.Fprintf(&b, "pin %s: %d/%d blocked=%v\n", p.Name, p.TriesLeft, p.MaxTries, p.Blocked)
		}
		if a := st.AuthCert; a != nil {
			fmt.Fprintf(&b, "auth certificate: present=%v needs_pin=%v issuer=%q valid %s..%s expired=%v %s\n",
				a.Present, a.NeedsPIN, a.Issuer, a.NotBefore.Format(time.DateOnly), a.NotAfter.Format(time.DateOnly), a.Expired, a.Error)
		}
		for _, ap := range r.Card.Applets {
			fmt.Fprintf(&b, "applet %s (%s): answered=%v %s\n", ap.Name, ap.AID, ap.Answered, ap.SW)
		}
		if i := r.Card.Info; i != nil {
			fmt.Fprintf(&b, "applet info: version=%s extended_apdu=%v vendor=%s option=%s ef0008=%s %s%s\n",
				i.Version, i.ExtendedAPDU, i.Vendor, i.Option, i.CertFlagsEF08, i.ParseError, i.ReadError)
		}
	}
	if r.Error != "" {
		fmt.Fprintf(&b, "error: [%s] %s\n", r.Code, r.Error)
	}
	for i, t := range r.Trace {
		fmt.Fprintf(&b, "apdu %2d %-26s %-40s sw=%04X len=%d %v %s\n", i+1, t.Name, t.Command, uint16(t.SW), t.Length, t.Duration.Round(time.Microsecond), t.Err)
	}
	fmt.Fprintf(&b, "took %v\n", r.Duration.Round(time.Millisecond))
	_, err := io.WriteString(w, b.String())
	return err
}
