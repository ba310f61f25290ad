package server

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mynadesk/mynadesk/booking"
)

// durationBuckets are the upper bounds (seconds) of the latency histogram.
var durationBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

// Metrics are the service's counters, served in the Prometheus text format
// without a client library.
type Metrics struct {
	inflight    atomic.Int64
	created     atomic.Int64
	rateLimited atomic.Int64

	mu       sync.Mutex
	requests map[[2]string]int64 // route, status
	hist     map[string]*histogram
	outcomes map[booking.Outcome]int64
	health   Health
}

type histogram struct {
	counts []int64
	sum    float64
	n      int64
}

func newMetrics() *Metrics {
	return &Metrics{requests: map[[2]string]int64{}, hist: map[string]*histogram{}, outcomes: map[booking.Outcome]int64{}}
}

func (m *Metrics) observe(route string, status int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[[2]string{route, strconv.Itoa(status)}]++
	h := m.hist[route]
	if h == nil {
		h = &histogram{counts: make([]int64, len(durationBuckets))}
		m.hist[route] = h
	}
	sec := d.Seconds()
	for i, b := range durationBuckets {
		if sec <= b {
			h.counts[i]++
		}
	}
	h.sum += sec
	h.n++
}

func (m *Metrics) outcome(o booking.Outcome) {
	m.mu.Lock()
	m.outcomes[o]++
	m.mu.Unlock()
}

// Requests returns the count of requests to route answered with status.
func (m *Metrics) Requests(route string, status int) int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.requests[[2]string{route, strconv.Itoa(status)}]
}

func (m *Metrics) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	m.mu.Lock()
	defer m.mu.Unlock()
	fmt.Fprintf(w, "# HELP booking_inflight_requests Requests being served.\n# TYPE booking_inflight_requests gauge\nbooking_inflight_requests %d\n", m.inflight.Load())
	fmt.Fprintf(w, "# HELP booking_sessions_created_total Sessions created.\n# TYPE booking_sessions_created_total counter\nbooking_sessions_created_total %d\n", m.created.Load())
	fmt.Fprintf(w, "# HELP booking_rate_limited_total Code lookups refused by the guess limit.\n# TYPE booking_rate_limited_total counter\nbooking_rate_limited_total %d\n", m.rateLimited.Load())
	fmt.Fprintf(w, "# HELP booking_signatures_total Signature checks by outcome.\n# TYPE booking_signatures_total counter\n")
	for _, o := range []booking.Outcome{booking.OutcomeValid, booking.OutcomeExpired, booking.OutcomeRevoked, booking.OutcomeMismatch, booking.OutcomeOther} {
		fmt.Fprintf(w, "booking_signatures_total{outcome=%q} %d\n", o, m.outcomes[o])
	}
	if m.health != nil {
		m.health.WriteMetrics(w)
	}
	keys := make([][2]string, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+keys[i][1] < keys[j][0]+keys[j][1] })
	fmt.Fprintf(w, "# HELP booking_requests_total HTTP requests by route and status.\n# TYPE booking_requests_total counter\n")
	for _, k := range keys {
		fmt.Fprintf(w, "booking_requests_total{route=%q,status=%q} %d\n", k[0], k[1], m.requests[k])
	}
	routes := make([]string, 0, len(m.hist))
	for r := range m.hist {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	fmt.Fprintf(w, "# HELP booking_request_duration_seconds Time to answer, by route.\n# TYPE booking_request_duration_seconds histogram\n")
	for _, r := range routes {
		h := m.hist[r]
		for i, b := range durationBuckets {
			fmt.Fprintf(w, "booking_request_duration_seconds_bucket{route=%q,le=%q} %d\n", r, strconv.FormatFloat(b, 'g', -1, 64), h.counts[i])
		}
		fmt.Fprintf(w, "booking_request_duration_seconds_bucket{route=%q,le=\"+Inf\"} %d\n", r, h.n)
		fmt.Fprintf(w, "booking_request_duration_seconds_sum{route=%q} %g\nbooking_request_duration_seconds_count{route=%q} %d\n", r, h.sum, r, h.n)
	}
}
