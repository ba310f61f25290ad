#!/usr/bin/env bash
# Copies the Japanese font the app embeds (BIZ UDPGothic regular and bold,
# SIL OFL 1.1) into assets/fonts/ from where the OS keeps it, and fails
# loudly when it cannot: every package must embed it (`make font`, called by
# `make build` and `make package`). The font is never committed; its licence,
# assets/fonts/BIZUDGothic-OFL.txt, is.
#   scripts/font.sh            copy (if missing or changed) and check
#   scripts/font.sh --check    check only: exit 1 without the font or licence
# Searched: $MYNADESK_FONT_DIR, Debian's fonts-morisawa-bizud-gothic
# (scripts/deps.sh installs it), and on a Mac ~/Library/Fonts and
# /Library/Fonts (Homebrew: brew install --cask font-biz-udpgothic).
set -euo pipefail
cd "$(dirname "$0")/.."
files=(BIZUDPGothic-Regular.ttf BIZUDPGothic-Bold.ttf)
license=assets/fonts/BIZUDGothic-OFL.txt
dirs=("${MYNADESK_FONT_DIR:-}" /usr/share/fonts/truetype/bizud-gothic "$HOME/Library/Fonts" /Library/Fonts)

fail() { printf 'font: %s\n' "$*" >&2; exit 1; }
[ -s "$license" ] || fail "$license is missing (it is committed: restore it from git)"
if [ "${1:-}" != "--check" ]; then
  for f in "${files[@]}"; do
    src=""
    for d in "${dirs[@]}"; do
      if [ -n "$d" ] && [ -s "$d/$f" ]; then src="$d/$f"; break; fi
    done
    [ -n "$src" ] || fail "$f not found in ${dirs[*]}: install fonts-morisawa-bizud-gothic (make deps) or set MYNADESK_FONT_DIR"
    cmp -s "$src" "assets/fonts/$f" || cp "$src" "assets/fonts/$f"
  done
fi
for f in "${files[@]}"; do
  [ -s "assets/fonts/$f" ] || fail "assets/fonts/$f is missing: the app would show no Japanese (run make font)"
  # A TrueType font starts with 00 01 00 00; anything else is not the font.
  [ "$(head -c 4 "assets/fonts/$f" | od -An -tx1 | tr -d ' \n')" = 00010000 ] ||
    fail "assets/fonts/$f is not a TrueType font"
done
