package vm

import (
	"bufio"
	"fmt"
	"strings"
	"time"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/problem"
)

// Summary is what step 2 signs, as the resident reads it: labelled
// fields, the time in Japan time, the birth date and sex in words. The
// exact text stays in FlowState.Content for 「詳細」.
type Summary struct {
	// ServiceName is the service's own name (its session information);
	// Service its identity in the signed text.
	ServiceName  string
	Service      string
	RegisteredAt time.Time
	LoginID      string
	// The 4 attributes; HasAttributes is false in one-PIN mode, where the
	// service takes them from the certificate.
	HasAttributes        bool
	Name, Address, Birth string // Birth as read: YYYYMMDD
	Sex                  string // ISO 5218: 1, 2, 9 or 0
	fields               map[string]string
}

// Rows are the summary's label–value lines in the order shown:
// サービス, 登録日時, ログインID, 氏名, 住所, 生年月日, 性別.
func (s Summary) Rows(lang assets.Lang) [][2]string {
	rows := [][2]string{
		{assets.UI.ContentService.In(lang), s.serviceText()},
		{assets.UI.ContentTime.In(lang), assets.JapaneseDateTime(s.RegisteredAt)},
		{assets.UI.ContentLoginID.In(lang), s.LoginID},
	}
	if s.HasAttributes {
		rows = append(rows,
			[2]string{assets.Term.Name.In(lang), s.Name},
			[2]string{assets.Term.Address.In(lang), s.Address},
			[2]string{assets.Term.Birth.In(lang), BirthText(s.Birth)},
			[2]string{assets.Term.Sex.In(lang), SexText(s.Sex).In(lang)})
	}
	return rows
}

// serviceText is the name with the identity signed, or the identity alone.
func (s Summary) serviceText() string {
	if s.ServiceName == "" || s.ServiceName == s.Service {
		return s.Service
	}
	return s.ServiceName + "(" + s.Service + ")"
}

// BirthText writes YYYYMMDD as 2000年1月1日 (as read when it is not a date).
func BirthText(yyyymmdd string) string {
	t, err := time.Parse("20060102", yyyymmdd)
	if err != nil {
		return yyyymmdd
	}
	return assets.JapaneseDate(t)
}

// SexText names an ISO 5218 code as the card's face does: 女性, 男性.
func SexText(code string) assets.Text {
	switch code {
	case "1":
		return assets.UI.SexMale
	case "2":
		return assets.UI.SexFemale
	case "9":
		return assets.UI.SexNA
	}
	return assets.UI.SexUnknown
}

// ParseContent reads the content to sign (booking.Content's layout) into
// a Summary. A content of another layout is an error: the screen then
// shows the exact text only.
func ParseContent(content string) (Summary, error) {
	sc := bufio.NewScanner(strings.NewReader(content))
	if !sc.Scan() || sc.Text() != booking.ContentHeader {
		return Summary{}, fmt.Errorf("vm: content is not %s", booking.ContentHeader)
	}
	s := Summary{fields: map[string]string{}}
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ": ")
		if !ok {
			return Summary{}, fmt.Errorf("vm: content line without a field: %q", sc.Text())
		}
		s.fields[k] = v
	}
	f := s.fields
	s.Service, s.LoginID = f["service"], f["login-id"]
	t, err := time.Parse(time.RFC3339, f["registered-at"])
	if err != nil {
		return Summary{}, fmt.Errorf("vm: content registered-at: %w", err)
	}
	s.RegisteredAt = t
	if booking.Mode(f["mode"]) == booking.ModeTwoStep {
		s.HasAttributes = true
		s.Name, s.Address, s.Birth, s.Sex = f["name"], f["address"], f["birth"], f["sex"]
	}
	return s, nil
}

// Cancelled reports whether p is the resident's own cancel, which the
// screens show as a plain note, not as an error.
func Cancelled(p *problem.Problem) bool { return p != nil && p.Code == assets.CodeCancelled }
