#!/usr/bin/env bash
# Installs headless Chromium and a Japanese font for the registration page
# tests, idempotently, as root on Debian. The tests start Chromium
# themselves (--headless, a fresh --user-data-dir) and find it on PATH or in
# $CHROMIUM.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -i "IPAGothic\|Noto Sans CJK" >/dev/null || need+=(fonts-ipafont-gothic)
if [ ${#need[@]} -gt 0 ]; then
	echo "chromium.sh: installing ${need[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq "${need[@]}" >&2
fi
command -v chromium
