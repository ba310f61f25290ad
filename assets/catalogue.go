// Package assets holds what the program shows a person: the error catalogue
// with its Japanese and English texts and remedies, UI strings, icons and
// fonts. It imports nothing of the product, so every package may use it.
package assets

import "sort"

// Lang is a UI language. Japanese is the default.
type Lang string

// Supported languages.
const (
	JA Lang = "ja"
	EN Lang = "en"
)

// Code is a stable error code: the contract between the desktop app, the CLI,
// the booking service and support staff (docs/errors.md).
type Code string

// Text is one string in every supported language.
type Text struct{ JA, EN string }

// In returns the text in lang, falling back to Japanese.
func (t Text) In(lang Lang) string {
	if lang == EN && t.EN != "" {
		return t.EN
	}
	return t.JA
}

// Entry is what a person is told about one code.
type Entry struct {
	Code     Code
	Title    Text   // one line: what happened
	Message  Text   // what it means, in the manuals' voice
	Remedies []Text // what to do, most likely first
	// Report says whether to offer the diagnostic report with this error.
	Report bool
}

var catalogue = map[Code]Entry{}

// register adds entries at init; a duplicate code is a programming error.
func register(entries ...Entry) {
	for _, e := range entries {
		if _, dup := catalogue[e.Code]; dup {
			panic("assets: duplicate catalogue code " + string(e.Code))
		}
		catalogue[e.Code] = e
	}
}

// Lookup returns the entry for code. An unknown code gets the 13999 entry
// with its own code kept, so nothing is ever shown without a remedy.
func Lookup(code Code) Entry {
	if e, ok := catalogue[code]; ok {
		return e
	}
	e := catalogue[CodeReadOther]
	e.Code = code
	return e
}

// Codes lists every registered code in order, for tests and documentation.
func Codes() []Code {
	out := make([]Code, 0, len(catalogue))
	for c := range catalogue {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
