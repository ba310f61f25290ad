// Command msitext puts a Japanese string into a built MSI, which wixl
// (msitools 0.101) cannot: its libmsi crashes writing any non-ASCII string
// into a table. The .wxs carries an ASCII placeholder of fixed length;
// msitext overwrites the placeholder's bytes in the string pool with the
// text in CP932, padded with spaces to the same length, and sets the
// database codepage to 932, both in place (no stream changes size, so the
// compound file's layout stays as wixl wrote it). Run it before signing.
//
//	msitext FILE.msi PLACEHOLDER TEXT
//
// packaging/windows/build.sh uses it for the Windows 10 launch condition's
// message; packaging/test.sh reads the message back with msiinfo.
package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"unicode/utf16"

	"golang.org/x/text/encoding/japanese"
)

func main() { os.Exit(run(os.Args[1:], os.Stderr)) }

func run(args []string, stderr io.Writer) int {
	if len(args) != 3 {
		fmt.Fprintln(stderr, "usage: msitext FILE.msi PLACEHOLDER TEXT")
		return 2
	}
	if err := patchFile(args[0], args[1], args[2]); err != nil {
		fmt.Fprintln(stderr, "msitext:", err)
		return 1
	}
	return 0
}

// cp932Codepage is the database codepage for Japanese.
const cp932Codepage = 932

func patchFile(path, placeholder, text string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := patch(data, placeholder, text); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// patch rewrites data (a whole MSI) in place.
func patch(data []byte, placeholder, text string) error {
	enc, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(text))
	if err != nil {
		return fmt.Errorf("text has a character CP932 lacks: %w", err)
	}
	if len(enc) > len(placeholder) {
		return fmt.Errorf("text is %d bytes in CP932, the placeholder only %d", len(enc), len(placeholder))
	}
	enc = append(enc, bytes.Repeat([]byte(" "), len(placeholder)-len(enc))...)
	f, err := openCFB(data)
	if err != nil {
		return err
	}
	pool, err := f.stream(msiStreamName("_StringPool"))
	if err != nil {
		return err
	}
	strs, err := f.stream(msiStreamName("_StringData"))
	if err != nil {
		return err
	}
	if len(pool) < 4 {
		return errors.New("string pool too short")
	}
	// The pool starts with the codepage: low 16 bits, then the high bits
	// with the long-string-reference flag (0x8000) kept.
	cp := uint32(f.byteAt(pool[0])) | uint32(f.byteAt(pool[1]))<<8
	hi := uint16(f.byteAt(pool[2])) | uint16(f.byteAt(pool[3]))<<8
	if cp != 0 && cp != cp932Codepage {
		return fmt.Errorf("database codepage is %d, not neutral or 932", cp)
	}
	content := make([]byte, len(strs))
	for i, off := range strs {
		content[i] = data[off]
	}
	at := bytes.Index(content, []byte(placeholder))
	if at < 0 {
		return fmt.Errorf("placeholder %q not in the string pool", placeholder)
	}
	if bytes.Contains(content[at+1:], []byte(placeholder)) {
		return fmt.Errorf("placeholder %q is in the string pool twice", placeholder)
	}
	for i, b := range enc {
		data[strs[at+i]] = b
	}
	var le [4]byte
	binary.LittleEndian.PutUint16(le[:], cp932Codepage)
	binary.LittleEndian.PutUint16(le[2:], hi&0x8000)
	for i := range le {
		data[pool[i]] = le[i]
	}
	return nil
}

// msiStreamName is how Windows Installer names a table's stream in the
// compound file: pairs of characters from [0-9A-Za-z._] packed into one
// UTF-16 unit, behind the table marker 0x4840.
func msiStreamName(table string) string {
	mime := func(c rune) (rune, bool) {
		switch {
		case c >= '0' && c <= '9':
			return c - '0', true
		case c >= 'A' && c <= 'Z':
			return c - 'A' + 10, true
		case c >= 'a' && c <= 'z':
			return c - 'a' + 36, true
		case c == '.':
			return 62, true
		case c == '_':
			return 63, true
		}
		return 0, false
	}
	out := []rune{0x4840}
	r := []rune(table)
	for i := 0; i < len(r); i++ {
		m1, ok1 := mime(r[i])
		if !ok1 {
			out = append(out, r[i])
			continue
		}
		if i+1 < len(r) {
			if m2, ok2 := mime(r[i+1]); ok2 {
				out = append(out, 0x3800+m1+m2<<6)
				i++
				continue
			}
		}
		out = append(out, 0x4800+m1)
	}
	return string(out)
}

// cfb is a compound file (OLE2 structured storage) read from memory, just
// enough to find where each byte of a stream lies in the file.
type cfb struct {
	data      []byte
	ssz       int // sector size
	msz       int // mini sector size
	cutoff    int // streams smaller than this live in the mini stream
	fat       []uint32
	minifat   []uint32
	dir       []byte
	rootChain []int64 // file offset of each sector of the mini stream
}

const (
	endOfChain = 0xFFFFFFFE
	freeSect   = 0xFFFFFFFF
)

func openCFB(data []byte) (*cfb, error) {
	if len(data) < 512 || !bytes.Equal(data[:8], []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}) {
		return nil, errors.New("not a compound file")
	}
	le := binary.LittleEndian
	f := &cfb{data: data, ssz: 1 << le.Uint16(data[0x1E:]), msz: 1 << le.Uint16(data[0x20:]), cutoff: int(le.Uint32(data[0x38:]))}
	if f.ssz != 512 && f.ssz != 4096 {
		return nil, fmt.Errorf("sector size %d", f.ssz)
	}
	// The FAT's sectors: 109 in the header, then DIFAT sectors.
	var fatSects []uint32
	for i := 0; i < 109; i++ {
		if s := le.Uint32(data[0x4C+4*i:]); s != freeSect {
			fatSects = append(fatSects, s)
		}
	}
	for s, n := le.Uint32(data[0x44:]), le.Uint32(data[0x48:]); n > 0 && s < endOfChain; n-- {
		sec, err := f.sector(s)
		if err != nil {
			return nil, err
		}
		for i := 0; i < f.ssz/4-1; i++ {
			if v := le.Uint32(sec[4*i:]); v != freeSect {
				fatSects = append(fatSects, v)
			}
		}
		s = le.Uint32(sec[f.ssz-4:])
	}
	for _, s := range fatSects {
		sec, err := f.sector(s)
		if err != nil {
			return nil, err
		}
		for i := 0; i < f.ssz/4; i++ {
			f.fat = append(f.fat, le.Uint32(sec[4*i:]))
		}
	}
	dirOffs, err := f.chain(le.Uint32(data[0x30:]), -1)
	if err != nil {
		return nil, err
	}
	for _, o := range dirOffs {
		f.dir = append(f.dir, data[o:o+int64(f.ssz)]...)
	}
	mfOffs, err := f.chain(le.Uint32(data[0x3C:]), -1)
	if err != nil {
		return nil, err
	}
	for _, o := range mfOffs {
		for i := 0; i < f.ssz/4; i++ {
			f.minifat = append(f.minifat, le.Uint32(data[o+int64(4*i):]))
		}
	}
	if len(f.dir) < 128 {
		return nil, errors.New("no directory")
	}
	f.rootChain, err = f.chain(le.Uint32(f.dir[0x74:]), -1)
	return f, err
}

func (f *cfb) sector(s uint32) ([]byte, error) {
	off := (int64(s) + 1) * int64(f.ssz)
	if s >= endOfChain || off+int64(f.ssz) > int64(len(f.data)) {
		return nil, fmt.Errorf("sector %d out of range", s)
	}
	return f.data[off : off+int64(f.ssz)], nil
}

// chain follows the FAT from start and returns each sector's file offset
// (at most limit sectors when limit ≥ 0).
func (f *cfb) chain(start uint32, limit int) ([]int64, error) {
	var out []int64
	for s := start; s < endOfChain; {
		if limit >= 0 && len(out) >= limit {
			break
		}
		if int(s) >= len(f.fat) || len(out) > len(f.fat) {
			return nil, errors.New("broken FAT chain")
		}
		out = append(out, (int64(s)+1)*int64(f.ssz))
		s = f.fat[s]
	}
	return out, nil
}

// stream returns the file offset of every byte of the named stream.
func (f *cfb) stream(name string) ([]int64, error) {
	le := binary.LittleEndian
	want := utf16.Encode([]rune(name))
	for e := 0; e+128 <= len(f.dir); e += 128 {
		ent := f.dir[e : e+128]
		n := int(le.Uint16(ent[0x40:]))
		if ent[0x42] != 2 || n < 2 || n > 64 || (n-2)/2 != len(want) {
			continue
		}
		match := true
		for i, u := range want {
			if le.Uint16(ent[2*i:]) != u {
				match = false
				break
			}
		}
		if !match {
			continue
		}
		start, size := le.Uint32(ent[0x74:]), int(le.Uint32(ent[0x78:]))
		out := make([]int64, 0, size)
		if size < f.cutoff {
			for s := start; s < endOfChain && len(out) < size; {
				if int(s) >= len(f.minifat) {
					return nil, errors.New("broken mini FAT chain")
				}
				pos := int64(s) * int64(f.msz)
				sec := int(pos / int64(f.ssz))
				if sec >= len(f.rootChain) {
					return nil, errors.New("mini sector outside the mini stream")
				}
				base := f.rootChain[sec] + pos%int64(f.ssz)
				for i := 0; i < f.msz && len(out) < size; i++ {
					out = append(out, base+int64(i))
				}
				s = f.minifat[s]
			}
		} else {
			secs, err := f.chain(start, (size+f.ssz-1)/f.ssz)
			if err != nil {
				return nil, err
			}
			for _, base := range secs {
				for i := 0; i < f.ssz && len(out) < size; i++ {
					out = append(out, base+int64(i))
				}
			}
		}
		if len(out) != size {
			return nil, fmt.Errorf("stream %q cut short", name)
		}
		return out, nil
	}
	return nil, fmt.Errorf("no stream %q", name)
}

// byteAt reads the byte at a file offset.
func (f *cfb) byteAt(off int64) byte { return f.data[off] }
