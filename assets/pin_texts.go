package assets

import "fmt"

// CodePINLastTry is a PIN entry refused because it would use the last try
// without the resident confirming it.
const CodePINLastTry Code = "P06"

func init() {
	register(Entry{Code: CodePINLastTry,
		Title:   Text{"残り1回のため入力を止めました", "Stopped: only one try is left"},
		Message: Text{"このパスワードはあと1回間違えるとロックされます。確認なしで最後の1回を使うことはしません。", "One more wrong entry will lock this PIN. The last try is never used without confirmation."},
		Remedies: []Text{
			{"パスワードを確かめてから、確認の画面で「はい」を選んで入力してください。", "Make sure of the PIN, then answer yes when asked to confirm (on the command line, add --allow-last-try)."},
			{"パスワードが分からない場合は、" + Term.Municipal.JA + "で再設定してください。", "If you do not know it, reset it at your municipal office."},
		}})
}

// PINName is how each PIN is called in the manuals, by the driver's key
// ("helper", "auth", "sign").
var PINName = map[string]Text{
	"helper": Term.HelperPIN,
	"auth":   Term.AuthPIN,
	"sign":   Term.SignPIN,
}

// PINFormat describes each PIN's shape as the manuals do.
var PINFormat = map[string]Text{
	"helper": Term.Digits4,
	"auth":   Term.Digits4,
	"sign":   Term.SignFormat,
}

// PINPurpose is a one-line explanation of what each PIN is for.
var PINPurpose = map[string]Text{
	"helper": {Term.Attributes4.JA + "を読み取るときに使います。", "Used to read your " + Term.Attributes4.EN + "."},
	"auth":   {"ログインなどで本人であることを証明するときに使います。", "Used to prove it is you, for example to log in."},
	"sign":   {"電子署名をするときに使います。", "Used to make an electronic signature."},
}

// TriesLeftText says how many tries are left.
func TriesLeftText(n int) Text {
	return Text{fmt.Sprintf("残り%d回", n), fmt.Sprintf("%d tries left", n)}
}

// LastTryWarning is shown before the last try is used.
var LastTryWarning = Text{
	"あと1回です。次に間違えるとロックされます。入力するパスワードをよく確かめてください。",
	"One try left. If this entry is wrong, the PIN will be locked. Check it carefully.",
}
