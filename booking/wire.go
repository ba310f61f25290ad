package booking

import "time"

// ErrorBody is the JSON of every error response.
type ErrorBody struct {
	Error struct {
		Code    ErrorCode `json:"code"`
		Message string    `json:"message"`
	} `json:"error"`
}

// CreateRequest is the body of POST /api/v1/sessions.
type CreateRequest struct {
	Mode Mode `json:"mode"`
}

// CreateResponse tells the page what to show: the code, the https URL for
// the QR code and the mynadesk:// link (both carrying the link's one-time
// secret, so opening them claims the session at once), and its own secret
// page token.
type CreateResponse struct {
	Version    int       `json:"version"`
	Code       string    `json:"code"`
	URL        string    `json:"url"`
	Link       string    `json:"link"`
	LinkSecret string    `json:"link_secret"`
	Mode       Mode      `json:"mode"`
	ExpiresAt  time.Time `json:"expires_at"`
	PageToken  string    `json:"page_token"`
}

// ClaimRequest is the body of POST /api/v2/sessions/{code}/claim: the
// token the mynadesk drew (it proves the claim on every later call as
// "Authorization: Bearer <claim>") and, from a link or QR code, its
// one-time secret.
type ClaimRequest struct {
	Claim      string `json:"claim"`
	LinkSecret string `json:"link_secret,omitempty"`
}

// ConfirmRequest is the body of POST /api/v1/sessions/{code}/confirm.
type ConfirmRequest struct {
	LoginID string `json:"login_id"`
}

// PageView is what the page learns with its token: the step 1 attributes
// (to fill the form) and the result.
type PageView struct {
	Code       string      `json:"code"`
	Mode       Mode        `json:"mode"`
	State      State       `json:"state"`
	Expired    bool        `json:"expired"`
	LoginID    string      `json:"login_id,omitempty"`
	Attributes *Attributes `json:"attributes,omitempty"`
	Result     *Result     `json:"result,omitempty"`
	Claim      *ClaimInfo  `json:"claim,omitempty"`
}

// ContentResponse is the body of GET /api/v1/sessions/{code}/content.
type ContentResponse struct {
	ContentType string `json:"content_type"`
	Content     []byte `json:"content"` // base64 in JSON
}

// SignatureRequest is the body of POST /api/v1/sessions/{code}/signature.
type SignatureRequest struct {
	CMS []byte `json:"cms"` // DER CMS SignedData, base64 in JSON
}

// SignatureResponse is the verdict.
type SignatureResponse struct {
	Result Result `json:"result"`
}
