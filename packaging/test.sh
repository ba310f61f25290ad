#!/usr/bin/env bash
# Packaging checks: builds the Windows MSI and the Linux .deb (unless
# --no-build) and checks what was built, the macOS files that can be checked
# without a Mac, the icons and the scripts. Prints PASS/FAIL per check and a
# summary; exits 1 if any check failed.
#   packaging/test.sh [--no-build]
set -uo pipefail
# shellcheck source=packaging/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$PKG_ROOT" || exit 1

build=1
[ "${1:-}" = "--no-build" ] && build=0
# shellcheck source=packaging/checks.sh
. "$PKG_DIR/checks.sh"
# re_escape TEXT: TEXT as an extended regular expression matching itself.
# shellcheck disable=SC2016,SC2001
re_escape() { sed 's/[][\.*^$()+?{}|]/\\&/g' <<<"$1"; }
# has_font NAME FILE: PASS if FILE holds the bytes of every embedded font
# (a slice from the middle of each .ttf), so the app shows Japanese.
has_font() {
  local out
  if out="$(python3 - "$2" "${FONT_FILES[@]/#/assets/fonts/}" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
for f in sys.argv[2:]:
    b = open(f, "rb").read()
    if len(b) < 4096 or data.find(b[len(b) // 2:len(b) // 2 + 256]) < 0:
        print("not embedded:", f)
PY
)" && [ -z "$out" ]; then ok "$1"; else bad "$1" "$out"; fi
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
t0=$SECONDS

if [ $build = 1 ]; then
  bash "$PKG_DIR/deps.sh" || exit 1
  bash scripts/font.sh || exit 1
  # Build output is shown as it comes (the Windows GUI build is long).
  if bash "$PKG_DIR/build.sh" windows; then ok "build: Windows MSI (packaging/windows/build.sh)"; else bad "build: Windows MSI (packaging/windows/build.sh)"; fi
  if bash "$PKG_DIR/build.sh" linux; then ok "build: Linux .deb (packaging/linux/build.sh)"; else bad "build: Linux .deb (packaging/linux/build.sh)"; fi
fi
tb=$SECONDS

echo "--- font"
check "font: assets/fonts has ${FONT_FILES[*]} and $FONT_LICENSE (scripts/font.sh --check)" bash scripts/font.sh --check
# Without the font the check fails loudly (so no package is built without it).
mkdir -p "$tmp/nofont/scripts" "$tmp/nofont/assets/fonts"
cp scripts/font.sh "$tmp/nofont/scripts/"
cp "$FONT_LICENSE_PATH" "$tmp/nofont/assets/fonts/"
if out="$(bash "$tmp/nofont/scripts/font.sh" --check 2>&1)"; then
  bad "font: the build stops when assets/fonts has no font" "font.sh --check passed on an empty assets/fonts"
else
  has "font: the build stops when assets/fonts has no font" "$out" 'is missing: the app would show no Japanese'
fi

echo "--- scripts"
mapfile -t scripts < <(find packaging scripts -name '*.sh' \( -path 'packaging/*' -o -name 'package*.sh' \) | sort)
check "shellcheck: ${#scripts[@]} scripts (macOS build-app.sh included)" shellcheck -x "${scripts[@]}"

echo "--- icons"
check "icons: .ico has 16 24 32 48 64 256, .icns has 16…1024" \
  go run ./packaging/mkicons check assets/icons/mynadesk.ico assets/icons/mynadesk.icns
mkdir -p "$tmp/icons"
cp -R assets/icons/png "$tmp/icons/"
if go run ./packaging/mkicons build "$tmp/icons" &&
  cmp -s "$tmp/icons/mynadesk.ico" assets/icons/mynadesk.ico && cmp -s "$tmp/icons/mynadesk.icns" assets/icons/mynadesk.icns; then
  ok "icons: committed .ico/.icns are what the committed PNGs make"
else
  bad "icons: committed .ico/.icns differ from the PNGs (run packaging/icons.sh)"
fi
sizes="$(for f in assets/icons/png/mynadesk-*.png; do
  python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(24); w,h=struct.unpack(">II",d[16:24]); print(sys.argv[1].split("-")[-1][:-4], w, h)' "$f"
done)"
want_sizes="16 22 24 32 48 64 128 256 512 1024"
bad_sizes="$(awk '$1!=$2 || $1!=$3' <<<"$sizes")"
got_sizes="$(awk '{print $1}' <<<"$sizes" | sort -n | tr '\n' ' ' | sed 's/ $//')"
if [ -z "$bad_sizes" ] && [ "$got_sizes" = "$want_sizes" ]; then ok "icons: PNGs at $want_sizes px"; else bad "icons: PNG sizes" "got: $got_sizes; wrong: $bad_sizes"; fi

echo "--- macOS (checkable here)"
bash "$PKG_DIR/macos/plist.sh" "$tmp/Info.plist"
check "macOS: Info.plist is a valid XML plist with CFBundleURLTypes=$URL_SCHEME, version $VERSION, LSMinimumSystemVersion $MACOS_MIN" \
  python3 "$PKG_DIR/macos/check_plist.py" "$tmp/Info.plist" "$URL_SCHEME" "$VERSION" "$BUNDLE_ID" "$MACOS_MIN"
check "macOS: entitlements.plist is a valid XML plist" \
  python3 -c 'import plistlib,sys; plistlib.load(open(sys.argv[1],"rb"))' "$PKG_DIR/macos/entitlements.plist"
if python3 -c 'import yaml' 2>/dev/null; then
  check "macOS: .github/workflows/macos.yml is valid YAML running build-app.sh" \
    python3 -c 'import yaml,sys; d=yaml.safe_load(open(sys.argv[1])); assert "build-app.sh" in str(d["jobs"])' .github/workflows/macos.yml
fi

echo "--- Windows"
msi="$PKG_OUT/$PRODUCT_NAME-$VERSION-x64.msi"
ca="${MYNADESK_SIGN_CA:-$PKG_OUT/testsign/ca.pem}"
if [ ! -s "$msi" ]; then
  bad "Windows: $msi exists"
else
  ok "Windows: $(basename "$msi") ($(du -h "$msi" | cut -f1))"
  tables="$(msiinfo tables "$msi" 2>&1)"
  for tb_ in File Component Directory Feature Shortcut Registry Upgrade Property Icon; do
    grep -qx "$tb_" <<<"$tables" || bad "Windows: MSI has a $tb_ table"
  done
  ok "Windows: MSI tables listed (msiinfo tables)"
  ex() { msiinfo export "$msi" "$1" 2>&1 | tr -d '\r'; }
  file_t="$(ex File)" comp_t="$(ex Component)" dir_t="$(ex Directory)" sc_t="$(ex Shortcut)"
  reg_t="$(ex Registry)" prop_t="$(ex Property)" up_t="$(ex Upgrade)" seq_t="$(ex InstallExecuteSequence)"
  has "Windows: File table has mynadesk.exe" "$file_t" $'^mynadesk\\.exe\tMynadeskExe\t([^\t]*\\|)?mynadesk\\.exe\t'
  has "Windows: File table has mynactl.exe" "$file_t" $'^mynactl\\.exe\tMynactlExe\t([^\t]*\\|)?mynactl\\.exe\t'
  has "Windows: installs into Program Files (64-bit)\\mynadesk" "$dir_t" $'^INSTALLDIR\tProgramFiles64Folder\t([^\t]*\\|)?mynadesk$'
  has "Windows: components are 64-bit (msidbComponentAttributes64bit)" "$comp_t" $'^MynadeskExe\t\\{[0-9A-F-]+\\}\tINSTALLDIR\t(256|260)\t'
  has "Windows: Start-menu shortcut to mynadesk.exe" "$sc_t" $'^[^\t]+\tProgramMenuFolder\t([^\t]*\\|)?mynadesk\t[^\t]+\t\\[INSTALLDIR\\]mynadesk\\.exe\t'
  has "Windows: HKLM\\Software\\Classes\\$URL_SCHEME = URL:… Protocol" "$reg_t" $'^[^\t]+\t2\tSoftware\\\\Classes\\\\'"$URL_SCHEME"$'\\\\?\t\tURL:'
  has "Windows: HKLM\\Software\\Classes\\$URL_SCHEME has \"URL Protocol\"" "$reg_t" $'^[^\t]+\t2\tSoftware\\\\Classes\\\\'"$URL_SCHEME"$'\\\\?\tURL Protocol\t'
  has "Windows: …\\shell\\open\\command = \"[INSTALLDIR]mynadesk.exe\" \"%1\"" "$reg_t" \
    $'^[^\t]+\t2\tSoftware\\\\Classes\\\\'"$URL_SCHEME"$'\\\\shell\\\\open\\\\command\\\\?\t\t"\\[INSTALLDIR\\]mynadesk\\.exe" "%1"\t'
  has "Windows: ProductVersion $VERSION" "$prop_t" $'^ProductVersion\t'"${VERSION//./\\.}"'$'
  has "Windows: UpgradeCode is the stable one from product.env" "$prop_t" $'^UpgradeCode\t\\{'"$UPGRADE_CODE"'\}$'
  has "Windows: per-machine (ALLUSERS=1)" "$prop_t" $'^ALLUSERS\t1$'
  has "Windows: Manufacturer from product.env" "$prop_t" $'^Manufacturer\t'"$MANUFACTURER"'$'
  has "Windows: MajorUpgrade finds earlier versions (Upgrade table)" "$up_t" $'^\\{'"$UPGRADE_CODE"$'\\}\t\t'"${VERSION//./\\.}"$'\t'
  has "Windows: MajorUpgrade removes the earlier version (RemoveExistingProducts)" "$seq_t" $'^RemoveExistingProducts\t'
  lc_t="$(ex LaunchCondition)" as_t="$(ex AppSearch)" rl_t="$(ex RegLocator)"
  has "Windows: launch condition Windows 10 or later (LaunchCondition: Installed OR WINMAJORVERSION >= \"#10\")" "$lc_t" \
    $'^Installed OR WINMAJORVERSION >= "#10"\t'"$(re_escape "$WIN10_MESSAGE")"' *$'
  has "Windows: the database codepage is 932 (the Japanese message reads back)" "$(ex _ForceCodepage)" $'^932\t_ForceCodepage$'
  has "Windows: WINMAJORVERSION from the registry (AppSearch)" "$as_t" $'^WINMAJORVERSION\tWinMajorVersion$'
  # Type 18 = raw value (2) read from the 64-bit view (16).
  has "Windows: …\\Windows NT\\CurrentVersion CurrentMajorVersionNumber, raw, 64-bit (RegLocator)" "$rl_t" \
    $'^WinMajorVersion\t2\tSOFTWARE\\\\Microsoft\\\\Windows NT\\\\CurrentVersion\tCurrentMajorVersionNumber\t18$'
  has "Windows: AppSearch runs before LaunchConditions" "$(ex InstallExecuteSequence | awk -F'\t' '$1=="AppSearch"||$1=="LaunchConditions"{print $1, $3}' | sort -k2 -n | tr '\n' ' ')" \
    '^AppSearch [0-9]+ LaunchConditions [0-9]+ $'
  has "Windows: File table has the font licence $FONT_LICENSE" "$file_t" $'^FontLicense\tFontLicense\t([^\t]*\\|)?'"${FONT_LICENSE//./\\.}"$'\t'
  ca_t="$(ex CustomAction | tail -n +4)"
  if grep -vq 'WIX_\|^$' <<<"$ca_t"; then bad "Windows: no custom actions (clean uninstall)" "$ca_t"; else ok "Windows: no custom actions (uninstall removes exactly what was installed)"; fi

  mkdir -p "$tmp/msi"
  if (cd "$tmp/msi" && msiextract "$msi" >/dev/null 2>&1); then
    ok "Windows: MSI extracts (msiextract)"
  else
    bad "Windows: MSI extracts (msiextract)"
  fi
  check "Windows: MSI signature verifies against $(basename "$ca")" osslsigncode verify -CAfile "$ca" -in "$msi"
  for exe in mynadesk mynactl; do
    f="$(find "$tmp/msi" -name "$exe.exe" | head -1)"
    if [ -z "$f" ]; then bad "Windows: $exe.exe inside the MSI"; continue; fi
    check "Windows: $exe.exe (inside the MSI) signature verifies" osslsigncode verify -CAfile "$ca" -in "$f"
    # -trimpath keeps -ldflags out of `go version -m`, and the exe cannot run
    # here: look for the -X string itself (the manifest's "V.0" excluded).
    check "Windows: $exe.exe holds the -X main.Version string $VERSION" python3 -c '
import re, sys
data = open(sys.argv[1], "rb").read()
sys.exit(0 if re.search(re.escape(sys.argv[2].encode()) + rb"(?![.0-9])", data) else 1)' "$f" "$VERSION"
    has "Windows: $exe.exe is a 64-bit PE" "$(x86_64-w64-mingw32-objdump -f "$f" 2>&1)" 'file format pei-x86-64'
    res="$(python3 - "$f" "$VERSION" "$COPYRIGHT" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
for s in ("ProductVersion", "FileDescription", sys.argv[2], sys.argv[3]):
    if s.encode("utf-16-le") not in data:
        print("missing in the version resource:", s)
PY
)"
    if [ -z "$res" ]; then ok "Windows: $exe.exe has version info ($VERSION, copyright)"; else bad "Windows: $exe.exe version info" "$res"; fi
  done
  f="$(find "$tmp/msi" -name "$FONT_LICENSE" | head -1)"
  if [ -n "$f" ] && cmp -s "$f" "$FONT_LICENSE_PATH"; then
    ok "Windows: the MSI installs the font licence ($FONT_LICENSE, into INSTALLDIR)"
  else
    bad "Windows: the MSI installs the font licence ($FONT_LICENSE, into INSTALLDIR)"
  fi
  f="$(find "$tmp/msi" -name mynadesk.exe | head -1)"
  [ -z "$f" ] || has_font "Windows: mynadesk.exe embeds the Japanese font (${FONT_FILES[*]})" "$f"
  [ -z "$f" ] || has "Windows: mynadesk.exe is a GUI program (no console window)" \
    "$(x86_64-w64-mingw32-objdump -p "$f" 2>&1)" 'Subsystem[[:space:]]+0*2[[:space:]]'
  f="$(find "$tmp/msi" -name mynactl.exe | head -1)"
  [ -z "$f" ] || has "Windows: mynactl.exe is a console program" \
    "$(x86_64-w64-mingw32-objdump -p "$f" 2>&1)" 'Subsystem[[:space:]]+0*3[[:space:]]'
  # The next version's MSI, made from the same programs: it must carry the
  # same UpgradeCode (so MajorUpgrade replaces this one in place) and a new
  # ProductCode.
  up="$tmp/upgrade"
  mkdir -p "$up"
  next="$VERSION_MAJOR.$VERSION_MINOR.$((VERSION_PATCH + 1))"
  cp "$PKG_OUT/windows/msi/"*.exe "$PKG_OUT/windows/msi/mynadesk.ico" "$PKG_OUT/windows/msi/$FONT_LICENSE" "$up/" 2>/dev/null
  if MYNADESK_VERSION="$next" bash "$PKG_DIR/windows/wxs.sh" >"$up/mynadesk.wxs" &&
    (cd "$up" && wixl -a x64 -o next.msi mynadesk.wxs >/dev/null 2>&1); then
    nprop="$(msiinfo export "$up/next.msi" Property | tr -d '\r')"
    code() { grep -E "^$1"$'\t' <<<"$2" | cut -f2; }
    if [ "$(code UpgradeCode "$nprop")" = "$(code UpgradeCode "$prop_t")" ] &&
      [ "$(code ProductCode "$nprop")" != "$(code ProductCode "$prop_t")" ] &&
      [ "$(code ProductVersion "$nprop")" = "$next" ]; then
      ok "Windows: the $next MSI keeps the UpgradeCode, gets a new ProductCode (in-place upgrade)"
    else
      bad "Windows: the $next MSI keeps the UpgradeCode, gets a new ProductCode (in-place upgrade)" "$nprop"
    fi
  else
    bad "Windows: an MSI for the next version builds"
  fi
  cp "$msi" "$tmp/tampered.msi"
  printf 'x' | dd of="$tmp/tampered.msi" bs=1 seek=$(( $(stat -c %s "$msi") / 2 )) conv=notrunc 2>/dev/null
  if osslsigncode verify -CAfile "$ca" -in "$tmp/tampered.msi" >/dev/null 2>&1; then
    bad "Windows: a changed MSI fails verification"
  else
    ok "Windows: a changed MSI fails verification"
  fi
fi

echo "--- Linux"
arch="$(dpkg --print-architecture)"
deb="$PKG_OUT/${PRODUCT_NAME}_${VERSION}_${arch}.deb"
if [ ! -s "$deb" ]; then
  bad "Linux: $deb exists"
else
  ok "Linux: $(basename "$deb") ($(du -h "$deb" | cut -f1))"
  ctl="$(dpkg-deb -f "$deb" 2>&1)"
  has "Linux: control Version $VERSION" "$ctl" "^Version: ${VERSION//./\\.}$"
  for d in pcscd libpcsclite1 libgl1 libx11-6; do
    has "Linux: Depends on $d" "$ctl" "^Depends: (.*, )?$d( |,|$)"
  done
  list="$(dpkg-deb -c "$deb" 2>&1)"
  for p in usr/bin/mynadesk usr/bin/mynactl usr/share/applications/$PRODUCT_NAME.desktop; do
    has "Linux: ships /$p" "$list" "\\./$p\$"
  done
  n=0
  for s in 16 22 24 32 48 64 128 256 512; do
    grep -q "\\./usr/share/icons/hicolor/${s}x${s}/apps/$PRODUCT_NAME.png$" <<<"$list" && n=$((n + 1))
  done
  if [ $n = 9 ]; then ok "Linux: hicolor icons 16…512"; else bad "Linux: hicolor icons 16…512" "$n of 9 sizes"; fi
  has "Linux: ships the font licence /usr/share/doc/$PRODUCT_NAME/$FONT_LICENSE" "$list" "\\./usr/share/doc/$PRODUCT_NAME/${FONT_LICENSE//./\\.}\$"
  has "Linux: files owned by root" "$list" '^-rwxr-xr-x root/root .* \./usr/bin/mynactl$'

  # Install into an empty root with dpkg itself, run it, remove it.
  r="$tmp/root"
  mkdir -p "$r/var/lib/dpkg/info" "$r/var/lib/dpkg/updates"
  : >"$r/var/lib/dpkg/status"
  : >"$r/var/lib/dpkg/available"
  if out="$(dpkg --root="$r" --force-depends --force-not-root --force-script-chrootless -i "$deb" 2>&1)"; then
    ok "Linux: dpkg --root installs it into a fresh folder"
  else
    bad "Linux: dpkg --root installs it into a fresh folder" "$out"
  fi
  [ ! -s "$r/usr/bin/mynadesk" ] || has_font "Linux: mynadesk embeds the Japanese font (${FONT_FILES[*]})" "$r/usr/bin/mynadesk"
  if cmp -s "$r/usr/share/doc/$PRODUCT_NAME/$FONT_LICENSE" "$FONT_LICENSE_PATH"; then ok "Linux: the font licence installs"; else bad "Linux: the font licence installs"; fi
  desk="$r/usr/share/applications/$PRODUCT_NAME.desktop"
  if [ -s "$desk" ]; then
    check "Linux: desktop-file-validate" desktop-file-validate "$desk"
    has "Linux: .desktop handles x-scheme-handler/$URL_SCHEME" "$(cat "$desk")" "^MimeType=(.*;)?x-scheme-handler/$URL_SCHEME;"
    has "Linux: .desktop runs mynadesk %u" "$(cat "$desk")" '^Exec=mynadesk %u$'
  else
    bad "Linux: installed .desktop file"
  fi
  has "Linux: installed mynactl --version says $VERSION" "$("$r/usr/bin/mynactl" --version 2>&1)" "^mynactl ${VERSION//./\\.}$"
  has "Linux: installed mynactl version says $VERSION" "$("$r/usr/bin/mynactl" version 2>&1)" "^mynactl ${VERSION//./\\.}$"
  has "Linux: installed mynadesk --version says $VERSION" "$("$r/usr/bin/mynadesk" --version 2>&1)" "^mynadesk ${VERSION//./\\.}$"
  has "Linux: dpkg lists it installed" "$(dpkg --root="$r" -s "$PRODUCT_NAME" 2>&1)" '^Status: install ok installed$'
  if out="$(dpkg --root="$r" --force-not-root --force-script-chrootless --purge "$PRODUCT_NAME" 2>&1)" &&
    [ -z "$(find "$r/usr" -type f 2>/dev/null)" ]; then
    ok "Linux: dpkg --purge removes every file"
  else
    bad "Linux: dpkg --purge removes every file" "$out$(find "$r/usr" -type f 2>/dev/null)"
  fi
fi

te=$SECONDS
echo
echo "packaging: build $((tb - t0)) s, checks $((te - tb)) s"
checks_summary "packaging: " || exit 1
