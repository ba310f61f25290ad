package card

import (
	"fmt"
)

// PIN names one of the three PINs a resident may be asked for.
type PIN int

// The three PINs, in the order they are shown.
const (
	PINHelper PIN = iota // 券面事項入力補助用暗証番号: 4 digits, 3 tries
	PINAuth              // 利用者証明用電子証明書暗証番号: 4 digits, 3 tries
	PINSign              // 署名用電子証明書暗証番号: 6–16 of A–Z0–9, 5 tries
)

// PINs lists every PIN, for loops that show all counters.
var PINs = []PIN{PINHelper, PINAuth, PINSign}

type pinInfo struct {
	key      string
	applet   []byte
	fid      FID
	maxTries int
	minLen   int
	maxLen   int
	alnum    bool
}

var pinTable = map[PIN]pinInfo{
	PINHelper: {"helper", AIDInputHelper, FIDHelperPIN, 3, 4, 4, false},
	PINAuth:   {"auth", AIDJPKI, FIDJPKIAuthPIN, 3, 4, 4, false},
	PINSign:   {"sign", AIDJPKI, FIDJPKISignPIN, 5, 6, 16, true},
}

// String is a stable key ("helper", "auth", "sign") for JSON and logs.
func (p PIN) String() string {
	if i, ok := pinTable[p]; ok {
		return i.key
	}
	return fmt.Sprintf("pin(%d)", int(p))
}

// MaxTries is the counter's value when the PIN is not blocked and unused.
func (p PIN) MaxTries() int { return pinTable[p].maxTries }

// Applet is the DF name of the applet that holds the PIN.
func (p PIN) Applet() []byte { return pinTable[p].applet }

// File is the PIN's EF inside its applet.
func (p PIN) File() FID { return pinTable[p].fid }

// Normalize checks the PIN's shape before it may reach the card and returns
// the bytes to send. A signing password is folded to upper case, because
// residents are told it is case-insensitive. A shape error never costs a try.
// The caller owns the returned slice and should Wipe it after use.
func (p PIN) Normalize(pin []byte) ([]byte, error) {
	info, ok := pinTable[p]
	if !ok {
		return nil, fmt.Errorf("card: unknown PIN %d", int(p))
	}
	if len(pin) < info.minLen || len(pin) > info.maxLen {
		return nil, &PINFormatError{PIN: p, Reason: FormatLength}
	}
	out := make([]byte, len(pin))
	for i := 0; i < len(pin); i++ {
		c := pin[i]
		switch {
		case c >= '0' && c <= '9':
		case info.alnum && c >= 'A' && c <= 'Z':
		case info.alnum && c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		default:
			Wipe(out)
			reason := FormatDigits
			if info.alnum {
				reason = FormatAlnum
			}
			return nil, &PINFormatError{PIN: p, Reason: reason}
		}
		out[i] = c
	}
	return out, nil
}

// FormatHint describes the PIN's shape in English for messages and logs.
func (p PIN) FormatHint() string {
	info := pinTable[p]
	if info.alnum {
		return fmt.Sprintf("%d–%d letters A–Z and digits", info.minLen, info.maxLen)
	}
	return fmt.Sprintf("%d digits", info.minLen)
}

// Wipe overwrites a PIN buffer so the PIN does not linger in memory.
func Wipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
}

// PINPrompt asks the resident for a PIN. It is told which PIN and how many
// tries are left, so the prompt can say so before the resident types. It is
// called at most once per operation. The driver wipes the returned slice
// after use, so the prompt should return a buffer of its own, not a string's
// bytes it wants to keep.
type PINPrompt func(pin PIN, triesLeft int) ([]byte, error)
