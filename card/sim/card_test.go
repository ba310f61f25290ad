package sim

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/mynadesk/mynadesk/card"
)

// step is one APDU and the answer it must get. data, if set, is the exact
// response data in hex; "-" means no data at all.
type step struct {
	apdu string
	sw   card.StatusWord
	data string
}

func runSteps(t *testing.T, c *Card, steps []step) {
	t.Helper()
	for i, s := range steps {
		resp := c.Process(h(s.apdu))
		if got := swOf(t, resp); got != s.sw {
			t.Fatalf("step %d %s: got %v, want %v", i, s.apdu, got, s.sw)
		}
		data := resp[:len(resp)-2]
		switch s.data {
		case "":
		case "-":
			if len(data) != 0 {
				t.Fatalf("step %d %s: got data %X, want none", i, s.apdu, data)
			}
		default:
			if want := h(s.data); !bytes.Equal(data, want) {
				t.Fatalf("step %d %s: got data %X, want %X", i, s.apdu, data, want)
			}
		}
	}
}

func TestCommands(t *testing.T) {
	const (
		ok       = card.SWSuccess
		notFound = card.SWNotFound
		p1p2     = card.SWWrongP1P2
		length   = card.SWWrongLength
		security = card.SWSecurityNotSatisfied
		noEF     = card.SWNoCurrentEF
		pastEnd  = card.SWOffsetPastEnd
		blocked  = card.SWPINBlocked
	)
	tests := []struct {
		name  string
		steps []step
	}{
		{"select applets", []step{
			{selJPKI, ok, "-"}, {selHelper, ok, "-"}, {selFace, ok, "-"}, {selJuki, ok, "-"},
		}},
		{"unknown AID", []step{{"00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 02", notFound, "-"}}},
		{"AID prefix is not a match", []step{{"00 A4 04 0C 05 D3 92 F0 00 26", notFound, "-"}}},
		{"select DF with P2 00", []step{{"00 A4 04 00 0A D3 92 F0 00 26 01 00 00 00 01", p1p2, "-"}}},
		{"path select unsupported", []step{{selJPKI, ok, ""}, {"00 A4 09 0C 04 3F00 0006", p1p2, "-"}}},
		{"EF before any applet", []step{{selEF("0006"), notFound, "-"}}},
		{"unknown FID", []step{{selJPKI, ok, ""}, {selEF("0099"), notFound, "-"}}},
		{"FID of another applet", []step{{selJPKI, ok, ""}, {selEF("0011"), notFound, "-"}}},
		{"FID of wrong length", []step{{selJPKI, ok, ""}, {"00 A4 02 0C 01 06", length, "-"}}},
		{"unknown INS", []step{{"00 CA 00 00 00", card.SWINSNotSupported, "-"}}},
		{"sign INS with CLA 00", []step{{"00 2A 00 80 01 00 00", card.SWINSNotSupported, "-"}}},
		{"unknown CLA", []step{{"A0 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01", card.SWCLANotSupported, "-"}}},
		{"secure messaging CLA", []step{{"0C B0 00 00 00", card.SWCLANotSupported, "-"}}},
		{"too short", []step{{"00 A4 04", length, "-"}}},
		{"Lc disagrees with body", []step{{"00 A4 04 0C 0A D3 92", length, "-"}}},
		{"EF 0008", []step{{selJPKI, ok, ""}, {selEF("0008"), ok, ""}, {"00 B0 00 00 00", ok, "8F 8F 00"}}},
		{"EF 0008 offset and short read", []step{
			{selJPKI, ok, ""}, {selEF("0008"), ok, ""}, {"00 B0 00 01 00", ok, "8F 00"},
			{"00 B0 00 02 05", ok, "00"}, {"00 B0 00 03 00", pastEnd, "-"}, {"00 B0 7F FF 00", pastEnd, "-"},
		}},
		{"READ BINARY short EF addressing", []step{{selJPKI, ok, ""}, {selEF("0008"), ok, ""}, {"00 B0 86 00 00", p1p2, "-"}}},
		{"READ BINARY without Le", []step{{selJPKI, ok, ""}, {selEF("0008"), ok, ""}, {"00 B0 00 00", length, "-"}}},
		{"READ BINARY no current EF", []step{{selJPKI, ok, ""}, {"00 B0 00 00 00", noEF, "-"}}},
		{"READ BINARY no applet", []step{{"00 B0 00 00 00", noEF, "-"}}},
		{"READ BINARY on a PIN", []step{{selJPKI, ok, ""}, {selEF("0018"), ok, ""}, {"00 B0 00 00 00", swIncompatibleFile, "-"}}},
		{"READ BINARY on a key", []step{{selJPKI, ok, ""}, {selEF("001A"), ok, ""}, {"00 B0 00 00 00", swIncompatibleFile, "-"}}},
		{"select applet clears EF", []step{
			{selJPKI, ok, ""}, {selEF("0008"), ok, ""}, {selJPKI, ok, ""}, {"00 B0 00 00 00", noEF, "-"},
		}},
		{"failed EF select keeps EF", []step{
			{selJPKI, ok, ""}, {selEF("0008"), ok, ""}, {selEF("0099"), notFound, ""}, {"00 B0 00 00 03", ok, "8F 8F 00"},
		}},
		{"sign cert needs sign PIN", []step{
			{selJPKI, ok, ""}, {selEF("0001"), ok, ""}, {"00 B0 00 00 04", security, "-"},
			{selEF("001B"), ok, ""}, {verifyAPDU("ABC123"), ok, "-"},
			{selEF("0001"), ok, ""}, {"00 B0 00 00 02", ok, "30 82"},
		}},
		{"auth PIN does not open sign cert", []step{
			{selJPKI, ok, ""}, {selEF("0018"), ok, ""}, {verifyAPDU("1234"), ok, ""},
			{selEF("0001"), ok, ""}, {"00 B0 00 00 04", security, "-"},
		}},
		{"free JPKI files", []step{
			{selJPKI, ok, ""}, {selEF("000A"), ok, ""}, {"00 B0 00 00 01", ok, "30"},
			{selEF("000B"), ok, ""}, {"00 B0 00 00 01", ok, "30"},
			{selEF("0002"), ok, ""}, {"00 B0 00 00 01", ok, "30"},
		}},
		{"helper attributes need PIN", []step{
			{selHelper, ok, ""}, {selEF("0002"), ok, ""}, {"00 B0 00 00 00", security, "-"},
			{selEF("0011"), ok, ""}, {verifyAPDU("1234"), ok, ""},
			{selEF("0002"), ok, ""}, {"00 B0 00 00 02", ok, "FF 20"},
		}},
		{"helper attributes with 照合番号B", []step{
			{selHelper, ok, ""}, {selEF("0015"), ok, ""}, {verifyAPDU("90010120354321"), ok, ""},
			{selEF("0002"), ok, ""}, {"00 B0 00 00 02", ok, "FF 20"},
			{selEF("0001"), ok, ""}, {"00 B0 00 00 02", security, "-"},
		}},
		{"individual number needs PIN", []step{
			{selHelper, ok, ""}, {selEF("0001"), ok, ""}, {"00 B0 00 00 00", security, "-"},
			{selEF("0011"), ok, ""}, {verifyAPDU("1234"), ok, ""},
			{selEF("0001"), ok, ""}, {"00 B0 00 00 00", ok, "FF 10 0C" + ascii("123456789019") + "FF FF"},
		}},
		{"helper free files", []step{
			{selHelper, ok, ""}, {selEF("0005"), ok, ""}, {"00 B0 00 00 04", ok, "FF 40 1A DF"},
			{selEF("0004"), ok, ""}, {"00 B0 00 00 02", ok, "7F 21"},
			{selEF("0003"), ok, ""}, {"00 B0 00 00 02", security, ""},
		}},
		{"card-face applet", []step{
			{selFace, ok, ""}, {selEF("0002"), ok, ""}, {"00 B0 00 00 02", security, ""},
			{selEF("0015"), ok, ""}, {verifyAPDU("90010120354321"), ok, ""},
			{selEF("0002"), ok, ""}, {"00 B0 00 00 02", ok, "5F 41"},
		}},
		{"juki applet has no files", []step{{selJuki, ok, ""}, {selEF("0006"), notFound, ""}}},
		{"VERIFY counter query", []step{
			{selJPKI, ok, ""}, {selEF("001B"), ok, ""}, {verifyAPDU(""), 0x63C5, "-"},
			{selEF("0018"), ok, ""}, {verifyAPDU(""), 0x63C3, "-"},
			{selHelper, ok, ""}, {selEF("0011"), ok, ""}, {verifyAPDU(""), 0x63C3, "-"},
		}},
		{"VERIFY wrong P1/P2", []step{{selJPKI, ok, ""}, {selEF("0018"), ok, ""}, {"00 20 00 81 04 31323334", p1p2, ""}, {"00 20 01 80 04 31323334", p1p2, ""}}},
		{"VERIFY no EF", []step{{selJPKI, ok, ""}, {verifyAPDU("1234"), noEF, ""}}},
		{"VERIFY on a data EF", []step{{selJPKI, ok, ""}, {selEF("0006"), ok, ""}, {verifyAPDU("1234"), swIncompatibleFile, ""}}},
		{"auth PIN blocks after 3", []step{
			{selJPKI, ok, ""}, {selEF("0018"), ok, ""},
			{verifyAPDU("0000"), 0x63C2, "-"}, {verifyAPDU("0000"), 0x63C1, "-"}, {verifyAPDU("0000"), 0x63C0, "-"},
			{verifyAPDU("1234"), blocked, "-"}, {verifyAPDU("0000"), blocked, "-"}, {verifyAPDU(""), 0x63C0, "-"},
			{selEF("0017"), ok, ""}, {"80 2A 00 80 03 010203 00", security, "-"},
		}},
		{"sign PIN blocks after 5", []step{
			{selJPKI, ok, ""}, {selEF("001B"), ok, ""},
			{verifyAPDU("XXXXXX"), 0x63C4, ""}, {verifyAPDU("XXXXXX"), 0x63C3, ""}, {verifyAPDU("XXXXXX"), 0x63C2, ""},
			{verifyAPDU("XXXXXX"), 0x63C1, ""}, {verifyAPDU("XXXXXX"), 0x63C0, ""}, {verifyAPDU("ABC123"), blocked, ""},
		}},
		{"success resets the counter", []step{
			{selHelper, ok, ""}, {selEF("0011"), ok, ""},
			{verifyAPDU("9999"), 0x63C2, ""}, {verifyAPDU("9999"), 0x63C1, ""}, {verifyAPDU("1234"), ok, "-"},
			{verifyAPDU(""), 0x63C3, "-"},
		}},
		{"sign password is case sensitive on the card", []step{
			{selJPKI, ok, ""}, {selEF("001B"), ok, ""}, {verifyAPDU("abc123"), 0x63C4, ""},
		}},
		{"wrong PIN forgets an earlier verify", []step{
			{selJPKI, ok, ""}, {selEF("001B"), ok, ""}, {verifyAPDU("ABC123"), ok, ""}, {verifyAPDU("ABC124"), 0x63C4, ""},
			{selEF("0001"), ok, ""}, {"00 B0 00 00 01", security, ""},
		}},
		{"re-select forgets PINs", []step{
			{selJPKI, ok, ""}, {selEF("001B"), ok, ""}, {verifyAPDU("ABC123"), ok, ""},
			{selJPKI, ok, ""}, {selEF("0001"), ok, ""}, {"00 B0 00 00 01", security, "-"},
			{selEF("001A"), ok, ""}, {"80 2A 00 80 03 010203 00", security, "-"},
		}},
		{"another applet's select forgets too", []step{
			{selHelper, ok, ""}, {selEF("0011"), ok, ""}, {verifyAPDU("1234"), ok, ""},
			{selJPKI, ok, ""}, {selHelper, ok, ""}, {selEF("0002"), ok, ""}, {"00 B0 00 00 01", security, "-"},
		}},
		{"CHANGE PIN", []step{
			{selJPKI, ok, ""}, {selEF("0018"), ok, ""}, {"00 24 01 80 04 35363738", security, "-"},
			{verifyAPDU("1234"), ok, ""}, {"00 24 01 80 04 35363738", ok, "-"},
			{verifyAPDU("1234"), 0x63C2, ""}, {verifyAPDU("5678"), ok, ""},
		}},
		{"CHANGE PIN checks shape and P1/P2", []step{
			{selJPKI, ok, ""}, {selEF("001B"), ok, ""}, {verifyAPDU("ABC123"), ok, ""},
			{"00 24 00 80 06" + ascii("ZZZ999"), p1p2, ""}, {"00 24 01 80 05" + ascii("ZZZ99"), swWrongData, ""},
			{"00 24 01 80 06" + ascii("zzz999"), swWrongData, ""}, {"00 24 01 80", length, ""},
			{"00 24 01 80 06" + ascii("ZZZ999"), ok, ""}, {verifyAPDU("ZZZ999"), ok, ""},
		}},
		{"COMPUTE SIGNATURE errors", []step{
			{selJPKI, ok, ""}, {selEF("001A"), ok, ""}, {"80 2A 00 80 03 010203 00", security, "-"},
			{selEF("001B"), ok, ""}, {verifyAPDU("ABC123"), ok, ""},
			{"80 2A 00 80 03 010203 00", swIncompatibleFile, "-"}, // current EF is the PIN
			{selEF("001A"), ok, ""},
			{"80 2A 01 80 03 010203 00", p1p2, "-"}, {"80 2A 00 81 03 010203 00", p1p2, "-"},
			{"80 2A 00 80 F6" + strings.Repeat("00", 246) + "00", length, "-"},
			{"80 2A 00 80 F5" + strings.Repeat("00", 245) + "00", ok, ""},
		}},
		{"GET RESPONSE with nothing pending", []step{{"00 C0 00 00 10", swConditionsNotMet, "-"}}},
		{"extended READ BINARY", []step{
			{selJPKI, ok, ""}, {selEF("0008"), ok, ""}, {"00 B0 00 00 00 01 00", ok, "8F 8F 00"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runSteps(t, newTestCard(t), tt.steps)
		})
	}
}

func TestTokenInfo(t *testing.T) {
	for _, tc := range []struct {
		token Token
		label string
		kind  card.Kind
	}{
		{TokenCard, "JPKIAPICCTOKEN2", card.KindMyNumberCard},
		{TokenJuki, "JPKIAPICCTOKEN", card.KindJukiCard},
		{TokenSmartphone, "JPKIAPGPSETOKEN", card.KindSmartphone},
	} {
		t.Run(tc.token.String(), func(t *testing.T) {
			c := newTestCard(t, func(p *Profile) { p.Token = tc.token })
			mustSW(t, c, selJPKI, card.SWSuccess)
			mustSW(t, c, selEF("0006"), card.SWSuccess)
			info := readAll(t, c)
			if len(info) != 160 {
				t.Fatalf("EF 0006 is %d bytes, want 160", len(info))
			}
			if want := tc.label + strings.Repeat(" ", 32-len(tc.label)); string(info[:32]) != want {
				t.Fatalf("label %q, want %q", info[:32], want)
			}
			if k, _ := card.KindFromTokenInfo(info); k != tc.kind {
				t.Fatalf("kind %v, want %v", k, tc.kind)
			}
			// Only a smartphone token guards the auth certificate.
			mustSW(t, c, selEF("000A"), card.SWSuccess)
			wantSW := card.SWSuccess
			if tc.token == TokenSmartphone {
				wantSW = card.SWSecurityNotSatisfied
			}
			mustSW(t, c, "00 B0 00 00 04", wantSW)
			// Only a My Number Card has the input helper.
			wantSW = card.SWNotFound
			if tc.token == TokenCard {
				wantSW = card.SWSuccess
			}
			mustSW(t, c, selHelper, wantSW)
		})
	}
	t.Run("smartphone auth cert with PIN", func(t *testing.T) {
		c := newTestCard(t, func(p *Profile) { p.Token = TokenSmartphone })
		runSteps(t, c, []step{
			{selJPKI, card.SWSuccess, ""}, {selEF("0018"), card.SWSuccess, ""}, {verifyAPDU("1234"), card.SWSuccess, ""},
			{selEF("000A"), card.SWSuccess, ""}, {"00 B0 00 00 02", card.SWSuccess, "30 82"},
		})
	})
}

// certFromCard reads a certificate EF the way the spec says a driver must:
// size from the DER header, then 256-byte reads.
func certFromCard(t *testing.T, c *Card, fid string) []byte {
	t.Helper()
	mustSW(t, c, selEF(fid), card.SWSuccess)
	all := readAll(t, c)
	if len(all) < 4 || all[0] != 0x30 || all[1] != 0x82 {
		t.Fatalf("EF %s does not start with a DER sequence: % X", fid, all[:min(len(all), 4)])
	}
	n := int(all[2])<<8 | int(all[3]) + 4
	if len(all) <= n {
		t.Fatalf("EF %s is %d bytes, no longer than its certificate (%d)", fid, len(all), n)
	}
	return all[:n]
}

func TestCertificates(t *testing.T) {
	c := newTestCard(t)
	mustSW(t, c, selJPKI, card.SWSuccess)
	if got := certFromCard(t, c, "000A"); !bytes.Equal(got, testKeys.authCert) {
		t.Fatal("auth certificate differs")
	}
	if got := certFromCard(t, c, "000B"); !bytes.Equal(got, testKeys.caCert) {
		t.Fatal("auth CA certificate differs")
	}
	mustSW(t, c, selEF("001B"), card.SWSuccess)
	mustSW(t, c, verifyAPDU("ABC123"), card.SWSuccess)
	if got := certFromCard(t, c, "0001"); !bytes.Equal(got, testKeys.signCert) {
		t.Fatal("sign certificate differs")
	}
}

var sha256Prefix = h("30 31 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20")

func TestSignatureVerifies(t *testing.T) {
	for _, tc := range []struct {
		name, pinEF, pin, keyEF, certEF string
	}{
		{"sign", "001B", "ABC123", "001A", "0001"},
		{"auth", "0018", "1234", "0017", "000A"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestCard(t)
			mustSW(t, c, selJPKI, card.SWSuccess)
			mustSW(t, c, selEF(tc.pinEF), card.SWSuccess)
			mustSW(t, c, verifyAPDU(tc.pin), card.SWSuccess)
			cert, err := x509.ParseCertificate(certFromCard(t, c, tc.certEF))
			if err != nil {
				t.Fatal(err)
			}
			digest := sha256.Sum256([]byte("予約の登録"))
			di := append(append([]byte(nil), sha256Prefix...), digest[:]...)
			mustSW(t, c, selEF(tc.keyEF), card.SWSuccess)
			apdu := append([]byte{0x80, 0x2A, 0x00, 0x80, byte(len(di))}, di...)
			resp := c.Process(append(apdu, 0x00))
			if swOf(t, resp) != card.SWSuccess || len(resp) != 258 {
				t.Fatalf("signature answer %d bytes, SW %v", len(resp), swOf(t, resp))
			}
			if err := rsa.VerifyPKCS1v15(cert.PublicKey.(*rsa.PublicKey), crypto.SHA256, digest[:], resp[:256]); err != nil {
				t.Fatalf("signature does not verify: %v", err)
			}
		})
	}
}

// parseTLV reads one BER TLV with a 1- or 2-byte tag.
func parseTLV(t *testing.T, b []byte) (tag uint16, value, rest []byte) {
	t.Helper()
	if len(b) < 2 {
		t.Fatalf("TLV too short: % X", b)
	}
	tag = uint16(b[0])
	i := 1
	if b[0]&0x1F == 0x1F {
		tag = tag<<8 | uint16(b[1])
		i = 2
	}
	n := int(b[i])
	i++
	switch n {
	case 0x81:
		n = int(b[i])
		i++
	case 0x82:
		n = int(b[i])<<8 | int(b[i+1])
		i += 2
	}
	if i+n > len(b) {
		t.Fatalf("TLV %04X length %d past the end", tag, n)
	}
	return tag, b[i : i+n], b[i+n:]
}

func TestHelperAttributes(t *testing.T) {
	long := strings.Repeat("架空県見本市", 20) // 360 bytes of UTF-8: 82 xx xx lengths
	for _, tc := range []struct {
		name, address string
		lenForm       byte // first byte after FF 20
	}{
		{"short", "東京都架空区見本町一丁目２番３号", 0x7F},
		{"81 form", "東京都架空区見本町一丁目２番３号東京都架空区見本町一丁目２番３号", 0x81},
		{"82 form", long, 0x82},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestCard(t, func(p *Profile) { p.Holder.Address = tc.address })
			runSteps(t, c, []step{
				{selHelper, card.SWSuccess, ""}, {selEF("0011"), card.SWSuccess, ""}, {verifyAPDU("1234"), card.SWSuccess, ""},
				{selEF("0002"), card.SWSuccess, ""},
			})
			file := readAll(t, c)
			tag, value, rest := parseTLV(t, file)
			if tag != 0xFF20 {
				t.Fatalf("tag %04X", tag)
			}
			if got := file[2]; (tc.lenForm == 0x7F && got >= 0x80) || (tc.lenForm != 0x7F && got != tc.lenForm) {
				t.Fatalf("length byte %02X, want form %02X", got, tc.lenForm)
			}
			if len(rest) == 0 || bytes.Count(rest, []byte{0xFF}) != len(rest) {
				t.Fatalf("want filler bytes after the TLV, got % X", rest[:min(len(rest), 8)])
			}
			got := map[uint16]string{}
			var offsets []byte
			for inner := value; len(inner) > 0; {
				var tg uint16
				var v []byte
				tg, v, inner = parseTLV(t, inner)
				if tg == 0xDF21 {
					offsets = v
				}
				got[tg] = string(v)
			}
			want := map[uint16]string{0xDF22: "公的\u3000花子", 0xDF23: tc.address, 0xDF24: "19900101", 0xDF25: "2"}
			for tg, w := range want {
				if got[tg] != w {
					t.Errorf("%04X = %q, want %q", tg, got[tg], w)
				}
			}
			// Each offset points at its field's tag inside the FF 20 value.
			for i, tg := range []uint16{0xDF22, 0xDF23, 0xDF24, 0xDF25} {
				off := int(offsets[2*i])<<8 | int(offsets[2*i+1])
				if off+1 >= len(value) || uint16(value[off])<<8|uint16(value[off+1]) != tg {
					t.Errorf("offset %d for %04X does not point at it", off, tg)
				}
			}
		})
	}
}

func TestAPInfoFlag(t *testing.T) {
	for _, tc := range []struct {
		mode Extended
		flag byte
	}{{ExtendedAccept, 1}, {ExtendedReject, 0}, {ExtendedClaimOnly, 1}} {
		c := newTestCard(t, func(p *Profile) { p.Extended = tc.mode })
		mustSW(t, c, selHelper, card.SWSuccess)
		mustSW(t, c, selEF("0005"), card.SWSuccess)
		info := mustSW(t, c, "00 B0 00 00 00", card.SWSuccess)
		_, v, _ := parseTLV(t, info)
		tag, ver, _ := parseTLV(t, v)
		if tag != 0xDF41 || len(ver) != 4 || ver[1] != tc.flag {
			t.Errorf("%v: DF 41 = % X, want ext flag %d", tc.mode, ver, tc.flag)
		}
	}
}

func TestExtendedLength(t *testing.T) {
	readCert := "00 B0 00 00 00 08 00" // extended Le 2048
	t.Run("accept", func(t *testing.T) {
		c := newTestCard(t)
		mustSW(t, c, selJPKI, card.SWSuccess)
		mustSW(t, c, selEF("000A"), card.SWSuccess)
		data := mustSW(t, c, readCert, card.SWSuccess)
		if len(data) != 2048 || !bytes.HasPrefix(data, testKeys.authCert) {
			t.Fatalf("extended read gave %d bytes", len(data))
		}
		data = mustSW(t, c, "00 B0 00 00 00 00 00", card.SWSuccess) // Le 65536: the whole file
		if len(data) != 2048 {
			t.Fatalf("Le 65536 gave %d bytes", len(data))
		}
	})
	for _, mode := range []Extended{ExtendedReject, ExtendedClaimOnly} {
		t.Run(mode.String(), func(t *testing.T) {
			c := newTestCard(t, func(p *Profile) { p.Extended = mode })
			mustSW(t, c, selJPKI, card.SWSuccess)
			mustSW(t, c, selEF("000A"), card.SWSuccess)
			mustSW(t, c, readCert, card.SWWrongLength)
			mustSW(t, c, "00 B0 00 00 00 00 10", card.SWWrongLength) // even a small extended Le
			if data := mustSW(t, c, "00 B0 00 00 00", card.SWSuccess); len(data) != 256 {
				t.Fatalf("short read gave %d bytes", len(data))
			}
		})
	}
}

func TestGetResponseMode(t *testing.T) {
	c := newTestCard(t, func(p *Profile) { p.Response = ResponseGetResponse })
	runSteps(t, c, []step{
		{selJPKI, card.SWSuccess, "-"}, {selEF("0008"), card.SWSuccess, "-"},
		{"00 B0 00 00 00", 0x6103, "-"}, {"00 C0 00 00 03", card.SWSuccess, "8F 8F 00"},
		{"00 C0 00 00 03", swConditionsNotMet, "-"},
		// A partial GET RESPONSE leaves the rest pending.
		{"00 B0 00 00 00", 0x6103, "-"}, {"00 C0 00 00 01", 0x6102, "8F"}, {"00 C0 00 00 02", card.SWSuccess, "8F 00"},
		// Any other command drops pending data.
		{"00 B0 00 00 00", 0x6103, "-"}, {selEF("0008"), card.SWSuccess, "-"}, {"00 C0 00 00 03", swConditionsNotMet, "-"},
		{"00 B0 00 00 00", 0x6103, "-"}, {"00 C0 01 00 03", card.SWWrongP1P2, "-"},
	})
	// Extended read in 61 mode: chunks of 256.
	mustSW(t, c, selEF("000A"), card.SWSuccess)
	mustSW(t, c, "00 B0 00 00 00 02 00", 0x6100)
	first := mustSW(t, c, "00 C0 00 00 00", 0x6100)
	second := mustSW(t, c, "00 C0 00 00 00", card.SWSuccess)
	if got := append(first, second...); !bytes.Equal(got, certFile(testKeys.authCert)[:512]) {
		t.Fatal("GET RESPONSE chunks differ from the file")
	}
	// Signature in 61 mode.
	mustSW(t, c, selEF("001B"), card.SWSuccess)
	mustSW(t, c, verifyAPDU("ABC123"), card.SWSuccess)
	mustSW(t, c, selEF("001A"), card.SWSuccess)
	di := hex.EncodeToString(append(append([]byte(nil), sha256Prefix...), make([]byte, 32)...))
	mustSW(t, c, "80 2A 00 80 33"+di+"00", 0x6100)
	if sig := mustSW(t, c, "00 C0 00 00 00", card.SWSuccess); len(sig) != 256 {
		t.Fatalf("signature via GET RESPONSE is %d bytes", len(sig))
	}
}

func TestWrongLeMode(t *testing.T) {
	c := newTestCard(t, func(p *Profile) { p.Response = ResponseWrongLe })
	runSteps(t, c, []step{
		{selJPKI, card.SWSuccess, "-"}, {selEF("0008"), card.SWSuccess, "-"},
		{"00 B0 00 00 00", 0x6C03, "-"}, {"00 B0 00 00 03", card.SWSuccess, "8F 8F 00"},
		{"00 B0 00 00 02", card.SWSuccess, "8F 8F"}, // a smaller Le is fine
		{"00 B0 00 01 05", 0x6C02, "-"},
		{selEF("000A"), card.SWSuccess, "-"},
		{"00 B0 00 00 00 08 00", 0x6C00, "-"}, // extended Le: use 256
	})
	if data := mustSW(t, c, "00 B0 00 00 00", card.SWSuccess); len(data) != 256 {
		t.Fatalf("read gave %d bytes", len(data))
	}
	mustSW(t, c, selEF("0018"), card.SWSuccess)
	mustSW(t, c, verifyAPDU("1234"), card.SWSuccess)
	mustSW(t, c, selEF("0017"), card.SWSuccess)
	mustSW(t, c, "80 2A 00 80 03 010203 80", 0x6C00)
	if sig := mustSW(t, c, "80 2A 00 80 03 010203 00", card.SWSuccess); len(sig) != 256 {
		t.Fatalf("signature is %d bytes", len(sig))
	}
}

func TestResetForgets(t *testing.T) {
	c := newTestCard(t)
	runSteps(t, c, []step{{selJPKI, card.SWSuccess, ""}, {selEF("001B"), card.SWSuccess, ""}, {verifyAPDU("ABC123"), card.SWSuccess, ""}})
	c.Reset()
	runSteps(t, c, []step{{"00 B0 00 00 00", card.SWNoCurrentEF, ""}, {selEF("0001"), card.SWNotFound, ""},
		{selJPKI, card.SWSuccess, ""}, {selEF("001B"), card.SWSuccess, ""}, {verifyAPDU(""), 0x63C5, ""}})
}

func TestProfileValidation(t *testing.T) {
	for name, edit := range map[string]func(*Profile){
		"number":   func(p *Profile) { p.IndividualNumber = "12345" },
		"birth":    func(p *Profile) { p.Holder.Birth = "1990-01-01" },
		"sex":      func(p *Profile) { p.Holder.Sex = "3" },
		"auth PIN": func(p *Profile) { p.AuthPIN = "12345" },
		"sign PIN": func(p *Profile) { p.SignPIN = "abc123" },
		"tries":    func(p *Profile) { p.TriesLeft = map[card.PIN]int{card.PINSign: 6} },
		"keys":     func(p *Profile) { p.SignKey = nil },
		"token":    func(p *Profile) { p.Token = 7 },
		"name":     func(p *Profile) { p.Holder.Name = "" },
	} {
		p := testProfile(t)
		edit(&p)
		if _, err := NewCard(p); err == nil {
			t.Errorf("%s: NewCard accepted a bad profile", name)
		}
	}
	p := testProfile(t)
	p.TriesLeft = map[card.PIN]int{card.PINSign: 0, card.PINAuth: 2}
	c, err := NewCard(p)
	if err != nil {
		t.Fatal(err)
	}
	if c.TriesLeft(card.PINSign) != 0 || c.TriesLeft(card.PINAuth) != 2 || c.TriesLeft(card.PINHelper) != 3 {
		t.Fatal("TriesLeft not applied")
	}
}
