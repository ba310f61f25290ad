//go:build windows

package qr

import (
	"os/exec"
	"testing"

	"golang.org/x/sys/windows"
)

func TestHideWindow(t *testing.T) {
	cmd := exec.Command("powershell")
	hideWindow(cmd)
	if a := cmd.SysProcAttr; a == nil || !a.HideWindow || a.CreationFlags&windows.CREATE_NO_WINDOW == 0 {
		t.Fatalf("SysProcAttr %+v", a)
	}
}
