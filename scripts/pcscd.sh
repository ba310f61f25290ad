#!/usr/bin/env bash
# Starts pcscd (with the vpcd virtual readers) unless it already answers.
# Works without systemd, as on CI machines and containers.
set -euo pipefail
answers() { timeout 5 pcsc_scan -r >/dev/null 2>&1 || timeout 5 pcsc_scan -r 2>&1 | grep "No reader" >/dev/null; }
if pgrep -x pcscd >/dev/null && answers; then exit 0; fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if pgrep -x pcscd >/dev/null; then $sudo pkill -x pcscd || true; sleep 1; fi
$sudo rm -f /run/pcscd/pcscd.comm /run/pcscd/pcscd.pid
$sudo mkdir -p /run/pcscd
$sudo pcscd
for _ in $(seq 1 50); do
  if timeout 5 pcsc_scan -r 2>/dev/null | grep "Virtual PCD" >/dev/null; then exit 0; fi
  sleep 0.2
done
echo "pcscd: started, but the vpcd readers did not appear" >&2
timeout 5 pcsc_scan -r >&2 || true
exit 1
