package main

// mynactl submit runs the resident's side of a booking session without the
// GUI: fetch the session, read the 4 attributes (4-digit PIN), wait for the
// page's 【マイナンバーカードの確認へ】, sign on the card (signing password),
// upload, and print the service's verdict.
//
// Exit status, besides the common ones:
//
//	20  the signature check failed for another reason (codes 30–40)
//	21  the signing certificate has expired (Code 21)
//	22  the card's attributes differ from step 1 (mismatch, S01)
//	23  the signing certificate is revoked (Code 23)
//	    (the same statuses as mynactl verify)
//	11  the session was refused: mistyped or unknown code, expired, already
//	    done, not a session reference (S04–S07, S09)
//	12  the booking service could not be reached (S08)

import (
	"cmp"
	"context"
	"errors"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/problem"
	"github.com/mynadesk/mynadesk/resident"
)

func init() {
	register(command{"submit", "run a booking session: read, sign, upload, print the verdict", runSubmit})
}

// submitJSON is what --json prints.
type submitJSON struct {
	Session string `json:"session"`
	Service string `json:"service"`
	// Confirmation is the number the booking page shows for this claim.
	Confirmation string          `json:"confirmation,omitempty"`
	Result       *booking.Result `json:"result"`
	Title        string          `json:"title"`
	Message      string          `json:"message,omitempty"`
}

func runSubmit(ctx context.Context, e *env, fs *pflag.FlagSet, args []string) error {
	session := fs.String("session", "", "the session: code XXXX-XXXX, https URL, or mynadesk://session?… link")
	service := fs.String("service", "", "booking service URL for a typed code (env MYNADESK_SERVICE)")
	onePIN := fs.Bool("one-pin", false, "signature only: the service takes the attributes from the certificate")
	show := fs.Bool("show-content", false, "print the content to be signed on stderr before signing")
	if _, err := e.parse(fs, args, 0, 0); err != nil {
		return err
	}
	if *session == "" {
		return usageErr("submit: --session CODE|URL is required")
	}
	// A mistyped code is caught here, before any request.
	ref, err := booking.ParseRef(*session, cmp.Or(*service, e.config.Service))
	if err != nil {
		return err
	}
	// The card side is the desktop app's: a fresh connection per operation,
	// each bounded by --timeout.
	src := &resident.SystemCard{Open: e.openSystem, CloseSystem: true, Trace: e.trace, Logger: e.log}
	src.SetReader(e.reader)
	f := &resident.Session{Card: src, Prompt: e.prompt(), CardTimeout: e.timeout, OnePIN: *onePIN,
		Progress: func(s resident.Stage) {
			if !e.json {
				fmt.Fprintf(e.stderr, "mynactl: %s\n", stageText(s).In(e.lang))
			}
		}}
	var number string
	f.Claimed = func(n string, pending bool) {
		number = n
		// Shown even with --json: the resident compares it with the page.
		fmt.Fprintf(e.stderr, "mynactl: %s\n", confirmationText(n, pending).In(e.lang))
	}
	if *show {
		f.ShowContent = func(c []byte) error { _, err := e.stderr.Write(c); return err }
	}
	res, err := f.Run(ctx, ref)
	var ue *resident.UploadError
	if errors.As(err, &ue) {
		// mynactl has no one to ask "retry?": the signature is dropped.
		ue.Pending.Discard()
	}
	if err != nil {
		return err
	}
	title, msg := verdictText(res, e.lang)
	if e.json {
		if err := e.printJSON(submitJSON{Session: ref.Code.Display(), Service: ref.Service, Confirmation: number,
			Result: &res, Title: title, Message: msg}); err != nil {
			return err
		}
	} else {
		fmt.Fprintln(e.stdout, title)
		if msg != "" {
			fmt.Fprintln(e.stdout, msg)
		}
	}
	if res.Outcome != booking.OutcomeValid {
		// The exit status mynactl verify gives the same code, so scripts
		// test one set of numbers.
		status := problem.ExitStatus(problem.Verdict(res).Code)
		if status == exitOK {
			status = problem.ExitSigOther
		}
		return &exitCodeError{code: status, err: errors.New(title), quiet: true}
	}
	return nil
}

// verdictText is what the service's manual shows for a result.
func verdictText(res booking.Result, lang assets.Lang) (title, msg string) {
	if res.Outcome == booking.OutcomeValid {
		return assets.Text{JA: "電子署名処理に成功しました。", EN: "The signature was accepted."}.In(lang), ""
	}
	ent := problem.Verdict(res)
	return ent.Title.In(lang), ent.Message.In(lang)
}

// confirmationText is the line with the confirmation number.
func confirmationText(n string, pending bool) assets.Text {
	if pending {
		return assets.Text{JA: "確認番号 " + n + " — 予約サイトの画面に同じ番号が表示されていることを確かめて、画面の【確認番号が一致しています】を押してください。",
			EN: "Confirmation number " + n + " — check that the booking page shows the same number, then press 【確認番号が一致しています】 there."}
	}
	return assets.Text{JA: "確認番号 " + n + "(予約サイトの画面と同じ番号です)", EN: "Confirmation number " + n + " (the booking page shows the same)"}
}

func stageText(s resident.Stage) assets.Text {
	switch s {
	case resident.StageClaim:
		return assets.Text{JA: "予約サイトの画面で確認番号を確かめてください…", EN: "Check the confirmation number on the booking page…"}
	case resident.StageSession:
		return assets.Text{JA: "予約サイトに接続しています…", EN: "Connecting to the booking site…"}
	case resident.StageReading:
		return assets.Text{JA: "マイナンバーカードを読み取っています(券面事項入力補助用暗証番号)…", EN: "Reading the card (4-digit input-helper PIN)…"}
	case resident.StageUploading:
		return assets.Text{JA: "マイナンバーカードの読み込みに成功しました。情報を送信しています…", EN: "Card read. Sending the details…"}
	case resident.StageWaiting:
		return assets.Text{JA: "予約サイトの画面で【情報を反映する】【確認】【マイナンバーカードの確認へ】を押してください…", EN: "On the booking page, press 【情報を反映する】, 【確認】 and 【マイナンバーカードの確認へ】…"}
	case resident.StageSigning:
		return assets.Text{JA: "マイナンバーカードで署名しています(" + assets.Term.SignPIN.JA + ")…", EN: "Signing on the card (" + assets.Term.SignPIN.EN + ")…"}
	case resident.StageSending:
		return assets.Text{JA: "署名を送信しています…", EN: "Sending the signature…"}
	}
	return assets.Text{JA: "完了しました。", EN: "Done."}
}
