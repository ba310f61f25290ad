#!/usr/bin/env bash
# Builds the Windows lane's test-only stand-ins (never packaged):
#   OUT/bcryptprimitives.dll  ProcessPrng for Go 1.26 programs (Wine 8.0 has none)
#   OUT/winscard.dll          WinSCard calls forwarded to OUT/pcscbridge
#   OUT/pcscbridge            the Linux side: makes the calls on pcsc-lite
# usage: packaging/windows/winetest/build.sh [OUT]   (default out/winetest)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
out="${1:-$root/out/winetest}"
export PATH="$PATH:/usr/local/go/bin"
mkdir -p "$out"
cc=(x86_64-w64-mingw32-gcc -O2 -Wall -Wextra -Werror -shared -s)
"${cc[@]}" -o "$out/bcryptprimitives.dll" "$here/bcryptprimitives.c" "$here/bcryptprimitives.def" -ladvapi32
"${cc[@]}" -o "$out/winscard.dll" "$here/winscard.c" "$here/winscard.def" -lws2_32
(cd "$root" && go build -o "$out/pcscbridge" ./packaging/windows/winetest/pcscbridge)
