#!/usr/bin/env bash
# Starts pcscd (with the vpcd virtual readers) when no pcscd is running.
# A pcscd that is already running is used as it is and never stopped: it
# may be the machine's own, shared with other users. Works without systemd,
# as on CI machines and containers. Installing pcscd is `make deps`' job.
set -euo pipefail
readers() { timeout 5 pcsc_scan -r 2>/dev/null | grep "Virtual PCD" >/dev/null; }
if ! command -v pcscd >/dev/null 2>&1; then
  echo "pcscd.sh: pcscd is not installed (run: make deps)" >&2
  exit 1
fi
if pgrep -x pcscd >/dev/null; then
  for _ in $(seq 1 25); do readers && exit 0; sleep 0.2; done
  echo "pcscd.sh: a pcscd is running but shows no vpcd readers (\"Virtual PCD 00 00\");" >&2
  echo "pcscd.sh: it was not started by this script, so it is left alone: restart it with vsmartcard-vpcd installed" >&2
  timeout 5 pcsc_scan -r >&2 || true
  exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
# No pcscd runs, so a socket or pid file left here is stale.
$sudo rm -f /run/pcscd/pcscd.comm /run/pcscd/pcscd.pid
$sudo mkdir -p /run/pcscd
$sudo pcscd
for _ in $(seq 1 50); do
  readers && exit 0
  sleep 0.2
done
echo "pcscd.sh: started pcscd, but the vpcd readers did not appear" >&2
timeout 5 pcsc_scan -r >&2 || true
exit 1
