package main

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"io"
	"os"

	"github.com/spf13/pflag"

	"github.com/mynadesk/mynadesk/card"
	"github.com/mynadesk/mynadesk/cms"
)

func init() {
	register(command{"sign", "sign a file on the card: CMS SignedData (default) or a raw signature of its SHA-256", runSign})
}

func runSign(ctx context.Context, e *env, fs *pflag.FlagSet, args []string) error {
	in := fs.String("in", "", "file to sign (- for standard input; not with --pin-stdin)")
	out := fs.String("out", "", "write the result here (default: standard output)")
	detached := fs.Bool("detached", false, "leave the content out of the CMS")
	raw := fs.Bool("raw", false, "write the raw PKCS#1 v1.5 signature of the file's SHA-256 instead of CMS")
	keyName := fs.String("key", "sign", "card key: sign (署名用) or auth (利用者証明用)")
	if _, err := e.parse(fs, args, 0, 0); err != nil {
		return err
	}
	key := map[string]card.KeyID{"sign": card.KeySign, "auth": card.KeyAuth}
	id, ok := key[*keyName]
	if !ok {
		return usageErr("sign: --key must be sign or auth")
	}
	if *in == "" {
		return usageErr("sign: --in FILE is required")
	}
	content, err := readInput(e, *in)
	if err != nil {
		return err
	}
	var result []byte
	err = e.withCard(ctx, func(ctx context.Context, c *card.Card, _ card.ReaderState) error {
		if *raw {
			sig, err := signRaw(ctx, e, c, id, content)
			result = sig
			return err
		}
		// One PIN entry: the certificate is read and the signature made
		// inside the same verified transaction.
		return c.WithKey(ctx, id, e.prompt(), func(cert *x509.Certificate, s crypto.Signer) error {
			var err error
			result, err = cms.Sign(ctx, content, cert, s, cms.Options{Detached: *detached})
			return err
		})
	})
	if err != nil {
		return err
	}
	if e.json {
		kind := "cms"
		if *raw {
			kind = "raw-pkcs1v15-sha256"
		}
		return e.printJSON(map[string]string{"key": id.String(), "format": kind, "base64": base64.StdEncoding.EncodeToString(result)})
	}
	if *out != "" {
		return os.WriteFile(*out, result, 0o644)
	}
	_, err = e.stdout.Write(result)
	return err
}

func readInput(e *env, name string) ([]byte, error) {
	if name != "-" {
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, &exitCodeError{code: exitError, err: err}
		}
		return b, nil
	}
	if e.pinStdin {
		return nil, usageErr("sign: --in - and --pin-stdin both want standard input")
	}
	b, err := io.ReadAll(e.stdin)
	if err != nil {
		return nil, fmt.Errorf("read standard input: %w", err)
	}
	return b, nil
}
