#!/usr/bin/env bash
# Installs the Debian packages mynadesk needs to build and test, skipping
# what is already there. Runs apt-get as root (directly, or through sudo).
set -euo pipefail
pkgs=(pcscd libpcsclite-dev vsmartcard-vpcd pcsc-tools
      libgl1-mesa-dev xorg-dev xvfb imagemagick fonts-morisawa-bizud-gothic fonts-ipaexfont-gothic
      fonts-noto-cjk
      openssl gcc pkg-config ca-certificates
      postgresql chromium fonts-ipafont-gothic)
# The Windows lane (make test-windows): Wine, the mingw-w64 cross compiler
# for the app and the test stand-in DLLs, a display, keyboard and screenshots
# for the app, a terminal for the console PIN prompt.
pkgs+=(wine wine64 gcc-mingw-w64-x86-64 msitools wixl osslsigncode
       xvfb xdotool x11-utils imagemagick fontconfig tmux jq curl util-linux)
pkgs+=("$@")
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep "install ok installed" >/dev/null || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
