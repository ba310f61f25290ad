package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

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

func (l *lineReader) next() ([]byte, error) {
	line, err := l.r.ReadBytes('\n')
	if err != nil && (err != io.EOF || len(line) == 0) {
		return nil, fmt.Errorf("read PIN from standard input: %w", err)
	}
	return bytes.TrimRight(line, "\r\n"), nil
}

// prompt returns the PIN callback for the driver: one line of stdin with
// --pin-stdin, otherwise a prompt on the terminal without echo. Either way
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
		tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
		if err != nil {
			return nil, fmt.Errorf("no terminal to ask for the PIN (use --pin-stdin): %w", err)
		}
		defer tty.Close()
		if tries == 1 {
			fmt.Fprintf(tty, "%s\n%s [y/N]: ", assets.LastTryWarning.In(e.lang), strings.TrimSpace(name))
			ans, _ := bufio.NewReader(tty).ReadString('\n')
			if a := strings.ToLower(strings.TrimSpace(ans)); a != "y" && a != "yes" {
				return nil, &lastTryError{pin: p}
			}
		}
		fmt.Fprintf(tty, "%s (%s, %s): ", name, format, assets.TriesLeftText(tries).In(e.lang))
		pin, err := term.ReadPassword(int(tty.Fd()))
		fmt.Fprintln(tty)
		if err != nil {
			return nil, fmt.Errorf("read PIN: %w", err)
		}
		return pin, nil
	}
}
