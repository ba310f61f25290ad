//go:build !windows

package single_test

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mynadesk/mynadesk/ui/single"
)

func testPath(t *testing.T) string { return filepath.Join(t.TempDir(), "m.sock") }

func checkDefaultPath(t *testing.T, p string) {
	if !strings.HasSuffix(p, ".sock") {
		t.Fatalf("default path %q", p)
	}
}

func TestStaleSocketIsReplaced(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.sock")
	// A crashed instance: the socket file exists but nobody listens.
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("stale socket not left: %v", err)
	}
	in, err := single.Acquire(path, nil, func(string) {})
	if err != nil {
		t.Fatalf("Acquire over a stale socket: %v", err)
	}
	in.Close()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("socket left after Close: %v", err)
	}
}
