//go:build !windows

package main

import (
	"context"
	"fmt"
	"os"

	"golang.org/x/term"
)

// openConsole opens the controlling terminal.
func openConsole() (console, error) { return openTTY("/dev/tty") }

// ttyConsole is a terminal device, read and written directly.
type ttyConsole struct{ f *os.File }

func openTTY(path string) (*ttyConsole, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("%w (%w)", errNoConsole, err)
	}
	if !term.IsTerminal(int(f.Fd())) {
		f.Close()
		return nil, fmt.Errorf("%w (%s is not a terminal)", errNoConsole, path)
	}
	return &ttyConsole{f: f}, nil
}

func (c *ttyConsole) Write(p []byte) (int, error) { return c.f.Write(p) }
func (c *ttyConsole) Close() error                { return c.f.Close() }

func (c *ttyConsole) ReadLine() (string, error) {
	b, err := readLine(c.f)
	return string(b), err
}

// ReadSecret turns echo off (x/term), reads a line and restores the
// terminal, also when ctx ends first.
func (c *ttyConsole) ReadSecret(ctx context.Context) ([]byte, error) {
	fd := int(c.f.Fd())
	st, err := term.GetState(fd)
	if err != nil {
		return nil, fmt.Errorf("read PIN: %w", err)
	}
	b, err := readUntil(ctx, func() ([]byte, error) { return term.ReadPassword(fd) }, func() { term.Restore(fd, st) })
	fmt.Fprintln(c.f)
	return b, err
}

// consoleIsUnicode is false: a Unix terminal takes the bytes it is given,
// so --encoding cp932 is for a terminal set to CP932.
func consoleIsUnicode(*os.File) bool { return false }
