#!/usr/bin/env bash
# The virtual My Number Card behind pcscd, read end to end with mynactl:
# status (no PIN), then the 4 attributes with the demo PIN 1234.
set -euo pipefail
bin=${1:-bin}
dir=$(mktemp -d)
sim_pid=""
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT

echo "== mynasim init: a virtual card for the fictional 公的 花子 (PINs 1234 / 1234 / ABC123)"
"$bin/mynasim" init --dir "$dir/card" >/dev/null
"$bin/mynasim" serve --card "$dir/card" >"$dir/sim.log" 2>&1 &
sim_pid=$!

# Wait until pcscd sees the card in "Virtual PCD 00 00".
for _ in $(seq 1 50); do
  "$bin/mynactl" readers 2>/dev/null | grep $'^Virtual PCD 00 00\tcard' >/dev/null && break
  sleep 0.2
done

echo
echo "== mynactl readers"
"$bin/mynactl" readers
echo
echo "== mynactl status   (no PIN needed, no try used)"
"$bin/mynactl" status --reader "Virtual PCD 00 00"
echo
echo "== echo 1234 | mynactl attrs --pin-stdin"
echo 1234 | "$bin/mynactl" attrs --pin-stdin --reader "Virtual PCD 00 00"
echo
echo "== mynactl diag   (what support staff see; no personal data)"
"$bin/mynactl" diag --reader "Virtual PCD 00 00" | head -20
