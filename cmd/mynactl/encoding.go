package main

import (
	"errors"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
)

// Output encodings for --encoding. mynactl writes UTF-8; Japanese Windows
// tools that read Shift_JIS (CP932) garble it when the output is piped or
// redirected, so --encoding cp932 converts what mynactl prints.
const (
	encodingUTF8  = "utf-8"
	encodingCP932 = "cp932"
)

// encodingNames are the spellings --encoding accepts.
var encodingNames = map[string]string{
	"utf-8": encodingUTF8, "utf8": encodingUTF8,
	"cp932": encodingCP932, "shift_jis": encodingCP932, "sjis": encodingCP932,
	"windows-31j": encodingCP932, "ms932": encodingCP932,
}

// encodedWriter converts UTF-8 to CP932 write by write, so each stderr
// line goes out when it is written. Characters CP932 lacks become "?", as
// Windows' own conversion does, rather than an error: the rest of a
// message still reaches the reader. A rune split between two writes is
// held until its end arrives.
type encodedWriter struct {
	w    io.Writer
	tail []byte // the start of a rune cut off by the last write
}

func (w *encodedWriter) Write(p []byte) (int, error) {
	buf := append(w.tail, p...)
	cut := len(buf)
	for i := 0; i < utf8.UTFMax && i < len(buf); i++ {
		if utf8.RuneStart(buf[len(buf)-1-i]) {
			if !utf8.FullRune(buf[len(buf)-1-i:]) {
				cut = len(buf) - 1 - i
			}
			break
		}
	}
	w.tail = append([]byte(nil), buf[cut:]...)
	if _, err := w.w.Write(toCP932(buf[:cut])); err != nil {
		return 0, err
	}
	return len(p), nil
}

// toCP932 converts UTF-8 text; x/text's ShiftJIS is the WHATWG Shift_JIS,
// which is Windows' CP932 (NEC and IBM extensions included).
func toCP932(p []byte) []byte {
	enc := japanese.ShiftJIS.NewEncoder()
	if b, err := enc.Bytes(p); err == nil {
		return b
	}
	out := make([]byte, 0, len(p))
	for _, r := range string(p) {
		b, err := enc.Bytes([]byte(string(r)))
		if err != nil {
			b = []byte{'?'}
		}
		out = append(out, b...)
	}
	return out
}

// withEncoding returns w writing in the named encoding. A Windows console
// is left as it is: Go writes to it with WriteConsoleW, in Unicode, and
// converted bytes would garble it.
func withEncoding(w io.Writer, name string) io.Writer {
	if name != encodingCP932 || isUnicodeConsole(w) {
		return w
	}
	return &encodedWriter{w: w}
}

// parseEncoding checks an --encoding value.
func parseEncoding(v string) (string, error) {
	if n, ok := encodingNames[strings.ToLower(strings.TrimSpace(v))]; ok {
		return n, nil
	}
	return "", errors.New(`--encoding must be utf-8 or cp932`)
}

// isUnicodeConsole reports whether w is a console that takes Unicode
// whatever its code page (Windows' console; console_windows.go).
func isUnicodeConsole(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && consoleIsUnicode(f)
}
