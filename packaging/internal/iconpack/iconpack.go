// Package iconpack writes and reads the icon containers the installers
// need: a Windows .ico and a macOS .icns, both holding PNG images.
//
// Written here (a few dozen lines each) so that the same Go code builds the
// icons on Debian and on a Mac runner, byte for byte, without icoutils,
// ImageMagick or iconutil.
package iconpack

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image/png"
	"io"
	"sort"
)

// ErrFormat reports a file that is not a well-formed .ico or .icns, or an
// image whose size does not fit its slot.
var ErrFormat = errors.New("iconpack: bad icon data")

// Image is one square PNG image of Size×Size pixels.
type Image struct {
	Size int
	PNG  []byte
}

// Decode checks that data is a square PNG and returns it as an Image.
func Decode(data []byte) (Image, error) {
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Image{}, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	if cfg.Width != cfg.Height {
		return Image{}, fmt.Errorf("%w: PNG is %dx%d, not square", ErrFormat, cfg.Width, cfg.Height)
	}
	return Image{Size: cfg.Width, PNG: data}, nil
}

// WriteICO writes images as a Windows icon (ICONDIR with PNG entries, which
// Windows Vista and later read at every size), smallest first.
func WriteICO(w io.Writer, images []Image) error {
	imgs := sorted(images)
	if len(imgs) == 0 {
		return fmt.Errorf("%w: no images", ErrFormat)
	}
	var buf bytes.Buffer
	le := binary.LittleEndian
	buf.Write(le.AppendUint16(nil, 0)) // reserved
	buf.Write(le.AppendUint16(nil, 1)) // type: icon
	buf.Write(le.AppendUint16(nil, uint16(len(imgs))))
	offset := 6 + 16*len(imgs)
	for _, im := range imgs {
		if im.Size < 1 || im.Size > 256 {
			return fmt.Errorf("%w: %d px does not fit an .ico entry", ErrFormat, im.Size)
		}
		dim := byte(im.Size) // 256 is written as 0
		buf.Write([]byte{dim, dim, 0, 0})
		buf.Write(le.AppendUint16(nil, 1))  // planes
		buf.Write(le.AppendUint16(nil, 32)) // bits per pixel
		buf.Write(le.AppendUint32(nil, uint32(len(im.PNG))))
		buf.Write(le.AppendUint32(nil, uint32(offset)))
		offset += len(im.PNG)
	}
	for _, im := range imgs {
		buf.Write(im.PNG)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// ReadICO returns the images of a .ico written with PNG entries.
func ReadICO(data []byte) ([]Image, error) {
	le := binary.LittleEndian
	if len(data) < 6 || le.Uint16(data[0:]) != 0 || le.Uint16(data[2:]) != 1 {
		return nil, fmt.Errorf("%w: no ICONDIR header", ErrFormat)
	}
	n := int(le.Uint16(data[4:]))
	if len(data) < 6+16*n {
		return nil, fmt.Errorf("%w: directory cut short", ErrFormat)
	}
	var out []Image
	for i := range n {
		e := data[6+16*i:]
		size, off := int(le.Uint32(e[8:])), int(le.Uint32(e[12:]))
		if off < 0 || size < 0 || off+size > len(data) || off+size < off {
			return nil, fmt.Errorf("%w: entry %d outside the file", ErrFormat, i)
		}
		im, err := Decode(data[off : off+size])
		if err != nil {
			return nil, fmt.Errorf("entry %d: %w", i, err)
		}
		want := int(e[0])
		if want == 0 {
			want = 256
		}
		if im.Size != want {
			return nil, fmt.Errorf("%w: entry %d says %d px, PNG is %d", ErrFormat, i, want, im.Size)
		}
		out = append(out, im)
	}
	return out, nil
}

// icnsSlots are the PNG element types of an .icns and the pixel size each
// holds ("@2x" slots hold twice their point size). Order is the file order.
var icnsSlots = []struct {
	typ  string
	size int
}{
	{"icp4", 16}, {"ic11", 32}, {"icp5", 32}, {"ic12", 64}, {"ic07", 128},
	{"ic13", 256}, {"ic08", 256}, {"ic14", 512}, {"ic09", 512}, {"ic10", 1024},
}

// ICNSSizes lists the pixel sizes an .icns made by WriteICNS wants.
func ICNSSizes() []int {
	seen := map[int]bool{}
	var out []int
	for _, s := range icnsSlots {
		if !seen[s.size] {
			seen[s.size] = true
			out = append(out, s.size)
		}
	}
	sort.Ints(out)
	return out
}

// WriteICNS writes a macOS icon with every slot of ICNSSizes filled from
// images; a missing size is an error (Finder would scale a blurry one).
func WriteICNS(w io.Writer, images []Image) error {
	bySize := map[int][]byte{}
	for _, im := range images {
		bySize[im.Size] = im.PNG
	}
	var body bytes.Buffer
	be := binary.BigEndian
	for _, s := range icnsSlots {
		p, ok := bySize[s.size]
		if !ok {
			return fmt.Errorf("%w: no %d px image for %s", ErrFormat, s.size, s.typ)
		}
		body.WriteString(s.typ)
		body.Write(be.AppendUint32(nil, uint32(8+len(p))))
		body.Write(p)
	}
	var out bytes.Buffer
	out.WriteString("icns")
	out.Write(be.AppendUint32(nil, uint32(8+body.Len())))
	out.Write(body.Bytes())
	_, err := w.Write(out.Bytes())
	return err
}

// ICNSEntry is one element of an .icns: its four-letter type and image.
type ICNSEntry struct {
	Type  string
	Image Image
}

// ReadICNS returns the PNG elements of an .icns, checking each image's size
// against its type.
func ReadICNS(data []byte) ([]ICNSEntry, error) {
	be := binary.BigEndian
	if len(data) < 8 || string(data[:4]) != "icns" || int(be.Uint32(data[4:])) != len(data) {
		return nil, fmt.Errorf("%w: no icns header or wrong length", ErrFormat)
	}
	want := map[string]int{}
	for _, s := range icnsSlots {
		want[s.typ] = s.size
	}
	var out []ICNSEntry
	for p := 8; p < len(data); {
		if p+8 > len(data) {
			return nil, fmt.Errorf("%w: element header cut short", ErrFormat)
		}
		typ, n := string(data[p:p+4]), int(be.Uint32(data[p+4:]))
		if n < 8 || p+n > len(data) {
			return nil, fmt.Errorf("%w: element %q outside the file", ErrFormat, typ)
		}
		size, ok := want[typ]
		if !ok {
			return nil, fmt.Errorf("%w: unexpected element %q", ErrFormat, typ)
		}
		im, err := Decode(data[p+8 : p+n])
		if err != nil {
			return nil, fmt.Errorf("element %q: %w", typ, err)
		}
		if im.Size != size {
			return nil, fmt.Errorf("%w: element %q holds %d px, wants %d", ErrFormat, typ, im.Size, size)
		}
		out = append(out, ICNSEntry{Type: typ, Image: im})
		p += n
	}
	return out, nil
}

func sorted(images []Image) []Image {
	out := append([]Image(nil), images...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Size < out[j].Size })
	return out
}
