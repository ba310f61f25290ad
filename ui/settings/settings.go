// Package settings is the desktop app's configuration: the booking
// service's URL, the reader, the language, kiosk mode and its idle timeout,
// and the administrator PIN that guards them in kiosk mode. It is layered by
// internal/config: defaults, then a per-user file, then MYNADESK_*
// environment variables, then flags. Save writes only what the resident or
// staff changed in the settings screen, so a one-off --kiosk or
// MYNADESK_SERVICE never becomes permanent. Nothing personal is ever
// stored: no attribute, no PIN of the card, no session.
package settings

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/crypto/scrypt"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/internal/config"
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

// TextSize is the settings screen's 文字の大きさ: 標準, 大 or 特大, by the
// word the file and the environment hold.
type TextSize string

// Text sizes, smallest first.
const (
	TextNormal TextSize = "normal" // 標準: 16 px body text
	TextLarge  TextSize = "large"  // 大: 20 px
	TextHuge   TextSize = "huge"   // 特大: 24 px
)

// TextSizes are the sizes in the settings screen's order.
var TextSizes = []TextSize{TextNormal, TextLarge, TextHuge}

// Index is t's place in TextSizes (0 for an unknown size).
func (t TextSize) Index() int {
	for i, v := range TextSizes {
		if v == t {
			return i
		}
	}
	return 0
}

// EnvPrefix starts the environment variables of the settings
// (MYNADESK_SERVICE, MYNADESK_IDLE_TIMEOUT, …).
const EnvPrefix = "MYNADESK"

// Settings are the values in effect. A new setting is one tagged field
// (see internal/config); give it a check in Validate and a widget in the
// settings screen.
type Settings struct {
	// Service is the booking service base URL, for typed codes.
	Service string `config:"service" usage:"booking service URL for typed session codes"`
	// Reader is the reader name; "" for the one holding a card.
	Reader string `config:"reader" usage:"card reader to use (default: the one holding a card)"`
	// Lang is ja (default) or en.
	Lang assets.Lang `config:"lang" usage:"language: ja or en"`
	// Kiosk is counter kiosk mode: full screen, reset after each resident.
	Kiosk bool `config:"kiosk" usage:"counter kiosk mode: full screen, forget each resident"`
	// IdleTimeout sends the app back to the start after this long without input.
	IdleTimeout time.Duration `config:"idle-timeout" usage:"back to the start after this long without input"`
	// AdminPINHash is the scrypt hash of the administrator password
	// (HashAdminPIN); empty when none is set, which kiosk mode refuses.
	// File and environment only, never a flag.
	AdminPINHash string `config:"admin-pin-hash" flag:"-"`
	// TextSize is 標準, 大 or 特大.
	TextSize TextSize `config:"text-size" usage:"text size: normal, large or huge"`
}

// Defaults are the settings of a fresh install.
var Defaults = Settings{Lang: assets.JA, IdleTimeout: 2 * time.Minute, TextSize: TextNormal}

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
	if s.TextSize != "" && s.TextSize != TextSizes[s.TextSize.Index()] {
		return fmt.Errorf("settings: %s must be normal, large or huge, not %q", KeyTextSize, s.TextSize)
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
	d := Defaults
	config.Flags(fs, &d)
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
	// file is what the file holds; loaded is what was in effect when the
	// settings were loaded or last saved, so Save can tell what the
	// settings screen changed from what flags and environment gave.
	file   map[string]any
	loaded Settings
}

// Load reads the settings: file at path (missing is fine; --config or
// MYNADESK_CONFIG choose another), then MYNADESK_* environment, then the
// flags set in fs (nil for none).
func Load(path string, fs *pflag.FlagSet) (*Store, Settings, error) {
	path = config.FilePath(fs, EnvPrefix, path)
	file, err := config.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, Settings{}, fmt.Errorf("settings file %s: %w", path, err)
	}
	if file == nil {
		file = map[string]any{}
	}
	s := Defaults
	if _, err := config.Load(&s, file, EnvPrefix, fs); err != nil {
		return nil, Settings{}, fmt.Errorf("settings: %w", err)
	}
	s.Lang = assets.Lang(strings.ToLower(string(s.Lang)))
	s.TextSize = TextSize(strings.ToLower(string(s.TextSize)))
	if err := s.Validate(); err != nil {
		return nil, Settings{}, err
	}
	return &Store{Path: path, file: file, loaded: s}, s, nil
}

// Save writes to the file (mode 0600) the settings that s changes from
// those in effect, as the settings screen does: values that came from a
// flag or the environment and were left alone stay out of the file, and
// what the file held before stays. It writes through a temporary file so a
// crash never leaves half a file.
func (st *Store) Save(s Settings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	before, after := config.Values(&st.loaded), config.Values(&s)
	file := maps.Clone(st.file)
	if file == nil {
		file = map[string]any{}
	}
	for k, v := range after {
		if !reflect.DeepEqual(v, before[k]) {
			file[k] = v
		}
	}
	if err := config.WriteFile(st.Path, file); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	st.file, st.loaded = file, s
	return nil
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
