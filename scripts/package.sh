#!/usr/bin/env bash
# Entry point for the Makefile's packaging targets.
#   scripts/package.sh build   make package: builds the signed MSI and the .deb
#                              into out/package/ (make deps installs the tools)
#   scripts/package.sh test    make package-test: the same, then every check
#                              (packaging/test.sh); exits 1 on any failure
#   scripts/package.sh check   the checks only, on what out/package/ holds
#   scripts/package.sh mac     on a Mac: the universal .app and .dmg
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-build}" in
  build) bash packaging/build.sh ;;
  test) bash packaging/test.sh ;;
  check) bash packaging/test.sh --no-build ;;
  mac) bash packaging/macos/build-app.sh ;;
  *) echo "usage: scripts/package.sh build|test|check|mac" >&2; exit 2 ;;
esac
