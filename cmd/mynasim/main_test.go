package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/binary"
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/card/sim"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{nil, exitUsage, "usage:"},
		{[]string{"frobnicate"}, exitUsage, "mynasim: unknown command \"frobnicate\"\nmynasim: hint: "},
		{[]string{"init"}, exitUsage, "mynasim: --dir is required\nmynasim: hint: mynasim init --dir"},
		{[]string{"init", "--dir", t.TempDir(), "--token", "sim"}, exitUsage, "unknown token kind"},
		{[]string{"init", "--dir", t.TempDir(), "--reason", "3"}, exitUsage, "--reason needs --revoked"},
		{[]string{"init", "--nope"}, exitUsage, "flag provided but not defined"},
		{[]string{"serve"}, exitUsage, "mynasim: --card is required"},
		{[]string{"serve", "--card", t.TempDir(), "--mute-after", "-1"}, exitUsage, "count of APDUs"},
		{[]string{"serve", "--card", t.TempDir()}, exitError, "mynasim: hint: write one first: mynasim init --dir"},
		{[]string{"status", "--card", t.TempDir()}, exitError, "not a card directory"},
	} {
		code, _, stderr := runCLI(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want %d and %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
	if code, stdout, _ := runCLI(t, "help"); code != exitOK || !strings.Contains(stdout, "mynasim serve") {
		t.Errorf("help: %d %q", code, stdout)
	}
}

func TestInitBadPIN(t *testing.T) {
	code, _, stderr := runCLI(t, "init", "--dir", filepath.Join(t.TempDir(), "c"), "--sign-pin", "abc123")
	if code != exitUsage || !strings.Contains(stderr, "mynasim: hint: PINs:") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}

func TestInitWritesCard(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "card")
	code, stdout, stderr := runCLI(t, "init", "--dir", dir, "--name", "公的\u3000太郎", "--sex", "1",
		"--birth", "19800402", "--auth-pin", "4321", "--token", "juki", "--revoked", "--reason", "3",
		"--extended", "reject", "--response", "61xx")
	if code != exitOK {
		t.Fatalf("init: %d %s", code, stderr)
	}
	if !strings.Contains(stdout, dir) {
		t.Errorf("stdout %q does not name the directory", stdout)
	}
	p, pki, err := sim.LoadCardDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if p.Holder.Name != "公的\u3000太郎" || p.Holder.Sex != "1" || p.Holder.Birth != "19800402" ||
		p.Holder.Address != sim.DefaultHolder.Address || p.AuthPIN != "4321" || p.SignPIN != sim.DefaultSignPIN ||
		p.Token != sim.TokenJuki || p.Extended != sim.ExtendedReject || p.Response != sim.ResponseGetResponse {
		t.Fatalf("profile %+v", p)
	}
	crl, err := x509.ParseRevocationList(pki.CRL)
	if err != nil {
		t.Fatal(err)
	}
	if len(crl.RevokedCertificateEntries) != 1 || crl.RevokedCertificateEntries[0].SerialNumber.Cmp(pki.SignCert.SerialNumber) != 0 ||
		crl.RevokedCertificateEntries[0].ReasonCode != 3 {
		t.Fatalf("CRL entries %+v", crl.RevokedCertificateEntries)
	}
	// A second init refuses to overwrite the card without --force.
	if code, _, stderr := runCLI(t, "init", "--dir", dir); code != exitError || !strings.Contains(stderr, "hint: add --force") {
		t.Fatalf("second init: %d %q", code, stderr)
	}
	code, stdout, _ = runCLI(t, "status", "--card", dir)
	if code != exitOK || !strings.Contains(stdout, "sign   5/5 tries left") {
		t.Fatalf("status: %d %q", code, stdout)
	}
}

func TestInitExpiredAndServe(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "card")
	if code, _, stderr := runCLI(t, "init", "--dir", dir, "--expired", "--force"); code != exitOK {
		t.Fatalf("init: %s", stderr)
	}
	_, pki, err := sim.LoadCardDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !pki.SignCert.NotAfter.Before(time.Now()) {
		t.Fatalf("signing certificate valid until %v, want expired", pki.SignCert.NotAfter)
	}

	// serve against a stand-in for vpcd, stopped like SIGINT would.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--card", dir, "--addr", ln.Addr().String(), "--verbose"}, nil, io.Discard, &stderr)
	}()
	ln.(*net.TCPListener).SetDeadline(time.Now().Add(10 * time.Second))
	conn, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	send := func(msg []byte) []byte {
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		hdr := binary.BigEndian.AppendUint16(nil, uint16(len(msg)))
		if _, err := conn.Write(append(hdr, msg...)); err != nil {
			t.Fatal(err)
		}
		var n [2]byte
		if _, err := io.ReadFull(conn, n[:]); err != nil {
			t.Fatal(err)
		}
		resp := make([]byte, binary.BigEndian.Uint16(n[:]))
		if _, err := io.ReadFull(conn, resp); err != nil {
			t.Fatal(err)
		}
		return resp
	}
	if atr := send([]byte{0x04}); !bytes.Equal(atr, card.ATRMyNumberCard) {
		t.Fatalf("ATR % X", atr)
	}
	selectJPKI := append([]byte{0x00, 0xA4, 0x04, 0x0C, 0x0A}, card.AIDJPKI...)
	if resp := send(selectJPKI); !bytes.Equal(resp, []byte{0x90, 0x00}) {
		t.Fatalf("select % X", resp)
	}
	// A wrong PIN through serve is written to the card directory.
	send([]byte{0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x1B})
	if resp := send([]byte{0x00, 0x20, 0x00, 0x80, 0x06, 'W', 'R', 'O', 'N', 'G', '1'}); !bytes.Equal(resp, []byte{0x63, 0xC4}) {
		t.Fatalf("verify % X", resp)
	}
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Fatalf("serve exit %d: %s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop on cancel")
	}
	if strings.Contains(stderr.String(), "WRONG1") || strings.Contains(stderr.String(), "花子") {
		t.Fatalf("log leaks a PIN or holder data: %s", stderr.String())
	}
	if c, err := sim.OpenCard(dir); err != nil || c.TriesLeft(card.PINSign) != 4 {
		t.Fatalf("tries after serve: %v", err)
	}
}

// mynasim can make the hypothetical next-generation card (two PINs,
// RSA-3072) and a card without a signing certificate.
func TestInitProfiles(t *testing.T) {
	dir := t.TempDir()
	next := filepath.Join(dir, "next")
	code, out, errs := runCLI(t, "init", "--dir", next, "--profile", "nextgen-hypothetical")
	if code != exitOK || !strings.Contains(out, "nextgen-hypothetical") {
		t.Fatalf("init: %d %s %s", code, out, errs)
	}
	p, pki, err := sim.LoadCardDir(next)
	if err != nil || p.Generation != "nextgen-hypothetical" || pki.SignKey.N.BitLen() != 3072 {
		t.Fatalf("card %+v %v", p.Generation, err)
	}
	code, out, _ = runCLI(t, "status", "--card", next)
	if code != exitOK || strings.Count(out, "tries left") != 2 || strings.Contains(out, "helper") {
		t.Fatalf("status of a two-PIN card: %s", out)
	}
	child := filepath.Join(dir, "child")
	if code, _, errs := runCLI(t, "init", "--dir", child, "--no-sign-cert"); code != exitOK {
		t.Fatalf("init --no-sign-cert: %s", errs)
	}
	c, err := sim.OpenCard(child)
	if err != nil {
		t.Fatal(err)
	}
	for _, apdu := range [][]byte{{0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01}, {0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x01}} {
		resp := c.Process(apdu)
		if apdu[2] == 0x02 && !bytes.Equal(resp, []byte{0x6A, 0x82}) {
			t.Fatalf("signing certificate EF on a child's card: % X", resp)
		}
	}
	if code, _, _ := runCLI(t, "init", "--dir", filepath.Join(dir, "x"), "--profile", "nope"); code != exitUsage {
		t.Fatalf("unknown profile: %d", code)
	}
}
