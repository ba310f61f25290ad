// Package booking is the session protocol between a booking service and the
// resident's mynadesk (shared/DESIGN.md, "The flow it serves"): the wire
// types of API version 1, session codes, the canonical content to sign, the
// parsing of what a resident gives mynadesk to find a session, and the
// service logic over two interfaces, Store and Verifier. The HTTP layer
// (booking/server), the stores (booking/sqlite, booking/postgres) and the
// desktop client (booking/client) live in subpackages; the resident's side
// of a session that drives the client is package resident.
package booking

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Version is the protocol version this package speaks; it is in every
// path (/api/v1/...) and in every SessionInfo.
const Version = 1

// DefaultTTL is how long a session lives after it is created.
const DefaultTTL = 10 * time.Minute

// Attributes are the four basic attributes (基本4情報) as the card's
// input-helper applet gives them: Name with family and given name separated
// by U+3000, Address from the prefecture, Birth as YYYYMMDD and Sex in ISO
// 5218 ("1" male, "2" female, "9" not applicable, "0" unknown). They are
// personal data: never log them.
type Attributes struct {
	Name    string `json:"name"`
	Address string `json:"address"`
	Birth   string `json:"birth"`
	Sex     string `json:"sex"`
}

// Mode says which steps a session has.
type Mode string

// The two modes.
const (
	// ModeTwoStep: step 1 uploads the 4 attributes read with the input-helper
	// PIN, step 2 signs content that includes them.
	ModeTwoStep Mode = "two-step"
	// ModeOnePIN: signature only; the service takes the attributes from the
	// signing certificate. Offered only where the service allows it.
	ModeOnePIN Mode = "one-pin"
)

// State is where a session is in the flow.
type State string

// Session states, in order. A session moves forward only.
const (
	StateCreated    State = "created"    // waiting for step 1 (two-step) or confirmation (one-pin)
	StateAttributes State = "attributes" // step 1 done; the page has not confirmed yet
	StateConfirmed  State = "confirmed"  // the page confirmed: content to sign is ready
	StateDone       State = "done"       // step 2 done; Result holds the verdict
)

// Outcome is the verdict of the signature check as the service stores it.
type Outcome string

// Outcomes.
const (
	OutcomeValid    Outcome = "valid"
	OutcomeExpired  Outcome = "expired"  // Code 21
	OutcomeRevoked  Outcome = "revoked"  // Code 23
	OutcomeMismatch Outcome = "mismatch" // certificate attributes differ from step 1
	OutcomeOther    Outcome = "other"    // any other failure to check
)

// Result is what the service keeps of a signature check: the outcome, the
// code shown to the resident ("21", "23", or another), and when. Never the
// PIN, never the CMS.
type Result struct {
	Outcome   Outcome   `json:"outcome"`
	Code      string    `json:"code,omitempty"`
	CheckedAt time.Time `json:"checked_at"`
}

// Session is one registration attempt as the service stores it.
type Session struct {
	Code  Code
	Nonce string // base64url of 32 random bytes
	// PageToken is the registration page's secret, never sent to mynadesk.
	// Create returns it in clear; the store keeps only its SHA-256
	// (PageTokenHash), so a copy of the database cannot read sessions.
	PageToken string
	Service   string // the service's identity, part of the signed content
	Mode      Mode
	State     State
	LoginID   string
	CreatedAt time.Time
	ExpiresAt time.Time
	// RegisteredAt is fixed when the page confirms; it is in the content.
	RegisteredAt time.Time
	// Attributes from step 1 (two-step) or from the certificate (one-pin).
	Attributes *Attributes
	// SignatureHash is the SHA-256 of the accepted CMS, so a retried upload
	// of the same bytes gets the same answer; the CMS itself is not kept.
	SignatureHash []byte
	// Result of the last signature check; Attempts counts the checks.
	Result   *Result
	Attempts int
}

// Expired reports whether s is past its expiry at now.
func (s *Session) Expired(now time.Time) bool { return !now.Before(s.ExpiresAt) }

// Store keeps sessions. Updates are conditional on the state the caller
// read, so each step is accepted once even with several service instances
// behind one address; a lost race is ErrConflict.
type Store interface {
	// Create stores a new session; a code already in use is ErrConflict.
	Create(ctx context.Context, s *Session) error
	// Get returns the session with code, or ErrNotFound.
	Get(ctx context.Context, code Code) (*Session, error)
	// Update replaces the mutable fields of s (State, LoginID,
	// RegisteredAt, Attributes, SignatureHash, Result) if the stored state
	// is still from; otherwise ErrConflict.
	// Attempts is updated too.
	Update(ctx context.Context, s *Session, from State) error
	// DeleteExpired removes sessions that expired before t and returns how
	// many.
	DeleteExpired(ctx context.Context, t time.Time) (int, error)
	// Close releases the store.
	Close() error
}

// VerifyRequest is one signature to check.
type VerifyRequest struct {
	CMS     []byte // DER CMS SignedData as uploaded
	Content []byte // the content the session expects to be signed
	// Expected holds the step 1 attributes the certificate must match; nil
	// in one-PIN mode.
	Expected *Attributes
}

// Verdict is a Verifier's answer.
type Verdict struct {
	Outcome Outcome
	Code    string // "21", "23", or another code for OutcomeOther
	// Attributes from the signing certificate, in the input-helper form;
	// used in one-PIN mode.
	Attributes *Attributes
}

// Verifier checks a CMS against the content and the expected attributes.
// It returns an error wrapping ErrBadSignature when the upload is not a
// well-formed CMS, or ErrContentMismatch when it signs other content (a
// replay from another session or service); those are the uploader's faults
// and do not consume the step. Every other failure to check is a Verdict
// with OutcomeOther.
type Verifier interface {
	Verify(ctx context.Context, req VerifyRequest) (Verdict, error)
}

// ErrorCode classifies domain errors; booking/server maps each to one HTTP
// status.
type ErrorCode string

// Error codes, stable on the wire.
const (
	ECInvalid         ErrorCode = "invalid"          // malformed request
	ECNotFound        ErrorCode = "not_found"        // no such session
	ECExpired         ErrorCode = "expired"          // the session has expired
	ECStepDone        ErrorCode = "step_done"        // the step was already accepted
	ECOutOfOrder      ErrorCode = "out_of_order"     // the previous step is not done
	ECNotReady        ErrorCode = "not_ready"        // waiting for the page to confirm
	ECBadSignature    ErrorCode = "bad_signature"    // not a well-formed CMS
	ECContentMismatch ErrorCode = "content_mismatch" // signs content of another session
	ECModeNotAllowed  ErrorCode = "mode_not_allowed" // one-PIN not allowed here
	ECTooLarge        ErrorCode = "too_large"        // body over the limit
	ECMediaType       ErrorCode = "media_type"       // wrong Content-Type
	ECMethod          ErrorCode = "method"           // method not allowed on the path
	ECRateLimited     ErrorCode = "rate_limited"     // too many guesses
	ECUnauthorized    ErrorCode = "unauthorized"     // page token missing or wrong
	ECUnavailable     ErrorCode = "unavailable"      // shutting down, store down
	ECInternal        ErrorCode = "internal"         // anything else
)

// Error is a domain error with a code and a short message safe to show.
type Error struct {
	Code    ErrorCode
	Message string
	Err     error // internal cause; logged, never sent
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("booking: %s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("booking: %s: %s", e.Code, e.Message)
}

// Unwrap returns the internal cause.
func (e *Error) Unwrap() error { return e.Err }

// Is matches sentinels of the same code, so errors.Is(err, ErrNotFound)
// works on any *Error with code not_found.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Err == nil && t.Code == e.Code
}

// Errorf returns an *Error with code and a formatted message.
func Errorf(code ErrorCode, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the ErrorCode of err, ECInternal for errors that are not
// *Error.
func CodeOf(err error) ErrorCode {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ECInternal
}

// Sentinels for errors.Is.
var (
	ErrNotFound        = &Error{Code: ECNotFound}
	ErrConflict        = &Error{Code: ECStepDone}
	ErrExpired         = &Error{Code: ECExpired}
	ErrBadSignature    = &Error{Code: ECBadSignature}
	ErrContentMismatch = &Error{Code: ECContentMismatch}
	ErrInvalidCode     = errors.New("booking: invalid session code")
)
