package card

import "github.com/mynadesk/mynadesk/jpki"

// The next-generation card is planned from fiscal 2026 and its layout is not
// published. This profile is hypothetical, made from the published plans
// (spec: "The next-generation card"): one authentication applet for
// everything behind a PIN, two PINs (4 digits, and a signing password of 6
// or more characters that also opens the card-face attributes), larger RSA
// keys. Its AID, FIDs and token label are this project's own, so the
// virtual card can play it and the whole flow is tested against a card with
// a different number of PINs and a different key size.
var (
	AIDNextGenAuth = []byte{0xD3, 0x92, 0xF0, 0x00, 0x26, 0x02, 0x00, 0x00, 0x00, 0x01}
	// TokenNextGen is the hypothetical token label of the next card.
	TokenNextGen = "JPKIAPICCTOKEN3"
)

// FIDs of the hypothetical next-generation authentication applet.
const (
	FIDNextSignCert   FID = 0x0001
	FIDNextSignCA     FID = 0x0002
	FIDNextTokenInfo  FID = 0x0006
	FIDNextCertFlags  FID = 0x0008
	FIDNextAuthCert   FID = 0x000A
	FIDNextAuthCA     FID = 0x000B
	FIDNextAttributes FID = 0x0020
	FIDNextAuthKey    FID = 0x0017
	FIDNextAuthPIN    FID = 0x0018
	FIDNextSignKey    FID = 0x001A
	FIDNextSignPIN    FID = 0x001B
)

var profileNextGen = &Profile{
	Name:         "nextgen-hypothetical",
	Description:  "hypothetical next-generation card: one authentication applet, two PINs, RSA-3072",
	Hypothetical: true,
	JPKI:         AIDNextGenAuth,
	TokenInfo:    FIDNextTokenInfo,
	CertFlags:    FIDNextCertFlags,
	Certs: map[CertID]FID{
		CertAuth: FIDNextAuthCert, CertSign: FIDNextSignCert,
		CertAuthCA: FIDNextAuthCA, CertSignCA: FIDNextSignCA,
	},
	Keys: map[KeyID]KeySpec{
		KeyAuth: {File: FIDNextAuthKey, PIN: PINAuth, Cert: CertAuth},
		KeySign: {File: FIDNextSignKey, PIN: PINSign, Cert: CertSign},
	},
	Attributes: AttributeSpec{Applet: AIDNextGenAuth, File: FIDNextAttributes, PIN: PINSign},
	PINs: []PINSpec{
		{PIN: PINAuth, Applet: AIDNextGenAuth, File: FIDNextAuthPIN, MaxTries: 3, MinLen: 4, MaxLen: 4, Opens: []string{"auth"}},
		{PIN: PINSign, Applet: AIDNextGenAuth, File: FIDNextSignPIN, MaxTries: 5, MinLen: 6, MaxLen: 16, Alnum: true, Opens: []string{"sign", "attributes"}},
	},
	Algorithms: jpki.AlgorithmsNextGen,
	Labels:     []string{TokenNextGen},
}

func init() { registerProfile(profileNextGen) }
