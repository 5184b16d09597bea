// Public signing keys as JSON Web Keys (RFC 7517), of the two kinds we sign
// with: EC P-256 for ES256 (RFC 7518 §6.2) and Ed25519 for EdDSA (RFC 8037),
// and the JWK Set ({"keys": [...]}) a verifier of our transcripts fetches.
//
//   {"kty":"EC","crv":"P-256","x":"<32 bytes>","y":"<32 bytes>",
//    "kid":"2026-ec-1","alg":"ES256","use":"sig"}
//   {"kty":"OKP","crv":"Ed25519","x":"<32 bytes>","kid":"2026-ed-1","alg":"EdDSA","use":"sig",
//    "retired_at":1788220800}
//
// A key that no longer signs stays published, marked "retired_at" (a
// NumericDate), so transcripts it signed still verify; RFC 7517 §4 has other
// readers ignore the member. Reading is strict: the members must agree with
// each other, an EC point must lie on the curve, and a private member ("d")
// is refused, because a JWKS that carries one has leaked a signing key.
//
//   ASSIGN_OR_RETURN(PublicJwk jwk, PublicJwkFromPrivateKey(*signing_key, JwsAlgorithm::kEs256,
//                                                          "2026-ec-1"));
//   ASSIGN_OR_RETURN(nlohmann::json jwks, JwksToJson(published));  // publish jwks.dump()
//   ASSIGN_OR_RETURN(std::vector<PublicJwk> keys, ParseJwks(fetched_text));
//   ASSIGN_OR_RETURN(const PublicJwk* key, FindKey(keys, parsed.kid));
#ifndef CREDITBANK_DOMAIN_JOSE_JWK_H_
#define CREDITBANK_DOMAIN_JOSE_JWK_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "domain/crypto/ec_p256.h"  // EvpPkeyPtr
#include "nlohmann/json.hpp"

namespace creditbank::domain::jose {

// A published key set is a handful of current and retired keys; a larger
// input is refused before it is parsed.
inline constexpr size_t kMaxJwksBytes = 64 * 1024;
inline constexpr size_t kMaxJwksKeys = 64;
// 9999-12-31T23:59:59Z: a "retired_at" past it is no real time.
inline constexpr int64_t kMaxRetiredAtUnixSeconds = 253'402'300'799;

enum class JwsAlgorithm { kEs256, kEdDsa };

// "ES256" or "EdDSA", as in a JWS header's and a JWK's "alg".
absl::string_view JwsAlgorithmName(JwsAlgorithm algorithm);

// OK when `key` is the kind `algorithm` signs with (EC on P-256 for ES256,
// Ed25519 for EdDSA); INVALID_ARGUMENT otherwise.
absl::Status CheckKeyFitsAlgorithm(const EVP_PKEY& key, JwsAlgorithm algorithm);

struct PublicJwk {
  // 1 to kMaxTokenKeyIdLength (64) characters of [A-Za-z0-9_-]
  // (IsWellFormedTokenKeyId): names the key in JWS headers.
  std::string kid;
  JwsAlgorithm algorithm = JwsAlgorithm::kEs256;
  // The public key only, never a private one.
  EvpPkeyPtr key;
  // Set once the key no longer signs; it still verifies what it signed.
  std::optional<int64_t> retired_at_unix_seconds;
};

// The JWK of `jwk`, members as in the example above ("retired_at" only when
// set). INVALID_ARGUMENT when `jwk` breaks a rule PublicJwkFromJson
// enforces (kid, key kind, retired_at), so nothing is published that a
// verifier here would refuse.
absl::StatusOr<nlohmann::json> PublicJwkToJson(const PublicJwk& jwk);

// The key a JWK describes. "alg" may be absent (it is then that of
// kty/crv); unknown members are ignored (RFC 7517 §4). INVALID_ARGUMENT,
// naming the member at fault and never quoting its value, for anything else.
absl::StatusOr<PublicJwk> PublicJwkFromJson(const nlohmann::json& json);

// The public JWK of a key pair (or of a public key), holding a fresh
// public-only EVP_PKEY. INVALID_ARGUMENT when the key is not of
// `algorithm`'s kind or `kid` is malformed.
absl::StatusOr<PublicJwk> PublicJwkFromPrivateKey(const EVP_PKEY& private_key,
                                                  JwsAlgorithm algorithm, std::string kid);

// {"keys": [...]} in the given order. INVALID_ARGUMENT for a key
// PublicJwkToJson refuses, a repeated kid, or more than kMaxJwksKeys keys.
absl::StatusOr<nlohmann::json> JwksToJson(const std::vector<PublicJwk>& keys);

// The keys of a JWK Set text: at most kMaxJwksBytes, a strict JSON object
// (ParseStrictJsonObject) whose "keys" is an array of at most kMaxJwksKeys
// JWKs PublicJwkFromJson accepts, no kid repeated. A key of another kind
// (RSA, say) is refused rather than skipped: we publish only these two, so
// one is a sign the file is not ours. INVALID_ARGUMENT otherwise.
absl::StatusOr<std::vector<PublicJwk>> ParseJwks(absl::string_view text);

// The key named `kid`; NOT_FOUND when there is none. The pointer is into
// `keys` and lives as long as it does.
absl::StatusOr<const PublicJwk*> FindKey(const std::vector<PublicJwk>& keys, absl::string_view kid);

}  // namespace creditbank::domain::jose

#endif  // CREDITBANK_DOMAIN_JOSE_JWK_H_
