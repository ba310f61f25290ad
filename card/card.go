// Package card talks to a My Number Card: APDUs over a Transport, the JPKI
// and input-helper applets, PIN counters, certificates and on-card signing.
// Every operation runs inside one PC/SC transaction, asks for a PIN at most
// once and never retries a PIN by itself.
package card

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// ExtendedMode says whether READ BINARY may use extended-length Le, which the
// spec leaves unconfirmed for real cards.
type ExtendedMode int

// Extended-length policies.
const (
	// ExtendedAuto uses extended length where it is known to work for this
	// card insertion. It is tried only on files read without a PIN (the
	// auth certificate of `status`, the CA certificates), never after a
	// VERIFY: a reader that answers an extended APDU with a transport error
	// or a reset would make the resident type the PIN again. The answer is
	// remembered for the insertion.
	ExtendedAuto  ExtendedMode = iota
	ExtendedNever              // always 256-byte reads
)

// Options configure a Card. The zero value is usable.
type Options struct {
	Trace    *Trace       // records every exchange when set
	Logger   *slog.Logger // defaults to slog.Default()
	Extended ExtendedMode
	// Profile fixes the card generation; nil finds it from the card (the
	// registered profiles in order, remembered per insertion).
	Profile *Profile
}

// Card drives one card through a Conn. A Card is not safe for concurrent use:
// the caller serialises operations (the PC/SC transaction does the same for
// other applications).
type Card struct {
	conn     Conn
	trace    *Trace
	log      *slog.Logger
	extended ExtendedMode
	profile  *Profile // fixed by Options, else nil
	mem      cardMemory
	maxAPDU  int // largest APDU the reader carries, 0 when unknown
}

// New wraps an open connection.
func New(conn Conn, opts Options) *Card {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	c := &Card{conn: conn, trace: opts.Trace, log: log, extended: opts.Extended, profile: opts.Profile}
	if ic, ok := conn.(InsertionConn); ok {
		if key := ic.Insertion(); key.Events != 0 {
			c.mem.key, c.mem.keyed = key, true
		}
	}
	if lc, ok := conn.(LimitConn); ok {
		c.maxAPDU = lc.MaxAPDU()
	}
	return c
}

// Conn returns the underlying connection, for diagnostics.
func (c *Card) Conn() Conn { return c.conn }

// Close releases the card.
func (c *Card) Close() error { return c.conn.Close() }

// Profile is the card's generation as far as the driver knows it: the one
// fixed by Options, the one learnt from the card in this insertion, or
// DefaultProfile before the card was asked.
func (c *Card) Profile() *Profile {
	if p := c.knownProfile(); p != nil {
		return p
	}
	return DefaultProfile()
}

func (c *Card) knownProfile() *Profile {
	if c.profile != nil {
		return c.profile
	}
	return c.mem.get().profile
}

// candidates are the profiles to try, the known one alone if there is one.
func (c *Card) candidates() []*Profile {
	if p := c.knownProfile(); p != nil {
		return []*Profile{p}
	}
	return profiles
}

// maxLe is the largest Le the reader can carry back (data only).
func (c *Card) maxLe() int {
	if c.maxAPDU > 2 {
		return min(c.maxAPDU-2, MaxExtendedLe)
	}
	return MaxExtendedLe
}

// tx is one transaction in progress: the APDU helpers live here so they can
// only be called while the card is held.
type tx struct {
	c *Card
	// verified is set once a VERIFY was sent: from then on the operation must
	// not be repeated on its own, or a PIN try could be spent twice.
	verified bool
	// retry is set when the transaction runs again after a reset: nothing
	// is selected on the card any more.
	retry bool
}

// do runs fn inside one transaction. A card reset by someone else before any
// PIN was sent is reconnected and the operation runs once more; after a
// VERIFY the reset is reported instead (13100), so no PIN is sent twice.
// verified reports whether a VERIFY carrying a PIN was sent.
func (c *Card) do(ctx context.Context, op string, fn func(t *tx) error) error {
	_, err := c.doTx(ctx, op, fn)
	return err
}

func (c *Card) doTx(ctx context.Context, op string, fn func(t *tx) error) (verified bool, err error) {
	for attempt := 0; ; attempt++ {
		t := &tx{c: c, retry: attempt > 0}
		err := c.conn.Begin(ctx)
		if err == nil {
			err = fn(t)
			if endErr := c.conn.End(); err == nil && endErr != nil {
				err = endErr
			}
		}
		verified = verified || t.verified
		if err == nil {
			return verified, nil
		}
		switch FaultOf(err) {
		case FaultCardRemoved, FaultNoCard:
			c.mem.forget() // whatever comes next is another insertion
		}
		if FaultOf(err) != FaultCardReset {
			return verified, fmt.Errorf("%s: %w", op, err)
		}
		c.log.Info("card was reset; reconnecting", "op", op, "verified", t.verified)
		if rerr := c.conn.Reconnect(ctx); rerr != nil {
			return verified, fmt.Errorf("%s: reconnect after reset: %w", op, rerr)
		}
		if t.verified || attempt > 0 {
			return verified, fmt.Errorf("%s: %w", op, err)
		}
	}
}

// send transmits one command and follows 61 xx (GET RESPONSE) and 6C xx
// (repeat with the Le the card asks for), returning the final answer.
func (t *tx) send(ctx context.Context, cmd Command) (Response, error) {
	resp, err := t.exchange(ctx, cmd)
	if err != nil {
		return Response{}, err
	}
	if le, ok := resp.SW.WrongLe(); ok {
		cmd.Le = le
		if resp, err = t.exchange(ctx, cmd); err != nil {
			return Response{}, err
		}
	}
	data := resp.Data
	for i := 0; i < 256; i++ { // bound the chain: a card answering 61 xx forever is broken
		n, ok := resp.SW.MoreData()
		if !ok {
			resp.Data = data
			return resp, nil
		}
		resp, err = t.exchange(ctx, Command{CLA: CLAInterindustry, INS: INSGetResponse, Le: n})
		if err != nil {
			return Response{}, err
		}
		data = append(data[:len(data):len(data)], resp.Data...)
	}
	return Response{}, fmt.Errorf("%w: endless GET RESPONSE chain", ErrMalformed)
}

// exchange is one APDU on the wire, traced.
func (t *tx) exchange(ctx context.Context, cmd Command) (Response, error) {
	raw, err := cmd.Bytes()
	if err != nil {
		return Response{}, err
	}
	if err := ctx.Err(); err != nil {
		return Response{}, err
	}
	start := time.Now()
	out, err := t.c.conn.Transmit(ctx, raw)
	hexCmd, name := redacted(cmd)
	entry := TraceEntry{Command: hexCmd, Name: name, Duration: time.Since(start)}
	if cmd.INS == INSVerify && len(cmd.Data) > 0 {
		t.verified = true
	}
	if err != nil {
		entry.Err = err.Error()
		t.c.trace.add(entry)
		return Response{}, err
	}
	resp, err := ParseResponse(out)
	if err != nil {
		entry.Err = err.Error()
		t.c.trace.add(entry)
		return Response{}, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	entry.SW, entry.Length = resp.SW, len(resp.Data)
	t.c.trace.add(entry)
	return resp, nil
}

// check turns a non-success status word into a StatusError.
func check(op string, r Response) error {
	if r.SW.OK() {
		return nil
	}
	return &StatusError{Op: op, SW: r.SW}
}

// selectDF selects an applet by DF name (spec: "SELECT DF").
func (t *tx) selectDF(ctx context.Context, aid []byte) error {
	r, err := t.send(ctx, Command{CLA: CLAInterindustry, INS: INSSelect, P1: P1SelectByDF, P2: P2SelectNoData, Data: aid, Le: NoLe})
	if err != nil {
		return err
	}
	return check(fmt.Sprintf("select applet %X", aid), r)
}

// selectEF selects a file in the current applet (spec: "SELECT EF").
func (t *tx) selectEF(ctx context.Context, fid FID) error {
	r, err := t.send(ctx, Command{CLA: CLAInterindustry, INS: INSSelect, P1: P1SelectByFID, P2: P2SelectNoData, Data: []byte{byte(fid >> 8), byte(fid)}, Le: NoLe})
	if err != nil {
		return err
	}
	return check(fmt.Sprintf("select EF %04X", uint16(fid)), r)
}

// readBinary reads up to le bytes of the current EF at offset (spec: "READ BINARY").
func (t *tx) readBinary(ctx context.Context, offset, le int) ([]byte, error) {
	if offset < 0 || offset > 0x7FFF {
		return nil, fmt.Errorf("%w: offset %d out of range", ErrAPDU, offset)
	}
	r, err := t.send(ctx, Command{CLA: CLAInterindustry, INS: INSReadBinary, P1: byte(offset >> 8), P2: byte(offset), Le: le})
	if err != nil {
		return nil, err
	}
	if err := check(fmt.Sprintf("read binary at %d", offset), r); err != nil {
		return nil, err
	}
	return r.Data, nil
}

// readTLVFile reads the current EF whose content starts with one TLV element
// (a DER certificate or the FF 20 attributes record). The size comes from the
// header of the first chunk, so there is no separate header read. Extended
// length is used where it is known to work, and tried only while no PIN was
// sent in this transaction (see ExtendedAuto).
func (t *tx) readTLVFile(ctx context.Context) ([]byte, error) {
	c := t.c
	ext := unknown
	if c.extended == ExtendedNever || c.maxLe() <= MaxShortLe {
		ext = no
	} else {
		ext = c.mem.get().extended
	}
	first := MaxShortLe
	if ext == yes {
		first = min(c.maxLe(), maxFileRead)
	}
	buf, err := t.readBinary(ctx, 0, first)
	if err != nil {
		return nil, err
	}
	size, ok := TLVSize(buf)
	if !ok {
		return nil, fmt.Errorf("%w: file does not start with a TLV header", ErrMalformed)
	}
	if size <= len(buf) {
		return buf[:size], nil
	}
	if len(buf) < first {
		return nil, fmt.Errorf("%w: file holds %d bytes, its header says %d", ErrMalformed, len(buf), size)
	}
	if size > 0x7FFF+MaxShortLe {
		return nil, fmt.Errorf("%w: file size %d too large", ErrMalformed, size)
	}
	out := make([]byte, len(buf), size)
	copy(out, buf)
	if ext == unknown && !t.verified {
		chunk, err := t.readBinary(ctx, len(out), min(c.maxLe(), size-len(out)))
		switch {
		case err == nil && len(chunk) > 0:
			out = append(out, chunk...)
			c.mem.learn(func(i *insertionInfo) { i.extended = yes })
			ext = yes
		case err == nil || extendedRefused(err):
			c.log.Info("extended-length READ BINARY refused; using 256-byte reads", "err", err)
			c.mem.learn(func(i *insertionInfo) { i.extended = no })
			ext = no
		default:
			return nil, err
		}
	}
	for len(out) < size {
		le := min(MaxShortLe, size-len(out))
		if ext == yes {
			le = min(c.maxLe(), size-len(out))
		}
		chunk, err := t.readBinary(ctx, len(out), le)
		if err != nil {
			return nil, err
		}
		if len(chunk) == 0 {
			return nil, fmt.Errorf("%w: file ended at %d of %d bytes", ErrMalformed, len(out), size)
		}
		out = append(out, chunk...)
	}
	return out[:size], nil
}

// maxFileRead is the Le of a first read once extended length is known to
// work: a whole certificate EF in one answer.
const maxFileRead = 4096

// extendedRefused tells the answers that mean "this card or reader does not do
// extended length" from failures that must stop the operation.
func extendedRefused(err error) bool {
	var se *StatusError
	if errors.As(err, &se) {
		_, wrongLe := se.SW.WrongLe()
		return se.SW == SWWrongLength || wrongLe
	}
	var re *ReaderError
	if errors.As(err, &re) {
		switch re.Fault {
		case FaultOther, FaultUnresponsive, FaultTimeout:
			return true
		}
		return false
	}
	return errors.Is(err, ErrMalformed)
}
