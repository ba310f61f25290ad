#!/bin/sh
# Screenshots of every mynadesk screen and error state, taken under Xvfb with
# the real Fyne driver against the virtual card and a loopback booking
# service (ui/internal/shots), at three screen sizes and in kiosk mode.
# Output: out/screenshots/SIZE/NN-name.png for 960x760, 1366x768 and
# 1920x1080, and out/screenshots/kiosk-1366x768/NN-name.png.
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

# shoot SIZE DIR [-kiosk]: one walk through the app on an Xvfb screen of SIZE.
shoot() {
	size=$1 dir=$2
	shift 2
	mkdir -p "$dir"
	rm -f "$dir"/*.png
	# A free display number.
	d=90
	while [ -e /tmp/.X$d-lock ] || [ -e /tmp/.X11-unix/X$d ]; do d=$((d + 1)); done
	Xvfb :$d -screen 0 "${size}x24" -nolisten tcp >/dev/null 2>&1 &
	xvfb=$!
	i=0
	while [ ! -e /tmp/.X11-unix/X$d ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	# A fresh per-user config, so no settings of the machine leak in.
	home=$(mktemp -d)
	HOME=$home XDG_CONFIG_HOME=$home/.config LANG=ja_JP.UTF-8 DISPLAY=:$d \
		timeout 600 bin/mynadesk-shots "$@" "$size" "$dir" 2>&1 | grep -v -e 'Fyne error' -e 'Cause:' -e '  At:' || true
	kill $xvfb 2>/dev/null || true
	wait $xvfb 2>/dev/null || true
	rm -rf "$home"
	n=$(find "$dir" -maxdepth 1 -name "*.png" | wc -l)
	echo "screenshots: $n in $dir"
	total=$((total + n))
}

total=0
for size in 960x760 1366x768 1920x1080; do
	shoot $size "$out/$size"
done
shoot 1366x768 "$out/kiosk-1366x768" -kiosk
echo "screenshots: $total in $out"
[ "$total" -ge 100 ]
