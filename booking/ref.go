package booking

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// SessionPath is the path prefix of a session's https URL: the service's
// base URL + "/s/" + code. The QR code on the page holds that URL.
const SessionPath = "/s/"

// LinkScheme is the URL scheme mynadesk registers for 【アプリを起動する】.
const LinkScheme = "mynadesk"

// Ref is where a session lives: the service's base URL and the code, and
// from a link or QR code the one-time secret that claims the session
// without the resident comparing numbers.
type Ref struct {
	Service string // base URL, e.g. https://booking.example.jp (no trailing slash)
	Code    Code
	Secret  string // the link's secret; "" for a typed code
}

// URL is the session's https URL, as in the page's QR code. The secret is
// in the fragment, which a browser never sends to a server (nor to a
// proxy's log).
func (r Ref) URL() string {
	u := r.Service + SessionPath + r.Code.Display()
	if r.Secret != "" {
		u += "#k=" + url.QueryEscape(r.Secret)
	}
	return u
}

// Link is the mynadesk:// link of the page's 【アプリを起動する】.
func (r Ref) Link() string {
	q := url.Values{"service": {r.Service}, "code": {r.Code.Display()}, "v": {strconv.Itoa(Version)}}
	if r.Secret != "" {
		q.Set("k", r.Secret)
	}
	return LinkScheme + "://session?" + q.Encode()
}

// validSecret reports whether s can be a link secret (base64url).
func validSecret(s string) bool {
	if len(s) < 16 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// RefError says what was given and what is expected instead.
type RefError struct {
	Input  string
	Reason string
	Err    error
}

// RefExpected is the message shown when a session reference is refused.
const RefExpected = "expected a session code (XXXX-XXXX), an https:// session URL, or a mynadesk://session?... link"

func (e *RefError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("booking: %s (%v); %s", e.Reason, e.Err, RefExpected)
	}
	return fmt.Sprintf("booking: %s; %s", e.Reason, RefExpected)
}

// Unwrap returns the cause (a *CodeError for a mistyped code).
func (e *RefError) Unwrap() error { return e.Err }

// ParseRef reads what a resident gives mynadesk to find a session: a typed
// code (the service from configuration, defaultService), an https URL
// (http only to a loopback address), or a mynadesk://session?service=…&code=…
// link. A QR code holds the https URL. Anything else is a *RefError saying
// what was expected.
func ParseRef(input, defaultService string) (Ref, error) {
	s := strings.TrimSpace(input)
	if s == "" {
		return Ref{}, &RefError{Input: input, Reason: "nothing given"}
	}
	if !strings.Contains(s, ":") && !strings.Contains(s, "/") {
		code, err := ParseCode(s)
		if err != nil {
			return Ref{}, &RefError{Input: input, Reason: "not a valid session code", Err: err}
		}
		if defaultService == "" {
			return Ref{}, &RefError{Input: input, Reason: "a code was given but no service URL is configured"}
		}
		svc, err := ServiceURL(defaultService)
		if err != nil {
			return Ref{}, &RefError{Input: input, Reason: "the configured service URL is invalid", Err: err}
		}
		return Ref{Service: svc, Code: code}, nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return Ref{}, &RefError{Input: input, Reason: "not a URL", Err: err}
	}
	switch strings.ToLower(u.Scheme) {
	case LinkScheme:
		if u.Host != "session" && u.Opaque != "session" && strings.Trim(u.Path, "/") != "session" {
			return Ref{}, &RefError{Input: input, Reason: "unknown mynadesk:// link"}
		}
		q := u.Query()
		if v := q.Get("v"); v != "" && v != strconv.Itoa(Version) {
			return Ref{}, &RefError{Input: input, Reason: "link of an unsupported protocol version " + v}
		}
		secret := q.Get("k")
		if secret != "" && !validSecret(secret) {
			return Ref{}, &RefError{Input: input, Reason: "the link's secret is malformed"}
		}
		code, err := ParseCode(q.Get("code"))
		if err != nil {
			return Ref{}, &RefError{Input: input, Reason: "the link's session code is invalid", Err: err}
		}
		svc, err := ServiceURL(q.Get("service"))
		if err != nil {
			return Ref{}, &RefError{Input: input, Reason: "the link's service URL is invalid", Err: err}
		}
		return Ref{Service: svc, Code: code, Secret: secret}, nil
	case "https", "http":
		i := strings.LastIndex(u.Path, SessionPath)
		if i < 0 {
			return Ref{}, &RefError{Input: input, Reason: "the URL is not a session URL (…/s/XXXX-XXXX)"}
		}
		code, err := ParseCode(strings.Trim(u.Path[i+len(SessionPath):], "/"))
		if err != nil {
			return Ref{}, &RefError{Input: input, Reason: "the URL's session code is invalid", Err: err}
		}
		var secret string
		if u.Fragment != "" {
			f, _ := url.ParseQuery(u.Fragment)
			if secret = f.Get("k"); secret != "" && !validSecret(secret) {
				return Ref{}, &RefError{Input: input, Reason: "the URL's secret is malformed"}
			}
		}
		base := *u
		base.Path, base.RawQuery, base.Fragment, base.RawPath, base.RawFragment = u.Path[:i], "", "", "", ""
		svc, err := ServiceURL(base.String())
		if err != nil {
			return Ref{}, &RefError{Input: input, Reason: "the service URL is invalid", Err: err}
		}
		return Ref{Service: svc, Code: code, Secret: secret}, nil
	}
	return Ref{}, &RefError{Input: input, Reason: "unsupported scheme " + u.Scheme}
}

// ServiceURL checks and normalises a service base URL: https, or http to a
// loopback address only; no query, fragment or user info; no trailing
// slash.
func ServiceURL(s string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return "", err
	}
	if u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("booking: service URL %q: want scheme://host[:port][/path]", s)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !IsLoopback(u.Hostname()) {
			return "", fmt.Errorf("booking: service URL %q: TLS (https) is required except to a loopback address", s)
		}
	default:
		return "", fmt.Errorf("booking: service URL %q: scheme must be https", s)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	return strings.TrimRight(u.String(), "/"), nil
}

// IsLoopback reports whether host (a name or address without port) is
// localhost or a loopback address.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
