package main

// mynactl verify checks a signed payload the way the booking service does
// (package verify): signature, chain to a trusted JPKI root at this
// computer's clock, policy, key usage, revocation (CRL files and/or an OCSP
// responder; "could not check" fails) and, with --held, the 4 attributes.
//
//	mynactl verify --in FILE.p7s --roots PEM|DIR [--roots …] [--crl FILE]… [--ocsp URL]
//	               [--content FILE] [--held FILE.json] [--mode production|test] [--json]
//
// Exit status, besides the common ones (1 cannot read a file, 2 usage):
//
//	0   valid
//	20  the check failed for another reason (codes 30–40: revocation could
//	    not be checked, bad signature, unknown CA, malformed input, policy,
//	    key usage, not a signing certificate, algorithm, size, signers,
//	    not yet valid)
//	21  the signing certificate has expired (Code 21)
//	22  the attributes differ from --held (S01)
//	23  the signing certificate is revoked (Code 23)

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/mynadesk/mynadesk/assets"
	"github.com/mynadesk/mynadesk/jpki"
	"github.com/mynadesk/mynadesk/problem"
	"github.com/mynadesk/mynadesk/verify"
)

func init() {
	register(command{"verify", "check a signed payload (.p7s) as the booking service does", runVerify})
}

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

// verifyJSON is what --json prints, valid or not.
type verifyJSON struct {
	Outcome     verify.Outcome   `json:"outcome"`
	Code        assets.Code      `json:"code,omitempty"`
	Title       string           `json:"title,omitempty"`
	Message     string           `json:"message,omitempty"`
	Remedies    []string         `json:"remedies,omitempty"`
	Detail      string           `json:"detail,omitempty"`
	Mode        string           `json:"mode"`
	Certificate *certJSON        `json:"certificate,omitempty"`
	RootSHA256  string           `json:"root_sha256,omitempty"`
	SigningTime *time.Time       `json:"signing_time,omitempty"`
	Revocation  *revocationJSON  `json:"revocation,omitempty"`
	Differ      []jpki.Field     `json:"differ,omitempty"`
	Attributes  *jpki.Attributes `json:"attributes,omitempty"`
	ContentLen  int              `json:"content_bytes"`
}

type certJSON struct {
	Subject   string    `json:"subject"`
	Issuer    string    `json:"issuer"`
	Serial    string    `json:"serial"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	SHA256    string    `json:"sha256"`
}

type revocationJSON struct {
	Revoked    bool       `json:"revoked"`
	Reason     int        `json:"reason,omitempty"`
	ReasonName string     `json:"reason_name,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	Source     string     `json:"source"`
}

// heldJSON is the --held file: the attributes the service holds, in
// input-helper forms.
type heldJSON struct {
	Name         string `json:"name"`
	Address      string `json:"address"`
	Birth        string `json:"birth"` // YYYYMMDD
	Sex          string `json:"sex"`   // ISO 5218
	NameSubst    string `json:"name_subst,omitempty"`
	AddressSubst string `json:"address_subst,omitempty"`
}

func runVerify(ctx context.Context, e *env, fs *flag.FlagSet, args []string) error {
	in := fs.String("in", "", "the signed payload: DER or PEM CMS (- for standard input)")
	var roots, crls listFlag
	fs.Var(&roots, "roots", "trust roots: a PEM/DER file or a directory of them (repeatable)")
	fs.Var(&crls, "crl", "a CRL file, DER or PEM (repeatable)")
	ocspURL := fs.String("ocsp", "", "ask this OCSP responder (tried before the CRLs)")
	contentFile := fs.String("content", "", "the content of a detached signature")
	heldFile := fs.String("held", "", "JSON file with the attributes held for the session: {name,address,birth,sex}")
	mode := fs.String("mode", "production", "production (pinned J-LIS roots, production policy) or test (test roots and policy)")
	showAttrs := fs.Bool("show-attributes", false, "print the certificate's 4 attributes (personal data)")
	if _, err := e.parse(fs, args, 0, 0); err != nil {
		return err
	}
	if *in == "" || len(roots) == 0 {
		return usageErr("verify: --in FILE and --roots PEM|DIR are required")
	}
	var m verify.Mode
	switch *mode {
	case "production":
		m = verify.Production
	case "test":
		m = verify.Test
	default:
		return usageErr("verify: --mode must be production or test")
	}
	if *in == "-" && *contentFile == "-" {
		return usageErr("verify: --in - and --content - both want standard input")
	}
	signed, err := readInput(e, *in)
	if err != nil {
		return err
	}
	rs, err := verify.LoadRoots(m, roots...)
	if err != nil {
		if errors.Is(err, verify.ErrNotProductionRoot) {
			return usageErr("verify: %v (for JPKI test cards use --mode test)", err)
		}
		return &exitCodeError{code: exitError, err: err}
	}
	opts := verify.Options{Roots: rs, Now: e.now(), Logger: e.log}
	if *ocspURL != "" {
		opts.Revocation = append(opts.Revocation, &verify.OCSPChecker{URL: *ocspURL})
	}
	if len(crls) > 0 {
		idx := verify.NewCRLIndex(rs)
		for _, c := range crls {
			if _, err := idx.AddFile(c); err != nil {
				return &exitCodeError{code: exitError, err: err}
			}
		}
		opts.Revocation = append(opts.Revocation, idx)
	}
	if *contentFile != "" {
		if opts.Content, err = readInput(e, *contentFile); err != nil {
			return err
		}
	}
	if *heldFile != "" {
		b, err := os.ReadFile(*heldFile)
		if err != nil {
			return &exitCodeError{code: exitError, err: err}
		}
		var h heldJSON
		if err := json.Unmarshal(b, &h); err != nil {
			return usageErr("verify: --held %s: %v", *heldFile, err)
		}
		opts.Held = &jpki.Attributes{Name: h.Name, Address: h.Address, Birth: h.Birth, Sex: h.Sex,
			NameSubst: h.NameSubst, AddressSubst: h.AddressSubst}
	}

	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	res, verr := verify.Verify(ctx, signed, opts)
	out := verifyJSON{Outcome: res.Outcome, Code: res.Code, Mode: m.String(), ContentLen: len(res.Content)}
	if c := res.Cert; c != nil {
		fp := sha256.Sum256(c.Raw)
		out.Certificate = &certJSON{Subject: c.Subject.String(), Issuer: c.Issuer.String(), Serial: c.SerialNumber.Text(16),
			NotBefore: c.NotBefore.UTC(), NotAfter: c.NotAfter.UTC(), SHA256: hex.EncodeToString(fp[:])}
	}
	if res.Root != nil {
		fp := sha256.Sum256(res.Root.Raw)
		out.RootSHA256 = hex.EncodeToString(fp[:])
	}
	if !res.SigningTime.IsZero() {
		t := res.SigningTime.UTC()
		out.SigningTime = &t
	}
	if st := res.Revocation; st != nil {
		out.Revocation = &revocationJSON{Revoked: st.Revoked, Source: st.Source}
		if st.Revoked {
			at := st.RevokedAt.UTC()
			out.Revocation.Reason, out.Revocation.ReasonName, out.Revocation.RevokedAt = st.Reason, verify.ReasonName(st.Reason), &at
		}
	}
	out.Differ = res.Differ
	if *showAttrs && res.Attributes != (jpki.Attributes{}) {
		a := res.Attributes
		out.Attributes = &a
	}
	status := problem.ExitStatus(res.Code)
	if verr != nil && status == exitOK {
		status = problem.ExitSigOther
	}
	if verr != nil {
		entry := assets.Lookup(res.Code)
		out.Title, out.Message, out.Detail = entry.Title.In(e.lang), entry.Message.In(e.lang), verr.Error()
		if st := res.Revocation; st != nil && st.Revoked {
			if r, ok := assets.RevocationRemedy(st.Reason); ok {
				out.Remedies = append(out.Remedies, r.In(e.lang))
			}
		}
		for _, r := range entry.Remedies {
			out.Remedies = append(out.Remedies, r.In(e.lang))
		}
	}
	if e.json {
		if err := e.printJSON(out); err != nil {
			return err
		}
		if verr != nil {
			return &exitCodeError{code: status, err: verr, quiet: true}
		}
		return nil
	}
	printVerifyText(e, out)
	if verr != nil {
		return &exitCodeError{code: status, err: verr, quiet: true}
	}
	return nil
}

// printVerifyText prints the certificate facts on stdout and, for a
// failure, the catalogue's code, message and remedies on stderr as every
// mynactl error is printed.
func printVerifyText(e *env, out verifyJSON) {
	w := e.stdout
	fmt.Fprintf(w, "outcome:      %s\n", out.Outcome)
	fmt.Fprintf(w, "mode:         %s\n", out.Mode)
	if c := out.Certificate; c != nil {
		fmt.Fprintf(w, "certificate:  %s\n", c.Subject)
		fmt.Fprintf(w, "issuer:       %s\n", c.Issuer)
		fmt.Fprintf(w, "serial:       %s\n", c.Serial)
		fmt.Fprintf(w, "valid:        %s to %s\n", c.NotBefore.Format(time.RFC3339), c.NotAfter.Format(time.RFC3339))
	}
	if out.RootSHA256 != "" {
		fmt.Fprintf(w, "root sha256:  %s\n", out.RootSHA256)
	}
	if out.SigningTime != nil {
		fmt.Fprintf(w, "signing time: %s (claimed by the signer)\n", out.SigningTime.Format(time.RFC3339))
	}
	if r := out.Revocation; r != nil {
		if r.Revoked {
			fmt.Fprintf(w, "revocation:   revoked %s, reason %d %s (%s)\n", r.RevokedAt.Format(time.RFC3339), r.Reason, r.ReasonName, r.Source)
		} else {
			fmt.Fprintf(w, "revocation:   not revoked (%s)\n", r.Source)
		}
	}
	if len(out.Differ) > 0 {
		fmt.Fprintf(w, "differ:       %v\n", out.Differ)
	}
	if a := out.Attributes; a != nil {
		fmt.Fprintf(w, "name:         %s\naddress:      %s\nbirth:        %s\nsex:          %s\n", a.Name, a.Address, a.Birth, a.Sex)
	}
	if out.Code == "" {
		return
	}
	fmt.Fprintf(e.stderr, "mynactl: [%s] %s\n", out.Code, out.Title)
	fmt.Fprintf(e.stderr, "mynactl: %s\n", out.Message)
	for _, r := range out.Remedies {
		fmt.Fprintf(e.stderr, "mynactl: hint: %s\n", r)
	}
	fmt.Fprintf(e.stderr, "mynactl: detail: %s\n", out.Detail)
}
