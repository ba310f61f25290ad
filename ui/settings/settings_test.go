package settings_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/ui/settings"
)

func TestDefaultsSaveLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mynadesk", "settings.yaml")
	st, s, err := settings.Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s != settings.Defaults {
		t.Fatalf("fresh settings %+v, want %+v", s, settings.Defaults)
	}
	h, err := settings.HashAdminPIN("2468")
	if err != nil {
		t.Fatal(err)
	}
	s = settings.Settings{Service: "https://booking.example.jp", Reader: "R1", Lang: assets.EN, Kiosk: true,
		IdleTimeout: 90 * time.Second, AdminPINHash: h}
	if err := st.Save(s); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("file: %v %v", fi, err)
	}
	_, got, err := settings.Load(path, nil)
	if err != nil || got != s {
		t.Fatalf("reloaded %+v, %v; want %+v", got, err, s)
	}
	raw, _ := os.ReadFile(path)
	if strings.Contains(string(raw), "2468") {
		t.Fatal("the administrator PIN is stored in clear")
	}
}

func TestEnvAndFlagsOverride(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.yaml")
	if err := os.WriteFile(path, []byte("service: https://file.example.jp\nlang: ja\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("MYNADESK_SERVICE", "https://env.example.jp")
	t.Setenv("MYNADESK_IDLE_TIMEOUT", "45s")
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	settings.Flags(fs)
	if err := fs.Parse([]string{"--lang", "en", "--kiosk"}); err != nil {
		t.Fatal(err)
	}
	_, s, err := settings.Load(path, fs)
	if err != nil {
		t.Fatal(err)
	}
	if s.Service != "https://env.example.jp" || s.Lang != assets.EN || !s.Kiosk || s.IdleTimeout != 45*time.Second {
		t.Fatalf("settings %+v", s)
	}
}

func TestInvalid(t *testing.T) {
	for _, s := range []settings.Settings{
		{Service: "http://booking.example.jp", Lang: assets.JA, IdleTimeout: time.Minute},
		{Lang: "fr", IdleTimeout: time.Minute},
		{Lang: assets.JA, IdleTimeout: time.Second},
	} {
		if err := s.Validate(); err == nil {
			t.Errorf("%+v accepted", s)
		}
	}
	path := filepath.Join(t.TempDir(), "s.yaml")
	os.WriteFile(path, []byte("lang: fr\n"), 0o600)
	if _, _, err := settings.Load(path, nil); err == nil {
		t.Fatal("invalid file accepted")
	}
}

func TestAdminPIN(t *testing.T) {
	h, err := settings.HashAdminPIN("1357")
	if err != nil {
		t.Fatal(err)
	}
	if !settings.CheckAdminPIN(h, "1357") || settings.CheckAdminPIN(h, "1358") || settings.CheckAdminPIN(h, "") {
		t.Fatal("admin PIN check")
	}
	if settings.CheckAdminPIN("", "") || settings.CheckAdminPIN("", "1") || settings.CheckAdminPIN("zz", "") {
		t.Fatal("admin PIN without a hash")
	}
	if !strings.HasPrefix(h, "scrypt$") || strings.Contains(h, "1357") {
		t.Fatalf("stored form %q", h)
	}
	if _, err := settings.HashAdminPIN(""); err == nil {
		t.Fatal("an empty administrator password was hashed")
	}
}

func TestTextSizeSaved(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.yaml")
	st, s, err := settings.Load(path, nil)
	if err != nil || s.TextSize != settings.TextNormal {
		t.Fatalf("%+v %v", s, err)
	}
	s.TextSize = settings.TextHuge
	if err := st.Save(s); err != nil {
		t.Fatal(err)
	}
	if _, got, err := settings.Load(path, nil); err != nil || got.TextSize != settings.TextHuge {
		t.Fatalf("%+v %v", got, err)
	}
	os.WriteFile(path, []byte("text-size: giant\n"), 0o600)
	if _, _, err := settings.Load(path, nil); err == nil {
		t.Fatal("unknown text size accepted")
	}
}

// A one-off --kiosk or MYNADESK_SERVICE must not become permanent when the
// settings screen saves: only what the screen changed is written, and what
// the file held stays.
func TestSaveWritesOnlyWhatChanged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.yaml")
	if err := os.WriteFile(path, []byte("reader: File Reader\nidle-timeout: 3m0s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("MYNADESK_SERVICE", "https://env.example.jp")
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	settings.Flags(fs)
	if err := fs.Parse([]string{"--kiosk"}); err != nil {
		t.Fatal(err)
	}
	st, s, err := settings.Load(path, fs)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Kiosk || s.Service != "https://env.example.jp" || s.Reader != "File Reader" {
		t.Fatalf("loaded %+v", s)
	}
	s.Lang = assets.EN // the one change made in the settings screen
	if err := st.Save(s); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	for _, bad := range []string{"kiosk", "env.example.jp"} {
		if strings.Contains(string(raw), bad) {
			t.Errorf("saved file holds the one-off %q:\n%s", bad, raw)
		}
	}
	os.Unsetenv("MYNADESK_SERVICE")
	_, got, err := settings.Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := settings.Settings{Reader: "File Reader", Lang: assets.EN, IdleTimeout: 3 * time.Minute, TextSize: settings.TextNormal}
	if got != want {
		t.Fatalf("next start without flag or environment: %+v, want %+v", got, want)
	}
	// A second change in the same run is saved as well, the first one kept.
	s.Service = "https://screen.example.jp"
	if err := st.Save(s); err != nil {
		t.Fatal(err)
	}
	if _, got, _ = settings.Load(path, nil); got.Service != "https://screen.example.jp" || got.Lang != assets.EN || got.Kiosk {
		t.Fatalf("after the second save: %+v", got)
	}
}
