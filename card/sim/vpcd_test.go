package sim

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/card"
)

// fakeVPCD plays vpcd's side of the link: it listens, and the card dials in.
type fakeVPCD struct {
	t  *testing.T
	ln net.Listener
}

func newFakeVPCD(t *testing.T) *fakeVPCD {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return &fakeVPCD{t: t, ln: ln}
}

func (f *fakeVPCD) accept() net.Conn {
	f.t.Helper()
	f.ln.(*net.TCPListener).SetDeadline(time.Now().Add(10 * time.Second))
	c, err := f.ln.Accept()
	if err != nil {
		f.t.Fatalf("card did not connect: %v", err)
	}
	f.t.Cleanup(func() { c.Close() })
	return c
}

// exchange sends one message and reads the answer, as vicc_transmit does.
func exchange(t *testing.T, c net.Conn, msg []byte) ([]byte, error) {
	t.Helper()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if err := writeMsg(c, msg); err != nil {
		return nil, err
	}
	return readMsg(c)
}

func startServe(t *testing.T, addr string, opts ServeOptions) (cancel func(), done <-chan error) {
	t.Helper()
	ctx, cancelCtx := context.WithCancel(context.Background())
	opts.Addr = addr
	opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	ch := make(chan error, 1)
	go func() { ch <- Serve(ctx, newTestCard(t), opts) }()
	t.Cleanup(cancelCtx)
	return cancelCtx, ch
}

func waitDone(t *testing.T, done <-chan error) {
	t.Helper()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not stop")
	}
}

func TestServeProtocol(t *testing.T) {
	v := newFakeVPCD(t)
	cancel, done := startServe(t, v.ln.Addr().String(), ServeOptions{})
	c := v.accept()
	atr, err := exchange(t, c, []byte{vpcdGetATR})
	if err != nil || !bytes.Equal(atr, card.ATRMyNumberCard) {
		t.Fatalf("ATR % X, %v", atr, err)
	}
	// Power on and reset need no answer; the next message is answered.
	for _, ctl := range []byte{vpcdPowerOn, vpcdReset} {
		if err := writeMsg(c, []byte{ctl}); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := exchange(t, c, h(selJPKI))
	if err != nil || swOf(t, resp) != card.SWSuccess {
		t.Fatalf("select: % X, %v", resp, err)
	}
	exchange(t, c, h(selEF("0008")))
	if resp, _ := exchange(t, c, h("00 B0 00 00 00")); !bytes.Equal(resp, h("8F 8F 00 90 00")) {
		t.Fatalf("read: % X", resp)
	}
	// Power off resets the card: no EF selected afterwards.
	writeMsg(c, []byte{vpcdPowerOff})
	writeMsg(c, []byte{vpcdPowerOn})
	if resp, _ := exchange(t, c, h("00 B0 00 00 00")); swOf(t, resp) != card.SWNoCurrentEF {
		t.Fatalf("after power cycle: % X", resp)
	}
	cancel()
	waitDone(t, done)
}

func TestServeReconnects(t *testing.T) {
	v := newFakeVPCD(t)
	cancel, done := startServe(t, v.ln.Addr().String(), ServeOptions{})
	c := v.accept()
	if _, err := exchange(t, c, []byte{vpcdGetATR}); err != nil {
		t.Fatal(err)
	}
	c.Close() // pcscd restarted
	c2 := v.accept()
	if atr, err := exchange(t, c2, []byte{vpcdGetATR}); err != nil || len(atr) == 0 {
		t.Fatalf("after reconnect: % X %v", atr, err)
	}
	cancel()
	waitDone(t, done)
}

func TestServeWaitsForVPCD(t *testing.T) {
	// Nothing listens yet: Serve keeps retrying, then connects.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cancel, done := startServe(t, addr, ServeOptions{})
	time.Sleep(300 * time.Millisecond)
	ln2, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("port %s was taken meanwhile: %v", addr, err)
	}
	v := &fakeVPCD{t: t, ln: ln2}
	t.Cleanup(func() { ln2.Close() })
	c := v.accept()
	if _, err := exchange(t, c, []byte{vpcdGetATR}); err != nil {
		t.Fatal(err)
	}
	cancel()
	waitDone(t, done)
}

func TestServeFaultRemove(t *testing.T) {
	v := newFakeVPCD(t)
	cancel, done := startServe(t, v.ln.Addr().String(), ServeOptions{Faults: Faults{RemoveAfter: 1}})
	c := v.accept()
	if _, err := exchange(t, c, h(selJPKI)); err != nil {
		t.Fatal(err)
	}
	if resp, err := exchange(t, c, h(selJPKI)); !errors.Is(err, io.EOF) {
		t.Fatalf("after removal: % X, %v; want the connection closed", resp, err)
	}
	// It does not come back.
	v.ln.(*net.TCPListener).SetDeadline(time.Now().Add(500 * time.Millisecond))
	if c2, err := v.ln.Accept(); err == nil {
		c2.Close()
		t.Fatal("a removed card reconnected")
	}
	cancel()
	waitDone(t, done)
}

func TestServeFaultMute(t *testing.T) {
	v := newFakeVPCD(t)
	cancel, done := startServe(t, v.ln.Addr().String(), ServeOptions{Faults: Faults{MuteAfter: 1}, MuteTimeout: 200 * time.Millisecond})
	c := v.accept()
	exchange(t, c, h(selJPKI))
	start := time.Now()
	resp, err := exchange(t, c, h(selJPKI))
	if !errors.Is(err, io.EOF) {
		t.Fatalf("mute card answered % X, %v", resp, err)
	}
	if time.Since(start) < 200*time.Millisecond {
		t.Fatalf("dropped after %v, before the mute timeout", time.Since(start))
	}
	cancel()
	waitDone(t, done)
}

func TestServeFaultMuteForeverStopsOnCancel(t *testing.T) {
	v := newFakeVPCD(t)
	cancel, done := startServe(t, v.ln.Addr().String(), ServeOptions{Faults: Faults{MuteAfter: 1}, MuteTimeout: -1})
	c := v.accept()
	exchange(t, c, h(selJPKI))
	writeMsg(c, h(selJPKI))
	c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if _, err := readMsg(c); err == nil {
		t.Fatal("mute card answered")
	}
	cancel()
	waitDone(t, done)
}

func TestServeFaultGarbleAndLatency(t *testing.T) {
	v := newFakeVPCD(t)
	_, _ = startServe(t, v.ln.Addr().String(), ServeOptions{Faults: Faults{GarbleAfter: 1, APDULatency: 50 * time.Millisecond}})
	c := v.accept()
	start := time.Now()
	if resp, _ := exchange(t, c, h(selJPKI)); !bytes.Equal(resp, h("90 00")) {
		t.Fatalf("first: % X", resp)
	}
	if time.Since(start) < 50*time.Millisecond {
		t.Fatal("no latency")
	}
	if resp, _ := exchange(t, c, h(selJPKI)); len(resp) != 1 {
		t.Fatalf("garbled answer % X", resp)
	}
	// Control messages are not counted nor garbled.
	if atr, _ := exchange(t, c, []byte{vpcdGetATR}); !bytes.Equal(atr, card.ATRMyNumberCard) {
		t.Fatalf("ATR % X", atr)
	}
}
