package booking

import (
	"strings"
	"testing"
	"time"
)

// FuzzParseRef: never panics; what it accepts names a valid code and a
// service URL that is https (or http to loopback), and survives a round
// trip through the link and the URL.
func FuzzParseRef(f *testing.F) {
	for _, s := range []string{"2345-6789", "https://a.example/s/2345-6789", "mynadesk://session?service=https%3A%2F%2Fa.example&code=2345-6789",
		"http://127.0.0.1:8080/s/23456789", "ftp://x", "", "mynadesk://session?code=%00", "https://a.example/s/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		ref, err := ParseRef(in, "https://default.example")
		if err != nil {
			return
		}
		if !ref.Code.Valid() {
			t.Fatalf("ParseRef(%q) gave an invalid code %q", in, ref.Code)
		}
		if !strings.HasPrefix(ref.Service, "https://") && !strings.HasPrefix(ref.Service, "http://") {
			t.Fatalf("ParseRef(%q) gave service %q", in, ref.Service)
		}
		for _, again := range []string{ref.Link(), ref.URL()} {
			r2, err := ParseRef(again, "")
			if err != nil || r2 != ref {
				t.Fatalf("round trip of %q via %q: %+v %v", in, again, r2, err)
			}
		}
	})
}

// FuzzContent: a session with any login ID either is refused or gives
// content with exactly the fixed number of lines.
func FuzzContent(f *testing.F) {
	f.Add("tarou1234567", "公的　花子")
	f.Add("a\nname: x", "b")
	f.Add("x\u2028y", "z\r")
	f.Fuzz(func(t *testing.T, login, name string) {
		s := &Session{Code: "23456789", Nonce: "n", Service: "https://a.example", Mode: ModeTwoStep,
			LoginID: login, RegisteredAt: time.Unix(1, 0),
			Attributes: &Attributes{Name: name, Address: "東京都", Birth: "20000101", Sex: "2"}}
		b, err := Content(s)
		if err != nil {
			return
		}
		if n := strings.Count(string(b), "\n"); n != 11 {
			t.Fatalf("content has %d lines:\n%s", n, b)
		}
	})
}
