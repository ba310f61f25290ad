package client

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mynadesk/mynadesk/booking"
)

func TestTLSRequiredExceptLoopback(t *testing.T) {
	for _, u := range []string{"http://yoyaku.example.jp", "http://192.0.2.1:8080", "ftp://127.0.0.1"} {
		if _, err := New(u, nil); err == nil {
			t.Errorf("New(%q) accepted plain transport", u)
		}
	}
	for _, u := range []string{"https://yoyaku.example.jp", "http://127.0.0.1:8080", "http://[::1]:8080", "http://localhost:1"} {
		if _, err := New(u, nil); err != nil {
			t.Errorf("New(%q): %v", u, err)
		}
	}
}

func counting(t *testing.T, h func(n int64, w http.ResponseWriter, r *http.Request)) (*Client, *atomic.Int64) {
	var n atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h(n.Add(1), w, r) }))
	t.Cleanup(ts.Close)
	c, err := New(ts.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Backoff, c.MaxBackoff = time.Millisecond, 4*time.Millisecond
	return c, &n
}

func TestRetriesOn5xx(t *testing.T) {
	c, n := counting(t, func(n int64, w http.ResponseWriter, r *http.Request) {
		if n < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"version":2,"code":"2345-6789","next":"attributes"}`))
	})
	in, err := c.Session(context.Background(), "23456789")
	if err != nil || in.Next != "attributes" || n.Load() != 3 {
		t.Fatalf("got %+v %v after %d requests", in, err, n.Load())
	}
}

func TestNoRetryOn4xx(t *testing.T) {
	c, n := counting(t, func(n int64, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"error":{"code":"not_found","message":"no such session"}}`))
	})
	_, err := c.PutSignature(context.Background(), "23456789", []byte("cms"))
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 404 || !errors.Is(err, booking.ErrNotFound) || n.Load() != 1 {
		t.Fatalf("got %v after %d requests", err, n.Load())
	}
}

func TestGivesUpAfterMaxAttempts(t *testing.T) {
	c, n := counting(t, func(n int64, w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
	})
	_, err := c.Content(context.Background(), "23456789")
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 502 || n.Load() != 5 {
		t.Fatalf("got %v after %d requests", err, n.Load())
	}
}

func TestRetriesNetworkErrors(t *testing.T) {
	// A listener that drops the first two connections, then serves.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns atomic.Int64
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"result":{"outcome":"valid","checked_at":"2026-01-01T00:00:00Z"}}`))
	})}
	dropping := &dropListener{Listener: ln, drop: 2, n: &conns}
	go srv.Serve(dropping)
	t.Cleanup(func() { srv.Close() })
	c, _ := New("http://"+ln.Addr().String(), nil)
	c.Backoff = time.Millisecond
	res, err := c.PutSignature(context.Background(), "23456789", []byte("cms"))
	if err != nil || res.Outcome != booking.OutcomeValid || conns.Load() != 3 {
		t.Fatalf("got %+v %v after %d connections", res, err, conns.Load())
	}
	// Unreachable: a NetworkError after every attempt, and the context
	// stops the waiting.
	c2, _ := New("http://127.0.0.1:1", nil)
	c2.Backoff = time.Millisecond
	_, err = c2.Session(context.Background(), "23456789")
	var ne *NetworkError
	if !errors.As(err, &ne) || ne.Attempts != 5 {
		t.Fatalf("unreachable: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c2.Session(ctx, "23456789"); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

type dropListener struct {
	net.Listener
	drop int64
	n    *atomic.Int64
}

func (l *dropListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.n.Add(1) <= l.drop {
			c.Close()
			continue
		}
		return c, nil
	}
}

func TestNoRedirects(t *testing.T) {
	c, _ := counting(t, func(n int64, w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://evil.example/", http.StatusFound)
	})
	if _, err := c.Session(context.Background(), "23456789"); err == nil {
		t.Fatal("redirect followed")
	}
}
