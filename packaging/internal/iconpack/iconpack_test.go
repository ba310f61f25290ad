package iconpack

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"testing"
)

func square(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.NRGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func images(t *testing.T, sizes ...int) []Image {
	var out []Image
	for _, s := range sizes {
		im, err := Decode(square(t, s, s))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, im)
	}
	return out
}

func TestICORoundTrip(t *testing.T) {
	in := images(t, 256, 16, 48, 24, 64, 32) // unsorted on purpose
	var b bytes.Buffer
	if err := WriteICO(&b, in); err != nil {
		t.Fatal(err)
	}
	got, err := ReadICO(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	want := []int{16, 24, 32, 48, 64, 256}
	if len(got) != len(want) {
		t.Fatalf("%d entries, want %d", len(got), len(want))
	}
	for i, im := range got {
		if im.Size != want[i] {
			t.Errorf("entry %d: %d px, want %d", i, im.Size, want[i])
		}
	}
	// 256 px is stored as 0 in the directory.
	if d := b.Bytes()[6+16*5]; d != 0 {
		t.Errorf("256 px entry width byte = %d, want 0", d)
	}
}

func TestICORejects(t *testing.T) {
	var b bytes.Buffer
	if err := WriteICO(&b, images(t, 512)); !errors.Is(err, ErrFormat) {
		t.Errorf("512 px: err = %v, want ErrFormat", err)
	}
	if err := WriteICO(&b, nil); !errors.Is(err, ErrFormat) {
		t.Errorf("no images: err = %v, want ErrFormat", err)
	}
	b.Reset()
	if err := WriteICO(&b, images(t, 32)); err != nil {
		t.Fatal(err)
	}
	bad := append([]byte(nil), b.Bytes()...)
	bad[6] = 16 // directory says 16 px, PNG is 32
	if _, err := ReadICO(bad); !errors.Is(err, ErrFormat) {
		t.Errorf("size mismatch: err = %v, want ErrFormat", err)
	}
	if _, err := ReadICO(b.Bytes()[:30]); !errors.Is(err, ErrFormat) {
		t.Errorf("cut short: err = %v, want ErrFormat", err)
	}
}

func TestDecodeRejectsNonSquare(t *testing.T) {
	if _, err := Decode(square(t, 32, 16)); !errors.Is(err, ErrFormat) {
		t.Errorf("err = %v, want ErrFormat", err)
	}
	if _, err := Decode([]byte("not a png")); !errors.Is(err, ErrFormat) {
		t.Errorf("err = %v, want ErrFormat", err)
	}
}

func TestICNSRoundTrip(t *testing.T) {
	var b bytes.Buffer
	if err := WriteICNS(&b, images(t, ICNSSizes()...)); err != nil {
		t.Fatal(err)
	}
	got, err := ReadICNS(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(icnsSlots) {
		t.Fatalf("%d elements, want %d", len(got), len(icnsSlots))
	}
	for i, e := range got {
		if e.Type != icnsSlots[i].typ || e.Image.Size != icnsSlots[i].size {
			t.Errorf("element %d = %s/%d, want %s/%d", i, e.Type, e.Image.Size, icnsSlots[i].typ, icnsSlots[i].size)
		}
	}
}

func TestICNSRejects(t *testing.T) {
	var b bytes.Buffer
	if err := WriteICNS(&b, images(t, 16, 32, 64, 128, 256, 512)); !errors.Is(err, ErrFormat) {
		t.Errorf("missing 1024: err = %v, want ErrFormat", err)
	}
	b.Reset()
	if err := WriteICNS(&b, images(t, ICNSSizes()...)); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	if _, err := ReadICNS(data[:len(data)-1]); !errors.Is(err, ErrFormat) {
		t.Errorf("wrong length: err = %v, want ErrFormat", err)
	}
	bad := append([]byte(nil), data...)
	copy(bad[8:12], "ic10") // first slot (16 px) relabelled as 1024 px
	if _, err := ReadICNS(bad); !errors.Is(err, ErrFormat) {
		t.Errorf("relabelled: err = %v, want ErrFormat", err)
	}
}
