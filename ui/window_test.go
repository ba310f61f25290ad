package ui

import (
	"testing"

	"fyne.io/fyne/v2"
)

// The window fits the screen it opens on, with the taskbar (40 px on
// Windows) and its own title bar.
func TestWindowFitsTheScreen(t *testing.T) {
	for _, tc := range []struct{ screen, work fyne.Size }{
		{fyne.NewSize(1366, 768), fyne.NewSize(1366, 728)},
		{fyne.NewSize(1920, 1080), fyne.NewSize(1920, 1040)},
		{fyne.NewSize(1280, 800), fyne.NewSize(1280, 775)}, // a Mac with its menu bar and dock
		{fyne.NewSize(1024, 768), fyne.NewSize(1024, 728)},
	} {
		w := WindowSize(tc.work)
		if w.Width+16 > tc.work.Width || w.Height+48 > tc.work.Height {
			t.Errorf("screen %v: window %v does not fit its work area %v", tc.screen, w, tc.work)
		}
		if w.Width < 640 || w.Height < 480 {
			t.Errorf("screen %v: window %v too small", tc.screen, w)
		}
	}
	if w := WindowSize(fyne.NewSize(1920, 1040)); w.Width != 1200 || w.Height != 900 {
		t.Errorf("a large screen: %v", w)
	}
	if w := WindowSize(fyne.Size{}); w.Width+16 > 1366 || w.Height+48 > 728 {
		t.Errorf("unknown screen: %v", w)
	}
}
