#!/usr/bin/env bash
# Starts PostgreSQL for the booking store tests, idempotently, as root on
# Debian. It installs nothing: `make deps` does (postgresql). Creates the role and database "mynadesk" (password
# "mynadesk", loopback only) and prints the DSN the tests read from
# BOOKING_POSTGRES_DSN:
#   export BOOKING_POSTGRES_DSN=$(scripts/postgres.sh)
set -euo pipefail
log() { echo "postgres.sh: $*" >&2; }

if ! command -v pg_lsclusters >/dev/null 2>&1; then
	log "postgresql is not installed (run: make deps)"
	exit 1
fi

# The first cluster Debian made (e.g. 15 main).
read -r ver cluster _ < <(pg_lsclusters --no-header | head -1)
if [ -z "${ver:-}" ]; then
	ver=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf "%f\n" | sort -n | tail -1)
	cluster=main
	log "creating cluster $ver/$cluster"
	pg_createcluster "$ver" "$cluster" >&2
fi
if ! pg_lsclusters --no-header | awk -v v="$ver" -v c="$cluster" '$1==v && $2==c {print $4}' | grep online >/dev/null; then
	log "starting cluster $ver/$cluster"
	pg_ctlcluster "$ver" "$cluster" start >&2
fi
port=$(pg_lsclusters --no-header | awk -v v="$ver" -v c="$cluster" '$1==v && $2==c {print $3}')

for _ in $(seq 1 30); do
	if runuser -u postgres -- psql -p "$port" -qAtc 'select 1' >/dev/null 2>&1; then break; fi
	sleep 0.5
done

psql_do() { runuser -u postgres -- psql -p "$port" -v ON_ERROR_STOP=1 -qAt "$@"; }
if [ "$(psql_do -c "select 1 from pg_roles where rolname='mynadesk'")" != 1 ]; then
	psql_do -c "create role mynadesk login password 'mynadesk' createdb" >&2
fi
if [ "$(psql_do -c "select 1 from pg_database where datname='mynadesk'")" != 1 ]; then
	psql_do -c "create database mynadesk owner mynadesk" >&2
fi
echo "postgres://mynadesk:mynadesk@127.0.0.1:$port/mynadesk?sslmode=disable"
