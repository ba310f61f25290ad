package problem

import "github.com/mynadesk/mynadesk/assets"

// Exit statuses of mynactl: its contract with scripts and kiosks, one per
// catalogue code (cmd/mynactl's package comment lists them).
const (
	ExitOK        = 0
	ExitError     = 1 // an internal or unexpected error
	ExitUsage     = 2 // unknown command or flag
	ExitReader    = 3 // reader-level problem (R01–R06)
	ExitCard      = 4 // card read failure (13100, 13500, 13600, 13601, 13602, 13999)
	ExitPIN       = 5 // PIN problem (P01–P06)
	ExitCancelled = 6 // cancelled (C01)

	ExitSessionRefused = 11 // mistyped or unknown code, expired, refused, not a reference, claimed by another mynadesk, mynadesk too old (S04–S07, S09, S11, S12)
	ExitServiceDown    = 12 // the booking service could not be reached (S08)

	ExitSigOther    = 20 // the signature check failed for another reason (30–40)
	ExitSigExpired  = 21 // Code 21
	ExitSigMismatch = 22 // the attributes differ (S01)
	ExitSigRevoked  = 23 // Code 23
)

// ExitStatus is mynactl's exit status for a catalogue code; "" (no error)
// is ExitOK and a code of no group ExitError.
func ExitStatus(code assets.Code) int {
	switch code {
	case "":
		return ExitOK
	case assets.CodeNoReader, assets.CodeNoService, assets.CodeSeveralReaders,
		assets.CodeNoCard, assets.CodeReaderBusy, assets.CodeReaderMissing, assets.CodeServiceFailed:
		return ExitReader
	case assets.CodeCardMoved, assets.CodeNoAnswer, assets.CodeUnsupported,
		assets.CodeJukiCard, assets.CodeNoSignCert, assets.CodeReadOther:
		return ExitCard
	case assets.CodePINFormat, assets.CodePINWrong, assets.CodePINBlockedHelp,
		assets.CodePINBlockedAuth, assets.CodePINBlockedSign, assets.CodePINLastTry:
		return ExitPIN
	case assets.CodeCancelled:
		return ExitCancelled
	case assets.CodeSessionCode, assets.CodeSessionRef, assets.CodeSessionUnknown,
		assets.CodeSessionExpired, assets.CodeSessionRefused, assets.CodeSessionClaimed, assets.CodeUpdateApp:
		return ExitSessionRefused
	case assets.CodeServiceDown:
		return ExitServiceDown
	case assets.CodeSigExpired:
		return ExitSigExpired
	case assets.CodeSigRevoked:
		return ExitSigRevoked
	case assets.CodeSigMismatch:
		return ExitSigMismatch
	case assets.CodeSigRevocationUnknown, assets.CodeSigBadSignature, assets.CodeSigUnknownCA,
		assets.CodeSigMalformed, assets.CodeSigPolicy, assets.CodeSigKeyUsage, assets.CodeSigNotSigningCert,
		assets.CodeSigAlgorithm, assets.CodeSigTooLarge, assets.CodeSigSignerCount, assets.CodeSigNotYetValid:
		return ExitSigOther
	}
	return ExitError
}
