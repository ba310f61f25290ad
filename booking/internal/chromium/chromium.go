// Package chromium drives headless Chromium from tests over the DevTools
// protocol on a pipe (--remote-debugging-pipe: requests on fd 3, answers on
// fd 4, each a JSON message ending in NUL), so no WebSocket library or
// browser-automation dependency is needed.
package chromium

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/booking/internal/testenv"
)

// Find returns the Chromium binary (see testenv.Chromium): under CI a
// missing one is installed, on a developer's machine the test is skipped.
func Find(t testing.TB) string { return testenv.Chromium(t) }

// Browser is one headless Chromium process.
type Browser struct {
	cmd  *exec.Cmd
	w    *os.File
	mu   sync.Mutex
	next int
	wait map[int]chan reply
	done chan struct{}
}

type reply struct {
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Message string `json:"message"`
	} `json:"error"`
}

type message struct {
	ID int `json:"id"`
	reply
}

// Start launches Chromium with a fresh profile in t's temp dir; it is
// stopped when the test ends.
func Start(t testing.TB) *Browser {
	t.Helper()
	bin := Find(t)
	toChrome, ourW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	ourR, fromChrome, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--no-first-run", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
		"--hide-scrollbars", "--lang=ja-JP", "--window-size=1000,1400",
		"--user-data-dir="+t.TempDir(), "--remote-debugging-pipe", "about:blank")
	cmd.ExtraFiles = []*os.File{toChrome, fromChrome} // fd 3, fd 4
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	toChrome.Close()
	fromChrome.Close()
	b := &Browser{cmd: cmd, w: ourW, wait: map[int]chan reply{}, done: make(chan struct{})}
	go b.read(ourR)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		b.Call(ctx, "", "Browser.close", nil, nil)
		ourW.Close()
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		ourR.Close()
	})
	return b
}

func (b *Browser) read(r *os.File) {
	defer close(b.done)
	br := bufio.NewReaderSize(r, 1<<20)
	for {
		msg, err := br.ReadBytes(0)
		if err != nil {
			return
		}
		var m message
		if json.Unmarshal(msg[:len(msg)-1], &m) != nil || m.ID == 0 {
			continue // events are not used: waits poll the page instead
		}
		b.mu.Lock()
		ch := b.wait[m.ID]
		delete(b.wait, m.ID)
		b.mu.Unlock()
		if ch != nil {
			ch <- m.reply
		}
	}
}

// Call sends one DevTools command (on a page session when sessionID is
// set) and decodes its result into out.
func (b *Browser) Call(ctx context.Context, sessionID, method string, params, out any) error {
	b.mu.Lock()
	b.next++
	id := b.next
	ch := make(chan reply, 1)
	b.wait[id] = ch
	b.mu.Unlock()
	req := map[string]any{"id": id, "method": method}
	if params != nil {
		req["params"] = params
	}
	if sessionID != "" {
		req["sessionId"] = sessionID
	}
	data, err := json.Marshal(req)
	if err != nil {
		return err
	}
	b.mu.Lock()
	_, err = b.w.Write(append(data, 0))
	b.mu.Unlock()
	if err != nil {
		return fmt.Errorf("chromium: %s: %w", method, err)
	}
	select {
	case r := <-ch:
		if r.Error != nil {
			return fmt.Errorf("chromium: %s: %s", method, r.Error.Message)
		}
		if out != nil {
			return json.Unmarshal(r.Result, out)
		}
		return nil
	case <-b.done:
		return errors.New("chromium: browser exited")
	case <-ctx.Done():
		return fmt.Errorf("chromium: %s: %w", method, ctx.Err())
	}
}

// Page is one tab.
type Page struct {
	b       *Browser
	t       testing.TB
	session string
}

// NewPage opens a tab.
func (b *Browser) NewPage(t testing.TB) *Page {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// Each page gets its own browser context: its own cookies, like a
	// separate resident's browser.
	var bc struct {
		ID string `json:"browserContextId"`
	}
	if err := b.Call(ctx, "", "Target.createBrowserContext", map[string]any{"disposeOnDetach": true}, &bc); err != nil {
		t.Fatal(err)
	}
	var tg struct {
		TargetID string `json:"targetId"`
	}
	if err := b.Call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank", "browserContextId": bc.ID}, &tg); err != nil {
		t.Fatal(err)
	}
	var at struct {
		SessionID string `json:"sessionId"`
	}
	if err := b.Call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": tg.TargetID, "flatten": true}, &at); err != nil {
		t.Fatal(err)
	}
	p := &Page{b: b, t: t, session: at.SessionID}
	p.call("Emulation.setDeviceMetricsOverride", map[string]any{"width": 1000, "height": 1400, "deviceScaleFactor": 1, "mobile": false}, nil)
	return p
}

func (p *Page) call(method string, params, out any) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := p.b.Call(ctx, p.session, method, params, out); err != nil {
		p.t.Fatal(err)
	}
}

// Navigate opens url and waits for the page to load.
func (p *Page) Navigate(url string) {
	p.t.Helper()
	p.call("Page.navigate", map[string]any{"url": url}, nil)
	p.WaitLoaded()
}

// WaitLoaded waits until the document has loaded.
func (p *Page) WaitLoaded() {
	p.t.Helper()
	time.Sleep(50 * time.Millisecond) // let a started navigation replace the document
	p.WaitFor(`document.readyState === "complete"`)
}

// Eval evaluates a JavaScript expression (awaiting a promise) and decodes
// its value into out, which may be nil.
func (p *Page) Eval(expr string, out any) {
	p.t.Helper()
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		Exception *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	p.call("Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true, "awaitPromise": true}, &r)
	if r.Exception != nil {
		p.t.Fatalf("chromium: %s: %s %s", expr, r.Exception.Text, r.Exception.Exception.Description)
	}
	if out != nil && len(r.Result.Value) > 0 {
		if err := json.Unmarshal(r.Result.Value, out); err != nil {
			p.t.Fatalf("chromium: %s: %v", expr, err)
		}
	}
}

// WaitFor polls a JavaScript condition until it is true (10 s at most).
func (p *Page) WaitFor(cond string) {
	p.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var ok bool
		p.Eval(`(function(){try{return !!(`+cond+`)}catch(e){return false}})()`, &ok)
		if ok {
			return
		}
		if time.Now().After(deadline) {
			var html string
			p.Eval(`document.body ? document.body.innerText.slice(0, 2000) : ""`, &html)
			p.t.Fatalf("chromium: timed out waiting for %s; page text:\n%s", cond, html)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Text returns the innerText of the element matched by a CSS selector, or
// "" if none.
func (p *Page) Text(selector string) string {
	p.t.Helper()
	var s string
	sel, _ := json.Marshal(selector)
	p.Eval(`(function(){var e=document.querySelector(`+string(sel)+`);return e?(e.value!==undefined&&e.tagName==="INPUT"?e.value:e.innerText):""})()`, &s)
	return s
}

// Click clicks the element matched by a CSS selector.
func (p *Page) Click(selector string) {
	p.t.Helper()
	sel, _ := json.Marshal(selector)
	var ok bool
	p.Eval(`(function(){var e=document.querySelector(`+string(sel)+`);if(!e)return false;e.click();return true})()`, &ok)
	if !ok {
		p.t.Fatalf("chromium: no element %s", selector)
	}
}

// Type sets an input's value.
func (p *Page) Type(selector, value string) {
	p.t.Helper()
	sel, _ := json.Marshal(selector)
	val, _ := json.Marshal(value)
	var ok bool
	p.Eval(`(function(){var e=document.querySelector(`+string(sel)+`);if(!e)return false;e.value=`+string(val)+`;return true})()`, &ok)
	if !ok {
		p.t.Fatalf("chromium: no element %s", selector)
	}
}

// Screenshot writes a PNG of the whole page to path.
func (p *Page) Screenshot(path string) {
	p.t.Helper()
	var m struct {
		CSS struct {
			Width, Height float64
		} `json:"cssContentSize"`
	}
	p.call("Page.getLayoutMetrics", nil, &m)
	h := m.CSS.Height
	if h < 400 {
		h = 400
	}
	var r struct {
		Data string `json:"data"`
	}
	p.call("Page.captureScreenshot", map[string]any{"format": "png", "captureBeyondViewport": true,
		"clip": map[string]any{"x": 0, "y": 0, "width": 1000, "height": h, "scale": 1}}, &r)
	png, err := base64.StdEncoding.DecodeString(r.Data)
	if err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		p.t.Fatal(err)
	}
}
