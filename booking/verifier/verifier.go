// Package verifier connects the booking service to package verify: it
// turns a booking.VerifyRequest into verify.Verify's options and its answer
// into a booking.Verdict, and tells the uploader's mistakes (a malformed
// CMS, a signature over another session's content) from check results,
// which the service stores.
package verifier

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/jpki"
	"github.com/mynadesk/mynadesk/verify"
)

// Verifier is a booking.Verifier over verify.Verify.
type Verifier struct {
	Roots      *verify.Roots
	Revocation []verify.RevocationChecker
	// Now is the service's clock for the chain; time.Now if nil.
	Now    func() time.Time
	Logger *slog.Logger
}

// uploaderFault are verify's errors that mean the bytes are not a CMS this
// service can read at all: the upload is refused with a 4xx and the step is
// not used up.
var uploaderFault = []error{verify.ErrMalformed, verify.ErrTooLarge, verify.ErrSignerCount, verify.ErrAlgorithm}

// Verify implements booking.Verifier.
func (v *Verifier) Verify(ctx context.Context, req booking.VerifyRequest) (booking.Verdict, error) {
	opts := verify.Options{Roots: v.Roots, Revocation: v.Revocation, Logger: v.Logger}
	if v.Now != nil {
		opts.Now = v.Now()
	}
	if req.Expected != nil {
		opts.Held = &jpki.Attributes{Name: req.Expected.Name, Address: req.Expected.Address,
			Birth: req.Expected.Birth, Sex: req.Expected.Sex}
	}
	// First without the content: an attached signature carries its own,
	// which must be exactly this session's (a replay from another session
	// or service carries other bytes).
	res, err := verify.Verify(ctx, req.CMS, opts)
	if res.Content == nil && errors.Is(err, verify.ErrMalformed) {
		// Possibly a detached signature: check it over this session's
		// content; a replay then fails its message digest.
		opts.Content = req.Content
		res, err = verify.Verify(ctx, req.CMS, opts)
	}
	for _, k := range uploaderFault {
		if errors.Is(err, k) {
			return booking.Verdict{}, &booking.Error{Code: booking.ECBadSignature, Message: "not a CMS SignedData this service can read", Err: err}
		}
	}
	if errors.Is(err, verify.ErrUnknownCA) {
		// Anyone can make a CMS with a CA of their own: not a check of
		// this session's resident, so it uses no attempt.
		return booking.Verdict{}, &booking.Error{Code: booking.ECUntrustedSigner, Message: "the signing certificate is not from a trusted JPKI CA", Err: err}
	}
	if errors.Is(err, verify.ErrBadSignature) {
		// Detached: the digest is not of this session's content. Attached:
		// the signature is not over the content it carries. Either way it
		// is not a signature over this session's content.
		return booking.Verdict{}, &booking.Error{Code: booking.ECContentMismatch, Message: "the signature is not over this session's content", Err: err}
	}
	if res.Content != nil && !bytes.Equal(res.Content, req.Content) {
		return booking.Verdict{}, &booking.Error{Code: booking.ECContentMismatch, Message: "the signature is not over this session's content", Err: err}
	}
	out := booking.Verdict{Outcome: outcomeOf(res.Outcome), Code: string(res.Code)}
	if err == nil {
		h, cerr := jpki.ToHelper(res.Attributes)
		if cerr != nil {
			return booking.Verdict{Outcome: booking.OutcomeOther, Code: string(verify.CodeOf(&verify.Error{Kind: verify.ErrNotSigningCert}))}, nil
		}
		out.Attributes = &booking.Attributes{Name: h.Name, Address: h.Address, Birth: h.Birth, Sex: h.Sex}
	}
	return out, nil
}

func outcomeOf(o verify.Outcome) booking.Outcome {
	switch o {
	case verify.Valid:
		return booking.OutcomeValid
	case verify.Expired:
		return booking.OutcomeExpired
	case verify.Revoked:
		return booking.OutcomeRevoked
	case verify.Mismatch:
		return booking.OutcomeMismatch
	}
	return booking.OutcomeOther
}
