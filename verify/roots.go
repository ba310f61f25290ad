package verify

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Mode says which JPKI the service trusts: production roots and the
// production certificate policy, or test roots and the test policy.
type Mode int

// Modes.
const (
	// Production accepts only the J-LIS signing roots pinned in
	// ProductionRoots and the production policy 1.2.392.200149.8.5.1.1.20.
	Production Mode = iota
	// Test accepts any root given and the test policy
	// 1.2.392.200149.8.5.1.0.20 (JPKI test cards, the virtual card).
	Test
)

func (m Mode) String() string {
	if m == Test {
		return "test"
	}
	return "production"
}

// ProductionRoots are the SHA-256 fingerprints of the DER of the J-LIS
// signing roots (docs/certificates.md, "Trust anchors"). The certificates
// themselves are published by J-LIS; an operator downloads them.
var ProductionRoots = map[string]string{
	"79679c33e4cc9319440f1ad120a597ff1844e2ef217063adb176966fd5e6fbeb": "signca02 (2019-09-14 to 2029-09-14)",
	"d227f6cde11d35c5252178f106f843d24651944975413b539fa2fb68dbfa365f": "signca03 (2023-07-16 to 2033-07-15)",
}

// ErrNotProductionRoot: a root given in Production mode is not one of the
// pinned J-LIS roots (for example a test root in a production config).
var ErrNotProductionRoot = errors.New("verify: not a pinned J-LIS production root")

// root is one trust anchor.
type root struct {
	cert *x509.Certificate
	fp   [32]byte
}

// Roots are the trust anchors of one Mode. Every generation of the J-LIS
// signing root has the same name, so the issuer of a certificate is found by
// signature among the roots with a matching name. Roots is read-only after
// it is made and safe for concurrent use.
type Roots struct {
	mode  Mode
	roots []root
}

// NewRoots makes trust anchors for mode. In Production mode every
// certificate must be a pinned J-LIS root (ErrNotProductionRoot otherwise),
// so a test root cannot slip into a production config.
func NewRoots(mode Mode, certs ...*x509.Certificate) (*Roots, error) {
	r := &Roots{mode: mode}
	for _, c := range certs {
		if c == nil {
			continue
		}
		fp := sha256.Sum256(c.Raw)
		if mode == Production {
			if _, ok := ProductionRoots[hex.EncodeToString(fp[:])]; !ok {
				return nil, fmt.Errorf("%w: %s (sha256 %x)", ErrNotProductionRoot, c.Subject, fp)
			}
		}
		if !c.IsCA || c.CheckSignatureFrom(c) != nil {
			return nil, fmt.Errorf("verify: root %s (sha256 %x) is not a self-signed CA certificate", c.Subject, fp)
		}
		dup := false
		for _, have := range r.roots {
			dup = dup || have.fp == fp
		}
		if !dup {
			r.roots = append(r.roots, root{cert: c, fp: fp})
		}
	}
	if len(r.roots) == 0 {
		return nil, errors.New("verify: no trust roots given")
	}
	return r, nil
}

// LoadRoots reads trust anchors from files and directories: a file holds
// PEM certificates (any number) or one DER certificate; a directory's
// *.pem, *.crt, *.cer and *.der files are read (not its subdirectories).
func LoadRoots(mode Mode, paths ...string) (*Roots, error) {
	var certs []*x509.Certificate
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		files := []string{p}
		if fi.IsDir() {
			files = nil
			ents, err := os.ReadDir(p)
			if err != nil {
				return nil, err
			}
			for _, e := range ents {
				switch strings.ToLower(filepath.Ext(e.Name())) {
				case ".pem", ".crt", ".cer", ".der":
					if !e.IsDir() {
						files = append(files, filepath.Join(p, e.Name()))
					}
				}
			}
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			cs, err := parseCerts(b)
			if err != nil {
				return nil, fmt.Errorf("verify: roots %s: %w", f, err)
			}
			certs = append(certs, cs...)
		}
	}
	return NewRoots(mode, certs...)
}

func parseCerts(b []byte) ([]*x509.Certificate, error) {
	if !bytes.Contains(b, []byte("-----BEGIN")) {
		c, err := x509.ParseCertificate(b)
		if err != nil {
			return nil, err
		}
		return []*x509.Certificate{c}, nil
	}
	var out []*x509.Certificate
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errors.New("no PEM CERTIFICATE block")
	}
	return out, nil
}

// Mode is the mode the roots were made for.
func (r *Roots) Mode() Mode { return r.mode }

// Certificates lists the trust anchors.
func (r *Roots) Certificates() []*x509.Certificate {
	out := make([]*x509.Certificate, len(r.roots))
	for i, rt := range r.roots {
		out[i] = rt.cert
	}
	return out
}

// issuerOf returns the root that signed cert: same name, and the signature
// verifies. Names alone do not decide: all generations share one.
func (r *Roots) issuerOf(cert *x509.Certificate) *root {
	for i := range r.roots {
		rt := &r.roots[i]
		if !bytes.Equal(rt.cert.RawSubject, cert.RawIssuer) {
			continue
		}
		if cert.CheckSignatureFrom(rt.cert) == nil {
			return rt
		}
	}
	return nil
}

// byFingerprint finds a root by its SHA-256 fingerprint.
func (r *Roots) byFingerprint(fp [32]byte) *root {
	for i := range r.roots {
		if r.roots[i].fp == fp {
			return &r.roots[i]
		}
	}
	return nil
}
