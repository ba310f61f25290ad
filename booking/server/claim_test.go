package server

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/booking/client"
)

// Findings 1–3 (protocol version 2): whoever knows only the code can
// neither read nor change nor end the resident's session; the code alone
// cannot even use an attempt.
func TestBystanderWithCodeAlone(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cr, code, content := e.confirmed(t) // claimed through the link by e.cl
	by, _ := client.New(e.ts.URL, nil)
	by.MaxAttempts = 1
	ref := booking.Ref{Service: e.ts.URL, Code: code}
	// Hijack: a second claim is refused.
	if _, err := by.Claim(ctx, ref); !errors.Is(err, booking.ErrClaimed) {
		t.Fatalf("second claim: %v", err)
	}
	// Read: nothing, with the code alone or a wrong token.
	for name, f := range map[string]func() error{
		"info":       func() error { _, err := by.Session(ctx, code); return err },
		"content":    func() error { _, err := by.Content(ctx, code); return err },
		"attributes": func() error { _, err := by.PutAttributes(ctx, code, hanako); return err },
		"signature": func() error {
			_, err := by.PutSignature(ctx, code, fakeCMS(content, booking.OutcomeRevoked))
			return err
		},
	} {
		for i := 0; i < booking.MaxSignatureAttempts+1; i++ {
			if err := f(); !errors.Is(err, booking.ErrNotClaimant) {
				t.Fatalf("%s by code alone: %v", name, err)
			}
		}
	}
	if s, _ := e.store.Get(ctx, code); s.Attempts != 0 || s.Result != nil {
		t.Fatalf("the bystander used attempts: %+v", s)
	}
	// The page may read the content with its token.
	if w := raw(t, pageAuth(e.srv, cr.PageToken), "GET", "/api/v2/sessions/"+string(code)+"/content", "", nil, ""); w.Code != 200 {
		t.Fatalf("page content: %d", w.Code)
	}
	// The resident finishes; after done the code still reads nothing.
	if res, err := e.cl.PutSignature(ctx, code, fakeCMS(content, booking.OutcomeValid)); err != nil || res.Outcome != booking.OutcomeValid {
		t.Fatalf("resident: %+v %v", res, err)
	}
	if _, err := by.Content(ctx, code); !errors.Is(err, booking.ErrNotClaimant) {
		t.Fatalf("content after done by code alone: %v", err)
	}
	if _, err := by.Session(ctx, code); !errors.Is(err, booking.ErrNotClaimant) {
		t.Fatalf("info after done by code alone: %v", err)
	}
}

// pageAuth sends every request with the page's token.
func pageAuth(h http.Handler, tok string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Set("Authorization", "Bearer "+tok)
		h.ServeHTTP(w, r)
	})
}

// A typed code claims the session pending: both sides see the same
// number, nothing goes on until the page confirms; a wrong claim is
// released from the page, which gets a new code the claimant cannot use.
func TestTypedCodeClaimConfirmedOrReleased(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cr, _ := e.cl.Create(ctx, booking.ModeTwoStep)
	code, _ := booking.ParseCode(cr.Code)
	in, err := e.cl.Claim(ctx, booking.Ref{Service: e.ts.URL, Code: code})
	if err != nil || in.Claim == nil || in.Claim.State != booking.ClaimPending || len(in.Claim.Number) != 4 || in.Next != booking.NextWait {
		t.Fatalf("typed claim: %+v %v", in, err)
	}
	if again, err := e.cl.Claim(ctx, booking.Ref{Service: e.ts.URL, Code: code}); err != nil || again.Claim.Number != in.Claim.Number {
		t.Fatalf("retried claim: %+v %v", again, err)
	}
	if _, err := e.cl.PutAttributes(ctx, code, hanako); !errors.Is(err, &booking.Error{Code: booking.ECNotReady}) {
		t.Fatalf("attributes before the page confirmed the number: %v", err)
	}
	pv, err := e.cl.PageView(ctx, code, cr.PageToken)
	if err != nil || pv.Claim == nil || pv.Claim.Number != in.Claim.Number || pv.Claim.State != booking.ClaimPending {
		t.Fatalf("page view: %+v %v", pv, err)
	}
	if _, err := e.cl.ConfirmClaim(ctx, code, "wrong"); !errors.Is(err, &booking.Error{Code: booking.ECUnauthorized}) {
		t.Fatalf("confirm with a wrong page token: %v", err)
	}
	// Release: the claimant's session is over; the page has a new code.
	nr, err := e.cl.Release(ctx, code, cr.PageToken)
	if err != nil || nr.Code == cr.Code || nr.PageToken == "" || !strings.Contains(nr.Link, "k=") {
		t.Fatalf("release: %+v %v", nr, err)
	}
	if _, err := e.cl.Session(ctx, code); !errors.Is(err, booking.ErrExpired) {
		t.Fatalf("the released claim: %v", err)
	}
	// The resident's own mynadesk, through the new link: no number to
	// compare, straight to step 1.
	ref, _ := booking.ParseRef(nr.Link, "")
	mine, _ := client.New(e.ts.URL, nil)
	in, err = mine.Claim(ctx, ref)
	if err != nil || in.Claim.State != booking.ClaimConfirmed || in.Next != booking.NextAttributes {
		t.Fatalf("link claim: %+v %v", in, err)
	}
	// A typed-code claim confirmed on the page goes on too.
	cr3, _ := e.cl.Create(ctx, booking.ModeTwoStep)
	code3, _ := booking.ParseCode(cr3.Code)
	if _, err := e.cl.Claim(ctx, booking.Ref{Service: e.ts.URL, Code: code3}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.cl.ConfirmClaim(ctx, code3, cr3.PageToken); err != nil {
		t.Fatal(err)
	}
	if in, err := e.cl.PutAttributes(ctx, code3, hanako); err != nil || in.Next != booking.NextWait {
		t.Fatalf("attributes after the page confirmed: %+v %v", in, err)
	}
	// A wrong link secret does not claim.
	cr4, _ := e.cl.Create(ctx, booking.ModeTwoStep)
	code4, _ := booking.ParseCode(cr4.Code)
	if _, err := mine.Claim(ctx, booking.Ref{Service: e.ts.URL, Code: code4, Secret: "AAAAAAAAAAAAAAAAAAAAAA"}); !errors.Is(err, booking.ErrNotClaimant) {
		t.Fatalf("wrong link secret: %v", err)
	}
}

// A client of protocol version 1 is told to update mynadesk.
func TestVersion1ClientToldToUpdate(t *testing.T) {
	e := newEnv(t)
	cr, _ := e.cl.Create(context.Background(), booking.ModeTwoStep)
	code, _ := booking.ParseCode(cr.Code)
	for _, p := range []string{"/api/v1/sessions/" + string(code), "/api/v1/sessions/" + string(code) + "/content"} {
		w := raw(t, e.srv, "GET", p, "", nil, "")
		wantError(t, w, http.StatusUpgradeRequired, booking.ECUpgrade, p)
		if !strings.Contains(w.Body.String(), "mynadeskを更新してください") {
			t.Fatalf("%s: %s", p, w.Body)
		}
	}
}
