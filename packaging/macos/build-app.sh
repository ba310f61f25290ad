#!/usr/bin/env bash
# Builds the universal (arm64 + x86_64) mynadesk.app, signs it, wraps it in
# a .dmg, and notarizes and staples the .dmg. Runs on a Mac (Xcode command
# line tools, Go); .github/workflows/macos.yml runs it on GitHub's runners.
#   out/package/macos/mynadesk.app        (mynactl inside: Contents/MacOS/mynactl)
#   out/package/mynadesk-VERSION-macos.dmg
#
# Signing (without these the app is signed ad hoc: it runs on the machine
# that built it; Gatekeeper elsewhere refuses it):
#   MYNADESK_MAC_SIGN_IDENTITY   "Developer ID Application: NAME (TEAMID)", in the keychain
#   MYNADESK_MAC_KEYCHAIN        keychain holding it (optional)
# Notarization (needs the identity; one of):
#   MYNADESK_NOTARY_PROFILE      a `xcrun notarytool store-credentials` profile, or
#   MYNADESK_NOTARY_KEY, MYNADESK_NOTARY_KEY_ID, MYNADESK_NOTARY_ISSUER
#                                an App Store Connect API key (.p8 path, key id, issuer id), or
#   MYNADESK_NOTARY_APPLE_ID, MYNADESK_NOTARY_TEAM_ID, MYNADESK_NOTARY_PASSWORD
#                                an Apple ID with an app-specific password
set -euo pipefail
# shellcheck source=packaging/lib.sh
. "$(dirname "$0")/../lib.sh"
[ "$(uname -s)" = Darwin ] || die "build-app.sh runs on macOS (the .app needs clang, lipo, codesign, hdiutil)"
need go clang lipo codesign hdiutil plutil xcrun python3
# The Japanese font from ~/Library/Fonts or /Library/Fonts (the workflow
# installs it with Homebrew: brew install --cask font-biz-udpgothic); fails
# without it.
bash "$PKG_ROOT/scripts/font.sh" || die "the Japanese font is missing: brew install --cask font-biz-udpgothic"

cd "$PKG_ROOT"
mac="$PKG_OUT/macos"
app="$mac/$PRODUCT_NAME.app"
dmg="$PKG_OUT/$PRODUCT_NAME-$VERSION-macos.dmg"
rm -rf "$mac" "$dmg"
mkdir -p "$app/Contents/MacOS" "$app/Contents/Resources" "$mac/bin"

export MACOSX_DEPLOYMENT_TARGET="$MACOS_MIN"
export CGO_CFLAGS="-mmacosx-version-min=$MACOS_MIN"
export CGO_LDFLAGS="-mmacosx-version-min=$MACOS_MIN"
for arch in arm64 amd64; do
  log "mynadesk, mynactl $VERSION for darwin/$arch"
  mkdir -p "$mac/bin/$arch"
  CGO_ENABLED=1 GOOS=darwin GOARCH="$arch" \
    go build "${GO_FLAGS[@]}" -ldflags "$GO_LDFLAGS" -o "$mac/bin/$arch/" ./cmd/mynadesk ./cmd/mynactl
done
for cmd in mynadesk mynactl; do
  lipo -create -output "$app/Contents/MacOS/$cmd" "$mac/bin/arm64/$cmd" "$mac/bin/amd64/$cmd"
  log "$cmd: $(lipo -archs "$app/Contents/MacOS/$cmd")"
done

bash "$PKG_DIR/macos/plist.sh" "$app/Contents/Info.plist"
plutil -lint "$app/Contents/Info.plist"
python3 "$PKG_DIR/macos/check_plist.py" "$app/Contents/Info.plist" "$URL_SCHEME" "$VERSION" "$BUNDLE_ID" "$MACOS_MIN"
printf 'APPL????' >"$app/Contents/PkgInfo"
cp assets/icons/mynadesk.icns "$app/Contents/Resources/mynadesk.icns"
cp "$FONT_LICENSE_PATH" "$app/Contents/Resources/$FONT_LICENSE"

identity="${MYNADESK_MAC_SIGN_IDENTITY:-}"
sign() {
  local opts=(--force --sign "${identity:--}")
  if [ -n "$identity" ]; then
    opts+=(--options runtime --timestamp --entitlements "$PKG_DIR/macos/entitlements.plist")
    [ -z "${MYNADESK_MAC_KEYCHAIN:-}" ] || opts+=(--keychain "$MYNADESK_MAC_KEYCHAIN")
  fi
  codesign "${opts[@]}" "$@"
}
log "code signing (${identity:-ad hoc})"
# Inner executables first, then the bundle (no --deep: it hides mistakes).
sign "$app/Contents/MacOS/mynactl"
sign "$app"
codesign --verify --strict --verbose=2 "$app"

log "disk image"
stage="$mac/dmg"
mkdir -p "$stage"
cp -R "$app" "$stage/"
ln -s /Applications "$stage/Applications"
hdiutil create -volname "$PRODUCT_NAME $VERSION" -srcfolder "$stage" -fs HFS+ -format UDZO -ov "$dmg" >/dev/null
[ -z "$identity" ] || sign "$dmg"

notary=()
if [ -n "${MYNADESK_NOTARY_PROFILE:-}" ]; then
  notary=(--keychain-profile "$MYNADESK_NOTARY_PROFILE")
elif [ -n "${MYNADESK_NOTARY_KEY:-}" ]; then
  notary=(--key "$MYNADESK_NOTARY_KEY" --key-id "${MYNADESK_NOTARY_KEY_ID:?}" --issuer "${MYNADESK_NOTARY_ISSUER:?}")
elif [ -n "${MYNADESK_NOTARY_APPLE_ID:-}" ]; then
  notary=(--apple-id "$MYNADESK_NOTARY_APPLE_ID" --team-id "${MYNADESK_NOTARY_TEAM_ID:?}" --password "${MYNADESK_NOTARY_PASSWORD:?}")
fi
if [ ${#notary[@]} -gt 0 ]; then
  [ -n "$identity" ] || die "notarization needs MYNADESK_MAC_SIGN_IDENTITY (a Developer ID)"
  log "notarizing (notarytool; waits for Apple's verdict)"
  xcrun notarytool submit "$dmg" "${notary[@]}" --wait
  xcrun stapler staple "$dmg"
  xcrun stapler validate "$dmg"
  spctl --assess --type open --context context:primary-signature --verbose=2 "$dmg"
else
  log "not notarized (no MYNADESK_NOTARY_* variables)"
fi
hdiutil verify "$dmg" >/dev/null
log "built $dmg"
