package server

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/mynadesk/mynadesk/booking"
)

// GlobalScope is the guess-budget scope of the whole service.
const GlobalScope = "*"

// maxBlocked bounds the cache of addresses known to be over their budget;
// it is only a cache (the store counts), so a full one costs lookups, not
// safety.
const maxBlocked = 100000

// guessGuard is the budget of unknown session codes: per client address
// and for the whole service, per booking.MissWindow, counted in the store
// so that every instance shares it. Only a miss (a well-formed code the
// store does not know) writes; a hit costs nothing. What the store says
// when a miss is counted is cached here until the window ends, so a client
// over its budget is refused before any lookup, and once the service's
// budget is spent every lookup by code alone is refused: an attacker with
// many addresses can evaluate at most the service's budget of codes per
// window.
type guessGuard struct {
	svc             *booking.Service
	perAddr, global int
	now             func() time.Time

	mu         sync.Mutex
	win        time.Time // the window the cache is for
	blocked    map[string]bool
	globalOver bool
}

func newGuessGuard(svc *booking.Service, perAddr, global int) *guessGuard {
	return &guessGuard{svc: svc, perAddr: perAddr, global: global, now: svc.Now, blocked: map[string]bool{}}
}

// window rolls the cache over to the current window; call with mu held.
func (g *guessGuard) window() {
	w := g.now().UTC().Truncate(booking.MissWindow)
	if !w.Equal(g.win) {
		g.win, g.blocked, g.globalOver = w, map[string]bool{}, false
	}
}

// allowed reports whether key may look a code up now; proven says the
// request carries a secret of the session (a claim token or the link's
// secret), which keeps residents' sessions going while the service's
// budget is spent.
func (g *guessGuard) allowed(key string, proven bool) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.window()
	return !g.blocked[key] && (proven || !g.globalOver)
}

// over reports whether the service's budget is spent in this window.
func (g *guessGuard) over() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.window()
	return g.globalOver
}

// miss counts an unknown code looked up by key and reports whether it was
// still within both budgets (the answer is then "not found"; past a budget
// it is "rate limited", so no more than the budget of misses is ever
// answered as such).
func (g *guessGuard) miss(ctx context.Context, key string) (bool, error) {
	ctx = context.WithoutCancel(ctx)
	na, err := g.svc.CountMiss(ctx, "addr:"+key)
	if err != nil {
		return false, err
	}
	ng, err := g.svc.CountMiss(ctx, GlobalScope)
	if err != nil {
		return false, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.window()
	if na >= g.perAddr && len(g.blocked) < maxBlocked {
		g.blocked[key] = true
	}
	if ng >= g.global {
		g.globalOver = true
	}
	return na <= g.perAddr && ng <= g.global, nil
}

// clientKey is the budget's key for the request's client: its address, or
// for IPv6 its /64 (one host usually holds a whole /64). Behind a trusted
// reverse proxy the client is the address the proxy appended to
// X-Forwarded-For, not the proxy.
func (s *Server) clientKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	addr = addr.Unmap()
	if s.trusted(addr) {
		// The right-most address not of a trusted proxy is the client.
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				break
			}
			addr = a.Unmap()
			if !s.trusted(addr) {
				break
			}
		}
	}
	if addr.Is6() {
		p, _ := addr.Prefix(64)
		return p.String()
	}
	return addr.String()
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.opts.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
