package assets

import "fmt"

// Codes the booking service gives for the check of a signed payload
// (docs/certificates.md, "What a signature check says").
// 21 and 23 are the manuals' codes; every other failure to check has its own
// two-digit code so a service can log it, and the resident is told, as the
// manual says for "other", to try again later.
const (
	CodeSigExpired Code = "21" // the signing certificate has expired
	CodeSigRevoked Code = "23" // the signing certificate is revoked

	CodeSigRevocationUnknown Code = "30" // revocation could not be checked (no source, stale CRL, OCSP unreachable)
	CodeSigBadSignature      Code = "31" // the signature or the content digest does not verify (tampered)
	CodeSigUnknownCA         Code = "32" // the certificate does not chain to a trusted JPKI root
	CodeSigMalformed         Code = "33" // not a CMS SignedData this service can read
	CodeSigPolicy            Code = "34" // wrong certificate policy (e.g. a test card in production)
	CodeSigKeyUsage          Code = "35" // the certificate may not make signatures (not digitalSignature+nonRepudiation)
	CodeSigNotSigningCert    Code = "36" // no or malformed JPKI attributes: not a signing certificate
	CodeSigAlgorithm         Code = "37" // a digest or signature algorithm other than SHA-256 with RSA
	CodeSigTooLarge          Code = "38" // the payload is over the size limit
	CodeSigSignerCount       Code = "39" // zero or several signers
	CodeSigNotYetValid       Code = "40" // the certificate is not valid yet (clock or issue problem)

	CodeSigMismatch Code = "S01" // the 4 attributes differ from those entered / read at step 1
	CodeNotRead     Code = "S02" // step 1 not finished before 「情報を反映する」
)

// SigCheckTitle is the line the manual shows for a failed signature check:
// 「失効済みのマイナンバーカードの可能性があります。(Code: XX)」.
func SigCheckTitle(code Code) Text {
	return Text{
		fmt.Sprintf("失効済みのマイナンバーカードの可能性があります。(Code: %s)", code),
		fmt.Sprintf("The My Number Card may have been revoked. (Code: %s)", code),
	}
}

var (
	sigRenewRemedies = []Text{
		{"マイナンバーカードの更新については、お住まいの市区町村窓口へお問い合わせください。", "Ask your municipal office about renewing the My Number Card's certificate."},
		{"お住まいの自治体で電子証明書の有効性を確認してください。", "Check the validity of the electronic certificate with your municipality."},
	}
	sigRetryMessage = Text{"時間をおいて、再度、署名確認を行ってください。", "Please wait a while and check the signature again."}
	sigRetryRemedy  = Text{"時間をおいても同じ表示になる場合は、表示されたCodeをサービスの窓口にお伝えください。", "If the same message appears later, tell the service's help desk the Code shown."}
)

// revocationRemedies give the resident what to do for each RFC 5280 reason
// code. 5 (cessationOfOperation) must not reveal why; 6 (certificateHold)
// is treated as revoked.
var revocationRemedies = map[int]Text{
	1: {"電子証明書が失効しています。お住まいの市区町村の窓口で、電子証明書の再発行の手続きをしてください。", "The certificate has been revoked. Have it reissued at your municipal office."},
	3: {"氏名や住所の変更により、電子証明書が失効しています。お住まいの市区町村の窓口で電子証明書を更新してから、再度、署名確認を行ってください。", "The certificate was revoked because your name or address changed. Renew it at your municipal office, then check the signature again."},
	4: {"新しい電子証明書が発行されています。更新後のマイナンバーカードで、再度、署名確認を行ってください。", "A newer certificate has been issued. Sign again with your renewed My Number Card."},
	5: {"お住まいの自治体で電子証明書の有効性を確認してください。", "Check the validity of the electronic certificate with your municipality."},
	6: {"お住まいの自治体で電子証明書の有効性を確認してください。", "Check the validity of the electronic certificate with your municipality."},
}

// RevocationRemedy returns what to tell a resident whose signing certificate
// was revoked for reason (RFC 5280 CRLReason), first among the remedies of
// CodeSigRevoked. ok is false for reasons without their own advice.
func RevocationRemedy(reason int) (t Text, ok bool) {
	t, ok = revocationRemedies[reason]
	return t, ok
}

func sigOther(code Code, title Text, remedy ...Text) Entry {
	return Entry{Code: code, Title: title, Message: sigRetryMessage,
		Remedies: append(remedy, sigRetryRemedy)}
}

func init() {
	register(
		Entry{Code: CodeSigExpired,
			Title:    SigCheckTitle(CodeSigExpired),
			Message:  Text{"証明書の有効期限が切れています。マイナンバーカードを更新の上、再度、署名確認を行ってください。", "The certificate has expired. Renew the My Number Card's certificate, then check the signature again."},
			Remedies: sigRenewRemedies},
		Entry{Code: CodeSigRevoked,
			Title:    SigCheckTitle(CodeSigRevoked),
			Message:  Text{"証明書が失効されています。マイナンバーカードを更新の上、再度、署名確認を行ってください。", "The certificate has been revoked. Renew the My Number Card's certificate, then check the signature again."},
			Remedies: sigRenewRemedies},
		sigOther(CodeSigRevocationUnknown, SigCheckTitle(CodeSigRevocationUnknown)),
		sigOther(CodeSigBadSignature, SigCheckTitle(CodeSigBadSignature),
			Text{"もう一度、アプリで署名してください。", "Sign again with the app."}),
		sigOther(CodeSigUnknownCA, SigCheckTitle(CodeSigUnknownCA),
			Text{"マイナンバーカードの署名用電子証明書で署名してください。", "Sign with the signing certificate of your My Number Card."}),
		sigOther(CodeSigMalformed, SigCheckTitle(CodeSigMalformed),
			Text{"もう一度、アプリで署名してください。", "Sign again with the app."}),
		sigOther(CodeSigPolicy, SigCheckTitle(CodeSigPolicy),
			Text{"マイナンバーカードの署名用電子証明書で署名してください。", "Sign with the signing certificate of your My Number Card."}),
		sigOther(CodeSigKeyUsage, SigCheckTitle(CodeSigKeyUsage),
			Text{"署名用電子証明書(署名用パスワード: 英数字6～16文字)で署名してください。", "Sign with the signing certificate (the 6–16 character password)."}),
		sigOther(CodeSigNotSigningCert, SigCheckTitle(CodeSigNotSigningCert),
			Text{"署名用電子証明書(署名用パスワード: 英数字6～16文字)で署名してください。", "Sign with the signing certificate (the 6–16 character password)."}),
		sigOther(CodeSigAlgorithm, SigCheckTitle(CodeSigAlgorithm),
			Text{"最新のアプリで、もう一度署名してください。", "Sign again with the latest version of the app."}),
		sigOther(CodeSigTooLarge, SigCheckTitle(CodeSigTooLarge),
			Text{"もう一度、アプリで署名してください。", "Sign again with the app."}),
		sigOther(CodeSigSignerCount, SigCheckTitle(CodeSigSignerCount),
			Text{"もう一度、アプリで署名してください。", "Sign again with the app."}),
		sigOther(CodeSigNotYetValid, SigCheckTitle(CodeSigNotYetValid),
			Text{"パソコンの日付と時刻が正しいか確かめてください。", "Check that the computer's date and time are correct."}),
		Entry{Code: CodeSigMismatch,
			Title:   Text{"入力された利用者情報と読み取られたカードの情報が一致しません", "The user details entered do not match the card that was read"},
			Message: Text{"本人確認の際に読み取った情報と異なるマイナンバーカードを使用されている可能性があります。本人確認の際に使用したマイナンバーカードであるか、ご確認の上、再度、署名確認を行ってください。", "The My Number Card used to sign may differ from the one read for identity verification. Check that it is the same card, then check the signature again."},
			Remedies: []Text{
				{"本人確認の際に使用したマイナンバーカードで、もう一度署名してください。", "Sign again with the card used for identity verification."},
				{"氏名や住所に変更があった場合は、お住まいの自治体で変更手続きの後、再度お申し込みください。", "If your name or address has changed, complete the change at your municipality first, then apply again."},
			}},
		Entry{Code: CodeNotRead,
			Title:    Text{"情報の取得に失敗しました。アプリで読み取りが完了してから「情報を反映する」を押してください。", "Getting the information failed. Press \"Reflect information\" after the app has finished reading."},
			Message:  Text{"マイナンバーカードの情報取得ができませんでした。再度、アプリからマイナンバーカードを読み取り、②の「情報を反映する」を押してください。", "The card's information was not received. Read the My Number Card with the app again, then press ② \"Reflect information\"."},
			Remedies: []Text{{"アプリに「マイナンバーカードの読み込みに成功しました。」と表示されてから「情報を反映する」を押してください。", "Press \"Reflect information\" after the app shows that the card was read successfully."}}},
	)
}
