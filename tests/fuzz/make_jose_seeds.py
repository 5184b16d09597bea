#!/usr/bin/python3
"""Writes the seed corpus of fuzz_jose (tests/fuzz/corpus/fuzz_jose).

Tokens are signed by PyJWT (Debian's python3-jwt), not by our code, with the
fuzz target's fixed keys, so the verifier path starts from JWSs another
implementation made. Each seed is the target's mode byte and its input:
  0 a JWS   1/2 a payload to sign ES256/EdDSA   3 a JWK Set   4 a JSON object
usage: tests/fuzz/make_jose_seeds.py tests/fuzz
"""
import json
import pathlib
import sys

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import ECAlgorithm, OKPAlgorithm

EC_PEM = b"""-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgYGKbwpEEfI+4G6/T
4jKpokb3findpABLomUk9O5E2fShRANCAARHS5tEhN6Bx5yxrqU87TjK8iHAxalH
wUgvHcE9gdljw8Snh4YkxnHR9LdFAeCikuNMqKLvYUGrK6bSBr3mLXax
-----END PRIVATE KEY-----
"""
EC_KID, ED_KID = "fuzz-es256", "fuzz-eddsa"

ec_key = serialization.load_pem_private_key(EC_PEM, password=None)
ed_key = Ed25519PrivateKey.from_private_bytes(b"\x2a" * 32)


def jwk(key, kid, alg, extra=None):
    data = json.loads((ECAlgorithm if alg == "ES256" else OKPAlgorithm).to_jwk(key.public_key()))
    data.update({"kid": kid, "alg": alg, "use": "sig"}, **(extra or {}))
    return data


CREDENTIAL = {
    "iss": "did:web:bank.example.cn", "sub": "urn:creditbank:account:6212345678901232",
    "nbf": 1782878400, "jti": "urn:creditbank:transcript:T-000001",
    "vc": {"@context": ["https://www.w3.org/ns/credentials/v2"],
           "type": ["VerifiableCredential", "ClrCredential"],
           "credentialSubject": {"achievement": [{"title": "高等数学（上）", "creditsEarned": 3.5}]}},
}


def main(root):
    corpus = pathlib.Path(root) / "corpus" / "fuzz_jose"
    corpus.mkdir(parents=True, exist_ok=True)
    seeds = {
        "es256_vc": b"\0" + jwt.encode(CREDENTIAL, ec_key, "ES256",
                                       headers={"kid": EC_KID, "typ": "vc+jwt"}).encode(),
        "eddsa_vc": b"\0" + jwt.encode(CREDENTIAL, ed_key, "EdDSA",
                                       headers={"kid": ED_KID, "typ": "vc+jwt"}).encode(),
        "es256_unknown_kid": b"\0" + jwt.encode({"a": 1}, ec_key, "ES256",
                                                headers={"kid": "nobody"}).encode(),
        "hs256_public_key": b"\0" + jwt.encode({"a": 1}, "not-a-key", "HS256",
                                               headers={"kid": EC_KID}).encode(),
        "sign_es256": b"\1" + json.dumps(CREDENTIAL, ensure_ascii=False).encode(),
        "sign_eddsa": b"\2" + json.dumps(CREDENTIAL, ensure_ascii=False).encode(),
        "jwks": b"\3" + json.dumps({"keys": [jwk(ec_key, EC_KID, "ES256"),
                                             jwk(ed_key, ED_KID, "EdDSA",
                                                 {"retired_at": 1782878400})]}).encode(),
        "json": b"\4" + json.dumps({"a": [1, {"b": "中文"}], "c": None, "d": 1.5}).encode(),
    }
    for name, data in seeds.items():
        (corpus / name).write_bytes(data)
    print(f"{len(seeds)} seeds written to {corpus}")


if __name__ == "__main__":
    main(sys.argv[1])
