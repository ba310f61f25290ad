package main

import (
	"fyne.io/fyne/v2"
	"github.com/go-gl/glfw/v3.3/glfw"

	"github.com/mynadesk/mynadesk/ui"
)

// fitToScreen sizes w to the work area of the screen it opens on (Fyne
// has no API for the screen: GLFW, which Fyne's desktop driver runs on,
// has). It runs on the main thread, as GLFW requires (Fyne's
// Lifecycle OnStarted). A window in full screen (kiosk) is left alone.
func fitToScreen(w fyne.Window) {
	if w.FullScreen() {
		return
	}
	m := glfw.GetPrimaryMonitor()
	if m == nil {
		return
	}
	_, _, width, height := m.GetWorkarea()
	scale := w.Canvas().Scale()
	if scale <= 0 {
		scale = 1
	}
	w.Resize(ui.WindowSize(fyne.NewSize(float32(width)/scale, float32(height)/scale)))
	w.CenterOnScreen()
}
