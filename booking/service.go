package booking

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"time"
)

// logKey keys LogTag. It is drawn per process: a tag correlates the lines
// of one session in one instance's log, and a log alone cannot be used to
// search the 29^7 codes for the one behind a tag.
var logKey = func() []byte {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		panic(err)
	}
	return k
}()

// LogTag is what logs say instead of a session code: 8 hex digits of an
// HMAC of the code under a per-process key. A live code never appears in a
// log, since whoever reads the log must not be able to use the session.
func LogTag(c Code) string {
	m := hmac.New(sha256.New, logKey)
	m.Write([]byte(c))
	return hex.EncodeToString(m.Sum(nil)[:4])
}

// MaxSignatureAttempts bounds the signatures a session takes: a failed
// check (Code 21/23, mismatch, other) may be retried with another card, as
// the manual says, but not without end.
const MaxSignatureAttempts = 5

// Config configures a Service.
type Config struct {
	Store    Store
	Verifier Verifier
	// ServiceID is the service's identity as it appears in the content to
	// sign, e.g. its base URL. Required.
	ServiceID string
	// ServiceName is shown to the resident by mynadesk ("どこに送るか").
	ServiceName string
	// AllowOnePIN lets the page create one-PIN sessions.
	AllowOnePIN bool
	// TTL is a session's lifetime; DefaultTTL if zero.
	TTL time.Duration
	// Now is the clock; time.Now if nil. The signature check uses the
	// Verifier's own clock.
	Now    func() time.Time
	Logger *slog.Logger
}

// Service is the booking service's side of the protocol: the page's
// operations (Create, PageView, Confirm) and the resident's (Info,
// PutAttributes, GetContent, PutSignature).
type Service struct {
	cfg Config
	log *slog.Logger
}

// NewService checks cfg and returns a Service.
func NewService(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Verifier == nil {
		return nil, errors.New("booking: service needs a store and a verifier")
	}
	if cfg.ServiceID == "" {
		return nil, errors.New("booking: service needs an identity (ServiceID)")
	}
	if err := checkText("service", cfg.ServiceID, 200); err != nil {
		return nil, err
	}
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultTTL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.ServiceName == "" {
		cfg.ServiceName = cfg.ServiceID
	}
	l := cfg.Logger
	if l == nil {
		l = slog.Default()
	}
	return &Service{cfg: cfg, log: l}, nil
}

// Now returns the service's clock.
func (s *Service) Now() time.Time { return s.cfg.Now() }

// PageTokenHash is what the store keeps of a page token.
func PageTokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// AllowOnePIN reports whether one-PIN sessions may be created.
func (s *Service) AllowOnePIN() bool { return s.cfg.AllowOnePIN }

func randomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Create starts a session for the registration page. The returned session
// carries the PageToken the page must present to read it.
func (s *Service) Create(ctx context.Context, mode Mode) (*Session, error) {
	switch mode {
	case ModeTwoStep:
	case ModeOnePIN:
		if !s.cfg.AllowOnePIN {
			return nil, Errorf(ECModeNotAllowed, "this service does not allow the one-PIN variant")
		}
	default:
		return nil, Errorf(ECInvalid, "mode must be %q or %q", ModeTwoStep, ModeOnePIN)
	}
	now := s.cfg.Now().UTC()
	for try := 0; try < 5; try++ {
		code, err := NewCode()
		if err != nil {
			return nil, &Error{Code: ECInternal, Message: "could not create a session", Err: err}
		}
		nonce, err := randomToken(32)
		if err != nil {
			return nil, &Error{Code: ECInternal, Message: "could not create a session", Err: err}
		}
		tok, err := randomToken(32)
		if err != nil {
			return nil, &Error{Code: ECInternal, Message: "could not create a session", Err: err}
		}
		link, err := randomToken(16)
		if err != nil {
			return nil, &Error{Code: ECInternal, Message: "could not create a session", Err: err}
		}
		sess := &Session{Code: code, Nonce: nonce, PageToken: PageTokenHash(tok), Service: s.cfg.ServiceID,
			Mode: mode, State: StateCreated, CreatedAt: now, ExpiresAt: now.Add(s.cfg.TTL), LinkHash: PageTokenHash(link)}
		err = s.cfg.Store.Create(ctx, sess)
		sess.PageToken, sess.LinkSecret = tok, link // the page gets the secrets themselves
		if errors.Is(err, ErrConflict) {
			continue // code collision: draw another
		}
		if err != nil {
			return nil, wrapStore(err)
		}
		return sess, nil
	}
	return nil, Errorf(ECUnavailable, "could not allocate a session code")
}

func wrapStore(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{Code: ECUnavailable, Message: "the session store is unavailable", Err: err}
}

func (s *Service) get(ctx context.Context, code Code) (*Session, error) {
	if !code.Valid() {
		return nil, Errorf(ECInvalid, "invalid session code")
	}
	sess, err := s.cfg.Store.Get(ctx, code)
	if err != nil {
		return nil, wrapStore(err)
	}
	return sess, nil
}

// live returns the session if it has not expired.
func (s *Service) live(ctx context.Context, code Code) (*Session, error) {
	sess, err := s.get(ctx, code)
	if err != nil {
		return nil, err
	}
	if sess.Expired(s.cfg.Now()) {
		return nil, Errorf(ECExpired, "the session has expired")
	}
	if sess.Claim == ClaimReleased {
		return nil, Errorf(ECExpired, "the session was released by the page; it shows a new code")
	}
	return sess, nil
}

// MinClaimToken is the shortest claim token accepted (base64url of 24
// random bytes); mynadesk sends 32.
const MinClaimToken = 32

// ClaimHash is what the store keeps of a claim token.
func ClaimHash(token string) []byte {
	sum := sha256.Sum256([]byte("mynadesk-claim\x00" + token))
	return sum[:]
}

func claimNumber() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(10000))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%04d", n.Int64()), nil
}

// Claim is the first call of a mynadesk on a session: it binds the session
// to token, a secret the mynadesk drew and proves on every later call. With
// the link's one-time secret (the link and the QR code carry it) the claim
// is confirmed at once; with the typed code alone it is pending until the
// resident confirms on the page that both show the same confirmation
// number. Repeating a claim with the same token (a retry) returns the same
// answer; any other token is ECClaimed.
func (s *Service) Claim(ctx context.Context, code Code, token, linkSecret string) (*Session, error) {
	if len(token) < MinClaimToken || len(token) > 128 {
		return nil, Errorf(ECInvalid, "the claim token must be %d to 128 characters", MinClaimToken)
	}
	sess, err := s.live(ctx, code)
	if err != nil {
		return nil, err
	}
	h := ClaimHash(token)
	if sess.ClaimHash != nil {
		if subtle.ConstantTimeCompare(sess.ClaimHash, h) == 1 {
			return sess, nil
		}
		return nil, Errorf(ECClaimed, "another mynadesk opened this session first")
	}
	state := ClaimPending
	if linkSecret != "" {
		if subtle.ConstantTimeCompare([]byte(PageTokenHash(linkSecret)), []byte(sess.LinkHash)) != 1 {
			return nil, Errorf(ECNotClaimant, "the link's secret does not match this session")
		}
		state = ClaimConfirmed
	}
	num, err := claimNumber()
	if err != nil {
		return nil, &Error{Code: ECInternal, Message: "could not claim the session", Err: err}
	}
	sess.ClaimHash, sess.ClaimNumber, sess.Claim = h, num, state
	if err := s.cfg.Store.UpdateClaim(ctx, sess, ClaimNone); err != nil {
		if errors.Is(err, ErrConflict) {
			return s.Claim(ctx, code, token, linkSecret) // lost a race: answer as a retry or as claimed
		}
		return nil, wrapStore(err)
	}
	s.log.Info("booking: session claimed", "session", LogTag(code), "claim", string(state))
	return sess, nil
}

// claimant returns the live session if token proves its claim.
func (s *Service) claimant(ctx context.Context, code Code, token string) (*Session, error) {
	sess, err := s.live(ctx, code)
	if err != nil {
		return nil, err
	}
	if token == "" || sess.ClaimHash == nil || subtle.ConstantTimeCompare(sess.ClaimHash, ClaimHash(token)) != 1 {
		return nil, Errorf(ECNotClaimant, "this session belongs to the mynadesk that opened it")
	}
	return sess, nil
}

// confirmedClaimant is claimant for the steps: the claim must also be
// confirmed.
func (s *Service) confirmedClaimant(ctx context.Context, code Code, token string) (*Session, error) {
	sess, err := s.claimant(ctx, code, token)
	if err != nil {
		return nil, err
	}
	if sess.Claim != ClaimConfirmed {
		return nil, Errorf(ECNotReady, "waiting for the resident to confirm the number on the registration page")
	}
	return sess, nil
}

// ConfirmClaim is the page's 「番号が一致しています」: the resident saw the
// same confirmation number in their mynadesk.
func (s *Service) ConfirmClaim(ctx context.Context, code Code, pageToken string) (*Session, error) {
	sess, err := s.PageView(ctx, code, pageToken)
	if err != nil {
		return nil, err
	}
	switch sess.Claim {
	case ClaimConfirmed:
		return sess, nil
	case ClaimPending:
	default:
		return nil, Errorf(ECOutOfOrder, "no mynadesk has opened the session")
	}
	if sess.Expired(s.cfg.Now()) {
		return nil, Errorf(ECExpired, "the session has expired")
	}
	sess.Claim = ClaimConfirmed
	if err := s.cfg.Store.UpdateClaim(ctx, sess, ClaimPending); err != nil {
		return nil, wrapStore(err)
	}
	return sess, nil
}

// Release is the page's 「番号が一致しません」: the session is ended (its
// attributes erased) and a new one of the same mode is returned, with a new
// code for the page to show.
func (s *Service) Release(ctx context.Context, code Code, pageToken string) (*Session, error) {
	sess, err := s.PageView(ctx, code, pageToken)
	if err != nil {
		return nil, err
	}
	if sess.State == StateDone {
		return nil, Errorf(ECStepDone, "the session is finished")
	}
	if sess.Claim != ClaimReleased {
		from := sess.Claim
		sess.Claim = ClaimReleased
		if err := s.cfg.Store.UpdateClaim(ctx, sess, from); err != nil {
			return nil, wrapStore(err)
		}
		if err := s.cfg.Store.EraseAttributes(ctx, code); err != nil {
			return nil, wrapStore(err)
		}
	}
	s.log.Info("booking: claim released by the page", "session", LogTag(code))
	return s.Create(ctx, sess.Mode)
}

// PageView returns the session to the page holding token. Expired sessions
// are still shown, so the page can say so.
func (s *Service) PageView(ctx context.Context, code Code, token string) (*Session, error) {
	sess, err := s.get(ctx, code)
	if err != nil {
		return nil, err
	}
	if token == "" || subtle.ConstantTimeCompare([]byte(PageTokenHash(token)), []byte(sess.PageToken)) != 1 {
		return nil, Errorf(ECUnauthorized, "not this page's session")
	}
	return sess, nil
}

// Confirm is the page's 【マイナンバーカードの確認へ】: it fixes the login ID
// and the registration time, which makes the content to sign available. In
// two-step mode step 1 must be done first.
func (s *Service) Confirm(ctx context.Context, code Code, token, loginID string) (*Session, error) {
	if err := ValidLoginID(loginID); err != nil {
		return nil, err
	}
	sess, err := s.PageView(ctx, code, token)
	if err != nil {
		return nil, err
	}
	if sess.Expired(s.cfg.Now()) {
		return nil, Errorf(ECExpired, "the session has expired")
	}
	from := StateCreated
	if sess.Mode == ModeTwoStep {
		from = StateAttributes
	}
	switch {
	case sess.State == StateConfirmed && sess.LoginID == loginID:
		return sess, nil // the page sent it twice
	case sess.State != from:
		if sess.State == StateCreated {
			return nil, Errorf(ECOutOfOrder, "step 1 (reading the card) is not done")
		}
		return nil, Errorf(ECStepDone, "the session is already confirmed")
	}
	sess.LoginID = loginID
	sess.RegisteredAt = s.cfg.Now().UTC().Truncate(time.Second)
	sess.State = StateConfirmed
	if err := s.cfg.Store.Update(ctx, sess, from); err != nil {
		return nil, wrapStore(err)
	}
	return sess, nil
}

// SessionInfo is what mynadesk learns about a session (GET
// /api/v1/sessions/{code}). It carries no personal data.
type SessionInfo struct {
	Version     int       `json:"version"`
	Code        string    `json:"code"` // XXXX-XXXX
	Service     string    `json:"service"`
	ServiceName string    `json:"service_name"`
	Mode        Mode      `json:"mode"`
	State       State     `json:"state"`
	ExpiresAt   time.Time `json:"expires_at"`
	// Next is what mynadesk should do now: "attributes", "wait" (for the
	// page to confirm), "signature", or "none".
	Next   string  `json:"next"`
	Result *Result `json:"result,omitempty"`
	// Claim is the claimant's view of its claim: the confirmation number
	// to show, and whether the page still waits for the resident to
	// compare it.
	Claim *ClaimInfo `json:"claim,omitempty"`
}

// ClaimInfo is a claim as mynadesk and the page see it.
type ClaimInfo struct {
	State  ClaimState `json:"state"`
	Number string     `json:"number"`
}

// ClaimOf returns the session's claim for the wire, nil if unclaimed.
func ClaimOf(sess *Session) *ClaimInfo {
	if sess.Claim == ClaimNone {
		return nil
	}
	return &ClaimInfo{State: sess.Claim, Number: sess.ClaimNumber}
}

// Next step names in SessionInfo.
const (
	NextAttributes = "attributes"
	NextWait       = "wait"
	NextSignature  = "signature"
	NextNone       = "none"
)

func (s *Service) info(sess *Session) SessionInfo {
	in := SessionInfo{Version: Version, Code: sess.Code.Display(), Service: sess.Service,
		ServiceName: s.cfg.ServiceName, Mode: sess.Mode, State: sess.State,
		ExpiresAt: sess.ExpiresAt, Result: sess.Result, Claim: ClaimOf(sess)}
	switch {
	case sess.State == StateDone:
		in.Next = NextNone
	case sess.Claim != ClaimConfirmed:
		in.Next = NextWait // for the resident to compare the numbers on the page
	case sess.State == StateConfirmed:
		in.Next = NextSignature
	case sess.Mode == ModeTwoStep && sess.State == StateCreated:
		in.Next = NextAttributes
	default:
		in.Next = NextWait
	}
	return in
}

// ClaimView is what a Claim answers: the session as its claimant sees it.
func (s *Service) ClaimView(sess *Session) SessionInfo { return s.info(sess) }

// Info returns the session as its claimant sees it.
func (s *Service) Info(ctx context.Context, code Code, token string) (SessionInfo, error) {
	sess, err := s.claimant(ctx, code, token)
	if err != nil {
		return SessionInfo{}, err
	}
	return s.info(sess), nil
}

// PutAttributes is step 1: the 4 attributes read from the card. It is
// accepted once; sending the same attributes again (a retried request)
// succeeds, different ones are ECStepDone.
func (s *Service) PutAttributes(ctx context.Context, code Code, token string, a Attributes) (SessionInfo, error) {
	if err := a.Validate(); err != nil {
		return SessionInfo{}, err
	}
	sess, err := s.confirmedClaimant(ctx, code, token)
	if err != nil {
		return SessionInfo{}, err
	}
	if sess.Mode != ModeTwoStep {
		return SessionInfo{}, Errorf(ECOutOfOrder, "this session takes the attributes from the certificate")
	}
	if sess.State != StateCreated {
		if sess.Attributes != nil && *sess.Attributes == a {
			return s.info(sess), nil
		}
		return SessionInfo{}, Errorf(ECStepDone, "step 1 was already done")
	}
	sess.Attributes = &a
	sess.State = StateAttributes
	if err := s.cfg.Store.Update(ctx, sess, StateCreated); err != nil {
		if errors.Is(err, ErrConflict) {
			return s.PutAttributes(ctx, code, token, a) // lost a race: answer as a retry
		}
		return SessionInfo{}, wrapStore(err)
	}
	return s.info(sess), nil
}

// GetContent returns the canonical content to sign at step 2. It is ready
// once the page has confirmed (ECNotReady before, ECOutOfOrder if step 1
// is missing).
//
// Only the claimant (token) or the page (PageContent) may read it: it holds
// the personal data.
func (s *Service) GetContent(ctx context.Context, code Code, token string) ([]byte, error) {
	sess, err := s.confirmedClaimant(ctx, code, token)
	if err != nil {
		return nil, err
	}
	return s.content(sess)
}

// PageContent is GetContent for the page holding pageToken.
func (s *Service) PageContent(ctx context.Context, code Code, pageToken string) ([]byte, error) {
	sess, err := s.PageView(ctx, code, pageToken)
	if err != nil {
		return nil, err
	}
	if sess.Expired(s.cfg.Now()) {
		return nil, Errorf(ECExpired, "the session has expired")
	}
	return s.content(sess)
}

func (s *Service) content(sess *Session) ([]byte, error) {
	switch sess.State {
	case StateConfirmed:
		return Content(sess)
	case StateDone:
		// Finished: the content holds personal data and has served.
		return nil, Errorf(ECStepDone, "the session is finished")
	case StateCreated:
		if sess.Mode == ModeTwoStep {
			return nil, Errorf(ECOutOfOrder, "step 1 (the attributes) is not done")
		}
	}
	return nil, Errorf(ECNotReady, "waiting for the registration page to confirm")
}

// PutSignature is step 2: the CMS SignedData over the content. The service
// verifies it and stores the result with the session. A valid signature
// finishes the session; a failed check is stored and may be retried with
// another signature up to MaxSignatureAttempts. Uploading the accepted
// bytes again returns the stored result.
func (s *Service) PutSignature(ctx context.Context, code Code, token string, cms []byte) (*Result, error) {
	if len(cms) == 0 {
		return nil, Errorf(ECBadSignature, "empty signature")
	}
	sum := sha256.Sum256(cms)
	// Only the claimant's uploads are checked and counted: a bystander who
	// knows the code cannot use up the resident's attempts.
	sess, err := s.confirmedClaimant(ctx, code, token)
	if err != nil {
		return nil, err
	}
	switch sess.State {
	case StateDone:
		if bytes.Equal(sess.SignatureHash, sum[:]) {
			return sess.Result, nil
		}
		return nil, Errorf(ECStepDone, "the signature was already accepted")
	case StateCreated:
		if sess.Mode == ModeTwoStep {
			return nil, Errorf(ECOutOfOrder, "step 1 (the attributes) is not done")
		}
		return nil, Errorf(ECNotReady, "waiting for the registration page to confirm")
	case StateAttributes:
		return nil, Errorf(ECNotReady, "waiting for the registration page to confirm")
	}
	if sess.Attempts >= MaxSignatureAttempts {
		return nil, Errorf(ECStepDone, "too many signatures for this session; start the registration again")
	}
	content, err := Content(sess)
	if err != nil {
		return nil, err
	}
	// The attempt is taken before the check, in one atomic store statement,
	// so concurrent uploads cannot all pass the bound; an upload refused
	// without a check gives it back.
	if err := s.cfg.Store.ReserveAttempt(ctx, code, MaxSignatureAttempts); err != nil {
		if errors.Is(err, ErrConflict) {
			return s.afterLostAttempt(ctx, code, sum[:])
		}
		return nil, wrapStore(err)
	}
	req := VerifyRequest{CMS: cms, Content: content}
	if sess.Mode == ModeTwoStep {
		req.Expected = sess.Attributes
	}
	v, err := s.cfg.Verifier.Verify(ctx, req)
	if err != nil {
		if rerr := s.cfg.Store.ReleaseAttempt(context.WithoutCancel(ctx), code); rerr != nil {
			s.log.Error("booking: releasing an attempt", "session", LogTag(code), "err", rerr)
		}
		var e *Error
		if errors.As(err, &e) && (e.Code == ECBadSignature || e.Code == ECContentMismatch || e.Code == ECUntrustedSigner) {
			return nil, err
		}
		return nil, &Error{Code: ECInternal, Message: "the signature could not be checked", Err: err}
	}
	res := &Result{Outcome: v.Outcome, Code: v.Code, CheckedAt: s.cfg.Now().UTC().Truncate(time.Second)}
	if res.Outcome == "" {
		res.Outcome = OutcomeOther
	}
	sess.Result = res
	if res.Outcome == OutcomeValid {
		sess.State = StateDone
		sess.SignatureHash = sum[:]
		if sess.Mode == ModeOnePIN {
			if v.Attributes == nil {
				return nil, &Error{Code: ECInternal, Message: "the signature could not be checked",
					Err: fmt.Errorf("verifier returned no certificate attributes")}
			}
			sess.Attributes = v.Attributes
		}
	}
	if err := s.cfg.Store.Update(ctx, sess, StateConfirmed); err != nil {
		if errors.Is(err, ErrConflict) {
			// Another upload finished first; answer from what it stored.
			cur, gerr := s.get(ctx, code)
			if gerr == nil && cur.State == StateDone && bytes.Equal(cur.SignatureHash, sum[:]) {
				return cur.Result, nil
			}
			return nil, Errorf(ECStepDone, "the signature was already accepted")
		}
		return nil, wrapStore(err)
	}
	s.log.Info("booking: signature checked", "session", LogTag(code), "outcome", res.Outcome, "code", res.Code)
	return res, nil
}

// afterLostAttempt answers an upload that found no attempt left: the same
// bytes as an accepted signature get its result (a retry), anything else is
// refused.
func (s *Service) afterLostAttempt(ctx context.Context, code Code, sum []byte) (*Result, error) {
	cur, err := s.get(ctx, code)
	if err != nil {
		return nil, err
	}
	if cur.State == StateDone {
		if bytes.Equal(cur.SignatureHash, sum) {
			return cur.Result, nil
		}
		return nil, Errorf(ECStepDone, "the signature was already accepted")
	}
	return nil, Errorf(ECStepDone, "too many signatures for this session; start the registration again")
}

// MissWindow is the length of one window of the guess budget.
const MissWindow = time.Minute

// CountMiss counts one unknown session code looked up in scope (the whole
// service, or one client address) in the current window of the guess
// budget and returns the window's count so far, across all instances.
func (s *Service) CountMiss(ctx context.Context, scope string) (int, error) {
	n, err := s.cfg.Store.CountMiss(ctx, scope, s.cfg.Now().UTC().Truncate(MissWindow))
	if err != nil {
		return 0, wrapStore(err)
	}
	return n, nil
}

// Cleanup erases the personal data of sessions that have expired (at
// expiry at the latest, whether or not the registration took them),
// deletes sessions expired for longer than keep, and drops the counters of
// finished guess windows. It returns the sessions deleted.
func (s *Service) Cleanup(ctx context.Context, keep time.Duration) (int, error) {
	now := s.cfg.Now()
	if _, err := s.cfg.Store.EraseExpired(ctx, now); err != nil {
		return 0, err
	}
	if err := s.cfg.Store.DeleteMisses(ctx, now.UTC().Truncate(MissWindow).Add(-MissWindow)); err != nil {
		return 0, err
	}
	return s.cfg.Store.DeleteExpired(ctx, now.Add(-keep))
}

// Take is the registration taking the attributes of a finished session:
// it returns the session as PageView does and, once the session is done,
// erases the attributes from the store, so nothing personal stays behind
// the registration. Later views show the result without them.
func (s *Service) Take(ctx context.Context, code Code, token string) (*Session, error) {
	sess, err := s.PageView(ctx, code, token)
	if err != nil {
		return nil, err
	}
	if sess.State == StateDone && sess.Attributes != nil {
		if err := s.cfg.Store.EraseAttributes(ctx, code); err != nil {
			return nil, wrapStore(err)
		}
	}
	return sess, nil
}
