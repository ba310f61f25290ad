// Package single keeps one mynadesk per user: the first instance listens
// on a local socket in the per-user runtime directory; a later one (opened
// by a mynadesk:// link) hands its arguments to the first and exits, so the
// running window takes the session.
package single

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// maxLine bounds one forwarded argument: a session link is short.
const maxLine = 4096

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

// Instance is the primary instance's listener.
type Instance struct {
	ln   net.Listener
	path string
	wg   sync.WaitGroup
}

// ErrForwarded says another instance was running and took the arguments.
var ErrForwarded = errors.New("single: handed over to the running instance")

// Acquire makes this process the primary instance, calling handle for each
// argument a later instance forwards (an empty string when it only asks to
// be shown). If another instance is running, args are sent to it and
// ErrForwarded is returned.
func Acquire(path string, args []string, handle func(arg string)) (*Instance, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("single: %w", err)
	}
	for attempt := 0; attempt < 3; attempt++ {
		if err := forward(path, args); err == nil {
			return nil, ErrForwarded
		}
		ln, err := net.Listen("unix", path)
		if err == nil {
			os.Chmod(path, 0o600)
			in := &Instance{ln: ln, path: path}
			in.wg.Add(1)
			go in.serve(handle)
			return in, nil
		}
		// Nobody answers but the socket file is there: a crashed instance
		// left it. Remove it and try again.
		if _, serr := os.Stat(path); serr == nil {
			os.Remove(path)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil, fmt.Errorf("single: cannot listen on %s", path)
}

func forward(path string, args []string) error {
	c, err := net.DialTimeout("unix", path, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	w := bufio.NewWriter(c)
	if len(args) == 0 {
		args = []string{""}
	}
	for _, a := range args {
		if strings.ContainsAny(a, "\r\n") || len(a) > maxLine {
			continue
		}
		fmt.Fprintln(w, a)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if uc, ok := c.(*net.UnixConn); ok {
		uc.CloseWrite()
	}
	// Wait for the primary to close: then it has taken the arguments.
	if _, err = c.Read(make([]byte, 1)); errors.Is(err, os.ErrDeadlineExceeded) {
		return err
	}
	return nil
}

func (in *Instance) serve(handle func(string)) {
	defer in.wg.Done()
	for {
		c, err := in.ln.Accept()
		if err != nil {
			return
		}
		c.SetDeadline(time.Now().Add(2 * time.Second))
		sc := bufio.NewScanner(c)
		sc.Buffer(make([]byte, 0, 512), maxLine+2)
		for sc.Scan() {
			handle(sc.Text())
		}
		c.Close()
	}
}

// Close stops listening and removes the socket.
func (in *Instance) Close() error {
	err := in.ln.Close()
	in.wg.Wait()
	os.Remove(in.path)
	return err
}
