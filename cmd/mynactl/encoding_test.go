package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/card"
)

// noReader is a PC/SC service that has no reader, so the commands print a
// Japanese error without a card.
func noReader() (card.System, error) {
	return nil, &card.ReaderError{Fault: card.FaultNoReaders, Op: "list readers"}
}

func runNoReader(t *testing.T, env string, args ...string) (code int, stdout, stderr []byte) {
	t.Helper()
	t.Setenv("MYNADESK_ENCODING", env)
	var out, errb bytes.Buffer
	code = runWith(context.Background(), args, strings.NewReader(""), &out, &errb, noReader)
	return code, out.Bytes(), errb.Bytes()
}

func TestEncodingCP932(t *testing.T) {
	title := assets.Lookup(assets.CodeNoReader).Title.JA
	sjis := func(s string) []byte {
		b, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	// Default: UTF-8.
	code, _, stderr := runNoReader(t, "", "status")
	if code != exitReader || !bytes.Contains(stderr, []byte(title)) {
		t.Fatalf("utf-8: exit %d: %s", code, stderr)
	}
	// --encoding cp932: stderr in CP932, every line of it.
	for _, enc := range []string{"cp932", "Shift_JIS", "sjis"} {
		code, _, stderr = runNoReader(t, "", "status", "--encoding", enc)
		if code != exitReader || !bytes.Contains(stderr, sjis(title)) || utf8.Valid(stderr) {
			t.Fatalf("%s: exit %d: % x", enc, code, stderr)
		}
		dec, err := japanese.ShiftJIS.NewDecoder().Bytes(stderr)
		if err != nil || !strings.Contains(string(dec), "mynactl: hint: ") || !strings.Contains(string(dec), title) {
			t.Fatalf("%s: decoded %q %v", enc, dec, err)
		}
	}
	// JSON on stdout, and the variable for scripts that set it once.
	code, stdout, _ := runNoReader(t, "cp932", "status", "--json")
	if code != exitReader || !bytes.Contains(stdout, sjis(`"title": "`+title+`"`)) {
		t.Fatalf("json: exit %d: % x", code, stdout)
	}
	// A character CP932 lacks is replaced, not an error.
	var b bytes.Buffer
	w := withEncoding(&b, encodingCP932)
	if _, err := w.Write([]byte("公的 花子 😀\n")); err != nil || !bytes.Equal(b.Bytes(), append(sjis("公的 花子 "), "?\n"...)) {
		t.Fatalf("% x %v", b.Bytes(), err)
	}
	// A rune cut between two writes arrives whole.
	b.Reset()
	kana := []byte("カード")
	w.Write(kana[:4])
	w.Write(kana[4:])
	if !bytes.Equal(b.Bytes(), sjis("カード")) {
		t.Fatalf("split rune: % x", b.Bytes())
	}
}

func TestEncodingRefusesUnknown(t *testing.T) {
	code, _, stderr := runNoReader(t, "", "status", "--encoding", "euc-jp")
	if code != exitUsage || !strings.Contains(string(stderr), "--encoding must be utf-8 or cp932") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}
