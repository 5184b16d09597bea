# shellcheck shell=bash
# Shared by make-ca.sh, make-server-cert.sh and make-client-cert.sh (sourced,
# not run): EC P-256 keys, random serials, signing with the bank's CA, and a
# private work directory inside the output directory that is removed on exit.
#
#   source "$(dirname "${BASH_SOURCE[0]}")/tls-common.sh"
#   tls_begin "$dir"                      # umask 077, work dir, OPENSSL_CONF
#   tls_new_key "$TLS_WORK/x.key"
#   tls_sign_request "$dir" "$TLS_WORK/x.key" "/O=Credit Bank/OU=server/CN=x" \
#     client_ext 397 "$TLS_WORK/x.crt"
#   tls_install "$TLS_WORK/x.key" "$dir/x.key"

# RFC 5280 allows at most 20 octets; 16 random bytes with the top bit
# cleared keep the serial positive and unpredictable.
readonly TLS_SERIAL_BYTES=16

tls_die() {
  echo "error: $*" >&2
  exit 1
}

# Keys are created 0600 (umask), and everything is made in a work directory
# inside $1, so that key material never passes through /tmp and a failure
# half-way leaves no key without its certificate. The OpenSSL config is our
# own file, never /etc/ssl/openssl.cnf with its distribution defaults.
tls_begin() {
  local dir=$1
  umask 077
  TLS_WORK=$(mktemp -d "$dir/.tls-work.XXXXXX")
  trap 'rm -rf -- "$TLS_WORK"' EXIT
  export OPENSSL_CONF=$TLS_WORK/openssl.cnf
  # Only what `openssl req` needs to take the subject from -subj; the
  # extensions come from the section each script appends.
  cat >"$OPENSSL_CONF" <<'EOF'
[req]
distinguished_name = req_distinguished_name
string_mask = utf8only
utf8 = yes

[req_distinguished_name]
EOF
}

tls_new_key() {
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -pkeyopt ec_param_enc:named_curve -out "$1"
  chmod 600 "$1"
}

tls_random_serial() {
  local hex
  hex=$(openssl rand -hex "$TLS_SERIAL_BYTES")
  printf '0x%x%s' $((0x${hex:0:1} & 7)) "${hex:1}"
}

# tls_sign_request CA_DIR KEY SUBJECT EXTENSION_SECTION DAYS OUT_CERT
tls_sign_request() {
  local ca_dir=$1 key=$2 subject=$3 section=$4 days=$5 out=$6
  openssl req -new -utf8 -key "$key" -subj "$subject" -out "$TLS_WORK/request.csr"
  # OpenSSL chats on stderr even when it succeeds; shown only on failure.
  if ! openssl x509 -req -in "$TLS_WORK/request.csr" -CA "$ca_dir/ca.crt" \
      -CAkey "$ca_dir/ca.key" -set_serial "$(tls_random_serial)" -days "$days" -sha256 \
      -extfile "$OPENSSL_CONF" -extensions "$section" -out "$out" 2>"$TLS_WORK/x509.log"; then
    cat "$TLS_WORK/x509.log" >&2
    tls_die "openssl could not sign the certificate"
  fi
  # A certificate that does not chain to the CA is never handed out.
  openssl verify -CAfile "$ca_dir/ca.crt" "$out" >/dev/null
}

tls_require_ca() {
  local ca_dir=$1
  [[ -f $ca_dir/ca.crt && -f $ca_dir/ca.key ]] ||
    tls_die "$ca_dir holds no CA (ca.crt and ca.key); run make-ca.sh $ca_dir first"
}

tls_refuse_existing() {
  local path
  for path in "$@"; do
    [[ ! -e $path ]] || tls_die "$path exists; move it away first (it is never overwritten)"
  done
}

# Renames a finished file into place (same file system, so atomic). Keys
# stay 0600; certificates are public and become 0644.
tls_install() {
  [[ $1 == *.key ]] || chmod 644 "$1"
  mv -- "$1" "$2"
}

tls_describe() {
  openssl x509 -in "$1" -noout -subject -enddate -ext subjectAltName,extendedKeyUsage \
    -nameopt utf8,sep_comma_plus_space 2>/dev/null | sed 's/^/    /'
}
