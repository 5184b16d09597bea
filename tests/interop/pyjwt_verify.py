#!/usr/bin/python3
"""Verifies a compact JWS with PyJWT, a JOSE implementation independent of ours.

usage: pyjwt_verify.py TOKEN_FILE JWKS_FILE

Takes the key that the token's "kid" names from the JWK Set, verifies the
signature with exactly that key's algorithm (its "alg", else the one its
kty/crv imply; never what the token's header asks for), and prints the
payload. The payload need not be a JWT claims set (a VC-JWT is, an RFC 8037
example is not), so this checks the signature only, through jwt.api_jws,
and no claims such as exp or aud.

Exit status:
  0  verified; the payload is on stdout
  1  not verified (bad signature, unknown kid, malformed token); reason on stderr
  2  usage: wrong arguments, an unreadable file, a JWK Set PyJWT cannot read,
     or PyJWT itself missing

Runs under Debian's /usr/bin/python3 with PyJWT 2.6 and cryptography:
  apt-get install python3-jwt python3-cryptography
"""

import json
import sys

EXIT_VERIFIED = 0
EXIT_NOT_VERIFIED = 1
EXIT_USAGE = 2

# The algorithm a key without "alg" is for (RFC 7518 §3.4, RFC 8037 §3.1).
ALGORITHM_OF_CURVE = {("EC", "P-256"): "ES256", ("OKP", "Ed25519"): "EdDSA"}

try:
    import jwt
    from jwt.exceptions import PyJWTError
except ImportError as error:
    print(f"pyjwt_verify: cannot import PyJWT ({error}); "
          "install python3-jwt python3-cryptography", file=sys.stderr)
    sys.exit(EXIT_USAGE)


def fail(status, reason):
    print(f"pyjwt_verify: {reason}", file=sys.stderr)
    return status


def key_algorithm(jwk_data):
    algorithm = jwk_data.get("alg")
    if algorithm is None:
        algorithm = ALGORITHM_OF_CURVE.get((jwk_data.get("kty"), jwk_data.get("crv")))
    return algorithm


def main(argv):
    if len(argv) != 3:
        return fail(EXIT_USAGE, "usage: pyjwt_verify.py TOKEN_FILE JWKS_FILE")
    try:
        with open(argv[1], encoding="ascii") as token_file:
            token = token_file.read().strip()
        with open(argv[2], encoding="utf-8") as jwks_file:
            jwks_data = json.load(jwks_file)
        key_set = jwt.PyJWKSet.from_dict(jwks_data)
    except (OSError, ValueError, PyJWTError) as error:
        return fail(EXIT_USAGE, f"cannot read the token or the JWK Set: {error}")

    try:
        header = jwt.get_unverified_header(token)
    except PyJWTError as error:
        return fail(EXIT_NOT_VERIFIED, f"malformed token: {error}")
    kid = header.get("kid")
    if not isinstance(kid, str):
        return fail(EXIT_NOT_VERIFIED, "the token header has no string kid")
    try:
        key = key_set[kid]
    except KeyError:
        return fail(EXIT_NOT_VERIFIED, "the kid names no key in the JWK Set")
    jwk_data = next(k for k in jwks_data["keys"] if k.get("kid") == kid)
    algorithm = key_algorithm(jwk_data)
    if algorithm is None:
        return fail(EXIT_USAGE, "the key has no alg and no known kty/crv")

    try:
        payload = jwt.PyJWS().decode(token, key=key.key, algorithms=[algorithm])
    except PyJWTError as error:
        return fail(EXIT_NOT_VERIFIED, f"not verified: {type(error).__name__}: {error}")
    sys.stdout.buffer.write(payload + b"\n")
    return EXIT_VERIFIED


if __name__ == "__main__":
    sys.exit(main(sys.argv))
