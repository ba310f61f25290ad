#!/usr/bin/env bash
# Renders assets/icons/mynadesk.svg at every size the platforms ask for and
# packs the .ico and .icns. The results are committed (small files), so a
# build does not need rsvg-convert; run this after changing the SVG.
#   Windows .ico: 16 24 32 48 64 256    macOS .icns: 16 32 64 128 256 512 1024
#   Linux hicolor: 16 22 24 32 48 64 128 256 512
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/assets/icons"
command -v rsvg-convert >/dev/null || { echo "icons: rsvg-convert missing (apt-get install librsvg2-bin)" >&2; exit 1; }
mkdir -p "$dir/png"
for s in 16 22 24 32 48 64 128 256 512 1024; do
  rsvg-convert -w "$s" -h "$s" "$dir/mynadesk.svg" -o "$dir/png/mynadesk-$s.png"
done
cd "$root"
go run ./packaging/mkicons build "$dir"
go run ./packaging/mkicons check "$dir/mynadesk.ico" "$dir/mynadesk.icns"
