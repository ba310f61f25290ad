#!/usr/bin/env bash
# Authenticode-signs Windows files (exe, msi) in place with osslsigncode.
#
# Release signing: set
#   MYNADESK_SIGN_PKCS12         path to the code-signing .pfx/.p12 (key, certificate, chain)
#   MYNADESK_SIGN_PASSWORD_FILE  path to a file holding its password (preferred), or
#   MYNADESK_SIGN_PASSWORD       the password itself
#   MYNADESK_SIGN_TIMESTAMP_URL  an RFC 3161 time-stamp server (recommended: the
#                                signature then outlives the certificate)
# Without MYNADESK_SIGN_PKCS12 a throwaway test CA and code-signing
# certificate are made with openssl under out/package/testsign (git-ignored,
# never committed, new for every clean build); its CA is testsign/ca.pem,
# which `osslsigncode verify -CAfile` checks against.
set -euo pipefail
# shellcheck source=packaging/lib.sh
. "$(dirname "$0")/../lib.sh"
need osslsigncode openssl
[ $# -gt 0 ] || die "usage: sign.sh FILE..."

args=()
if [ -n "${MYNADESK_SIGN_PKCS12:-}" ]; then
  [ -r "$MYNADESK_SIGN_PKCS12" ] || die "MYNADESK_SIGN_PKCS12=$MYNADESK_SIGN_PKCS12 is not readable"
  args+=(-pkcs12 "$MYNADESK_SIGN_PKCS12")
  if [ -n "${MYNADESK_SIGN_PASSWORD_FILE:-}" ]; then
    args+=(-readpass "$MYNADESK_SIGN_PASSWORD_FILE")
  elif [ -n "${MYNADESK_SIGN_PASSWORD:-}" ]; then
    args+=(-pass "$MYNADESK_SIGN_PASSWORD")
  fi
  if [ -n "${MYNADESK_SIGN_TIMESTAMP_URL:-}" ]; then
    args+=(-ts "$MYNADESK_SIGN_TIMESTAMP_URL")
  fi
else
  ts="$PKG_OUT/testsign"
  if [ ! -s "$ts/sign.p12" ]; then
    log "making a throwaway test code-signing certificate in $ts"
    mkdir -p "$ts"
    (
      cd "$ts"
      umask 077
      openssl rand -hex 16 >pass
      openssl req -x509 -newkey rsa:3072 -nodes -keyout ca.key -out ca.pem -days 30 \
        -subj "/O=mynadesk CI/CN=mynadesk throwaway test CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
      openssl req -newkey rsa:3072 -nodes -keyout sign.key -out sign.csr \
        -subj "/O=mynadesk CI/CN=mynadesk test code signing" 2>/dev/null
      printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
        "extendedKeyUsage=codeSigning" "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid" >sign.ext
      openssl x509 -req -in sign.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \
        -extfile sign.ext -out sign.pem 2>/dev/null
      openssl pkcs12 -export -inkey sign.key -in sign.pem -certfile ca.pem -out sign.p12 -passout file:pass
      rm -f ca.key sign.csr sign.key
    )
  fi
  args+=(-pkcs12 "$ts/sign.p12" -readpass "$ts/pass")
fi

for f in "$@"; do
  osslsigncode sign "${args[@]}" -h sha256 -n "$DISPLAY_NAME_EN" -i "$HOMEPAGE" \
    -in "$f" -out "$f.signed" >/dev/null
  mv "$f.signed" "$f"
  log "signed $(basename "$f")"
done
