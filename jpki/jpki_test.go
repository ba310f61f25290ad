package jpki

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"reflect"
	"testing"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

var hanako = Attributes{
	Name:         "公的\u3000花子",
	NameSubst:    "00000",
	Sex:          "2",
	Birth:        "419900101",
	Address:      "東京都千代田区霞が関1-2-3",
	AddressSubst: "000000000000000",
}

func TestSANRoundTrip(t *testing.T) {
	ext, err := EncodeSAN(hanako)
	if err != nil {
		t.Fatal(err)
	}
	if !ext.Id.Equal(OIDSubjectAltName) || ext.Critical {
		t.Fatalf("extension id %v critical %v", ext.Id, ext.Critical)
	}
	got, err := DecodeSANExtension(ext.Value)
	if err != nil {
		t.Fatal(err)
	}
	if got != hanako {
		t.Fatalf("round trip: got %+v", got)
	}
	cert := &x509.Certificate{Extensions: []pkix.Extension{{Id: []int{2, 5, 29, 15}}, ext}}
	got, err = DecodeSAN(cert)
	if err != nil || got != hanako {
		t.Fatalf("DecodeSAN: %+v, %v", got, err)
	}
}

// The wire shape: otherName is [0] constructed holding the OID and a [0]
// EXPLICIT UTF8String, as J-LIS writes it.
func TestSANWireShape(t *testing.T) {
	ext, err := EncodeSAN(hanako)
	if err != nil {
		t.Fatal(err)
	}
	s := cryptobyte.String(ext.Value)
	var seq cryptobyte.String
	if !s.ReadASN1(&seq, cbasn1.SEQUENCE) {
		t.Fatal("no sequence")
	}
	n := 0
	for !seq.Empty() {
		var on, wrapped, str cryptobyte.String
		if !seq.ReadASN1(&on, cbasn1.Tag(0).ContextSpecific().Constructed()) {
			t.Fatal("not [0] otherName")
		}
		var oidRead asn1.ObjectIdentifier
		if !on.ReadASN1ObjectIdentifier(&oidRead) || !oidRead.Equal(fieldOIDs[n].oid) {
			t.Fatalf("entry %d: oid %v", n, oidRead)
		}
		if !on.ReadASN1(&wrapped, cbasn1.Tag(0).ContextSpecific().Constructed()) || !wrapped.ReadASN1(&str, cbasn1.UTF8String) {
			t.Fatalf("entry %d: value not [0] EXPLICIT UTF8String", n)
		}
		n++
	}
	if n != 6 {
		t.Fatalf("%d entries", n)
	}
}

func TestDecodeSANErrors(t *testing.T) {
	if _, err := DecodeSAN(&x509.Certificate{}); !errors.Is(err, ErrNoSAN) {
		t.Errorf("no SAN: %v", err)
	}
	if _, err := DecodeSAN(nil); !errors.Is(err, ErrNoSAN) {
		t.Errorf("nil cert: %v", err)
	}
	good, _ := EncodeSAN(hanako)
	for _, tc := range []struct {
		name string
		der  []byte
	}{
		{"empty", nil},
		{"garbage", []byte("not asn.1")},
		{"truncated", good.Value[:len(good.Value)-3]},
		{"trailing", append(append([]byte{}, good.Value...), 0)},
	} {
		_, err := DecodeSANExtension(tc.der)
		var me *MalformedSANError
		if !errors.As(err, &me) || !errors.Is(err, ErrMalformedSAN) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}

	// Missing field: build a SAN without the address.
	b := build(func(b *cryptobyte.Builder) {
		for _, fo := range fieldOIDs {
			if fo.field == FieldAddress {
				continue
			}
			addOther(b, fo.oid, *hanako.ptr(fo.field))
		}
	})
	_, err := DecodeSANExtension(b)
	var mf *MissingFieldError
	if !errors.As(err, &mf) || mf.Field != FieldAddress || !errors.Is(err, ErrMissingField) {
		t.Errorf("missing address: %v", err)
	}

	// A field given twice, a bad sex, a bad map, a non-UTF8String value.
	bad := func(mut func(a *Attributes)) []byte {
		a := hanako
		mut(&a)
		return build(func(b *cryptobyte.Builder) {
			for _, fo := range fieldOIDs {
				addOther(b, fo.oid, *a.ptr(fo.field))
			}
		})
	}
	for name, der := range map[string][]byte{
		"sex 9":        bad(func(a *Attributes) { a.Sex = "9" }),
		"birth helper": bad(func(a *Attributes) { a.Birth = "19900101" }),
		"birth era 7":  bad(func(a *Attributes) { a.Birth = "719900101" }),
		"subst len":    bad(func(a *Attributes) { a.NameSubst = "00" }),
		"subst char":   bad(func(a *Attributes) { a.NameSubst = "0x000" }),
		"empty name":   bad(func(a *Attributes) { a.Name = "" }),
		"twice": build(func(b *cryptobyte.Builder) {
			for _, fo := range fieldOIDs {
				addOther(b, fo.oid, *hanako.ptr(fo.field))
			}
			addOther(b, OIDSex, "1")
		}),
		"printable": build(func(b *cryptobyte.Builder) {
			for _, fo := range fieldOIDs {
				if fo.field == FieldSex {
					b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
						b.AddASN1ObjectIdentifier(fo.oid)
						b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
							b.AddASN1(cbasn1.PrintableString, func(b *cryptobyte.Builder) { b.AddBytes([]byte("2")) })
						})
					})
					continue
				}
				addOther(b, fo.oid, *hanako.ptr(fo.field))
			}
		}),
		"bad utf8": bad(func(a *Attributes) { a.Address = "\xff\xfe"; a.AddressSubst = "" }),
	} {
		if _, err := DecodeSANExtension(der); !errors.Is(err, ErrMalformedSAN) {
			t.Errorf("%s: want malformed, got %v", name, err)
		}
	}

	// Other GeneralNames and foreign otherNames are ignored.
	der := build(func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.Tag(2).ContextSpecific(), func(b *cryptobyte.Builder) { b.AddBytes([]byte("example.jp")) })
		addOther(b, []int{1, 2, 3}, "x")
		for _, fo := range fieldOIDs {
			addOther(b, fo.oid, *hanako.ptr(fo.field))
		}
	})
	if got, err := DecodeSANExtension(der); err != nil || got != hanako {
		t.Errorf("with foreign names: %+v %v", got, err)
	}
}

func TestEncodeSANRejects(t *testing.T) {
	a := hanako
	a.Sex = "9" // ISO form, not certificate form
	if _, err := EncodeSAN(a); !errors.Is(err, ErrBadValue) {
		t.Errorf("sex 9: %v", err)
	}
	a = hanako
	a.Address = string(make([]rune, 201))
	a.AddressSubst = ""
	if _, err := EncodeSAN(a); !errors.Is(err, ErrBadValue) {
		t.Errorf("long address: %v", err)
	}
}

func build(f func(b *cryptobyte.Builder)) []byte {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, f)
	return b.BytesOrPanic()
}

func addOther(b *cryptobyte.Builder, oid []int, v string) {
	b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(oid)
		b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.UTF8String, func(b *cryptobyte.Builder) { b.AddBytes([]byte(v)) })
		})
	})
}

func TestEraBoundaries(t *testing.T) {
	for in, want := range map[string]string{
		"18680124": "018680124",
		"18680125": "118680125",
		"19120729": "119120729",
		"19120730": "219120730",
		"19261224": "219261224",
		"19261225": "319261225",
		"19890107": "319890107",
		"19890108": "419890108",
		"20190430": "420190430",
		"20190501": "520190501",
		"19500000": "019500000", // day and month unknown
		"19990231": "019990231",
	} {
		got, err := BirthToCert(in)
		if err != nil || got != want {
			t.Errorf("BirthToCert(%s) = %s, %v; want %s", in, got, err, want)
		}
		back, err := BirthFromCert(got)
		if err != nil || back != in {
			t.Errorf("BirthFromCert(%s) = %s, %v", got, back, err)
		}
	}
	for _, bad := range []string{"", "1990010", "1990-01-01", "199001011"} {
		if _, err := BirthToCert(bad); !errors.Is(err, ErrBadValue) {
			t.Errorf("BirthToCert(%q): %v", bad, err)
		}
	}
	for _, bad := range []string{"", "19900101", "619900101", "4199001x1"} {
		if _, err := BirthFromCert(bad); !errors.Is(err, ErrBadValue) {
			t.Errorf("BirthFromCert(%q): %v", bad, err)
		}
	}
}

func TestSexConversions(t *testing.T) {
	for iso, cert := range map[string]string{"1": "1", "2": "2", "9": "3", "0": "3"} {
		if got, err := SexToCert(iso); err != nil || got != cert {
			t.Errorf("SexToCert(%s) = %s, %v", iso, got, err)
		}
	}
	for cert, iso := range map[string]string{"1": "1", "2": "2", "3": "9"} {
		if got, err := SexFromCert(cert); err != nil || got != iso {
			t.Errorf("SexFromCert(%s) = %s, %v", cert, got, err)
		}
	}
	if _, err := SexToCert("3"); err == nil {
		t.Error("SexToCert(3) accepted")
	}
	if _, err := SexFromCert("9"); err == nil {
		t.Error("SexFromCert(9) accepted")
	}
	h := Attributes{Name: "公的\u3000太郎", Sex: "9", Birth: "19260101", Address: "x"}
	c, err := FromHelper(h)
	if err != nil || c.Sex != "3" || c.Birth != "219260101" {
		t.Fatalf("FromHelper: %+v %v", c, err)
	}
	if back, err := ToHelper(c); err != nil || back != h {
		t.Fatalf("ToHelper: %+v %v", back, err)
	}
}

func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"公的\u3000花子", "公的 花子"},
		{"公的\u3000花子", "公的花子"},
		{"ｺｳﾃｷ ﾊﾅｺ", "コウテキ　ハナコ"},
		{"ｶﾞｯｺｳ ﾊﾟﾝ ｳﾞ", "ガッコウパンヴ"},
		{"ＡＢＣ１２３", "abc123"},
		{"か\u3099", "が"},
	} {
		if NormalizeName(tc.a) != NormalizeName(tc.b) {
			t.Errorf("name %q vs %q: %q != %q", tc.a, tc.b, NormalizeName(tc.a), NormalizeName(tc.b))
		}
	}
	for _, v := range []string{"1-2-3", "1ー2ー3", "1−2−3", "1‐2‐3", "1－2－3", "１ｰ２―３", "1—2–3", "１ー２ー３"} {
		if got := NormalizeAddress("霞が関" + v); got != "霞が関1-2-3" {
			t.Errorf("address %q -> %q", v, got)
		}
	}
	if NormalizeAddress("霞ヶ関") != NormalizeAddress("霞ケ関") || NormalizeAddress("霞ヶ関") == NormalizeAddress("霞が関") {
		t.Error("ヶ folding")
	}
	// Long vowels stay distinct from dashes in names.
	if NormalizeName("ミラー") == NormalizeName("ミラ-") {
		t.Error("name folded ー to -")
	}
	if NormalizeName("公的花子") == NormalizeName("公的華子") {
		t.Error("different names equal")
	}
}

func TestDiff(t *testing.T) {
	held := Attributes{Name: "公的 花子", Sex: "2", Birth: "19900101", Address: "東京都千代田区霞が関１ー２ー３"}
	if d := Diff(hanako, held); d != nil {
		t.Fatalf("matching attributes differ in %v", d)
	}
	// Certificate forms on the held side are accepted.
	if d := Diff(hanako, hanako); d != nil {
		t.Fatalf("self differs in %v", d)
	}
	for want, mut := range map[Field]func(a *Attributes){
		FieldName:    func(a *Attributes) { a.Name = "公的 太郎" },
		FieldSex:     func(a *Attributes) { a.Sex = "1" },
		FieldBirth:   func(a *Attributes) { a.Birth = "19900102" },
		FieldAddress: func(a *Attributes) { a.Address = "東京都千代田区霞が関1-2-4" },
	} {
		h := held
		mut(&h)
		if d := Diff(hanako, h); !reflect.DeepEqual(d, []Field{want}) {
			t.Errorf("%s changed: diff %v", want, d)
		}
	}
	h := held
	h.Sex, h.Birth, h.Name, h.Address = "x", "", "", ""
	if d := Diff(hanako, h); len(d) != 4 {
		t.Errorf("garbage held: %v", d)
	}
	// Unknown sex: certificate 3 equals ISO 9.
	c := hanako
	c.Sex = "3"
	h = held
	h.Sex = "9"
	if d := Diff(c, h); d != nil {
		t.Errorf("unknown sex: %v", d)
	}
}

func TestDiffSubstitutes(t *testing.T) {
	// The certificate holds 髙 as a substitute (外字); the service typed 高.
	cert := Attributes{Name: "〓橋\u3000花子", NameSubst: "10000", Sex: "2", Birth: "419900101",
		Address: "東京都〓区1-2", AddressSubst: "00010000"}
	held := Attributes{Name: "高橋 花子", Sex: "2", Birth: "19900101", Address: "東京都港区1ー2"}
	if d := Diff(cert, held); d != nil {
		t.Fatalf("substitutes should match: %v", d)
	}
	// Only the marked position is a wildcard.
	held.Name = "高崎 花子"
	if d := Diff(cert, held); !reflect.DeepEqual(d, []Field{FieldName}) {
		t.Fatalf("unmarked position matched: %v", d)
	}
	// The wildcard stands for one character, not several.
	held.Name = "高高橋 花子"
	if d := Diff(cert, held); !reflect.DeepEqual(d, []Field{FieldName}) {
		t.Fatalf("length differs but matched: %v", d)
	}
	// The held side may carry the map instead.
	held = Attributes{Name: "〓橋 花子", NameSubst: "10000", Sex: "2", Birth: "19900101", Address: "東京都港区1-2"}
	cert.Name, cert.NameSubst = "髙橋\u3000花子", ""
	if d := Diff(cert, held); d != nil {
		t.Fatalf("held-side substitute: %v", d)
	}
}
