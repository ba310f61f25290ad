package card

// Applet DF names (spec: "Applets").
var (
	AIDJPKI        = []byte{0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01}
	AIDInputHelper = []byte{0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08}
	AIDCardFace    = []byte{0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x02}
	AIDJuki        = []byte{0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x01, 0x00}
)

// FID names an elementary file inside the currently selected applet.
type FID uint16

// JPKI applet files (spec: "JPKI applet files").
const (
	FIDJPKISignCert  FID = 0x0001 // needs the signing password
	FIDJPKISignCA    FID = 0x0002
	FIDJPKITokenInfo FID = 0x0006
	FIDJPKICertFlags FID = 0x0008
	FIDJPKIAuthCert  FID = 0x000A
	FIDJPKIAuthCA    FID = 0x000B
	FIDJPKIAuthKey   FID = 0x0017
	FIDJPKIAuthPIN   FID = 0x0018
	FIDJPKISignKey   FID = 0x001A
	FIDJPKISignPIN   FID = 0x001B
)

// Input-helper (券面事項入力補助) applet files. EF 0001, the individual
// number, is deliberately absent: the product never reads it.
const (
	FIDHelperAttributes FID = 0x0002 // the 4 basic attributes
	FIDHelperDigests    FID = 0x0003
	FIDHelperIssuerCVC  FID = 0x0004
	FIDHelperInfo       FID = 0x0005
	FIDHelperPIN        FID = 0x0011
	FIDHelperPINA       FID = 0x0014
	FIDHelperPINB       FID = 0x0015
)

// Instruction bytes (ISO 7816-4 and the JPKI applet).
const (
	INSSelect        byte = 0xA4
	INSReadBinary    byte = 0xB0
	INSVerify        byte = 0x20
	INSChangePIN     byte = 0x24
	INSGetResponse   byte = 0xC0
	INSComputeSig    byte = 0x2A // CLA 80: COMPUTE DIGITAL SIGNATURE
	P1SelectByDF     byte = 0x04
	P1SelectByFID    byte = 0x02
	P2SelectNoData   byte = 0x0C
	P2VerifyPIN      byte = 0x80
	P1ComputeSig     byte = 0x00
	P2ComputeSig     byte = 0x80
	CLAProprietary   byte = 0x80
	CLAInterindustry byte = 0x00
)

// Token labels found at the start of JPKI EF 0006 (spec: "Card identification").
const (
	TokenMyNumberCard = "JPKIAPICCTOKEN2"
	TokenJukiCard     = "JPKIAPICCTOKEN"
	TokenSmartphone   = "JPKIAPGPSETOKEN"
)

// ATRMyNumberCard is the contact ATR of a real card. It is shown in
// diagnostics only: a card is recognised by its JPKI token file, never by ATR.
var ATRMyNumberCard = []byte{0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14}
