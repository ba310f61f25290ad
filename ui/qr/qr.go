// Package qr finds a booking session in a QR code: in an image file, a
// clipboard image, or on this computer's screen (the registration page
// shows the session's https URL as a QR code). Screen capture sits behind
// the Capturer interface, so tests give it an image.
package qr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // image formats a resident may pick
	_ "image/jpeg"
	_ "image/png"
	"io"
	"os/exec"
	"slices"

	"github.com/makiuchi-d/gozxing"
	multiqr "github.com/makiuchi-d/gozxing/multi/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/mynadesk/mynadesk/booking"
)

// ErrNotFound says no QR code holding a session was found.
var ErrNotFound = errors.New("qr: no session QR code found")

// Decode returns the text of every QR code found in img.
func Decode(img image.Image) ([]string, error) {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return nil, fmt.Errorf("qr: %w", err)
	}
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
	var out []string
	if res, err := multiqr.NewQRCodeMultiReader().DecodeMultiple(bmp, hints); err == nil {
		for _, r := range res {
			out = append(out, r.GetText())
		}
	}
	if len(out) == 0 {
		// The multi reader misses some single codes the plain reader finds.
		if r, err := qrcode.NewQRCodeReader().Decode(bmp, hints); err == nil {
			out = append(out, r.GetText())
		}
	}
	if len(out) == 0 {
		return nil, ErrNotFound
	}
	return out, nil
}

// FindSession returns the first session reference among the QR codes in
// img; defaultService is used for a bare code.
func FindSession(img image.Image, defaultService string) (booking.Ref, error) {
	texts, err := Decode(img)
	if err != nil {
		return booking.Ref{}, err
	}
	var first error
	for _, t := range texts {
		ref, err := booking.ParseRef(t, defaultService)
		if err == nil {
			return ref, nil
		}
		if first == nil {
			first = err
		}
	}
	return booking.Ref{}, fmt.Errorf("%w: %w", ErrNotFound, first)
}

// FromReader decodes an image file's bytes (PNG, JPEG, GIF) and finds the
// session in it.
func FromReader(r io.Reader, defaultService string) (booking.Ref, error) {
	img, _, err := image.Decode(r)
	if err != nil {
		return booking.Ref{}, fmt.Errorf("qr: not an image: %w", err)
	}
	return FindSession(img, defaultService)
}

// Capturer takes a picture of the screen.
type Capturer interface {
	Capture(ctx context.Context) (image.Image, error)
}

// Screen finds the session QR code on the screen.
func Screen(ctx context.Context, c Capturer, defaultService string) (booking.Ref, error) {
	img, err := c.Capture(ctx)
	if err != nil {
		return booking.Ref{}, err
	}
	return FindSession(img, defaultService)
}

// ImageCapturer is a Capturer that returns a fixed image (tests, and
// screens captured by other means).
type ImageCapturer struct{ Image image.Image }

// Capture returns the image.
func (c ImageCapturer) Capture(context.Context) (image.Image, error) {
	if c.Image == nil {
		return nil, errors.New("qr: no image")
	}
	return c.Image, nil
}

// CommandCapturer runs a command that writes a PNG or JPEG of the screen
// to its standard output: on Linux/X11 ImageMagick's
// `import -window root png:-`.
type CommandCapturer struct {
	Name string
	Args []string
}

// X11 is the default capturer on Linux/X11.
var X11 = CommandCapturer{Name: "import", Args: []string{"-window", "root", "png:-"}}

// Capture runs the command, with no window of its own on Windows (hide.go):
// a console flashing over the app would also be in the picture.
func (c CommandCapturer) Capture(ctx context.Context) (image.Image, error) {
	var out, errb bytes.Buffer
	cmd := exec.CommandContext(ctx, c.Name, c.Args...)
	hideWindow(cmd)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("qr: screen capture with %s: %w (%s)", c.Name, err, bytes.TrimSpace(errb.Bytes()))
	}
	img, _, err := image.Decode(&out)
	if err != nil {
		return nil, fmt.Errorf("qr: screen capture with %s: %w", c.Name, err)
	}
	return img, nil
}

// ClipboardImage returns a Capturer that reads an image from the system
// clipboard with the OS's usual tool, or nil when none is installed:
// xclip or wl-paste on Linux, pngpaste on macOS, PowerShell on Windows.
func ClipboardImage(goos string) Capturer {
	type tool struct {
		name string
		args []string
	}
	var tools []tool
	switch goos {
	case "linux":
		tools = []tool{{"wl-paste", []string{"--type", "image/png"}}, {"xclip", []string{"-selection", "clipboard", "-t", "image/png", "-o"}}}
	case "darwin":
		tools = []tool{{"pngpaste", []string{"-"}}}
	case "windows":
		tools = []tool{{"powershell", slices.Concat(hiddenPowerShell, []string{
			"Add-Type -AssemblyName System.Windows.Forms,System.Drawing;" +
				"$i=[System.Windows.Forms.Clipboard]::GetImage(); if($i -eq $null){exit 1};" +
				"$m=New-Object IO.MemoryStream; $i.Save($m,[System.Drawing.Imaging.ImageFormat]::Png);" +
				"$o=[Console]::OpenStandardOutput(); $o.Write($m.ToArray(),0,$m.Length)"})}}
	}
	for _, t := range tools {
		if _, err := exec.LookPath(t.name); err == nil {
			return CommandCapturer{Name: t.name, Args: t.args}
		}
	}
	return nil
}

// ScreenCapturer returns the Capturer for this computer's screen, or nil:
// ImageMagick's import on Linux/X11, screencapture on macOS, PowerShell's
// System.Drawing on Windows.
func ScreenCapturer(goos string, display bool) Capturer {
	switch goos {
	case "linux":
		if _, err := exec.LookPath(X11.Name); err == nil && display {
			return X11
		}
	case "darwin":
		return CommandCapturer{Name: "sh", Args: []string{"-c",
			`f=$(mktemp -t mynadesk-screen).png && screencapture -x -t png "$f" && cat "$f"; rm -f "$f"`}}
	case "windows":
		return CommandCapturer{Name: "powershell", Args: slices.Concat(hiddenPowerShell, []string{windowsScreenScript})}
	}
	return nil
}

// hiddenPowerShell starts PowerShell with no profile, no prompt and no
// window (the process is also created without a console: hide_windows.go).
var hiddenPowerShell = []string{"-NoProfile", "-NonInteractive", "-WindowStyle", "Hidden", "-Command"}

// windowsScreenScript captures every monitor at its real resolution. A
// DPI-unaware process sees a scaled (125 %, 150 %) screen in logical
// pixels and CopyFromScreen copies only its top-left part, so the script
// first makes its thread per-monitor DPI aware (Windows 10 1607 and later;
// before that the whole process system-aware), then reads the virtual
// screen's bounds (all monitors) in physical pixels from GetSystemMetrics.
const windowsScreenScript = "Add-Type -AssemblyName System.Windows.Forms,System.Drawing;" +
	"Add-Type -TypeDefinition 'using System; using System.Runtime.InteropServices; public static class MynadeskDpi {" +
	" [DllImport(\"user32.dll\")] public static extern IntPtr SetThreadDpiAwarenessContext(IntPtr c);" +
	" [DllImport(\"user32.dll\")] public static extern bool SetProcessDPIAware();" +
	" [DllImport(\"user32.dll\")] public static extern int GetSystemMetrics(int i); }';" +
	// DPI_AWARENESS_CONTEXT_PER_MONITOR_AWARE_V2 is (HANDLE)-4.
	"try { [void][MynadeskDpi]::SetThreadDpiAwarenessContext([IntPtr](-4)) } catch { [void][MynadeskDpi]::SetProcessDPIAware() };" +
	// SM_XVIRTUALSCREEN 76, SM_YVIRTUALSCREEN 77, SM_CXVIRTUALSCREEN 78, SM_CYVIRTUALSCREEN 79.
	"$x=[MynadeskDpi]::GetSystemMetrics(76); $y=[MynadeskDpi]::GetSystemMetrics(77);" +
	"$w=[MynadeskDpi]::GetSystemMetrics(78); $h=[MynadeskDpi]::GetSystemMetrics(79);" +
	"$i=New-Object System.Drawing.Bitmap $w,$h;" +
	"$g=[System.Drawing.Graphics]::FromImage($i); $g.CopyFromScreen($x,$y,0,0,$i.Size); $g.Dispose();" +
	"$m=New-Object IO.MemoryStream; $i.Save($m,[System.Drawing.Imaging.ImageFormat]::Png);" +
	"$o=[Console]::OpenStandardOutput(); $o.Write($m.ToArray(),0,$m.Length)"
