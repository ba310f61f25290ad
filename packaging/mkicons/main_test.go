package main

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writePNGs writes DIR/png/mynadesk-N.png for each size.
func writePNGs(t *testing.T, dir string, sizes ...int) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "png"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, s := range sizes {
		var b bytes.Buffer
		if err := png.Encode(&b, image.NewNRGBA(image.Rect(0, 0, s, s))); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "png", fmt.Sprintf("mynadesk-%d.png", s)), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBuildThenCheck(t *testing.T) {
	dir := t.TempDir()
	writePNGs(t, dir, 16, 24, 32, 48, 64, 128, 256, 512, 1024)
	var out, errb bytes.Buffer
	if code := run([]string{"build", dir}, &out, &errb); code != 0 {
		t.Fatalf("build: exit %d: %s", code, errb.String())
	}
	code := run([]string{"check", filepath.Join(dir, "mynadesk.ico"), filepath.Join(dir, "mynadesk.icns")}, &out, &errb)
	if code != 0 {
		t.Fatalf("check: exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "[16 24 32 48 64 256]") {
		t.Errorf("check output %q does not list the .ico sizes", out.String())
	}
}

func TestBuildNeedsEverySize(t *testing.T) {
	dir := t.TempDir()
	writePNGs(t, dir, 16, 24, 32, 48, 64, 256) // no .icns sizes above 256
	var out, errb bytes.Buffer
	if code := run([]string{"build", dir}, &out, &errb); code != 1 {
		t.Fatalf("build without 128/512/1024: exit %d, want 1", code)
	}
}

func TestCheckFindsAMissingSize(t *testing.T) {
	dir := t.TempDir()
	writePNGs(t, dir, 16, 24, 32, 48, 64, 128, 256, 512, 1024)
	saved := icoSizes
	icoSizes = []int{16, 32} // build a .ico lacking 24, 48, 64, 256
	var out, errb bytes.Buffer
	code := run([]string{"build", dir}, &out, &errb)
	icoSizes = saved
	if code != 0 {
		t.Fatalf("build: exit %d: %s", code, errb.String())
	}
	if code := run([]string{"check", filepath.Join(dir, "mynadesk.ico")}, &out, &errb); code != 1 {
		t.Fatalf("check of a .ico without 256 px: exit %d, want 1", code)
	}
	if !strings.Contains(errb.String(), "no 24 px image") {
		t.Errorf("stderr %q does not name the missing size", errb.String())
	}
}
