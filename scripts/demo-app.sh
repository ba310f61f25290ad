#!/usr/bin/env bash
# The whole flow on one machine with the desktop app:
#   bookingd (SQLite, loopback) with its registration page,
#   a virtual My Number Card behind pcscd (mynasim serve → vpcd),
#   the registration page in a browser if there is one,
#   and mynadesk, set up for that service and reader.
#
# usage: scripts/demo-app.sh [BINDIR]   (needs bin/mynactl bin/mynasim
#        bin/bookingd bin/mynadesk; pcscd with vsmartcard-vpcd running)
#
# Environment: MYNADESK_DEMO_SLOT=0|1 picks the virtual reader (default 0:
# "Virtual PCD 00 00"), MYNADESK_DEMO_PORT the service's port (8080),
# MYNADESK_DEMO_CARD extra `mynasim init` flags (e.g. "--expired" for
# Code 21, "--revoked" for Code 23).
#
# The virtual card belongs to the fictional 公的 花子. PINs: 券面事項入力補助用
# 1234, 署名用 ABC123.
set -euo pipefail
bin=$(cd "${1:-bin}" && pwd)
for b in mynactl mynasim bookingd mynadesk; do
  [ -x "$bin/$b" ] || { echo "demo-app: $bin/$b is missing (make build)" >&2; exit 2; }
done
slot=${MYNADESK_DEMO_SLOT:-0}
port=${MYNADESK_DEMO_PORT:-8080}
reader="Virtual PCD 00 0$slot"
vpcd="127.0.0.1:$((35963 + slot))"
service="http://127.0.0.1:$port"

dir=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

echo "== virtual card for 公的 花子 in \"$reader\" (PINs 1234 / ABC123)"
# shellcheck disable=SC2086
"$bin/mynasim" init --dir "$dir/card" ${MYNADESK_DEMO_CARD:-} >/dev/null
"$bin/mynasim" serve --card "$dir/card" --addr "$vpcd" >"$dir/sim.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do
  "$bin/mynactl" readers 2>/dev/null | grep "^$reader	card" >/dev/null && break
  sleep 0.2
done
"$bin/mynactl" readers 2>/dev/null | grep "^$reader	card" >/dev/null || {
  echo "demo-app: the virtual card did not appear in \"$reader\" (is another card on $vpcd?)" >&2
  cat "$dir/sim.log" >&2
  exit 3
}

echo "== bookingd on $service (SQLite in $dir)"
"$bin/bookingd" --listen "127.0.0.1:$port" --db "sqlite:$dir/booking.db" \
  --roots "$dir/card/sign-ca.pem" --roots-mode test --crl "$dir/card/sign-ca.crl" \
  --log-level warn >"$dir/bookingd.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do
  curl -fsS -o /dev/null "$service/" 2>/dev/null && break
  sleep 0.2
done
curl -fsS -o /dev/null "$service/" || { echo "demo-app: bookingd did not start" >&2; cat "$dir/bookingd.log" >&2; exit 1; }

# The registration page, in a browser if there is one.
page="$service/register"
opened=""
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  for b in xdg-open sensible-browser chromium chromium-browser google-chrome firefox; do
    if command -v "$b" >/dev/null 2>&1; then
      "$b" "$page" >/dev/null 2>&1 &
      opened=$b
      break
    fi
  done
fi
echo
echo "== registration page: $page${opened:+ (opened with $opened)}"
echo "   choose マイナンバーカード, then press 【アプリを起動する】 — or paste the page's"
echo "   session code / URL into mynadesk, or use 画面のQRを読み取る."
echo

if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "demo-app: no display; run under a desktop session or xvfb-run" >&2
  exit 4
fi

# mynadesk with settings and its single-instance socket of its own, so the
# demo neither reads nor changes the user's settings.
export XDG_RUNTIME_DIR="$dir/run" MYNADESK_SERVICE="$service" MYNADESK_READER="$reader"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
echo "== mynadesk (close the window to end the demo)"
"$bin/mynadesk" --config "$dir/settings.yaml"
