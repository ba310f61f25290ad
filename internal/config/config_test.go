package config_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/internal/config"
)

type lang string

type options struct {
	Listen  string        `config:"listen" usage:"address"`
	Lang    lang          `config:"lang"`
	Kiosk   bool          `config:"kiosk"`
	Verbose bool          `config:"verbose" short:"v"`
	TTL     time.Duration `config:"ttl"`
	Rate    float64       `config:"rate"`
	N       int           `config:"n"`
	Roots   []string      `config:"roots"`
	Secret  string        `config:"secret" flag:"-"`
	Ignored string
}

func defaults() options {
	return options{Listen: "127.0.0.1:8080", Lang: "ja", TTL: 10 * time.Minute, Rate: 60, N: 3}
}

func TestLayers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(path, []byte("listen: file:1\nttl: 5m\nkiosk: true\nroots: [a.pem, b.pem]\nsecret: s1\nn: 7\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("T_TTL", "6m")
	t.Setenv("T_RATE", "1.5")
	t.Setenv("T_SECRET", "s2")
	t.Setenv("T_LANG", "en")
	fs := config.NewFlagSet("t")
	o := defaults()
	config.Flags(fs, &o)
	if fs.Lookup("secret") != nil || fs.Lookup("ignored") != nil {
		t.Fatal("flag for a file-only or untagged field")
	}
	if err := config.Parse(fs, []string{"--ttl", "7m", "-v", "--lang=ja"}); err != nil {
		t.Fatal(err)
	}
	file, err := config.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	o = defaults()
	src, err := config.Load(&o, file, "T", fs)
	if err != nil {
		t.Fatal(err)
	}
	want := options{Listen: "file:1", Lang: "ja", Kiosk: true, Verbose: true, TTL: 7 * time.Minute, Rate: 1.5, N: 7,
		Roots: []string{"a.pem", "b.pem"}, Secret: "s2"}
	if !reflect.DeepEqual(o, want) {
		t.Fatalf("got %+v\nwant %+v", o, want)
	}
	for name, l := range map[string]config.Layer{"listen": config.File, "ttl": config.Flag, "rate": config.Env,
		"lang": config.Flag, "verbose": config.Flag, "roots": config.File, "secret": config.Env} {
		if src[name] != l {
			t.Errorf("%s from %v, want %v", name, src[name], l)
		}
	}
}

func TestEnvListsAndErrors(t *testing.T) {
	t.Setenv("T_ROOTS", "a.pem,b.pem c.pem")
	o := defaults()
	if _, err := config.Load(&o, nil, "T", nil); err != nil || !reflect.DeepEqual(o.Roots, []string{"a.pem", "b.pem", "c.pem"}) {
		t.Fatalf("roots %q %v", o.Roots, err)
	}
	t.Setenv("T_TTL", "soon")
	if _, err := config.Load(&o, nil, "T", nil); err == nil || !strings.Contains(err.Error(), "T_TTL") {
		t.Fatalf("bad duration: %v", err)
	}
	if _, err := config.Load(&o, map[string]any{"kiosk": "maybe"}, "", nil); err == nil {
		t.Fatal("bad bool in the file accepted")
	}
	fs := config.NewFlagSet("t")
	config.Flags(fs, &o)
	if err := config.Parse(fs, []string{"--nope"}); err == nil || !strings.Contains(err.Error(), "flag provided but not defined: --nope") {
		t.Fatalf("unknown flag: %v", err)
	}
}

func TestFileFormatsAndWrite(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"c.yaml": "listen: x\nttl: 1m\n",
		"c.json": `{"listen": "x", "ttl": "1m"}`,
		"c.toml": "listen = \"x\"\nttl = \"1m\"\n",
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(text), 0o600)
		m, err := config.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		o := defaults()
		if _, err := config.Load(&o, m, "", nil); err != nil || o.Listen != "x" || o.TTL != time.Minute {
			t.Errorf("%s: %+v %v", name, o, err)
		}
	}
	o := defaults()
	o.Roots = []string{"r"}
	p := filepath.Join(dir, "sub", "w.yaml")
	if err := config.WriteFile(p, config.Values(&o)); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("written file: %v %v", fi, err)
	}
	m, err := config.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	back := options{}
	if _, err := config.Load(&back, m, "", nil); err != nil || !reflect.DeepEqual(back, o) {
		t.Fatalf("round trip %+v %v, want %+v", back, err, o)
	}
	if _, err := config.ReadFile(filepath.Join(dir, "missing.yaml")); !os.IsNotExist(err) {
		t.Fatalf("missing file: %v", err)
	}
}

func TestFilePath(t *testing.T) {
	fs := config.NewFlagSet("t")
	fs.String("config", "", "")
	if got := config.FilePath(fs, "T", "def"); got != "def" {
		t.Fatal(got)
	}
	t.Setenv("T_CONFIG", "env.yaml")
	if got := config.FilePath(fs, "T", "def"); got != "env.yaml" {
		t.Fatal(got)
	}
	fs.Parse([]string{"--config", "flag.yaml"})
	if got := config.FilePath(fs, "T", "def"); got != "flag.yaml" {
		t.Fatal(got)
	}
}
