package assets

import (
	"fmt"
	"time"
)

// Term is the glossary: the words of the services' manuals (seed manuals
// 000–004) for everything the app names. Screens, the catalogue and the
// PIN texts take their words from here, so a resident meets one name for
// one thing everywhere; glossary_test.go holds every Japanese text to it.
var Term = struct {
	// The card and the reader.
	Card, Reader, ContactReader, ContactlessReader Text
	// The three PINs, as the manuals call them.
	HelperPIN, AuthPIN, SignPIN Text
	// Their shapes.
	Digits4, SignFormat Text
	// The booking side.
	BookingSite, SessionCode, QRCode Text
	// The four attributes, always in this order, and their joined form.
	Name, Address, Birth, Sex, Attributes4 Text
	// The two steps of the step bar: ① 読み取り ② 署名.
	StepRead, StepSign Text
	// Where a resident goes: the municipal counter.
	Municipal Text
}{
	Card:              Text{"マイナンバーカード", "My Number Card"},
	Reader:            Text{"カードリーダー", "card reader"},
	ContactReader:     Text{"差し込む(接触型)カードリーダー", "contact reader (insert the card)"},
	ContactlessReader: Text{"置く(非接触型)カードリーダー", "contactless reader (lay the card on it)"},
	HelperPIN:         Text{"券面事項入力補助用パスワード", "card input-helper PIN"},
	AuthPIN:           Text{"利用者証明用パスワード", "user authentication PIN"},
	SignPIN:           Text{"署名用パスワード", "signing password"},
	Digits4:           Text{"数字4桁", "4 digits"},
	SignFormat:        Text{"英数字6～16文字", "6 to 16 letters and digits"},
	BookingSite:       Text{"予約サイト", "booking site"},
	SessionCode:       Text{"セッションコード", "session code"},
	QRCode:            Text{"二次元コード", "QR code"},
	Name:              Text{"氏名", "Name"},
	Address:           Text{"住所", "Address"},
	Birth:             Text{"生年月日", "Date of birth"},
	Sex:               Text{"性別", "Sex"},
	Attributes4:       Text{"氏名・住所・生年月日・性別", "name, address, date of birth and sex"},
	StepRead:          Text{"読み取り", "Read"},
	StepSign:          Text{"署名", "Sign"},
	Municipal:         Text{"お住まいの市区町村の窓口", "your municipal office"},
}

// DurationText says a duration as a person does (「2分」, 「30秒」), never
// as Go prints it (「2m0s」).
func DurationText(d time.Duration) Text {
	d = d.Round(time.Second)
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		n := int(d / time.Hour)
		return Text{fmt.Sprintf("%d時間", n), plural(n, "hour")}
	case d >= time.Minute && d%time.Minute == 0:
		n := int(d / time.Minute)
		return Text{fmt.Sprintf("%d分", n), plural(n, "minute")}
	case d >= time.Minute:
		m, s := int(d/time.Minute), int(d%time.Minute/time.Second)
		return Text{fmt.Sprintf("%d分%d秒", m, s), fmt.Sprintf("%s %s", plural(m, "minute"), plural(s, "second"))}
	}
	n := int(d / time.Second)
	return Text{fmt.Sprintf("%d秒", n), plural(n, "second")}
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// JapaneseDate writes a date as the manuals do: 2000年1月1日.
func JapaneseDate(t time.Time) string {
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// JapaneseDateTime writes a time in Japan time: 2026年12月2日 18時05分.
func JapaneseDateTime(t time.Time) string {
	t = t.In(JST)
	return fmt.Sprintf("%s %d時%02d分", JapaneseDate(t), t.Hour(), t.Minute())
}

// JST is Japan time (no daylight saving), fixed so a kiosk whose clock
// zone is wrong still shows the service's time as the resident knows it.
var JST = time.FixedZone("JST", 9*60*60)
