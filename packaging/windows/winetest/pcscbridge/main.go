// Command pcscbridge is the Linux half of the test-only winscard.dll
// stand-in (../winscard.c): the Windows programs under Wine send their PC/SC
// calls over a loopback socket, and pcscbridge makes each call on pcsc-lite
// (pcscd, with the vpcd virtual readers) and sends the answer back. It is
// what Windows's Smart Card service is to WinSCard, for the Windows lane
// (scripts/test-windows.sh) only; nothing of it is packaged.
//
//	pcscbridge [--listen 127.0.0.1:35990] [--establish-error CODE] [-v]
//
// --establish-error makes every SCardEstablishContext answer CODE (e.g.
// 0x80100031 SCARD_E_SERVER_TOO_BUSY): the Windows-only answers of the
// Smart Card service that pcsc-lite never gives, for the lane to check
// what the programs make of them.
//
// It calls pcsc-lite directly (cgo), not through github.com/ebfe/scard, so
// handles and result codes pass through unchanged and concurrent calls of
// several Windows processes need no process-wide lock.
//
// When every connection of a Windows process is gone (it exited or was
// killed), the contexts it left are cancelled and released, so pcscd ends
// its transactions and frees the card, as Windows does for a dead process.
// It logs operations and result codes with -v, never APDUs (they carry
// PINs) or card data.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// #include <winscard.h>
import "C"

func main() {
	listen := flag.String("listen", "127.0.0.1:35990", "loopback address the stand-in winscard.dll connects to (its MYNADESK_PCSC_BRIDGE)")
	verbose := flag.Bool("v", false, "log every call (operation and result code only)")
	establishErr := flag.String("establish-error", "", "answer every SCardEstablishContext with this PC/SC code (hex, e.g. 0x80100031)")
	flag.Parse()
	var failEstablish uint32
	if *establishErr != "" {
		v, err := strconv.ParseUint(strings.TrimPrefix(*establishErr, "0x"), 16, 32)
		if err != nil || v == 0 {
			fmt.Fprintln(os.Stderr, "pcscbridge: --establish-error wants a non-zero hex code")
			os.Exit(2)
		}
		failEstablish = uint32(v)
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *listen, log, failEstablish); err != nil {
		fmt.Fprintln(os.Stderr, "pcscbridge:", err)
		os.Exit(1)
	}
}

// run serves until ctx is cancelled; a non-zero failEstablish is the answer
// to every SCardEstablishContext.
func run(ctx context.Context, addr string, log *slog.Logger, failEstablish uint32) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%s is not a loopback address", addr)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s := &server{log: log, sessions: map[uint64]*session{}, conns: map[net.Conn]bool{}, failEstablish: failEstablish}
	// Ready: the lane waits for this line.
	fmt.Println("pcscbridge: listening on", l.Addr())
	go func() {
		<-ctx.Done()
		l.Close()
		s.closeAll()
	}()
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		c, err := l.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if errors.Is(err, net.ErrClosed) {
				return err
			}
			log.Warn("accept", "err", err)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.serve(c)
		}()
	}
}

// server holds the Windows processes' sessions.
type server struct {
	log      *slog.Logger
	mu       sync.Mutex
	sessions map[uint64]*session
	conns    map[net.Conn]bool
	// failEstablish, when set, answers SCardEstablishContext (a fault).
	failEstablish uint32
}

// session is one Windows process: its open connections and the contexts
// it established and has not released.
type session struct {
	conns int
	ctxs  map[C.SCARDCONTEXT]bool
}

func (s *server) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.Close()
	}
}

func (s *server) join(id uint64, c net.Conn) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conns[c] = true
	ss := s.sessions[id]
	if ss == nil {
		ss = &session{ctxs: map[C.SCARDCONTEXT]bool{}}
		s.sessions[id] = ss
	}
	ss.conns++
	return ss
}

// leave ends a connection; the last one of a session releases what the
// process left.
func (s *server) leave(id uint64, c net.Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	ss := s.sessions[id]
	ss.conns--
	var left []C.SCARDCONTEXT
	if ss.conns == 0 {
		for ctx := range ss.ctxs {
			left = append(left, ctx)
		}
		delete(s.sessions, id)
	}
	s.mu.Unlock()
	for _, ctx := range left {
		cancel(ctx)
		release(ctx)
	}
	if len(left) > 0 {
		s.log.Debug("process gone: contexts released", "n", len(left))
	}
}

func (s *server) track(ss *session, ctx C.SCARDCONTEXT, open bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if open {
		ss.ctxs[ctx] = true
	} else {
		delete(ss.ctxs, ctx)
	}
}

// serve answers one connection's requests in order. While a call runs (a
// SCardGetStatusChange may wait a long time), a closed connection still
// counts as the process leaving, so its contexts are cancelled.
func (s *server) serve(c net.Conn) {
	reqs := make(chan []byte)
	go func() {
		defer close(reqs)
		for {
			b, err := readFrame(c)
			if err != nil {
				return
			}
			reqs <- b
		}
	}()
	defer func() {
		c.Close()
		for range reqs { // let the reader end
		}
	}()
	hello, ok := <-reqs
	if !ok {
		return
	}
	d := &decoder{b: hello}
	if d.u32() != opHello {
		s.log.Warn("connection without hello")
		return
	}
	id := d.u64()
	if d.err != nil {
		return
	}
	ss := s.join(id, c)
	left := false
	defer func() {
		if !left {
			s.leave(id, c)
		}
	}()
	if writeFrame(c, (&encoder{b: make([]byte, 4)}).b) != nil {
		return
	}
	for b := range reqs {
		done := make(chan []byte, 1)
		go func() { done <- s.do(ss, b) }()
		var rep []byte
		select {
		case rep = <-done:
		case <-reqs: // closed (or a second request, which the DLL never sends)
			left = true
			s.leave(id, c)
			<-done
			return
		}
		if err := writeFrame(c, rep); err != nil {
			return
		}
	}
}

// do executes one request and returns the reply body.
func (s *server) do(ss *session, b []byte) []byte {
	d := &decoder{b: b}
	op := d.u32()
	e := &encoder{}
	code := uint32(scardInvalidParameter)
	var fields encoder
	switch op {
	case opEstablish:
		scope := d.u32()
		if d.err == nil && s.failEstablish != 0 {
			code = s.failEstablish
			fields.u64(0)
		} else if d.err == nil {
			var ctx C.SCARDCONTEXT
			code, ctx = establish(scope)
			if code == scardSuccess {
				s.track(ss, ctx, true)
			}
			fields.u64(uint64(ctx))
		}
	case opRelease:
		ctx := C.SCARDCONTEXT(d.u64())
		if d.err == nil {
			code = release(ctx)
			s.track(ss, ctx, false)
		}
	case opIsValid:
		ctx := C.SCARDCONTEXT(d.u64())
		if d.err == nil {
			code = isValid(ctx)
		}
	case opCancel:
		ctx := C.SCARDCONTEXT(d.u64())
		if d.err == nil {
			code = cancel(ctx)
		}
	case opListReaders:
		ctx := C.SCARDCONTEXT(d.u64())
		has := d.u32() != 0
		groups := d.multi()
		if d.err == nil {
			var names []string
			code, names = listReaders(ctx, groups, has)
			fields.multi(names)
		}
	case opListGroups:
		ctx := C.SCARDCONTEXT(d.u64())
		if d.err == nil {
			var names []string
			code, names = listGroups(ctx)
			fields.multi(names)
		}
	case opStatusChange:
		ctx := C.SCARDCONTEXT(d.u64())
		timeout := d.u32()
		n := d.u32()
		if n > 64 {
			d.err = errShort
		}
		var states []readerState
		for i := uint32(0); i < n && d.err == nil; i++ {
			states = append(states, readerState{reader: d.str(), current: d.u32(), atr: d.blob()})
		}
		if d.err == nil {
			code = statusChange(ctx, timeout, states)
			for _, st := range states {
				fields.u32(st.event)
				fields.blob(st.atr)
			}
		}
	case opConnect:
		ctx := C.SCARDCONTEXT(d.u64())
		reader, share, protos := d.str(), d.u32(), d.u32()
		if d.err == nil {
			var card C.SCARDHANDLE
			var active uint32
			code, card, active = connect(ctx, reader, share, protos)
			fields.u64(uint64(card))
			fields.u32(active)
		}
	case opReconnect:
		card := C.SCARDHANDLE(d.u64())
		share, protos, init := d.u32(), d.u32(), d.u32()
		if d.err == nil {
			var active uint32
			code, active = reconnect(card, share, protos, init)
			fields.u32(active)
		}
	case opDisconnect:
		card, disp := C.SCARDHANDLE(d.u64()), d.u32()
		if d.err == nil {
			code = disconnect(card, disp)
		}
	case opBegin:
		card := C.SCARDHANDLE(d.u64())
		if d.err == nil {
			code = begin(card)
		}
	case opEnd:
		card, disp := C.SCARDHANDLE(d.u64()), d.u32()
		if d.err == nil {
			code = end(card, disp)
		}
	case opStatus:
		card := C.SCARDHANDLE(d.u64())
		if d.err == nil {
			var names []string
			var state, proto uint32
			var atr []byte
			code, names, state, proto, atr = status(card)
			fields.multi(names)
			fields.u32(state)
			fields.u32(proto)
			fields.blob(atr)
		}
	case opTransmit:
		card := C.SCARDHANDLE(d.u64())
		proto, send, max := d.u32(), d.blob(), d.u32()
		if d.err == nil {
			var out []byte
			code, out = transmit(card, proto, send, max)
			fields.blob(out)
		}
	case opControl:
		card := C.SCARDHANDLE(d.u64())
		ctl, in, max := d.u32(), d.blob(), d.u32()
		if d.err == nil {
			var out []byte
			code, out = control(card, ctl, in, max)
			fields.blob(out)
		}
	case opGetAttrib:
		card, id := C.SCARDHANDLE(d.u64()), d.u32()
		if d.err == nil {
			var out []byte
			code, out = getAttrib(card, id)
			fields.blob(out)
		}
	case opSetAttrib:
		card, id, v := C.SCARDHANDLE(d.u64()), d.u32(), d.blob()
		if d.err == nil {
			code = setAttrib(card, id, v)
		}
	default:
		s.log.Warn("unknown operation", "op", op)
	}
	if d.err != nil {
		s.log.Warn("bad request", "op", op, "err", d.err)
	}
	s.log.Debug("call", "op", op, "rc", fmt.Sprintf("0x%08X", code))
	e.u32(code)
	e.b = append(e.b, fields.b...)
	return e.b
}
