#!/usr/bin/env bash
# Cross-builds mynadesk.exe (GUI, no console) and mynactl.exe for 64-bit
# Windows with mingw-w64, stamps the version/icon/manifest resource into
# both, signs them, builds the MSI with wixl and signs it.
#   out/package/windows/{mynadesk,mynactl}.exe
#   out/package/mynadesk-VERSION-x64.msi
# The Japanese font must be in assets/fonts (make font): the build fails
# without it. Its licence is installed beside the programs.
# Signing: see packaging/windows/sign.sh (test certificate unless the
# MYNADESK_SIGN_* variables name the real one).
set -euo pipefail
# shellcheck source=packaging/lib.sh
. "$(dirname "$0")/../lib.sh"
need go x86_64-w64-mingw32-gcc x86_64-w64-mingw32-windres wixl osslsigncode
need_font

cd "$PKG_ROOT"
win="$PKG_OUT/windows"
stage="$win/msi"
msi="$PKG_OUT/$PRODUCT_NAME-$VERSION-x64.msi"
# Nothing stale survives a failed build.
rm -rf "$win" "$msi"
mkdir -p "$stage"
cp assets/icons/mynadesk.ico "$stage/mynadesk.ico"
cp "$FONT_LICENSE_PATH" "$stage/$FONT_LICENSE"

# resource NAME DESCRIPTION DIR: writes DIR/zz_resource_windows_amd64.syso.
resource() {
  local name="$1" desc="$2" dir="$3" tmp="$win/res-$1"
  mkdir -p "$tmp"
  cp assets/icons/mynadesk.ico "$tmp/mynadesk.ico"
  subst "$PKG_DIR/windows/app.manifest.in" | sed -e "s|@EXE@|$name|g" -e "s|@FILE_DESCRIPTION@|$desc|g" >"$tmp/app.manifest"
  subst "$PKG_DIR/windows/resource.rc.in" | sed -e "s|@EXE@|$name|g" -e "s|@FILE_DESCRIPTION@|$desc|g" \
    -e "s|@ICON@|mynadesk.ico|g" -e "s|@MANIFEST@|app.manifest|g" >"$tmp/resource.rc"
  (cd "$tmp" && x86_64-w64-mingw32-windres -c 65001 -O coff -i resource.rc -o "$dir/zz_resource_windows_amd64.syso")
}

log "mynactl.exe $VERSION (pure Go; PC/SC through winscard.dll)"
dir="$(winmain cmd/mynactl mynactl)"
resource mynactl "$DISPLAY_NAME (mynactl)" "$dir"
CGO_ENABLED=0 GOOS=windows GOARCH=amd64 \
  go build "${GO_FLAGS[@]}" -ldflags "$GO_LDFLAGS" -o "$stage/mynactl.exe" "./${dir#"$PKG_ROOT"/}"

log "mynadesk.exe $VERSION (Fyne, cgo with mingw-w64; the first build compiles GLFW for Windows)"
dir="$(winmain cmd/mynadesk mynadesk)"
resource mynadesk "$DISPLAY_NAME" "$dir"
CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc CXX=x86_64-w64-mingw32-g++ \
  go build "${GO_FLAGS[@]}" -ldflags "$GO_LDFLAGS -H=windowsgui" -o "$stage/mynadesk.exe" "./${dir#"$PKG_ROOT"/}"

log "signing the programs"
bash "$PKG_DIR/windows/sign.sh" "$stage/mynadesk.exe" "$stage/mynactl.exe"

log "MSI (wixl)"
bash "$PKG_DIR/windows/wxs.sh" >"$stage/mynadesk.wxs"
(cd "$stage" && wixl -a x64 -o "$msi" mynadesk.wxs)
# The Japanese launch-condition message, which wixl cannot write.
go run ./packaging/msitext "$msi" "$WIN10_PLACEHOLDER" "$WIN10_MESSAGE"
bash "$PKG_DIR/windows/sign.sh" "$msi"
cp "$stage/mynadesk.exe" "$stage/mynactl.exe" "$win/"
log "built $msi"
