package web_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/mynadesk/mynadesk/assets"
)

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// browser is a cookie-keeping client that opened the registration form.
func browser(t *testing.T, s *site) (*http.Client, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Get(s.url + "/register/form")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfRE.FindSubmatch(b)
	if m == nil {
		t.Fatalf("no CSRF field in the form:\n%s", b)
	}
	return hc, string(m[1])
}

func post(t *testing.T, hc *http.Client, u string, hdr map[string]string, form url.Values) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func regCookie(hc *http.Client, base string) string {
	u, _ := url.Parse(base)
	for _, c := range hc.Jar.Cookies(u) {
		if c.Name == "bk_reg" {
			return c.Value
		}
	}
	return ""
}

// Finding 8: a cross-site request cannot start or replace a resident's
// registration, nor post any of the page's forms; the page's own requests
// (same origin, with the CSRF token) still work.
func TestCrossSiteRequestsRefused(t *testing.T) {
	s := newSite(t)
	hc, tok := browser(t, s)
	same := map[string]string{"Origin": s.url, "Sec-Fetch-Site": "same-origin", "X-CSRF-Token": tok}
	if code, body := post(t, hc, s.url+"/register/session", same, nil); code != 201 {
		t.Fatalf("the page's own request: %d %s", code, body)
	}
	mine := regCookie(hc, s.url)
	if mine == "" {
		t.Fatal("no registration cookie")
	}
	for name, hdr := range map[string]map[string]string{
		"another site, with the token":     {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site", "X-CSRF-Token": tok},
		"another site, no fetch metadata":  {"Origin": "https://evil.example", "X-CSRF-Token": tok},
		"same origin without the token":    {"Origin": s.url, "Sec-Fetch-Site": "same-origin"},
		"same origin with a wrong token":   {"Origin": s.url, "Sec-Fetch-Site": "same-origin", "X-CSRF-Token": "x" + tok},
		"old browser, no origin, no token": {},
		"one-PIN switch from another site": {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
	} {
		u := s.url + "/register/session"
		if strings.HasPrefix(name, "one-PIN") {
			u += "?mode=one-pin"
		}
		code, body := post(t, hc, u, hdr, nil)
		if code != http.StatusForbidden || !strings.Contains(body, assets.BookingPage.Forbidden.JA) {
			t.Errorf("%s: %d %s", name, code, body)
		}
		if regCookie(hc, s.url) != mine {
			t.Fatalf("%s replaced the registration", name)
		}
	}
	// The forms: without the token (a cross-site form post) → 403.
	for _, path := range []string{"/register/form", "/register/card", "/register/complete"} {
		code, body := post(t, hc, s.url+path, map[string]string{"Origin": "https://evil.example"}, url.Values{"login_id": {"evil"}, "csrf": {tok}})
		if code != http.StatusForbidden || !strings.Contains(body, assets.BookingPage.Forbidden.JA) {
			t.Errorf("cross-site POST %s: %d", path, code)
		}
		if code, _ := post(t, hc, s.url+path, map[string]string{"Origin": s.url}, url.Values{"login_id": {"tarou1234567"}}); code != http.StatusForbidden {
			t.Errorf("POST %s without the token: %d", path, code)
		}
	}
	// With the token, the form is handled (and refuses the empty form on
	// its own terms).
	if code, body := post(t, hc, s.url+"/register/form", map[string]string{"Origin": s.url}, url.Values{"csrf": {tok}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, assets.BookingPage.NeedLoginID.JA) {
		t.Fatalf("own form post: %d", code)
	}
	// Invalid UTF-8 in a form value: 400 (finding 9).
	if code, body := post(t, hc, s.url+"/register/form", map[string]string{"Origin": s.url}, url.Values{"csrf": {tok}, "login_id": {"tarou\xff"}}); code != http.StatusBadRequest || !strings.Contains(body, assets.BookingPage.BadText.JA) {
		t.Fatalf("invalid UTF-8: %d", code)
	}
}

// Finding 9: one-PIN on a service that does not offer it is 403 with that
// reason, not 503 「混み合っています」.
func TestOnePINNotOffered(t *testing.T) {
	s := newSiteOpts(t, false)
	hc, tok := browser(t, s)
	code, body := post(t, hc, s.url+"/register/session?mode=one-pin", map[string]string{"Origin": s.url, "X-CSRF-Token": tok}, nil)
	if code != http.StatusForbidden || !strings.Contains(body, assets.BookingPage.OnePINNotOffered.JA) ||
		strings.Contains(body, assets.Lookup(assets.CodeSessionBusy).Title.JA) {
		t.Fatalf("one-PIN not offered: %d %s", code, body)
	}
}
