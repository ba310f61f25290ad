package sim

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/card"
)

// Keys are slow to make under -race: one set per test binary.
var (
	testKeysOnce sync.Once
	testKeys     struct {
		auth, sign, ca *rsa.PrivateKey
		authCert       []byte
		signCert       []byte
		caCert         []byte
	}
)

func makeTestKeys(t testing.TB) {
	testKeysOnce.Do(func() {
		gen := func() *rsa.PrivateKey {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				panic(err)
			}
			return k
		}
		testKeys.auth, testKeys.sign, testKeys.ca = gen(), gen(), gen()
		caTmpl := &x509.Certificate{
			SerialNumber: big.NewInt(1), Subject: pkix.Name{Country: []string{"JP"}, Organization: []string{"JPKI-TEST"}},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
		}
		der, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &testKeys.ca.PublicKey, testKeys.ca)
		if err != nil {
			panic(err)
		}
		testKeys.caCert = der
		leaf := func(serial int64, k *rsa.PrivateKey) []byte {
			tmpl := &x509.Certificate{
				SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "test"},
				NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
				KeyUsage: x509.KeyUsageDigitalSignature,
			}
			der, err := x509.CreateCertificate(rand.Reader, tmpl, caTmpl, &k.PublicKey, testKeys.ca)
			if err != nil {
				panic(err)
			}
			return der
		}
		testKeys.authCert = leaf(2, testKeys.auth)
		testKeys.signCert = leaf(3, testKeys.sign)
	})
}

// testProfile is a complete card for 公的 花子 with the default PINs.
func testProfile(t testing.TB) Profile {
	makeTestKeys(t)
	return Profile{
		Token: TokenCard,
		Holder: Holder{
			Name: "公的\u3000花子", Address: "東京都架空区見本町一丁目２番３号", Birth: "19900101", Sex: "2",
		},
		IndividualNumber: "123456789019", ExpiryYear: "2035", SecurityCode: "4321",
		HelperPIN: "1234", AuthPIN: "1234", SignPIN: "ABC123",
		AuthKey: testKeys.auth, SignKey: testKeys.sign,
		AuthCert: testKeys.authCert, SignCert: testKeys.signCert,
		AuthCACert: testKeys.caCert, SignCACert: testKeys.caCert,
	}
}

func newTestCard(t testing.TB, edit ...func(*Profile)) *Card {
	t.Helper()
	p := testProfile(t)
	for _, e := range edit {
		e(&p)
	}
	c, err := NewCard(p)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// h decodes hex with spaces.
func h(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

// APDUs used throughout the tests.
const (
	selJPKI   = "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01"
	selHelper = "00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08"
	selFace   = "00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 02"
	selJuki   = "00 A4 04 0C 0A D3 92 10 00 31 00 01 01 01 00"
)

func selEF(fid string) string { return "00 A4 02 0C 02 " + fid }

// ascii is the hex of an ASCII string, for VERIFY data.
func ascii(s string) string { return hex.EncodeToString([]byte(s)) }

func verifyAPDU(pin string) string {
	if pin == "" {
		return "00 20 00 80"
	}
	return "00 20 00 80 " + hex.EncodeToString([]byte{byte(len(pin))}) + ascii(pin)
}

// swOf returns the last two bytes of an answer.
func swOf(t testing.TB, resp []byte) card.StatusWord {
	t.Helper()
	if len(resp) < 2 {
		t.Fatalf("answer %X is shorter than a status word", resp)
	}
	return card.StatusWord(resp[len(resp)-2])<<8 | card.StatusWord(resp[len(resp)-1])
}

// mustSW sends apdu and checks the status word.
func mustSW(t testing.TB, c *Card, apdu string, want card.StatusWord) []byte {
	t.Helper()
	resp := c.Process(h(apdu))
	if got := swOf(t, resp); got != want {
		t.Fatalf("%s: got %v, want %v", apdu, got, want)
	}
	return resp[:len(resp)-2]
}

// readAll reads the current EF with 256-byte reads until 6B 00 or a short read.
func readAll(t testing.TB, c *Card) []byte {
	t.Helper()
	var out []byte
	for {
		resp := c.Process([]byte{0x00, 0xB0, byte(len(out) >> 8), byte(len(out)), 0x00})
		s := swOf(t, resp)
		if s == card.SWOffsetPastEnd {
			return out
		}
		if s != card.SWSuccess {
			t.Fatalf("read at %d: %v", len(out), s)
		}
		out = append(out, resp[:len(resp)-2]...)
		if len(resp)-2 < 256 {
			return out
		}
	}
}
