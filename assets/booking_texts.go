package assets

// Codes the booking service's registration page shows that are not results
// of the signature check (those are in verify_errors.go).
const (
	CodeNotSigned      Code = "S03" // 【完了する】 before mynadesk uploaded the signature
	CodeSessionExpired Code = "S04" // the session's 10 minutes are over
	CodeSessionCode    Code = "S05" // a typed session code is wrong (check character)
	CodeSessionRef     Code = "S06" // not a code, https URL or mynadesk:// link
	CodeSessionUnknown Code = "S07" // the service has no session with that code
	CodeServiceDown    Code = "S08" // the booking service could not be reached
	CodeSessionRefused Code = "S09" // the service refused a step (already done, out of order)
	CodeSessionBusy    Code = "S10" // the service cannot start a session now (busy, rate limit)
	CodeSessionClaimed Code = "S11" // another mynadesk opened the session first
	CodeUpdateApp      Code = "S12" // the service speaks a newer protocol: update mynadesk
)

// BookingPage holds the texts of bookingd's account registration page,
// modelled on the 施設予約システム pages of the booking services' manual
// (docs/design.md, "The flow it serves").
var BookingPage = struct {
	SiteName, Register, Agree, AgreeLead, Rules                      Text
	StepInput, StepConfirm, StepCard, StepDone                       Text
	IDDoc, IDMethod, MethodCounter, MethodCard                       Text
	ReadLead, ReadPINNote, CodeLabel, QRNote, LaunchApp              Text
	ReflectLead, ReflectHelp, Reflect, ReadDone                      Text
	UserInfo, Name, Address, Birth, Sex, Phone, Email                Text
	LoginID, Password, Confirm, NotFixed, Notice, NoticeCheck        Text
	ToCard, Fix, CardTitle, CardLead, CardAbout, CardAboutText       Text
	CardSameApp, CardSignedInfo, SignLead, SignPINNote, CompleteLead Text
	CompleteHelp, Complete, DoneTitle, DoneText, Top, OnePIN         Text
	CounterUnsupported, NeedLoginID, NeedPassword, NeedReflect       Text
	NeedNotice, OnePINNotOffered, Forbidden, BadText                 Text
	ClaimPending, ClaimActive, ClaimMatch, ClaimMismatch             Text
	SexNames                                                         map[string]Text
}{
	SiteName:           Text{"施設予約システム", "Facility booking system"},
	Register:           Text{"アカウント登録", "Create an account"},
	Agree:              Text{"同意する", "Agree"},
	AgreeLead:          Text{"登録には、利用規約及びプライバシーポリシーへの同意が必要です。以下の利用規約及びプライバシーポリシーをよくお読みの上、同意いただける場合は「同意する」ボタンを押してください。", "Registration requires agreeing to the terms of use and the privacy policy. Read them and press Agree if you agree."},
	Rules:              Text{"1個人及び1団体での利用者アカウントは1つまでとなります。複数アカウント登録が確認された場合、利用停止または利用者削除を行う場合がございます。", "One account per person or group. Several accounts may be suspended or deleted."},
	StepInput:          Text{"基本情報入力", "Details"},
	StepConfirm:        Text{"確認", "Confirm"},
	StepCard:           Text{"マイナンバーカード確認", "My Number Card check"},
	StepDone:           Text{"完了", "Done"},
	IDDoc:              Text{"本人確認書類", "Identity document"},
	IDMethod:           Text{"確認の手段", "How to check"},
	MethodCounter:      Text{"窓口", "At the counter"},
	MethodCard:         Text{"マイナンバーカード", "My Number Card"},
	ReadLead:           Text{"読み取りアプリでマイナンバーカードの氏名・住所・性別・生年月日を読み取ります。", "Read the name, address, sex and birth date from your My Number Card with the reading app."},
	ReadPINNote:        Text{"※読み取りには数字4桁のパスワードが必要です。3回連続で間違えるとマイナンバーカードがロックされますのでご注意ください。", "Reading needs the 4-digit PIN. Three wrong entries in a row lock the card."},
	CodeLabel:          Text{"セッションコード", "Session code"},
	QRNote:             Text{"mynadesk で二次元コードを読み取るか、セッションコードを入力してください。", "Scan the QR code with mynadesk or type the session code."},
	LaunchApp:          Text{"アプリを起動する", "Open the app"},
	ReflectLead:        Text{"アプリで読み取った情報を反映します。", "Fill in the details read by the app."},
	ReflectHelp:        Text{"以下のボタンを押して読み取った情報を反映してください。", "Press the button below to fill in the details read."},
	Reflect:            Text{"情報を反映する", "Fill in"},
	ReadDone:           Text{"マイナンバーカードの読み取りが完了しました。", "The My Number Card has been read."},
	UserInfo:           Text{"利用者情報", "User details"},
	Name:               Text{"氏名", "Name"},
	Address:            Text{"住所", "Address"},
	Birth:              Text{"生年月日", "Date of birth"},
	Sex:                Text{"性別", "Sex"},
	Phone:              Text{"連絡先電話番号", "Phone"},
	Email:              Text{"メールアドレス", "Email"},
	LoginID:            Text{"ログインID", "Login ID"},
	Password:           Text{"パスワード", "Password"},
	Confirm:            Text{"確認", "Confirm"},
	NotFixed:           Text{"まだ確定していません! 内容を確認してください。", "Not registered yet! Check the details."},
	Notice:             Text{"注意事項", "Notes"},
	NoticeCheck:        Text{"注意事項を確認しました", "I have read the notes"},
	ToCard:             Text{"マイナンバーカードの確認へ", "Go to the My Number Card check"},
	Fix:                Text{"修正する", "Change"},
	CardTitle:          Text{"マイナンバーカード署名確認", "My Number Card signature check"},
	CardLead:           Text{"マイナンバーカードの有効性確認を行います。", "The service checks that your My Number Card is valid."},
	CardAbout:          Text{"マイナンバーカードの有効性確認について", "About the check"},
	CardAboutText:      Text{"マイナンバーカードの署名用電子証明書を使用して、登録内容に署名を行いカードが有効であるかを確認します。", "You sign the registration with the card's signing certificate, and the service checks that the card is valid."},
	CardSameApp:        Text{"※基本情報入力で使用したアプリを使用します。", "Use the same app as for the details."},
	CardSignedInfo:     Text{"※署名する情報には登録日時、登録画面で入力した利用者名、マイナンバーカードから読み取られた四情報(氏名、生年月日、性別、住所)が含まれます。", "What you sign includes the registration time, the login ID and the four details read from the card (name, birth date, sex, address)."},
	SignLead:           Text{"読み取りアプリで署名を行います。", "Sign with the reading app."},
	SignPINNote:        Text{"※半角の6文字から16文字の英数字のパスワードが必要です。5回連続で間違えるとマイナンバーカードがロックされますのでご注意ください。", "Signing needs the 6–16 character signing password. Five wrong entries in a row lock the card."},
	CompleteLead:       Text{"署名の有効性確認を完了します。", "Finish the signature check."},
	CompleteHelp:       Text{"以下のボタンを押して完了させてください。", "Press the button below to finish."},
	Complete:           Text{"完了する", "Finish"},
	DoneTitle:          Text{"アカウント登録完了", "Account created"},
	DoneText:           Text{"アカウントが作成されました。", "Your account has been created."},
	Top:                Text{"トップへ", "Top"},
	OnePIN:             Text{"署名用パスワードだけで確認する(氏名等は電子証明書から取得します)", "Check with the signing password only (details are taken from the certificate)"},
	CounterUnsupported: Text{"このシステムでは、本人確認書類の確認の手段として「マイナンバーカード」を選択してください。", "Choose My Number Card as the way to check your identity."},
	NeedLoginID:        Text{"ログインIDを入力してください。", "Enter a login ID."},
	NeedPassword:       Text{"パスワードは6文字以上で入力してください。", "Enter a password of 6 characters or more."},
	NeedReflect:        Text{"マイナンバーカードの情報が反映されていません。②の「情報を反映する」を押してください。", "The card's details are not filled in. Press 「情報を反映する」 in step ②."},
	NeedNotice:         Text{"注意事項の確認項目にチェックを入れてください。", "Tick the box to confirm you have read the notes."},
	OnePINNotOffered:   Text{"この施設予約システムでは、署名用パスワードだけで確認する方法はご利用いただけません。数字4桁のパスワードと署名用パスワードで確認してください。", "This booking system does not offer the check with the signing password only. Check with the 4-digit PIN and the signing password."},
	Forbidden:          Text{"この画面からは手続きを続けられません。お手数ですが、「アカウント登録」から画面を開き直してください。", "The procedure cannot continue from this page. Please open 「アカウント登録」 again."},
	BadText:            Text{"入力された内容に使えない文字が含まれています。入力し直してください。", "What was entered contains characters that cannot be used. Please enter it again."},
	ClaimPending:       Text{"mynadeskで手続きが始まりました。mynadeskの画面に表示されている確認番号が、下の番号と同じか確かめてください。", "mynadesk has opened the session. Check that mynadesk shows the same confirmation number as below."},
	ClaimActive:        Text{"この確認番号のmynadeskで手続き中です。", "mynadesk with this confirmation number is handling the session."},
	ClaimMatch:         Text{"確認番号が一致しています", "The numbers match"},
	ClaimMismatch:      Text{"確認番号が一致しません", "The numbers do not match"},
	SexNames: map[string]Text{
		"1": {"男", "Male"}, "2": {"女", "Female"}, "9": {"適用不能", "Not applicable"}, "0": {"不明", "Unknown"},
	},
}

func init() {
	register(
		Entry{Code: CodeNotSigned,
			Title:    Text{"署名の確認ができませんでした。アプリで署名が完了してから「完了する」を押してください。", "The signature has not arrived. Press 「完了する」 after the app has finished signing."},
			Message:  Text{"マイナンバーカードの署名がまだ届いていません。アプリで署名用パスワードを入力し、「電子署名処理に成功しました。」と表示されてから、②の「完了する」を押してください。", "The card's signature has not arrived yet. Enter the signing password in the app and press 「完了する」 in step ② once it says the signature succeeded."},
			Remedies: []Text{{"アプリの画面にエラーが表示されている場合は、その内容に従ってください。", "If the app shows an error, follow what it says."}}},
		Entry{Code: CodeSessionExpired,
			Title:    Text{"有効期限が切れました。お手数ですが、最初からやり直してください。", "The session has expired. Please start again."},
			Message:  Text{"マイナンバーカードの確認は、画面を表示してから10分以内に行ってください。", "Check the My Number Card within 10 minutes of opening the page."},
			Remedies: []Text{{"「アカウント登録」からもう一度お手続きください。", "Start again from 「アカウント登録」."}}},
		Entry{Code: CodeSessionCode,
			Title:    Text{"セッションコードが正しくありません", "The session code is not correct"},
			Message:  Text{"入力されたセッションコードに誤りがあります。画面に表示されている8文字(XXXX-XXXX)を確かめて、もう一度入力してください。", "The session code has a typo. Check the 8 characters (XXXX-XXXX) on the page and type them again."},
			Remedies: []Text{{"0(ゼロ)、1(いち)、I、L、O、S、Z は使われていません。", "The code never uses 0, 1, I, L, O, S or Z."}}},
		Entry{Code: CodeSessionRef,
			Title:    Text{"セッションを開けません", "Cannot open the session"},
			Message:  Text{"セッションコード(XXXX-XXXX)、https:// で始まるURL、または mynadesk://session?… のリンクを指定してください。", "Give a session code (XXXX-XXXX), an https:// URL, or a mynadesk://session?… link."},
			Remedies: []Text{{"予約サイトの画面の【アプリを起動する】を押すか、表示されたセッションコードを入力してください。", "Press 【アプリを起動する】 on the booking page, or type the session code it shows."}}},
		Entry{Code: CodeSessionUnknown,
			Title:    Text{"セッションが見つかりません", "Session not found"},
			Message:  Text{"予約サイトにこのセッションコードの手続きがありません。画面に表示されているセッションコードと、接続先の予約サイトを確かめてください。", "The booking site has no procedure with this session code. Check the code on the page and the booking site this program connects to."},
			Remedies: []Text{{"予約サイトの画面を再読み込みして、表示されたセッションコードでもう一度お試しください。", "Reload the booking page and try again with the code it shows."}}},
		Entry{Code: CodeServiceDown,
			Title:    Text{"予約サイトに接続できません", "Cannot reach the booking site"},
			Message:  Text{"インターネット接続を確かめて、時間をおいてもう一度お試しください。署名済みの内容は送信が終わるまでこのパソコンのメモリーだけに保持されます。", "Check the Internet connection and try again later. A signature made is kept only in this computer's memory until it is sent."},
			Remedies: []Text{{"解決しない場合は、予約サイトの窓口にお問い合わせください。", "If this keeps happening, contact the booking site's help desk."}}, Report: true},
		Entry{Code: CodeSessionRefused,
			Title:    Text{"予約サイトが手続きを受け付けませんでした", "The booking site refused the step"},
			Message:  Text{"この手続きはすでに完了しているか、順番が異なります。予約サイトの画面の案内に従ってください。", "This step is already done or out of order. Follow the booking page."},
			Remedies: []Text{{"最初からやり直す場合は、予約サイトの「アカウント登録」からお手続きください。", "To start again, begin from 「アカウント登録」 on the booking site."}}},
		Entry{Code: CodeSessionClaimed,
			Title:    Text{"このセッションコードは、別のパソコンのmynadeskで使われています", "This session code is in use by mynadesk on another computer"},
			Message:  Text{"このセッションは、先に開いた別のmynadeskだけが使えます。ご自身で開いていない場合は、予約サイトの画面で【確認番号が一致しません】を押すと、新しいセッションコードが表示されます。", "Only the mynadesk that opened this session first can use it. If that was not you, press 【確認番号が一致しません】 on the booking page to get a new session code."},
			Remedies: []Text{{"新しいセッションコードで、もう一度お手続きください。", "Try again with the new session code."}}},
		Entry{Code: CodeUpdateApp,
			Title:    Text{"mynadeskを更新してください", "Please update mynadesk"},
			Message:  Text{"この予約サイトには新しいバージョンのmynadeskが必要です。", "This booking site needs a newer version of mynadesk."},
			Remedies: []Text{{"mynadeskを最新版に更新してから、もう一度お試しください。", "Update mynadesk to the latest version and try again."}}},
		Entry{Code: CodeSessionBusy,
			Title:    Text{"ただいま混み合っています。時間をおいて、再度お試しください。", "The service is busy. Please try again later."},
			Message:  Text{"マイナンバーカードによる確認を開始できませんでした。しばらくしてから、もう一度「マイナンバーカード」を選択してください。", "The My Number Card check could not be started. Choose 「マイナンバーカード」 again in a while."},
			Remedies: []Text{{"解決しない場合は、予約サイトの窓口にお問い合わせください。", "If this keeps happening, contact the booking site's help desk."}}},
	)
}
