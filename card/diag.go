package card

import (
	"context"
	"encoding/hex"
	"errors"
	"time"
)

// AppletProbe says whether one applet answered SELECT.
type AppletProbe struct {
	Name     string `json:"name"`
	AID      string `json:"aid"`
	Answered bool   `json:"answered"`
	SW       string `json:"sw,omitempty"`
	Error    string `json:"error,omitempty"`
}

// AppletInfo is input-helper EF 0005: the applet's own description.
type AppletInfo struct {
	Version       string `json:"version"`
	ExtendedAPDU  bool   `json:"extended_apdu"`
	Vendor        string `json:"vendor"`
	Option        string `json:"option"`
	Raw           string `json:"raw"`
	ParseError    string `json:"parse_error,omitempty"`
	ReadError     string `json:"read_error,omitempty"`
	IssuerKeyID   string `json:"key_id,omitempty"`
	CertFlagsEF08 string `json:"jpki_ef0008,omitempty"`
}

// Diagnosis is what support staff need to tell why a read fails. It holds no
// personal data: no attribute, no certificate subject or serial, no PIN.
type Diagnosis struct {
	Status  Status        `json:"status"`
	Applets []AppletProbe `json:"applets"`
	Info    *AppletInfo   `json:"applet_info,omitempty"`
	Error   string        `json:"error,omitempty"`
	// Code is the catalogue code of Err, filled in by the edge that knows
	// the catalogue (package problem); the driver knows only Err.
	Code string `json:"code,omitempty"`
	Err  error  `json:"-"`
}

var probes = []struct {
	name string
	aid  []byte
}{
	{"jpki", AIDJPKI}, {"input-helper", AIDInputHelper}, {"card-face", AIDCardFace}, {"juki", AIDJuki},
}

// Diagnose gathers the status, which applets answer and the applet info,
// reading only files that need no PIN. A failure is recorded, not returned,
// so a report can always be made; err is only for the card going away.
func (c *Card) Diagnose(ctx context.Context, now time.Time) Diagnosis {
	var d Diagnosis
	st, err := c.Status(ctx, now)
	d.Status = st
	if err != nil {
		d.Error, d.Err = err.Error(), err
		return d
	}
	err = c.do(ctx, "probe applets", func(t *tx) error {
		d.Applets = d.Applets[:0]
		for _, p := range probes {
			pr := AppletProbe{Name: p.name, AID: hex.EncodeToString(p.aid)}
			err := t.selectDF(ctx, p.aid)
			var se *StatusError
			switch {
			case err == nil:
				pr.Answered = true
			case errors.As(err, &se):
				pr.SW = hex.EncodeToString([]byte{se.SW.SW1(), se.SW.SW2()})
			default:
				return err
			}
			d.Applets = append(d.Applets, pr)
		}
		d.Info = t.appletInfo(ctx)
		return nil
	})
	if err != nil {
		d.Error, d.Err = err.Error(), err
	}
	return d
}

// appletInfo reads input-helper EF 0005 and JPKI EF 0008 (both free).
func (t *tx) appletInfo(ctx context.Context) *AppletInfo {
	info := &AppletInfo{}
	if err := t.selectDF(ctx, AIDInputHelper); err != nil {
		info.ReadError = err.Error()
		return info
	}
	if err := t.selectEF(ctx, FIDHelperInfo); err != nil {
		info.ReadError = err.Error()
		return info
	}
	raw, err := t.readBinary(ctx, 0, MaxShortLe)
	if err != nil {
		info.ReadError = err.Error()
		return info
	}
	info.Raw = hex.EncodeToString(raw)
	outer, _, err := ParseTLV(raw)
	if err == nil && outer.Tag == 0xFF40 {
		var fields []TLV
		if fields, err = ParseTLVs(outer.Value); err == nil {
			for _, f := range fields {
				switch {
				case f.Tag == 0xDF41 && len(f.Value) == 4:
					info.Version = hex.EncodeToString(f.Value[:1])
					info.ExtendedAPDU = f.Value[1] != 0
					info.Vendor = hex.EncodeToString(f.Value[2:3])
					info.Option = hex.EncodeToString(f.Value[3:4])
				case f.Tag == 0xDF42:
					info.IssuerKeyID = hex.EncodeToString(f.Value)
				}
			}
		}
	}
	if err != nil {
		info.ParseError = err.Error()
	}
	if t.selectDF(ctx, AIDJPKI) == nil && t.selectEF(ctx, FIDJPKICertFlags) == nil {
		if flags, err := t.readBinary(ctx, 0, 3); err == nil {
			info.CertFlagsEF08 = hex.EncodeToString(flags)
		}
	}
	return info
}
