# shellcheck shell=bash
# Shared by the packaging scripts: the product's name/version from
# packaging/product.env, paths, and small helpers. Sourced, not run.

PKG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PKG_DIR="$PKG_ROOT/packaging"
# Everything built goes under out/package (out/ is git-ignored).
PKG_OUT="${PKG_OUT:-$PKG_ROOT/out/package}"
export PATH="$PATH:/usr/local/go/bin"

# shellcheck source=packaging/product.env
. "$PKG_DIR/product.env"
# A release build may set MYNADESK_VERSION; it must look like VERSION.
VERSION="${MYNADESK_VERSION:-$VERSION}"
if ! [[ "$VERSION" =~ ^([0-9]+)\.([0-9]+)\.([0-9]+)$ ]]; then
  echo "packaging: version '$VERSION' is not MAJOR.MINOR.PATCH" >&2
  exit 2
fi
VERSION_MAJOR="${BASH_REMATCH[1]}"
VERSION_MINOR="${BASH_REMATCH[2]}"
VERSION_PATCH="${BASH_REMATCH[3]}"
if (( VERSION_MAJOR > 255 || VERSION_MINOR > 255 || VERSION_PATCH > 65535 )); then
  echo "packaging: version '$VERSION' exceeds Windows Installer's 255.255.65535" >&2
  exit 2
fi
export VERSION VERSION_MAJOR VERSION_MINOR VERSION_PATCH

# -X main.Version for every command; -s -w keep the packages small,
# -trimpath keeps build paths out of the binaries. (Used by the scripts
# that source this file.)
# shellcheck disable=SC2034
GO_LDFLAGS="-s -w -X main.Version=$VERSION"
# shellcheck disable=SC2034
GO_FLAGS=(-trimpath)

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'packaging: %s\n' "$*" >&2; exit 1; }

# need CMD... fails with the Debian package to install when a tool is missing.
need() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null 2>&1 || die "$c is missing: run packaging/deps.sh (as root)"
  done
}

# subst FILE: prints FILE with @KEY@ replaced by the product variables.
subst() {
  sed -e "s|@PRODUCT_NAME@|$PRODUCT_NAME|g" \
      -e "s|@DISPLAY_NAME@|$DISPLAY_NAME|g" \
      -e "s|@DISPLAY_NAME_EN@|$DISPLAY_NAME_EN|g" \
      -e "s|@DESCRIPTION@|$DESCRIPTION|g" \
      -e "s|@DESCRIPTION_EN@|$DESCRIPTION_EN|g" \
      -e "s|@VERSION@|$VERSION|g" \
      -e "s|@VERSION_MAJOR@|$VERSION_MAJOR|g" \
      -e "s|@VERSION_MINOR@|$VERSION_MINOR|g" \
      -e "s|@VERSION_PATCH@|$VERSION_PATCH|g" \
      -e "s|@COPYRIGHT@|$COPYRIGHT|g" \
      -e "s|@MANUFACTURER@|$MANUFACTURER|g" \
      -e "s|@HOMEPAGE@|$HOMEPAGE|g" \
      -e "s|@MAINTAINER@|$MAINTAINER|g" \
      -e "s|@BUNDLE_ID@|$BUNDLE_ID|g" \
      -e "s|@URL_SCHEME@|$URL_SCHEME|g" \
      -e "s|@UPGRADE_CODE@|$UPGRADE_CODE|g" \
      -e "s|@MACOS_MIN@|$MACOS_MIN|g" \
      -e "s|@FONT_LICENSE@|$FONT_LICENSE|g" \
      -e "s|@WIN10_PLACEHOLDER@|$WIN10_PLACEHOLDER|g" \
      "$1"
}

# The Japanese font every package embeds in mynadesk, and its licence, which
# every package ships beside the programs (scripts/font.sh copies the font).
# shellcheck disable=SC2034
FONT_FILES=(BIZUDPGothic-Regular.ttf BIZUDPGothic-Bold.ttf)
FONT_LICENSE=BIZUDGothic-OFL.txt
# The MSI's launch condition message. wixl cannot write Japanese into a
# table, so the .wxs carries WIN10_PLACEHOLDER (ASCII, long enough for the
# message in CP932) and packaging/msitext puts the message in its place
# (windows/build.sh, before signing).
# shellcheck disable=SC2034
WIN10_MESSAGE="mynadesk は Windows 10 以降(64 ビット版)で動きます。Windows を更新してからインストールしてください。 / mynadesk requires Windows 10 or later (64-bit)."
# shellcheck disable=SC2034
WIN10_PLACEHOLDER="MYNADESK_WIN10_MESSAGE_$(printf '%0200d' 0 | tr 0 x)"
# shellcheck disable=SC2034
FONT_LICENSE_PATH="$PKG_ROOT/assets/fonts/$FONT_LICENSE"

# need_font fails the build when assets/fonts lacks the font or its licence:
# without it the app shows no Japanese.
need_font() {
  bash "$PKG_ROOT/scripts/font.sh" --check || die "the Japanese font is missing from assets/fonts: run make font (scripts/font.sh)"
}

# winmain SRCDIR NAME: copies the main package SRCDIR (and any files it
# embeds; without tests) to
# out/_win/NAME and prints that directory. The Windows resource (.syso)
# is dropped next to the copy, so nothing is written into cmd/; the
# leading "_" keeps the copy out of `go test ./...`.
winmain() {
  local src="$1" dst="$PKG_ROOT/out/_win/$2"
  rm -rf "$dst"
  mkdir -p "$dst"
  cp -R "$src/." "$dst/"
  rm -rf "$dst/testdata"
  find "$dst" -name '*_test.go' -delete
  echo "$dst"
}
