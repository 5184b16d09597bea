#!/usr/bin/env bash
# make-client-cert.sh: a TLS client key and certificate for one caller of
# creditbankd, signed by the bank's CA in DIR (made by make-ca.sh). The
# server takes the caller's role from the subject OU and its name (for an
# institution: the institution code) from the CN.
#
#   deploy/tls/make-client-cert.sh /secure/creditbank-ca institution 4150013588
#     -> institution-4150013588.crt, institution-4150013588.key (0600);
#        subject /O=Credit Bank/OU=institution/CN=4150013588,
#        SAN URI:creditbank:institution:4150013588
#
# ROLE is operator, institution or service. Existing files are never
# overwritten.
set -euo pipefail

readonly CLIENT_DAYS=397  # about 13 months: reissued yearly, with a month of overlap
# The API's institution code rule (domain/validation/text.cc,
# kInstitutionCodeRules: A-Z, 0-9 and '-', 2 to 32 characters).
readonly INSTITUTION_CODE_PATTERN='^[A-Z0-9-]{2,32}$'
# Operator and service names: ASCII, so they are valid in the URI SAN and
# as a file name; at most 64 characters (RFC 5280 upper bound of a CN).
readonly ACCOUNT_NAME_PATTERN='^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'

usage() {
  echo "usage: $(basename "$0") DIR ROLE NAME" >&2
  echo "  ROLE: operator | institution | service" >&2
  echo "  NAME: the institution code for an institution (A-Z 0-9 -, 2-32 characters)," >&2
  echo "        else a login name (A-Z a-z 0-9 . _ -, at most 64 characters)" >&2
  echo "  writes DIR/ROLE-NAME.crt and DIR/ROLE-NAME.key (0600), signed by the CA in DIR" >&2
  exit 2
}

[[ $# -eq 3 && -n $1 ]] || usage
readonly DIR=$1 ROLE=$2 NAME=$3
# shellcheck source=tls-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/tls-common.sh"

case $ROLE in
  institution)
    [[ $NAME =~ $INSTITUTION_CODE_PATTERN ]] ||
      tls_die "'$NAME' is not an institution code (A-Z, 0-9 and '-', 2 to 32 characters)" ;;
  operator | service)
    [[ $NAME =~ $ACCOUNT_NAME_PATTERN ]] ||
      tls_die "'$NAME' is not a valid $ROLE name (A-Z a-z 0-9 . _ -, at most 64 characters)" ;;
  *)
    echo "error: unknown role '$ROLE'" >&2
    usage ;;
esac
tls_require_ca "$DIR"
readonly BASE=$DIR/$ROLE-$NAME
tls_refuse_existing "$BASE.crt" "$BASE.key"

tls_begin "$DIR"
cat >>"$OPENSSL_CONF" <<EOF

[client_ext]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = URI:creditbank:$ROLE:$NAME
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
EOF

tls_new_key "$TLS_WORK/client.key"
tls_sign_request "$DIR" "$TLS_WORK/client.key" "/O=Credit Bank/OU=$ROLE/CN=$NAME" \
  client_ext "$CLIENT_DAYS" "$TLS_WORK/client.crt"
tls_install "$TLS_WORK/client.key" "$BASE.key"
tls_install "$TLS_WORK/client.crt" "$BASE.crt"
echo "wrote $BASE.key (private key, mode 0600: cbctl --tls_key; give it to the $ROLE only)"
echo "wrote $BASE.crt (cbctl --tls_cert)"
tls_describe "$BASE.crt"
