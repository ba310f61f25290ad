package pcsc

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ebfe/scard"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/problem"
)

// What a resident is told for each PC/SC code, on Linux/macOS (pcsc-lite)
// and on Windows (WinSCard), from a card call and from a call on the
// service itself (SCardEstablishContext, SCardListReaders).
func TestPCSCErrorsToCatalogue(t *testing.T) {
	type want struct{ linux, windows assets.Code }
	card_ := map[scard.Error]want{
		scard.ErrNoService:          {assets.CodeNoService, assets.CodeNoReader},
		scard.ErrServiceStopped:     {assets.CodeNoService, assets.CodeNoReader},
		scard.ErrNoReadersAvailable: {assets.CodeNoReader, assets.CodeNoReader},
		scard.ErrUnknownReader:      {assets.CodeNoReader, assets.CodeNoReader},
		scard.ErrReaderUnavailable:  {assets.CodeCardMoved, assets.CodeCardMoved},
		scard.ErrRemovedCard:        {assets.CodeCardMoved, assets.CodeCardMoved},
		scard.ErrResetCard:          {assets.CodeCardMoved, assets.CodeCardMoved},
		scard.ErrNoSmartcard:        {assets.CodeNoCard, assets.CodeNoCard},
		scard.ErrSharingViolation:   {assets.CodeReaderBusy, assets.CodeReaderBusy},
		scard.ErrTimeout:            {assets.CodeNoAnswer, assets.CodeNoAnswer},
		scard.ErrWaitedTooLong:      {assets.CodeNoAnswer, assets.CodeNoAnswer},
		scard.ErrNotTransacted:      {assets.CodeNoAnswer, assets.CodeNoAnswer},
		scard.ErrUnresponsiveCard:   {assets.CodeNoAnswer, assets.CodeNoAnswer},
		scard.ErrUnpoweredCard:      {assets.CodeNoAnswer, assets.CodeNoAnswer},
		scard.ErrUnsupportedCard:    {assets.CodeNoAnswer, assets.CodeNoAnswer},
		scard.ErrInvalidAtr:         {assets.CodeNoAnswer, assets.CodeNoAnswer},
		scard.ErrNotReady:           {assets.CodeNoAnswer, assets.CodeNoAnswer},
		scard.ErrCommError:          {assets.CodeNoAnswer, assets.CodeNoAnswer},
		scard.ErrCommDataLost:       {assets.CodeNoAnswer, assets.CodeNoAnswer},
		scard.ErrProtoMismatch:      {assets.CodeNoAnswer, assets.CodeNoAnswer},
		scard.ErrCancelled:          {assets.CodeCancelled, assets.CodeCancelled},
		scard.ErrCancelledByUser:    {assets.CodeCancelled, assets.CodeCancelled},
		scard.ErrSystemCancelled:    {assets.CodeReadOther, assets.CodeCancelled},
		scard.ErrServerTooBusy:      {assets.CodeReadOther, assets.CodeServiceFailed},
		scard.ErrNoAccess:           {assets.CodeReadOther, assets.CodeServiceFailed},
		scard.ErrInternalError:      {assets.CodeReadOther, assets.CodeReadOther},
	}
	service := map[scard.Error]want{
		scard.ErrNoService:      {assets.CodeNoService, assets.CodeNoReader},
		scard.ErrServiceStopped: {assets.CodeNoService, assets.CodeNoReader},
		// Debian's Wine answers every SCardEstablishContext with this.
		scard.ErrInternalError: {assets.CodeServiceFailed, assets.CodeServiceFailed},
		scard.ErrUnexpected:    {assets.CodeServiceFailed, assets.CodeServiceFailed},
		scard.ErrNoMemory:      {assets.CodeServiceFailed, assets.CodeServiceFailed},
		scard.ErrServerTooBusy: {assets.CodeServiceFailed, assets.CodeServiceFailed},
		scard.ErrNoAccess:      {assets.CodeServiceFailed, assets.CodeServiceFailed},
		scard.ErrShutdown:      {assets.CodeServiceFailed, assets.CodeServiceFailed},
		// Not a PC/SC code at all: RPC_S_SERVER_UNAVAILABLE from a
		// crashed SCardSvr.
		scard.Error(0x6BA): {assets.CodeServiceFailed, assets.CodeServiceFailed},
	}
	check := func(kind string, table map[scard.Error]want, svc bool) {
		for e, w := range table {
			for goos, code := range map[string]assets.Code{"linux": w.linux, "windows": w.windows} {
				err := classifyOn(goos, "op", "Reader 0", fmt.Errorf("wrapped: %w", e), svc)
				if got := problem.CodeOf(err); got != code {
					t.Errorf("%s %s %#x: %s, want %s (%v)", kind, goos, uint32(e), got, code, err)
				}
			}
		}
	}
	check("card call", card_, false)
	check("service call", service, true)
}

// No code in the tables falls through to 13999.
func TestEveryMappedCodeHasItsOwnMessage(t *testing.T) {
	for _, goos := range []string{"linux", "darwin", "windows"} {
		for e := range faults {
			if f := faultFor(goos, e); f == card.FaultOther {
				t.Errorf("%s: %#x is FaultOther", goos, uint32(e))
			}
		}
		for e := range windowsFaults {
			if code := problem.CodeOf(classifyOn("windows", "op", "", e, false)); code == assets.CodeReadOther {
				t.Errorf("windows %#x: 13999", uint32(e))
			}
		}
	}
}

func TestCancellationStaysCancellation(t *testing.T) {
	for _, err := range []error{context.Canceled, context.DeadlineExceeded, nil} {
		if got := classifyOn("windows", "op", "", err, true); got != err {
			t.Errorf("%v became %v", err, got)
		}
	}
}

// The Windows no-reader case tells the resident to connect the reader.
func TestNoReaderMessageOnWindows(t *testing.T) {
	err := classifyOn("windows", "connect to the smart-card service", "", scard.ErrNoService, true)
	e := assets.Lookup(problem.CodeOf(err))
	if e.Code != assets.CodeNoReader || !strings.Contains(e.Remedies[0].JA, "カードリーダーをパソコンに接続してください") {
		t.Fatalf("%s: %v", e.Code, e.Remedies)
	}
	if strings.Contains(e.Message.JA+e.Remedies[0].JA, "再起動") {
		t.Fatal("the no-reader advice says to restart the computer")
	}
	s := assets.Lookup(assets.CodeServiceFailed)
	if s.Code != assets.CodeServiceFailed || s.Title.JA == "" || s.Title.EN == "" || len(s.Remedies) == 0 || !s.Report {
		t.Fatalf("R07 entry: %+v", s)
	}
}
