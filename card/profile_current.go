package card

import "github.com/mynadesk/mynadesk/jpki"

// profileCurrent is the My Number Card issued since 2016 (spec: "Applets",
// "JPKI applet files", "券面事項入力補助 AP files"): three PINs, RSA-2048.
var profileCurrent = &Profile{
	Name:        "mynumber-2016",
	Description: "My Number Card (2016–): JPKI, input-helper and card-face applets, three PINs, RSA-2048",
	JPKI:        AIDJPKI,
	TokenInfo:   FIDJPKITokenInfo,
	CertFlags:   FIDJPKICertFlags,
	Certs: map[CertID]FID{
		CertAuth: FIDJPKIAuthCert, CertSign: FIDJPKISignCert,
		CertAuthCA: FIDJPKIAuthCA, CertSignCA: FIDJPKISignCA,
	},
	Keys: map[KeyID]KeySpec{
		KeyAuth: {File: FIDJPKIAuthKey, PIN: PINAuth, Cert: CertAuth},
		KeySign: {File: FIDJPKISignKey, PIN: PINSign, Cert: CertSign},
	},
	Attributes: AttributeSpec{Applet: AIDInputHelper, File: FIDHelperAttributes, PIN: PINHelper},
	PINs: []PINSpec{
		{PIN: PINHelper, Applet: AIDInputHelper, File: FIDHelperPIN, MaxTries: 3, MinLen: 4, MaxLen: 4, Opens: []string{"attributes"}},
		{PIN: PINAuth, Applet: AIDJPKI, File: FIDJPKIAuthPIN, MaxTries: 3, MinLen: 4, MaxLen: 4, Opens: []string{"auth"}},
		{PIN: PINSign, Applet: AIDJPKI, File: FIDJPKISignPIN, MaxTries: 5, MinLen: 6, MaxLen: 16, Alnum: true, Opens: []string{"sign"}},
	},
	Algorithms: jpki.AlgorithmsCurrent,
	Labels:     []string{TokenMyNumberCard, TokenSmartphone},
}

func init() { registerProfile(profileCurrent) }
