package verify

import (
	"errors"
	"fmt"

	"github.com/mynadesk/mynadesk/assets"
)

// Sentinels for errors.Is: one per outcome a service acts on. Every error
// Verify returns is an *Error that unwraps to exactly one of them; its Code
// is the catalogue code (assets) to log and show.
var (
	ErrExpired           = errors.New("verify: signing certificate expired")               // Code 21
	ErrRevoked           = errors.New("verify: signing certificate revoked")               // Code 23
	ErrMismatch          = errors.New("verify: attributes differ from those held")         // S01
	ErrRevocationUnknown = errors.New("verify: revocation could not be checked")           // 30
	ErrBadSignature      = errors.New("verify: signature does not verify")                 // 31
	ErrUnknownCA         = errors.New("verify: certificate not issued by a trusted root")  // 32
	ErrMalformed         = errors.New("verify: not a readable CMS SignedData")             // 33
	ErrPolicy            = errors.New("verify: certificate policy not accepted")           // 34
	ErrKeyUsage          = errors.New("verify: certificate key usage does not allow this") // 35
	ErrNotSigningCert    = errors.New("verify: not a JPKI signing certificate")            // 36
	ErrAlgorithm         = errors.New("verify: unsupported algorithm")                     // 37
	ErrTooLarge          = errors.New("verify: input too large")                           // 38
	ErrSignerCount       = errors.New("verify: not exactly one signer")                    // 39
	ErrNotYetValid       = errors.New("verify: signing certificate not yet valid")         // 40
)

var codes = map[error]assets.Code{
	ErrExpired:           assets.CodeSigExpired,
	ErrRevoked:           assets.CodeSigRevoked,
	ErrMismatch:          assets.CodeSigMismatch,
	ErrRevocationUnknown: assets.CodeSigRevocationUnknown,
	ErrBadSignature:      assets.CodeSigBadSignature,
	ErrUnknownCA:         assets.CodeSigUnknownCA,
	ErrMalformed:         assets.CodeSigMalformed,
	ErrPolicy:            assets.CodeSigPolicy,
	ErrKeyUsage:          assets.CodeSigKeyUsage,
	ErrNotSigningCert:    assets.CodeSigNotSigningCert,
	ErrAlgorithm:         assets.CodeSigAlgorithm,
	ErrTooLarge:          assets.CodeSigTooLarge,
	ErrSignerCount:       assets.CodeSigSignerCount,
	ErrNotYetValid:       assets.CodeSigNotYetValid,
}

// Outcome is the coarse result a service branches on.
type Outcome string

// Outcomes.
const (
	Valid    Outcome = "valid"
	Expired  Outcome = "expired"  // Code 21
	Revoked  Outcome = "revoked"  // Code 23
	Mismatch Outcome = "mismatch" // S01
	Failed   Outcome = "failed"   // any other code: try again later
)

// Error is a failed verification. Kind is one of the sentinels above; Detail
// says what exactly, for logs (it never holds personal data); Err is the
// underlying cause if any.
type Error struct {
	Kind   error
	Detail string
	Err    error
}

func (e *Error) Error() string {
	s := e.Kind.Error()
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap gives errors.Is/As both the kind and the cause.
func (e *Error) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Kind, e.Err}
	}
	return []error{e.Kind}
}

// Code is the catalogue code for the error.
func (e *Error) Code() assets.Code { return codes[e.Kind] }

// Outcome is the coarse outcome for the error.
func (e *Error) Outcome() Outcome {
	switch e.Kind {
	case ErrExpired:
		return Expired
	case ErrRevoked:
		return Revoked
	case ErrMismatch:
		return Mismatch
	}
	return Failed
}

func fail(kind error, detail string, args ...any) *Error {
	return &Error{Kind: kind, Detail: fmt.Sprintf(detail, args...)}
}

func failErr(kind error, err error, detail string, args ...any) *Error {
	return &Error{Kind: kind, Detail: fmt.Sprintf(detail, args...), Err: err}
}

// CodeOf returns the catalogue code for any error from Verify; "" for nil,
// the malformed-input code for an error that is not an *Error.
func CodeOf(err error) assets.Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code()
	}
	return assets.CodeSigMalformed
}
