//go:build !windows

package single

import (
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"time"
)

// DefaultPath is the socket path: $XDG_RUNTIME_DIR/mynadesk.sock where
// there is one (per user, mode 0700), else the per-user config directory.
func DefaultPath() (string, error) {
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
		return filepath.Join(d, "mynadesk.sock"), nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "mynadesk", "instance.sock"), nil
}

// unixListener adapts a net.Listener on a Unix socket.
type unixListener struct{ net.Listener }

func (l unixListener) Accept() (io.ReadWriteCloser, error) {
	c, err := l.Listener.Accept()
	if errors.Is(err, net.ErrClosed) {
		return nil, errClosed
	}
	return c, err
}

func listen(path string) (listener, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	os.Chmod(path, 0o600)
	return unixListener{ln}, nil
}

func dial(path string, timeout time.Duration) (io.ReadWriteCloser, error) {
	return net.DialTimeout("unix", path, timeout)
}

// removeStale removes a socket file nobody answers on (a crashed instance).
func removeStale(path string) {
	if fi, err := os.Stat(path); err == nil && fi.Mode()&os.ModeSocket != 0 {
		os.Remove(path)
	}
}

func cleanup(path string) { os.Remove(path) }

func allowForeground(io.ReadWriteCloser) {}
