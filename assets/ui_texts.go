package assets

// UI holds the desktop app's texts, in the voice of the seed manuals and
// with the glossary's words (glossary.go). Error texts are in the
// catalogue; PIN names and formats in pin_texts.go.
var UI = struct {
	AppTitle, Home, Diagnostics, Settings, Back, Quit Text

	// Home: the reader and the card.
	ReaderTitle, NoService, NoReader, NoCard, SeveralCards, CardReading, CardReady Text
	KindMyNumberCard, KindSmartphone, KindJuki, KindUnknown, KindNoJPKI            Text
	PINCounters, PINCountersNote, TriesOf, Blocked, Refresh                        Text
	HowToPlace, PlaceContact, PlaceContactless                                     Text

	// Session entry.
	SessionTitle, SessionLead, SessionLeadKiosk, SessionField, SessionHint, Open Text
	ScanImage, ScanClipboard, ScanScreen, ScanNone, ScanBusy                     Text

	// Steps.
	Step1Title, Step2Title, Step1Lead, Step2Lead, PINLabel, ShowPIN, NextButton, Cancel         Text
	TriesBefore, LastTryTitle, LastTryConfirm, LastTryYes, LastTryNo, ContentTitle, ContentLead Text
	Connecting, Preparing, HoldCard, HoldCardNote, Uploading, Sending, Waiting                  Text
	WaitingLead, KeepCardIn, ReadSuccess, SignSuccess, VerdictValid, VerdictValidNext, Done     Text
	Confirmation, ConfirmWaiting, ConfirmLead                                                   Text
	NextResident, Retry, TryAgain, SignAgain, ErrorCode, Remedies, Report, ReportTitle          Text
	KeyboardHint, CancelConfirm, CancelConfirmLead, CancelYes, CancelNo, Cancelled              Text
	CancelledLead, CheckFailedPlain, CheckFailedLead                                            Text

	// What is signed.
	ContentService, ContentTime, ContentLoginID, ContentDetail, ContentDetailHide Text
	SexMale, SexFemale, SexNA, SexUnknown                                         Text

	// Stops before step 1.
	StopTitle, StopWhere Text

	// Keypad.
	KeyDelete, KeyClear, KeyLetters, KeyDigits Text

	// Diagnostics.
	DiagLead, DiagRun, DiagCopy, DiagSave, DiagQR, DiagCopied, DiagSaved, DiagNoPersonal Text

	// Settings.
	SettingsLead, ServiceURL, ServiceURLWrong, ReaderName, ReaderAny, Language, KioskMode Text
	IdleTimeout, IdleTooShort, TextSize, TextNormal, TextLarge, TextHuge                  Text
	AdminPIN, AdminPINNew, AdminPINWrong, AdminPINSet, Save, Saved, SettingsLocked        Text
	AdminSetupTitle, AdminSetupLead, AdminPINRepeat, AdminPINMismatch, AdminPINShort      Text
	LangJA, LangEN, Apply                                                                 Text

	// Kiosk.
	KioskStart, KioskReset Text
}{
	AppTitle:    Text{"mynadesk マイナンバーカード本人確認", "mynadesk My Number Card identity check"},
	Home:        Text{"ホーム", "Home"},
	Diagnostics: Text{"診断", "Diagnostics"},
	Settings:    Text{"設定", "Settings"},
	Back:        Text{"戻る", "Back"},
	Quit:        Text{"終了", "Quit"},

	ReaderTitle:      Text{"カードリーダーとマイナンバーカード", "Card reader and My Number Card"},
	NoService:        Text{"スマートカードサービスが動いていません", "The smart card service is not running"},
	NoReader:         Text{"カードリーダーが接続されていません", "No card reader is connected"},
	NoCard:           Text{"カードリーダーにマイナンバーカードを置いてください", "Put your My Number Card on the reader"},
	SeveralCards:     Text{"カードが置かれたカードリーダーが複数あります。設定で使うカードリーダーを選んでください", "Several readers hold a card. Choose one in the settings"},
	CardReading:      Text{"カードを確認しています…", "Checking the card…"},
	CardReady:        Text{"カードが置かれています", "A card is on the reader"},
	KindMyNumberCard: Text{"マイナンバーカード", "My Number Card"},
	KindSmartphone:   Text{"スマートフォン用電子証明書", "Smartphone JPKI"},
	KindJuki:         Text{"住民基本台帳カード(使えません)", "Basic Resident Registration card (cannot be used)"},
	KindUnknown:      Text{"読み取りに対応していないカード", "A card this program cannot read"},
	KindNoJPKI:       Text{"マイナンバーカードではないカード", "Not a My Number Card"},
	PINCounters:      Text{"この手続きで使うパスワードの残り回数", "Tries left of the PINs this procedure uses"},
	PINCountersNote:  Text{"※残り回数を確かめても、回数は減りません。", "Checking the tries left uses none."},
	TriesOf:          Text{"残り%d回(最大%d回)", "%d of %d tries left"},
	Blocked:          Text{"ロック中", "Locked"},
	Refresh:          Text{"もう一度確かめる", "Check again"},
	HowToPlace:       Text{"カードの置き方", "How to place the card"},
	PlaceContact:     Text{"差し込む(接触型)カードリーダー: ICチップを上にして、奥まで差し込みます。", "Contact reader: chip side up, push the card all the way in."},
	PlaceContactless: Text{"置く(非接触型)カードリーダー: カードの中心をマークに合わせて置きます。", "Contactless reader: lay the card with its centre on the mark."},

	SessionTitle:     Text{"予約サイトの手続きを開く", "Open the booking site's procedure"},
	SessionLead:      Text{"予約サイトの【アプリを起動する】を押すか、画面のセッションコード(XXXX-XXXX)を入力して【開く】を押してください。二次元コードリーダーでも読み取れます。", "Press 【アプリを起動する】 on the booking site, or type the session code (XXXX-XXXX) it shows and press Open. A QR scanner works too."},
	SessionLeadKiosk: Text{"予約サイトの画面のセッションコード(XXXX-XXXX)を下のボタンで入力して【開く】を押してください。", "Type the session code (XXXX-XXXX) shown on the booking site with the keys below, then press Open."},
	SessionField:     Text{"セッションコード", "Session code or URL"},
	SessionHint:      Text{"例) ABCD-EFGH", "e.g. ABCD-EFGH"},
	Open:             Text{"開く", "Open"},
	ScanImage:        Text{"画像ファイルの二次元コードを読み取る", "Read the QR code in an image file"},
	ScanClipboard:    Text{"コピーした二次元コードを読み取る", "Read a copied QR code"},
	ScanScreen:       Text{"画面の二次元コードを読み取る", "Read the QR code on the screen"},
	ScanNone:         Text{"二次元コードが見つかりませんでした。予約サイトの画面に二次元コードが表示されていることを確かめてください。", "No QR code found. Check that the booking page shows its QR code."},
	ScanBusy:         Text{"二次元コードを探しています…", "Looking for the QR code…"},

	Step1Title:        Text{"① マイナンバーカードの読み取り", "① Read the My Number Card"},
	Step2Title:        Text{"② 電子署名", "② Electronic signature"},
	Step1Lead:         Text{"マイナンバーカードの " + Term.Attributes4.JA + " を読み取ります。", "The " + Term.Attributes4.EN + " are read from your My Number Card."},
	Step2Lead:         Text{"登録内容にマイナンバーカードの署名用電子証明書で署名します。", "You sign the registration with the card's signing certificate."},
	PINLabel:          Text{"%sを入力してください(%s)", "Enter the %s (%s)"},
	ShowPIN:           Text{"パスワードを表示する", "Show the PIN"},
	NextButton:        Text{"OK", "OK"},
	Cancel:            Text{"中止する", "Cancel"},
	TriesBefore:       Text{"残りの入力回数: %d回(最大%d回)", "Tries left: %d (of %d)"},
	LastTryTitle:      Text{"最後の1回です", "This is the last try"},
	LastTryConfirm:    Text{"入力したパスワードで続けますか？", "Go on with the PIN you entered?"},
	LastTryYes:        Text{"はい、このパスワードで続ける", "Yes, use this PIN"},
	LastTryNo:         Text{"いいえ、入力し直す", "No, enter it again"},
	ContentTitle:      Text{"署名する内容", "What you sign"},
	ContentLead:       Text{"※署名する情報には登録日時、登録画面で入力した利用者名、マイナンバーカードから読み取られた四情報(" + Term.Attributes4.JA + ")が含まれます。", "What you sign includes the registration time, the login ID and the four details read from the card."},
	Connecting:        Text{"予約サイトに接続しています…", "Connecting to the booking site…"},
	Preparing:         Text{"マイナンバーカードを確認しています…", "Checking the My Number Card…"},
	HoldCard:          Text{"読み取り中です。カードを動かさずにお待ちください。", "Reading. Please do not move the card."},
	HoldCardNote:      Text{"※読み取りに時間がかかる場合がございます。", "Reading can take a while."},
	Uploading:         Text{"読み取った情報を送信しています…", "Sending the details read…"},
	Sending:           Text{"署名を送信しています…", "Sending the signature…"},
	Waiting:           Text{"予約サイトの画面で続けてください", "Continue on the booking page"},
	WaitingLead:       Text{"予約サイトの画面で【情報を反映する】を押し、内容を確かめて【確認】、【マイナンバーカードの確認へ】を押してください。署名の準備ができると、この画面が自動で進みます。", "On the booking page press 【情報を反映する】, check the details, then 【確認】 and 【マイナンバーカードの確認へ】. This screen moves on by itself."},
	Confirmation:      Text{"確認番号", "Confirmation number"},
	ConfirmWaiting:    Text{"予約サイトの画面で確認番号を確かめてください", "Check the confirmation number on the booking page"},
	ConfirmLead:       Text{"予約サイトの画面に同じ確認番号が表示されていたら、画面の【確認番号が一致しています】を押してください。違う番号のときは【確認番号が一致しません】を押してください。", "If the booking page shows the same number, press 【確認番号が一致しています】 there; if not, press 【確認番号が一致しません】."},
	KeepCardIn:        Text{"カードはリーダーに置いたままにしてください", "Leave the card on the reader"},
	ReadSuccess:       Text{"マイナンバーカードの読み込みに成功しました。", "The My Number Card was read successfully."},
	SignSuccess:       Text{"電子署名処理に成功しました。", "The electronic signature was made successfully."},
	VerdictValid:      Text{"本人確認が完了しました", "Your identity has been confirmed"},
	VerdictValidNext:  Text{"予約サイトの画面で【完了する】を押してください。", "Press 【完了する】 on the booking page."},
	Done:              Text{"終了する", "Finish"},
	NextResident:      Text{"最初の画面に戻る", "Back to the start"},
	Retry:             Text{"もう一度試す", "Try again"},
	TryAgain:          Text{"もう一度読み取る", "Read again"},
	SignAgain:         Text{"もう一度署名する", "Sign again"},
	ErrorCode:         Text{"エラーコード: %s", "Error code: %s"},
	Remedies:          Text{"対処方法", "What to do"},
	Report:            Text{"診断レポート", "Diagnostic report"},
	ReportTitle:       Text{"診断レポート(個人情報は含まれません)", "Diagnostic report (no personal data)"},
	KeyboardHint:      Text{"Tab: 次の項目 / Enter: 決定 / Esc: 戻る", "Tab: next / Enter: OK / Esc: back"},
	CancelConfirm:     Text{"中止しますか？", "Cancel?"},
	CancelConfirmLead: Text{"カードの読み取り中です。中止しても、パスワードの入力回数は減りません。", "The card is being read. Cancelling uses no PIN try."},
	CancelYes:         Text{"はい、中止する", "Yes, cancel"},
	CancelNo:          Text{"いいえ、続ける", "No, go on"},
	Cancelled:         Text{"手続きを中止しました", "The procedure was cancelled"},
	CancelledLead:     Text{"パスワードの入力回数は減っていません。もう一度始めるときは、予約サイトの【アプリを起動する】を押してください。", "No PIN try was used. To start again, press 【アプリを起動する】 on the booking site."},
	CheckFailedPlain:  Text{"サービス側で確認できませんでした", "The service could not complete the check"},
	CheckFailedLead:   Text{"マイナンバーカードが使えないという意味ではありません。時間をおいて、もう一度署名してください。", "This does not mean your card cannot be used. Please wait a while and sign again."},

	ContentService:    Text{"サービス", "Service"},
	ContentTime:       Text{"登録日時", "Registered at"},
	ContentLoginID:    Text{"ログインID", "Login ID"},
	ContentDetail:     Text{"詳細(署名する文字そのもの)を見る", "Show the exact text signed"},
	ContentDetailHide: Text{"詳細を閉じる", "Hide the exact text"},
	SexMale:           Text{"男性", "Male"},
	SexFemale:         Text{"女性", "Female"},
	SexNA:             Text{"適用不能", "Not applicable"},
	SexUnknown:        Text{"不明", "Unknown"},

	StopTitle: Text{"このカードでは手続きを始められません", "This card cannot start the procedure"},
	StopWhere: Text{"パスワードを使う前に止めたため、入力回数は減っていません。", "Stopped before any PIN was used: no try was used."},

	KeyDelete:  Text{"1文字消す", "Delete"},
	KeyClear:   Text{"全部消す", "Clear"},
	KeyLetters: Text{"英字", "Letters"},
	KeyDigits:  Text{"数字", "Digits"},

	DiagLead:       Text{"カードリーダーとカードの状態を調べます。パスワードは使いません。", "Checks the readers and the card. No PIN is used."},
	DiagRun:        Text{"診断する", "Run diagnostics"},
	DiagCopy:       Text{"コピー", "Copy"},
	DiagSave:       Text{"保存", "Save"},
	DiagQR:         Text{"スマートフォンで読み取る二次元コード", "QR code for a phone"},
	DiagCopied:     Text{"診断レポートをコピーしました", "The report was copied"},
	DiagSaved:      Text{"診断レポートを保存しました: %s", "The report was saved: %s"},
	DiagNoPersonal: Text{"このレポートに氏名・住所・生年月日・性別・個人番号・パスワードは含まれません。", "This report holds no name, address, birth date, sex, individual number or PIN."},

	SettingsLead:     Text{"設定は利用者ごとの設定ファイルに保存されます。個人情報は保存しません。", "Settings are kept in a per-user file. No personal data is stored."},
	ServiceURL:       Text{"予約サイトのURL", "Booking site URL"},
	ServiceURLWrong:  Text{"予約サイトのURLが正しくありません。https:// で始まるURLを入力してください。", "The booking site URL is not valid. Enter a URL starting with https://."},
	ReaderName:       Text{"カードリーダー", "Card reader"},
	ReaderAny:        Text{"(カードが置かれたもの)", "(the one holding a card)"},
	Language:         Text{"言語", "Language"},
	KioskMode:        Text{"窓口端末モード(全画面)", "Counter kiosk mode (full screen)"},
	IdleTimeout:      Text{"操作がないとき最初に戻るまで", "Back to the start after no input for"},
	IdleTooShort:     Text{"最初に戻るまでの時間は15秒以上にしてください。", "The time must be 15 seconds or more."},
	TextSize:         Text{"文字の大きさ", "Text size"},
	TextNormal:       Text{"標準", "Normal"},
	TextLarge:        Text{"大", "Large"},
	TextHuge:         Text{"特大", "Extra large"},
	AdminPIN:         Text{"管理者パスワード", "Administrator password"},
	AdminPINNew:      Text{"新しい管理者パスワード(空欄は変更なし)", "New administrator password (empty: unchanged)"},
	AdminPINWrong:    Text{"管理者パスワードが違います", "Wrong administrator password"},
	AdminPINSet:      Text{"窓口端末モードには管理者パスワードが必要です", "Kiosk mode needs an administrator password"},
	Save:             Text{"保存", "Save"},
	Saved:            Text{"設定を保存しました", "Settings saved"},
	SettingsLocked:   Text{"設定を変更するには管理者パスワードを入力してください", "Enter the administrator password to change the settings"},
	AdminSetupTitle:  Text{"窓口端末の準備(職員の方へ)", "Kiosk set-up (for staff)"},
	AdminSetupLead:   Text{"窓口端末モードで使う前に、設定を守る管理者パスワードを決めてください。住民の方には教えないでください。", "Before this computer is used as a counter kiosk, choose the administrator password that guards the settings. Do not tell it to residents."},
	AdminPINRepeat:   Text{"もう一度入力(確認)", "Enter it again"},
	AdminPINMismatch: Text{"2回の入力が一致しません", "The two entries differ"},
	AdminPINShort:    Text{"管理者パスワードは8文字以上にしてください", "The administrator password needs 8 characters or more"},
	LangJA:           Text{"日本語", "Japanese"},
	LangEN:           Text{"English", "English"},
	Apply:            Text{"開く", "Unlock"},

	KioskStart: Text{"マイナンバーカードで本人確認を行います", "Identity check with your My Number Card"},
	KioskReset: Text{"操作がなかったため、最初の画面に戻りました。入力された情報は消去されました。", "No input for a while: back to the start. Everything entered was erased."},
}
