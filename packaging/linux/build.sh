#!/usr/bin/env bash
# Builds the Debian package out/package/mynadesk_VERSION_ARCH.deb for this
# machine's architecture: /usr/bin/{mynadesk,mynactl}, the .desktop file
# that makes mynadesk the x-scheme-handler/mynadesk (Exec=mynadesk %u),
# the hicolor icons, and Depends on pcscd and the runtime libraries.
# Menus and the icon cache are refreshed by dpkg's triggers
# (desktop-file-utils, hicolor-icon-theme), so no maintainer scripts.
# The Japanese font must be in assets/fonts (make font); its licence goes to
# /usr/share/doc/mynadesk/.
set -euo pipefail
# shellcheck source=packaging/lib.sh
. "$(dirname "$0")/../lib.sh"
need go gcc dpkg-deb
need_font

cd "$PKG_ROOT"
arch="$(dpkg --print-architecture)"
root="$PKG_OUT/linux/root"
deb="$PKG_OUT/${PRODUCT_NAME}_${VERSION}_${arch}.deb"
# Nothing stale survives a failed build.
rm -rf "$PKG_OUT/linux" "$deb"
mkdir -p "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/applications" \
  "$root/usr/share/doc/$PRODUCT_NAME" "$root/usr/share/icons/hicolor/scalable/apps"

log "mynactl, mynadesk $VERSION for linux/$arch (cgo: PC/SC via libpcsclite, GL/X11 via GLFW)"
CGO_ENABLED=1 go build "${GO_FLAGS[@]}" -ldflags "$GO_LDFLAGS" -o "$root/usr/bin/" ./cmd/mynactl ./cmd/mynadesk

subst "$PKG_DIR/linux/mynadesk.desktop.in" >"$root/usr/share/applications/$PRODUCT_NAME.desktop"
for s in 16 22 24 32 48 64 128 256 512; do
  d="$root/usr/share/icons/hicolor/${s}x${s}/apps"
  mkdir -p "$d"
  cp "assets/icons/png/mynadesk-$s.png" "$d/$PRODUCT_NAME.png"
done
cp assets/icons/mynadesk.svg "$root/usr/share/icons/hicolor/scalable/apps/$PRODUCT_NAME.svg"
{
  echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
  echo "Upstream-Name: $PRODUCT_NAME"
  echo "Source: $HOMEPAGE"
  echo
  echo "Files: *"
  echo "Copyright: ${COPYRIGHT#Copyright (C) }"
  echo "License: Apache-2.0"
  echo " On Debian systems the full text is in /usr/share/common-licenses/Apache-2.0."
  echo
  echo "Files: usr/bin/mynadesk (embedded font BIZ UDPGothic)"
  echo "Copyright: 2022 The BIZ UDGothic Project Authors"
  echo "License: OFL-1.1"
  echo " The full text is in /usr/share/doc/$PRODUCT_NAME/$FONT_LICENSE."
} >"$root/usr/share/doc/$PRODUCT_NAME/copyright"
cp "$FONT_LICENSE_PATH" "$root/usr/share/doc/$PRODUCT_NAME/$FONT_LICENSE"

size="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
subst "$PKG_DIR/linux/control.in" | sed -e "s|@ARCH@|$arch|g" -e "s|@INSTALLED_SIZE@|$size|g" >"$root/DEBIAN/control"
find "$root" -type d -exec chmod 0755 {} +
find "$root" -type f -exec chmod 0644 {} +
chmod 0755 "$root/usr/bin/"*

dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
log "built $deb"
