package sim

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/card"
)

func transmit(t *testing.T, c card.Conn, apdu string) ([]byte, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return c.Transmit(ctx, h(apdu))
}

func TestConnBasics(t *testing.T) {
	var conn card.Conn = NewConn(newTestCard(t))
	if conn.Protocol() != "virtual" || string(conn.ATR()) != string(h("3B E0 00 FF 81 31 FE 45 14")) {
		t.Fatalf("protocol %q ATR % X", conn.Protocol(), conn.ATR())
	}
	resp, err := transmit(t, conn, selJPKI)
	if err != nil || swOf(t, resp) != card.SWSuccess {
		t.Fatalf("select: % X, %v", resp, err)
	}
	if err := conn.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := transmit(t, conn, selJPKI); !errors.Is(err, ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}

// A real card keeps a verified PIN across reconnects (SCARD_LEAVE_CARD)
// until another applet is selected, it leaves the field or it is reset: so
// must the virtual card, or tests of "no PIN left verified" prove nothing.
func TestConnReconnectKeepsVerifiedPIN(t *testing.T) {
	c := newTestCard(t)
	conn := NewConn(c)
	for _, a := range []string{selJPKI, selEF("001B"), "00 20 00 80 06 " + hexOf("ABC123")} {
		if resp, err := transmit(t, conn, a); err != nil || swOf(t, resp) != card.SWSuccess {
			t.Fatalf("%s: % X %v", a, resp, err)
		}
	}
	if err := conn.Reconnect(context.Background()); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	other := NewConn(c)
	resp, _ := transmit(t, other, selEF("0001"))
	if swOf(t, resp) != card.SWSuccess {
		t.Fatalf("select after reconnect: %v", swOf(t, resp))
	}
	if resp, _ = transmit(t, other, "00 B0 00 00 00"); swOf(t, resp) != card.SWSuccess || !c.Verified() {
		t.Fatalf("a verified PIN must survive a reconnect, as on a real card: %v", swOf(t, resp))
	}
	// The reset at the end of a hold makes the card forget it.
	if err := other.Hold(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := other.Release(true); err != nil {
		t.Fatal(err)
	}
	if c.Verified() {
		t.Fatal("still verified after Release(reset)")
	}
	if resp, _ = transmit(t, other, "00 B0 00 00 00"); swOf(t, resp) != card.SWNoCurrentEF {
		t.Fatalf("after reset: %v", swOf(t, resp))
	}
}

func TestConnHoldExcludesOthers(t *testing.T) {
	c := newTestCard(t)
	a, b := NewConn(c), NewConn(c)
	ctx := context.Background()
	if err := a.Hold(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.Hold(ctx); card.FaultOf(err) != card.FaultSharingViolation {
		t.Fatalf("second Hold: %v", err)
	}
	if _, err := transmit(t, b, selJPKI); card.FaultOf(err) != card.FaultSharingViolation {
		t.Fatalf("transmit while held by another: %v", err)
	}
	if err := b.Begin(ctx); card.FaultOf(err) != card.FaultSharingViolation {
		t.Fatalf("begin while held by another: %v", err)
	}
	if resp, err := transmit(t, a, selJPKI); err != nil || swOf(t, resp) != card.SWSuccess {
		t.Fatalf("holder: % X %v", resp, err)
	}
	if err := a.Release(false); err != nil {
		t.Fatal(err)
	}
	if resp, err := transmit(t, b, selEF("0008")); err != nil || swOf(t, resp) != card.SWSuccess {
		t.Fatalf("after release, the card is as the holder left it: % X %v", resp, err)
	}
}

func hexOf(s string) string {
	out := ""
	for i := 0; i < len(s); i++ {
		out += fmt.Sprintf("%02X ", s[i])
	}
	return out
}

func TestConnTransactionExcludes(t *testing.T) {
	c := newTestCard(t)
	a, b := NewConn(c), NewConn(c)
	ctx := context.Background()
	if err := a.Begin(ctx); err != nil {
		t.Fatal(err)
	}
	if err := a.Begin(ctx); !errors.Is(err, ErrInTransaction) {
		t.Fatalf("nested Begin: %v", err)
	}
	// b cannot transmit or begin while a holds the card.
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := b.Transmit(short, h(selJPKI)); card.FaultOf(err) != card.FaultTimeout {
		t.Fatalf("transmit during another's transaction: %v", err)
	}
	if err := b.Begin(short); card.FaultOf(err) != card.FaultTimeout {
		t.Fatalf("begin during another's transaction: %v", err)
	}
	if _, err := transmit(t, a, selJPKI); err != nil {
		t.Fatalf("owner transmit: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- b.Begin(ctx) }()
	if err := a.End(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("begin after End: %v", err)
	}
	if err := a.End(); !errors.Is(err, ErrNoTransaction) {
		t.Fatalf("End without Begin: %v", err)
	}
	if err := b.Close(); err != nil { // Close releases b's transaction
		t.Fatal(err)
	}
	if _, err := transmit(t, a, selJPKI); err != nil {
		t.Fatalf("transmit after the other closed: %v", err)
	}
}

func TestFaultRemove(t *testing.T) {
	conn := NewConn(newTestCard(t), WithFaults(Faults{RemoveAfter: 2}), WithReader("Virtual PCD 00 01"))
	for i := 0; i < 2; i++ {
		if _, err := transmit(t, conn, selJPKI); err != nil {
			t.Fatalf("APDU %d: %v", i+1, err)
		}
	}
	for i := 0; i < 2; i++ {
		_, err := transmit(t, conn, selJPKI)
		var re *card.ReaderError
		if !errors.As(err, &re) || re.Fault != card.FaultCardRemoved || re.Reader != "Virtual PCD 00 01" {
			t.Fatalf("APDU %d after removal: %v", i+3, err)
		}
	}
	if err := conn.Begin(context.Background()); card.FaultOf(err) != card.FaultCardRemoved {
		t.Fatalf("Begin after removal: %v", err)
	}
	if err := conn.Reconnect(context.Background()); card.FaultOf(err) != card.FaultNoCard {
		t.Fatalf("Reconnect after removal: %v", err)
	}
	if conn.APDUs() != 2 {
		t.Fatalf("APDUs() = %d", conn.APDUs())
	}

	now := NewConn(newTestCard(t))
	now.Remove()
	if _, err := transmit(t, now, selJPKI); card.FaultOf(err) != card.FaultCardRemoved {
		t.Fatalf("after Remove: %v", err)
	}
}

func TestFaultMuteHonoursContext(t *testing.T) {
	conn := NewConn(newTestCard(t), WithFaults(Faults{MuteAfter: 1}))
	if _, err := transmit(t, conn, selJPKI); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err := conn.Transmit(ctx, h(selJPKI))
	if card.FaultOf(err) != card.FaultTimeout || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("mute with deadline: %v", err)
	}
	ctx2, cancel2 := context.WithCancel(context.Background())
	go cancel2()
	if _, err := conn.Transmit(ctx2, h(selJPKI)); card.FaultOf(err) != card.FaultCancelled || !errors.Is(err, context.Canceled) {
		t.Fatalf("mute cancelled: %v", err)
	}
}

func TestFaultGarble(t *testing.T) {
	conn := NewConn(newTestCard(t), WithFaults(Faults{GarbleAfter: 1}))
	if resp, err := transmit(t, conn, selJPKI); err != nil || len(resp) != 2 {
		t.Fatalf("first: % X %v", resp, err)
	}
	resp, err := transmit(t, conn, selEF("0008"))
	if err != nil {
		t.Fatal(err)
	}
	if _, perr := card.ParseResponse(resp); perr == nil {
		t.Fatalf("garbled answer % X parses as a response", resp)
	}
	// The card still processed it: EF 0008 is current.
	junk := func([]byte) []byte { return []byte{0xDE, 0xAD, 0xBE} }
	conn2 := NewConn(newTestCard(t), WithFaults(Faults{GarbleAfter: 1, Garble: junk}))
	transmit(t, conn2, selJPKI)
	if resp, _ := transmit(t, conn2, selJPKI); string(resp) != string(junk(nil)) {
		t.Fatalf("custom garble: % X", resp)
	}
}

func TestFaultLatencyHonoursContext(t *testing.T) {
	c := newTestCard(t)
	conn := NewConn(c, WithFaults(Faults{APDULatency: time.Hour}))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := conn.Transmit(ctx, h(selJPKI)); card.FaultOf(err) != card.FaultTimeout {
		t.Fatalf("latency with deadline: %v", err)
	}
	// Sign latency applies only to COMPUTE DIGITAL SIGNATURE.
	conn2 := NewConn(c, WithFaults(Faults{SignLatency: time.Hour}))
	for _, a := range []string{selJPKI, selEF("001B"), verifyAPDU("ABC123"), selEF("001A")} {
		if _, err := transmit(t, conn2, a); err != nil {
			t.Fatalf("%s: %v", a, err)
		}
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel2()
	if _, err := conn2.Transmit(ctx2, h("80 2A 00 80 03 010203 00")); card.FaultOf(err) != card.FaultTimeout {
		t.Fatalf("sign latency: %v", err)
	}
}

func TestFaultDelaySums(t *testing.T) {
	s := &faultState{f: Faults{APDULatency: time.Second, SignLatency: 2 * time.Second}}
	if d := s.delay(h(selJPKI)); d != time.Second {
		t.Fatalf("select delay %v", d)
	}
	if d := s.delay(h("80 2A 00 80 01 00 00")); d != 3*time.Second {
		t.Fatalf("sign delay %v", d)
	}
}
