// Package loadtest holds the bounded load benchmarks of the booking
// service on loopback: complete sessions (create, attributes, confirm,
// content, signature with real CMS and the real verify) against the SQLite
// and the PostgreSQL store. Run:
//
//	go test -run '^$' -bench . -benchtime 400x ./booking/loadtest/
//
// and read sessions/s and the p50/p99 latencies it reports.
package loadtest
