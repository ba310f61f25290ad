package sim

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/card"
)

var (
	testPKIOnce sync.Once
	testPKI     *PKI
	testPKIErr  error
)

// sharedPKI is one test PKI for the package's directory tests, reusing the
// test keys so only the CAs are generated.
func sharedPKI(t testing.TB) *PKI {
	t.Helper()
	makeTestKeys(t)
	testPKIOnce.Do(func() {
		testPKI, testPKIErr = NewPKI(PKIOptions{Holder: DefaultHolder, Now: time.Now(),
			SignKey: testKeys.sign, AuthKey: testKeys.auth})
	})
	if testPKIErr != nil {
		t.Fatal(testPKIErr)
	}
	return testPKI
}

func newTestDir(t *testing.T, edit ...func(*Profile)) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "card")
	p := NewProfile(DefaultHolder, sharedPKI(t))
	for _, e := range edit {
		e(&p)
	}
	if err := SaveCardDir(dir, p, sharedPKI(t)); err != nil {
		t.Fatal(err)
	}
	return dir
}

func openTestCard(t *testing.T, dir string) *Card {
	t.Helper()
	c, err := OpenCard(dir)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCardDirRoundTrip(t *testing.T) {
	dir := newTestDir(t, func(p *Profile) {
		p.Token, p.Extended, p.Response = TokenSmartphone, ExtendedClaimOnly, ResponseWrongLe
	})
	p, pki, err := LoadCardDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if p.Token != TokenSmartphone || p.Extended != ExtendedClaimOnly || p.Response != ResponseWrongLe ||
		p.Holder != DefaultHolder || p.SignPIN != DefaultSignPIN || !pki.SignKey.Equal(testKeys.sign) {
		t.Fatalf("loaded profile differs: %+v", p.Holder)
	}
	for _, name := range []string{FileCard, FileState, FileSignKey, FileAuthCert, FileCRL} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, FileState)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("state.json mode: %v %v", fi.Mode(), err)
	}
	if _, err := OpenCard(t.TempDir()); !errors.Is(err, ErrNotCardDir) {
		t.Fatalf("empty dir: %v", err)
	}
}

func TestCountersPersist(t *testing.T) {
	dir := newTestDir(t)
	c := openTestCard(t, dir)
	runSteps(t, c, []step{
		{selJPKI, card.SWSuccess, ""}, {selEF("001B"), card.SWSuccess, ""},
		{verifyAPDU("WRONG1"), 0x63C4, ""}, {verifyAPDU("WRONG1"), 0x63C3, ""},
		{selEF("0018"), card.SWSuccess, ""},
		{verifyAPDU("0000"), 0x63C2, ""}, {verifyAPDU("0000"), 0x63C1, ""}, {verifyAPDU("0000"), 0x63C0, ""},
	})
	c = openTestCard(t, dir) // mynasim serve restarted
	if c.TriesLeft(card.PINSign) != 3 || c.TriesLeft(card.PINAuth) != 0 || c.TriesLeft(card.PINHelper) != 3 {
		t.Fatalf("after reload: sign %d auth %d helper %d", c.TriesLeft(card.PINSign), c.TriesLeft(card.PINAuth), c.TriesLeft(card.PINHelper))
	}
	runSteps(t, c, []step{
		{selJPKI, card.SWSuccess, ""}, {selEF("0018"), card.SWSuccess, ""},
		{verifyAPDU(""), 0x63C0, ""}, {verifyAPDU("1234"), card.SWPINBlocked, ""},
		{selEF("001B"), card.SWSuccess, ""}, {verifyAPDU(""), 0x63C3, ""},
		{verifyAPDU("ABC123"), card.SWSuccess, ""}, // success resets, durably
		{"00 24 01 80 06" + ascii("NEW999"), card.SWSuccess, ""},
	})
	c = openTestCard(t, dir)
	runSteps(t, c, []step{
		{selJPKI, card.SWSuccess, ""}, {selEF("001B"), card.SWSuccess, ""}, {verifyAPDU(""), 0x63C5, ""},
		{verifyAPDU("ABC123"), 0x63C4, ""}, {verifyAPDU("NEW999"), card.SWSuccess, ""},
	})
	// 照合番号B's counter persists too.
	runSteps(t, c, []step{{selHelper, card.SWSuccess, ""}, {selEF("0015"), card.SWSuccess, ""}, {verifyAPDU("00000000000000"), 0x63C9, ""}})
	c = openTestCard(t, dir)
	runSteps(t, c, []step{{selHelper, card.SWSuccess, ""}, {selEF("0015"), card.SWSuccess, ""}, {verifyAPDU(""), 0x63C9, ""}})
}

func TestPersistFailureUsesNoTry(t *testing.T) {
	c := openTestCard(t, newTestDir(t))
	c.save = func(map[string]pinState) error { return errors.New("disk full") }
	runSteps(t, c, []step{
		{selJPKI, card.SWSuccess, ""}, {selEF("0018"), card.SWSuccess, ""},
		{verifyAPDU("0000"), swMemoryFailure, "-"}, {verifyAPDU(""), 0x63C3, ""},
	})
}

func TestSaveCardDirChecksKeys(t *testing.T) {
	p := NewProfile(DefaultHolder, sharedPKI(t))
	other := *sharedPKI(t)
	other.SignKey = testKeys.ca
	if err := SaveCardDir(t.TempDir(), p, &other); !errors.Is(err, ErrProfile) {
		t.Fatalf("mismatched PKI: %v", err)
	}
}
