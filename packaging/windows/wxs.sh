#!/usr/bin/env bash
# Prints the MSI source (mynadesk.wxs.in with product.env filled in).
# Used by build.sh, and by packaging/test.sh for the next version's MSI.
set -euo pipefail
# shellcheck source=packaging/lib.sh
. "$(dirname "$0")/../lib.sh"
subst "$PKG_DIR/windows/mynadesk.wxs.in"
