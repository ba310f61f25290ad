package card

import (
	"bytes"
	"context"
	"errors"
	"fmt"
)

// triesLeft selects the PIN's EF in the already selected applet and sends
// VERIFY with no data, which reports the counter without using a try (spec:
// "VERIFY and PIN counters").
func (t *tx) triesLeft(ctx context.Context, p PIN) (int, error) {
	if err := t.selectEF(ctx, p.File()); err != nil {
		return 0, err
	}
	r, err := t.send(ctx, Command{CLA: CLAInterindustry, INS: INSVerify, P2: P2VerifyPIN, Le: NoLe})
	if err != nil {
		return 0, err
	}
	if n, ok := r.SW.TriesLeft(); ok {
		return n, nil
	}
	switch r.SW {
	case SWPINBlocked:
		return 0, nil
	case SWSuccess: // some cards answer 90 00 while the PIN is verified
		return p.MaxTries(), nil
	}
	return 0, &StatusError{Op: fmt.Sprintf("read %v PIN counter", p), SW: r.SW}
}

// verify sends the PIN to its EF in the already selected applet.
func (t *tx) verify(ctx context.Context, p PIN, pin []byte) error {
	if err := t.selectEF(ctx, p.File()); err != nil {
		return err
	}
	r, err := t.send(ctx, Command{CLA: CLAInterindustry, INS: INSVerify, P2: P2VerifyPIN, Data: pin, Le: NoLe})
	if err != nil {
		return err
	}
	if n, ok := r.SW.TriesLeft(); ok {
		return &PINError{PIN: p, TriesLeft: n}
	}
	if r.SW == SWPINBlocked {
		return &PINError{PIN: p, Blocked: true}
	}
	return check(fmt.Sprintf("verify %v PIN", p), r)
}

// PINTries reads the tries left of one PIN without using a try.
func (c *Card) PINTries(ctx context.Context, p PIN) (int, error) {
	var n int
	err := c.do(ctx, "read PIN counter", func(t *tx) error {
		if err := t.selectApplet(ctx, p.Applet()); err != nil {
			return err
		}
		var err error
		n, err = t.triesLeft(ctx, p)
		return err
	})
	return n, err
}

// selectApplet selects an applet and turns "not found" into an
// UnsupportedCardError that says what card this is, so a Juki card or a
// foreign card gets its own message (13600).
func (t *tx) selectApplet(ctx context.Context, aid []byte) error {
	err := t.selectDF(ctx, aid)
	if err == nil || !errors.Is(err, ErrNotFound) {
		return err
	}
	kind, label, kerr := t.kind(ctx)
	if kerr != nil {
		return err
	}
	return &UnsupportedCardError{Kind: kind, Label: label}
}

// withPIN runs an operation that needs p verified. The counter is read in a
// transaction of its own and the resident is asked only after it ended, so a
// slow typist never holds the card from other applications (Windows ends idle
// transactions after 5 seconds). A blocked PIN is reported without asking.
// The PIN is shape-checked before it may reach the card, sent once, and
// wiped.
func (c *Card) withPIN(ctx context.Context, op string, p PIN, prompt PINPrompt, fn func(t *tx) error) error {
	if prompt == nil {
		return fmt.Errorf("%s: %w", op, ErrPINPromptRequired)
	}
	var tries int
	err := c.do(ctx, op, func(t *tx) error {
		if bytes.Equal(p.Applet(), AIDJPKI) {
			// A Juki card has a JPKI applet with PINs of its own: refuse it
			// before the resident types anything.
			kind, label, err := t.kind(ctx)
			if err != nil {
				return err
			}
			if err := requireSupported(kind, label); err != nil {
				return err
			}
		} else if err := t.selectApplet(ctx, p.Applet()); err != nil {
			return err
		}
		var err error
		tries, err = t.triesLeft(ctx, p)
		return err
	})
	if err != nil {
		return err
	}
	if tries == 0 {
		return fmt.Errorf("%s: %w", op, &PINError{PIN: p, Blocked: true})
	}
	typed, err := prompt(p, tries)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	pin, err := p.Normalize(typed)
	Wipe(typed)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	defer Wipe(pin)
	return c.do(ctx, op, func(t *tx) error {
		if err := t.selectApplet(ctx, p.Applet()); err != nil {
			return err
		}
		if err := t.verify(ctx, p, pin); err != nil {
			return err
		}
		err := fn(t)
		// Selecting the applet again makes the card forget the verified PIN,
		// so no other application can use it after this transaction.
		if ferr := t.selectDF(ctx, p.Applet()); err == nil && ferr != nil {
			err = ferr
		}
		return err
	})
}
