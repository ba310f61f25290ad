#!/usr/bin/env python3
"""Checks an app Info.plist: valid XML plist, and the keys macOS needs to
open mynadesk:// links and show the version.

usage: check_plist.py INFO_PLIST SCHEME VERSION BUNDLE_ID MIN_MACOS
Prints one line per failed check and exits 1 if there is any.
"""

import plistlib
import sys


def main(argv):
    if len(argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    path, scheme, version, bundle_id, min_os = argv[1:]
    try:
        with open(path, "rb") as f:
            plist = plistlib.load(f, fmt=plistlib.FMT_XML)
    except Exception as e:  # expat, plistlib and OS errors alike: all mean "invalid"
        print(f"{path}: not a valid XML plist: {e}")
        return 1
    errors = []

    def want(key, value):
        if plist.get(key) != value:
            errors.append(f"{key} = {plist.get(key)!r}, want {value!r}")

    want("CFBundleIdentifier", bundle_id)
    want("CFBundleShortVersionString", version)
    want("CFBundleVersion", version)
    want("CFBundleExecutable", "mynadesk")
    want("CFBundlePackageType", "APPL")
    want("CFBundleIconFile", "mynadesk.icns")
    want("LSMinimumSystemVersion", min_os)
    schemes = [s for t in plist.get("CFBundleURLTypes", []) for s in t.get("CFBundleURLSchemes", [])]
    if scheme not in schemes:
        errors.append(f"CFBundleURLTypes names {schemes!r}, not {scheme!r}")
    if not plist.get("NSHumanReadableCopyright"):
        errors.append("NSHumanReadableCopyright is empty")
    for e in errors:
        print(f"{path}: {e}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
