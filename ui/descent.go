package ui

import "encoding/binary"

// descentShare is the room below the baseline a line box gets, as a share
// of the em: Latin descenders (g, y, p) of the Japanese fonts reach about
// 0.2 em.
const descentShare = 0.25

// roomForDescenders returns font data whose line box leaves room for
// Latin descenders. Fyne sizes the texture of a text by the font's line
// metrics (hhea, or OS/2 with USE_TYPO_METRICS), and the Japanese fonts
// declare a descent smaller than their Latin glyphs: the bottom of g and y
// was cut off. Only the descent fields of hhea and OS/2 grow; glyphs, the
// baseline and everything else stay. Data that is not a single TrueType or
// OpenType font (a collection, or garbage) is returned unchanged.
func roomForDescenders(data []byte) []byte {
	if len(data) < 12 {
		return data
	}
	switch binary.BigEndian.Uint32(data) {
	case 0x00010000, 0x4F54544F /* OTTO */, 0x74727565 /* true */ :
	default:
		return data
	}
	type table struct{ entry, off, n int }
	tables := map[string]table{}
	num := int(binary.BigEndian.Uint16(data[4:]))
	for i := 0; i < num; i++ {
		e := 12 + 16*i
		if e+16 > len(data) {
			return data
		}
		off, n := int(binary.BigEndian.Uint32(data[e+8:])), int(binary.BigEndian.Uint32(data[e+12:]))
		if off < 0 || n < 0 || off+n > len(data) {
			return data
		}
		tables[string(data[e:e+4])] = table{e, off, n}
	}
	head, hhea := tables["head"], tables["hhea"]
	if head.n < 54 || hhea.n < 36 {
		return data
	}
	upm := int(binary.BigEndian.Uint16(data[head.off+18:]))
	if upm == 0 {
		return data
	}
	want := int16(float64(upm) * descentShare)
	out := append([]byte(nil), data...)
	grow := func(t table, at int, negative bool) {
		v := int16(binary.BigEndian.Uint16(out[t.off+at:]))
		switch {
		case negative && v > -want:
			binary.BigEndian.PutUint16(out[t.off+at:], uint16(-want))
		case !negative && v < want:
			binary.BigEndian.PutUint16(out[t.off+at:], uint16(want))
		}
	}
	grow(hhea, 6, true) // descender
	if os2 := tables["OS/2"]; os2.n >= 78 {
		grow(os2, 70, true)  // sTypoDescender
		grow(os2, 76, false) // usWinDescent
		fixChecksum(out, os2.entry, os2.off, os2.n)
	}
	fixChecksum(out, hhea.entry, hhea.off, hhea.n)
	return out
}

// fixChecksum writes the table's checksum again into its directory entry.
func fixChecksum(data []byte, entry, off, n int) {
	var sum uint32
	for i := 0; i < n; i += 4 {
		var w [4]byte
		copy(w[:], data[off+i:min(off+i+4, off+n)])
		sum += binary.BigEndian.Uint32(w[:])
	}
	binary.BigEndian.PutUint32(data[entry+4:], sum)
}
