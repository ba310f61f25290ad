# shellcheck shell=bash
# The check harness of the packaging checks (packaging/test.sh) and the
# Windows lane (scripts/test-windows.sh): each check prints PASS or FAIL
# with its name, a failure shows what it saw, and checks_summary prints
# "N passed, N failed" and returns non-zero when anything failed.
# Sourced, never run.

pass=0
fails=()
# ok NAME / bad NAME [DETAIL]: one check's result.
ok() { pass=$((pass + 1)); printf 'PASS  %s\n' "$1"; }
bad() { fails+=("$1"); printf 'FAIL  %s\n' "$1"; [ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/      /' | head -25; }
# check NAME CMD...: PASS if CMD exits 0, FAIL with its output if not.
check() {
  local name="$1" out
  shift
  if out="$("$@" 2>&1)"; then ok "$name"; else bad "$name" "$out"; fi
}
# has NAME TEXT REGEX: PASS if TEXT has a line matching the extended REGEX.
has() { if grep -Eq -- "$3" <<<"$2"; then ok "$1"; else bad "$1" "no line matches: $3"$'\n'"$2"; fi; }
# checks_summary PREFIX: the failed checks' names, then the line
# "PREFIX N passed, N failed"; returns 1 if any check failed.
checks_summary() {
  [ ${#fails[@]} -eq 0 ] || printf '  failed: %s\n' "${fails[@]}"
  echo "${1}${pass} passed, ${#fails[@]} failed"
  [ ${#fails[@]} -eq 0 ]
}
