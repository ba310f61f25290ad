package card

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"
)

func TestCommandEncoding(t *testing.T) {
	long := bytes.Repeat([]byte{0xAB}, 300)
	for _, tc := range []struct {
		name string
		cmd  Command
		want string
	}{
		{"case 1", Command{0, 0x20, 0, 0x80, nil, NoLe}, "00200080"},
		{"case 2S", Command{0, 0xB0, 0, 0, nil, 256}, "00b0000000"},
		{"case 2S small", Command{0, 0xB0, 1, 2, nil, 32}, "00b0010220"},
		{"case 3S", Command{0, 0xA4, 2, 0x0C, []byte{0, 6}, NoLe}, "00a4020c020006"},
		{"case 4S", Command{0x80, 0x2A, 0, 0x80, []byte{1, 2}, 256}, "802a0080020102" + "00"},
		{"case 2E", Command{0, 0xB0, 0, 0, nil, 2000}, "00b00000" + "0007d0"},
		{"case 2E max", Command{0, 0xB0, 0, 0, nil, 65536}, "00b00000" + "000000"},
		{"case 3E", Command{0, 0x2A, 0, 0, long, NoLe}, "002a0000" + "00012c" + hex.EncodeToString(long)},
		{"case 4E", Command{0, 0x2A, 0, 0, long, 256}, "002a0000" + "00012c" + hex.EncodeToString(long) + "0100"},
	} {
		got, err := tc.cmd.Bytes()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if hex.EncodeToString(got) != tc.want {
			t.Fatalf("%s: got %x, want %s", tc.name, got, tc.want)
		}
		back, err := ParseCommand(got)
		if err != nil {
			t.Fatalf("%s: parse: %v", tc.name, err)
		}
		if back.INS != tc.cmd.INS || back.Le != tc.cmd.Le || !bytes.Equal(back.Data, tc.cmd.Data) {
			t.Fatalf("%s: round trip %+v", tc.name, back)
		}
	}
	for _, bad := range []Command{{Le: 0}, {Le: 65537}, {Le: -2}, {Data: make([]byte, 65536), Le: NoLe}} {
		if _, err := bad.Bytes(); !errors.Is(err, ErrAPDU) {
			t.Fatalf("%+v encoded", bad)
		}
	}
}

func TestParseCommandRejects(t *testing.T) {
	for _, b := range []string{"", "00a404", "00a4040c05aabb", "00b000000000", "00a40400000002aa", "00a4040000000000"} {
		raw, _ := hex.DecodeString(b)
		if _, err := ParseCommand(raw); !errors.Is(err, ErrAPDU) {
			t.Errorf("%s: parsed", b)
		}
	}
}

func TestStatusWords(t *testing.T) {
	if n, ok := StatusWord(0x63C2).TriesLeft(); !ok || n != 2 {
		t.Fatal("63C2")
	}
	if _, ok := StatusWord(0x6382).TriesLeft(); ok {
		t.Fatal("6382 is not a counter")
	}
	if n, ok := StatusWord(0x6100).MoreData(); !ok || n != 256 {
		t.Fatal("6100")
	}
	if n, ok := StatusWord(0x6C10).WrongLe(); !ok || n != 16 {
		t.Fatal("6C10")
	}
	if !StatusWord(0x6A82).NotFound() || !StatusWord(0x6A88).NotFound() || StatusWord(0x6A86).NotFound() {
		t.Fatal("NotFound family")
	}
	for sw, want := range map[StatusWord]error{
		SWNotFound: ErrNotFound, SWSecurityNotSatisfied: ErrSecurityStatus, SWPINBlocked: ErrPINBlocked, 0x6F00: ErrUnexpectedStatus,
	} {
		if err := (&StatusError{Op: "x", SW: sw}); !errors.Is(err, want) {
			t.Errorf("%v does not unwrap to %v", sw, want)
		}
	}
	if r, err := ParseResponse([]byte{1, 2, 0x90, 0}); err != nil || !r.SW.OK() || len(r.Data) != 2 {
		t.Fatal("ParseResponse")
	}
	if _, err := ParseResponse([]byte{0x90}); !errors.Is(err, ErrShortResponse) {
		t.Fatal("one byte parsed")
	}
}

func TestTLV(t *testing.T) {
	raw, _ := hex.DecodeString("ff2082010a" + "df2102aabb")
	tl, _, err := ParseTLV(raw)
	if err == nil {
		t.Fatalf("short value accepted: %+v", tl)
	}
	raw, _ = hex.DecodeString("df22820003414243ffff")
	tl, rest, err := ParseTLV(raw)
	if err != nil || tl.Tag != 0xDF22 || string(tl.Value) != "ABC" || len(rest) != 2 {
		t.Fatalf("%+v %x %v", tl, rest, err)
	}
	if n, ok := TLVSize([]byte{0x30, 0x82, 0x06, 0x10}); !ok || n != 0x610+4 {
		t.Fatalf("DER size %d", n)
	}
	if n, ok := TLVSize([]byte{0xFF, 0x20, 0x81, 0x90, 0}); !ok || n != 0x90+4 {
		t.Fatalf("FF20 size %d", n)
	}
	if _, ok := TLVSize([]byte{0x30}); ok {
		t.Fatal("size from one byte")
	}
}

// attrFile builds an EF 0002 image as a card holds it: long-form lengths and
// filler after the TLV.
func attrFile(name, addr, birth, sex string) []byte {
	field := func(tag uint16, v []byte) []byte {
		out := []byte{byte(tag >> 8), byte(tag)}
		if len(v) > 127 {
			out = append(out, 0x81, byte(len(v)))
		} else {
			out = append(out, byte(len(v)))
		}
		return append(out, v...)
	}
	var body []byte
	body = append(body, field(0xDF21, []byte{0, 1, 0, 2, 0, 3, 0, 4})...)
	body = append(body, field(0xDF22, []byte(name))...)
	body = append(body, field(0xDF23, []byte(addr))...)
	body = append(body, field(0xDF24, []byte(birth))...)
	body = append(body, field(0xDF25, []byte(sex))...)
	out := []byte{0xFF, 0x20, 0x82, byte(len(body) >> 8), byte(len(body))}
	out = append(out, body...)
	return append(out, bytes.Repeat([]byte{0xFF}, 40)...)
}

func TestParseAttributes(t *testing.T) {
	addr := "北海道架空市見本町" + string(bytes.Repeat([]byte("１－２－３"), 10))
	a, err := ParseAttributes(attrFile("公的\u3000花子", addr, "20000101", "2"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != "公的\u3000花子" || a.Address != addr || a.Birth != "20000101" || a.Sex != "2" {
		t.Fatalf("%+v", a)
	}
	for name, f := range map[string][]byte{
		"empty":       nil,
		"wrong tag":   {0xFF, 0x21, 0x00},
		"bad birth":   attrFile("a", "b", "2000-1-1", "1"),
		"not utf8":    attrFile("\xff\xfe", "b", "20000101", "1"),
		"missing sex": attrFile("a", "b", "20000101", "")[:0],
	} {
		if _, err := ParseAttributes(f); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
}

func TestPick(t *testing.T) {
	a := ReaderState{Name: "A", Card: true}
	b := ReaderState{Name: "B", Card: true}
	e := ReaderState{Name: "E"}
	for _, tc := range []struct {
		states []ReaderState
		name   string
		want   string
		fault  Fault
		err    error
	}{
		{nil, "", "", FaultNoReaders, nil},
		{[]ReaderState{e}, "", "", FaultNoCard, nil},
		{[]ReaderState{e, a}, "", "A", 0, nil},
		{[]ReaderState{a, b}, "", "", 0, ErrSeveralCards},
		{[]ReaderState{a, b}, "B", "B", 0, nil},
		{[]ReaderState{a, e}, "E", "", FaultNoCard, nil},
		{[]ReaderState{a}, "Z", "", 0, ErrReaderNotFound},
	} {
		got, err := Pick(tc.states, tc.name)
		switch {
		case tc.fault != 0:
			if FaultOf(err) != tc.fault {
				t.Errorf("%v %q: %v, want fault %v", tc.states, tc.name, err, tc.fault)
			}
		case tc.err != nil:
			if !errors.Is(err, tc.err) {
				t.Errorf("%v %q: %v, want %v", tc.states, tc.name, err, tc.err)
			}
		case err != nil || got.Name != tc.want:
			t.Errorf("%v %q: %v %v, want %s", tc.states, tc.name, got, err, tc.want)
		}
	}
}

func FuzzParseTLV(f *testing.F) {
	f.Add(attrFile("公的\u3000花子", "東京都", "19900101", "2"))
	f.Add([]byte{0x30, 0x82, 0x01, 0x00})
	f.Add([]byte{0xDF, 0xFF, 0xFF, 0xFF, 0x01, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		tl, rest, err := ParseTLV(b)
		if err == nil && len(tl.Value)+len(rest) > len(b) {
			t.Fatal("value and rest longer than input")
		}
		if n, ok := TLVSize(b); ok && err == nil && n != len(b)-len(rest) {
			t.Fatalf("TLVSize %d, parsed %d", n, len(b)-len(rest))
		}
		ParseTLVs(b)
	})
}

func FuzzParseAttributes(f *testing.F) {
	f.Add(attrFile("公的\u3000花子", "東京都", "19900101", "2"))
	f.Add([]byte{0xFF, 0x20, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := ParseAttributes(b)
		if err == nil && len(a.Birth) != 8 {
			t.Fatalf("accepted birth %q", a.Birth)
		}
	})
}

func FuzzParseResponse(f *testing.F) {
	f.Add([]byte{0x90, 0x00})
	f.Add([]byte{0x61, 0x10})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseResponse(b)
		if (err == nil) != (len(b) >= 2) {
			t.Fatalf("len %d err %v", len(b), err)
		}
		if err == nil && len(r.Data) != len(b)-2 {
			t.Fatal("data length")
		}
		_ = r.SW.String()
	})
}

func FuzzParseCommand(f *testing.F) {
	f.Add([]byte{0, 0xA4, 4, 0x0C, 2, 0, 6})
	f.Add([]byte{0, 0xB0, 0, 0, 0, 0x01, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseCommand(b)
		if err != nil {
			return
		}
		again, err := c.Bytes()
		if err != nil {
			t.Fatalf("parsed %x but cannot re-encode: %v", b, err)
		}
		c2, err := ParseCommand(again)
		if err != nil || c2.Le != c.Le || !bytes.Equal(c2.Data, c.Data) {
			t.Fatalf("%x → %x does not round-trip", b, again)
		}
	})
}
