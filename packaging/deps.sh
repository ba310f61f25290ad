#!/usr/bin/env bash
# Installs the Debian packages the packaging build and checks need, skipping
# what is already there (so `make package` can call it every time).
# Runs apt-get as root (directly, or through sudo).
set -euo pipefail
pkgs=(
  gcc pkg-config libpcsclite-dev libgl1-mesa-dev xorg-dev # native cgo: PC/SC, GLFW
  gcc-mingw-w64-x86-64     # Windows cross-build (cgo for Fyne/GLFW), windres
  msitools wixl            # wixl builds the MSI; msiinfo/msiextract check it
  osslsigncode openssl     # Authenticode signing and verification
  dpkg-dev fakeroot        # .deb
  desktop-file-utils       # desktop-file-validate
  shellcheck               # the scripts, macOS one included
  librsvg2-bin             # rsvg-convert: icon sizes from the SVG (packaging/icons.sh)
  python3                  # Info.plist check (plistlib)
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "packaging deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
