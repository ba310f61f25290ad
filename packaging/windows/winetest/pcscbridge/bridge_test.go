package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"log/slog"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/card/sim"
	"github.com/mynadesk/mynadesk/internal/vpcdtest"
)

// client speaks the wire as the stand-in winscard.dll does.
type client struct {
	t *testing.T
	c net.Conn
}

func dialBridge(t *testing.T, addr string, session uint64) *client {
	t.Helper()
	var c net.Conn
	var err error
	for range 50 {
		if c, err = net.Dial("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	cl := &client{t: t, c: c}
	e := &encoder{}
	e.u32(opHello)
	e.u64(session)
	if rc, _ := cl.call(e); rc != 0 {
		t.Fatalf("hello: %08x", rc)
	}
	return cl
}

func (cl *client) call(e *encoder) (uint32, *decoder) {
	cl.t.Helper()
	if err := writeFrame(cl.c, e.b); err != nil {
		cl.t.Fatal(err)
	}
	b, err := readFrame(cl.c)
	if err != nil {
		cl.t.Fatal(err)
	}
	d := &decoder{b: b}
	return d.u32(), d
}

// callNoFatal is call for another goroutine: a broken wire is a code.
func (cl *client) callNoFatal(e *encoder) (uint32, error) {
	if err := writeFrame(cl.c, e.b); err != nil {
		return 0, err
	}
	b, err := readFrame(cl.c)
	if err != nil {
		return 0, err
	}
	return (&decoder{b: b}).u32(), nil
}

func req(op uint32, fields func(e *encoder)) *encoder {
	e := &encoder{}
	e.u32(op)
	if fields != nil {
		fields(e)
	}
	return e
}

func startBridge(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, addr, slog.New(slog.DiscardHandler), 0) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return addr
}

func insertCard(t *testing.T) {
	t.Helper()
	pki, err := sim.NewPKI(sim.PKIOptions{Holder: sim.DefaultHolder, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	c, err := sim.NewCard(sim.NewProfile(sim.DefaultHolder, pki))
	if err != nil {
		t.Fatal(err)
	}
	vpcdtest.Insert(t, 0, sim.Server(c, sim.ServeOptions{Logger: slog.New(slog.DiscardHandler)}))
}

// The calls a Windows program makes to read a card, through the bridge to
// pcscd and the virtual card: context, readers, a state change, connect,
// status, a transaction with an APDU, disconnect, release.
func TestBridgeReadsTheVirtualCard(t *testing.T) {
	vpcdtest.Lock(t)
	insertCard(t)
	cl := dialBridge(t, startBridge(t), 1)

	rc, d := cl.call(req(opEstablish, func(e *encoder) { e.u32(2) })) // SCARD_SCOPE_SYSTEM
	ctx := d.u64()
	if rc != 0 || ctx == 0 {
		t.Fatalf("establish: %08x %x", rc, ctx)
	}
	rc, d = cl.call(req(opListReaders, func(e *encoder) { e.u64(ctx); e.u32(0); e.u32(0) }))
	if names := d.multi(); rc != 0 || !slices.Contains(names, vpcdtest.Readers[0]) {
		t.Fatalf("list readers: %08x %q", rc, names)
	}
	rc, d = cl.call(req(opStatusChange, func(e *encoder) {
		e.u64(ctx)
		e.u32(1000)
		e.u32(1)
		e.blob([]byte(vpcdtest.Readers[0]))
		e.u32(0) // SCARD_STATE_UNAWARE
		e.blob(nil)
	}))
	event, atr := d.u32(), d.blob()
	if rc != 0 || event&0x20 == 0 || len(atr) == 0 { // SCARD_STATE_PRESENT
		t.Fatalf("status change: %08x state %x atr %x", rc, event, atr)
	}
	rc, d = cl.call(req(opConnect, func(e *encoder) {
		e.u64(ctx)
		e.blob([]byte(vpcdtest.Readers[0]))
		e.u32(2) // SCARD_SHARE_SHARED
		e.u32(3) // T0|T1
	}))
	card, proto := d.u64(), d.u32()
	if rc != 0 || card == 0 || proto == 0 {
		t.Fatalf("connect: %08x %x %d", rc, card, proto)
	}
	rc, d = cl.call(req(opStatus, func(e *encoder) { e.u64(card) }))
	names, state, sproto, satr := d.multi(), d.u32(), d.u32(), d.blob()
	if rc != 0 || !slices.Contains(names, vpcdtest.Readers[0]) || state == 0 || sproto != proto || !bytes.Equal(satr, atr) {
		t.Fatalf("status: %08x %q %x %d %x", rc, names, state, sproto, satr)
	}
	if rc, _ = cl.call(req(opBegin, func(e *encoder) { e.u64(card) })); rc != 0 {
		t.Fatalf("begin: %08x", rc)
	}
	// SELECT the JPKI application by its AID.
	selectJPKI := []byte{0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01}
	rc, d = cl.call(req(opTransmit, func(e *encoder) { e.u64(card); e.u32(proto); e.blob(selectJPKI); e.u32(258) }))
	if out := d.blob(); rc != 0 || !bytes.Equal(out, []byte{0x90, 0x00}) {
		t.Fatalf("transmit: %08x %x", rc, out)
	}
	// A receive buffer too short for the answer is pcsc-lite's own error.
	rc, _ = cl.call(req(opTransmit, func(e *encoder) { e.u64(card); e.u32(proto); e.blob(selectJPKI); e.u32(1) }))
	if rc != 0x80100008 { // SCARD_E_INSUFFICIENT_BUFFER
		t.Fatalf("short buffer: %08x", rc)
	}
	for _, r := range []*encoder{
		req(opEnd, func(e *encoder) { e.u64(card); e.u32(0) }),
		req(opDisconnect, func(e *encoder) { e.u64(card); e.u32(0) }),
		req(opRelease, func(e *encoder) { e.u64(ctx) }),
	} {
		if rc, _ := cl.call(r); rc != 0 {
			t.Fatalf("op %d: %08x", binary.LittleEndian.Uint32(r.b), rc)
		}
	}
	if rc, _ = cl.call(req(opIsValid, func(e *encoder) { e.u64(ctx) })); rc == 0 {
		t.Fatal("released context still valid")
	}
}

// A process that dies in a transaction (its connections close) leaves no
// card held: the bridge releases its contexts, so another process gets the
// card's transaction at once.
func TestBridgeReleasesADeadProcessesContexts(t *testing.T) {
	vpcdtest.Lock(t)
	insertCard(t)
	addr := startBridge(t)
	dead := dialBridge(t, addr, 7)
	connect := func(cl *client) (uint64, uint64) {
		_, d := cl.call(req(opEstablish, func(e *encoder) { e.u32(2) }))
		ctx := d.u64()
		rc, d := cl.call(req(opConnect, func(e *encoder) {
			e.u64(ctx)
			e.blob([]byte(vpcdtest.Readers[0]))
			e.u32(2)
			e.u32(3)
		}))
		if rc != 0 {
			t.Fatalf("connect: %08x", rc)
		}
		return ctx, d.u64()
	}
	_, card := connect(dead)
	if rc, _ := dead.call(req(opBegin, func(e *encoder) { e.u64(card) })); rc != 0 {
		t.Fatalf("begin: %08x", rc)
	}
	dead.c.Close()

	alive := dialBridge(t, addr, 8)
	_, card2 := connect(alive)
	// SCardBeginTransaction waits while another process holds the card.
	got := make(chan uint32, 1)
	go func() {
		rc, err := alive.callNoFatal(req(opBegin, func(e *encoder) { e.u64(card2) }))
		if err != nil {
			rc = 0xFFFFFFFF
		}
		got <- rc
	}()
	select {
	case rc := <-got:
		if rc != 0 {
			t.Fatalf("begin after the other process died: %08x", rc)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the dead process's transaction still holds the card after 5 s")
	}
}
