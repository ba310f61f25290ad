package web_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/booking/client"
	"github.com/mynadesk/mynadesk/booking/internal/chromium"
	"github.com/mynadesk/mynadesk/booking/server"
	"github.com/mynadesk/mynadesk/booking/sqlite"
	"github.com/mynadesk/mynadesk/booking/verifier"
	"github.com/mynadesk/mynadesk/booking/web"
	"github.com/mynadesk/mynadesk/internal/testpki"
	"github.com/mynadesk/mynadesk/jpki/jpkitest"
)

type clock struct {
	mu sync.Mutex
	d  time.Duration
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return time.Now().Add(c.d) }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.d += d; c.mu.Unlock() }

type site struct {
	url   string
	cl    *client.Client
	clock *clock
	shots string
	pki   *testpki.Set
}

// newSite serves the API and the page in-process with the real verify.
func newSite(t *testing.T) *site { return newSiteWith(t, nil) }

// newSiteWith uses v as the verifier (the test PKI's with its CRL if nil).
func newSiteWith(t *testing.T, v booking.Verifier) *site { return newSiteFull(t, v, true) }

// newSiteOpts is newSite with one-PIN allowed or not.
func newSiteOpts(t *testing.T, onePIN bool) *site { return newSiteFull(t, nil, onePIN) }

func newSiteFull(t *testing.T, v booking.Verifier, onePIN bool) *site {
	t.Helper()
	pki := testpki.Get(t)
	if v == nil {
		v = pki.Verifier()
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ck := &clock{}
	ts := httptest.NewServer(nil)
	t.Cleanup(ts.Close)
	log := slog.New(slog.DiscardHandler)
	svc, err := booking.NewService(booking.Config{Store: st, Verifier: v, ServiceID: ts.URL,
		ServiceName: "施設予約システム", AllowOnePIN: onePIN, Now: ck.Now, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	api := server.New(svc, server.Options{BaseURL: ts.URL, Logger: log})
	web.New(svc, ts.URL, log).Register(api)
	ts.Config.Handler = api
	cl, err := client.New(ts.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	shots := os.Getenv("BOOKING_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	os.MkdirAll(shots, 0o755)
	return &site{url: ts.URL, cl: cl, clock: ck, shots: shots, pki: pki}
}

func (s *site) shot(t *testing.T, p *chromium.Page, name string) {
	t.Helper()
	p.Screenshot(filepath.Join(s.shots, name+".png"))
}

func wantText(t *testing.T, p *chromium.Page, sel, want string) {
	t.Helper()
	if got := p.Text(sel); !strings.Contains(got, want) {
		t.Errorf("%s = %q, want it to contain %q", sel, got, want)
	}
}

// toForm opens the form, fills it, chooses マイナンバーカード and returns
// the session code the page shows.
func (s *site) toForm(t *testing.T, p *chromium.Page, shots bool) booking.Code {
	t.Helper()
	p.Navigate(s.url + "/")
	if shots {
		s.shot(t, p, "01-top")
	}
	p.Click("#register")
	p.WaitLoaded()
	p.WaitFor(`document.getElementById("agree")`)
	if shots {
		s.shot(t, p, "02-agree")
	}
	p.Click("#agree")
	p.WaitLoaded()
	p.WaitFor(`document.getElementById("m_card")`)
	wantText(t, p, "#steps li.now", "1 基本情報入力")
	if shots {
		s.shot(t, p, "03-form")
	}
	p.Type("#login_id", "tarou1234567")
	p.Type("#password", "himitsu99")
	p.Type("#phone", "080-0123-4567")
	p.Click("#m_card")
	p.WaitFor(`document.getElementById("code") && document.getElementById("qr").naturalWidth > 0`)
	code, err := booking.ParseCode(p.Text("#code"))
	if err != nil {
		t.Fatalf("page code %q: %v", p.Text("#code"), err)
	}
	wantLink(t, p, s.url, code)
	wantText(t, p, "#launch", "アプリを起動する")
	if shots {
		s.shot(t, p, "04-card-chosen")
	}
	s.claimLink(t, p, code)
	return code
}

// claimLink is mynadesk opened by 【アプリを起動する】: the link's secret
// claims the session at once, and the page shows the same number.
func (s *site) claimLink(t *testing.T, p *chromium.Page, code booking.Code) {
	t.Helper()
	var href string
	p.Eval(`document.getElementById("launch").getAttribute("href")`, &href)
	ref, err := booking.ParseRef(href, "")
	if err != nil || ref.Secret == "" {
		t.Fatalf("link %q: %v", href, err)
	}
	in, err := s.cl.Claim(context.Background(), ref)
	if err != nil || in.Claim == nil || in.Claim.State != booking.ClaimConfirmed {
		t.Fatalf("claim through the link: %+v %v", in, err)
	}
	p.WaitFor(`document.getElementById("claimnumber") && document.getElementById("claimnumber").textContent == "` + in.Claim.Number + `"`)
	if p.Text("#claimok") != "" {
		t.Fatal("a link claim asks the resident to compare numbers")
	}
}

// toCard goes from a form with step 1 done to the card check page.
func (s *site) toCard(t *testing.T, p *chromium.Page, code booking.Code, shots bool) {
	t.Helper()
	if _, err := s.cl.PutAttributes(context.Background(), code, testpki.Attributes(testpki.Hanako)); err != nil {
		t.Fatal(err)
	}
	p.Click("#reflect")
	p.WaitFor(`document.getElementById("readdone")`)
	wantText(t, p, "#readdone", "マイナンバーカードの読み取りが完了しました。")
	if got := p.Text("#a_name"); got != "公的　花子" {
		t.Errorf("氏名 after 【情報を反映する】 = %q", got)
	}
	if got := p.Text("#a_birth"); got != "2000/1/1(土)" {
		t.Errorf("生年月日 after 【情報を反映する】 = %q", got)
	}
	if shots {
		s.shot(t, p, "06-reflected")
	}
	p.Click("#confirm")
	p.WaitLoaded()
	p.WaitFor(`document.getElementById("tocard")`)
	wantText(t, p, "#steps li.now", "2 確認")
	wantText(t, p, "main", "まだ確定していません! 内容を確認してください。")
	wantText(t, p, "#c_name", "公的　花子")
	if shots {
		s.shot(t, p, "07-confirm")
	}
	p.Click("#tocard")
	p.WaitLoaded()
	p.WaitFor(`document.getElementById("notice")`)
	wantText(t, p, "#notice", "注意事項の確認項目にチェックを入れてください。")
	p.Click("#notice_cb")
	p.Click("#tocard")
	p.WaitLoaded()
	p.WaitFor(`document.getElementById("complete")`)
	wantText(t, p, "#steps li.now", "3 マイナンバーカード確認")
	wantText(t, p, "#code", code.Display())
	wantLink(t, p, s.url, code)
	if shots {
		s.shot(t, p, "08-card")
	}
}

// sign is mynadesk's step 2 in-process: fetch the content, sign it with
// card, upload.
func (s *site) sign(t *testing.T, code booking.Code, card *jpkitest.PKI) booking.Result {
	t.Helper()
	ctx := context.Background()
	content, err := s.cl.Content(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(content), "login-id: tarou1234567\n") {
		t.Fatalf("content lacks the login ID: %q", content)
	}
	res, err := s.cl.PutSignature(ctx, code, testpki.Sign(t, card, content))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestRegistrationSuccess(t *testing.T) {
	s := newSite(t)
	p := chromium.Start(t).NewPage(t)
	code := s.toForm(t, p, true)

	// 【情報を反映する】 before the app has read the card.
	p.Click("#reflect")
	p.WaitFor(`document.getElementById("reflecterr")`)
	wantText(t, p, "#reflecterr", "情報の取得に失敗しました。アプリで読み取りが完了してから「情報を反映する」を押してください。")
	s.shot(t, p, "05-reflect-error")

	s.toCard(t, p, code, true)

	// 【完了する】 before the signature arrived.
	p.Click("#complete")
	p.WaitLoaded()
	p.WaitFor(`document.getElementById("error")`)
	wantText(t, p, "#error", assets.Lookup(assets.CodeNotSigned).Title.JA)
	s.shot(t, p, "09-not-signed")

	if res := s.sign(t, code, s.pki.Valid); res.Outcome != booking.OutcomeValid {
		t.Fatalf("signature: %+v", res)
	}
	p.Click("#complete")
	p.WaitLoaded()
	p.WaitFor(`document.getElementById("done")`)
	wantText(t, p, "#done", "アカウントが作成されました。")
	wantText(t, p, "#steps li.now", "4 完了")
	s.shot(t, p, "10-done")
}

func TestRegistrationFailures(t *testing.T) {
	s := newSite(t)
	b := chromium.Start(t)
	for _, tc := range []struct {
		name  string
		card  *jpkitest.PKI
		title string
		msg   string
	}{
		{"11-code21", s.pki.Expired, "失効済みのマイナンバーカードの可能性があります。(Code: 21)", "証明書の有効期限が切れています。マイナンバーカードを更新の上、再度、署名確認を行ってください。"},
		{"12-code23", s.pki.Revoked, "失効済みのマイナンバーカードの可能性があります。(Code: 23)", "証明書が失効されています。マイナンバーカードを更新の上、再度、署名確認を行ってください。"},
		{"13-mismatch", s.pki.Other, "入力された利用者情報と読み取られたカードの情報が一致しません", "本人確認の際に読み取った情報と異なるマイナンバーカードを使用されている可能性があります。"},
	} {
		p := b.NewPage(t)
		code := s.toForm(t, p, false)
		s.toCard(t, p, code, false)
		s.sign(t, code, tc.card)
		p.Click("#complete")
		p.WaitLoaded()
		p.WaitFor(`document.getElementById("error")`)
		wantText(t, p, "#error", tc.title)
		wantText(t, p, "#error", tc.msg)
		s.shot(t, p, tc.name)
		// The manual: sign again with the right card, and the page completes.
		if tc.name == "13-mismatch" {
			if res := s.sign(t, code, s.pki.Valid); res.Outcome != booking.OutcomeValid {
				t.Fatalf("re-sign: %+v", res)
			}
			p.Click("#complete")
			p.WaitLoaded()
			p.WaitFor(`document.getElementById("done")`)
		}
	}

	// Revocation not checkable → "other": try again later.
	// An expired session: the page says to start again.
	p := b.NewPage(t)
	code := s.toForm(t, p, false)
	s.toCard(t, p, code, false)
	s.clock.Add(booking.DefaultTTL + time.Second)
	p.Click("#complete")
	p.WaitLoaded()
	p.WaitFor(`document.getElementById("error")`)
	wantText(t, p, "#error", assets.Lookup(assets.CodeSessionExpired).Title.JA)
	s.shot(t, p, "14-expired")
}

// Revocation that cannot be checked is "other": try again later, with the
// code shown.
func TestRegistrationCheckNotPossible(t *testing.T) {
	pki := testpki.Get(t)
	s := newSiteWith(t, &verifier.Verifier{Roots: pki.Roots}) // no CRL, no OCSP
	p := chromium.Start(t).NewPage(t)
	code := s.toForm(t, p, false)
	s.toCard(t, p, code, false)
	if res := s.sign(t, code, pki.Valid); res.Outcome != booking.OutcomeOther || res.Code != "30" {
		t.Fatalf("result %+v", res)
	}
	p.Click("#complete")
	p.WaitLoaded()
	p.WaitFor(`document.getElementById("error")`)
	wantText(t, p, "#error", "失効済みのマイナンバーカードの可能性があります。(Code: 30)")
	wantText(t, p, "#error", "時間をおいて、再度、署名確認を行ってください。")
	s.shot(t, p, "15-code30")
}

// The one-PIN variant: no step 1; the page shows the attributes from the
// certificate at the end.
func TestRegistrationOnePIN(t *testing.T) {
	s := newSite(t)
	p := chromium.Start(t).NewPage(t)
	p.Navigate(s.url + "/register/form")
	p.Type("#login_id", "hanako2000")
	p.Type("#password", "himitsu99")
	p.Click("#onepin")
	p.Click("#m_card")
	p.WaitFor(`document.getElementById("code") && document.getElementById("reflectbox").hidden`)
	code, err := booking.ParseCode(p.Text("#code"))
	if err != nil {
		t.Fatal(err)
	}
	s.claimLink(t, p, code)
	in, err := s.cl.Session(context.Background(), code)
	if err != nil || in.Mode != booking.ModeOnePIN {
		t.Fatalf("session %+v %v", in, err)
	}
	wantText(t, p, "#cardsection", "読み取りアプリで署名を行います。")
	if got := p.Text("#cardsection"); strings.Contains(got, "数字4桁") {
		t.Errorf("one-PIN form still asks for the 4-digit PIN: %q", got)
	}
	s.shot(t, p, "16-onepin-form")
	p.Click("#confirm")
	p.WaitLoaded()
	p.WaitFor(`document.getElementById("notice_cb")`)
	p.Click("#notice_cb")
	p.Click("#tocard")
	p.WaitLoaded()
	p.WaitFor(`document.getElementById("complete")`)
	content, err := s.cl.Content(context.Background(), code)
	if err != nil || strings.Contains(string(content), "name:") {
		t.Fatalf("content %q %v", content, err)
	}
	res, err := s.cl.PutSignature(context.Background(), code, testpki.Sign(t, s.pki.Valid, content))
	if err != nil || res.Outcome != booking.OutcomeValid {
		t.Fatalf("signature %+v %v", res, err)
	}
	p.Click("#complete")
	p.WaitLoaded()
	p.WaitFor(`document.getElementById("done")`)
	wantText(t, p, "main", "公的　花子")
	s.shot(t, p, "17-onepin-done")
}

// wantLink checks 【アプリを起動する】 holds the session's mynadesk:// link.
func wantLink(t *testing.T, p *chromium.Page, service string, code booking.Code) {
	t.Helper()
	var href string
	p.Eval(`document.getElementById("launch").getAttribute("href")`, &href)
	ref, err := booking.ParseRef(href, "")
	if err != nil || ref.Code != code || ref.Service != service || ref.Secret == "" || !strings.HasPrefix(href, "mynadesk://session?") {
		t.Fatalf("【アプリを起動する】 href %q: %+v %v", href, ref, err)
	}
}

// A typed code (finding 2): the page shows the claim's confirmation number
// and goes on only when the resident says it matches; a wrong claim is
// released from the page, which shows a new code the bystander cannot use.
func TestClaimOnThePage(t *testing.T) {
	s := newSite(t)
	p := chromium.Start(t).NewPage(t)
	p.Navigate(s.url + "/register/form")
	p.Type("#login_id", "tarou1234567")
	p.Type("#password", "himitsu99")
	p.Click("#m_card")
	p.WaitFor(`document.getElementById("code")`)
	code, _ := booking.ParseCode(p.Text("#code"))
	ctx := context.Background()
	// A bystander types the code first.
	by, _ := client.New(s.url, nil)
	bin, err := by.Claim(ctx, booking.Ref{Service: s.url, Code: code})
	if err != nil || bin.Claim.State != booking.ClaimPending {
		t.Fatalf("bystander: %+v %v", bin, err)
	}
	p.WaitFor(`document.getElementById("claimng")`)
	wantText(t, p, "#claimnumber", bin.Claim.Number)
	wantText(t, p, "#claimbox", assets.BookingPage.ClaimPending.JA)
	s.shot(t, p, "05a-claim-pending")
	// The resident's mynadesk says another mynadesk has the session.
	if _, err := s.cl.Claim(ctx, booking.Ref{Service: s.url, Code: code}); !errors.Is(err, booking.ErrClaimed) {
		t.Fatalf("resident after the bystander: %v", err)
	}
	p.Click("#claimng")
	p.WaitFor(`document.getElementById("code").textContent != "` + code.Display() + `"`)
	fresh, err := booking.ParseCode(p.Text("#code"))
	if err != nil || fresh == code {
		t.Fatalf("new code %q: %v", p.Text("#code"), err)
	}
	wantLink(t, p, s.url, fresh)
	s.shot(t, p, "05b-claim-released")
	if _, err := by.Session(ctx, code); !errors.Is(err, booking.ErrExpired) {
		t.Fatalf("bystander after release: %v", err)
	}
	// The resident types the new code: same number on both, and 【一致】.
	in, err := s.cl.Claim(ctx, booking.Ref{Service: s.url, Code: fresh})
	if err != nil || in.Claim.State != booking.ClaimPending {
		t.Fatalf("resident: %+v %v", in, err)
	}
	p.WaitFor(`document.getElementById("claimok")`)
	wantText(t, p, "#claimnumber", in.Claim.Number)
	if _, err := s.cl.PutAttributes(ctx, fresh, testpki.Attributes(testpki.Hanako)); !errors.Is(err, &booking.Error{Code: booking.ECNotReady}) {
		t.Fatalf("step 1 before the numbers were compared: %v", err)
	}
	p.Click("#claimok")
	p.WaitFor(`document.getElementById("claimbox") && !document.getElementById("claimok")`)
	if _, err := s.cl.PutAttributes(ctx, fresh, testpki.Attributes(testpki.Hanako)); err != nil {
		t.Fatalf("step 1 after 【確認番号が一致しています】: %v", err)
	}
	s.shot(t, p, "05c-claim-confirmed")
}
