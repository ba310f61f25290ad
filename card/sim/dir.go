package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/mynadesk/mynadesk/card"
)

// Files of a card directory written by this package (see the package
// documentation for the whole layout).
const (
	FileCard  = "card.json"
	FileState = "state.json"
)

// cardFile is the JSON form of card.json.
type cardFile struct {
	Token            string     `json:"token"`
	Holder           holderJSON `json:"holder"`
	IndividualNumber string     `json:"individual_number"`
	ExpiryYear       string     `json:"expiry_year"`
	SecurityCode     string     `json:"security_code"`
	Extended         string     `json:"extended"`
	Response         string     `json:"response"`
	Generation       string     `json:"generation,omitempty"`   // card.Profile name; "" today's card
	NoSignCert       bool       `json:"no_sign_cert,omitempty"` // a child's card: no signing certificate
}

// holderJSON is the card's 4 basic attributes in card.json. The
// substitute-character maps are kept so the certificates can be remade.
type holderJSON struct {
	Name         string `json:"name"`
	Address      string `json:"address"`
	Birth        string `json:"birth"`
	Sex          string `json:"sex"`
	NameSubst    string `json:"name_subst,omitempty"`
	AddressSubst string `json:"address_subst,omitempty"`
}

// stateFile is the JSON form of state.json.
type stateFile struct {
	PINs map[string]pinState `json:"pins"`
}

// DefaultHolder is the fictional holder of a new virtual card (公的 花子,
// the manuals' example), used by mynasim init.
var DefaultHolder = Holder{
	Name:    "公的\u3000花子",
	Address: "東京都架空区見本町一丁目２番３号",
	Birth:   "19900101",
	Sex:     "2",
}

// Default PINs of a new virtual card and its made-up 照合番号 parts.
const (
	DefaultHelperPIN        = "1234"
	DefaultAuthPIN          = "1234"
	DefaultSignPIN          = "ABC123"
	DefaultIndividualNumber = "123456789019" // made up, with a wrong check digit so it is nobody's number
	DefaultExpiryYear       = "2035"
	DefaultSecurityCode     = "4321"
)

// NewProfile is a My Number Card for holder with the default PINs and the
// keys and certificates of pki, as tests in other packages need it.
func NewProfile(holder Holder, pki *PKI) Profile {
	return Profile{
		Token:            TokenCard,
		Holder:           holder,
		IndividualNumber: DefaultIndividualNumber,
		ExpiryYear:       DefaultExpiryYear,
		SecurityCode:     DefaultSecurityCode,
		HelperPIN:        DefaultHelperPIN,
		AuthPIN:          DefaultAuthPIN,
		SignPIN:          DefaultSignPIN,
		AuthKey:          pki.AuthKey,
		SignKey:          pki.SignKey,
		AuthCert:         pki.AuthCert.Raw,
		SignCert:         pki.SignCert.Raw,
		AuthCACert:       pki.AuthCA.Cert.Raw,
		SignCACert:       pki.SignCA.Cert.Raw,
	}
}

// SaveCardDir writes a complete card directory: card.json and state.json
// from p and the PKI files from pki, whose keys and certificates must be
// those in p. Existing files are replaced.
func SaveCardDir(dir string, p Profile, pki *PKI) error {
	if err := p.validate(); err != nil {
		return err
	}
	if pki == nil || pki.SignKey == nil || !pki.SignKey.Equal(p.SignKey) || pki.AuthKey == nil || !pki.AuthKey.Equal(p.AuthKey) {
		return fmt.Errorf("%w: the PKI's keys are not the profile's", ErrProfile)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("sim: card directory: %w", err)
	}
	if err := SavePKI(dir, pki); err != nil {
		return fmt.Errorf("sim: card directory: %w", err)
	}
	cf := cardFile{
		Token: p.Token.String(), Holder: holderJSON(p.Holder), IndividualNumber: p.IndividualNumber,
		ExpiryYear: p.ExpiryYear, SecurityCode: p.SecurityCode,
		Extended: p.Extended.String(), Response: p.Response.String(),
		Generation: p.Generation, NoSignCert: p.NoSignCert,
	}
	if err := writeJSON(filepath.Join(dir, FileCard), cf); err != nil {
		return err
	}
	c, err := NewCard(p)
	if err != nil {
		return err
	}
	return writeJSON(filepath.Join(dir, FileState), stateFile{PINs: c.stateLocked()})
}

// ErrNotCardDir is returned by LoadCardDir and OpenCard for a directory
// without card.json.
var ErrNotCardDir = errors.New("sim: not a card directory (no card.json)")

// LoadCardDir reads the card in dir: its profile, with the PINs and counters
// of state.json, and its PKI.
func LoadCardDir(dir string) (Profile, *PKI, error) {
	var cf cardFile
	if err := readJSON(filepath.Join(dir, FileCard), &cf); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return Profile{}, nil, fmt.Errorf("%w: %s", ErrNotCardDir, dir)
		}
		return Profile{}, nil, err
	}
	token, err := ParseToken(cf.Token)
	if err != nil {
		return Profile{}, nil, err
	}
	ext, err := ParseExtended(cf.Extended)
	if err != nil {
		return Profile{}, nil, err
	}
	resp, err := ParseResponseMode(cf.Response)
	if err != nil {
		return Profile{}, nil, err
	}
	pki, err := LoadPKI(dir)
	if err != nil {
		return Profile{}, nil, fmt.Errorf("sim: card directory %s: %w", dir, err)
	}
	p := NewProfile(Holder(cf.Holder), pki)
	p.Token, p.Extended, p.Response = token, ext, resp
	p.Generation, p.NoSignCert = cf.Generation, cf.NoSignCert
	p.IndividualNumber, p.ExpiryYear, p.SecurityCode = cf.IndividualNumber, cf.ExpiryYear, cf.SecurityCode
	var st stateFile
	if err := readJSON(filepath.Join(dir, FileState), &st); err != nil {
		return Profile{}, nil, err
	}
	for _, spec := range p.cardProfile().PINs {
		s, ok := st.PINs[spec.Name]
		if !ok {
			return Profile{}, nil, fmt.Errorf("%w: %s has no %s PIN", ErrProfile, FileState, spec.Name)
		}
		switch spec.PIN {
		case card.PINHelper:
			p.HelperPIN = s.Value
		case card.PINAuth:
			p.AuthPIN = s.Value
		case card.PINSign:
			p.SignPIN = s.Value
		}
		if p.TriesLeft == nil {
			p.TriesLeft = map[card.PIN]int{}
		}
		p.TriesLeft[spec.PIN] = s.Tries
	}
	return p, pki, nil
}

// OpenCard builds the card in dir. Every counter change and PIN change is
// written back to state.json before the card answers; if that write fails
// the card answers 65 81 (memory failure) and the try is not used.
func OpenCard(dir string) (*Card, error) {
	p, _, err := LoadCardDir(dir)
	if err != nil {
		return nil, err
	}
	c, err := NewCard(p)
	if err != nil {
		return nil, err
	}
	var st stateFile
	if err := readJSON(filepath.Join(dir, FileState), &st); err != nil {
		return nil, err
	}
	c.restore(st.PINs) // 照合番号A/B counters too
	path := filepath.Join(dir, FileState)
	c.save = func(pins map[string]pinState) error { return writeJSON(path, stateFile{PINs: pins}) }
	return c, nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("sim: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrProfile, filepath.Base(path), err)
	}
	return nil
}

// writeJSON replaces path atomically: a reader (or a crash) sees the old
// file or the new one, never a mix.
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("sim: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("sim: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("sim: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("sim: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("sim: %w", err)
	}
	return nil
}
