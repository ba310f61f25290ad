#!/usr/bin/env bash
# Prints the headless Chromium the registration page tests use (on PATH, or
# $CHROMIUM). It installs nothing: `make deps` does (chromium and
# fonts-ipafont-gothic). The tests start Chromium themselves (--headless, a
# fresh --user-data-dir).
set -euo pipefail
if [ -n "${CHROMIUM:-}" ]; then echo "$CHROMIUM"; exit 0; fi
for c in chromium chromium-browser; do
  if command -v "$c" >/dev/null 2>&1; then command -v "$c"; exit 0; fi
done
echo "chromium.sh: chromium is not installed (run: make deps)" >&2
exit 1
