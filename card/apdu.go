package card

import (
	"errors"
	"fmt"
)

// Command is one command APDU (ISO 7816-4 §5.1). Le is the number of bytes
// expected in the answer: NoLe for none, 1–256 for a short Le (256 encodes as
// 00), up to 65536 for an extended one.
type Command struct {
	CLA, INS, P1, P2 byte
	Data             []byte
	Le               int
}

// NoLe marks a command that expects no response data.
const NoLe = -1

// MaxShortLe and MaxExtendedLe bound Le in the two encodings.
const (
	MaxShortLe    = 256
	MaxExtendedLe = 65536
)

// ErrAPDU is returned for a command that cannot be encoded.
var ErrAPDU = errors.New("card: command cannot be encoded")

// Bytes encodes the command, choosing the short form when data and Le fit
// and the extended form (ISO 7816-4 §5.1, cases 2E–4E) otherwise.
func (c Command) Bytes() ([]byte, error) {
	if len(c.Data) > 65535 || c.Le > MaxExtendedLe || c.Le < NoLe || c.Le == 0 {
		return nil, fmt.Errorf("%w: Lc %d, Le %d", ErrAPDU, len(c.Data), c.Le)
	}
	out := []byte{c.CLA, c.INS, c.P1, c.P2}
	extended := len(c.Data) > 255 || c.Le > MaxShortLe
	if !extended {
		if len(c.Data) > 0 {
			out = append(out, byte(len(c.Data)))
			out = append(out, c.Data...)
		}
		if c.Le != NoLe {
			out = append(out, byte(c.Le)) // 256 → 00
		}
		return out, nil
	}
	if len(c.Data) > 0 {
		out = append(out, 0, byte(len(c.Data)>>8), byte(len(c.Data)))
		out = append(out, c.Data...)
	}
	if c.Le != NoLe {
		if len(c.Data) == 0 {
			out = append(out, 0) // case 2E starts with a zero byte
		}
		out = append(out, byte(c.Le>>8), byte(c.Le)) // 65536 → 00 00
	}
	return out, nil
}

// Response is a response APDU split into data and status word.
type Response struct {
	Data []byte
	SW   StatusWord
}

// ErrShortResponse is returned for an answer with fewer than the two status bytes.
var ErrShortResponse = errors.New("card: response shorter than a status word")

// ParseResponse splits a raw answer. The data aliases raw.
func ParseResponse(raw []byte) (Response, error) {
	if len(raw) < 2 {
		return Response{}, fmt.Errorf("%w (%d bytes)", ErrShortResponse, len(raw))
	}
	n := len(raw) - 2
	return Response{Data: raw[:n], SW: StatusWord(raw[n])<<8 | StatusWord(raw[n+1])}, nil
}

// ParseCommand decodes a command APDU in short or extended form. The virtual
// card uses it; the driver uses it to label trace entries.
func ParseCommand(b []byte) (Command, error) {
	if len(b) < 4 {
		return Command{}, fmt.Errorf("%w: %d bytes", ErrAPDU, len(b))
	}
	c := Command{CLA: b[0], INS: b[1], P1: b[2], P2: b[3], Le: NoLe}
	body := b[4:]
	switch {
	case len(body) == 0: // case 1
		return c, nil
	case len(body) == 1: // case 2S
		c.Le = lenByte(body[0])
		return c, nil
	case body[0] != 0: // short Lc
		lc := int(body[0])
		switch len(body) {
		case 1 + lc: // case 3S
		case 2 + lc: // case 4S
			c.Le = lenByte(body[1+lc])
		default:
			return Command{}, fmt.Errorf("%w: Lc %d with %d body bytes", ErrAPDU, lc, len(body))
		}
		c.Data = body[1 : 1+lc]
		return c, nil
	case len(body) == 3: // case 2E
		c.Le = extLe(body[1], body[2])
		return c, nil
	case len(body) < 3:
		return Command{}, fmt.Errorf("%w: truncated extended length", ErrAPDU)
	}
	lc := int(body[1])<<8 | int(body[2])
	if lc == 0 {
		return Command{}, fmt.Errorf("%w: extended Lc of zero", ErrAPDU)
	}
	switch len(body) {
	case 3 + lc: // case 3E
	case 5 + lc: // case 4E
		c.Le = extLe(body[3+lc], body[4+lc])
	default:
		return Command{}, fmt.Errorf("%w: extended Lc %d with %d body bytes", ErrAPDU, lc, len(body))
	}
	c.Data = body[3 : 3+lc]
	return c, nil
}

func extLe(hi, lo byte) int {
	n := int(hi)<<8 | int(lo)
	if n == 0 {
		return MaxExtendedLe
	}
	return n
}
