#!/usr/bin/env bash
# Builds what can be built on Debian: the signed Windows MSI and the Linux
# .deb (the macOS .dmg needs a Mac: packaging/macos/build-app.sh).
#   packaging/build.sh [windows] [linux]     (default: both)
# Output in out/package/. Prints how long each part took.
set -euo pipefail
# shellcheck source=packaging/lib.sh
. "$(dirname "$0")/lib.sh"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(windows linux)
mkdir -p "$PKG_OUT"
for t in "${targets[@]}"; do
  case "$t" in
    windows | linux) ;;
    *) die "unknown target $t (windows, linux)" ;;
  esac
  start=$SECONDS
  bash "$PKG_DIR/$t/build.sh"
  log "$t package built in $((SECONDS - start)) s"
done
