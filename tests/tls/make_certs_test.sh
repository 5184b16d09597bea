#!/usr/bin/env bash
# Tests deploy/tls/make-{ca,server-cert,client-cert}.sh with the real openssl:
# chains, subjects, SANs, key usages, key file modes, refusals, and that a
# second CA's certificates do not verify against the first CA.
#
#   tests/tls/make_certs_test.sh deploy/tls      # run by ctest as tls.make_certs
#
# Everything lives in one temp directory, removed on exit. Fails without
# openssl, which `make deps` installs.
set -euo pipefail

readonly SCRIPTS=${1:?usage: make_certs_test.sh TLS_SCRIPTS_DIR}
command -v openssl >/dev/null || { echo "FAIL: openssl is not installed (make deps installs it)" >&2; exit 1; }

WORK=$(mktemp -d)
readonly WORK
trap 'rm -rf -- "$WORK"' EXIT
readonly CA=$WORK/ca OTHER_CA=$WORK/other-ca
failures=0

pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
check() {  # check DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}
refused() {  # refused DESCRIPTION COMMAND...: must exit non-zero
  local what=$1
  shift
  if "$@" >"$WORK/refused.log" 2>&1; then
    fail "$what (exit 0)"
  else
    pass "$what (refused: $(grep -m1 -i 'error\|usage' "$WORK/refused.log"))"
  fi
}
not() { ! "$@"; }
mode_of() { stat -c %a "$1"; }
text_of() { openssl x509 -in "$1" -noout -text; }
subject_of() { openssl x509 -in "$1" -noout -subject -nameopt RFC2253; }
contains() { [[ $1 == *"$2"* ]]; }
# verifies CA_CERT CERT [PURPOSE]
verifies() { openssl verify -CAfile "$1" ${3:+-purpose "$3"} "$2" >/dev/null 2>&1; }

# --- the CA ------------------------------------------------------------------
"$SCRIPTS/make-ca.sh" "$CA" >/dev/null
check "CA key is 0600" [ "$(mode_of "$CA/ca.key")" = 600 ]
ca_text=$(text_of "$CA/ca.crt")
check "CA is a critical CA:TRUE" contains "$ca_text" "X509v3 Basic Constraints: critical"$'\n'"                CA:TRUE"
check "CA key usage" contains "$ca_text" "Certificate Sign, CRL Sign"
check "CA key is EC P-256" contains "$ca_text" "NIST CURVE: P-256"
check "CA is self-signed and valid" verifies "$CA/ca.crt" "$CA/ca.crt"
ca_days=$(( ($(date -d "$(openssl x509 -in "$CA/ca.crt" -noout -enddate | cut -d= -f2)" +%s) - $(date +%s)) / 86400 ))
check "CA lasts 10 years (${ca_days} days)" test "$ca_days" -ge 3649 -a "$ca_days" -le 3650
ca_before=$(sha256sum "$CA/ca.key" "$CA/ca.crt")
refused "an existing CA is not overwritten" "$SCRIPTS/make-ca.sh" "$CA"
check "the existing CA is unchanged" [ "$ca_before" = "$(sha256sum "$CA/ca.key" "$CA/ca.crt")" ]
refused "make-ca.sh without arguments" "$SCRIPTS/make-ca.sh"

# --- the server --------------------------------------------------------------
"$SCRIPTS/make-server-cert.sh" "$CA" bank.example.org 10.20.30.40 api.example.org fd00::5 >/dev/null
server=$CA/bank.example.org.crt
check "server key is 0600" [ "$(mode_of "$CA/bank.example.org.key")" = 600 ]
check "server cert chains to the CA" verifies "$CA/ca.crt" "$server"
check "server cert is for TLS servers" verifies "$CA/ca.crt" "$server" sslserver
check "server subject" [ "$(subject_of "$server")" = "subject=CN=bank.example.org,OU=server,O=Credit Bank" ]
server_text=$(text_of "$server")
for san in "DNS:localhost" "IP Address:127.0.0.1" "IP Address:0:0:0:0:0:0:0:1" \
    "DNS:bank.example.org" "IP Address:10.20.30.40" "DNS:api.example.org" "IP Address:FD00:0:0:0:0:0:0:5"; do
  check "server SAN $san" contains "$server_text" "$san"
done
check "server EKU serverAuth" contains "$server_text" "TLS Web Server Authentication"
check "server EKU not clientAuth" not contains "$server_text" "TLS Web Client Authentication"
check "server is not a CA" contains "$server_text" "CA:FALSE"
refused "a server name with a comma" "$SCRIPTS/make-server-cert.sh" "$CA" "x,DNS:evil.example"
refused "an extra name that is no name" "$SCRIPTS/make-server-cert.sh" "$CA" other "a b"
refused "an IPv4 address out of range" "$SCRIPTS/make-server-cert.sh" "$CA" other 300.1.1.1
refused "an existing server cert" "$SCRIPTS/make-server-cert.sh" "$CA" bank.example.org
refused "a directory without a CA" "$SCRIPTS/make-server-cert.sh" "$WORK/no-ca" other

# --- clients -----------------------------------------------------------------
"$SCRIPTS/make-client-cert.sh" "$CA" institution 4150013588 >/dev/null
"$SCRIPTS/make-client-cert.sh" "$CA" operator zhang.wei >/dev/null
"$SCRIPTS/make-client-cert.sh" "$CA" service cbbench >/dev/null
for client in institution:4150013588 operator:zhang.wei service:cbbench; do
  role=${client%%:*} name=${client#*:}
  base=$CA/$role-$name
  check "$role key is 0600" [ "$(mode_of "$base.key")" = 600 ]
  check "$role cert chains to the CA" verifies "$CA/ca.crt" "$base.crt"
  check "$role cert is for TLS clients" verifies "$CA/ca.crt" "$base.crt" sslclient
  check "$role cert is not for TLS servers" not verifies "$CA/ca.crt" "$base.crt" sslserver
  check "$role subject" [ "$(subject_of "$base.crt")" = "subject=CN=$name,OU=$role,O=Credit Bank" ]
  client_text=$(text_of "$base.crt")
  check "$role SAN" contains "$client_text" "URI:creditbank:$role:$name"
  check "$role EKU clientAuth" contains "$client_text" "TLS Web Client Authentication"
  check "$role EKU not serverAuth" not contains "$client_text" "TLS Web Server Authentication"
  check "$role key is EC P-256" contains "$client_text" "NIST CURVE: P-256"
done
files_before=$(ls -A "$CA")
refused "an unknown role" "$SCRIPTS/make-client-cert.sh" "$CA" admin root
refused "the server role for a client" "$SCRIPTS/make-client-cert.sh" "$CA" server bank
refused "a lower-case institution code" "$SCRIPTS/make-client-cert.sh" "$CA" institution cqgc
refused "a one-character institution code" "$SCRIPTS/make-client-cert.sh" "$CA" institution A
refused "a 33-character institution code" "$SCRIPTS/make-client-cert.sh" "$CA" institution "$(printf 'A%.0s' {1..33})"
refused "an institution code with a slash" "$SCRIPTS/make-client-cert.sh" "$CA" institution "41/OU=operator"
refused "an operator name with a path" "$SCRIPTS/make-client-cert.sh" "$CA" operator ../zhang
refused "a Chinese operator name (not ASCII)" "$SCRIPTS/make-client-cert.sh" "$CA" operator 张伟
refused "an existing client cert" "$SCRIPTS/make-client-cert.sh" "$CA" institution 4150013588
refused "a missing name" "$SCRIPTS/make-client-cert.sh" "$CA" operator
check "refused requests left no files behind" [ "$files_before" = "$(ls -A "$CA")" ]
check "no work directories left behind" [ -z "$(find "$CA" -name '.tls-work.*')" ]

# --- a different CA ----------------------------------------------------------
"$SCRIPTS/make-ca.sh" "$OTHER_CA" >/dev/null
"$SCRIPTS/make-client-cert.sh" "$OTHER_CA" operator zhang.wei >/dev/null
"$SCRIPTS/make-server-cert.sh" "$OTHER_CA" bank.example.org >/dev/null
check "another CA's client cert does not verify" not verifies "$CA/ca.crt" "$OTHER_CA/operator-zhang.wei.crt"
check "another CA's server cert does not verify" not verifies "$CA/ca.crt" "$OTHER_CA/bank.example.org.crt"
check "our certs do not verify against another CA" not verifies "$OTHER_CA/ca.crt" "$CA/operator-zhang.wei.crt"
check "serials differ between certificates" [ "$(openssl x509 -in "$CA/operator-zhang.wei.crt" -noout -serial)" != \
  "$(openssl x509 -in "$OTHER_CA/operator-zhang.wei.crt" -noout -serial)" ]

if ((failures > 0)); then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "all checks passed"
