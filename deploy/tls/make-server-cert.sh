#!/usr/bin/env bash
# make-server-cert.sh: a TLS server key and certificate for creditbankd,
# signed by the bank's CA in DIR (made by make-ca.sh).
#
#   deploy/tls/make-server-cert.sh /secure/creditbank-ca bank.example.org 10.0.0.5
#     -> bank.example.org.crt, bank.example.org.key (0600) in that directory;
#        SANs DNS:localhost, IP:127.0.0.1, IP:::1, DNS:bank.example.org, IP:10.0.0.5
#
# NAME is the subject CN and the file name, and is a SAN as well (clients
# check SANs, not the CN). Each extra argument becomes an IP: SAN when it
# is an IPv4 or IPv6 address and a DNS: SAN otherwise. Existing files are
# never overwritten.
set -euo pipefail

readonly SERVER_DAYS=825  # the most that TLS clients (CA/Browser rules) still accept
readonly MAX_NAME_LENGTH=64    # RFC 5280 upper bound of a CN
readonly MAX_DNS_LENGTH=253    # RFC 1035 upper bound of a domain name
readonly DNS_LABEL='[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?'
readonly IPV4_PATTERN='^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$'
# Colons make it IPv6; OpenSSL itself refuses a malformed address.
readonly IPV6_PATTERN='^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$'

usage() {
  echo "usage: $(basename "$0") DIR NAME [DNS_NAME_OR_IP...]" >&2
  echo "  writes DIR/NAME.crt and DIR/NAME.key (0600), signed by the CA in DIR" >&2
  exit 2
}

[[ $# -ge 2 && -n $1 && -n $2 ]] || usage
readonly DIR=$1 NAME=$2
shift 2
# shellcheck source=tls-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/tls-common.sh"

is_dns_name() {
  [[ ${#1} -le $MAX_DNS_LENGTH && $1 =~ ^(\*\.)?$DNS_LABEL(\.$DNS_LABEL)*$ ]]
}

is_ipv4() {
  [[ $1 =~ $IPV4_PATTERN ]] || return 1
  local octet
  for octet in "${BASH_REMATCH[@]:1}"; do
    ((10#$octet <= 255)) || return 1
  done
}

# Validated before anything reaches the config file: a comma or newline in
# a name would otherwise add SANs or extensions of the caller's choosing.
san_of() {
  if [[ $1 =~ $IPV4_PATTERN ]]; then
    is_ipv4 "$1" || tls_die "'$1' is not an IPv4 address"
    echo "IP:$1"
  elif [[ $1 =~ $IPV6_PATTERN ]]; then
    echo "IP:$1"
  elif is_dns_name "$1"; then
    echo "DNS:$1"
  else
    tls_die "'$1' is neither a DNS name nor an IP address"
  fi
}

if [[ ${#NAME} -gt $MAX_NAME_LENGTH || $NAME == \** ]] || ! is_dns_name "$NAME"; then
  tls_die "NAME '$NAME' must be a host name ([A-Za-z0-9.-], at most $MAX_NAME_LENGTH characters)"
fi
tls_require_ca "$DIR"
tls_refuse_existing "$DIR/$NAME.crt" "$DIR/$NAME.key"

sans=("DNS:localhost" "IP:127.0.0.1" "IP:::1")
for name in "$NAME" "$@"; do
  san=$(san_of "$name")
  [[ " ${sans[*]} " == *" $san "* ]] || sans+=("$san")
done
san_list=$(IFS=,; echo "${sans[*]}")

tls_begin "$DIR"
cat >>"$OPENSSL_CONF" <<EOF

[server_ext]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = $san_list
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
EOF

tls_new_key "$TLS_WORK/server.key"
tls_sign_request "$DIR" "$TLS_WORK/server.key" "/O=Credit Bank/OU=server/CN=$NAME" \
  server_ext "$SERVER_DAYS" "$TLS_WORK/server.crt"
tls_install "$TLS_WORK/server.key" "$DIR/$NAME.key"
tls_install "$TLS_WORK/server.crt" "$DIR/$NAME.crt"
echo "wrote $DIR/$NAME.key (private key, mode 0600: creditbankd --tls_key)"
echo "wrote $DIR/$NAME.crt (creditbankd --tls_cert)"
tls_describe "$DIR/$NAME.crt"
