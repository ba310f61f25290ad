package verify

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"golang.org/x/crypto/ocsp"
)

// maxOCSPResponse bounds what is read from a responder.
const maxOCSPResponse = 64 << 10

// OCSPChecker asks one configured OCSP responder (J-LIS provides OCSP to
// registered verifiers through a platform operator; the signing certificate
// names no responder). Unreachable, slow, "unknown", badly signed or stale
// answers are errors: "could not check".
type OCSPChecker struct {
	// URL of the responder; requests are POSTed (RFC 6960 A.1).
	URL string
	// Client defaults to one with a 10-second timeout.
	Client *http.Client
	// MaxAge bounds how old an answer without nextUpdate may be (default
	// 1 hour; J-LIS refreshes every 15 minutes).
	MaxAge time.Duration
	// Hash names the certificate in the request (CertID). Zero means SHA-1,
	// which RFC 5019 responders require; it identifies, it does not protect.
	Hash crypto.Hash
}

// CheckRevocation asks the responder about cert.
func (o *OCSPChecker) CheckRevocation(ctx context.Context, cert, issuer *x509.Certificate, now time.Time) (Status, error) {
	h := o.Hash
	if h == 0 {
		h = crypto.SHA1
	}
	req, err := ocsp.CreateRequest(cert, issuer, &ocsp.RequestOptions{Hash: h})
	if err != nil {
		return Status{}, fmt.Errorf("ocsp: request: %w", err)
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, o.URL, bytes.NewReader(req))
	if err != nil {
		return Status{}, fmt.Errorf("ocsp: %w", err)
	}
	hreq.Header.Set("Content-Type", "application/ocsp-request")
	hreq.Header.Set("Accept", "application/ocsp-response")
	client := o.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := client.Do(hreq)
	if err != nil {
		return Status{}, fmt.Errorf("ocsp: responder unreachable: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Status{}, fmt.Errorf("ocsp: responder answered HTTP %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxOCSPResponse+1))
	if err != nil {
		return Status{}, fmt.Errorf("ocsp: reading answer: %w", err)
	}
	if len(body) > maxOCSPResponse {
		return Status{}, errors.New("ocsp: answer too large")
	}
	// ParseResponseForCert checks the signature: by the issuer itself, or by
	// a responder certificate the issuer signed.
	r, err := ocsp.ParseResponseForCert(body, cert, issuer)
	if err != nil {
		return Status{}, fmt.Errorf("ocsp: %w", err)
	}
	if r.Certificate != nil && !slices.Contains(r.Certificate.ExtKeyUsage, x509.ExtKeyUsageOCSPSigning) {
		return Status{}, errors.New("ocsp: delegated responder certificate lacks id-kp-OCSPSigning")
	}
	if r.Certificate != nil && (now.Before(r.Certificate.NotBefore) || now.After(r.Certificate.NotAfter)) {
		return Status{}, errors.New("ocsp: responder certificate not valid now")
	}
	if r.SerialNumber == nil || r.SerialNumber.Cmp(cert.SerialNumber) != 0 {
		return Status{}, errors.New("ocsp: answer is about another certificate")
	}
	if now.Add(crlSkew).Before(r.ThisUpdate) {
		return Status{}, errors.New("ocsp: answer from the future")
	}
	maxAge := o.MaxAge
	if maxAge == 0 {
		maxAge = time.Hour
	}
	if !r.NextUpdate.IsZero() && now.After(r.NextUpdate) || r.NextUpdate.IsZero() && now.Sub(r.ThisUpdate) > maxAge {
		return Status{}, errors.New("ocsp: stale answer")
	}
	switch r.Status {
	case ocsp.Good:
		return Status{Reason: -1, Source: "ocsp"}, nil
	case ocsp.Revoked:
		return Status{Revoked: true, Reason: r.RevocationReason, RevokedAt: r.RevokedAt, Source: "ocsp"}, nil
	}
	return Status{}, errors.New("ocsp: responder does not know the certificate")
}
