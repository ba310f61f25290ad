package booking

import (
	"errors"
	"strings"
	"testing"
)

func TestParseRef(t *testing.T) {
	c, _ := NewCode()
	d := c.Display()
	typo := d[:8] + "2"
	if d[8] == '2' {
		typo = d[:8] + "3"
	}
	ok := []struct{ in, def, svc string }{
		{d, "https://yoyaku.example.jp/", "https://yoyaku.example.jp"},
		{"https://yoyaku.example.jp/s/" + d, "", "https://yoyaku.example.jp"},
		{"https://yoyaku.example.jp/city/s/" + string(c) + "/", "", "https://yoyaku.example.jp/city"},
		{"http://127.0.0.1:8080/s/" + d, "", "http://127.0.0.1:8080"},
		{"http://localhost:8080/s/" + d, "", "http://localhost:8080"},
		{"mynadesk://session?service=https%3A%2F%2Fyoyaku.example.jp&code=" + d + "&v=2&k=AAAAAAAAAAAAAAAAAAAAAA", "", "https://yoyaku.example.jp"},
		{Ref{Service: "https://a.example", Code: c}.Link(), "", "https://a.example"},
		{Ref{Service: "https://a.example", Code: c}.URL(), "", "https://a.example"},
	}
	for _, tc := range ok {
		r, err := ParseRef(tc.in, tc.def)
		if err != nil || r.Code != c || r.Service != tc.svc {
			t.Errorf("ParseRef(%q) = %+v, %v; want %s %s", tc.in, r, err, tc.svc, c)
		}
	}
	bad := []struct{ in, def, why string }{
		{"", "https://a.example", "nothing"},
		{d, "", "no service"},
		{typo, "https://a.example", "code"},
		{"http://yoyaku.example.jp/s/" + d, "", "TLS"},
		{"https://yoyaku.example.jp/login", "", "session URL"},
		{"ftp://yoyaku.example.jp/s/" + d, "", "scheme"},
		{"mynadesk://open?code=" + d, "", "link"},
		{"mynadesk://session?service=http%3A%2F%2Fevil.example&code=" + d, "", "TLS"},
		{"mynadesk://session?service=https%3A%2F%2Fa.example&code=" + d + "&v=1", "", "version"},
		{"hello world", "https://a.example", "code"},
	}
	for _, tc := range bad {
		_, err := ParseRef(tc.in, tc.def)
		var re *RefError
		if !errors.As(err, &re) {
			t.Errorf("ParseRef(%q) = %v, want *RefError (%s)", tc.in, err, tc.why)
			continue
		}
		if !strings.Contains(err.Error(), RefExpected) {
			t.Errorf("ParseRef(%q) error %q does not say what was expected", tc.in, err)
		}
	}
	// A mistyped code is reported as a code error, before any request.
	if _, err := ParseRef(typo, "https://a.example"); !errors.Is(err, ErrInvalidCode) {
		t.Errorf("typo not reported as ErrInvalidCode: %v", err)
	}
}

// The link and the QR code's URL carry the one-time secret; the URL keeps
// it in the fragment, which browsers never send.
func TestRefSecret(t *testing.T) {
	c, _ := NewCode()
	r := Ref{Service: "https://yoyaku.example.jp", Code: c, Secret: "q1w2e3r4t5y6u7i8o9p0aa"}
	if !strings.Contains(r.URL(), "#k=q1w2e3r4t5y6u7i8o9p0aa") {
		t.Fatalf("URL %s", r.URL())
	}
	for _, s := range []string{r.URL(), r.Link()} {
		got, err := ParseRef(s, "")
		if err != nil || got != r {
			t.Fatalf("ParseRef(%s) = %+v, %v", s, got, err)
		}
	}
	if _, err := ParseRef(r.Service+"/s/"+c.Display()+"#k=bad!", ""); err == nil {
		t.Fatal("malformed secret accepted")
	}
}
