// Command glyphs tells rendered text from tofu in a screenshot, for the
// Windows lane: it cuts the dark ink of a PNG into glyph-sized pieces and
// counts how many different shapes there are. A screen of Japanese text
// drawn in a Japanese font has a hundred or more (every kana and kanji
// differs); drawn without one, every Japanese character is the same
// missing-glyph box, and only the few Latin letters and digits differ.
//
//	glyphs [-min N] SCREENSHOT.png
//
// It prints "glyph shapes: N (pieces: M)" and exits 1 when N < min.
package main

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	_ "image/png"
	"os"
)

func main() {
	min := flag.Int("min", 0, "fail (exit 1) with fewer distinct glyph shapes than this")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: glyphs [-min N] SCREENSHOT.png")
		os.Exit(2)
	}
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "glyphs:", err)
		os.Exit(2)
	}
	img, _, err := image.Decode(f)
	f.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, "glyphs:", err)
		os.Exit(2)
	}
	shapes, pieces := count(img)
	fmt.Printf("glyph shapes: %d (pieces: %d)\n", shapes, pieces)
	if shapes < *min {
		fmt.Printf("glyphs: fewer than %d shapes: the text looks like tofu (missing glyphs)\n", *min)
		os.Exit(1)
	}
}

// maxGlyph bounds a piece: bigger ones are bars, buttons and pictures.
const maxGlyph = 48

// cell is the grid a piece is reduced to, so that the same glyph drawn at
// another sub-pixel position (other anti-aliasing) gives the same shape.
const cell = 6

// ink is a pixel of text: clearly darker than the light backgrounds.
func ink(c color.Color) bool {
	g := color.GrayModel.Convert(c).(color.Gray)
	return g.Y < 170
}

// count returns the number of distinct glyph shapes and of pieces.
func count(img image.Image) (shapes, pieces int) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	on := make([]bool, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			on[y*w+x] = ink(img.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	seen := map[string]bool{}
	rowInk := func(y, x0, x1 int) bool {
		for x := x0; x < x1; x++ {
			if on[y*w+x] {
				return true
			}
		}
		return false
	}
	colInk := func(x, y0, y1 int) bool {
		for y := y0; y < y1; y++ {
			if on[y*w+x] {
				return true
			}
		}
		return false
	}
	// Lines: runs of rows with ink; pieces: runs of columns with ink within
	// a line, trimmed to their own rows.
	for y := 0; y < h; {
		if !rowInk(y, 0, w) {
			y++
			continue
		}
		y0 := y
		for y < h && rowInk(y, 0, w) {
			y++
		}
		y1 := y
		for x := 0; x < w; {
			if !colInk(x, y0, y1) {
				x++
				continue
			}
			x0 := x
			for x < w && colInk(x, y0, y1) {
				x++
			}
			x1 := x
			t, bt := y0, y1
			for t < bt && !rowInk(t, x0, x1) {
				t++
			}
			for bt > t && !rowInk(bt-1, x0, x1) {
				bt--
			}
			pw, ph := x1-x0, bt-t
			if pw > maxGlyph || ph > maxGlyph || pw*ph < 6 {
				continue
			}
			pieces++
			seen[shape(on, w, x0, t, pw, ph)] = true
		}
	}
	return len(seen), pieces
}

// shape reduces a piece to its size class and a cell×cell grid of which
// parts are mostly ink.
func shape(on []bool, w, x0, y0, pw, ph int) string {
	s := []byte{byte(pw / 3), byte(ph / 3)}
	span := func(i, n int) (int, int) {
		a, b := i*n/cell, (i+1)*n/cell
		if b <= a {
			b = a + 1
		}
		return a, min(b, n)
	}
	for gy := range cell {
		ya, yb := span(gy, ph)
		for gx := range cell {
			xa, xb := span(gx, pw)
			n, k := 0, 0
			for y := ya; y < yb; y++ {
				for x := xa; x < xb; x++ {
					k++
					if on[(y0+y)*w+x0+x] {
						n++
					}
				}
			}
			if k > 0 && 2*n >= k {
				s = append(s, '#')
			} else {
				s = append(s, '.')
			}
		}
	}
	return string(s)
}
