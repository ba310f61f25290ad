package server

import (
	"context"
	"errors"
	"testing"

	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/internal/testpki"
	"github.com/mynadesk/mynadesk/jpki/jpkitest"
)

// The whole protocol over HTTP with real CMS from the test PKI and the real
// verify: each card state gives the result the page shows.
func TestRealSignatures(t *testing.T) {
	pki := testpki.Get(t)
	e := newEnvWith(t, pki.Verifier())
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		card    *jpkitest.PKI
		outcome booking.Outcome
		code    string
	}{
		{"valid", pki.Valid, booking.OutcomeValid, ""},
		{"expired", pki.Expired, booking.OutcomeExpired, "21"},
		{"revoked", pki.Revoked, booking.OutcomeRevoked, "23"},
		{"another card signs step 2", pki.Other, booking.OutcomeMismatch, "S01"},
	} {
		cr, code, content := e.confirmed(t)
		res, err := e.cl.PutSignature(ctx, code, testpki.Sign(t, tc.card, content))
		if err != nil || res.Outcome != tc.outcome || res.Code != tc.code {
			t.Errorf("%s: %+v %v", tc.name, res, err)
			continue
		}
		pv, err := e.cl.PageView(ctx, code, cr.PageToken)
		if err != nil || pv.Result == nil || pv.Result.Outcome != tc.outcome {
			t.Errorf("%s: page %+v %v", tc.name, pv, err)
		}
	}

	// A valid signature replayed into another session is refused, and does
	// not use up that session.
	_, codeA, contentA := e.confirmed(t)
	cmsA := testpki.Sign(t, pki.Valid, contentA)
	crB, codeB, contentB := e.confirmed(t)
	if _, err := e.cl.PutSignature(ctx, codeB, cmsA); !errors.Is(err, booking.ErrContentMismatch) {
		t.Fatalf("replay: %v", err)
	}
	if res, err := e.cl.PutSignature(ctx, codeB, testpki.Sign(t, pki.Valid, contentB)); err != nil || res.Outcome != booking.OutcomeValid {
		t.Fatalf("B's own signature after the replay: %+v %v", res, err)
	}
	if pv, _ := e.cl.PageView(ctx, codeB, crB.PageToken); pv.State != booking.StateDone {
		t.Fatalf("B: %+v", pv)
	}
	if res, err := e.cl.PutSignature(ctx, codeA, cmsA); err != nil || res.Outcome != booking.OutcomeValid {
		t.Fatalf("A: %+v %v", res, err)
	}

	// One-PIN: the attributes come from the certificate.
	cr, _ := e.create(ctx, t, booking.ModeOnePIN)
	code, _ := booking.ParseCode(cr.Code)
	if _, err := e.cl.Confirm(ctx, code, cr.PageToken, "hanako2000"); err != nil {
		t.Fatal(err)
	}
	content, _ := e.cl.Content(ctx, code)
	if res, err := e.cl.PutSignature(ctx, code, testpki.Sign(t, pki.Valid, content)); err != nil || res.Outcome != booking.OutcomeValid {
		t.Fatalf("one-PIN: %+v %v", res, err)
	}
	pv, _ := e.cl.PageView(ctx, code, cr.PageToken)
	if pv.Attributes == nil || *pv.Attributes != testpki.Attributes(testpki.Hanako) {
		t.Fatalf("one-PIN attributes: %+v", pv.Attributes)
	}
}
