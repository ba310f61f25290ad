#!/usr/bin/env bash
# Installs the Debian packages the packaging build and checks need, on top
# of the project's own (scripts/deps.sh installs what is missing, so
# `make package` can call this every time).
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs=(
  gcc-mingw-w64-x86-64     # Windows cross-build (cgo for Fyne/GLFW), windres
  msitools wixl            # wixl builds the MSI; msiinfo/msiextract check it
  osslsigncode             # Authenticode signing and verification
  dpkg-dev fakeroot        # .deb
  desktop-file-utils       # desktop-file-validate
  shellcheck               # the scripts, macOS one included
  librsvg2-bin             # rsvg-convert: icon sizes from the SVG (packaging/icons.sh)
  python3                  # Info.plist check (plistlib)
)
exec bash scripts/deps.sh "${pkgs[@]}"
