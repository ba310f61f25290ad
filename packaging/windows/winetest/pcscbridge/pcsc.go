package main

// #cgo pkg-config: libpcsclite
// #include <stdlib.h>
// #include <winscard.h>
import "C"

import (
	"strings"
	"unsafe"
)

// The calls on pcsc-lite, one per operation. Each takes the decoded request
// fields and fills the reply; the result code is what pcsc-lite returned.
// Handles are pcsc-lite's own: pcsc-lite issues 32-bit values, which the
// Windows side keeps in its 64-bit SCARDCONTEXT/SCARDHANDLE.

const (
	scardSuccess          = 0
	scardInvalidParameter = 0x80100004
	scardNoMemory         = 0x80100006
	maxTransmit           = 1 << 17 // more than any extended-length APDU answer
	atrSize               = C.MAX_ATR_SIZE
	scardAutoallocate     = ^C.DWORD(0)
)

func rc(r C.LONG) uint32 { return uint32(r) }

func establish(scope uint32) (uint32, C.SCARDCONTEXT) {
	var ctx C.SCARDCONTEXT
	r := C.SCardEstablishContext(C.DWORD(scope), nil, nil, &ctx)
	return rc(r), ctx
}

func release(ctx C.SCARDCONTEXT) uint32 { return rc(C.SCardReleaseContext(ctx)) }
func isValid(ctx C.SCARDCONTEXT) uint32 { return rc(C.SCardIsValidContext(ctx)) }
func cancel(ctx C.SCARDCONTEXT) uint32  { return rc(C.SCardCancel(ctx)) }

// multiString splits a C multi-string of n bytes.
func multiString(p *C.char, n C.DWORD) []string {
	if p == nil || n == 0 {
		return nil
	}
	var out []string
	for _, s := range strings.Split(C.GoStringN(p, C.int(n)), "\x00") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// cMulti builds a C multi-string (caller frees).
func cMulti(s []string) *C.char {
	return C.CString(strings.Join(s, "\x00") + "\x00")
}

func listReaders(ctx C.SCARDCONTEXT, groups []string, hasGroups bool) (uint32, []string) {
	var g *C.char
	if hasGroups {
		g = cMulti(groups)
		defer C.free(unsafe.Pointer(g))
	}
	var buf *C.char
	n := scardAutoallocate
	r := C.SCardListReaders(ctx, g, (*C.char)(unsafe.Pointer(&buf)), &n)
	if r != scardSuccess {
		return rc(r), nil
	}
	defer C.SCardFreeMemory(ctx, C.LPCVOID(unsafe.Pointer(buf)))
	return scardSuccess, multiString(buf, n)
}

func listGroups(ctx C.SCARDCONTEXT) (uint32, []string) {
	var buf *C.char
	n := scardAutoallocate
	r := C.SCardListReaderGroups(ctx, (*C.char)(unsafe.Pointer(&buf)), &n)
	if r != scardSuccess {
		return rc(r), nil
	}
	defer C.SCardFreeMemory(ctx, C.LPCVOID(unsafe.Pointer(buf)))
	return scardSuccess, multiString(buf, n)
}

// readerState is one entry of SCardGetStatusChange, in and out.
type readerState struct {
	reader  string
	current uint32
	event   uint32
	atr     []byte
}

func statusChange(ctx C.SCARDCONTEXT, timeout uint32, states []readerState) uint32 {
	n := len(states)
	if n == 0 {
		r := C.SCardGetStatusChange(ctx, C.DWORD(timeout), nil, 0)
		return rc(r)
	}
	// The array holds C pointers (the reader names): it lives in C memory.
	arr := (*C.SCARD_READERSTATE)(C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof(C.SCARD_READERSTATE{}))))
	if arr == nil {
		return scardNoMemory
	}
	defer C.free(unsafe.Pointer(arr))
	rs := unsafe.Slice(arr, n)
	for i, s := range states {
		rs[i].szReader = C.CString(s.reader)
		defer C.free(unsafe.Pointer(rs[i].szReader))
		rs[i].dwCurrentState = C.DWORD(s.current)
		k := copy(unsafe.Slice((*byte)(unsafe.Pointer(&rs[i].rgbAtr[0])), atrSize), s.atr)
		rs[i].cbAtr = C.DWORD(k)
	}
	r := C.SCardGetStatusChange(ctx, C.DWORD(timeout), arr, C.DWORD(n))
	for i := range states {
		states[i].event = uint32(rs[i].dwEventState)
		k := min(int(rs[i].cbAtr), atrSize)
		states[i].atr = C.GoBytes(unsafe.Pointer(&rs[i].rgbAtr[0]), C.int(k))
	}
	return rc(r)
}

func connect(ctx C.SCARDCONTEXT, reader string, share, protocols uint32) (uint32, C.SCARDHANDLE, uint32) {
	name := C.CString(reader)
	defer C.free(unsafe.Pointer(name))
	var card C.SCARDHANDLE
	var active C.DWORD
	r := C.SCardConnect(ctx, name, C.DWORD(share), C.DWORD(protocols), &card, &active)
	return rc(r), card, uint32(active)
}

func reconnect(card C.SCARDHANDLE, share, protocols, init uint32) (uint32, uint32) {
	var active C.DWORD
	r := C.SCardReconnect(card, C.DWORD(share), C.DWORD(protocols), C.DWORD(init), &active)
	return rc(r), uint32(active)
}

func disconnect(card C.SCARDHANDLE, disp uint32) uint32 {
	return rc(C.SCardDisconnect(card, C.DWORD(disp)))
}

func begin(card C.SCARDHANDLE) uint32 { return rc(C.SCardBeginTransaction(card)) }

func end(card C.SCARDHANDLE, disp uint32) uint32 {
	return rc(C.SCardEndTransaction(card, C.DWORD(disp)))
}

func status(card C.SCARDHANDLE) (code uint32, names []string, state, protocol uint32, atr []byte) {
	var name *C.char
	n := scardAutoallocate
	var st, pr C.DWORD
	var a [atrSize]C.uchar
	alen := C.DWORD(atrSize)
	r := C.SCardStatus(card, (*C.char)(unsafe.Pointer(&name)), &n, &st, &pr, &a[0], &alen)
	if r != scardSuccess {
		return rc(r), nil, 0, 0, nil
	}
	names = multiString(name, n)
	// pcsc-lite frees autoallocated memory of any context this way.
	C.SCardFreeMemory(0, C.LPCVOID(unsafe.Pointer(name)))
	return scardSuccess, names, uint32(st), uint32(pr), C.GoBytes(unsafe.Pointer(&a[0]), C.int(min(int(alen), atrSize)))
}

func transmit(card C.SCARDHANDLE, protocol uint32, send []byte, recvMax uint32) (uint32, []byte) {
	if len(send) == 0 {
		return scardInvalidParameter, nil
	}
	max := min(recvMax, maxTransmit)
	buf := C.malloc(C.size_t(max + 1))
	defer C.free(buf)
	in := C.CBytes(send)
	defer C.free(in)
	pci := (*C.SCARD_IO_REQUEST)(C.malloc(C.size_t(unsafe.Sizeof(C.SCARD_IO_REQUEST{}))))
	defer C.free(unsafe.Pointer(pci))
	pci.dwProtocol = C.DWORD(protocol)
	pci.cbPciLength = C.DWORD(unsafe.Sizeof(C.SCARD_IO_REQUEST{}))
	n := C.DWORD(max)
	r := C.SCardTransmit(card, pci, (*C.uchar)(in), C.DWORD(len(send)), nil, (*C.uchar)(buf), &n)
	if r != scardSuccess {
		return rc(r), nil
	}
	return scardSuccess, C.GoBytes(buf, C.int(n))
}

func control(card C.SCARDHANDLE, code uint32, in []byte, outMax uint32) (uint32, []byte) {
	max := min(outMax, maxTransmit)
	buf := C.malloc(C.size_t(max + 1))
	defer C.free(buf)
	var cin unsafe.Pointer
	if len(in) > 0 {
		cin = C.CBytes(in)
		defer C.free(cin)
	}
	var n C.DWORD
	r := C.SCardControl(card, C.DWORD(code), C.LPCVOID(cin), C.DWORD(len(in)), C.LPVOID(buf), C.DWORD(max), &n)
	if r != scardSuccess {
		return rc(r), nil
	}
	return scardSuccess, C.GoBytes(buf, C.int(n))
}

func getAttrib(card C.SCARDHANDLE, id uint32) (uint32, []byte) {
	var n C.DWORD
	r := C.SCardGetAttrib(card, C.DWORD(id), nil, &n)
	if r != scardSuccess {
		return rc(r), nil
	}
	buf := C.malloc(C.size_t(n + 1))
	defer C.free(buf)
	r = C.SCardGetAttrib(card, C.DWORD(id), (*C.uchar)(buf), &n)
	if r != scardSuccess {
		return rc(r), nil
	}
	return scardSuccess, C.GoBytes(buf, C.int(n))
}

func setAttrib(card C.SCARDHANDLE, id uint32, value []byte) uint32 {
	if len(value) == 0 {
		return scardInvalidParameter
	}
	v := C.CBytes(value)
	defer C.free(v)
	return rc(C.SCardSetAttrib(card, C.DWORD(id), (*C.uchar)(v), C.DWORD(len(value))))
}
