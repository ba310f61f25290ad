package card

import "fmt"

// StatusWord is the SW1 SW2 pair that ends every card response (ISO 7816-4 §5.1.3).
// Branches compare against the named values below, never raw numbers.
type StatusWord uint16

// Status words the My Number Card is known to answer (spec: "Errors the host
// must tell apart").
const (
	SWSuccess              StatusWord = 0x9000
	SWPINBlocked           StatusWord = 0x6984 // VERIFY on a blocked PIN
	SWSecurityNotSatisfied StatusWord = 0x6982 // PIN not verified for this file or key
	SWNoCurrentEF          StatusWord = 0x6986
	SWNotFound             StatusWord = 0x6A82 // file or applet not found
	SWWrongP1P2            StatusWord = 0x6A86
	SWOffsetPastEnd        StatusWord = 0x6B00
	SWWrongLength          StatusWord = 0x6700
	SWINSNotSupported      StatusWord = 0x6D00
	SWCLANotSupported      StatusWord = 0x6E00

	// Families recognised by their first byte; the second carries a count.
	swMoreData   = 0x61 // 61 xx: xx more bytes wait for GET RESPONSE
	swWrongLe    = 0x6C // 6C xx: repeat the command with Le = xx
	swTriesLeft  = 0x63 // 63 Cx: verification failed, x tries left
	swCheckError = 0x6A // 6A xx: wrong parameters (6A 82 and friends)
)

// SW1 is the first status byte.
func (sw StatusWord) SW1() byte { return byte(sw >> 8) }

// SW2 is the second status byte.
func (sw StatusWord) SW2() byte { return byte(sw) }

// OK reports whether the command succeeded.
func (sw StatusWord) OK() bool { return sw == SWSuccess }

// MoreData reports a 61 xx answer and how many bytes GET RESPONSE will return
// (0 means 256).
func (sw StatusWord) MoreData() (n int, ok bool) {
	if sw.SW1() != swMoreData {
		return 0, false
	}
	return lenByte(sw.SW2()), true
}

// WrongLe reports a 6C xx answer: the card wants the same command with Le = xx.
func (sw StatusWord) WrongLe() (le int, ok bool) {
	if sw.SW1() != swWrongLe {
		return 0, false
	}
	return lenByte(sw.SW2()), true
}

// TriesLeft reports a 63 Cx answer to VERIFY and the number of tries left.
func (sw StatusWord) TriesLeft() (n int, ok bool) {
	if sw.SW1() != swTriesLeft || sw.SW2()&0xF0 != 0xC0 {
		return 0, false
	}
	return int(sw.SW2() & 0x0F), true
}

// NotFound reports "file or applet not found". The spec leaves the exact SW
// for an unknown AID unconfirmed, so any 6A xx other than wrong P1/P2 counts.
func (sw StatusWord) NotFound() bool {
	return sw == SWNotFound || (sw.SW1() == swCheckError && sw != SWWrongP1P2)
}

var swNames = map[StatusWord]string{
	SWSuccess:              "success",
	SWPINBlocked:           "PIN blocked",
	SWSecurityNotSatisfied: "security status not satisfied",
	SWNoCurrentEF:          "no current EF",
	SWNotFound:             "file or applet not found",
	SWWrongP1P2:            "wrong P1/P2",
	SWOffsetPastEnd:        "offset past end of file",
	SWWrongLength:          "wrong length",
	SWINSNotSupported:      "instruction not supported",
	SWCLANotSupported:      "class not supported",
}

func (sw StatusWord) String() string {
	name := swNames[sw]
	if name == "" {
		if n, ok := sw.TriesLeft(); ok {
			name = fmt.Sprintf("wrong PIN, %d tries left", n)
		} else if n, ok := sw.MoreData(); ok {
			name = fmt.Sprintf("%d bytes available", n)
		} else if n, ok := sw.WrongLe(); ok {
			name = fmt.Sprintf("wrong Le, use %d", n)
		} else {
			name = "unexpected"
		}
	}
	return fmt.Sprintf("%04X (%s)", uint16(sw), name)
}

// lenByte reads a one-byte length where 00 stands for 256.
func lenByte(b byte) int {
	if b == 0 {
		return 256
	}
	return int(b)
}
