#include "domain/jose/jws.h"

#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "domain/crypto/ec_p256.h"
#include "domain/crypto/ed25519.h"
#include "domain/crypto/key_ring.h"  // IsWellFormedTokenKeyId
#include "domain/jose/base64url.h"
#include "domain/jose/strict_json.h"

namespace creditbank::domain::jose {
namespace {

using Json = nlohmann::json;

absl::Status Malformed(absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat("malformed JWS: ", reason));
}

absl::Status Refused(absl::string_view reason) {
  return absl::UnauthenticatedError(absl::StrCat("JWS refused: ", reason));
}

// ES256's R||S and an Ed25519 signature are both 64 bytes; named apart
// all the same, as they are different facts.
size_t SignatureBytes(JwsAlgorithm algorithm) {
  return algorithm == JwsAlgorithm::kEs256 ? kEs256SignatureBytes : kEd25519SignatureBytes;
}

bool IsWellFormedType(absl::string_view typ) {
  if (typ.empty() || typ.size() > kMaxJwsTypeChars) return false;
  for (const unsigned char c : typ) {
    if (c <= ' ' || c > '~') return false;  // controls, space, and all non-ASCII
  }
  return true;
}

absl::StatusOr<std::string> Sign(const EVP_PKEY& key, JwsAlgorithm algorithm,
                                 absl::string_view signing_input) {
  if (algorithm == JwsAlgorithm::kEs256) return Es256Sign(key, signing_input);
  return Ed25519Sign(key, signing_input);
}

// Why a header "alg" other than the key's is refused, in words of our own
// (the header's text is not quoted).
std::string AlgorithmRefusal(absl::string_view header_algorithm, JwsAlgorithm key_algorithm) {
  const std::string lower = absl::AsciiStrToLower(header_algorithm);
  if (lower == "none") return "alg none (an unsigned JWS) is never accepted";
  if (absl::StartsWith(lower, "hs")) {
    return "an HMAC alg is never accepted: the verification key is public, so anyone could "
           "compute the MAC";
  }
  return absl::StrCat("alg is not ", JwsAlgorithmName(key_algorithm),
                      ", the algorithm of the key its kid names");
}

bool VerifySignature(const PublicJwk& key, const ParsedJws& jws) {
  if (key.algorithm == JwsAlgorithm::kEs256) {
    return Es256Verify(*key.key, jws.signing_input, jws.signature);
  }
  const absl::StatusOr<std::string> public_key = Ed25519PublicKey(*key.key);
  return public_key.ok() && Ed25519Verify(*public_key, jws.signing_input, jws.signature);
}

// The header's checks: the members every JWS of ours has, and none that
// would change what is signed or demand an extension.
absl::Status ReadHeader(ParsedJws& jws) {
  const auto algorithm = jws.header.find("alg");
  if (algorithm == jws.header.end() || !algorithm->is_string()) {
    return Malformed("alg is missing or not a string");
  }
  jws.algorithm_name = algorithm->get<std::string>();
  const auto kid = jws.header.find("kid");
  if (kid == jws.header.end() || !kid->is_string()) {
    return Malformed("kid is missing or not a string");
  }
  jws.kid = kid->get<std::string>();
  if (!IsWellFormedTokenKeyId(jws.kid)) {
    return Malformed(absl::StrCat("kid is not 1 to ", kMaxTokenKeyIdLength,
                                  " characters of A-Z, a-z, 0-9, '-' and '_'"));
  }
  if (jws.header.contains("crit")) return Malformed("crit names extensions not supported here");
  if (jws.header.contains("b64")) return Malformed("b64 (unencoded payload) is not supported");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> SignCompactJws(const EVP_PKEY& private_key, JwsAlgorithm algorithm,
                                           absl::string_view kid, absl::string_view typ,
                                           absl::string_view payload) {
  if (!IsWellFormedTokenKeyId(kid)) {
    return absl::InvalidArgumentError(absl::StrCat("kid must be 1 to ", kMaxTokenKeyIdLength,
                                                   " characters of A-Z, a-z, 0-9, '-' and '_'"));
  }
  if (!IsWellFormedType(typ)) {
    return absl::InvalidArgumentError(absl::StrCat("typ must be 1 to ", kMaxJwsTypeChars,
                                                   " printable ASCII characters without spaces"));
  }
  const Json header = {
      {"alg", JwsAlgorithmName(algorithm)}, {"kid", std::string(kid)}, {"typ", std::string(typ)}};
  return internal::SignCompactJwsWithHeader(private_key, algorithm, header, payload);
}

absl::StatusOr<ParsedJws> ParseCompactJws(absl::string_view token, size_t max_token_bytes) {
  if (token.empty()) return Malformed("it is empty");
  if (token.size() > max_token_bytes) {
    return Malformed(absl::StrCat("it is longer than ", max_token_bytes, " bytes"));
  }
  const size_t first_dot = token.find('.');
  const size_t second_dot =
      first_dot == absl::string_view::npos ? first_dot : token.find('.', first_dot + 1);
  if (second_dot == absl::string_view::npos ||
      token.find('.', second_dot + 1) != absl::string_view::npos) {
    return Malformed("it is not three base64url parts separated by '.'");
  }
  std::optional<std::string> header = Base64UrlDecode(token.substr(0, first_dot));
  std::optional<std::string> payload =
      Base64UrlDecode(token.substr(first_dot + 1, second_dot - first_dot - 1));
  std::optional<std::string> signature = Base64UrlDecode(token.substr(second_dot + 1));
  if (!header.has_value()) return Malformed("header is not unpadded base64url");
  if (!payload.has_value()) return Malformed("payload is not unpadded base64url");
  if (!signature.has_value()) return Malformed("signature is not unpadded base64url");

  std::optional<Json> header_json = ParseStrictJsonObject(*header);
  if (!header_json.has_value()) {
    return Malformed("header is not a JSON object without repeated member names");
  }
  ParsedJws jws;
  jws.header = *std::move(header_json);
  RETURN_IF_ERROR(ReadHeader(jws));
  jws.payload = *std::move(payload);
  jws.signing_input = std::string(token.substr(0, second_dot));
  jws.signature = *std::move(signature);
  return jws;
}

absl::Status VerifyJwsSignature(const ParsedJws& jws, const PublicJwk& key) {
  if (key.key == nullptr) return absl::InvalidArgumentError("the verification key is empty");
  RETURN_IF_ERROR(CheckKeyFitsAlgorithm(*key.key, key.algorithm));
  // Exactly the key's algorithm, compared before anything else is trusted.
  if (jws.algorithm_name != JwsAlgorithmName(key.algorithm)) {
    return Refused(AlgorithmRefusal(jws.algorithm_name, key.algorithm));
  }
  if (jws.signature.size() != SignatureBytes(key.algorithm)) {
    return Malformed(absl::StrCat("signature is not ", SignatureBytes(key.algorithm), " bytes"));
  }
  if (!VerifySignature(key, jws)) return Refused("signature does not verify");
  return absl::OkStatus();
}

namespace internal {

absl::StatusOr<std::string> SignCompactJwsWithHeader(const EVP_PKEY& private_key,
                                                     JwsAlgorithm algorithm, const Json& header,
                                                     absl::string_view payload) {
  RETURN_IF_ERROR(CheckKeyFitsAlgorithm(private_key, algorithm));
  const auto header_algorithm = header.is_object() ? header.find("alg") : header.end();
  if (!header.is_object() || header_algorithm == header.end() || !header_algorithm->is_string() ||
      header_algorithm->get<std::string>() != JwsAlgorithmName(algorithm)) {
    return absl::InvalidArgumentError("the header's alg is not the algorithm signed with");
  }
  std::string header_text;
  try {
    header_text = header.dump();
  } catch (const Json::exception&) {  // a string member that is not UTF-8
    return absl::InvalidArgumentError("the header is not valid UTF-8");
  }
  const std::string signing_input =
      absl::StrCat(Base64UrlEncode(header_text), ".", Base64UrlEncode(payload));
  // Known before signing: base64url of n bytes is ceil(4n/3) characters.
  const size_t signature_characters = (4 * SignatureBytes(algorithm) + 2) / 3;
  if (signing_input.size() + 1 + signature_characters > kMaxJwsBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the payload is too large: the JWS would be longer than ", kMaxJwsBytes, " bytes"));
  }
  ASSIGN_OR_RETURN(const std::string signature, Sign(private_key, algorithm, signing_input));
  return absl::StrCat(signing_input, ".", Base64UrlEncode(signature));
}

}  // namespace internal
}  // namespace creditbank::domain::jose
