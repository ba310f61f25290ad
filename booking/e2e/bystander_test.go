package e2e_test

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/booking/internal/chromium"
	"github.com/mynadesk/mynadesk/booking/internal/testenv"
	"github.com/mynadesk/mynadesk/cms"
	"github.com/mynadesk/mynadesk/internal/vpcdtest"
	"github.com/mynadesk/mynadesk/jpki/jpkitest"
)

// pgDB returns a --db for a fresh schema on the test PostgreSQL.
func pgDB(t *testing.T) string {
	t.Helper()
	dsn := testenv.PostgresDSN(t)
	schema := fmt.Sprintf("booking_by_%d", rand.Int64())
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Exec("DROP SCHEMA " + schema + " CASCADE"); db.Close() })
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "search_path=" + schema
}

// call sends one API request with the code alone, as a bystander who saw
// it on the screen would.
func call(t *testing.T, method, u, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The bystander who knows only the code, through bookingd + pcscd + the
// virtual card + mynactl submit, on SQLite and on PostgreSQL: a claim by
// the typed code before the resident is shown on the page and released
// there (hijack); a claim after the resident is refused (hijack); uploads
// with the code alone use none of the resident's attempts (lock-out); and
// nothing is readable with the code, during or after (read).
func TestEndToEndBystander(t *testing.T) {
	vpcdtest.Lock(t)
	br := chromium.Start(t)
	dir := shots(t)
	hanako := cardDir(t, "hanako", "--name", "公的\u3000花子", "--birth", "20000101", "--sex", "2")
	for _, store := range []string{"sqlite", "postgres"} {
		t.Run(store, func(t *testing.T) {
			db := "sqlite:" + filepath.Join(t.TempDir(), "bookingd.db")
			if store == "postgres" {
				db = pgDB(t)
			}
			b := startBookingd(t, []string{hanako}, "--db", db)
			defer serveCard(t, hanako)()
			p := br.NewPage(t)
			p.Navigate(b.url + "/register/form")
			p.Type("#login_id", "tarou1234567")
			p.Type("#password", "himitsu99")
			p.Click("#m_card")
			p.WaitFor(`document.getElementById("code") && document.getElementById("launch")`)
			first := p.Text("#code")

			// Hijack before the resident: the bystander types the code.
			by := submit(t, first, "", "--service", b.url)
			p.WaitFor(`document.getElementById("claimng")`)
			p.Screenshot(filepath.Join(dir, "e2e-bystander-claim-"+store+".png"))
			p.Click("#claimng") // 「確認番号が一致しません」: a new code
			p.WaitFor(`document.getElementById("code").textContent != "` + first + `"`)
			if r := wait(t, by); r.code != 11 || r.errorCode(t) != "S04" {
				t.Fatalf("bystander after the release: %+v", r)
			}
			code, _ := booking.ParseCode(p.Text("#code"))
			var link string
			p.Eval(`document.getElementById("launch").getAttribute("href")`, &link)

			// The resident's mynactl opens the link: claimed at once, the
			// page shows its number.
			run := submit(t, link, pins)
			p.WaitFor(`document.getElementById("claimnumber")`)
			number := p.Text("#claimnumber")

			// Hijack after the resident: refused.
			if r := wait(t, submit(t, code.Display(), "", "--service", b.url)); r.code != 11 || r.errorCode(t) != "S11" {
				t.Fatalf("second claim: %+v", r)
			}
			// Lock-out: well-formed CMS from a CA of the bystander's own,
			// with the code alone, more than the attempts there are.
			foreign, err := jpkitest.NewPKI(jpkitest.PKIOptions{Holder: jpkitest.Holder{Name: "公的\u3000花子",
				Address: "東京都千代田区霞が関２－１－２", Birth: "20000101", Sex: "2"}})
			if err != nil {
				t.Fatal(err)
			}
			sig, err := cms.Sign(context.Background(), []byte("mynadesk-booking-content/1\n"), foreign.SignCert, foreign.SignKey, cms.Options{})
			if err != nil {
				t.Fatal(err)
			}
			api := b.url + "/api/v2/sessions/" + string(code)
			body := `{"cms":"` + b64(sig) + `"}`
			for i := 0; i < booking.MaxSignatureAttempts+2; i++ {
				if st, resp := call(t, "POST", api+"/signature", body); st != http.StatusForbidden {
					t.Fatalf("upload with the code alone: %d %s", st, resp)
				}
			}
			// Read, during the session.
			for _, path := range []string{"", "/content"} {
				if st, resp := call(t, "GET", api+path, ""); st != http.StatusForbidden || strings.Contains(resp, "花子") {
					t.Fatalf("GET %s with the code alone: %d %s", path, st, resp)
				}
			}

			// The resident's registration goes through.
			deadline := time.Now().Add(60 * time.Second)
			for {
				p.Click("#reflect")
				p.WaitFor(`document.getElementById("readdone") || document.getElementById("reflecterr")`)
				if p.Text("#readdone") != "" {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("step 1 never arrived")
				}
				time.Sleep(300 * time.Millisecond)
			}
			p.Click("#confirm")
			p.WaitLoaded()
			p.WaitFor(`document.getElementById("notice_cb")`)
			p.Click("#notice_cb")
			p.Click("#tocard")
			p.WaitLoaded()
			p.WaitFor(`document.getElementById("complete")`)
			r := wait(t, run)
			p.Click("#complete")
			p.WaitLoaded()
			p.WaitFor(`document.getElementById("done") || document.getElementById("error")`)
			p.Screenshot(filepath.Join(dir, "e2e-bystander-done-"+store+".png"))
			if r.code != 0 || !strings.Contains(p.Text("#done"), "アカウントが作成されました。") || !strings.Contains(p.Text("main"), "公的　花子") {
				t.Fatalf("resident: %+v; page %q", r, p.Text("main"))
			}
			if got := r.json(t)["confirmation"]; got != number || !strings.Contains(r.stderr, "確認番号 "+number) {
				t.Fatalf("mynactl showed confirmation %v (stderr %q), the page %s", got, r.stderr, number)
			}
			// Read, after done.
			for _, path := range []string{"", "/content"} {
				if st, resp := call(t, "GET", api+path, ""); st != http.StatusForbidden || strings.Contains(resp, "花子") {
					t.Fatalf("GET %s after done with the code alone: %d %s", path, st, resp)
				}
			}
			if st, resp := call(t, "GET", b.url+"/api/v1/sessions/"+string(code)+"/content", ""); st != http.StatusUpgradeRequired || !strings.Contains(resp, "mynadeskを更新してください") {
				t.Fatalf("v1 client: %d %s", st, resp)
			}
		})
	}
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
