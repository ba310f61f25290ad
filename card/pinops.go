package card

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// triesLeft selects the PIN's EF in the already selected applet and sends
// VERIFY with no data, which reports the counter without using a try (spec:
// "VERIFY and PIN counters"). The PIN's EF stays current.
func (t *tx) triesLeft(ctx context.Context, s PINSpec) (int, error) {
	if err := t.selectEF(ctx, s.File); err != nil {
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
		return s.MaxTries, nil
	}
	return 0, &StatusError{Op: fmt.Sprintf("read %v PIN counter", s.PIN), SW: r.SW}
}

// verify sends the PIN to the PIN's EF, which must be current.
func (t *tx) verify(ctx context.Context, s PINSpec, pin []byte) error {
	r, err := t.send(ctx, Command{CLA: CLAInterindustry, INS: INSVerify, P2: P2VerifyPIN, Data: pin, Le: NoLe})
	if err != nil {
		return err
	}
	if n, ok := r.SW.TriesLeft(); ok {
		return &PINError{PIN: s.PIN, TriesLeft: n}
	}
	if r.SW == SWPINBlocked {
		return &PINError{PIN: s.PIN, Blocked: true}
	}
	return check(fmt.Sprintf("verify %v PIN", s.PIN), r)
}

// PINTries reads the tries left of one PIN without using a try.
func (c *Card) PINTries(ctx context.Context, p PIN) (int, error) {
	var n int
	err := c.do(ctx, "read PIN counter", func(t *tx) error {
		prof, err := t.selectFor(ctx, func(pr *Profile) []byte {
			s, _ := pr.PIN(p)
			return s.Applet
		})
		if err != nil {
			return err
		}
		s, err := prof.pin(p)
		if err != nil {
			return err
		}
		n, err = t.triesLeft(ctx, s)
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
	return t.unsupported(ctx, err)
}

// pinOp is one operation behind a PIN, described by the profile: which
// applet, which PIN, what to check before the resident is asked, and what
// to do once the PIN is verified.
type pinOp struct {
	op     string
	applet func(*Profile) []byte
	pin    func(*Profile) PIN
	before func(t *tx, p *Profile) error // free checks, before the prompt
	run    func(t *tx, p *Profile) error // with the PIN verified
}

// releaseWait bounds the call that ends the hold; the operation's own
// timeout has already been spent when the card stopped answering.
const releaseWait = 500 * time.Millisecond

// withPIN runs an operation that needs a PIN.
//
// The connection is held exclusively (HoldConn) from the counter read to the
// end of the operation, so nothing can select another applet or file in
// between and nothing is selected twice: the counter read leaves the PIN's
// EF current and the VERIFY follows the prompt directly. No transaction is
// held while the resident types (Windows resets a card whose transaction
// sits idle for about 5 seconds). The card forgets the PIN when the hold
// ends with a card reset (SCARD_RESET_CARD), which costs no APDU; a VERIFY
// survives reconnects on these cards, so a kiosk must never leave one
// behind.
//
// Where the connection cannot be held (another application is connected,
// or the Conn cannot), the applet and the PIN's EF are selected again after
// the prompt and the applet once more at the end, which also makes the card
// forget the PIN.
//
// A blocked PIN is reported without asking. The PIN is shape-checked before
// it may reach the card, sent once, and wiped.
func (c *Card) withPIN(ctx context.Context, o pinOp, prompt PINPrompt) (err error) {
	if prompt == nil {
		return fmt.Errorf("%s: %w", o.op, ErrPINPromptRequired)
	}
	if m := c.mem.get(); m.kindKnown && !m.kind.Supported() {
		return fmt.Errorf("%s: %w", o.op, &UnsupportedCardError{Kind: m.kind, Label: m.label})
	}
	hc, _ := c.conn.(HoldConn)
	held := false
	if hc != nil {
		switch herr := hc.Hold(ctx); {
		case herr == nil:
			held = true
		case FaultOf(herr) == FaultSharingViolation:
			c.log.Info("card shared with another application; selecting again after the prompt", "op", o.op)
		default:
			return fmt.Errorf("%s: %w", o.op, herr)
		}
	}
	sent := false // a VERIFY with a PIN reached the card
	defer func() {
		if !held {
			return
		}
		if rerr := hc.Release(sent); rerr != nil {
			c.log.Warn("could not end the hold on the card", "op", o.op, "reset", sent, "err", rerr)
			if err == nil && sent {
				err = fmt.Errorf("%s: make the card forget the PIN: %w", o.op, rerr)
			}
		}
	}()

	var (
		prof  *Profile
		spec  PINSpec
		tries int
	)
	err = c.do(ctx, o.op, func(t *tx) error {
		var err error
		if prof, err = t.selectFor(ctx, o.applet); err != nil {
			return err
		}
		if spec, err = prof.pin(o.pin(prof)); err != nil {
			return err
		}
		if o.before != nil {
			if err := o.before(t, prof); err != nil {
				return err
			}
		}
		tries, err = t.triesLeft(ctx, spec)
		return err
	})
	if err != nil {
		return err
	}
	if tries == 0 {
		return fmt.Errorf("%s: %w", o.op, &PINError{PIN: spec.PIN, Blocked: true})
	}
	typed, err := prompt(spec.PIN, tries)
	if err != nil {
		return fmt.Errorf("%s: %w", o.op, err)
	}
	pin, err := spec.Normalize(typed)
	Wipe(typed)
	if err != nil {
		return fmt.Errorf("%s: %w", o.op, err)
	}
	defer Wipe(pin)
	sent, err = c.doTx(ctx, o.op, func(t *tx) error {
		applet := o.applet(prof)
		if !held || t.retry {
			if err := t.selectApplet(ctx, applet); err != nil {
				return err
			}
			if err := t.selectEF(ctx, spec.File); err != nil {
				return err
			}
		}
		t.verified = true // from here a reset is reported, never retried
		if err := t.verify(ctx, spec, pin); err != nil {
			return err
		}
		err := o.run(t, prof)
		if !held {
			// Selecting the applet again makes the card forget the
			// verified PIN, so no other application can use it.
			if ferr := t.selectDF(ctx, applet); err == nil && ferr != nil {
				err = ferr
			}
		}
		return err
	})
	return err
}
