//go:build !windows

package qr

import "os/exec"

// hideWindow does nothing: only Windows opens a window for a console tool.
func hideWindow(*exec.Cmd) {}
