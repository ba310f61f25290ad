package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/problem"
	"github.com/mynadesk/mynadesk/resident"
)

// printJSON writes v as indented JSON on stdout.
func (e *env) printJSON(v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// errorJSON is how a failure looks with --json.
type errorJSON struct {
	Error struct {
		Code      assets.Code `json:"code"`
		Title     string      `json:"title"`
		Message   string      `json:"message"`
		Remedies  []string    `json:"remedies"`
		TriesLeft *int        `json:"tries_left,omitempty"`
		Detail    string      `json:"detail"`
	} `json:"error"`
}

// Is makes a refused last try the resident session's ErrLastTry, which
// the catalogue knows (P06).
func (e *lastTryError) Is(target error) bool { return target == resident.ErrLastTry }

// fail prints err as the catalogue tells (code, message, remedies) and
// returns the exit status. Usage errors print as they are.
func (e *env) fail(err error) int {
	var ee *exitCodeError
	if errors.As(err, &ee) && ee.quiet {
		return ee.code
	}
	if errors.As(err, &ee) && ee.code == exitUsage {
		fmt.Fprintf(e.stderr, "mynactl: %v\n", err)
		return exitUsage
	}
	code := problem.CodeOf(err)
	entry := assets.Lookup(code)
	var pe *card.PINError
	var tries *int
	if errors.As(err, &pe) && !errors.Is(pe, card.ErrPINBlocked) {
		tries = &pe.TriesLeft
	}
	if e.json {
		var out errorJSON
		out.Error.Code, out.Error.Title, out.Error.Message = code, entry.Title.In(e.lang), entry.Message.In(e.lang)
		out.Error.TriesLeft, out.Error.Detail = tries, err.Error()
		for _, r := range entry.Remedies {
			out.Error.Remedies = append(out.Error.Remedies, r.In(e.lang))
		}
		e.printJSON(out)
	} else {
		fmt.Fprintf(e.stderr, "mynactl: [%s] %s\n", code, entry.Title.In(e.lang))
		fmt.Fprintf(e.stderr, "mynactl: %s\n", entry.Message.In(e.lang))
		if tries != nil {
			fmt.Fprintf(e.stderr, "mynactl: %s\n", assets.TriesLeftText(*tries).In(e.lang))
		}
		for _, r := range entry.Remedies {
			fmt.Fprintf(e.stderr, "mynactl: hint: %s\n", r.In(e.lang))
		}
		fmt.Fprintf(e.stderr, "mynactl: detail: %v\n", err)
	}
	if errors.As(err, &ee) {
		return ee.code // a command's own status for an error outside the catalogue
	}
	return problem.ExitStatus(code)
}

// writeTrace prints the APDUs the command exchanged, one a line, and their
// count: what support staff compare between a good and a failing reader.
func (e *env) writeTrace() {
	entries := e.trace.Entries()
	for i, t := range entries {
		fmt.Fprintf(e.stderr, "apdu %2d %-26s %-44s sw=%04X len=%d %v %s\n",
			i+1, t.Name, t.Command, uint16(t.SW), t.Length, t.Duration.Round(time.Microsecond), t.Err)
	}
	fmt.Fprintf(e.stderr, "apdus: %d\n", len(entries))
}
