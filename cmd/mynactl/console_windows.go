//go:build windows

package main

import (
	"context"
	"fmt"
	"os"

	"golang.org/x/sys/windows"
)

// winConsole is the process's console, opened by name so that redirected
// standard streams do not matter. Go reads and writes a console handle
// with ReadConsoleW/WriteConsoleW, so Japanese prompts show whatever the
// console's code page (CP932 on Japanese Windows).
type winConsole struct{ in, out *os.File }

// openConsole opens CONIN$ and CONOUT$; a program with no console (started
// by a service or a scheduled task) gets errNoConsole.
func openConsole() (console, error) {
	in, err := os.OpenFile("CONIN$", os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("%w (CONIN$: %w)", errNoConsole, err)
	}
	var mode uint32
	if err := windows.GetConsoleMode(windows.Handle(in.Fd()), &mode); err != nil {
		in.Close()
		return nil, fmt.Errorf("%w (CONIN$ is not a console: %w)", errNoConsole, err)
	}
	out, err := os.OpenFile("CONOUT$", os.O_RDWR, 0)
	if err != nil {
		in.Close()
		return nil, fmt.Errorf("%w (CONOUT$: %w)", errNoConsole, err)
	}
	return &winConsole{in: in, out: out}, nil
}

func (c *winConsole) Write(p []byte) (int, error) { return c.out.Write(p) }

func (c *winConsole) Close() error {
	c.in.Close()
	return c.out.Close()
}

func (c *winConsole) ReadLine() (string, error) {
	b, err := readLine(c.in)
	return string(b), err
}

// ReadSecret reads a line with the console's echo off (line input and
// Ctrl+C processing kept) and puts the mode back after, also when ctx
// ends first.
func (c *winConsole) ReadSecret(ctx context.Context) ([]byte, error) {
	h := windows.Handle(c.in.Fd())
	var old uint32
	if err := windows.GetConsoleMode(h, &old); err != nil {
		return nil, fmt.Errorf("read PIN: %w", err)
	}
	mode := old&^windows.ENABLE_ECHO_INPUT | windows.ENABLE_LINE_INPUT | windows.ENABLE_PROCESSED_INPUT
	if err := windows.SetConsoleMode(h, mode); err != nil {
		return nil, fmt.Errorf("read PIN: echo off: %w", err)
	}
	restore := func() { windows.SetConsoleMode(h, old) }
	defer restore()
	b, err := readUntil(ctx, func() ([]byte, error) { return readLine(c.in) }, restore)
	fmt.Fprintln(c.out)
	return b, err
}

// consoleIsUnicode reports whether f is a console, which Go writes with
// WriteConsoleW (UTF-16) whatever the console's code page.
func consoleIsUnicode(f *os.File) bool {
	var mode uint32
	return windows.GetConsoleMode(windows.Handle(f.Fd()), &mode) == nil
}
