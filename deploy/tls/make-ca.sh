#!/usr/bin/env bash
# make-ca.sh: creates the credit bank's own certificate authority, which
# signs the server's certificate and every client certificate (operators,
# institutions, services). See deploy/tls/README.md.
#
#   deploy/tls/make-ca.sh /secure/creditbank-ca
#     -> /secure/creditbank-ca/ca.key (0600, EC P-256; keep it offline)
#        /secure/creditbank-ca/ca.crt (self-signed, 10 years; give it out)
#
# Refuses to touch a directory that already holds a CA: a new CA key would
# orphan every certificate the old one signed.
set -euo pipefail

readonly CA_DAYS=3650  # 10 years; the CA outlives many server and client certificates
readonly CA_SUBJECT="/O=Credit Bank/CN=Credit Bank Root CA"

usage() {
  echo "usage: $(basename "$0") DIR" >&2
  echo "  creates DIR/ca.key (0600) and DIR/ca.crt, the credit bank's CA" >&2
  exit 2
}

[[ $# -eq 1 && -n $1 ]] || usage
readonly DIR=$1
# shellcheck source=tls-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/tls-common.sh"

[[ ! -e $DIR/ca.key && ! -e $DIR/ca.crt ]] ||
  tls_die "$DIR already holds a CA; refusing to overwrite it"
# A new directory is 0700: it holds the CA key.
(umask 077 && mkdir -p -- "$DIR")
tls_begin "$DIR"

cat >>"$OPENSSL_CONF" <<'EOF'

[ca_ext]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF

tls_new_key "$TLS_WORK/ca.key"
openssl req -new -x509 -utf8 -key "$TLS_WORK/ca.key" -subj "$CA_SUBJECT" \
  -set_serial "$(tls_random_serial)" -days "$CA_DAYS" -sha256 \
  -extensions ca_ext -out "$TLS_WORK/ca.crt"

tls_install "$TLS_WORK/ca.key" "$DIR/ca.key"
tls_install "$TLS_WORK/ca.crt" "$DIR/ca.crt"
echo "wrote $DIR/ca.key (private key, mode 0600: keep it offline)"
echo "wrote $DIR/ca.crt (give it to the server as --client_ca and to clients as --tls_ca)"
tls_describe "$DIR/ca.crt"
