#!/usr/bin/env bash
# Writes the app's Info.plist (from Info.plist.in and product.env) to the
# path given, or to stdout. Used by build-app.sh on a Mac and by the
# checks in packaging/test.sh here.
set -euo pipefail
# shellcheck source=packaging/lib.sh
. "$(dirname "$0")/../lib.sh"
if [ $# -gt 0 ]; then
  subst "$PKG_DIR/macos/Info.plist.in" >"$1"
else
  subst "$PKG_DIR/macos/Info.plist.in"
fi
