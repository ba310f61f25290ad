// Command mkttc packs TrueType/OpenType fonts into one TrueType collection
// (.ttc), for the Windows lane: Japanese Windows has its Japanese fonts only
// as collections (msgothic.ttc holds MS Gothic and MS PGothic, meiryo.ttc,
// YuGothM.ttc), and Debian ships none, so the lane makes a stand-in
// msgothic.ttc from IPA Gothic and IPA PGothic.
//
//	mkttc OUT.ttc IN.ttf...
//
// Each font's tables are copied whole (no sharing); only their offsets
// change. Table checksums do not depend on where a table lies.
package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: mkttc OUT.ttc IN.ttf...")
		os.Exit(2)
	}
	var fonts [][]byte
	for _, p := range os.Args[2:] {
		b, err := os.ReadFile(p)
		if err != nil {
			fmt.Fprintln(os.Stderr, "mkttc:", err)
			os.Exit(1)
		}
		fonts = append(fonts, b)
	}
	out, err := pack(fonts)
	if err == nil {
		err = os.WriteFile(os.Args[1], out, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "mkttc:", err)
		os.Exit(1)
	}
}

// table is one entry of a font's table directory.
type table struct {
	tag, sum uint32
	data     []byte
}

// parse reads a single font's version and tables.
func parse(b []byte) (uint32, []table, error) {
	if len(b) < 12 {
		return 0, nil, errors.New("not a font: too short")
	}
	version := binary.BigEndian.Uint32(b)
	if version != 0x00010000 && version != 0x4F54544F /* OTTO */ && version != 0x74727565 /* true */ {
		return 0, nil, fmt.Errorf("not a single TrueType/OpenType font (version %08x)", version)
	}
	n := int(binary.BigEndian.Uint16(b[4:]))
	if len(b) < 12+16*n {
		return 0, nil, errors.New("table directory cut short")
	}
	tables := make([]table, n)
	for i := range tables {
		r := b[12+16*i:]
		off, size := binary.BigEndian.Uint32(r[8:]), binary.BigEndian.Uint32(r[12:])
		if uint64(off)+uint64(size) > uint64(len(b)) {
			return 0, nil, fmt.Errorf("table %d lies outside the file", i)
		}
		tables[i] = table{tag: binary.BigEndian.Uint32(r), sum: binary.BigEndian.Uint32(r[4:]), data: b[off : off+size]}
	}
	return version, tables, nil
}

func pad4(n int) int { return (n + 3) &^ 3 }

// pack writes a TTC 1.0: the header with every font's offset, each font's
// table directory, then every table.
func pack(fonts [][]byte) ([]byte, error) {
	type font struct {
		version uint32
		tables  []table
	}
	parsed := make([]font, len(fonts))
	for i, b := range fonts {
		v, t, err := parse(b)
		if err != nil {
			return nil, fmt.Errorf("font %d: %w", i+1, err)
		}
		parsed[i] = font{v, t}
	}
	at := 12 + 4*len(fonts)
	dirs := make([]int, len(fonts))
	for i, f := range parsed {
		dirs[i] = at
		at += 12 + 16*len(f.tables)
	}
	out := make([]byte, 0, at)
	out = binary.BigEndian.AppendUint32(out, 0x74746366) // ttcf
	out = binary.BigEndian.AppendUint32(out, 0x00010000)
	out = binary.BigEndian.AppendUint32(out, uint32(len(fonts)))
	for _, d := range dirs {
		out = binary.BigEndian.AppendUint32(out, uint32(d))
	}
	data := at
	for _, f := range parsed {
		n := len(f.tables)
		sr, es := 1, 0
		for sr*2 <= n {
			sr *= 2
			es++
		}
		out = binary.BigEndian.AppendUint32(out, f.version)
		out = binary.BigEndian.AppendUint16(out, uint16(n))
		out = binary.BigEndian.AppendUint16(out, uint16(sr*16))
		out = binary.BigEndian.AppendUint16(out, uint16(es))
		out = binary.BigEndian.AppendUint16(out, uint16(n*16-sr*16))
		for _, t := range f.tables {
			out = binary.BigEndian.AppendUint32(out, t.tag)
			out = binary.BigEndian.AppendUint32(out, t.sum)
			out = binary.BigEndian.AppendUint32(out, uint32(data))
			out = binary.BigEndian.AppendUint32(out, uint32(len(t.data)))
			data += pad4(len(t.data))
		}
	}
	for _, f := range parsed {
		for _, t := range f.tables {
			out = append(out, t.data...)
			out = append(out, make([]byte, pad4(len(t.data))-len(t.data))...)
		}
	}
	if len(out) != data {
		return nil, fmt.Errorf("internal: wrote %d bytes, laid out %d", len(out), data)
	}
	return out, nil
}
