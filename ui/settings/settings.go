// Package settings is the desktop app's configuration: the booking
// service's URL, the reader, the language, kiosk mode and its idle timeout,
// and the administrator PIN that guards them in kiosk mode. It is read with
// viper from a per-user file, MYNADESK_* environment variables and flags
// (flags win, then environment, then the file). Nothing personal is ever
// stored: no attribute, no PIN of the card, no session.
package settings

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
	"golang.org/x/crypto/scrypt"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/booking"
)

// Keys in the file, environment (MYNADESK_ + upper case, - → _) and flags.
const (
	KeyService  = "service"
	KeyReader   = "reader"
	KeyLang     = "lang"
	KeyKiosk    = "kiosk"
	KeyIdle     = "idle-timeout"
	KeyAdminPIN = "admin-pin-hash"
	KeyTextSize = "text-size"
)

// TextSize is the settings screen's 文字の大きさ: 標準, 大 or 特大.
type TextSize int

// Text sizes.
const (
	TextNormal TextSize = iota // 標準: 16 px body text
	TextLarge                  // 大: 20 px
	TextHuge                   // 特大: 24 px
)

var textSizeNames = map[TextSize]string{TextNormal: "normal", TextLarge: "large", TextHuge: "huge"}

// String is the word in the file and the environment.
func (t TextSize) String() string { return textSizeNames[t] }

// ParseTextSize reads normal, large or huge.
func ParseTextSize(s string) (TextSize, error) {
	for t, n := range textSizeNames {
		if strings.EqualFold(s, n) {
			return t, nil
		}
	}
	return TextNormal, fmt.Errorf("settings: %s must be normal, large or huge, not %q", KeyTextSize, s)
}

// Settings are the values in effect.
type Settings struct {
	Service     string        // booking service base URL, for typed codes
	Reader      string        // reader name; "" for the one holding a card
	Lang        assets.Lang   // ja (default) or en
	Kiosk       bool          // counter kiosk: full screen, reset after each resident
	IdleTimeout time.Duration // back to the start after this long without input
	// AdminPINHash is the scrypt hash of the administrator password
	// (HashAdminPIN); empty when none is set, which kiosk mode refuses.
	AdminPINHash string
	// TextSize is 標準, 大 or 特大.
	TextSize TextSize
}

// Defaults are the settings of a fresh install.
var Defaults = Settings{Lang: assets.JA, IdleTimeout: 2 * time.Minute}

// MinIdle is the shortest idle timeout accepted.
const MinIdle = 15 * time.Second

// Validate checks the settings before they are used or saved.
func (s Settings) Validate() error {
	if s.Service != "" {
		if _, err := booking.ServiceURL(s.Service); err != nil {
			return fmt.Errorf("settings: %s: %w: %w", KeyService, ErrService, err)
		}
	}
	if s.Lang != assets.JA && s.Lang != assets.EN {
		return fmt.Errorf("settings: %s must be ja or en, not %q", KeyLang, s.Lang)
	}
	if s.IdleTimeout < MinIdle {
		return &IdleError{Min: MinIdle}
	}
	if _, ok := textSizeNames[s.TextSize]; !ok {
		return fmt.Errorf("settings: %s out of range: %d", KeyTextSize, s.TextSize)
	}
	return nil
}

// ErrService is a booking service URL that cannot be used.
var ErrService = errors.New("not a booking service URL")

// IdleError is an idle timeout below the minimum; the settings screen says
// it in the resident's language.
type IdleError struct{ Min time.Duration }

func (e *IdleError) Error() string {
	return fmt.Sprintf("settings: %s must be at least %v", KeyIdle, e.Min)
}

// Flags adds the settings' flags (and --config) to fs.
func Flags(fs *pflag.FlagSet) {
	fs.String("config", "", "settings file (default: the per-user one)")
	fs.String(KeyService, "", "booking service URL for typed session codes")
	fs.String(KeyReader, "", "card reader to use (default: the one holding a card)")
	fs.String(KeyLang, string(Defaults.Lang), "language: ja or en")
	fs.Bool(KeyKiosk, false, "counter kiosk mode: full screen, forget each resident")
	fs.Duration(KeyIdle, Defaults.IdleTimeout, "back to the start after this long without input")
	fs.String(KeyTextSize, TextNormal.String(), "text size: normal, large or huge")
}

// DefaultPath is the per-user settings file.
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "mynadesk", "settings.yaml"), nil
}

// Store reads and writes the settings file.
type Store struct {
	Path string
	v    *viper.Viper
}

// Load reads the settings: file at path (missing is fine), then MYNADESK_*
// environment, then the flags set in fs (nil for none).
func Load(path string, fs *pflag.FlagSet) (*Store, Settings, error) {
	v := viper.New()
	v.SetEnvPrefix("MYNADESK")
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_"))
	v.AutomaticEnv()
	v.SetDefault(KeyLang, string(Defaults.Lang))
	v.SetDefault(KeyIdle, Defaults.IdleTimeout)
	v.SetDefault(KeyTextSize, TextNormal.String())
	for _, k := range []string{KeyService, KeyReader, KeyKiosk, KeyAdminPIN} {
		v.SetDefault(k, nil) // so AutomaticEnv finds them
	}
	if fs != nil {
		if f := fs.Lookup("config"); f != nil && f.Value.String() != "" {
			path = f.Value.String()
		}
		for _, k := range []string{KeyService, KeyReader, KeyLang, KeyKiosk, KeyIdle, KeyTextSize} {
			if f := fs.Lookup(k); f != nil {
				if err := v.BindPFlag(k, f); err != nil {
					return nil, Settings{}, err
				}
			}
		}
	}
	v.SetConfigFile(path)
	v.SetConfigType("yaml")
	if err := v.ReadInConfig(); err != nil && !errors.Is(err, os.ErrNotExist) {
		var nf viper.ConfigFileNotFoundError
		if !errors.As(err, &nf) {
			return nil, Settings{}, fmt.Errorf("settings file %s: %w", path, err)
		}
	}
	s := Settings{
		Service: v.GetString(KeyService), Reader: v.GetString(KeyReader),
		Lang: assets.Lang(strings.ToLower(v.GetString(KeyLang))), Kiosk: v.GetBool(KeyKiosk),
		IdleTimeout: v.GetDuration(KeyIdle), AdminPINHash: v.GetString(KeyAdminPIN),
	}
	ts, err := ParseTextSize(v.GetString(KeyTextSize))
	if err != nil {
		return nil, Settings{}, err
	}
	s.TextSize = ts
	if err := s.Validate(); err != nil {
		return nil, Settings{}, err
	}
	return &Store{Path: path, v: v}, s, nil
}

// Save writes s to the file (mode 0600), as the settings screen does. It
// writes through a temporary file so a crash never leaves half a file.
func (st *Store) Save(s Settings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	w := viper.New()
	w.Set(KeyService, s.Service)
	w.Set(KeyReader, s.Reader)
	w.Set(KeyLang, string(s.Lang))
	w.Set(KeyKiosk, s.Kiosk)
	w.Set(KeyIdle, s.IdleTimeout.String())
	w.Set(KeyAdminPIN, s.AdminPINHash)
	w.Set(KeyTextSize, s.TextSize.String())
	if err := os.MkdirAll(filepath.Dir(st.Path), 0o700); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	tmp := st.Path + ".tmp.yaml"
	if err := w.WriteConfigAs(tmp); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	return os.Rename(tmp, st.Path)
}

// scrypt's cost: about 50 ms on a kiosk PC, so guessing the password
// from a copied settings file is slow (RFC 7914 recommends N=2^15 for
// interactive logins).
const (
	scryptN, scryptR, scryptP = 1 << 15, 8, 1
	scryptPrefix              = "scrypt"
)

// HashAdminPIN returns the stored form of an administrator password:
// "scrypt$N$r$p$salt$key" (base64), never the password itself.
func HashAdminPIN(pin string) (string, error) {
	if pin == "" {
		return "", errors.New("settings: the administrator password is empty")
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key, err := scrypt.Key([]byte(pin), salt, scryptN, scryptR, scryptP, 32)
	if err != nil {
		return "", err
	}
	b64 := base64.RawStdEncoding.EncodeToString
	return fmt.Sprintf("%s$%d$%d$%d$%s$%s", scryptPrefix, scryptN, scryptR, scryptP, b64(salt), b64(key)), nil
}

// CheckAdminPIN reports whether pin matches the stored hash. No stored
// hash never matches: a settings lock without a password stays shut.
func CheckAdminPIN(hash, pin string) bool {
	parts := strings.Split(hash, "$")
	if hash == "" || pin == "" || len(parts) != 6 || parts[0] != scryptPrefix {
		return false
	}
	n, err1 := strconv.Atoi(parts[1])
	r, err2 := strconv.Atoi(parts[2])
	p, err3 := strconv.Atoi(parts[3])
	salt, err4 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err5 := base64.RawStdEncoding.DecodeString(parts[5])
	if err := errors.Join(err1, err2, err3, err4, err5); err != nil || n > 1<<20 || r > 32 || p > 4 || len(want) == 0 {
		return false
	}
	got, err := scrypt.Key([]byte(pin), salt, n, r, p, len(want))
	return err == nil && subtle.ConstantTimeCompare(got, want) == 1
}
