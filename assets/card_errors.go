package assets

// Codes for failures while talking to a card or reader.
const (
	CodeCardMoved      Code = "13100" // the card went away during the operation
	CodeNoAnswer       Code = "13500" // the card or reader did not answer
	CodeUnsupported    Code = "13600" // not a card the product can read
	CodeReadOther      Code = "13999" // any other read failure
	CodeNoReader       Code = "R01"   // no reader connected
	CodeNoService      Code = "R02"   // smart-card service not running
	CodeSeveralReaders Code = "R03"   // several readers hold a card: ask which
	CodeNoCard         Code = "R04"   // reader present, no card
	CodeReaderBusy     Code = "R05"   // another application holds the card
	CodeReaderMissing  Code = "R06"   // the reader named in the settings is not connected
	CodeServiceFailed  Code = "R07"   // the smart-card service refused or failed the call
	CodeCancelled      Code = "C01"   // the resident cancelled
	CodePINFormat      Code = "P01"   // PIN of the wrong shape: refused, no try used
	CodePINWrong       Code = "P02"   // wrong PIN, tries left
	CodePINBlockedHelp Code = "P03"   // 券面事項入力補助用 PIN blocked
	CodePINBlockedAuth Code = "P04"   // 利用者証明用 PIN blocked
	CodePINBlockedSign Code = "P05"   // 署名用 password blocked
	CodeJukiCard       Code = "13601" // a 住基カード: its own wording within 13600
	CodeNoSignCert     Code = "13602" // the card has no signing certificate (children under 15)
)

// The manuals give one set of remedies for every read failure.
var readRemedies = []Text{
	{"読み取りが完了するまで、マイナンバーカードをカードリーダーに置いたまま動かさないでください。読み取りには5秒以上かかる場合があります。",
		"Keep the card on or in the reader without moving it until reading is complete. It can take 5 seconds or more."},
	{"接触型のカードリーダーでは、カードの向きと裏表を確かめて奥まで差し込んでください。非接触型では、カードの中心をリーダーのマークに合わせてください。",
		"For a contact reader, check the card's orientation and push it all the way in. For a contactless reader, put the centre of the card on the reader's mark."},
	{"カードとカードリーダーの間に金属製のものを置かないでください。カードケースやカバーは外してください。",
		"Remove anything metal between the card and the reader, and take the card out of its case or cover."},
	{"充電器やイヤホンなどのケーブルを外すと読み取れる場合があります。",
		"Unplugging chargers, earphones and other cables may help."},
}

var reportRemedy = Text{
	"解決しない場合は「診断レポート」を作成し、窓口またはサポートにお伝えください。",
	"If this keeps happening, create a diagnostic report and give it to the counter staff or support.",
}

func withReport(r []Text) []Text { return append(append([]Text{}, r...), reportRemedy) }

func init() {
	register(
		Entry{Code: CodeCardMoved,
			Title:    Text{"カードの読み取り中にカードが離れました", "The card was moved during reading"},
			Message:  Text{"読み取りの途中でマイナンバーカードがカードリーダーから離れたため、読み取りができませんでした。もう一度お試しください。", "The My Number Card left the reader before reading finished. Please try again."},
			Remedies: readRemedies},
		Entry{Code: CodeNoAnswer,
			Title:    Text{"カードまたはカードリーダーが応答しません", "The card or reader did not answer"},
			Message:  Text{"マイナンバーカードまたはカードリーダーから応答がありませんでした。カードを置き直してから、もう一度お試しください。", "The My Number Card or the reader did not answer. Put the card on the reader again and retry."},
			Remedies: withReport(append([]Text{{"カードリーダーのUSBケーブルを抜き差ししてください。", "Unplug the reader's USB cable and plug it in again."}}, readRemedies...)), Report: true},
		Entry{Code: CodeUnsupported,
			Title:    Text{"このカードは読み取れません", "This card cannot be read"},
			Message:  Text{"カードリーダーに置かれたカードはマイナンバーカードではないか、読み取りに対応していないカードです。", "The card in the reader is not a My Number Card, or is a card this program cannot read."},
			Remedies: []Text{{"マイナンバーカードであることを確かめて、置き直してください。", "Check that it is your My Number Card and put it on the reader again."}, reportRemedy}, Report: true},
		Entry{Code: CodeJukiCard,
			Title:    Text{"住民基本台帳カードは使えません", "A Basic Resident Registration card cannot be used"},
			Message:  Text{"カードリーダーに置かれたカードは住民基本台帳カード(住基カード)です。この手続きにはマイナンバーカードが必要です。", "The card in the reader is a Basic Resident Registration card (Juki card). This procedure needs a My Number Card."},
			Remedies: []Text{{"マイナンバーカードをお持ちでない場合は、お住まいの市区町村の窓口でお申し込みください。", "If you do not have a My Number Card, apply for one at your municipal office."}}},
		Entry{Code: CodeNoSignCert,
			Title:   Text{"このマイナンバーカードには署名用電子証明書がありません", "This My Number Card has no signing certificate"},
			Message: Text{"署名用電子証明書が入っていないため、② 電子署名ができません(15歳未満の方のカードなど)。", "The card holds no signing certificate, so step ② cannot be done (for example the card of a child under 15)."},
			Remedies: []Text{{"署名用電子証明書の発行は、" + Term.Municipal.JA + "にお問い合わせください。", "Ask your municipal office about issuing a signing certificate."},
				{"予約サイトで、ほかの本人確認の方法(窓口など)をお選びください。", "Choose another way to prove your identity on the booking site (e.g. at the counter)."}}},
		Entry{Code: CodeReadOther,
			Title:    Text{"マイナンバーカードの読み取りに失敗しました", "Reading the My Number Card failed"},
			Message:  Text{"マイナンバーカードの読み取り中に予期しないエラーが発生しました。もう一度お試しください。", "An unexpected error occurred while reading the My Number Card. Please try again."},
			Remedies: withReport(readRemedies), Report: true},
		Entry{Code: CodeNoReader,
			Title:    Text{"カードリーダーが見つかりません", "No card reader found"},
			Message:  Text{"ICカードリーダーがパソコンに接続されていません。", "No IC card reader is connected to this computer."},
			Remedies: []Text{{"カードリーダーをパソコンに接続してください。接続している場合は、USBケーブルを抜き差ししてください。", "Connect the card reader to the computer. If it is connected, unplug its USB cable and plug it in again."}, {"カードリーダーのドライバーがインストールされているか確かめてください。", "Check that the reader's driver is installed."}}},
		Entry{Code: CodeNoService,
			Title:    Text{"スマートカードサービスが動いていません", "The smart card service is not running"},
			Message:  Text{"カードリーダーを使うためのサービス(Windows: Smart Card / SCardSvr、Linux: pcscd)が起動していません。", "The service that drives card readers (Windows: Smart Card / SCardSvr, Linux: pcscd) is not running."},
			Remedies: []Text{{"パソコンを再起動してください。解決しない場合は管理者にサービスの起動を依頼してください。", "Restart the computer. If that does not help, ask an administrator to start the service."}, reportRemedy}, Report: true},
		Entry{Code: CodeServiceFailed,
			Title:    Text{"スマートカードサービスに接続できません", "Cannot use the smart card service"},
			Message:  Text{"カードリーダーを使うためのサービス(Windows: Smart Card / SCardSvr、Linux: pcscd)が応答しないか、このアプリの利用を受け付けませんでした。", "The service that drives card readers (Windows: Smart Card / SCardSvr, Linux: pcscd) did not answer, or refused this application."},
			Remedies: []Text{{"カードリーダーを抜き差ししてから、もう一度お試しください。", "Unplug the card reader, plug it in again and retry."}, {"リモートデスクトップで接続している場合は、カードリーダーをつないだパソコンで直接操作してください。", "If you are using Remote Desktop, use the computer the reader is connected to directly."}, {"解決しない場合は、パソコンを再起動してください。", "If that does not help, restart the computer."}, reportRemedy}, Report: true},
		Entry{Code: CodeSeveralReaders,
			Title:    Text{"カードが置かれたカードリーダーが複数あります", "Several readers hold a card"},
			Message:  Text{"どのカードリーダーのカードを読み取るか選んでください。", "Choose which reader's card to read."},
			Remedies: []Text{{"使わないカードリーダーからカードを取り出すか、設定で使うカードリーダーを選んでください。", "Take the card out of the readers you do not use, or choose the reader in the settings."}}},
		Entry{Code: CodeNoCard,
			Title:    Text{"カードが置かれていません", "No card in the reader"},
			Message:  Text{"カードリーダーにマイナンバーカードを置いてください。", "Put your My Number Card on the reader."},
			Remedies: readRemedies[1:2]},
		Entry{Code: CodeReaderBusy,
			Title:    Text{"ほかのアプリがカードを使用中です", "Another application is using the card"},
			Message:  Text{"ほかのアプリがマイナンバーカードを使っているため、読み取れませんでした。", "Another application is using the My Number Card, so it could not be read."},
			Remedies: []Text{{"マイナンバーカードを使うほかのアプリ(マイナポータル、e-Taxなど)を終了してから、もう一度お試しください。", "Close other applications that use the card (Mynaportal, e-Tax, …) and try again."}}},
		Entry{Code: CodeReaderMissing,
			Title:    Text{"設定されたカードリーダーが見つかりません", "The chosen reader is not connected"},
			Message:  Text{"設定で選ばれたカードリーダーが接続されていません。", "The reader chosen in the settings is not connected."},
			Remedies: []Text{{"カードリーダーを接続するか、設定で別のカードリーダーを選んでください。", "Connect that reader, or choose another one in the settings."}}},
		Entry{Code: CodeCancelled,
			Title:    Text{"中止しました", "Cancelled"},
			Message:  Text{"操作を中止しました。パスワードの入力回数は減っていません。", "The operation was cancelled. No PIN try was used."},
			Remedies: []Text{{"もう一度始めるときは、最初からやり直してください。", "To try again, start from the beginning."}}},
		Entry{Code: CodePINFormat,
			Title:    Text{"パスワードの形式が正しくありません", "The PIN has the wrong format"},
			Message:  Text{"入力されたパスワードの桁数または文字が正しくありません。カードには送っていないため、入力回数は減っていません。", "The PIN has the wrong length or characters. It was not sent to the card, so no try was used."},
			Remedies: []Text{{"券面事項入力補助用パスワードは数字4桁、署名用パスワードは英数字6～16文字です。", "The card input-helper and authentication PINs are 4 digits; the signing password is 6 to 16 letters and digits."}}},
		Entry{Code: CodePINWrong,
			Title:    Text{"パスワードが違います", "Wrong PIN"},
			Message:  Text{"入力されたパスワードが正しくありません。続けて間違えるとロックされます。", "The PIN is not correct. If it is entered wrongly again and again, it will be locked."},
			Remedies: []Text{{"残りの回数を確かめて、慎重に入力してください。", "Check how many tries are left and enter it carefully."}, {"パスワードを忘れた場合は、" + Term.Municipal.JA + "で再設定してください。", "If you have forgotten it, reset it at your municipal office."}}},
		Entry{Code: CodePINBlockedHelp,
			Title:    Text{"券面事項入力補助用パスワードがロックされています", "The card input-helper PIN is locked"},
			Message:  Text{"パスワードを3回連続で間違えたため、ロックがかかっています。", "The PIN was entered wrongly 3 times in a row and is locked."},
			Remedies: []Text{{"マイナンバーカードを持参のうえ、住民票のある市区町村の窓口でロックの解除とパスワードの再設定をしてください。", "Take your My Number Card to the municipal office where you are registered to unlock and reset the PIN."}}},
		Entry{Code: CodePINBlockedAuth,
			Title:    Text{"利用者証明用パスワードがロックされています", "The authentication PIN is locked"},
			Message:  Text{"パスワードを3回連続で間違えたため、ロックがかかっています。", "The PIN was entered wrongly 3 times in a row and is locked."},
			Remedies: []Text{{"マイナンバーカードを持参のうえ、住民票のある市区町村の窓口でロックの解除とパスワードの再設定をしてください。", "Take your My Number Card to the municipal office where you are registered to unlock and reset the PIN."}, {"署名用パスワード(英数字6～16文字)が分かる場合は、スマートフォンアプリとコンビニエンスストアなどのキオスク端末(マルチコピー機)でも初期化できます。", "If you know the signing password (6–16 letters and digits), you can also reset it with the smartphone app or a convenience-store kiosk."}}},
		Entry{Code: CodePINBlockedSign,
			Title:    Text{"署名用パスワードがロックされています", "The signing password is locked"},
			Message:  Text{"パスワードを5回連続で間違えたため、ロックがかかっています。", "The password was entered wrongly 5 times in a row and is locked."},
			Remedies: []Text{{"マイナンバーカードを持参のうえ、住民票のある市区町村の窓口でロックの解除とパスワードの再設定をしてください。", "Take your My Number Card to the municipal office where you are registered to unlock and reset the password."}, {"利用者証明用パスワード(数字4桁)が分かる場合は、スマートフォンアプリとコンビニエンスストアなどのキオスク端末(マルチコピー機)でも初期化できます。", "If you know the 4-digit authentication PIN, you can also reset it with the smartphone app or a convenience-store kiosk."}}},
	)
}
