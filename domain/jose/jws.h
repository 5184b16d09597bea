// Compact JWS (RFC 7515 §7.1) signed ES256 (RFC 7518 §3.4, signature raw
// R||S) or EdDSA over Ed25519 (RFC 8037): the envelope of our signed
// transcripts (W3C Verifiable Credentials as VC-JWT). A JWS is
//   base64url({"alg":"ES256","kid":"<kid>","typ":"<typ>"}) . base64url(payload)
//   . base64url(64-byte signature)
// with no padding and the header exactly as nlohmann's dump() writes it.
//
//   ASSIGN_OR_RETURN(std::string jws, SignCompactJws(*signing_key, JwsAlgorithm::kEdDsa,
//                                                    "2026-ed-1", "vc+jwt", credential.dump()));
//
// Verification is two steps, so a verifier can say which one failed:
//
//   ASSIGN_OR_RETURN(ParsedJws parsed, ParseCompactJws(jws));       // structure only
//   ASSIGN_OR_RETURN(const PublicJwk* key, FindKey(published_keys, parsed.kid));
//   RETURN_IF_ERROR(VerifyJwsSignature(parsed, *key));              // alg and signature
//   // only now read parsed.payload
//
// The header never chooses the algorithm: the key does, and a header that
// names another ("none", "HS256" keyed with the public key, the other
// curve) is refused. Error messages say what is wrong and never quote the
// JWS or anything decoded from it, which may carry personal data.
#ifndef CREDITBANK_DOMAIN_JOSE_JWS_H_
#define CREDITBANK_DOMAIN_JOSE_JWS_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "domain/jose/jwk.h"
#include "nlohmann/json.hpp"

namespace creditbank::domain::jose {

// A transcript of a long learning life is tens of kilobytes; a JWS longer
// than this is refused unparsed (and not made).
inline constexpr size_t kMaxJwsBytes = 1024 * 1024;
// "typ" is a media type without "application/" (RFC 7515 §4.1.9), such as
// "vc+jwt" or "JWT": short printable ASCII.
inline constexpr size_t kMaxJwsTypeChars = 64;

// Signs `payload` (any bytes). INVALID_ARGUMENT when the key is not of
// `algorithm`'s kind, `kid` is not 1 to 64 characters of [A-Za-z0-9_-],
// `typ` is not 1 to kMaxJwsTypeChars printable ASCII characters without
// spaces, or the JWS would be longer than kMaxJwsBytes.
absl::StatusOr<std::string> SignCompactJws(const EVP_PKEY& private_key, JwsAlgorithm algorithm,
                                           absl::string_view kid, absl::string_view typ,
                                           absl::string_view payload);

// A JWS whose structure is sound and whose signature is not yet checked:
// nothing in it is to be believed before VerifyJwsSignature says OK.
struct ParsedJws {
  nlohmann::json header;       // a JSON object, no member repeated
  std::string algorithm_name;  // header "alg", unchecked
  std::string kid;             // header "kid", well-formed but not yet looked up
  std::string payload;         // decoded bytes
  std::string signing_input;   // base64url(header) "." base64url(payload), as received
  std::string signature;       // decoded bytes, length unchecked
};

// Splits and decodes `token`. INVALID_ARGUMENT when it is empty or longer
// than `max_token_bytes`, not three strict base64url parts (base64url.h),
// its header not a strict JSON object (strict_json.h), "alg" not a string,
// "kid" not a string of 1 to 64 [A-Za-z0-9_-], or the header has "crit"
// (no extension is understood here, RFC 7515 §4.1.11) or "b64" (RFC 7797's
// unencoded payload, which changes what is signed).
absl::StatusOr<ParsedJws> ParseCompactJws(absl::string_view token,
                                          size_t max_token_bytes = kMaxJwsBytes);

// OK when `jws`'s signature verifies under `key` with `key`'s algorithm.
// UNAUTHENTICATED when "alg" is not exactly that algorithm (the reason says
// why: an unsigned JWS, an HMAC, another algorithm) or the signature does
// not verify; INVALID_ARGUMENT when the signature is not 64 bytes or `key`
// is not a key of its algorithm. Which key is the caller's choice, usually
// FindKey(keys, jws.kid); whether a retired key may still vouch for this
// JWS is the caller's rule too.
absl::Status VerifyJwsSignature(const ParsedJws& jws, const PublicJwk& key);

namespace internal {

// SignCompactJws with the caller's header, which must be a JSON object
// whose "alg" is `algorithm`'s name; for tests that reproduce published
// examples (RFC 8037 A.4 signs {"alg":"EdDSA"} alone). Not for transcripts.
absl::StatusOr<std::string> SignCompactJwsWithHeader(const EVP_PKEY& private_key,
                                                     JwsAlgorithm algorithm,
                                                     const nlohmann::json& header,
                                                     absl::string_view payload);

}  // namespace internal
}  // namespace creditbank::domain::jose

#endif  // CREDITBANK_DOMAIN_JOSE_JWS_H_
