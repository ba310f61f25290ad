// Command mkicons packs the rendered PNG sizes of the app icon into a
// Windows .ico and a macOS .icns, and checks existing ones.
//
//	mkicons build DIR   reads DIR/png/mynadesk-N.png, writes DIR/mynadesk.ico and DIR/mynadesk.icns
//	mkicons check FILE… prints each file's sizes; fails if one is missing
//
// packaging/icons.sh renders the PNGs from the SVG and then runs build;
// packaging/test.sh runs check.
package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mynadesk/mynadesk/packaging/internal/iconpack"
)

// icoSizes are the sizes Windows asks for (Explorer views, taskbar, Start,
// high-DPI); the .icns sizes come from iconpack.ICNSSizes.
var icoSizes = []int{16, 24, 32, 48, 64, 256}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) < 2 || (args[0] != "build" && args[0] != "check") {
		fmt.Fprintln(stderr, "usage: mkicons build DIR | mkicons check FILE...")
		return 2
	}
	var err error
	if args[0] == "build" {
		err = build(args[1])
	} else {
		err = check(args[1:], stdout)
	}
	if err != nil {
		fmt.Fprintln(stderr, "mkicons:", err)
		return 1
	}
	return 0
}

func load(dir string, size int) (iconpack.Image, error) {
	p := filepath.Join(dir, "png", fmt.Sprintf("mynadesk-%d.png", size))
	data, err := os.ReadFile(p)
	if err != nil {
		return iconpack.Image{}, err
	}
	im, err := iconpack.Decode(data)
	if err != nil {
		return im, fmt.Errorf("%s: %w", p, err)
	}
	if im.Size != size {
		return im, fmt.Errorf("%s: %d px, want %d", p, im.Size, size)
	}
	return im, nil
}

func build(dir string) error {
	write := func(name string, sizes []int, pack func(io.Writer, []iconpack.Image) error) error {
		var imgs []iconpack.Image
		for _, s := range sizes {
			im, err := load(dir, s)
			if err != nil {
				return err
			}
			imgs = append(imgs, im)
		}
		var b bytes.Buffer
		if err := pack(&b, imgs); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644)
	}
	if err := write("mynadesk.ico", icoSizes, iconpack.WriteICO); err != nil {
		return err
	}
	return write("mynadesk.icns", iconpack.ICNSSizes(), iconpack.WriteICNS)
}

func check(files []string, stdout io.Writer) error {
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var got, want []int
		switch strings.ToLower(filepath.Ext(f)) {
		case ".ico":
			imgs, err := iconpack.ReadICO(data)
			if err != nil {
				return fmt.Errorf("%s: %w", f, err)
			}
			for _, im := range imgs {
				got = append(got, im.Size)
			}
			want = icoSizes
		case ".icns":
			ents, err := iconpack.ReadICNS(data)
			if err != nil {
				return fmt.Errorf("%s: %w", f, err)
			}
			for _, e := range ents {
				if !slices.Contains(got, e.Image.Size) {
					got = append(got, e.Image.Size)
				}
			}
			want = iconpack.ICNSSizes()
		default:
			return fmt.Errorf("%s: not an .ico or .icns", f)
		}
		slices.Sort(got)
		fmt.Fprintf(stdout, "%s: %v\n", f, got)
		for _, s := range want {
			if !slices.Contains(got, s) {
				return fmt.Errorf("%s: no %d px image", f, s)
			}
		}
	}
	return nil
}
