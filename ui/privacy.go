package ui

import (
	"log/slog"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/mynadesk/mynadesk/assets"
)

// setDialogLanguage makes Fyne's own dialogs speak the app's language.
// Fyne picks its translation from the OS locale; the Japanese texts are
// also loaded as Fyne's fallback ("en"), so a Japanese app on an English
// Windows still shows 開く and キャンセル, and loading the English ones
// back undoes it.
func setDialogLanguage(l assets.Lang) {
	dialogLang.Lock()
	defer dialogLang.Unlock()
	if dialogLang.set && dialogLang.lang == l {
		return // Fyne re-reads the OS locales on every load
	}
	dialogLang.set, dialogLang.lang = true, l
	add := func(data []byte, loc fyne.Locale) {
		if err := lang.AddTranslationsForLocale(data, loc); err != nil {
			slog.Warn("dialog translations", "locale", loc, "err", err)
		}
	}
	add(assets.FyneJA, "ja")
	if l == assets.EN {
		add(assets.FyneEN, "en")
		return
	}
	add(assets.FyneJA, "en")
}

// dialogLang is the language Fyne's dialogs were given last.
var dialogLang struct {
	sync.Mutex
	set  bool
	lang assets.Lang
}

// Fyne's preference keys that remember a person's doing: the file
// dialog's last folder and view.
var residentPreferences = []string{"fyne:fileDialogLastFolder", "fyne:fileDialogViewLayout"}

// forgetResident clears what Fyne and the OS keep of a resident beyond
// the app's own state: the clipboard (a copied session link) and the
// file dialog's memory, so the next resident finds none of it.
func (a *App) forgetResident() {
	if cb := a.fa.Clipboard(); cb != nil {
		cb.SetContent("")
	}
	p := a.fa.Preferences()
	for _, k := range residentPreferences {
		p.RemoveValue(k)
	}
}
