package main

import (
	"context"
	"errors"
	"io"
)

// console is the terminal a PIN is asked on. It is never standard input or
// output, which a script may have redirected: /dev/tty on Linux and macOS
// (console_unix.go), the console's CONIN$/CONOUT$ on Windows
// (console_windows.go).
type console interface {
	io.Writer
	// ReadLine reads one echoed line (the y/N of the last-try question).
	ReadLine() (string, error)
	// ReadSecret reads one line without echo and restores the echo after.
	ReadSecret(ctx context.Context) ([]byte, error)
	Close() error
}

// errNoConsole says there is no terminal to ask on: a service, a scheduled
// task, a pipe with no console. It is a usage error (exit status 2) whose
// remedy is --pin-stdin.
var errNoConsole = errors.New("no terminal to ask for the PIN")

// readUntil runs read, and on ctx's end (Ctrl+C, --timeout) restores the
// terminal with restore and returns ctx's error without waiting for a
// line: the goroutine left reading dies with the process.
func readUntil(ctx context.Context, read func() ([]byte, error), restore func()) ([]byte, error) {
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := read()
		done <- result{b, err}
	}()
	select {
	case r := <-done:
		return r.b, r.err
	case <-ctx.Done():
		restore()
		return nil, ctx.Err()
	}
}

// readLine reads bytes up to a newline from r one at a time, so nothing
// past the line is taken from the terminal; CR and LF are dropped.
func readLine(r io.Reader) ([]byte, error) {
	var line []byte
	var b [1]byte
	for {
		n, err := r.Read(b[:])
		if n == 1 {
			if b[0] == '\n' {
				break
			}
			if b[0] != '\r' {
				line = append(line, b[0])
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) && len(line) > 0 {
				break
			}
			return nil, err
		}
	}
	return line, nil
}
