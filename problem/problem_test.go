package problem_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/booking/client"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/problem"
	"github.com/mynadesk/mynadesk/resident"
	"github.com/mynadesk/mynadesk/verify"
)

// Every error a resident or a script can meet has one code and one exit
// status, whichever package it comes from, wrapped or not.
func TestCodesAndExitStatuses(t *testing.T) {
	for _, tc := range []struct {
		err    error
		code   assets.Code
		status int
	}{
		{&booking.CodeError{Input: "X", Reason: "check"}, assets.CodeSessionCode, problem.ExitSessionRefused},
		{&booking.RefError{Input: "ftp://x", Reason: "scheme"}, assets.CodeSessionRef, problem.ExitSessionRefused},
		{&resident.ModeError{Want: booking.ModeOnePIN, Got: booking.ModeTwoStep}, assets.CodeSessionRef, problem.ExitSessionRefused},
		{&client.APIError{Status: 410, Code: booking.ECExpired}, assets.CodeSessionExpired, problem.ExitSessionRefused},
		{&client.APIError{Status: 404, Code: booking.ECNotFound}, assets.CodeSessionUnknown, problem.ExitSessionRefused},
		{&client.APIError{Status: 409, Code: booking.ECStepDone}, assets.CodeSessionRefused, problem.ExitSessionRefused},
		{&client.APIError{Status: 503, Code: booking.ECUnavailable}, assets.CodeServiceDown, problem.ExitServiceDown},
		{&client.NetworkError{Attempts: 3, Err: errors.New("refused")}, assets.CodeServiceDown, problem.ExitServiceDown},
		{&client.NetworkError{Attempts: 1, Err: context.Canceled}, assets.CodeCancelled, problem.ExitCancelled},
		{&verify.Error{Kind: verify.ErrExpired}, assets.CodeSigExpired, problem.ExitSigExpired},
		{&verify.Error{Kind: verify.ErrRevoked}, assets.CodeSigRevoked, problem.ExitSigRevoked},
		{&verify.Error{Kind: verify.ErrMismatch}, assets.CodeSigMismatch, problem.ExitSigMismatch},
		{&verify.Error{Kind: verify.ErrRevocationUnknown}, assets.CodeSigRevocationUnknown, problem.ExitSigOther},
		{&verify.Error{Kind: verify.ErrBadSignature}, assets.CodeSigBadSignature, problem.ExitSigOther},
		{resident.ErrLastTry, assets.CodePINLastTry, problem.ExitPIN},
		{&card.PINError{PIN: card.PINHelper, TriesLeft: 2}, assets.CodePINWrong, problem.ExitPIN},
		{&card.ReaderError{Fault: card.FaultNoReaders}, assets.CodeNoReader, problem.ExitReader},
		{&card.ReaderError{Fault: card.FaultCardRemoved}, assets.CodeCardMoved, problem.ExitCard},
		{context.Canceled, assets.CodeCancelled, problem.ExitCancelled},
		{errors.New("something else"), assets.CodeReadOther, problem.ExitCard},
	} {
		err := fmt.Errorf("wrapped: %w", tc.err)
		if got := problem.CodeOf(err); got != tc.code {
			t.Errorf("%v: code %s, want %s", tc.err, got, tc.code)
		}
		if got := problem.ExitStatus(tc.code); got != tc.status {
			t.Errorf("%s: exit status %d, want %d", tc.code, got, tc.status)
		}
	}
	if problem.CodeOf(nil) != "" || problem.Of(nil) != nil || problem.ExitStatus("") != problem.ExitOK {
		t.Error("no error must give no code, no problem, status 0")
	}
}

// Every catalogue code has an exit status of its group, not the "internal
// error" one, except those the CLI never ends with.
func TestEveryCodeHasAnExitStatus(t *testing.T) {
	notCLI := map[assets.Code]bool{assets.CodeNotRead: true, assets.CodeNotSigned: true, assets.CodeSessionBusy: true}
	for _, c := range assets.Codes() {
		if !notCLI[c] && problem.ExitStatus(c) == problem.ExitError {
			t.Errorf("%s has no exit status", c)
		}
	}
}

func TestProblemOf(t *testing.T) {
	p := problem.Of(fmt.Errorf("read: %w", &card.PINError{PIN: card.PINHelper, TriesLeft: 2}))
	if p.Code != assets.CodePINWrong || p.TriesLeft != 2 || p.PIN != card.PINHelper || !p.Retry || p.Entry.Code != p.Code {
		t.Errorf("wrong PIN: %+v", p)
	}
	p = problem.Of(&card.PINError{PIN: card.PINSign, Blocked: true})
	if p.Code != assets.CodePINBlockedSign || p.Retry {
		t.Errorf("blocked: %+v", p)
	}
	p = problem.Of(&card.PINFormatError{PIN: card.PINSign})
	if p.Code != assets.CodePINFormat || p.PIN != card.PINSign {
		t.Errorf("format: %+v", p)
	}
	for _, err := range []error{&booking.CodeError{Reason: "check"}, &client.APIError{Status: 410, Code: booking.ECExpired},
		&card.UnsupportedCardError{Kind: card.KindJukiCard}} {
		if p := problem.Of(err); p.Retry {
			t.Errorf("%v: retry offered for %s", err, p.Code)
		}
	}
	if p := problem.Of(&client.NetworkError{Err: errors.New("x")}); !p.Retry || p.Detail == "" {
		t.Errorf("service down: %+v", p)
	}
}

func TestVerdict(t *testing.T) {
	for _, tc := range []struct {
		r    booking.Result
		code assets.Code
	}{
		{booking.Result{Outcome: booking.OutcomeExpired, Code: "21"}, assets.CodeSigExpired},
		{booking.Result{Outcome: booking.OutcomeRevoked, Code: "23"}, assets.CodeSigRevoked},
		{booking.Result{Outcome: booking.OutcomeMismatch}, assets.CodeSigMismatch},
		{booking.Result{Outcome: booking.OutcomeOther}, assets.CodeSigRevocationUnknown},
	} {
		e := problem.Verdict(tc.r)
		if e.Code != tc.code || e.Title.JA == "" {
			t.Errorf("%+v: %+v", tc.r, e)
		}
	}
	if e := problem.Verdict(booking.Result{Outcome: booking.OutcomeExpired, Code: "21"}); e.Title != assets.SigCheckTitle("21") {
		t.Errorf("Code 21 title: %+v", e.Title)
	}
}

// The driver records what failed; the report gets the catalogue codes here.
func TestReportCodes(t *testing.T) {
	r := problem.Report(card.Report{Err: &card.ReaderError{Fault: card.FaultNoReaders},
		Card: &card.Diagnosis{Err: &card.ReaderError{Fault: card.FaultCardRemoved}}})
	if r.Code != string(assets.CodeNoReader) || r.Card.Code != string(assets.CodeCardMoved) {
		t.Fatalf("codes %q %q", r.Code, r.Card.Code)
	}
	if r := problem.Report(card.Report{}); r.Code != "" {
		t.Fatalf("a report without an error has code %q", r.Code)
	}
}
