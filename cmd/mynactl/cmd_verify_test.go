package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/cms"
	"github.com/mynadesk/mynadesk/jpki/jpkitest"
	"github.com/mynadesk/mynadesk/problem"
)

// TestVerifyCommand runs `mynactl verify` on payloads from the test PKI and
// checks the exit status and the JSON for each outcome.
func TestVerifyCommand(t *testing.T) {
	holder := jpkitest.Holder{Name: "公的\u3000花子", Address: "東京都千代田区霞が関1-2-3", Birth: "19900101", Sex: "2"}
	base, err := jpkitest.NewPKI(jpkitest.PKIOptions{Holder: holder})
	if err != nil {
		t.Fatal(err)
	}
	reuse := func(o jpkitest.PKIOptions) *jpkitest.PKI {
		o.Holder, o.SignCA, o.AuthCA, o.SignKey, o.AuthKey = holder, base.SignCA, base.AuthCA, base.SignKey, base.AuthKey
		p, err := jpkitest.NewPKI(o)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	expired := reuse(jpkitest.PKIOptions{SignExpired: true})
	revoked := reuse(jpkitest.PKIOptions{SignRevoked: true, RevokeReason: 4})

	dir := t.TempDir()
	if err := jpkitest.SavePKI(dir, base); err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	content := []byte("nonce=1234")
	sign := func(p *jpkitest.PKI, detached bool) []byte {
		b, err := cms.Sign(context.Background(), content, p.SignCert, p.SignKey, cms.Options{Detached: detached})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	good := write("good.p7s", sign(base, false))
	det := write("det.p7s", sign(base, true))
	exp := write("expired.p7s", sign(expired, false))
	rev := write("revoked.p7s", sign(revoked, false))
	contentFile := write("content.txt", content)
	crl := filepath.Join(dir, jpkitest.FileCRL)
	revCRL := write("revoked.crl", revoked.CRL)
	roots := filepath.Join(dir, jpkitest.FileSignCACert)
	heldOK := write("held.json", []byte(`{"name":"公的 花子","address":"東京都千代田区霞が関１－２－３","birth":"19900101","sex":"2"}`))
	heldBad := write("held-bad.json", []byte(`{"name":"公的 花子","address":"東京都千代田区霞が関1-2-3","birth":"19900101","sex":"1"}`))

	noCard := func() (card.System, error) { return nil, errors.New("no card needed") }
	for _, tc := range []struct {
		name   string
		args   []string
		status int
		code   string
	}{
		{"valid", []string{"--in", good, "--crl", crl, "--held", heldOK}, 0, ""},
		{"detached", []string{"--in", det, "--content", contentFile, "--crl", crl}, 0, ""},
		{"expired", []string{"--in", exp, "--crl", crl}, problem.ExitSigExpired, "21"},
		{"revoked", []string{"--in", rev, "--crl", revCRL}, problem.ExitSigRevoked, "23"},
		{"mismatch", []string{"--in", good, "--crl", crl, "--held", heldBad}, problem.ExitSigMismatch, "S01"},
		{"no revocation source", []string{"--in", good}, problem.ExitSigOther, "30"},
		{"detached without content", []string{"--in", det, "--crl", crl}, problem.ExitSigOther, "33"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append([]string{"verify", "--json", "--mode", "test", "--roots", roots}, tc.args...)
			status := runWith(context.Background(), args, nil, &stdout, &stderr, noCard)
			var v verifyJSON
			if err := json.Unmarshal(stdout.Bytes(), &v); err != nil {
				t.Fatalf("not JSON: %q (stderr %s)", stdout.String(), stderr.String())
			}
			if status != tc.status || string(v.Code) != tc.code {
				t.Fatalf("status %d code %q, want %d %q; %s", status, v.Code, tc.status, tc.code, stdout.String())
			}
			if tc.code == "23" && (v.Revocation == nil || v.Revocation.Reason != 4 || len(v.Remedies) == 0) {
				t.Errorf("revocation %+v remedies %v", v.Revocation, v.Remedies)
			}
			if tc.code == "S01" && (len(v.Differ) != 1 || v.Differ[0] != "sex") {
				t.Errorf("differ %v", v.Differ)
			}
			if v.Attributes != nil {
				t.Error("attributes printed without --show-attributes")
			}
		})
	}

	// Production mode refuses the test root up front, with a hint.
	var stdout, stderr bytes.Buffer
	if status := runWith(context.Background(), []string{"verify", "--in", good, "--roots", roots, "--crl", crl}, nil, &stdout, &stderr, noCard); status != exitUsage ||
		!bytes.Contains(stderr.Bytes(), []byte("--mode test")) {
		t.Errorf("production with a test root: status %d, %s", status, stderr.String())
	}
	// Text output for a failure names the code on stderr.
	stdout.Reset()
	stderr.Reset()
	if status := runWith(context.Background(), []string{"verify", "--mode", "test", "--in", exp, "--roots", roots, "--crl", crl}, nil, &stdout, &stderr, noCard); status != problem.ExitSigExpired ||
		!bytes.Contains(stderr.Bytes(), []byte("(Code: 21)")) || !bytes.Contains(stdout.Bytes(), []byte("outcome:      expired")) {
		t.Errorf("text: status %d\n%s\n%s", status, stdout.String(), stderr.String())
	}
}
