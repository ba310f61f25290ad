package e2e_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/booking"
	"github.com/mynadesk/mynadesk/booking/client"
	"github.com/mynadesk/mynadesk/booking/internal/chromium"
	"github.com/mynadesk/mynadesk/card/sim"
	"github.com/mynadesk/mynadesk/internal/vpcdtest"
)

// Slot 1 ("Virtual PCD 00 01", port 35964) is the one for integration
// tests; vpcdtest.Lock keeps other test binaries off both slots meanwhile.
const slot = 1

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// bins builds bookingd, mynactl and mynasim once per test binary.
func bins(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "booking-e2e-bin")
		if buildErr != nil {
			return
		}
		for _, c := range []string{"bookingd", "mynactl", "mynasim"} {
			out, err := exec.Command("go", "build", "-o", filepath.Join(binDir, c), "github.com/mynadesk/mynadesk/cmd/"+c).CombinedOutput()
			if err != nil {
				buildErr = fmt.Errorf("go build %s: %v\n%s", c, err, out)
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// cardDir makes a virtual card with mynasim init.
func cardDir(t *testing.T, name string, args ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	out, err := exec.Command(filepath.Join(bins(t), "mynasim"), append([]string{"init", "--dir", dir}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("mynasim init %s: %v\n%s", name, err, out)
	}
	return dir
}

// serveCard plugs the card into slot 1 with mynasim serve until the
// returned function is called (or the test ends).
func serveCard(t *testing.T, dir string) (remove func()) {
	t.Helper()
	cmd := exec.Command(filepath.Join(bins(t), "mynasim"), "serve", "--card", dir, "--addr", vpcdtest.Ports[slot])
	var logb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logb, &logb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := false
	remove = func() {
		if done {
			return
		}
		done = true
		cmd.Process.Signal(os.Interrupt)
		waited := make(chan struct{})
		go func() { cmd.Wait(); close(waited) }()
		select {
		case <-waited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-waited
		}
		if err := vpcdtest.WaitPresent(slot, false, 10*time.Second); err != nil {
			t.Errorf("card still present after mynasim stopped: %v", err)
		}
	}
	t.Cleanup(remove)
	if err := vpcdtest.WaitPresent(slot, true, 15*time.Second); err != nil {
		t.Fatalf("card did not appear: %v\n%s", err, logb.String())
	}
	// Present is not yet answering: right after insertion pcscd may still
	// be powering the card up. Wait until `mynactl status` reads it.
	var last []byte
	for i := 0; i < 50; i++ {
		out, err := exec.Command(filepath.Join(bins(t), "mynactl"), "status", "--reader", vpcdtest.Readers[slot]).CombinedOutput()
		if err == nil {
			return remove
		}
		last = out
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("card never answered mynactl status:\n%s", last)
	return remove
}

type bookingd struct {
	url string
	cmd *exec.Cmd
	log *bytes.Buffer
}

var listenRE = regexp.MustCompile(`msg="bookingd listening" addr=(\S+)`)

// startBookingd runs bookingd on a free loopback port trusting the cards'
// test CAs and CRLs.
func startBookingd(t *testing.T, cards []string, extra ...string) *bookingd {
	t.Helper()
	var roots, crls []string
	for _, d := range cards {
		roots = append(roots, filepath.Join(d, sim.FileSignCACert))
		crls = append(crls, filepath.Join(d, sim.FileCRL))
	}
	args := append([]string{"--listen", "127.0.0.1:0", "--db", "sqlite:" + filepath.Join(t.TempDir(), "bookingd.db"),
		"--roots", strings.Join(roots, ","), "--roots-mode", "test", "--crl", strings.Join(crls, ",")}, extra...)
	cmd := exec.Command(filepath.Join(bins(t), "bookingd"), args...)
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	b := &bookingd{cmd: cmd, log: &bytes.Buffer{}}
	addr := make(chan string, 1)
	var mu sync.Mutex
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			mu.Lock()
			b.log.WriteString(sc.Text() + "\n")
			mu.Unlock()
			if m := listenRE.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
		pw.Close()
		if t.Failed() {
			mu.Lock()
			t.Logf("bookingd log:\n%s", b.log.String())
			mu.Unlock()
		}
	})
	select {
	case a := <-addr:
		b.url = "http://" + a
	case <-time.After(20 * time.Second):
		t.Fatalf("bookingd did not start:\n%s", b.log.String())
	}
	return b
}

type result struct {
	code           int
	stdout, stderr string
}

// submit runs mynactl submit in the background; the result arrives on the
// channel.
func submit(t *testing.T, session, pins string, extra ...string) <-chan result {
	t.Helper()
	ch := make(chan result, 1)
	args := append([]string{"submit", "--session", session, "--pin-stdin", "--reader", vpcdtest.Readers[slot], "--json"}, extra...)
	cmd := exec.Command(filepath.Join(bins(t), "mynactl"), args...)
	cmd.Stdin = strings.NewReader(pins)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		cmd.Wait()
		ch <- result{cmd.ProcessState.ExitCode(), out.String(), errb.String()}
	}()
	return ch
}

func wait(t *testing.T, ch <-chan result) result {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(90 * time.Second):
		t.Fatal("mynactl submit did not finish")
	}
	return result{}
}

func (r result) json(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		t.Fatalf("mynactl: not JSON (%v): %s\nstderr: %s", err, r.stdout, r.stderr)
	}
	return v
}

func (r result) errorCode(t *testing.T) string {
	t.Helper()
	e, _ := r.json(t)["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

var pins = sim.DefaultHelperPIN + "\n" + sim.DefaultSignPIN + "\n"

func shots(t *testing.T) string {
	d := os.Getenv("BOOKING_SCREENSHOTS")
	if d == "" {
		return t.TempDir()
	}
	os.MkdirAll(d, 0o755)
	return d
}

// register drives the page through a registration while mynactl submit
// does the resident's side. swap, if set, runs after step 1 arrived and
// before the page confirms (to put another card in the reader).
func register(t *testing.T, p *chromium.Page, b *bookingd, swap func()) (result, string) {
	t.Helper()
	p.Navigate(b.url + "/register/form")
	p.Type("#login_id", "tarou1234567")
	p.Type("#password", "himitsu99")
	p.Click("#m_card")
	p.WaitFor(`document.getElementById("code") && document.getElementById("launch")`)
	var link string
	p.Eval(`document.getElementById("launch").getAttribute("href")`, &link)
	run := submit(t, link, pins)
	// 【情報を反映する】 until the app has read the card.
	deadline := time.Now().Add(60 * time.Second)
	for {
		p.Click("#reflect")
		p.WaitFor(`document.getElementById("readdone") || document.getElementById("reflecterr")`)
		if p.Text("#readdone") != "" {
			break
		}
		select {
		case r := <-run:
			t.Fatalf("mynactl ended before step 1 arrived: %+v", r)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("step 1 never arrived")
		}
		time.Sleep(300 * time.Millisecond)
	}
	if swap != nil {
		swap()
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
	if e := p.Text("#error"); e != "" {
		return r, e
	}
	return r, p.Text("#done")
}

func TestEndToEnd(t *testing.T) {
	vpcdtest.Lock(t)
	br := chromium.Start(t)
	dir := shots(t)
	hanako := cardDir(t, "hanako", "--name", "公的\u3000花子", "--birth", "20000101", "--sex", "2")
	expired := cardDir(t, "expired", "--expired")
	revoked := cardDir(t, "revoked", "--revoked", "--reason", "3")
	taro := cardDir(t, "taro", "--name", "公的\u3000太郎", "--birth", "19800405", "--sex", "1", "--address", "北海道札幌市中央区北１条西２－１")
	b := startBookingd(t, []string{hanako, expired, revoked, taro})

	t.Run("success", func(t *testing.T) {
		defer serveCard(t, hanako)()
		p := br.NewPage(t)
		r, text := register(t, p, b, nil)
		p.Screenshot(filepath.Join(dir, "e2e-success.png"))
		if r.code != 0 || !strings.Contains(text, "アカウントが作成されました。") {
			t.Fatalf("mynactl %+v; page %q", r, text)
		}
		res, _ := r.json(t)["result"].(map[string]any)
		if res["outcome"] != "valid" {
			t.Fatalf("verdict %v", r.stdout)
		}
	})
	for _, tc := range []struct {
		name, card, want, code string
		exit                   int
	}{
		{"code21", expired, "失効済みのマイナンバーカードの可能性があります。(Code: 21)", "21", 21},
		{"code23", revoked, "失効済みのマイナンバーカードの可能性があります。(Code: 23)", "23", 23},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer serveCard(t, tc.card)()
			p := br.NewPage(t)
			r, text := register(t, p, b, nil)
			p.Screenshot(filepath.Join(dir, "e2e-"+tc.name+".png"))
			res, _ := r.json(t)["result"].(map[string]any)
			if r.code != tc.exit || res["code"] != tc.code || !strings.Contains(text, tc.want) {
				t.Fatalf("mynactl %+v; page %q", r, text)
			}
		})
	}
	t.Run("mismatch", func(t *testing.T) {
		remove := serveCard(t, hanako)
		p := br.NewPage(t)
		r, text := register(t, p, b, func() {
			remove()
			serveCard(t, taro) // another card signs step 2
		})
		p.Screenshot(filepath.Join(dir, "e2e-mismatch.png"))
		res, _ := r.json(t)["result"].(map[string]any)
		if r.code != 22 || res["outcome"] != "mismatch" || !strings.Contains(text, "入力された利用者情報と読み取られたカードの情報が一致しません") {
			t.Fatalf("mynactl %+v; page %q", r, text)
		}
	})
	t.Run("replay", func(t *testing.T) {
		defer serveCard(t, hanako)()
		ctx := context.Background()
		cl, err := client.New(b.url, nil)
		if err != nil {
			t.Fatal(err)
		}
		a := confirmedSession(t, cl)
		other := confirmedSession(t, cl)
		content, err := cl.Content(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		// Sign session A's content on the card with mynactl sign.
		in := filepath.Join(t.TempDir(), "content")
		os.WriteFile(in, content, 0o644)
		out := filepath.Join(t.TempDir(), "cms")
		cmd := exec.Command(filepath.Join(bins(t), "mynactl"), "sign", "--in", in, "--out", out, "--pin-stdin", "--reader", vpcdtest.Readers[slot])
		cmd.Stdin = strings.NewReader(sim.DefaultSignPIN + "\n")
		if o, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("mynactl sign: %v\n%s", err, o)
		}
		cms, _ := os.ReadFile(out)
		_, err = cl.PutSignature(ctx, other, cms)
		var ae *client.APIError
		if !asAPI(err, &ae) || ae.Status != http.StatusUnprocessableEntity || ae.Code != booking.ECContentMismatch {
			t.Fatalf("replayed signature: %v", err)
		}
		if res, err := cl.PutSignature(ctx, a, cms); err != nil || res.Outcome != booking.OutcomeValid {
			t.Fatalf("A's own signature: %+v %v", res, err)
		}
	})
	t.Run("typo", func(t *testing.T) {
		cl, _ := client.New(b.url, nil)
		cr, err := cl.Create(context.Background(), booking.ModeTwoStep)
		if err != nil {
			t.Fatal(err)
		}
		typo := []byte(cr.Code)
		typo[0] = map[bool]byte{true: '3', false: '2'}[typo[0] == '2']
		before := metric(t, b, `booking_requests_total{route="POST /api/v2/sessions/{code}/claim"`)
		r := wait(t, submit(t, string(typo), pins, "--service", b.url))
		if r.code != 11 || r.errorCode(t) != "S05" {
			t.Fatalf("typo: %+v", r)
		}
		if after := metric(t, b, `booking_requests_total{route="POST /api/v2/sessions/{code}/claim"`); after != before {
			t.Fatalf("a request was sent for a mistyped code (%s → %s)", before, after)
		}
	})
	t.Run("garbage-session", func(t *testing.T) {
		r := wait(t, submit(t, "ftp://example.jp/x", pins))
		if r.code != 11 || r.errorCode(t) != "S06" {
			t.Fatalf("garbage: %+v", r)
		}
	})
}

func asAPI(err error, ae **client.APIError) bool {
	e, ok := err.(*client.APIError)
	*ae = e
	return ok
}

// confirmedSession makes a two-step session ready for step 2 over the API,
// with the attributes of the card in the reader.
func confirmedSession(t *testing.T, cl *client.Client) booking.Code {
	t.Helper()
	ctx := context.Background()
	cr, err := cl.Create(ctx, booking.ModeTwoStep)
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := booking.ParseRef(cr.Link, "")
	code := ref.Code
	if _, err := cl.Claim(ctx, ref); err != nil {
		t.Fatal(err)
	}
	a := booking.Attributes{Name: "公的\u3000花子", Address: sim.DefaultHolder.Address, Birth: "20000101", Sex: "2"}
	if _, err := cl.PutAttributes(ctx, code, a); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.Confirm(ctx, code, cr.PageToken, "tarou1234567"); err != nil {
		t.Fatal(err)
	}
	return code
}

// metric reads one line of /metrics starting with prefix, summed over its
// statuses.
func metric(t *testing.T, b *bookingd, prefix string) string {
	t.Helper()
	resp, err := http.Get(b.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var lines []string
	for _, l := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(l, prefix) {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, ";")
}

// An expired session: mynactl is told to start again.
func TestEndToEndExpired(t *testing.T) {
	vpcdtest.Lock(t)
	hanako := cardDir(t, "hanako")
	b := startBookingd(t, []string{hanako}, "--ttl", "1s")
	defer serveCard(t, hanako)()
	cl, _ := client.New(b.url, nil)
	cr, err := cl.Create(context.Background(), booking.ModeTwoStep)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	r := wait(t, submit(t, cr.URL, pins))
	if r.code != 11 || r.errorCode(t) != "S04" {
		t.Fatalf("expired: %+v", r)
	}
}
