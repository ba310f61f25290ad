package main

import (
	"context"
	"crypto"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"os"
	"time"

	"github.com/spf13/pflag"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/jpki"
)

func init() {
	register(command{"readers", "list card readers and whether each holds a card", runReaders})
	register(command{"status", "reader, ATR, card kind, the three PIN counters, auth certificate validity (no PIN)", runStatus})
	register(command{"attrs", "read the 4 basic attributes (券面事項入力補助用 PIN)", runAttrs})
	register(command{"cert", "print a certificate: auth | sign | auth-ca | sign-ca", runCert})
	register(command{"diag", "everything support staff need to tell why a read fails (no personal data)", runDiag})
}

func runReaders(ctx context.Context, e *env, fs *pflag.FlagSet, args []string) error {
	if _, err := e.parse(fs, args, 0, 0); err != nil {
		return err
	}
	sys, err := e.openSystem()
	if err != nil {
		return err
	}
	defer sys.Close()
	states, err := sys.Readers(ctx)
	if err != nil {
		return err
	}
	if e.json {
		type readerJSON struct {
			card.ReaderState
			ATR string `json:"atr,omitempty"`
		}
		out := []readerJSON{}
		for _, s := range states {
			out = append(out, readerJSON{s, hex.EncodeToString(s.ATR)})
		}
		return e.printJSON(map[string]any{"readers": out})
	}
	if len(states) == 0 {
		return &card.ReaderError{Fault: card.FaultNoReaders, Op: "list readers"}
	}
	for _, s := range states {
		state := map[bool]string{true: "card", false: "empty"}[s.Card]
		fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", s.Name, state, hex.EncodeToString(s.ATR))
	}
	return nil
}

// statusJSON is `status --json`.
type statusJSON struct {
	Reader string `json:"reader"`
	card.Status
}

func runStatus(ctx context.Context, e *env, fs *pflag.FlagSet, args []string) error {
	if _, err := e.parse(fs, args, 0, 0); err != nil {
		return err
	}
	return e.withCard(ctx, func(ctx context.Context, c *card.Card, r card.ReaderState) error {
		st, err := c.Status(ctx, e.now())
		if err != nil {
			return err
		}
		if e.json {
			if err := e.printJSON(statusJSON{Reader: r.Name, Status: st}); err != nil {
				return err
			}
		} else {
			e.printStatus(r, st)
		}
		if !st.Supported {
			err := &card.UnsupportedCardError{Kind: st.Kind, Label: st.Token}
			if e.json { // the status above already says so; keep stdout one JSON document
				return &exitCodeError{code: exitCard, err: err, quiet: true}
			}
			return err
		}
		return nil
	})
}

func runAttrs(ctx context.Context, e *env, fs *pflag.FlagSet, args []string) error {
	if _, err := e.parse(fs, args, 0, 0); err != nil {
		return err
	}
	return e.withCard(ctx, func(ctx context.Context, c *card.Card, _ card.ReaderState) error {
		a, err := c.ReadAttributes(ctx, e.prompt())
		if err != nil {
			return err
		}
		if e.json {
			return e.printJSON(map[string]string{"name": a.Name, "address": a.Address, "birth": a.Birth, "sex": a.Sex})
		}
		fmt.Fprintf(e.stdout, "name:    %s\naddress: %s\nbirth:   %s\nsex:     %s\n", a.Name, a.Address, a.Birth, a.Sex)
		return nil
	})
}

func runCert(ctx context.Context, e *env, fs *pflag.FlagSet, args []string) error {
	der := fs.Bool("der", false, "write DER instead of PEM")
	out := fs.String("out", "", "write to this file instead of standard output")
	pos, err := e.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	id, ok := card.ParseCertID(pos[0])
	if !ok {
		return usageErr("cert: unknown certificate %q (auth, sign, auth-ca, sign-ca)", pos[0])
	}
	return e.withCard(ctx, func(ctx context.Context, c *card.Card, _ card.ReaderState) error {
		cert, err := c.Certificate(ctx, id, e.prompt())
		if err != nil {
			return err
		}
		data := cert.Raw
		if !*der {
			data = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
		}
		if e.json {
			v := map[string]any{"certificate": id.String(), "pem": string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})),
				"not_before": cert.NotBefore, "not_after": cert.NotAfter, "issuer": cert.Issuer.String()}
			if id == card.CertSign {
				// The signing certificate's SAN holds the same 4 attributes
				// as the input helper: show them decoded for checking.
				if a, err := jpki.DecodeSAN(cert); err == nil {
					v["attributes"] = a
				} else {
					v["attributes_error"] = err.Error()
				}
			}
			return e.printJSON(v)
		}
		if *out != "" {
			return os.WriteFile(*out, data, 0o644)
		}
		_, err = e.stdout.Write(data)
		return err
	})
}

// signRaw makes a raw PKCS#1 v1.5 signature of content's SHA-256 with a card key.
func signRaw(ctx context.Context, e *env, c *card.Card, key card.KeyID, content []byte) ([]byte, error) {
	digest := sha256.Sum256(content)
	return c.SignDigest(ctx, key, e.prompt(), crypto.SHA256, digest[:])
}

// printStatus writes the status for a person to read.
func (e *env) printStatus(r card.ReaderState, st card.Status) {
	w := e.stdout
	fmt.Fprintf(w, "reader:   %s\natr:      %s (%s)\nkind:     %s %s\n", r.Name, st.ATR, st.Protocol, st.KindName, st.Token)
	for _, p := range st.PINs {
		fmt.Fprintf(w, "pin %-6s %d/%d  %s\n", p.Name+":", p.TriesLeft, p.MaxTries, assets.PINName[p.Name].In(e.lang))
	}
	if a := st.AuthCert; a != nil {
		switch {
		case a.NeedsPIN:
			fmt.Fprintln(w, "auth cert: protected by the auth PIN")
		case a.Error != "":
			fmt.Fprintf(w, "auth cert: unreadable: %s\n", a.Error)
		default:
			fmt.Fprintf(w, "auth cert: valid %s – %s, expired: %v\n", a.NotBefore.Format(time.DateOnly), a.NotAfter.Format(time.DateOnly), a.Expired)
		}
	}
}
