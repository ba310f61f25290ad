// Package web is bookingd's account registration page, modelled on the
// 施設予約システム pages of the booking services' manual (docs/design.md,
// "The flow it serves"): the form, the choice of
// マイナンバーカード, the session code with a QR code and an 【アプリを起動する】
// link, 【情報を反映する】, 【マイナンバーカードの確認へ】, 【完了する】, the
// progress steps, and the manual's message for every failure. Server-rendered
// HTML with a little JavaScript for the two buttons that ask the service
// without leaving the page.
package web

import (
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/booking/internal/httpjson"
)

//go:embed templates/*.html
var templateFS embed.FS

// cookieName holds "CODE.PAGETOKEN.LINKSECRET" of the browser's
// registration: the page shows the link and the QR code (which carry the
// link's secret) on every step.
const cookieName = "bk_reg"

// csrfCookie holds the browser's CSRF token; every state-changing request
// must repeat it in the form field csrfField or the header csrfHeader,
// which a page of another site can neither read nor forge.
const (
	csrfCookie = "bk_csrf"
	csrfField  = "csrf"
	csrfHeader = "X-CSRF-Token"
)

// Page serves the registration pages.
type Page struct {
	// AllowCreate, if set, is asked before a session is created for a
	// browser (server.Server.AllowCreate: a per-address limit).
	AllowCreate func(*http.Request) bool

	svc     *booking.Service
	baseURL string
	log     *slog.Logger
	tmpl    *template.Template
	cop     *http.CrossOriginProtection
}

// New returns the registration page for svc; baseURL is the service's
// public base URL (for the session URL and the mynadesk:// link).
func New(svc *booking.Service, baseURL string, log *slog.Logger) *Page {
	if log == nil {
		log = slog.Default()
	}
	funcs := template.FuncMap{"ja": func(t assets.Text) string { return t.JA }, "inc": func(i int) int { return i + 1 }}
	t := template.Must(template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html"))
	p := &Page{svc: svc, baseURL: strings.TrimRight(baseURL, "/"), log: log, tmpl: t, cop: http.NewCrossOriginProtection()}
	// The public origin, for a service behind a proxy that rewrites Host.
	if u, err := url.Parse(p.baseURL); err == nil && u.Host != "" {
		_ = p.cop.AddTrustedOrigin(u.Scheme + "://" + u.Host)
	}
	return p
}

// Handler is the mux the page registers on.
type Handler interface {
	Handle(pattern string, h http.Handler)
}

// Register adds the page's routes to mux.
func (p *Page) Register(mux Handler) {
	mux.Handle("GET /{$}", http.HandlerFunc(p.top))
	mux.Handle("GET /register", http.HandlerFunc(p.agree))
	mux.Handle("GET /register/form", http.HandlerFunc(p.form))
	mux.Handle("POST /register/form", p.guard(p.submitForm))
	mux.Handle("POST /register/card", p.guard(p.toCard))
	mux.Handle("POST /register/complete", p.guard(p.complete))
	mux.Handle("POST /register/session", p.guard(p.newSession))
	mux.Handle("GET /register/session", http.HandlerFunc(p.sessionState))
	mux.Handle("GET /register/claim", http.HandlerFunc(p.claimState))
	mux.Handle("POST /register/claim/confirm", p.guard(p.confirmClaim))
	mux.Handle("POST /register/release", p.guard(p.release))
	mux.Handle("GET /s/{code}", http.HandlerFunc(p.sessionLanding))
}

// guard wraps a state-changing handler: the request must come from this
// service's own pages (Origin and Sec-Fetch-Site, http.CrossOriginProtection)
// and carry the browser's CSRF token; SameSite cookies alone do not stop
// a cross-site request that starts a new registration. Form values must be
// valid UTF-8.
func (p *Page) guard(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := p.cop.Check(r); err != nil {
			p.refuse(w, r, http.StatusForbidden, assets.BookingPage.Forbidden)
			return
		}
		c, err := r.Cookie(csrfCookie)
		got := r.Header.Get(csrfHeader)
		if got == "" {
			got = r.PostFormValue(csrfField)
		}
		if err != nil || c.Value == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(got)) != 1 {
			p.refuse(w, r, http.StatusForbidden, assets.BookingPage.Forbidden)
			return
		}
		if err := r.ParseForm(); err != nil {
			p.refuse(w, r, http.StatusBadRequest, assets.BookingPage.BadText)
			return
		}
		for _, vs := range r.PostForm {
			for _, v := range vs {
				if !utf8.ValidString(v) {
					p.refuse(w, r, http.StatusBadRequest, assets.BookingPage.BadText)
					return
				}
			}
		}
		h(w, r)
	})
}

// refuse answers a refused request: JSON to the page's script, a page with
// the text to a form.
func (p *Page) refuse(w http.ResponseWriter, r *http.Request, status int, t assets.Text) {
	if r.URL.Path != "/register/form" && r.URL.Path != "/register/card" && r.URL.Path != "/register/complete" {
		httpjson.Write(w, status, stateAnswer{Error: t.JA, Code: http.StatusText(status)})
		return
	}
	p.render(w, r, status, "top.html", view{Notice: t.JA})
}

// csrfToken returns the browser's CSRF token, setting the cookie first if
// the browser has none.
func (p *Page) csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	b := make([]byte, 32)
	rand.Read(b)
	tok := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: tok, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: strings.HasPrefix(p.baseURL, "https:")})
	return tok
}

// view is what every template gets.
type view struct {
	CSRF    string // the browser's CSRF token, for every form
	T       any    // assets.BookingPage
	Step    int    // 1..4, 0 for pages outside the flow
	Steps   []assets.Text
	Error   *assets.Entry
	Session *sessionView
	Form    formData
	Notice  string
	OnePIN  bool
	Allowed bool // one-PIN allowed by the service
	Link    string
}

type sessionView struct {
	Code string
	URL  string
	// Link is the mynadesk:// link, built here from a parsed code and a
	// checked base URL; html/template would otherwise blank a non-http
	// scheme.
	Link    template.URL
	QR      template.URL // data: URL of the PNG
	Expires string
	Mode    booking.Mode
	Attrs   *attrView
}

type attrView struct{ Name, Address, Birth, Sex string }

type formData struct {
	LoginID, Phone, Email, Method, Mode string
	PasswordLen                         int
	Notice                              bool
}

func (p *Page) render(w http.ResponseWriter, r *http.Request, status int, name string, v view) {
	v.T = assets.BookingPage
	v.CSRF = p.csrfToken(w, r)
	v.Steps = []assets.Text{assets.BookingPage.StepInput, assets.BookingPage.StepConfirm, assets.BookingPage.StepCard, assets.BookingPage.StepDone}
	v.Allowed = p.svc.AllowOnePIN()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'")
	w.WriteHeader(status)
	if err := p.tmpl.ExecuteTemplate(w, name, v); err != nil {
		p.log.Error("booking/web: template", "name", name, "err", err)
	}
}

func entry(c assets.Code) *assets.Entry {
	e := assets.Lookup(c)
	return &e
}

func (p *Page) top(w http.ResponseWriter, r *http.Request) { p.render(w, r, 200, "top.html", view{}) }

func (p *Page) agree(w http.ResponseWriter, r *http.Request) {
	p.render(w, r, 200, "agree.html", view{})
}

// registration returns the browser's session from its cookie.
func (p *Page) registration(r *http.Request) (*booking.Session, string, error) {
	c, err := r.Cookie(cookieName)
	if err != nil {
		return nil, "", booking.Errorf(booking.ECUnauthorized, "no registration in this browser")
	}
	parts := strings.Split(c.Value, ".")
	if len(parts) != 3 {
		return nil, "", booking.Errorf(booking.ECUnauthorized, "bad cookie")
	}
	code, err := booking.ParseCode(parts[0])
	if err != nil {
		return nil, "", booking.Errorf(booking.ECUnauthorized, "bad cookie")
	}
	s, err := p.svc.PageView(r.Context(), code, parts[1])
	if s != nil {
		s.LinkSecret = parts[2]
	}
	return s, parts[1], err
}

// remember gives the browser the cookie of its registration s.
func (p *Page) remember(w http.ResponseWriter, s *booking.Session) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: string(s.Code) + "." + s.PageToken + "." + s.LinkSecret, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: strings.HasPrefix(p.baseURL, "https:"),
		Expires: s.ExpiresAt})
}

func (p *Page) sessionView(s *booking.Session) *sessionView {
	ref := booking.Ref{Service: p.baseURL, Code: s.Code, Secret: s.LinkSecret}
	sv := &sessionView{Code: s.Code.Display(), URL: ref.URL(), Link: template.URL(ref.Link()), Mode: s.Mode,
		Expires: s.ExpiresAt.In(jst).Format("15:04")}
	if png, err := qrcode.Encode(ref.URL(), qrcode.Medium, 200); err == nil {
		sv.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	}
	if s.Attributes != nil {
		sv.Attrs = attrs(s.Attributes)
	}
	return sv
}

var jst = time.FixedZone("JST", 9*3600)

func attrs(a *booking.Attributes) *attrView {
	v := &attrView{Name: a.Name, Address: a.Address, Sex: assets.BookingPage.SexNames[a.Sex].JA}
	if t, err := time.Parse("20060102", a.Birth); err == nil {
		v.Birth = t.Format("2006/1/2") + "(" + []string{"日", "月", "火", "水", "木", "金", "土"}[t.Weekday()] + ")"
	}
	return v
}

func (p *Page) form(w http.ResponseWriter, r *http.Request) {
	v := view{Step: 1, OnePIN: r.URL.Query().Get("mode") == string(booking.ModeOnePIN)}
	// Coming back from 【修正する】 keeps the session and the details read.
	if s, _, err := p.registration(r); err == nil && !s.Expired(p.svc.Now()) && s.State != booking.StateDone {
		v.Session = p.sessionView(s)
		v.Form.Method = "card"
		v.OnePIN = s.Mode == booking.ModeOnePIN
	}
	v.Form.LoginID = r.URL.Query().Get("login_id")
	p.render(w, r, 200, "form.html", v)
}

// newSession is called by the page's script when マイナンバーカード is chosen:
// it starts a session and answers with what the page shows.
func (p *Page) newSession(w http.ResponseWriter, r *http.Request) {
	mode := booking.ModeTwoStep
	if r.URL.Query().Get("mode") == string(booking.ModeOnePIN) {
		mode = booking.ModeOnePIN
	}
	if s, _, err := p.registration(r); err == nil && !s.Expired(p.svc.Now()) && s.State != booking.StateDone && s.Mode == mode {
		httpjson.Write(w, 200, p.sessionView(s))
		return
	}
	if p.AllowCreate != nil && !p.AllowCreate(r) {
		httpjson.Write(w, http.StatusTooManyRequests, stateAnswer{Error: assets.Lookup(assets.CodeSessionBusy).Title.JA, Code: string(assets.CodeSessionBusy)})
		return
	}
	s, err := p.svc.Create(r.Context(), mode)
	if booking.CodeOf(err) == booking.ECModeNotAllowed {
		httpjson.Write(w, http.StatusForbidden, stateAnswer{Error: assets.BookingPage.OnePINNotOffered.JA, Code: string(booking.ECModeNotAllowed)})
		return
	}
	if err != nil {
		p.jsonError(w, err)
		return
	}
	p.remember(w, s)
	httpjson.Write(w, 201, p.sessionView(s))
}

// claimAnswer is what the page's script polls: whether a mynadesk holds
// the session and the number it shows.
type claimAnswer struct {
	State  booking.ClaimState `json:"state"`
	Number string             `json:"number,omitempty"`
	Text   string             `json:"text,omitempty"`
	Error  string             `json:"error,omitempty"`
}

func (p *Page) claimAnswer(s *booking.Session) claimAnswer {
	a := claimAnswer{State: s.Claim, Number: s.ClaimNumber}
	switch s.Claim {
	case booking.ClaimPending:
		a.Text = assets.BookingPage.ClaimPending.JA
	case booking.ClaimConfirmed:
		a.Text = assets.BookingPage.ClaimActive.JA
	}
	return a
}

// claimState answers the page's poll.
func (p *Page) claimState(w http.ResponseWriter, r *http.Request) {
	s, _, err := p.registration(r)
	if err != nil {
		httpjson.Write(w, 200, claimAnswer{Error: assets.Lookup(assets.CodeNotRead).Title.JA})
		return
	}
	httpjson.Write(w, 200, p.claimAnswer(s))
}

// confirmClaim is 【確認番号が一致しています】.
func (p *Page) confirmClaim(w http.ResponseWriter, r *http.Request) {
	s, tok, err := p.registration(r)
	if err == nil {
		s, err = p.svc.ConfirmClaim(r.Context(), s.Code, tok)
	}
	if err != nil {
		httpjson.Write(w, http.StatusConflict, claimAnswer{Error: assets.Lookup(assets.CodeSessionRefused).Title.JA})
		return
	}
	httpjson.Write(w, 200, p.claimAnswer(s))
}

// release is 【確認番号が一致しません】: the session held by another mynadesk
// ends and the page shows a new code.
func (p *Page) release(w http.ResponseWriter, r *http.Request) {
	s, tok, err := p.registration(r)
	if err == nil {
		s, err = p.svc.Release(r.Context(), s.Code, tok)
	}
	if err != nil {
		p.jsonError(w, err)
		return
	}
	p.remember(w, s)
	httpjson.Write(w, 201, p.sessionView(s))
}

// stateAnswer is what 【情報を反映する】 gets.
type stateAnswer struct {
	State   booking.State `json:"state"`
	Attrs   *attrView     `json:"attributes,omitempty"`
	Message string        `json:"message"`
	Error   string        `json:"error,omitempty"`
	Code    string        `json:"code,omitempty"`
}

func (p *Page) sessionState(w http.ResponseWriter, r *http.Request) {
	s, _, err := p.registration(r)
	if err != nil {
		e := assets.Lookup(assets.CodeNotRead)
		httpjson.Write(w, 200, stateAnswer{Error: e.Title.JA, Code: string(e.Code)})
		return
	}
	if s.Expired(p.svc.Now()) && s.State != booking.StateDone {
		e := assets.Lookup(assets.CodeSessionExpired)
		httpjson.Write(w, 200, stateAnswer{State: s.State, Error: e.Title.JA, Code: string(e.Code)})
		return
	}
	if s.Attributes == nil {
		e := assets.Lookup(assets.CodeNotRead)
		httpjson.Write(w, 200, stateAnswer{State: s.State, Error: e.Title.JA, Code: string(e.Code)})
		return
	}
	httpjson.Write(w, 200, stateAnswer{State: s.State, Attrs: attrs(s.Attributes), Message: assets.BookingPage.ReadDone.JA})
}

func (p *Page) jsonError(w http.ResponseWriter, err error) {
	p.log.Warn("booking/web: session", "err", err) // booking errors carry no session code
	httpjson.Write(w, 503, stateAnswer{Error: assets.Lookup(assets.CodeSessionBusy).Title.JA, Code: string(assets.CodeSessionBusy)})
}

func (p *Page) readForm(r *http.Request) formData {
	return formData{LoginID: strings.TrimSpace(r.PostFormValue("login_id")), Phone: strings.TrimSpace(r.PostFormValue("phone")),
		Email: strings.TrimSpace(r.PostFormValue("email")), Method: r.PostFormValue("method"),
		Mode: r.PostFormValue("mode"), PasswordLen: len(r.PostFormValue("password")), Notice: r.PostFormValue("notice") == "on"}
}

// submitForm is 【確認】: check the form, then show the confirmation page.
func (p *Page) submitForm(w http.ResponseWriter, r *http.Request) {
	f := p.readForm(r)
	v := view{Step: 1, Form: f, OnePIN: f.Mode == string(booking.ModeOnePIN)}
	s, _, err := p.registration(r)
	if err == nil && !s.Expired(p.svc.Now()) {
		v.Session = p.sessionView(s)
	}
	fail := func(t assets.Text) {
		v.Notice = t.JA
		p.render(w, r, http.StatusUnprocessableEntity, "form.html", v)
	}
	switch {
	case booking.ValidLoginID(f.LoginID) != nil:
		fail(assets.BookingPage.NeedLoginID)
		return
	case f.PasswordLen < 6:
		fail(assets.BookingPage.NeedPassword)
		return
	case f.Method != "card":
		fail(assets.BookingPage.CounterUnsupported)
		return
	}
	if err != nil {
		v.Error = entry(assets.CodeNotRead)
		p.render(w, r, http.StatusUnprocessableEntity, "form.html", v)
		return
	}
	if s.Expired(p.svc.Now()) {
		v.Error = entry(assets.CodeSessionExpired)
		p.render(w, r, http.StatusGone, "form.html", v)
		return
	}
	if s.Mode == booking.ModeTwoStep && s.Attributes == nil {
		v.Error = entry(assets.CodeNotRead)
		p.render(w, r, http.StatusUnprocessableEntity, "form.html", v)
		return
	}
	v.Step = 2
	p.render(w, r, 200, "confirm.html", v)
}

// toCard is 【マイナンバーカードの確認へ】: fix the login ID and the
// registration time, then show the card check page.
func (p *Page) toCard(w http.ResponseWriter, r *http.Request) {
	f := p.readForm(r)
	s, tok, err := p.registration(r)
	v := view{Step: 2, Form: f}
	if err != nil {
		v.Step = 1
		v.Error = entry(assets.CodeNotRead)
		p.render(w, r, http.StatusUnprocessableEntity, "form.html", v)
		return
	}
	v.Session = p.sessionView(s)
	if !f.Notice {
		v.Notice = assets.BookingPage.NeedNotice.JA
		p.render(w, r, http.StatusUnprocessableEntity, "confirm.html", v)
		return
	}
	secret := s.LinkSecret
	s, err = p.svc.Confirm(r.Context(), s.Code, tok, f.LoginID)
	if s != nil {
		s.LinkSecret = secret
	}
	if err != nil {
		switch booking.CodeOf(err) {
		case booking.ECExpired:
			v.Error = entry(assets.CodeSessionExpired)
		case booking.ECOutOfOrder:
			v.Error = entry(assets.CodeNotRead)
		case booking.ECInvalid:
			v.Notice = assets.BookingPage.NeedLoginID.JA
		default:
			v.Error = entry(assets.CodeSigRevocationUnknown)
			p.log.Warn("booking/web: confirm", "err", err)
		}
		p.render(w, r, http.StatusUnprocessableEntity, "confirm.html", v)
		return
	}
	v.Step, v.Session = 3, p.sessionView(s)
	p.render(w, r, 200, "card.html", v)
}

// complete is 【完了する】: show the result of the signature check. A
// successful registration takes the attributes here, and the store erases
// them.
func (p *Page) complete(w http.ResponseWriter, r *http.Request) {
	s, tok, err := p.registration(r)
	if err == nil && s.State == booking.StateDone {
		secret := s.LinkSecret
		if s, err = p.svc.Take(r.Context(), s.Code, tok); s != nil {
			s.LinkSecret = secret
		}
	}
	v := view{Step: 3}
	if err != nil {
		v.Error = entry(assets.CodeNotSigned)
		p.render(w, r, http.StatusUnprocessableEntity, "card.html", v)
		return
	}
	v.Session = p.sessionView(s)
	v.Form.LoginID = s.LoginID
	if s.State == booking.StateDone && s.Result != nil && s.Result.Outcome == booking.OutcomeValid {
		v.Step = 4
		// The registration is done: the browser's cookie has served.
		http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1})
		p.render(w, r, 200, "done.html", v)
		return
	}
	status := http.StatusUnprocessableEntity
	switch {
	case s.Expired(p.svc.Now()):
		v.Error, status = entry(assets.CodeSessionExpired), http.StatusGone
	case s.Result == nil:
		v.Error = entry(assets.CodeNotSigned)
	default:
		v.Error = resultEntry(s.Result)
	}
	p.render(w, r, status, "card.html", v)
}

// resultEntry maps a stored result to the manual's message.
func resultEntry(res *booking.Result) *assets.Entry {
	switch res.Outcome {
	case booking.OutcomeMismatch:
		return entry(assets.CodeSigMismatch)
	case booking.OutcomeExpired:
		return entry(assets.CodeSigExpired)
	case booking.OutcomeRevoked:
		return entry(assets.CodeSigRevoked)
	}
	code := assets.Code(res.Code)
	if code == "" {
		code = assets.CodeSigRevocationUnknown
	}
	e := assets.Lookup(code)
	e.Title = assets.SigCheckTitle(code)
	return &e
}

// sessionLanding is what a browser shows for the QR code's URL: the code
// and the link that opens mynadesk.
func (p *Page) sessionLanding(w http.ResponseWriter, r *http.Request) {
	code, err := booking.ParseCode(r.PathValue("code"))
	v := view{}
	if err != nil {
		v.Error = entry(assets.CodeSessionCode)
		p.render(w, r, http.StatusNotFound, "landing.html", v)
		return
	}
	ref := booking.Ref{Service: p.baseURL, Code: code}
	v.Session = &sessionView{Code: code.Display(), URL: ref.URL(), Link: template.URL(ref.Link())}
	p.render(w, r, 200, "landing.html", v)
}
