// Package vm holds the desktop app's view models: plain Go state machines
// for the home screen, the two steps of a booking session, diagnostics,
// settings and kiosk mode. They hold no widget and no card or HTTP logic of
// their own: the session is package resident's, errors become problems in
// package problem; Fyne screens in package ui only render their state, and
// tests drive them without a display.
//
// Listeners are called on the goroutine that changed the state (a card or
// network goroutine); the UI hands them to fyne.Do.
package vm
