package booking

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func sampleSession() *Session {
	return &Session{Code: "23456789", Nonce: "bm9uY2U", Service: "https://yoyaku.example.jp",
		Mode: ModeTwoStep, State: StateConfirmed, LoginID: "tarou1234567",
		RegisteredAt: time.Date(2026, 4, 1, 9, 30, 15, 500, time.FixedZone("JST", 9*3600)),
		Attributes:   &Attributes{Name: "公的　花子", Address: "東京都千代田区霞が関２－１－２", Birth: "20000101", Sex: "2"}}
}

func TestContentCanonical(t *testing.T) {
	s := sampleSession()
	got, err := Content(s)
	if err != nil {
		t.Fatal(err)
	}
	want := ContentHeader + "\n" +
		"service: https://yoyaku.example.jp\nsession: 2345-6789\nnonce: bm9uY2U\n" +
		"registered-at: 2026-04-01T00:30:15Z\nlogin-id: tarou1234567\nmode: two-step\n" +
		"name: 公的　花子\naddress: 東京都千代田区霞が関２－１－２\nbirth: 20000101\nsex: 2\n"
	if string(got) != want {
		t.Fatalf("Content =\n%s\nwant\n%s", got, want)
	}
	// Every bound field changes the bytes.
	for name, mut := range map[string]func(*Session){
		"service": func(s *Session) { s.Service = "https://other.example" },
		"code":    func(s *Session) { s.Code = "3456789A" },
		"nonce":   func(s *Session) { s.Nonce = "b3RoZXI" },
		"time":    func(s *Session) { s.RegisteredAt = s.RegisteredAt.Add(time.Second) },
		"login":   func(s *Session) { s.LoginID = "jirou" },
		"name":    func(s *Session) { s.Attributes.Name = "公的　太郎" },
		"sex":     func(s *Session) { s.Attributes.Sex = "1" },
	} {
		o := sampleSession()
		a := *o.Attributes
		o.Attributes = &a
		mut(o)
		b, err := Content(o)
		if err != nil || bytes.Equal(b, got) {
			t.Errorf("%s: content unchanged (%v)", name, err)
		}
	}
}

func TestContentRefusesForgedLines(t *testing.T) {
	s := sampleSession()
	s.LoginID = "tarou\nname: 公的　太郎"
	if _, err := Content(s); CodeOf(err) != ECInvalid {
		t.Fatalf("newline in login ID: %v", err)
	}
	s = sampleSession()
	s.Mode = ModeOnePIN
	s.Attributes = nil
	b, err := Content(s)
	if err != nil || strings.Contains(string(b), "name:") {
		t.Fatalf("one-PIN content: %q %v", b, err)
	}
	s = sampleSession()
	s.RegisteredAt = time.Time{}
	if _, err := Content(s); CodeOf(err) != ECNotReady {
		t.Fatalf("no registration time: %v", err)
	}
}

func TestAttributesValidate(t *testing.T) {
	good := Attributes{Name: "公的　花子", Address: "東京都千代田区", Birth: "20000229", Sex: "2"}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, mut := range []func(*Attributes){
		func(a *Attributes) { a.Name = "" },
		func(a *Attributes) { a.Birth = "20010229" },
		func(a *Attributes) { a.Birth = "2000-1-1" },
		func(a *Attributes) { a.Sex = "3" },
		func(a *Attributes) { a.Address = strings.Repeat("あ", 201) },
		func(a *Attributes) { a.Name = "公的\x00花子" },
	} {
		a := good
		mut(&a)
		if err := a.Validate(); CodeOf(err) != ECInvalid {
			t.Errorf("Validate(%+v) = %v", a, err)
		}
	}
}
