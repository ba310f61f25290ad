package server

import (
	"sync"
	"time"
)

// limiter is a token bucket per client address, spent only by misses
// (malformed or unknown codes), so a resident who types the right code is
// never slowed while a client that guesses is stopped after a few tries.
type limiter struct {
	mu     sync.Mutex
	burst  float64
	rate   float64 // tokens per second
	now    func() time.Time
	bucket map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// maxClients bounds the table; past it, the table restarts (a flood of
// addresses must not exhaust memory).
const maxClients = 100000

func newLimiter(burst int, perSecond float64) *limiter {
	return &limiter{burst: float64(burst), rate: perSecond, now: time.Now, bucket: map[string]*bucket{}}
}

func (l *limiter) refill(key string) *bucket {
	now := l.now()
	b, ok := l.bucket[key]
	if !ok {
		if len(l.bucket) >= maxClients {
			l.bucket = map[string]*bucket{}
		}
		b = &bucket{tokens: l.burst, last: now}
		l.bucket[key] = b
	}
	b.tokens += now.Sub(b.last).Seconds() * l.rate
	if b.tokens > l.burst {
		b.tokens = l.burst
	}
	b.last = now
	return b
}

// allowed reports whether key may look a code up now.
func (l *limiter) allowed(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.refill(key).tokens >= 1
}

// miss spends one token of key.
func (l *limiter) miss(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.refill(key)
	b.tokens--
	if b.tokens < 0 {
		b.tokens = 0
	}
}
