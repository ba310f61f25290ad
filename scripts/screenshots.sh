#!/bin/sh
# Screenshots of every mynadesk screen and error state, taken under Xvfb with
# the real Fyne driver against the virtual card and a loopback booking
# service (ui/internal/shots). Output: out/screenshots/NN-name.png.
#
# Needs: Xvfb, ImageMagick (import), the GL/X11 dev packages for the build.
# The Japanese font must be in assets/fonts (see assets/fonts/README.md);
# scripts/font.sh copies it from the OS package when it is missing.
set -eu
cd "$(dirname "$0")/.."
out=${1:-out/screenshots}
bash scripts/font.sh
mkdir -p "$out" bin
rm -f "$out"/*.png
go build -o bin/mynadesk-shots ./ui/internal/shots

# A free display number.
d=90
while [ -e /tmp/.X$d-lock ] || [ -e /tmp/.X11-unix/X$d ]; do d=$((d + 1)); done
Xvfb :$d -screen 0 960x760x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT INT TERM
i=0
while [ ! -e /tmp/.X11-unix/X$d ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done

# A fresh per-user config, so no settings of the machine leak in.
home=$(mktemp -d)
HOME=$home XDG_CONFIG_HOME=$home/.config LANG=ja_JP.UTF-8 DISPLAY=:$d \
	timeout 600 bin/mynadesk-shots "$out" 2>&1 | grep -v -e 'Fyne error' -e 'Cause:' -e '  At:' || true
rm -rf "$home"
n=$(find "$out" -maxdepth 1 -name "*.png" | wc -l)
echo "screenshots: $n in $out"
[ "$n" -ge 30 ]
