package ui

import "fyne.io/fyne/v2"

// WindowSize is the window for a screen whose work area (the screen less
// the taskbar or dock) is work, in Fyne units: as large as reads well
// (1200×900) and never larger than the work area less the window's title
// bar and border, so the whole window, its buttons included, fits a
// 1366×768 laptop with its taskbar.
func WindowSize(work fyne.Size) fyne.Size {
	const (
		wantW, wantH = 1200, 900
		minW, minH   = 640, 480
		frameW       = 16 // left and right borders
		frameH       = 48 // title bar and bottom border
	)
	if work.Width <= 0 || work.Height <= 0 {
		return fyne.NewSize(1000, 680) // unknown: fits 1366×768 with a taskbar
	}
	w := fyne.Min(wantW, work.Width-frameW)
	h := fyne.Min(wantH, work.Height-frameH)
	return fyne.NewSize(fyne.Max(w, minW), fyne.Max(h, minH))
}
