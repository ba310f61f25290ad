package sim

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"sync"

	"github.com/mynadesk/mynadesk/card"
)

// Status words the card answers beyond those named in package card.
const (
	swWrongData        card.StatusWord = 0x6A80 // CHANGE PIN with a new PIN of the wrong shape
	swIncompatibleFile card.StatusWord = 0x6981 // READ BINARY on a key or PIN, VERIFY on a data EF
	swConditionsNotMet card.StatusWord = 0x6985 // GET RESPONSE with nothing pending
	swMemoryFailure    card.StatusWord = 0x6581 // the counter could not be written
	swMoreDataSW1                      = 0x61
	swWrongLeSW1                       = 0x6C
)

const (
	insGetResponse = card.INSGetResponse
	// helperNumberTries is the counter of 照合番号A/B; the spec does not
	// give it.
	helperNumberTries = 10
)

// pinObj is one PIN (or 照合番号) with its counter.
type pinObj struct {
	name       string // key in the card directory's state file
	value      []byte
	tries, max int
	kind       card.PIN // shape rule for CHANGE PIN
	changeable bool
}

type efKind int

const (
	efData efKind = iota
	efPIN
	efKey
)

// ef is one elementary file.
type ef struct {
	kind efKind
	data []byte
	// read lists the PINs any one of which opens a data EF; nil means free.
	read []*pinObj
	pin  *pinObj // efPIN: the PIN itself; efKey: the PIN that unlocks the key
	key  *rsa.PrivateKey
}

type applet struct {
	name  string
	aid   []byte
	files map[card.FID]*ef
}

// Card is a virtual My Number Card: the state machine behind the APDUs.
// It is safe for concurrent use; each APDU is processed whole.
type Card struct {
	mu       sync.Mutex
	applets  []*applet
	pins     []*pinObj
	byPIN    map[card.PIN]*pinObj
	cur      *applet
	curEF    *ef
	verified map[*pinObj]bool
	pending  []byte // response data waiting for GET RESPONSE
	ext      Extended
	resp     ResponseMode
	save     func(map[string]pinState) error // persists counters and PINs; nil in memory only

	// txn is held by the Conn inside Begin/End, or briefly by any Conn
	// transmitting outside a transaction.
	txn chan struct{}
}

// pinState is what the card directory keeps of one PIN.
type pinState struct {
	Value string `json:"value"`
	Tries int    `json:"tries_left"`
}

// NewCard builds a card from a profile, in memory only: PIN counters are
// lost when the Card is dropped. OpenCard builds one that persists them.
func NewCard(p Profile) (*Card, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	c := &Card{
		byPIN:    map[card.PIN]*pinObj{},
		verified: map[*pinObj]bool{},
		ext:      p.Extended,
		resp:     p.Response,
		txn:      make(chan struct{}, 1),
	}
	newPIN := func(name, value string, max int, kind card.PIN, changeable bool) *pinObj {
		po := &pinObj{name: name, value: []byte(value), tries: max, max: max, kind: kind, changeable: changeable}
		c.pins = append(c.pins, po)
		return po
	}
	helper := newPIN("helper", p.HelperPIN, card.PINHelper.MaxTries(), card.PINHelper, true)
	auth := newPIN("auth", p.AuthPIN, card.PINAuth.MaxTries(), card.PINAuth, true)
	sign := newPIN("sign", p.SignPIN, card.PINSign.MaxTries(), card.PINSign, true)
	c.byPIN[card.PINHelper], c.byPIN[card.PINAuth], c.byPIN[card.PINSign] = helper, auth, sign
	for kind, n := range p.TriesLeft {
		c.byPIN[kind].tries = n
	}
	numberA := newPIN("number-a", p.IndividualNumber, helperNumberTries, 0, false)
	numberB := newPIN("number-b", p.Holder.Birth[2:]+p.ExpiryYear+p.SecurityCode, helperNumberTries, 0, false)

	data := func(b []byte, read ...*pinObj) *ef { return &ef{kind: efData, data: b, read: read} }
	var authCertRead []*pinObj
	if p.Token == TokenSmartphone {
		authCertRead = []*pinObj{auth}
	}
	serial := sha256.Sum256(p.AuthCert)
	signCert := certFile(p.SignCert)
	if p.NoSignCert {
		signCert = make([]byte, len(signCert)) // an empty file: nothing to read
	}
	jpki := &applet{name: "jpki", aid: card.AIDJPKI, files: map[card.FID]*ef{
		card.FIDJPKIAuthCert:  data(certFile(p.AuthCert), authCertRead...),
		card.FIDJPKIAuthCA:    data(certFile(p.AuthCACert)),
		card.FIDJPKISignCert:  data(signCert, sign),
		card.FIDJPKISignCA:    data(certFile(p.SignCACert)),
		card.FIDJPKITokenInfo: data(tokenInfo(p.Token, hex.EncodeToString(serial[:8]))),
		card.FIDJPKICertFlags: data(certFlags(p.NoSignCert)),
		card.FIDJPKIAuthKey:   {kind: efKey, key: p.AuthKey, pin: auth},
		card.FIDJPKIAuthPIN:   {kind: efPIN, pin: auth},
		card.FIDJPKISignKey:   {kind: efKey, key: p.SignKey, pin: sign},
		card.FIDJPKISignPIN:   {kind: efPIN, pin: sign},
	}}
	juki := &applet{name: "juki", aid: card.AIDJuki, files: map[card.FID]*ef{}}
	c.applets = []*applet{jpki, juki}
	if p.Token == TokenCard {
		ef1 := helperNumber(p.IndividualNumber)
		ef2 := helperAttributes(p.Holder)
		c.applets = append(c.applets, &applet{name: "input-helper", aid: card.AIDInputHelper, files: map[card.FID]*ef{
			card.FIDHelperPIN:        {kind: efPIN, pin: helper},
			card.FIDHelperPINA:       {kind: efPIN, pin: numberA},
			card.FIDHelperPINB:       {kind: efPIN, pin: numberB},
			0x0001:                   data(ef1, helper, numberA),
			card.FIDHelperAttributes: data(ef2, helper, numberB),
			card.FIDHelperDigests:    data(helperDigests(ef1, ef2), helper, numberA, numberB),
			card.FIDHelperIssuerCVC:  data(helperIssuerCVC()),
			card.FIDHelperInfo:       data(helperAPInfo(p.Extended)),
		}}, &applet{name: "card-face", aid: card.AIDCardFace, files: map[card.FID]*ef{
			// The card-face applet's FIDs are not in the spec; this mirrors
			// the input helper: 照合番号A/B in 0014/0015.
			FIDFacePINA:   {kind: efPIN, pin: numberA},
			FIDFacePINB:   {kind: efPIN, pin: numberB},
			FIDFaceNumber: data(faceImage(0x5F40), numberA),
			FIDFaceFront:  data(faceImage(0x5F41), numberB),
		}})
	}
	return c, nil
}

// Card-face applet files of the virtual card (not confirmed on real cards).
const (
	FIDFaceNumber card.FID = 0x0001 // image of the individual number side; needs 照合番号A
	FIDFaceFront  card.FID = 0x0002 // images of the front side; needs 照合番号B
	FIDFacePINA   card.FID = 0x0014 // 照合番号A: the 12-digit individual number
	FIDFacePINB   card.FID = 0x0015 // 照合番号B: birth YYMMDD + expiry year + security code
)

// ATR is the answer to reset of the virtual card.
func (c *Card) ATR() []byte { return append([]byte(nil), card.ATRMyNumberCard...) }

// Reset is a power cycle or warm reset: no applet, no EF, no PIN verified.
// Counters are kept.
func (c *Card) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cur, c.curEF, c.pending = nil, nil, nil
	clear(c.verified)
}

// TriesLeft reports a PIN's counter as the card holds it, for tests and for
// `mynasim` output. It does not go through an APDU.
func (c *Card) TriesLeft(p card.PIN) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if po := c.byPIN[p]; po != nil {
		return po.tries
	}
	return 0
}

func sw(s card.StatusWord) []byte { return []byte{s.SW1(), s.SW2()} }

// Process answers one command APDU with a response APDU (data, SW1, SW2). It
// never panics and always answers at least the two status bytes.
func (c *Card) Process(apdu []byte) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(apdu) < 4 {
		c.pending = nil
		return sw(card.SWWrongLength)
	}
	cla, ins := apdu[0], apdu[1]
	if cla != card.CLAInterindustry && cla != card.CLAProprietary {
		c.pending = nil
		return sw(card.SWCLANotSupported)
	}
	var handler func(card.Command) []byte
	switch {
	case cla == card.CLAInterindustry && ins == card.INSSelect:
		handler = c.selectFile
	case cla == card.CLAInterindustry && ins == card.INSReadBinary:
		handler = c.readBinary
	case cla == card.CLAInterindustry && ins == card.INSVerify:
		handler = c.verify
	case cla == card.CLAInterindustry && ins == card.INSChangePIN:
		handler = c.changePIN
	case cla == card.CLAInterindustry && ins == insGetResponse:
		handler = c.getResponse
	case cla == card.CLAProprietary && ins == card.INSComputeSig:
		handler = c.computeSignature
	default:
		c.pending = nil
		return sw(card.SWINSNotSupported)
	}
	cmd, err := card.ParseCommand(apdu)
	if err != nil || (isExtended(apdu) && !c.ext.accepts()) {
		c.pending = nil
		return sw(card.SWWrongLength)
	}
	if ins != insGetResponse {
		c.pending = nil
	}
	return handler(cmd)
}

// isExtended reports an APDU in extended-length form (ISO 7816-4 §5.1): a
// body that starts with 00 and is longer than one byte.
func isExtended(apdu []byte) bool {
	return len(apdu) > 5 && apdu[4] == 0
}

// answer returns response data in the configured response mode.
func (c *Card) answer(data []byte) []byte {
	if c.resp == ResponseGetResponse && len(data) > 0 {
		c.pending = append([]byte(nil), data...)
		return []byte{swMoreDataSW1, byte(min(len(data), 256))}
	}
	out := make([]byte, 0, len(data)+2)
	out = append(out, data...)
	return append(out, sw(card.SWSuccess)...)
}

// getResponse hands out data held back by a 61 xx answer.
func (c *Card) getResponse(cmd card.Command) []byte {
	if cmd.P1 != 0 || cmd.P2 != 0 {
		return sw(card.SWWrongP1P2)
	}
	if len(cmd.Data) > 0 {
		return sw(card.SWWrongLength)
	}
	if len(c.pending) == 0 {
		return sw(swConditionsNotMet)
	}
	le := cmd.Le
	if le == card.NoLe {
		le = card.MaxShortLe
	}
	n := min(le, len(c.pending))
	out := append([]byte(nil), c.pending[:n]...)
	c.pending = c.pending[n:]
	if len(c.pending) > 0 {
		return append(out, swMoreDataSW1, byte(min(len(c.pending), 256)))
	}
	c.pending = nil
	return append(out, sw(card.SWSuccess)...)
}

func (c *Card) selectFile(cmd card.Command) []byte {
	switch cmd.P1 {
	case card.P1SelectByDF:
		if cmd.P2 != card.P2SelectNoData {
			return sw(card.SWWrongP1P2)
		}
		for _, a := range c.applets {
			if len(cmd.Data) > 0 && bytes.Equal(a.aid, cmd.Data) {
				c.cur, c.curEF = a, nil
				clear(c.verified)
				return sw(card.SWSuccess)
			}
		}
		return sw(card.SWNotFound)
	case card.P1SelectByFID:
		if cmd.P2 != card.P2SelectNoData {
			return sw(card.SWWrongP1P2)
		}
		if len(cmd.Data) != 2 {
			return sw(card.SWWrongLength)
		}
		if c.cur == nil {
			return sw(card.SWNotFound)
		}
		f, ok := c.cur.files[card.FID(cmd.Data[0])<<8|card.FID(cmd.Data[1])]
		if !ok {
			return sw(card.SWNotFound)
		}
		c.curEF = f
		return sw(card.SWSuccess)
	}
	// P1 = 09 (path) and every other selection method: not supported.
	return sw(card.SWWrongP1P2)
}

// readable reports whether the current security state opens f.
func (c *Card) readable(f *ef) bool {
	if f.read == nil {
		return true
	}
	for _, p := range f.read {
		if c.verified[p] {
			return true
		}
	}
	return false
}

func (c *Card) readBinary(cmd card.Command) []byte {
	if cmd.P1&0x80 != 0 { // short EF identifier addressing: not supported
		return sw(card.SWWrongP1P2)
	}
	if len(cmd.Data) > 0 || cmd.Le == card.NoLe {
		return sw(card.SWWrongLength)
	}
	f := c.curEF
	switch {
	case f == nil:
		return sw(card.SWNoCurrentEF)
	case f.kind != efData:
		return sw(swIncompatibleFile)
	case !c.readable(f):
		return sw(card.SWSecurityNotSatisfied)
	}
	offset := int(cmd.P1)<<8 | int(cmd.P2)
	if offset >= len(f.data) {
		return sw(card.SWOffsetPastEnd)
	}
	remaining := len(f.data) - offset
	if c.resp == ResponseWrongLe {
		want := min(remaining, card.MaxShortLe)
		if cmd.Le > card.MaxShortLe || cmd.Le > remaining {
			return []byte{swWrongLeSW1, byte(want)}
		}
	}
	n := min(cmd.Le, remaining)
	return c.answer(f.data[offset : offset+n])
}

// pinEF returns the current EF if it is a PIN, or the status word to answer.
func (c *Card) pinEF() (*pinObj, []byte) {
	switch {
	case c.curEF == nil:
		return nil, sw(card.SWNoCurrentEF)
	case c.curEF.kind != efPIN:
		return nil, sw(swIncompatibleFile)
	}
	return c.curEF.pin, nil
}

func triesSW(n int) []byte { return []byte{0x63, 0xC0 | byte(n&0x0F)} }

func (c *Card) verify(cmd card.Command) []byte {
	if cmd.P1 != 0 || cmd.P2 != card.P2VerifyPIN {
		return sw(card.SWWrongP1P2)
	}
	p, bad := c.pinEF()
	if bad != nil {
		return bad
	}
	if len(cmd.Data) == 0 { // ask for the counter; no try is used
		return triesSW(p.tries)
	}
	if p.tries == 0 {
		return sw(card.SWPINBlocked)
	}
	// Use the try and make it durable before comparing, as a card does, so
	// pulling the card mid-command cannot give a free try.
	p.tries--
	if err := c.persist(); err != nil {
		p.tries++
		return sw(swMemoryFailure)
	}
	if subtle.ConstantTimeCompare(p.value, cmd.Data) != 1 {
		delete(c.verified, p)
		return triesSW(p.tries)
	}
	p.tries = p.max
	if err := c.persist(); err != nil {
		return sw(swMemoryFailure)
	}
	c.verified[p] = true
	return sw(card.SWSuccess)
}

func (c *Card) changePIN(cmd card.Command) []byte {
	if cmd.P1 != 0x01 || cmd.P2 != card.P2VerifyPIN {
		return sw(card.SWWrongP1P2)
	}
	p, bad := c.pinEF()
	if bad != nil {
		return bad
	}
	switch {
	case !p.changeable:
		return sw(swIncompatibleFile)
	case p.tries == 0:
		return sw(card.SWPINBlocked)
	case !c.verified[p]:
		return sw(card.SWSecurityNotSatisfied)
	case len(cmd.Data) == 0:
		return sw(card.SWWrongLength)
	case !pinShapeOK(p.kind, cmd.Data):
		return sw(swWrongData)
	}
	old := p.value
	p.value = append([]byte(nil), cmd.Data...)
	if err := c.persist(); err != nil {
		p.value = old
		return sw(swMemoryFailure)
	}
	return sw(card.SWSuccess)
}

func (c *Card) computeSignature(cmd card.Command) []byte {
	if cmd.P1 != card.P1ComputeSig || cmd.P2 != card.P2ComputeSig {
		return sw(card.SWWrongP1P2)
	}
	f := c.curEF
	switch {
	case f == nil:
		return sw(card.SWNoCurrentEF)
	case f.kind != efKey:
		return sw(swIncompatibleFile)
	case !c.verified[f.pin]:
		return sw(card.SWSecurityNotSatisfied)
	case len(cmd.Data) == 0 || len(cmd.Data) > f.key.Size()-11:
		return sw(card.SWWrongLength)
	}
	size := f.key.Size()
	if c.resp == ResponseWrongLe && cmd.Le != card.NoLe && cmd.Le != size {
		return []byte{swWrongLeSW1, byte(size)}
	}
	// Hash 0: the data is the DigestInfo; the card only pads and exponentiates.
	sig, err := rsa.SignPKCS1v15(rand.Reader, f.key, crypto.Hash(0), cmd.Data)
	if err != nil {
		return sw(card.SWWrongLength)
	}
	return c.answer(sig)
}

// persist writes every counter and PIN through the card's store, if any.
func (c *Card) persist() error {
	if c.save == nil {
		return nil
	}
	return c.save(c.stateLocked())
}

func (c *Card) stateLocked() map[string]pinState {
	st := make(map[string]pinState, len(c.pins))
	for _, p := range c.pins {
		st[p.name] = pinState{Value: string(p.value), Tries: p.tries}
	}
	return st
}

// restore applies a saved state; unknown names are ignored, so a state
// file from an older layout still loads.
func (c *Card) restore(st map[string]pinState) {
	for _, p := range c.pins {
		if s, ok := st[p.name]; ok {
			p.value = []byte(s.Value)
			p.tries = max(0, min(s.Tries, p.max))
		}
	}
}
