package main

import (
	"image"
	"image/color"
	"testing"
)

// page draws n glyph-sized pictures in a row on white; draw decides each.
func page(n int, draw func(i int, img *image.Gray, x0, y0 int)) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, 30*n+20, 60))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for i := range n {
		draw(i, img, 10+30*i, 20)
	}
	return img
}

func box(img *image.Gray, x0, y0 int) {
	for d := range 20 {
		for _, p := range [][2]int{{x0 + d, y0}, {x0 + d, y0 + 19}, {x0, y0 + d}, {x0 + 19, y0 + d}} {
			img.SetGray(p[0], p[1], color.Gray{0x40})
		}
	}
}

func TestTofuIsOneShape(t *testing.T) {
	img := page(30, func(_ int, img *image.Gray, x0, y0 int) { box(img, x0, y0) })
	if shapes, pieces := count(img); shapes != 1 || pieces != 30 {
		t.Fatalf("30 boxes: %d shapes, %d pieces", shapes, pieces)
	}
}

func TestDifferentGlyphsAreDifferentShapes(t *testing.T) {
	// Each "glyph" fills a different set of the 6×6 cells.
	img := page(30, func(i int, img *image.Gray, x0, y0 int) {
		for c := range 36 {
			if (i+1)>>(c%5)&1 == 1 && c%7 != i%7 {
				for y := range 3 {
					for x := range 3 {
						img.SetGray(x0+c%6*3+x, y0+c/6*3+y, color.Gray{0})
					}
				}
			}
		}
	})
	if shapes, _ := count(img); shapes < 20 {
		t.Fatalf("30 different glyphs: %d shapes", shapes)
	}
}
