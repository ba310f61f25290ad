package sim

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/ebfe/scard"

	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/internal/vpcdtest"
)

// The integration tests run the vpcd link against the real pcscd with
// Debian's vsmartcard-vpcd driver, on reader slot 1 (port 35964), and talk
// to the card through PC/SC like any application.
const pcscSlot = 1

var (
	pcscReader = vpcdtest.Readers[pcscSlot]
	pcscAddr   = vpcdtest.Ports[pcscSlot]
)

// needPCSC takes the machine-wide vpcd lock (failing under CI, skipping
// elsewhere, when pcscd or the virtual readers are missing) and returns a
// PC/SC context.
func needPCSC(t *testing.T) *scard.Context {
	t.Helper()
	vpcdtest.Lock(t)
	ctx, err := scard.EstablishContext()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ctx.Release() })
	return ctx
}

// waitPresent waits until pcscd sees the card inserted (want) or gone.
func waitPresent(t *testing.T, _ *scard.Context, want bool) {
	t.Helper()
	if err := vpcdtest.WaitPresent(pcscSlot, want, 15*time.Second); err != nil {
		t.Fatalf("card present = %v never happened: %v", want, err)
	}
}

// serveOnSlot1 plugs card c into slot 1 and returns when pcscd sees it.
func serveOnSlot1(t *testing.T, ctx *scard.Context, c *Card, opts ServeOptions) {
	t.Helper()
	sctx, cancel := context.WithCancel(context.Background())
	opts.Addr = pcscAddr
	opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("SIM_DEBUG") != "" {
		opts.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	done := make(chan error, 1)
	go func() { done <- Serve(sctx, c, opts) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("Serve did not stop")
		}
		waitPresent(t, ctx, false) // leave the slot empty for the next test
	})
	waitPresent(t, ctx, true)
}

func connect(t *testing.T, ctx *scard.Context) *scard.Card {
	t.Helper()
	sc, err := ctx.Connect(pcscReader, scard.ShareShared, scard.ProtocolAny)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { sc.Disconnect(scard.LeaveCard) })
	return sc
}

func pcscSW(t *testing.T, sc *scard.Card, apdu string, want card.StatusWord) []byte {
	t.Helper()
	resp, err := sc.Transmit(h(apdu))
	if err != nil {
		t.Fatalf("%s: %v", apdu, err)
	}
	if got := swOf(t, resp); got != want {
		t.Fatalf("%s: got %v, want %v", apdu, got, want)
	}
	return resp[:len(resp)-2]
}

func TestPCSCIntegration(t *testing.T) {
	ctx := needPCSC(t)
	dir := newTestDir(t)
	c := openTestCard(t, dir)
	serveOnSlot1(t, ctx, c, ServeOptions{})
	sc := connect(t, ctx)
	st, err := sc.Status()
	if err != nil || !bytes.Equal(st.Atr, card.ATRMyNumberCard) {
		t.Fatalf("status %+v, %v", st, err)
	}
	if err := sc.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	pcscSW(t, sc, selJPKI, card.SWSuccess)
	pcscSW(t, sc, selEF("0006"), card.SWSuccess)
	if info := pcscSW(t, sc, "00 B0 00 00 00", card.SWSuccess); len(info) != 160 || !bytes.HasPrefix(info, []byte("JPKIAPICCTOKEN2 ")) {
		t.Fatalf("token info % X", info[:min(len(info), 32)])
	}
	// An extended read of a whole certificate EF passes through pcscd.
	pcscSW(t, sc, selEF("000A"), card.SWSuccess)
	if cert := pcscSW(t, sc, "00 B0 00 00 00 08 00", card.SWSuccess); len(cert) != 2048 || !bytes.HasPrefix(cert, sharedPKI(t).AuthCert.Raw) {
		t.Fatalf("extended read gave %d bytes", len(cert))
	}
	pcscSW(t, sc, selEF("001B"), card.SWSuccess)
	pcscSW(t, sc, verifyAPDU("WRONG1"), 0x63C4)
	pcscSW(t, sc, verifyAPDU("ABC123"), card.SWSuccess)
	pcscSW(t, sc, selEF("0001"), card.SWSuccess)
	var der []byte
	for {
		resp, err := sc.Transmit([]byte{0x00, 0xB0, byte(len(der) >> 8), byte(len(der)), 0x00})
		if err != nil {
			t.Fatal(err)
		}
		if swOf(t, resp) == card.SWOffsetPastEnd {
			break
		}
		der = append(der, resp[:len(resp)-2]...)
	}
	cert, err := x509.ParseCertificate(der[:int(der[2])<<8|int(der[3])+4])
	if err != nil {
		t.Fatal(err)
	}
	digest := sha256.Sum256([]byte("pcsc"))
	di := append(append([]byte(nil), sha256Prefix...), digest[:]...)
	pcscSW(t, sc, selEF("001A"), card.SWSuccess)
	sig := pcscSW(t, sc, "80 2A 00 80 33"+hexs(di)+"00", card.SWSuccess)
	if err := rsa.VerifyPKCS1v15(cert.PublicKey.(*rsa.PublicKey), crypto.SHA256, digest[:], sig); err != nil {
		t.Fatalf("signature through pcscd: %v", err)
	}
	if err := sc.EndTransaction(scard.LeaveCard); err != nil {
		t.Fatal(err)
	}
	// The wrong try was persisted by the card, then reset by the good one.
	if c2 := openTestCard(t, dir); c2.TriesLeft(card.PINSign) != 5 {
		t.Fatalf("sign tries in the directory: %d", c2.TriesLeft(card.PINSign))
	}
	// A reset through PC/SC forgets the verified PIN.
	if err := sc.Reconnect(scard.ShareShared, scard.ProtocolAny, scard.ResetCard); err != nil {
		t.Fatal(err)
	}
	pcscSW(t, sc, selJPKI, card.SWSuccess)
	pcscSW(t, sc, selEF("0001"), card.SWSuccess)
	pcscSW(t, sc, "00 B0 00 00 04", card.SWSecurityNotSatisfied)
}

func hexs(b []byte) string {
	const digits = "0123456789ABCDEF"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&0xF])
	}
	return string(out)
}

// TestPCSCFaults pins down what an application sees through pcscd+vpcd for
// each fault (see ServeOptions.MuteTimeout and the report in doc.go).
func TestPCSCFaults(t *testing.T) {
	ctx := needPCSC(t)
	t.Run("removed", func(t *testing.T) {
		serveOnSlot1(t, ctx, newTestCard(t), ServeOptions{Faults: Faults{RemoveAfter: 1}})
		sc := connect(t, ctx)
		pcscSW(t, sc, selJPKI, card.SWSuccess)
		// vpcd reads end of file and hands pcscd an empty answer as success.
		resp, err := sc.Transmit(h(selJPKI))
		if err != nil || len(resp) != 0 {
			t.Fatalf("first APDU after removal: % X, %v; want an empty answer", resp, err)
		}
		waitPresent(t, ctx, false)
		if _, err := sc.Transmit(h(selJPKI)); !errors.Is(err, scard.ErrRemovedCard) {
			t.Fatalf("after pcscd noticed: %v", err)
		}
		if _, err := ctx.Connect(pcscReader, scard.ShareShared, scard.ProtocolAny); !errors.Is(err, scard.ErrNoSmartcard) {
			t.Fatalf("connect to the empty reader: %v", err)
		}
	})
	t.Run("mute", func(t *testing.T) {
		serveOnSlot1(t, ctx, newTestCard(t), ServeOptions{Faults: Faults{MuteAfter: 1}, MuteTimeout: time.Second})
		sc := connect(t, ctx)
		pcscSW(t, sc, selJPKI, card.SWSuccess)
		start := time.Now()
		resp, err := sc.Transmit(h(selJPKI))
		if err != nil || len(resp) != 0 || time.Since(start) < time.Second {
			t.Fatalf("mute card: % X, %v after %v; want an empty answer after the mute timeout", resp, err, time.Since(start))
		}
		waitPresent(t, ctx, false)
	})
	t.Run("garbled", func(t *testing.T) {
		serveOnSlot1(t, ctx, newTestCard(t), ServeOptions{Faults: Faults{GarbleAfter: 1}})
		sc := connect(t, ctx)
		pcscSW(t, sc, selJPKI, card.SWSuccess)
		resp, err := sc.Transmit(h(selJPKI))
		if err != nil || len(resp) != 1 {
			t.Fatalf("garbled: % X, %v; want the one byte as is", resp, err)
		}
	})
}
