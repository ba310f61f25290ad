package assets

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// screenTexts is every Japanese text the app can put on a screen: the UI
// strings, the glossary, the PIN texts and the whole catalogue.
func screenTexts() map[string]string {
	out := map[string]string{}
	addStruct := func(prefix string, v any) {
		rv := reflect.ValueOf(v)
		for i := 0; i < rv.NumField(); i++ {
			if t, ok := rv.Field(i).Interface().(Text); ok {
				out[prefix+rv.Type().Field(i).Name] = t.JA
			}
		}
	}
	addStruct("UI.", UI)
	addStruct("Term.", Term)
	for _, m := range []map[string]Text{PINName, PINFormat, PINPurpose} {
		for k, t := range m {
			out["PIN."+k+"."+t.JA] = t.JA
		}
	}
	out["LastTryWarning"] = LastTryWarning.JA
	for _, c := range Codes() {
		e := Lookup(c)
		out[string(c)+".title"], out[string(c)+".message"] = e.Title.JA, e.Message.JA
		for i, r := range e.Remedies {
			out[string(c)+".remedy"+string(rune('0'+i))] = r.JA
		}
	}
	for _, r := range []int{1, 3, 4, 5, 6} {
		t, _ := RevocationRemedy(r)
		out["revocation"+string(rune('0'+r))] = t.JA
	}
	var fyneJA map[string]any
	if err := json.Unmarshal(FyneJA, &fyneJA); err != nil {
		panic(err)
	}
	for k, v := range fyneJA {
		switch v := v.(type) {
		case string:
			out["fyne."+k] = v
		case map[string]any:
			out["fyne."+k], _ = v["other"].(string)
		}
	}
	for _, d := range []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 90 * time.Second, time.Hour} {
		out["duration "+d.String()] = DurationText(d).JA
	}
	return out
}

// Latin words a Japanese screen may show: the product's name, the
// manuals' own (OK, Code, ID, URL), what is printed on a keyboard or a
// reader (Enter, Tab, Esc, USB, IC), names of systems, a code's shape and
// the name of the English language choice.
var allowedLatin = map[string]bool{
	"mynadesk": true, "URL": true, "USB": true, "IC": true, "ID": true, "OK": true, "Code": true,
	"Windows": true, "Linux": true, "Smart": true, "Card": true, "SCardSvr": true, "pcscd": true,
	"Tax": true, "https": true, "session": true, "XXXX": true, "ABCD": true, "EFGH": true,
	"Enter": true, "Tab": true, "Esc": true,
	"English": true, // the language choice, named in itself
}

var (
	latinWord  = regexp.MustCompile(`[A-Za-z]{2,}`)
	goDuration = regexp.MustCompile(`\d+(h|m|s|ms)(\d+(m|s))?\b|\d+m\d+s`)
	urlish     = regexp.MustCompile(`[a-z]+://\S*`)
)

// No Japanese text speaks English or Go, and the manuals' words are used:
// 署名用パスワード, 二次元コード (never QR), お住まい, full-width ？.
func TestJapaneseScreenTextsUseTheGlossary(t *testing.T) {
	old := map[string]string{
		"署名用電子証明書のパスワード":    Term.SignPIN.JA,
		"利用者証明用電子証明書のパスワード": Term.AuthPIN.JA,
		"QR":  "二次元コード",
		"お住い": "お住まい",
		"〜":   "～",
	}
	for key, s := range screenTexts() {
		if strings.TrimSpace(s) == "" {
			t.Errorf("%s: no Japanese text", key)
			continue
		}
		for _, w := range latinWord.FindAllString(urlish.ReplaceAllString(s, ""), -1) {
			if !allowedLatin[w] {
				t.Errorf("%s: English word %q in %q", key, w, s)
			}
		}
		if m := goDuration.FindString(s); m != "" {
			t.Errorf("%s: Go duration %q in %q", key, m, s)
		}
		if strings.ContainsAny(urlish.ReplaceAllString(s, ""), "?!") {
			t.Errorf("%s: half-width ? or ! in %q (use ？ ！)", key, s)
		}
		for w, want := range old {
			if strings.Contains(s, w) {
				t.Errorf("%s: %q where the manuals say %q: %q", key, w, want, s)
			}
		}
		// One order of the four attributes.
		if strings.Contains(s, "氏名、生年月日、性別、住所") || strings.Contains(s, "氏名・住所・性別・生年月日") {
			t.Errorf("%s: the attributes in another order than %s: %q", key, Term.Attributes4.JA, s)
		}
	}
}

// The check itself catches what it is for.
func TestGlossaryCheckCatches(t *testing.T) {
	for _, bad := range []string{"2m0s", "1h0m0s", "30s"} {
		if goDuration.FindString(bad) == "" {
			t.Errorf("%q not caught", bad)
		}
	}
	if w := latinWord.FindAllString("設定 Open の error", -1); len(w) != 2 || allowedLatin[w[0]] || allowedLatin[w[1]] {
		t.Errorf("english words: %v", w)
	}
	if got := DurationText(2 * time.Minute).JA; got != "2分" {
		t.Errorf("2m: %q", got)
	}
	if got := DurationText(90 * time.Second).JA; got != "1分30秒" {
		t.Errorf("90s: %q", got)
	}
	if got := JapaneseDate(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)); got != "2000年1月1日" {
		t.Errorf("date: %q", got)
	}
	if got := JapaneseDateTime(time.Date(2026, 12, 2, 9, 5, 0, 0, time.UTC)); got != "2026年12月2日 18時05分" {
		t.Errorf("time: %q", got)
	}
}

// Every text of Fyne's own dialogs has a Japanese translation.
func TestFyneDialogsTranslated(t *testing.T) {
	var ja, en map[string]any
	if err := json.Unmarshal(FyneJA, &ja); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(FyneEN, &en); err != nil {
		t.Fatal(err)
	}
	for k := range en {
		if _, ok := ja[k]; !ok {
			t.Errorf("Fyne's %q has no Japanese", k)
		}
	}
}
