package qr_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
	"strings"
	"testing"

	goqr "github.com/skip2/go-qrcode"

	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/ui/qr"
)

var sessionURL = func() string {
	c, err := booking.NewCode()
	if err != nil {
		panic(err)
	}
	return booking.Ref{Service: "https://booking.example.jp", Code: c}.URL()
}()

// screen draws a grey "desktop" with the page's QR code somewhere on it.
func screen(t *testing.T, text string, x, y int) *image.RGBA {
	t.Helper()
	code, err := goqr.New(text, goqr.Medium)
	if err != nil {
		t.Fatal(err)
	}
	q := code.Image(200)
	img := image.NewRGBA(image.Rect(0, 0, 1280, 800))
	draw.Draw(img, img.Bounds(), &image.Uniform{color.RGBA{0xd0, 0xd8, 0xe0, 0xff}}, image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(x, y, x+200, y+200), q, image.Point{}, draw.Src)
	return img
}

func wantRef(t *testing.T) booking.Ref {
	ref, err := booking.ParseRef(sessionURL, "")
	if err != nil {
		t.Fatalf("the example URL is not valid: %v", err)
	}
	return ref
}

func TestScreenFindsThePageQR(t *testing.T) {
	want := wantRef(t)
	got, err := qr.Screen(context.Background(), qr.ImageCapturer{Image: screen(t, sessionURL, 900, 450)}, "")
	if err != nil || got != want {
		t.Fatalf("Screen = %+v, %v; want %+v", got, err, want)
	}
}

func TestNoQROnScreen(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 640, 480))
	if _, err := qr.FindSession(img, ""); !errors.Is(err, qr.ErrNotFound) {
		t.Fatalf("empty screen: %v", err)
	}
	// A QR code that is not a session is not taken.
	if _, err := qr.FindSession(screen(t, "https://example.jp/hello", 10, 10), ""); !errors.Is(err, qr.ErrNotFound) {
		t.Fatalf("foreign QR: %v", err)
	}
}

func TestImageFile(t *testing.T) {
	want := wantRef(t)
	var buf bytes.Buffer
	if err := png.Encode(&buf, screen(t, sessionURL, 50, 60)); err != nil {
		t.Fatal(err)
	}
	got, err := qr.FromReader(&buf, "")
	if err != nil || got != want {
		t.Fatalf("FromReader = %+v, %v", got, err)
	}
	if _, err := qr.FromReader(bytes.NewReader([]byte("not an image")), ""); err == nil {
		t.Fatal("garbage decoded")
	}
}

func TestCommandCapturer(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("no sh: CI must run the interop check")
		}
		t.Skip("no sh")
	}
	c := qr.CommandCapturer{Name: "sh", Args: []string{"-c", "exit 3"}}
	if _, err := c.Capture(context.Background()); err == nil {
		t.Fatal("a failing capture command gave an image")
	}
}

func TestCapturersPerOS(t *testing.T) {
	if qr.ScreenCapturer("plan9", true) != nil || qr.ClipboardImage("plan9") != nil {
		t.Fatal("a capturer for an unknown OS")
	}
	if qr.ScreenCapturer("windows", false) == nil || qr.ScreenCapturer("darwin", false) == nil {
		t.Fatal("no screen capturer for Windows or macOS")
	}
	if _, err := exec.LookPath("import"); err == nil && qr.ScreenCapturer("linux", true) == nil {
		t.Fatal("ImageMagick is installed but not used on X11")
	}
	if qr.ScreenCapturer("linux", false) != nil {
		t.Fatal("X11 capture without a display")
	}
}

// On Windows, PowerShell starts with no window (none flashes over the app,
// none is in the picture) and captures every monitor in physical pixels.
func TestWindowsCaptureHiddenAndDPIAware(t *testing.T) {
	c, ok := qr.ScreenCapturer("windows", false).(qr.CommandCapturer)
	if !ok {
		t.Fatal("no command capturer for Windows")
	}
	args := strings.Join(c.Args, " ")
	for _, want := range []string{"-NoProfile", "-NonInteractive", "-WindowStyle Hidden", "-Command",
		"SetThreadDpiAwarenessContext([IntPtr](-4))", "SetProcessDPIAware()",
		"GetSystemMetrics(76)", "GetSystemMetrics(77)", "GetSystemMetrics(78)", "GetSystemMetrics(79)",
		"CopyFromScreen($x,$y,0,0"} {
		if !strings.Contains(args, want) {
			t.Errorf("screen capture lacks %q", want)
		}
	}
	if strings.Contains(args, "SystemInformation]::VirtualScreen") {
		t.Error("logical (DPI-scaled) bounds used")
	}
	if c.Args[len(c.Args)-2] != "-Command" {
		t.Errorf("the script is not -Command's argument: %q", c.Args)
	}
}
