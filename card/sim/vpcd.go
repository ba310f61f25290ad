package sim

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"
)

// The vpcd link (vsmartcard's virtual reader driver for pcscd). The virtual
// card is a TCP client of vpcd, which listens on 35963 + slot. Every
// message, both ways, is a 2-byte big-endian length and that many bytes. A
// 1-byte message from vpcd is a control, answered only for ATR; anything
// longer is a command APDU, answered with the response APDU
// (vsmartcard virtualsmartcard/src/vpcd/vpcd.c and ifd-vpcd.c).
const (
	vpcdPowerOff = 0x00
	vpcdPowerOn  = 0x01
	vpcdReset    = 0x02
	vpcdGetATR   = 0x04

	// DefaultVPCDAddr is where vpcd waits for the card of reader slot 0
	// ("Virtual PCD 00 00"); slot n listens on port 35963+n.
	DefaultVPCDAddr = "127.0.0.1:35963"
	// DefaultMuteTimeout is how long a mute card leaves vpcd waiting before
	// it drops the connection; see ServeOptions.MuteTimeout.
	DefaultMuteTimeout = 5 * time.Second

	maxBackoff = 5 * time.Second
	silentWarn = 5 * time.Second
)

// ServeOptions configures Serve.
type ServeOptions struct {
	Addr   string // vpcd address; "" means DefaultVPCDAddr
	Faults Faults
	// MuteTimeout bounds the "no answer" fault. vpcd reads the answer with
	// a blocking recv and no timeout while holding its slot's lock, so a
	// card that never answers hangs SCardTransmit, and pcscd's presence
	// polling of that reader, for good. After MuteTimeout the card drops
	// the connection instead: vpcd's recv returns 0 and it ejects the card.
	// 0 means DefaultMuteTimeout; a negative value never drops (a faithful
	// but unbounded hang).
	MuteTimeout time.Duration
	Logger      *slog.Logger // nil: slog.Default()
}

// errCardGone ends a vpcd session for good: the card was taken away or
// went mute; Serve does not reconnect.
var errCardGone = errors.New("sim: card taken away")

// Server returns Serve for c and opts as a function of the vpcd address,
// the shape a test's reader slot takes (internal/vpcdtest.Insert).
func Server(c *Card, opts ServeOptions) func(ctx context.Context, addr string) error {
	return func(ctx context.Context, addr string) error {
		opts.Addr = addr
		return Serve(ctx, c, opts)
	}
}

// Serve connects c to vpcd and answers for it until ctx is done, then
// returns nil. When the connection drops (pcscd restarted) it reconnects
// with backoff. After a "removed" or bounded "mute" fault it stays away
// until ctx is done, like a card taken out of the reader.
func Serve(ctx context.Context, c *Card, opts ServeOptions) error {
	if opts.Addr == "" {
		opts.Addr = DefaultVPCDAddr
	}
	if opts.MuteTimeout == 0 {
		opts.MuteTimeout = DefaultMuteTimeout
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	faults := &faultState{f: opts.Faults}
	var dialer net.Dialer
	backoff := 100 * time.Millisecond
	warned := false
	for ctx.Err() == nil {
		conn, err := dialer.DialContext(ctx, "tcp", opts.Addr)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			if !warned { // once per outage, not every retry
				log.Warn("vpcd not reachable; retrying", "addr", opts.Addr, "err", err)
				warned = true
			}
			_ = sleep(ctx, backoff)
			backoff = min(2*backoff, maxBackoff)
			continue
		}
		log.Info("connected to vpcd", "addr", opts.Addr)
		warned, backoff = false, 100*time.Millisecond
		c.Reset() // a fresh insertion
		err = serveConn(ctx, conn, c, faults, opts.MuteTimeout, log)
		conn.Close()
		switch {
		case ctx.Err() != nil:
		case errors.Is(err, errCardGone):
			log.Info("card taken away; waiting for shutdown")
			<-ctx.Done()
		default:
			log.Warn("vpcd connection lost; reconnecting", "err", err)
			_ = sleep(ctx, backoff)
		}
	}
	log.Info("stopped")
	return nil
}

// serveConn answers vpcd on one connection until it fails or the card goes.
func serveConn(ctx context.Context, conn net.Conn, c *Card, faults *faultState, muteTimeout time.Duration, log *slog.Logger) error {
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	// vpcd takes one card per port; a second card's connection sits in the
	// listen backlog, silent, until the first leaves. Say so.
	quiet := time.AfterFunc(silentWarn, func() {
		log.Warn("vpcd has not spoken since the connection; is another virtual card in this slot?")
	})
	defer quiet.Stop()
	for {
		quickAck(conn)
		msg, err := readMsg(conn)
		if err != nil {
			return err
		}
		quiet.Stop()
		if len(msg) == 1 {
			if err := control(conn, c, msg[0], log); err != nil {
				return err
			}
			continue
		}
		if len(msg) == 0 {
			continue
		}
		switch faults.next() {
		case actRemove:
			log.Info("fault: card removed", "after_apdus", faults.count())
			return errCardGone
		case actMute:
			log.Info("fault: card does not answer", "after_apdus", faults.count()-1, "drop_after", muteTimeout)
			if muteTimeout < 0 {
				<-ctx.Done()
				return ctx.Err()
			}
			if err := sleep(ctx, muteTimeout); err != nil {
				return err
			}
			faults.remove()
			return errCardGone
		case actGarble:
			resp := c.Process(msg)
			if err := sleep(ctx, faults.delay(msg)); err != nil {
				return err
			}
			log.Debug("apdu garbled", "ins", fmt.Sprintf("%02X", msg[1]))
			if err := writeMsg(conn, faults.garble(resp)); err != nil {
				return err
			}
		default:
			resp := c.Process(msg)
			if err := sleep(ctx, faults.delay(msg)); err != nil {
				return err
			}
			// INS and SW only: command data may be a PIN, answers personal data.
			log.Debug("apdu", "ins", fmt.Sprintf("%02X", msg[1]), "sw", fmt.Sprintf("%X", resp[len(resp)-2:]), "len", len(resp)-2)
			if err := writeMsg(conn, resp); err != nil {
				return err
			}
		}
	}
}

func control(conn net.Conn, c *Card, code byte, log *slog.Logger) error {
	switch code {
	case vpcdPowerOff, vpcdPowerOn, vpcdReset:
		log.Debug("vpcd control", "code", code)
		c.Reset()
	case vpcdGetATR:
		return writeMsg(conn, c.ATR())
	default:
		log.Warn("unknown vpcd control", "code", code)
	}
	return nil
}

func readMsg(r io.Reader) ([]byte, error) {
	var hdr [2]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	msg := make([]byte, binary.BigEndian.Uint16(hdr[:]))
	if _, err := io.ReadFull(r, msg); err != nil {
		return nil, err
	}
	return msg, nil
}

func writeMsg(w io.Writer, msg []byte) error {
	if len(msg) > 0xFFFF {
		return fmt.Errorf("sim: answer of %d bytes does not fit a vpcd message", len(msg))
	}
	buf := make([]byte, 2+len(msg))
	binary.BigEndian.PutUint16(buf, uint16(len(msg)))
	copy(buf[2:], msg)
	_, err := w.Write(buf)
	return err
}
