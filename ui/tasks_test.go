package ui

import (
	"context"
	"testing"

	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/card/sim"
	"github.com/mynadesk/mynadesk/ui/internal/testenv"
	"github.com/mynadesk/mynadesk/ui/settings"
	"github.com/mynadesk/mynadesk/ui/vm"
)

// A QR search still running when the kiosk resets for the next resident is
// cancelled, and what it finds anyway never opens a session on the next
// resident's screen.
func TestLateScanAfterResetIsDropped(t *testing.T) {
	h := newHarness(t, settings.Settings{})
	ref, _, err := h.env.Session(context.Background(), booking.ModeTwoStep)
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	cancelled := make(chan bool, 1)
	h.ui(func() {
		h.app.scan(func(ctx context.Context) (booking.Ref, error) {
			select {
			case <-ctx.Done():
				cancelled <- true
			case <-release:
				cancelled <- false
			}
			<-release
			return ref, nil // found, but too late: a deaf scanner
		})
	})
	h.ui(h.app.Reset) // the next resident
	close(release)
	if !<-cancelled {
		t.Error("the reset did not cancel the QR search")
	}
	h.app.tasks.Wait()
	h.ui(func() {}) // what the search handed to the UI goroutine has run
	if st := h.app.d.Flow.State(); st.Phase != vm.PhaseIdle {
		t.Fatalf("a late QR result started a session for the next resident: %+v", st)
	}
	if h.app.page != pageHome {
		t.Fatalf("page %v", h.app.page)
	}
}

// A diagnostic report still being made at the reset never shows on the
// next resident's screen.
func TestLateReportAfterResetIsDropped(t *testing.T) {
	h := newHarness(t, settings.Settings{})
	h.insert(testenv.Hanako, h.env.PKIs.Valid, nil, sim.Faults{})
	release := make(chan struct{})
	opened := make(chan struct{})
	h.ui(func() {
		h.app.d.Diag = &vm.Diag{Version: "test", Open: func() (card.System, error) {
			close(opened)
			<-release // a slow reader: the report ignores the reset
			return h.env.Sys, nil
		}}
		h.app.goPage(pageDiag)
		h.app.diag.runReport()
	})
	<-opened
	h.ui(h.app.Reset)
	close(release)
	h.app.tasks.Wait()
	var report *card.Report
	var text string
	h.ui(func() { report, text = h.app.diag.report, h.app.diag.text.Text })
	if report != nil || text != "" {
		t.Fatalf("a late report landed on the next resident's screen: %q", text)
	}
}
