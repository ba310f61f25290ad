// Package single keeps one mynadesk per user: the first instance listens
// on a local endpoint only its user can reach; a later one (opened by a
// mynadesk:// link) hands its arguments to the first and exits, so the
// running window takes the session. The endpoint is a Unix socket in the
// per-user runtime directory on Linux and macOS (single_unix.go) and a
// named pipe on Windows (single_windows.go; AF_UNIX is missing before
// Windows 10 1803 and under Wine).
package single

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// maxLine bounds one forwarded argument: a session link is short.
const maxLine = 4096

// endLine ends what a later instance sends: a NUL cannot be in a
// command-line argument. The primary closes the connection when it has
// read it, which tells the sender its arguments were taken. (An end marker
// rather than a half-close: a Windows pipe has none, and go-winio's
// emulation blocks under Wine.)
const endLine = "\x00"

// listener is the primary's endpoint (single_unix.go, single_windows.go).
type listener interface {
	Accept() (io.ReadWriteCloser, error)
	Close() error
}

// Instance is the primary instance's listener.
type Instance struct {
	ln   listener
	path string
	wg   sync.WaitGroup
}

// ErrForwarded says another instance was running and took the arguments.
var ErrForwarded = errors.New("single: handed over to the running instance")

// Acquire makes this process the primary instance, calling handle for each
// argument a later instance forwards (an empty string when it only asks to
// be shown). If another instance is running, args are sent to it and
// ErrForwarded is returned. path comes from DefaultPath (or a test's).
func Acquire(path string, args []string, handle func(arg string)) (*Instance, error) {
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		if err := forward(path, args); err == nil {
			return nil, ErrForwarded
		}
		ln, err := listen(path)
		if err == nil {
			in := &Instance{ln: ln, path: path}
			in.wg.Add(1)
			go in.serve(handle)
			return in, nil
		}
		lastErr = err
		// Nobody answered and the endpoint is taken: a crashed instance
		// left a socket file behind, or another instance is starting at
		// this moment. Clear what is stale and try both again.
		removeStale(path)
		time.Sleep(20 * time.Millisecond)
	}
	return nil, fmt.Errorf("single: cannot listen on %s: %w", path, lastErr)
}

func forward(path string, args []string) error {
	c, err := dial(path, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	// The running window may come to the front: Windows lets only the
	// process the user just started do that unless it passes the right on.
	allowForeground(c)
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
	fmt.Fprintln(w, endLine)
	if err := w.Flush(); err != nil {
		return err
	}
	// Wait for the primary to close: then it has taken the arguments.
	return waitClosed(c, 2*time.Second)
}

// waitClosed waits up to d for the other end to close c.
func waitClosed(c io.ReadWriteCloser, d time.Duration) error {
	done := make(chan error, 1)
	go func() {
		_, err := c.Read(make([]byte, 1))
		done <- err
	}()
	select {
	case <-done:
		return nil
	case <-time.After(d):
		return os.ErrDeadlineExceeded
	}
}

func (in *Instance) serve(handle func(string)) {
	defer in.wg.Done()
	for {
		c, err := in.ln.Accept()
		if errors.Is(err, errClosed) {
			return
		}
		if err != nil {
			time.Sleep(50 * time.Millisecond) // a passing failure: wait for the next one
			continue
		}
		// A sender that stops halfway is cut off.
		t := time.AfterFunc(2*time.Second, func() { c.Close() })
		sc := bufio.NewScanner(c)
		sc.Buffer(make([]byte, 0, 512), maxLine+2)
		for sc.Scan() && sc.Text() != endLine {
			handle(sc.Text())
		}
		t.Stop()
		c.Close()
	}
}

// errClosed is what Accept returns once the listener is closed.
var errClosed = errors.New("single: closed")

// Close stops listening and removes the endpoint.
func (in *Instance) Close() error {
	err := in.ln.Close()
	in.wg.Wait()
	cleanup(in.path)
	return err
}
