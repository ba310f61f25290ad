//go:build windows

package single

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// The pipe is driven with plain blocking Win32 calls, one goroutine per
// wait: go-winio's overlapped ConnectNamedPipe never completes under Wine,
// and these calls exist unchanged on every Windows 10 build (AF_UNIX needs
// 1803, which LTSB kiosks do not have).

// DefaultPath is the named pipe \\.\pipe\mynadesk-<user SID>: one per
// Windows user, whatever their session.
func DefaultPath() (string, error) {
	sid, err := userSID()
	if err != nil {
		return "", fmt.Errorf("single: %w", err)
	}
	return `\\.\pipe\mynadesk-` + sid, nil
}

func userSID() (string, error) {
	u, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return "", err
	}
	return u.User.Sid.String(), nil
}

// pipeListener serves one pipe name: it keeps one instance waiting for the
// next sender.
type pipeListener struct {
	name *uint16
	path string
	sa   *windows.SecurityAttributes

	mu     sync.Mutex
	next   windows.Handle // the instance waiting in ConnectNamedPipe
	closed bool
}

// listen creates the pipe's first instance, which fails if the pipe exists
// (another primary), with an ACL that lets only this user and SYSTEM in,
// and no remote clients.
func listen(path string) (listener, error) {
	sid, err := userSID()
	if err != nil {
		return nil, err
	}
	sd, err := windows.SecurityDescriptorFromString("D:P(A;;GA;;;" + sid + ")(A;;GA;;;SY)")
	if err != nil {
		return nil, err
	}
	name, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, err
	}
	l := &pipeListener{name: name, path: path, sa: &windows.SecurityAttributes{SecurityDescriptor: sd}}
	l.sa.Length = uint32(unsafe.Sizeof(*l.sa))
	h, err := l.create(true)
	if err != nil {
		return nil, err
	}
	l.next = h
	return l, nil
}

func (l *pipeListener) create(first bool) (windows.Handle, error) {
	flags := uint32(windows.PIPE_ACCESS_DUPLEX)
	if first {
		flags |= windows.FILE_FLAG_FIRST_PIPE_INSTANCE
	}
	return windows.CreateNamedPipe(l.name, flags,
		windows.PIPE_TYPE_BYTE|windows.PIPE_READMODE_BYTE|windows.PIPE_WAIT|windows.PIPE_REJECT_REMOTE_CLIENTS,
		windows.PIPE_UNLIMITED_INSTANCES, 512, maxLine+2, 0, l.sa)
}

// Accept waits for a sender on the waiting instance and puts a new one in
// its place.
func (l *pipeListener) Accept() (io.ReadWriteCloser, error) {
	l.mu.Lock()
	h := l.next
	if l.closed {
		l.mu.Unlock()
		return nil, errClosed
	}
	l.mu.Unlock()
	err := windows.ConnectNamedPipe(h, nil)
	if errors.Is(err, windows.ERROR_PIPE_CONNECTED) {
		err = nil // the sender came before the wait
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		windows.CloseHandle(h)
		return nil, errClosed
	}
	next, nerr := l.create(false)
	if nerr != nil {
		l.next = h // keep the endpoint: reuse this instance next time
		windows.DisconnectNamedPipe(h)
		return nil, nerr
	}
	l.next = next
	if err != nil {
		windows.CloseHandle(h)
		return nil, err
	}
	return &pipeConn{h: h, server: true}, nil
}

// Close stops Accept: it marks the listener closed and connects to the
// waiting instance, which ends its blocking ConnectNamedPipe.
func (l *pipeListener) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	h := l.next
	l.mu.Unlock()
	if c, err := dial(l.path, 100*time.Millisecond); err == nil {
		c.Close()
	} else {
		windows.CloseHandle(h) // no wait in progress to wake
	}
	return nil
}

// pipeConn is one end of a connected pipe.
type pipeConn struct {
	h      windows.Handle
	server bool
	once   sync.Once
}

func (c *pipeConn) Read(p []byte) (int, error) {
	var n uint32
	err := windows.ReadFile(c.h, p, &n, nil)
	if errors.Is(err, windows.ERROR_BROKEN_PIPE) || errors.Is(err, windows.ERROR_PIPE_NOT_CONNECTED) || (err == nil && n == 0 && len(p) > 0) {
		return int(n), io.EOF
	}
	return int(n), err
}

func (c *pipeConn) Write(p []byte) (int, error) {
	var n uint32
	err := windows.WriteFile(c.h, p, &n, nil)
	return int(n), err
}

func (c *pipeConn) Close() error {
	c.once.Do(func() {
		if c.server {
			windows.DisconnectNamedPipe(c.h)
		}
		windows.CloseHandle(c.h)
	})
	return nil
}

// dial opens the pipe, waiting up to timeout while every instance is busy
// (between two senders).
func dial(path string, timeout time.Duration) (io.ReadWriteCloser, error) {
	name, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(timeout)
	for {
		h, err := windows.CreateFile(name, windows.GENERIC_READ|windows.GENERIC_WRITE, 0, nil, windows.OPEN_EXISTING, 0, 0)
		if err == nil {
			return &pipeConn{h: h}, nil
		}
		if !errors.Is(err, windows.ERROR_PIPE_BUSY) || time.Now().After(deadline) {
			return nil, err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A pipe vanishes with the process that made it: nothing is left to clear.
func removeStale(string) {}
func cleanup(string)     {}

var procAllowSetForegroundWindow = windows.NewLazySystemDLL("user32.dll").NewProc("AllowSetForegroundWindow")

// allowForeground lets the running instance (the pipe's server) bring its
// window to the front: Windows gives that right only to the process the
// user just started, this one.
func allowForeground(c io.ReadWriteCloser) {
	pc, ok := c.(*pipeConn)
	if !ok {
		return
	}
	var pid uint32
	if err := windows.GetNamedPipeServerProcessId(pc.h, &pid); err != nil {
		return
	}
	if procAllowSetForegroundWindow.Find() == nil {
		procAllowSetForegroundWindow.Call(uintptr(pid))
	}
}
