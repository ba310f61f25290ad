package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// The wire between the stand-in winscard.dll (../winscard.c) and this
// bridge. Both ends must change together.
//
// A frame is a 4-byte little-endian length and that many bytes of body.
// A request body is the operation (u32) and its fields; a reply body is the
// PC/SC result code (u32) and its fields. Fields are u32, u64 (handles),
// blobs (u32 length, bytes) and multi-strings (u32 count, blobs). Strings
// are UTF-8 without NUL; the DLL converts to and from UTF-16 or ANSI.
// Numbers are in pcsc-lite's numbering where it differs from Windows's
// (protocols, IOCTL codes, SCardStatus card state): the DLL converts.
const (
	opHello        = 0  // u64 session → —
	opEstablish    = 1  // u32 scope → u64 context
	opRelease      = 2  // u64 context → —
	opIsValid      = 3  // u64 context → —
	opCancel       = 4  // u64 context → —
	opListReaders  = 5  // u64 context, u32 has groups, multi groups → multi readers
	opListGroups   = 6  // u64 context → multi groups
	opStatusChange = 7  // u64 context, u32 timeout, u32 n, n × (str reader, u32 current, blob atr) → n × (u32 event, blob atr)
	opConnect      = 8  // u64 context, str reader, u32 share, u32 protocols → u64 card, u32 protocol
	opReconnect    = 9  // u64 card, u32 share, u32 protocols, u32 init → u32 protocol
	opDisconnect   = 10 // u64 card, u32 disposition → —
	opBegin        = 11 // u64 card → —
	opEnd          = 12 // u64 card, u32 disposition → —
	opStatus       = 13 // u64 card → multi readers, u32 state, u32 protocol, blob atr
	opTransmit     = 14 // u64 card, u32 protocol, blob send, u32 receive max → blob received
	opControl      = 15 // u64 card, u32 code, blob in, u32 out max → blob out
	opGetAttrib    = 16 // u64 card, u32 attribute → blob value
	opSetAttrib    = 17 // u64 card, u32 attribute, blob value → —
)

// maxFrame bounds a frame; the largest real one is a few readers' states.
const maxFrame = 1 << 20

// errShort is a request that ends before its fields do.
var errShort = errors.New("pcscbridge: request too short")

// readFrame reads one frame body.
func readFrame(r io.Reader) ([]byte, error) {
	var n [4]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return nil, err
	}
	size := binary.LittleEndian.Uint32(n[:])
	if size < 4 || size > maxFrame {
		return nil, fmt.Errorf("pcscbridge: frame of %d bytes", size)
	}
	b := make([]byte, size)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, err
	}
	return b, nil
}

// writeFrame writes body as one frame.
func writeFrame(w io.Writer, body []byte) error {
	b := binary.LittleEndian.AppendUint32(make([]byte, 0, 4+len(body)), uint32(len(body)))
	_, err := w.Write(append(b, body...))
	return err
}

// decoder reads a request's fields; the first error sticks.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) take(n int) []byte {
	if d.err != nil || len(d.b) < n {
		d.err = errShort
		return nil
	}
	p := d.b[:n]
	d.b = d.b[n:]
	return p
}

func (d *decoder) u32() uint32 {
	if p := d.take(4); p != nil {
		return binary.LittleEndian.Uint32(p)
	}
	return 0
}

func (d *decoder) u64() uint64 {
	if p := d.take(8); p != nil {
		return binary.LittleEndian.Uint64(p)
	}
	return 0
}

func (d *decoder) blob() []byte {
	n := d.u32()
	if n > maxFrame {
		d.err = errShort
		return nil
	}
	return d.take(int(n))
}

func (d *decoder) str() string { return string(d.blob()) }

func (d *decoder) multi() []string {
	n := d.u32()
	if n > 1024 {
		d.err = errShort
		return nil
	}
	var s []string
	for range n {
		s = append(s, d.str())
	}
	return s
}

// encoder builds a reply.
type encoder struct{ b []byte }

func (e *encoder) u32(v uint32) { e.b = binary.LittleEndian.AppendUint32(e.b, v) }
func (e *encoder) u64(v uint64) { e.b = binary.LittleEndian.AppendUint64(e.b, v) }
func (e *encoder) blob(p []byte) {
	e.u32(uint32(len(p)))
	e.b = append(e.b, p...)
}
func (e *encoder) multi(s []string) {
	e.u32(uint32(len(s)))
	for _, x := range s {
		e.blob([]byte(x))
	}
}
