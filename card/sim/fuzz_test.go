package sim

import (
	"testing"
)

// FuzzProcess feeds arbitrary APDU sequences to one card: it must never
// panic and must always answer at least SW1 SW2. A sequence lets the fuzzer
// reach deep states (applet selected, PIN verified, 61 xx pending).
func FuzzProcess(f *testing.F) {
	for _, seed := range []string{
		selJPKI, selHelper, selEF("0006"), "00 B0 00 00 00", "00 B0 00 00 00 08 00", verifyAPDU(""),
		verifyAPDU("1234"), "80 2A 00 80 03 010203 00", "00 C0 00 00 00", "00 24 01 80 04 31323334", "",
		"00", "00 A4 04 0C 00", "00 B0 7F FF 01", "00 20 00 80 00 00 00",
	} {
		f.Add(h(seed), byte(0))
	}
	cards := map[byte]*Card{}
	for i, edit := range []func(*Profile){
		func(*Profile) {},
		func(p *Profile) { p.Response = ResponseGetResponse },
		func(p *Profile) { p.Response = ResponseWrongLe; p.Extended = ExtendedReject },
		func(p *Profile) { p.Token = TokenSmartphone; p.Extended = ExtendedClaimOnly },
		func(p *Profile) { p.Generation = "nextgen-hypothetical"; p.Extended = ExtendedReject },
		func(p *Profile) { p.NoSignCert = true },
	} {
		cards[byte(i)] = newTestCard(f, edit)
	}
	f.Fuzz(func(t *testing.T, apdu []byte, which byte) {
		c := cards[which%byte(len(cards))]
		// Walk the card into the JPKI applet with the auth PIN verified and
		// a key selected, so the fuzzed APDU meets every state.
		for _, prefix := range []string{selJPKI, selEF("0018"), verifyAPDU("1234"), selEF("0017")} {
			c.Process(h(prefix))
		}
		for _, a := range [][]byte{apdu, apdu, h("00 C0 00 00 00")} {
			if resp := c.Process(a); len(resp) < 2 {
				t.Fatalf("answer % X to % X is shorter than a status word", resp, a)
			}
		}
	})
}
