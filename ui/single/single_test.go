package single_test

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/ui/single"
)

func TestSecondInstanceForwards(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.sock")
	got := make(chan string, 10)
	in, err := single.Acquire(path, nil, func(a string) { got <- a })
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	link := "mynadesk://session?code=ABCD-EFGH&service=https%3A%2F%2Fb.example.jp&v=1"
	if _, err := single.Acquire(path, []string{link}, func(string) { t.Error("second instance handled") }); !errors.Is(err, single.ErrForwarded) {
		t.Fatalf("second Acquire = %v", err)
	}
	select {
	case a := <-got:
		if a != link {
			t.Fatalf("forwarded %q", a)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("nothing forwarded")
	}
	// With no argument the running window is asked to show itself.
	if _, err := single.Acquire(path, nil, nil); !errors.Is(err, single.ErrForwarded) {
		t.Fatal(err)
	}
	if a := <-got; a != "" {
		t.Fatalf("activation %q", a)
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
