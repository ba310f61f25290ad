package verifier_test

import (
	"context"
	"errors"
	"testing"

	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/booking/verifier"
	"github.com/mynadesk/mynadesk/cms"
	"github.com/mynadesk/mynadesk/internal/testpki"
)

func TestVerdicts(t *testing.T) {
	s := testpki.Get(t)
	v := s.Verifier()
	ctx := context.Background()
	content := []byte(booking.ContentHeader + "\nsession: 2345-6789\n")
	hanako := testpki.Attributes(testpki.Hanako)
	cases := []struct {
		name    string
		cms     []byte
		held    *booking.Attributes
		outcome booking.Outcome
		code    string
	}{
		{"valid", testpki.Sign(t, s.Valid, content), &hanako, booking.OutcomeValid, ""},
		{"valid one-PIN", testpki.Sign(t, s.Valid, content), nil, booking.OutcomeValid, ""},
		{"detached", testpki.SignWith(t, s.Valid.SignCert, s.Valid, content, cms.Options{Detached: true}), &hanako, booking.OutcomeValid, ""},
		{"expired", testpki.Sign(t, s.Expired, content), &hanako, booking.OutcomeExpired, "21"},
		{"revoked", testpki.Sign(t, s.Revoked, content), &hanako, booking.OutcomeRevoked, "23"},
		{"other card", testpki.Sign(t, s.Other, content), &hanako, booking.OutcomeMismatch, "S01"},
	}
	for _, tc := range cases {
		got, err := v.Verify(ctx, booking.VerifyRequest{CMS: tc.cms, Content: content, Expected: tc.held})
		if err != nil || got.Outcome != tc.outcome || got.Code != tc.code {
			t.Errorf("%s: %+v %v, want %s %s", tc.name, got, err, tc.outcome, tc.code)
		}
		if tc.outcome == booking.OutcomeValid && (got.Attributes == nil || *got.Attributes != hanako) {
			t.Errorf("%s: attributes %+v", tc.name, got.Attributes)
		}
	}
	// No revocation source: "could not check" is a failure, never valid.
	nocheck := &verifier.Verifier{Roots: s.Roots}
	got, err := nocheck.Verify(ctx, booking.VerifyRequest{CMS: cases[0].cms, Content: content, Expected: &hanako})
	if err != nil || got.Outcome != booking.OutcomeOther || got.Code != "30" {
		t.Errorf("no revocation source: %+v %v", got, err)
	}
}

func TestUploaderFaults(t *testing.T) {
	s := testpki.Get(t)
	v := s.Verifier()
	ctx := context.Background()
	content := []byte(booking.ContentHeader + "\nsession: 2345-6789\n")
	other := []byte(booking.ContentHeader + "\nsession: 3456-789A\n")
	good := testpki.Sign(t, s.Valid, content)
	for name, tc := range map[string]struct {
		cms  []byte
		want *booking.Error
	}{
		"garbage":          {[]byte("garbage"), booking.ErrBadSignature},
		"truncated":        {good[:len(good)/2], booking.ErrBadSignature},
		"replay":           {testpki.Sign(t, s.Valid, other), booking.ErrContentMismatch},
		"detached replay":  {testpki.SignWith(t, s.Valid.SignCert, s.Valid, other, cms.Options{Detached: true}), booking.ErrContentMismatch},
		"one byte changed": {flip(good), nil},
	} {
		got, err := v.Verify(ctx, booking.VerifyRequest{CMS: tc.cms, Content: content})
		if tc.want == nil {
			// Tampering inside the CMS: a stored failure or a refused
			// upload, never valid.
			if err == nil && got.Outcome == booking.OutcomeValid {
				t.Errorf("%s: accepted", name)
			}
			continue
		}
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %+v %v, want %v", name, got, err, tc.want)
		}
	}
}

func flip(b []byte) []byte {
	c := append([]byte{}, b...)
	c[len(c)-10] ^= 0x01
	return c
}
