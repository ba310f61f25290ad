package assets

import (
	"strings"
	"testing"
)

// Every code tells a person what happened, what it means and what to do, in
// both languages.
func TestCatalogueComplete(t *testing.T) {
	codes := Codes()
	if len(codes) < 17 {
		t.Fatalf("only %d codes registered", len(codes))
	}
	for _, c := range codes {
		e := Lookup(c)
		if e.Code != c {
			t.Errorf("%s: entry has code %s", c, e.Code)
		}
		for _, txt := range append([]Text{e.Title, e.Message}, e.Remedies...) {
			if strings.TrimSpace(txt.JA) == "" || strings.TrimSpace(txt.EN) == "" {
				t.Errorf("%s: missing text %+v", c, txt)
			}
		}
		if len(e.Remedies) == 0 {
			t.Errorf("%s: no remedy", c)
		}
	}
}

func TestLookupUnknownFallsBack(t *testing.T) {
	e := Lookup("X99")
	if e.Code != "X99" || e.Title.JA != Lookup(CodeReadOther).Title.JA || len(e.Remedies) == 0 {
		t.Fatalf("%+v", e)
	}
	if (Text{JA: "日本語"}).In(EN) != "日本語" || (Text{"日本語", "English"}).In(EN) != "English" {
		t.Fatal("In")
	}
}
