package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/card"
)

// cmd.exe's `echo 1234 | mynactl attrs --pin-stdin` sends "1234 \r\n".
func TestPinStdinTrimsTrailingBlanks(t *testing.T) {
	for in, want := range map[string][]string{
		"1234 \r\n":               {"1234"},
		"1234\t \r\n":             {"1234"},
		"1234":                    {"1234"},
		"1234\n":                  {"1234"},
		"1234 \r\nABC123 \r\n":    {"1234", "ABC123"},
		"  1234\n":                {"  1234"}, // leading blanks are the card's to refuse (P01)
		"1234 \r\n\r\nABC123\n  ": {"1234", "", "ABC123", ""},
	} {
		e := &env{stdin: strings.NewReader(in), pinStdin: true, lang: assets.JA}
		prompt := e.prompt()
		for i, w := range want {
			got, err := prompt(card.PINHelper, 3)
			if err != nil || string(got) != w {
				t.Errorf("%q line %d: %q %v, want %q", in, i, got, err, w)
			}
		}
	}
}

// noConsoles are ways of having no terminal; pin_linux_test.go adds the
// real /dev/tty code on a file that is no terminal.
var noConsoles = map[string]func() (console, error){
	"no console": func() (console, error) {
		return nil, fmt.Errorf("%w (open /dev/tty: no such device or address)", errNoConsole)
	},
}

// With no terminal (a service, a scheduled task, a pipe with no console)
// the prompt is a usage error with the --pin-stdin hint, not card code
// 13999.
func TestPromptWithoutTerminalIsUsageError(t *testing.T) {
	for name, open := range noConsoles {
		t.Run(name, func(t *testing.T) {
			var stderr bytes.Buffer
			e := &env{stderr: &stderr, lang: assets.JA, openConsole: open}
			_, err := e.prompt()(card.PINHelper, 3)
			if !errors.Is(err, errNoConsole) {
				t.Fatalf("err %v", err)
			}
			// The driver wraps the prompt's error, as card.pinops does.
			if code := e.fail(fmt.Errorf("read attributes: %w", err)); code != exitUsage {
				t.Fatalf("exit %d, want %d (usage)", code, exitUsage)
			}
			out := stderr.String()
			if !strings.Contains(out, "--pin-stdin") || strings.Contains(out, string(assets.CodeReadOther)) {
				t.Fatalf("stderr: %s", out)
			}
		})
	}
}
