package resident

import (
	"context"
	"crypto"
	"crypto/x509"
	"log/slog"
	"sync"

	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/cms"
)

// SystemCard is the CardSource over a card.System (PC/SC, or the virtual
// card in tests): it reads the 4 attributes and makes the CMS signature on
// the card in the chosen reader, opening a fresh connection for each
// operation so a card taken out and put back between the steps is simply
// found again.
type SystemCard struct {
	// Open returns the PC/SC service (or a test double). The System is
	// closed after each operation only when CloseSystem is set: a shared
	// System (the desktop app's) is left open.
	Open        func() (card.System, error)
	CloseSystem bool
	// Trace, if set, records the APDUs of every operation (PIN data is
	// redacted by the driver).
	Trace  *card.Trace
	Logger *slog.Logger

	mu     sync.Mutex
	reader string
}

// SetReader chooses the reader named in the settings; "" means the only
// reader holding a card. It may be called while an operation runs (the
// settings screen): the next operation uses it.
func (s *SystemCard) SetReader(name string) {
	s.mu.Lock()
	s.reader = name
	s.mu.Unlock()
}

// Reader returns the chosen reader.
func (s *SystemCard) Reader() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reader
}

// withCard opens the chosen card, runs fn and releases the connection.
func (s *SystemCard) withCard(ctx context.Context, fn func(c *card.Card) error) error {
	sys, err := s.Open()
	if err != nil {
		return err
	}
	if s.CloseSystem {
		defer sys.Close()
	}
	c, _, err := card.Open(ctx, sys, s.Reader(), card.Options{Trace: s.Trace, Logger: s.Logger})
	if err != nil {
		return err
	}
	defer c.Close()
	return fn(c)
}

// ReadAttributes reads the 4 attributes with the 4-digit input-helper PIN,
// asked through prompt. Nothing is returned unless the whole record was
// read and parsed, so a card taken away mid-read uploads nothing.
func (s *SystemCard) ReadAttributes(ctx context.Context, prompt card.PINPrompt) (booking.Attributes, error) {
	var a card.Attributes
	err := s.withCard(ctx, func(c *card.Card) error {
		var err error
		a, err = c.ReadAttributes(ctx, prompt)
		return err
	})
	if err != nil {
		return booking.Attributes{}, err
	}
	return booking.Attributes{Name: a.Name, Address: a.Address, Birth: a.Birth, Sex: a.Sex}, nil
}

// SignContent signs content with the signing key: one entry of the signing
// password covers reading the certificate and signing. The result is a DER
// CMS SignedData with the content attached.
func (s *SystemCard) SignContent(ctx context.Context, content []byte, prompt card.PINPrompt) ([]byte, error) {
	var out []byte
	err := s.withCard(ctx, func(c *card.Card) error {
		return c.WithKey(ctx, card.KeySign, prompt, func(cert *x509.Certificate, sg crypto.Signer) error {
			var err error
			out, err = cms.Sign(ctx, content, cert, sg, cms.Options{})
			return err
		})
	})
	return out, err
}
