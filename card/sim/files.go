package sim

import (
	"crypto/sha256"
	"strings"
)

// Contents of the elementary files, built from a Profile. Layouts follow
// shared/spec/mynumber-card.md; where the spec does not fix a byte the choice
// is noted.

const (
	filler = 0xFF // what a real card's unused EEPROM reads as after a TLV

	tokenInfoLen = 160
	// certFileLen is the minimum size of a certificate EF: real cards keep
	// certificates in fixed-size files, so the driver must size the
	// certificate from its DER header, not from the end of the file.
	certFileLen = 2048
)

// tlv encodes one BER TLV with a 1- or 2-byte tag and the shortest length
// (short form, 81 xx or 82 xx xx).
func tlv(tag uint16, value []byte) []byte {
	var out []byte
	if tag > 0xFF {
		out = append(out, byte(tag>>8))
	}
	out = append(out, byte(tag))
	out = append(out, berLen(len(value))...)
	return append(out, value...)
}

func berLen(n int) []byte {
	switch {
	case n < 0x80:
		return []byte{byte(n)}
	case n <= 0xFF:
		return []byte{0x81, byte(n)}
	default:
		return []byte{0x82, byte(n >> 8), byte(n)}
	}
}

// padTo appends filler until b is at least n bytes long.
func padTo(b []byte, n int) []byte {
	for len(b) < n {
		b = append(b, filler)
	}
	return b
}

// roundUp256 pads b with filler to the next multiple of 256, always adding at
// least one filler byte so the file is longer than its TLV.
func roundUp256(b []byte) []byte {
	return padTo(b, (len(b)/256+1)*256)
}

// tokenInfo is JPKI EF 0006: a PKCS#11 CK_TOKEN_INFO-like record of 160
// bytes. Only the 32-byte space-padded label is specified; the manufacturer,
// model and serial fields that follow are this simulator's own.
func tokenInfo(t Token, serial string) []byte {
	field := func(s string, n int) []byte {
		if len(s) > n {
			s = s[:n]
		}
		return []byte(s + strings.Repeat(" ", n-len(s)))
	}
	out := field(t.Label(), 32)
	out = append(out, field("mynasim", 32)...)
	out = append(out, field("virtual", 16)...)
	out = append(out, field(serial, 16)...)
	for len(out) < tokenInfoLen {
		out = append(out, 0)
	}
	return out
}

// certFlags is JPKI EF 0008: both certificates present, or only the
// authentication one (a child's card).
func certFlags(noSign bool) []byte {
	if noSign {
		return []byte{0x8F, 0x00, 0x00}
	}
	return []byte{0x8F, 0x8F, 0x00}
}

// certFile pads a DER certificate into its fixed-size EF.
func certFile(der []byte) []byte {
	out := append([]byte(nil), der...)
	return padTo(out, certFileLen)
}

// Input-helper tags.
const (
	tagAttributes uint16 = 0xFF20
	tagOffsets    uint16 = 0xDF21
	tagName       uint16 = 0xDF22
	tagAddress    uint16 = 0xDF23
	tagBirth      uint16 = 0xDF24
	tagSex        uint16 = 0xDF25
	tagNumber     uint16 = 0xFF10
	tagAPInfo     uint16 = 0xFF40
	tagAPVersion  uint16 = 0xDF41
	tagAPKeyID    uint16 = 0xDF42
	tagDigests    uint16 = 0xFF30
)

// helperAttributes is input-helper EF 0002. The offsets header (DF 21) holds,
// 2 bytes big-endian per field, the offset of the DF 22..DF 25 TLVs from the
// start of the FF 20 value: the spec only says "2 bytes per field". The file
// is padded with filler past its TLV, as on real cards.
func helperAttributes(a Holder) []byte {
	fields := [][]byte{
		tlv(tagName, []byte(a.Name)),
		tlv(tagAddress, []byte(a.Address)),
		tlv(tagBirth, []byte(a.Birth)),
		tlv(tagSex, []byte(a.Sex)),
	}
	headerLen := len(tlv(tagOffsets, make([]byte, 2*len(fields))))
	offsets := make([]byte, 0, 2*len(fields))
	at := headerLen
	for _, f := range fields {
		offsets = append(offsets, byte(at>>8), byte(at))
		at += len(f)
	}
	value := tlv(tagOffsets, offsets)
	for _, f := range fields {
		value = append(value, f...)
	}
	return roundUp256(tlv(tagAttributes, value))
}

// helperNumber is input-helper EF 0001: FF 10 0C <12 digits> FF FF.
func helperNumber(number string) []byte {
	return append(tlv(tagNumber, []byte(number)), filler, filler)
}

// helperDigests is input-helper EF 0003: SHA-256 of EF 0001 and EF 0002 and a
// stand-in for the issuer's signature (256 bytes derived from the digests; it
// does not verify against anything and the product never checks it).
func helperDigests(ef0001, ef0002 []byte) []byte {
	d1 := sha256.Sum256(ef0001)
	d2 := sha256.Sum256(ef0002)
	var sig []byte
	seed := append(d1[:], d2[:]...)
	for len(sig) < 256 {
		h := sha256.Sum256(append(seed, byte(len(sig)/32)))
		sig = append(sig, h[:]...)
	}
	value := append(tlv(0xDF31, d1[:]), tlv(0xDF32, d2[:])...)
	value = append(value, tlv(0xDF33, sig)...)
	return tlv(tagDigests, value)
}

// helperIssuerCVC is input-helper EF 0004: a placeholder card-verifiable
// certificate (tag 7F 21), padded.
func helperIssuerCVC() []byte {
	body := tlv(0x5F29, []byte{0x00})
	body = append(body, tlv(0x42, []byte("MYNASIM-ISSUER"))...)
	return roundUp256(tlv(0x7F21, body))
}

// helperAPInfo is input-helper EF 0005: FF 40 { DF 41 version, ext-APDU flag,
// vendor, option; DF 42 16-byte key id }.
func helperAPInfo(e Extended) []byte {
	var flag byte
	if e.claims() {
		flag = 0x01
	}
	keyID := []byte("MYNASIM-KEYID-01")
	value := append(tlv(tagAPVersion, []byte{0x01, flag, 0x00, 0x00}), tlv(tagAPKeyID, keyID)...)
	return tlv(tagAPInfo, value)
}

// faceImage is a small dummy image for the card-face applet: a TLV holding a
// minimal JPEG 2000 signature box, padded. Real cards hold the face photo
// and the printed text as images.
func faceImage(tag uint16) []byte {
	jp2 := []byte{0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A}
	return roundUp256(tlv(tag, jp2))
}
