// Package client is the desktop side of the booking protocol (version 2)
// over HTTP: claim a session, fetch it, upload the attributes, fetch the
// content to sign, upload the CMS. The claim token it draws lives in the
// Client's memory only and goes with every later call of that session. It requires TLS except to a loopback address, retries with
// backoff on network errors and 5xx answers, and never retries a 4xx.
package client

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/mynadesk/mynadesk/booking"
)

// Client talks to one booking service.
type Client struct {
	service string
	// HTTP is the transport; its Timeout bounds one attempt.
	HTTP *http.Client
	// MaxAttempts is the number of tries of one request (default 5).
	MaxAttempts int
	// Backoff is the wait before the second try; it doubles up to
	// MaxBackoff, with jitter (defaults 300 ms and 5 s).
	Backoff, MaxBackoff time.Duration
	// UserAgent is sent with every request.
	UserAgent string

	mu     sync.Mutex
	claims map[booking.Code]string // claim tokens, by session
}

// New returns a client for the service at base URL service. It refuses a
// plain-http URL unless the host is a loopback address.
func New(service string, hc *http.Client) (*Client, error) {
	svc, err := booking.ServiceURL(service)
	if err != nil {
		return nil, err
	}
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	c := *hc
	// The API never redirects; following one could leave TLS or the
	// service.
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Client{service: svc, HTTP: &c, MaxAttempts: 5, Backoff: 300 * time.Millisecond,
		MaxBackoff: 5 * time.Second, UserAgent: "mynadesk/2", claims: map[booking.Code]string{}}, nil
}

// Service returns the base URL.
func (c *Client) Service() string { return c.service }

// APIError is a 4xx or 5xx answer with the service's error code.
type APIError struct {
	Status  int
	Code    booking.ErrorCode
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("booking service: %d %s: %s", e.Status, e.Code, e.Message)
}

// Is lets errors.Is(err, booking.ErrNotFound) and the other sentinels match
// by code.
func (e *APIError) Is(target error) bool {
	t, ok := target.(*booking.Error)
	return ok && t.Message == "" && t.Code == e.Code
}

// NetworkError is a failure to reach the service after every attempt.
type NetworkError struct {
	Attempts int
	Err      error
}

func (e *NetworkError) Error() string {
	return fmt.Sprintf("booking service unreachable after %d attempts: %v", e.Attempts, e.Err)
}

func (e *NetworkError) Unwrap() error { return e.Err }

func (c *Client) url(code booking.Code, suffix string) string {
	u := c.service + "/api/v" + strconv.Itoa(booking.Version) + "/sessions"
	if code != "" {
		u += "/" + url.PathEscape(string(code))
	}
	return u + suffix
}

// do sends one request, retrying on network errors and 5xx, and decodes a
// 2xx JSON answer into out.
func (c *Client) do(ctx context.Context, method, u, token string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return err
		}
	}
	attempts := max(c.MaxAttempts, 1)
	wait := c.Backoff
	var last error
	for i := 1; i <= attempts; i++ {
		err := c.once(ctx, method, u, token, body, out)
		if err == nil {
			return nil
		}
		var ae *APIError
		if errors.As(err, &ae) && ae.Status < 500 {
			return err // 4xx: the same request would fail the same way
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		last = err
		if i == attempts {
			break
		}
		d := wait/2 + rand.N(wait/2+1) // jitter so many clients do not retry in step
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		wait = min(wait*2, c.MaxBackoff)
	}
	var ae *APIError
	if errors.As(last, &ae) {
		return last
	}
	return &NetworkError{Attempts: attempts, Err: last}
}

func (c *Client) once(ctx context.Context, method, u, token string, body []byte, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.UserAgent)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		ae := &APIError{Status: resp.StatusCode, Code: booking.ECInternal, Message: http.StatusText(resp.StatusCode)}
		var eb booking.ErrorBody
		if json.Unmarshal(data, &eb) == nil && eb.Error.Code != "" {
			ae.Code, ae.Message = eb.Error.Code, eb.Error.Message
		}
		return ae
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("booking service: malformed answer: %w", err)
	}
	return nil
}

// token returns the claim token of code, "" if this client has not
// claimed it.
func (c *Client) token(code booking.Code) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.claims[code]
}

// Claim opens the session for this mynadesk: it draws a claim token (once
// per session; a retry sends the same one), sends it with the link's
// one-time secret if the session came from a link or QR code, and keeps
// it for every later call. The answer carries the confirmation number to
// show; with a typed code the claim stays pending until the resident says
// on the page that the numbers match. Another mynadesk's claim is an
// *APIError with booking.ECClaimed.
func (c *Client) Claim(ctx context.Context, ref booking.Ref) (booking.SessionInfo, error) {
	c.mu.Lock()
	tok := c.claims[ref.Code]
	if tok == "" {
		b := make([]byte, 32)
		if _, err := crand.Read(b); err != nil {
			c.mu.Unlock()
			return booking.SessionInfo{}, err
		}
		tok = base64.RawURLEncoding.EncodeToString(b)
		c.claims[ref.Code] = tok
	}
	c.mu.Unlock()
	var in booking.SessionInfo
	err := c.do(ctx, http.MethodPost, c.url(ref.Code, "/claim"), "", booking.ClaimRequest{Claim: tok, LinkSecret: ref.Secret}, &in)
	if err == nil && in.Version != booking.Version {
		return in, fmt.Errorf("booking service speaks protocol version %d, this program %d", in.Version, booking.Version)
	}
	return in, err
}

// ClaimToken is the claim token this client holds for code, for a test or
// a tool that drives the API by hand; "" if it has not claimed the session.
func (c *Client) ClaimToken(code booking.Code) string { return c.token(code) }

// Forget drops the claim token of code (the session is over).
func (c *Client) Forget(code booking.Code) {
	c.mu.Lock()
	delete(c.claims, code)
	c.mu.Unlock()
}

// Session fetches what mynadesk needs to know about a claimed session.
func (c *Client) Session(ctx context.Context, code booking.Code) (booking.SessionInfo, error) {
	var in booking.SessionInfo
	err := c.do(ctx, http.MethodGet, c.url(code, ""), c.token(code), nil, &in)
	if err == nil && in.Version != booking.Version {
		return in, fmt.Errorf("booking service speaks protocol version %d, this program %d", in.Version, booking.Version)
	}
	return in, err
}

// PutAttributes uploads the 4 attributes (step 1).
func (c *Client) PutAttributes(ctx context.Context, code booking.Code, a booking.Attributes) (booking.SessionInfo, error) {
	var in booking.SessionInfo
	err := c.do(ctx, http.MethodPost, c.url(code, "/attributes"), c.token(code), a, &in)
	return in, err
}

// Content fetches the bytes to sign (step 2).
func (c *Client) Content(ctx context.Context, code booking.Code) ([]byte, error) {
	var cr booking.ContentResponse
	if err := c.do(ctx, http.MethodGet, c.url(code, "/content"), c.token(code), nil, &cr); err != nil {
		return nil, err
	}
	return cr.Content, nil
}

// PutSignature uploads the CMS SignedData and returns the service's verdict.
func (c *Client) PutSignature(ctx context.Context, code booking.Code, cms []byte) (booking.Result, error) {
	var sr booking.SignatureResponse
	err := c.do(ctx, http.MethodPost, c.url(code, "/signature"), c.token(code), booking.SignatureRequest{CMS: cms}, &sr)
	return sr.Result, err
}

// ConfirmClaim is the page's 「番号が一致しています」 over the API.
func (c *Client) ConfirmClaim(ctx context.Context, code booking.Code, pageToken string) (booking.PageView, error) {
	var pv booking.PageView
	err := c.do(ctx, http.MethodPost, c.url(code, "/claim/confirm"), pageToken, struct{}{}, &pv)
	return pv, err
}

// Release is the page's 「番号が一致しません」 over the API: the session ends
// and a new one takes its place.
func (c *Client) Release(ctx context.Context, code booking.Code, pageToken string) (booking.CreateResponse, error) {
	var cr booking.CreateResponse
	err := c.do(ctx, http.MethodPost, c.url(code, "/release"), pageToken, struct{}{}, &cr)
	return cr, err
}

// Create starts a session as a registration page would (tests, load tests
// and kiosks driving the API).
func (c *Client) Create(ctx context.Context, mode booking.Mode) (booking.CreateResponse, error) {
	var cr booking.CreateResponse
	err := c.do(ctx, http.MethodPost, c.url("", ""), "", booking.CreateRequest{Mode: mode}, &cr)
	return cr, err
}

// Confirm is the page's 【マイナンバーカードの確認へ】 over the API.
func (c *Client) Confirm(ctx context.Context, code booking.Code, pageToken, loginID string) (booking.PageView, error) {
	var pv booking.PageView
	err := c.do(ctx, http.MethodPost, c.url(code, "/confirm"), pageToken, booking.ConfirmRequest{LoginID: loginID}, &pv)
	return pv, err
}

// PageView reads the session with the page's token.
func (c *Client) PageView(ctx context.Context, code booking.Code, pageToken string) (booking.PageView, error) {
	var pv booking.PageView
	err := c.do(ctx, http.MethodGet, c.url(code, "/page"), pageToken, nil, &pv)
	return pv, err
}
