package ui

import (
	"context"
	"fmt"
	"os"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/ui/vm"
)

// diagScreen is for support staff: the report, copy, save and a QR code a
// phone can take.
type diagScreen struct {
	a      *App
	obj    fyne.CanvasObject
	run    *button
	text   *widget.Entry
	qr     *canvas.Image
	status *text
	report *card.Report
}

func newDiagScreen(a *App) *diagScreen {
	d := &diagScreen{a: a}
	d.run = newButton(a, a.t(assets.UI.DiagRun), d.runReport)
	d.run.Importance = widget.HighImportance
	d.text = widget.NewMultiLineEntry()
	d.text.TextStyle = fyne.TextStyle{Monospace: true}
	d.text.SetMinRowsVisible(14)
	d.text.Wrapping = fyne.TextWrapOff
	d.qr = canvas.NewImageFromResource(nil)
	d.qr.FillMode = canvas.ImageFillContain
	d.qr.SetMinSize(fyne.NewSize(260, 260))
	d.status = para("")
	copyB := newButton(a, a.t(assets.UI.DiagCopy), d.copyReport)
	actions := container.NewHBox(d.run, copyB)
	if !a.s.Kiosk {
		// No file dialog at a counter: it shows the PC's folders.
		actions.Add(newButton(a, a.t(assets.UI.DiagSave), d.saveDialog))
	}
	d.obj = screen(a, a.t(assets.UI.Diagnostics), container.NewVBox(
		heading(a.t(assets.UI.ReportTitle)),
		para(a.t(assets.UI.DiagLead)), para(a.t(assets.UI.DiagNoPersonal)),
		actions, d.status,
		container.NewBorder(nil, nil, nil, container.NewVBox(widget.NewLabel(a.t(assets.UI.DiagQR)), d.qr), d.text),
	))
	return d
}

// runReport builds the report off the UI goroutine, as the resident's task.
func (d *diagScreen) runReport() {
	d.status.SetText(d.a.t(assets.UI.CardReading))
	diag := d.a.d.Diag
	d.a.tasks.Go(time.Minute, func(ctx context.Context) func() {
		r := diag.Run(ctx)
		png, _ := vm.QRPNG(vm.Compact(r), 512)
		return func() { d.showReport(r, png) }
	}, d.a.d.Do)
}

func (d *diagScreen) showReport(r card.Report, png []byte) {
	d.report = &r
	d.text.SetText(vm.ReportText(r))
	if png != nil {
		d.qr.Resource = fyne.NewStaticResource("report-qr.png", png)
		d.qr.Refresh()
	}
	if r.Code != "" {
		e := assets.Lookup(assets.Code(r.Code))
		d.status.SetText(fmt.Sprintf(d.a.t(assets.UI.ErrorCode), r.Code) + " " + d.a.t(e.Title))
	} else {
		d.status.SetText("")
	}
}

func (d *diagScreen) clear() {
	d.report = nil
	d.text.SetText("")
	d.qr.Resource = nil
	d.qr.Refresh()
	d.status.SetText("")
}

func (d *diagScreen) copyReport() {
	if d.report == nil {
		return
	}
	d.a.fa.Clipboard().SetContent(vm.ReportText(*d.report))
	d.status.SetText(d.a.t(assets.UI.DiagCopied))
}

// SaveReport writes the report as JSON to path.
func (d *diagScreen) SaveReport(path string) error {
	if d.report == nil {
		return os.ErrNotExist
	}
	if err := os.WriteFile(path, vm.ReportJSON(*d.report), 0o600); err != nil {
		return err
	}
	d.status.SetText(fmt.Sprintf(d.a.t(assets.UI.DiagSaved), path))
	return nil
}

func (d *diagScreen) saveDialog() {
	if d.report == nil {
		return
	}
	dlg := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		if err := d.SaveReport(path); err != nil {
			d.status.SetText(err.Error())
		}
	}, d.a.win)
	dlg.SetFileName("mynadesk-report-" + time.Now().Format("20060102-150405") + ".json")
	dlg.Show()
}
