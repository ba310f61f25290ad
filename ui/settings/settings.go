// Package settings is the desktop app's configuration: the booking
// service's URL, the reader, the language, kiosk mode and its idle timeout,
// and the administrator PIN that guards them in kiosk mode. It is read with
// viper from a per-user file, MYNADESK_* environment variables and flags
// (flags win, then environment, then the file). Nothing personal is ever
// stored: no attribute, no PIN of the card, no session.
package settings

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"

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
)

// Settings are the values in effect.
type Settings struct {
	Service     string        // booking service base URL, for typed codes
	Reader      string        // reader name; "" for the one holding a card
	Lang        assets.Lang   // ja (default) or en
	Kiosk       bool          // counter kiosk: full screen, reset after each resident
	IdleTimeout time.Duration // back to the start after this long without input
	// AdminPINHash is "salt:sha256" of the administrator PIN; empty when
	// none is set.
	AdminPINHash string
}

// Defaults are the settings of a fresh install.
var Defaults = Settings{Lang: assets.JA, IdleTimeout: 2 * time.Minute}

// MinIdle is the shortest idle timeout accepted.
const MinIdle = 15 * time.Second

// Validate checks the settings before they are used or saved.
func (s Settings) Validate() error {
	if s.Service != "" {
		if _, err := booking.ServiceURL(s.Service); err != nil {
			return fmt.Errorf("settings: %s: %w", KeyService, err)
		}
	}
	if s.Lang != assets.JA && s.Lang != assets.EN {
		return fmt.Errorf("settings: %s must be ja or en, not %q", KeyLang, s.Lang)
	}
	if s.IdleTimeout < MinIdle {
		return fmt.Errorf("settings: %s must be at least %v", KeyIdle, MinIdle)
	}
	return nil
}

// Flags adds the settings' flags (and --config) to fs.
func Flags(fs *pflag.FlagSet) {
	fs.String("config", "", "settings file (default: the per-user one)")
	fs.String(KeyService, "", "booking service URL for typed session codes")
	fs.String(KeyReader, "", "card reader to use (default: the one holding a card)")
	fs.String(KeyLang, string(Defaults.Lang), "language: ja or en")
	fs.Bool(KeyKiosk, false, "counter kiosk mode: full screen, forget each resident")
	fs.Duration(KeyIdle, Defaults.IdleTimeout, "back to the start after this long without input")
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
	for _, k := range []string{KeyService, KeyReader, KeyKiosk, KeyAdminPIN} {
		v.SetDefault(k, nil) // so AutomaticEnv finds them
	}
	if fs != nil {
		if f := fs.Lookup("config"); f != nil && f.Value.String() != "" {
			path = f.Value.String()
		}
		for _, k := range []string{KeyService, KeyReader, KeyLang, KeyKiosk, KeyIdle} {
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

// HashAdminPIN returns the stored form of an administrator PIN.
func HashAdminPIN(pin string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	return hex.EncodeToString(salt) + ":" + hex.EncodeToString(digest(salt, pin)), nil
}

func digest(salt []byte, pin string) []byte {
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte(pin))
	return h.Sum(nil)
}

// CheckAdminPIN reports whether pin matches the stored hash. With no hash
// set, only the empty PIN matches (an unguarded install).
func CheckAdminPIN(hash, pin string) bool {
	if hash == "" {
		return pin == ""
	}
	saltHex, sumHex, ok := strings.Cut(hash, ":")
	if !ok {
		return false
	}
	salt, err1 := hex.DecodeString(saltHex)
	sum, err2 := hex.DecodeString(sumHex)
	if err1 != nil || err2 != nil {
		return false
	}
	return subtle.ConstantTimeCompare(sum, digest(salt, pin)) == 1
}
