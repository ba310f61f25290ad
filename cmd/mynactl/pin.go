package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/card"
)

// lastTryError refuses a scripted PIN entry that would use the
// last try: a script cannot be asked to confirm.
type lastTryError struct{ pin card.PIN }

func (e *lastTryError) Error() string {
	return fmt.Sprintf("%v PIN has one try left; not used without confirmation (--allow-last-try)", e.pin)
}

// lineReader hands out lines of stdin; it keeps one bufio.Reader so two
// prompts in one run read consecutive lines.
type lineReader struct{ r *bufio.Reader }

// next returns the next line without its trailing spaces, tabs, CR and LF:
// cmd.exe's `echo 1234 | mynactl …` sends "1234 \r\n".
func (l *lineReader) next() ([]byte, error) {
	line, err := l.r.ReadBytes('\n')
	if err != nil && (err != io.EOF || len(line) == 0) {
		return nil, fmt.Errorf("read PIN from standard input: %w", err)
	}
	return bytes.TrimRight(line, " \t\r\n"), nil
}

// noConsoleError is a usage error (exit status 2): the PIN is to be typed
// but there is no terminal; the hint names --pin-stdin.
func noConsoleError(err error) error {
	return usageErr("%w\nmynactl: hint: give the PIN on standard input with --pin-stdin, e.g. echo PIN | mynactl attrs --pin-stdin", err)
}

// prompt returns the PIN callback for the driver: one line of stdin with
// --pin-stdin, otherwise a prompt on the terminal (console.go) without echo. Either way
// the resident is told which PIN and how many tries are left before typing.
func (e *env) prompt() card.PINPrompt {
	return func(p card.PIN, tries int) ([]byte, error) {
		name := assets.PINName[p.String()].In(e.lang)
		format := assets.PINFormat[p.String()].In(e.lang)
		if e.pinStdin {
			if tries == 1 && !e.allowLastTry {
				return nil, &lastTryError{pin: p}
			}
			if e.pinLine == nil {
				e.pinLine = &lineReader{r: bufio.NewReader(e.stdin)}
			}
			return e.pinLine.next()
		}
		open := e.openConsole
		if open == nil {
			open = openConsole
		}
		con, err := open()
		if err != nil {
			if errors.Is(err, errNoConsole) {
				return nil, noConsoleError(err)
			}
			return nil, err
		}
		defer con.Close()
		if tries == 1 {
			fmt.Fprintf(con, "%s\n%s [y/N]: ", assets.LastTryWarning.In(e.lang), strings.TrimSpace(name))
			ans, _ := con.ReadLine()
			if a := strings.ToLower(strings.TrimSpace(ans)); a != "y" && a != "yes" {
				return nil, &lastTryError{pin: p}
			}
		}
		fmt.Fprintf(con, "%s (%s, %s): ", name, format, assets.TriesLeftText(tries).In(e.lang))
		ctx := e.ctx
		if ctx == nil {
			ctx = context.Background()
		}
		pin, err := con.ReadSecret(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err() // C01: no try used
			}
			return nil, fmt.Errorf("read PIN: %w", err)
		}
		return pin, nil
	}
}
