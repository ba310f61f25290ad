#!/usr/bin/env bash
# Bounded load test of the booking service on loopback, SQLite and
# PostgreSQL: complete sessions with real CMS and verify, 8 residents at
# once, SESSIONS of them (default 1000). Prints sessions/s and p50/p99
# latencies. Starts PostgreSQL if needed (as root).
set -euo pipefail
cd "$(dirname "$0")/.."
export BOOKING_POSTGRES_DSN="${BOOKING_POSTGRES_DSN:-$(bash scripts/postgres.sh)}"
go test -run '^$' -bench . -benchtime "${SESSIONS:-1000}x" ./booking/loadtest/
