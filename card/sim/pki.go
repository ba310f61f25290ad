package sim

// The virtual card's test PKI lives in jpki/jpkitest, so the service side
// (verify) can use it in tests without importing anything that talks to a
// card; these names keep the card/sim API in one place for mynasim.

import (
	"time"

	"github.com/mynadesk/mynadesk/jpki/jpkitest"
)

// Holder is the card holder as the input-helper applet holds the data
// (Birth YYYYMMDD, Sex ISO 5218); see jpkitest.Holder.
type Holder = jpkitest.Holder

// CA is a test certificate authority: a self-signed root and its key.
type CA = jpkitest.CA

// PKIOptions says what NewPKI makes; see jpkitest.PKIOptions.
type PKIOptions = jpkitest.PKIOptions

// PKI is a virtual card's certificates and keys plus the signing CA's CRL.
type PKI = jpkitest.PKI

// Files SavePKI writes in a directory.
const (
	FileSignCACert = jpkitest.FileSignCACert // sign-ca.pem
	FileSignCAKey  = jpkitest.FileSignCAKey  // sign-ca.key
	FileAuthCACert = jpkitest.FileAuthCACert // auth-ca.pem
	FileAuthCAKey  = jpkitest.FileAuthCAKey  // auth-ca.key
	FileSignCert   = jpkitest.FileSignCert   // sign.pem
	FileSignKey    = jpkitest.FileSignKey    // sign.key
	FileAuthCert   = jpkitest.FileAuthCert   // auth.pem
	FileAuthKey    = jpkitest.FileAuthKey    // auth.key
	FileCRL        = jpkitest.FileCRL        // sign-ca.crl (DER)
)

// ErrPKI is wrapped by NewPKI and LoadPKI errors about their input.
var ErrPKI = jpkitest.ErrPKI

// NewPKI makes a card's test PKI; see jpkitest.NewPKI.
func NewPKI(opts PKIOptions) (*PKI, error) { return jpkitest.NewPKI(opts) }

// NewSignCA makes a self-signed RSA-2048 JPKI-TEST signing root.
func NewSignCA(now time.Time) (*CA, error) { return jpkitest.NewSignCA(now) }

// NewAuthCA makes a self-signed RSA-2048 JPKI-TEST authentication root.
func NewAuthCA(now time.Time) (*CA, error) { return jpkitest.NewAuthCA(now) }

// SavePKI writes p into dir as the File* files (keys mode 0600).
func SavePKI(dir string, p *PKI) error { return jpkitest.SavePKI(dir, p) }

// LoadPKI reads what SavePKI wrote and checks keys, chains and the CRL.
func LoadPKI(dir string) (*PKI, error) { return jpkitest.LoadPKI(dir) }
