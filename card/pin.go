package card

import (
	"fmt"
)

// PIN names one PIN a resident may be asked for. Which PINs a card has, and
// their shape, come from its Profile; the methods below describe them as on
// the current card (DefaultProfile).
type PIN int

// The PINs, in the order they are shown.
const (
	PINHelper PIN = iota // 券面事項入力補助用暗証番号: 4 digits, 3 tries
	PINAuth              // 利用者証明用電子証明書暗証番号: 4 digits, 3 tries
	PINSign              // 署名用電子証明書暗証番号: 6–16 of A–Z0–9, 5 tries
)

// PINs lists the PINs of the current card (DefaultProfile). Code that shows
// the PINs of the card in the reader uses Status.PINs or Profile.PINs.
var PINs = []PIN{PINHelper, PINAuth, PINSign}

var pinKeys = map[PIN]string{PINHelper: "helper", PINAuth: "auth", PINSign: "sign"}

// String is a stable key ("helper", "auth", "sign") for JSON and logs.
func (p PIN) String() string {
	if k, ok := pinKeys[p]; ok {
		return k
	}
	return fmt.Sprintf("pin(%d)", int(p))
}

// spec is the PIN as the current card has it.
func (p PIN) spec() PINSpec {
	s, _ := profileCurrent.PIN(p)
	return s
}

// MaxTries is the counter's value when the PIN is not blocked and unused.
func (p PIN) MaxTries() int { return p.spec().MaxTries }

// Applet is the DF name of the applet that holds the PIN.
func (p PIN) Applet() []byte { return p.spec().Applet }

// File is the PIN's EF inside its applet.
func (p PIN) File() FID { return p.spec().File }

// Normalize checks the PIN's shape before it may reach the card and returns
// the bytes to send. A signing password is folded to upper case, because
// residents are told it is case-insensitive. A shape error never costs a try.
// The caller owns the returned slice and should Wipe it after use.
func (p PIN) Normalize(pin []byte) ([]byte, error) {
	s, ok := profileCurrent.PIN(p)
	if !ok {
		return nil, fmt.Errorf("card: unknown PIN %d", int(p))
	}
	return s.Normalize(pin)
}

// FormatHint describes the PIN's shape in English for messages and logs.
func (p PIN) FormatHint() string { return p.spec().FormatHint() }

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
