package vm_test

import (
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/ui/vm"
)

func TestContentSummary(t *testing.T) {
	sess := &booking.Session{Service: "https://booking.example.jp", Code: mustCode(t), Nonce: "n0nce",
		RegisteredAt: time.Date(2026, 12, 2, 9, 5, 7, 0, time.UTC), LoginID: "tarou1234567", Mode: booking.ModeTwoStep,
		Attributes: &booking.Attributes{Name: "公的　花子", Address: "東京都千代田区霞が関２－１－２", Birth: "20000101", Sex: "2"}}
	c, err := booking.Content(sess)
	if err != nil {
		t.Fatal(err)
	}
	s, err := vm.ParseContent(string(c))
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]string{{"サービス", "https://booking.example.jp"}, {"登録日時", "2026年12月2日 18時05分"},
		{"ログインID", "tarou1234567"}, {"氏名", "公的　花子"}, {"住所", "東京都千代田区霞が関２－１－２"},
		{"生年月日", "2000年1月1日"}, {"性別", "女性"}}
	got := s.Rows(assets.JA)
	if len(got) != len(want) {
		t.Fatalf("rows %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d: %v, want %v", i, got[i], want[i])
		}
	}
	sess.Mode, sess.Attributes = booking.ModeOnePIN, nil
	c, _ = booking.Content(sess)
	if s, err := vm.ParseContent(string(c)); err != nil || s.HasAttributes || len(s.Rows(assets.JA)) != 3 {
		t.Fatalf("one-PIN: %+v %v", s, err)
	}
	if _, err := vm.ParseContent("something else\nname: x\n"); err == nil {
		t.Fatal("a content of another layout was summarised")
	}
}

func mustCode(t *testing.T) booking.Code {
	t.Helper()
	c, err := booking.NewCode()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestVerdictPlainLineAndSignAgain(t *testing.T) {
	for _, tc := range []struct {
		r         booking.Result
		plain     bool
		signAgain bool
	}{
		{booking.Result{Outcome: booking.OutcomeValid}, false, false},
		{booking.Result{Outcome: booking.OutcomeExpired, Code: "21"}, false, false},
		{booking.Result{Outcome: booking.OutcomeRevoked, Code: "23"}, false, false},
		{booking.Result{Outcome: booking.OutcomeMismatch}, false, true},
		{booking.Result{Outcome: booking.OutcomeOther, Code: "30"}, true, true},
		{booking.Result{Outcome: booking.OutcomeOther, Code: "40"}, true, true},
	} {
		v := vm.VerdictOf(tc.r)
		if (v.Plain != assets.Text{}) != tc.plain || v.SignAgain != tc.signAgain {
			t.Errorf("%+v: plain %q, sign again %v", tc.r, v.Plain.JA, v.SignAgain)
		}
		if tc.plain && v.Plain.JA != "サービス側で確認できませんでした" {
			t.Errorf("%+v: %q", tc.r, v.Plain.JA)
		}
	}
}

func TestStopBefore(t *testing.T) {
	pins := func(helper, sign int) []card.PINStatus {
		return []card.PINStatus{{PIN: card.PINHelper, TriesLeft: helper, Blocked: helper == 0},
			{PIN: card.PINAuth, TriesLeft: 0, Blocked: true}, // never used by this procedure
			{PIN: card.PINSign, TriesLeft: sign, Blocked: sign == 0}}
	}
	for _, tc := range []struct {
		st         *card.Status
		needHelper bool
		want       assets.Code
	}{
		{nil, true, ""},
		{&card.Status{Supported: true, PINs: pins(3, 5)}, true, ""},
		{&card.Status{Supported: true, PINs: pins(3, 0)}, false, assets.CodePINBlockedSign},
		{&card.Status{Supported: true, PINs: pins(0, 5)}, true, assets.CodePINBlockedHelp},
		{&card.Status{Supported: true, PINs: pins(0, 5)}, false, ""}, // one-PIN: the helper is not asked
		{&card.Status{Supported: true, PINs: pins(3, 5), SignCert: new(bool)}, false, assets.CodeNoSignCert},
	} {
		p := vm.StopBefore(tc.st, tc.needHelper)
		var got assets.Code
		if p != nil {
			got = p.Code
		}
		if got != tc.want {
			t.Errorf("%+v helper %v: %q, want %q", tc.st, tc.needHelper, got, tc.want)
		}
	}
}
