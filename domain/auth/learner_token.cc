#include "domain/auth/learner_token.h"

#include <cstdint>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "domain/crypto/key_ring.h"
#include "domain/crypto/primitives.h"
#include "domain/errors.h"
#include "domain/jose/base64url.h"
#include "domain/jose/strict_json.h"
#include "domain/validation/identity.h"
#include "nlohmann/json.hpp"

namespace creditbank::domain {
namespace {

using Json = nlohmann::json;

constexpr char kAlgorithm[] = "ES256";
constexpr char kType[] = "JWT";
// 9999-12-31T23:59:59Z. A NumericDate past it is no real time, and the
// bound keeps every sum of two of them far from int64 overflow.
constexpr int64_t kMaxNumericDate = 253'402'300'799;

absl::Status Refused(absl::string_view reason) {
  return absl::UnauthenticatedError(absl::StrCat("learner token refused: ", reason));
}

// Strict base64url and duplicate-refusing JSON objects (domain/jose/):
// one token has exactly one spelling, and no two parsers can disagree
// about which of two "alg" members counts.
std::optional<std::string> DecodeBase64Url(absl::string_view text) {
  return jose::Base64UrlDecode(text);
}
std::optional<Json> ParseJsonObject(absl::string_view text) {
  return jose::ParseStrictJsonObject(text);
}

bool StringMember(const Json& object, const char* name, std::string* value) {
  const auto member = object.find(name);
  if (member == object.end() || !member->is_string()) return false;
  *value = member->get<std::string>();
  return true;
}

// A NumericDate claim: an integer JSON number of seconds (not a string and,
// though RFC 7519 allows them, not a fraction: we issue whole seconds) in
// [0, kMaxNumericDate]. nullopt when absent.
absl::StatusOr<std::optional<int64_t>> TimeClaim(const Json& claims, const char* name) {
  const auto member = claims.find(name);
  if (member == claims.end()) return std::nullopt;
  if (!member->is_number_integer()) return Refused(absl::StrCat(name, " is not an integer"));
  const bool in_range = member->is_number_unsigned()
                            ? member->get<uint64_t>() <= static_cast<uint64_t>(kMaxNumericDate)
                            : member->get<int64_t>() >= 0;
  if (!in_range) return Refused(absl::StrCat(name, " is out of range"));
  return member->get<int64_t>();
}

absl::StatusOr<int64_t> RequiredTimeClaim(const Json& claims, const char* name) {
  ASSIGN_OR_RETURN(std::optional<int64_t> seconds, TimeClaim(claims, name));
  if (!seconds.has_value()) return Refused(absl::StrCat(name, " is missing"));
  return *seconds;
}

// "aud" is one string or an array of strings (RFC 7519 §4.1.3); ours must
// be among them.
bool AudienceIncludesUs(const Json& claims) {
  const auto audience = claims.find("aud");
  if (audience == claims.end()) return false;
  if (audience->is_string()) return audience->get<std::string>() == kLearnerTokenAudience;
  if (!audience->is_array()) return false;
  bool found = false;
  for (const Json& entry : *audience) {
    if (!entry.is_string()) return false;
    found = found || entry.get<std::string>() == kLearnerTokenAudience;
  }
  return found;
}

bool IsTokenId(absl::string_view text) {
  if (text.size() != 2 * kLearnerTokenIdBytes) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)) && (c < 'a' || c > 'f')) return false;
  }
  return true;
}

// Who, which token, and when: the claims other than the times.
absl::StatusOr<LearnerTokenClaims> IdentityClaims(const Json& claims) {
  LearnerTokenClaims result;
  std::string issuer;
  if (!StringMember(claims, "iss", &issuer) || issuer != kLearnerTokenIssuer) {
    return Refused("iss is not creditbank");
  }
  if (!AudienceIncludesUs(claims)) return Refused("aud does not name creditbank-learner");
  if (!StringMember(claims, "sub", &result.account_number) ||
      !CheckAccountNumber(result.account_number).empty()) {
    return Refused("sub is not a valid account number");
  }
  if (!StringMember(claims, "jti", &result.token_id) || !IsTokenId(result.token_id)) {
    return Refused("jti is not 32 lower-case hex characters");
  }
  return result;
}

// The claims of a payload whose signature has verified, valid at `now`.
absl::StatusOr<LearnerTokenClaims> CheckClaims(const Json& claims, absl::Time now) {
  ASSIGN_OR_RETURN(LearnerTokenClaims result, IdentityClaims(claims));
  ASSIGN_OR_RETURN(const int64_t issued, RequiredTimeClaim(claims, "iat"));
  ASSIGN_OR_RETURN(const int64_t expires, RequiredTimeClaim(claims, "exp"));
  ASSIGN_OR_RETURN(const std::optional<int64_t> not_before, TimeClaim(claims, "nbf"));
  if (expires <= issued) return Refused("exp is not after iat");
  if (absl::Seconds(expires - issued) > kMaxLearnerTokenLifetime + kLearnerTokenClockSkew) {
    return Refused("lifetime is longer than the maximum");
  }
  // Instants, so the comparisons keep the clock's sub-second precision:
  // valid while now < exp + skew, and from iat - skew (nbf - skew) on.
  result.issued_at = absl::FromUnixSeconds(issued);
  result.expires_at = absl::FromUnixSeconds(expires);
  if (now >= result.expires_at + kLearnerTokenClockSkew) return Refused("token has expired");
  if (now < result.issued_at - kLearnerTokenClockSkew) return Refused("iat is in the future");
  if (not_before.has_value() &&
      now < absl::FromUnixSeconds(*not_before) - kLearnerTokenClockSkew) {
    return Refused("token is not valid yet (nbf)");
  }
  return result;
}

}  // namespace

absl::StatusOr<LearnerTokenVerifier> LearnerTokenVerifier::Create(
    absl::string_view public_key_pem, absl::string_view key_id) {
  LearnerTokenVerifier verifier;
  RETURN_IF_ERROR(verifier.AddKey(public_key_pem, key_id));
  return verifier;
}

absl::Status LearnerTokenVerifier::AddKey(absl::string_view public_key_pem,
                                          absl::string_view key_id) {
  ASSIGN_OR_RETURN(EvpPkeyPtr key, ParseEcP256PublicKeyPem(public_key_pem));
  return AddParsedKey(std::move(key), key_id);
}

absl::Status LearnerTokenVerifier::AddParsedKey(EvpPkeyPtr key, absl::string_view key_id) {
  if (!IsWellFormedTokenKeyId(key_id)) {
    return absl::InvalidArgumentError(absl::StrCat("token key id must be 1 to ",
                                                   kMaxTokenKeyIdLength,
                                                   " characters of A-Z, a-z, 0-9, '-' and '_'"));
  }
  if (keys_.size() >= kMaxLearnerTokenVerificationKeys) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "a learner token verifier holds at most ", kMaxLearnerTokenVerificationKeys, " keys"));
  }
  if (!keys_.emplace(std::string(key_id), std::move(key)).second) {
    return absl::InvalidArgumentError(
        absl::StrCat("token key id ", key_id, " is already taken by another key"));
  }
  return absl::OkStatus();
}

absl::StatusOr<LearnerTokenClaims> LearnerTokenVerifier::Verify(absl::string_view token,
                                                                const Clock& clock) const {
  if (token.empty()) return Refused("token is empty");
  if (token.size() > kMaxLearnerTokenBytes) {
    return Refused(absl::StrCat("token is longer than ", kMaxLearnerTokenBytes, " bytes"));
  }
  const size_t first_dot = token.find('.');
  const size_t second_dot =
      first_dot == absl::string_view::npos ? first_dot : token.find('.', first_dot + 1);
  if (second_dot == absl::string_view::npos ||
      token.find('.', second_dot + 1) != absl::string_view::npos) {
    return Refused("token is not three base64url parts separated by '.'");
  }
  const std::optional<std::string> header =
      DecodeBase64Url(token.substr(0, first_dot));
  const std::optional<std::string> payload =
      DecodeBase64Url(token.substr(first_dot + 1, second_dot - first_dot - 1));
  const std::optional<std::string> signature = DecodeBase64Url(token.substr(second_dot + 1));
  if (!header.has_value()) return Refused("header is not base64url");
  if (!payload.has_value()) return Refused("payload is not base64url");
  if (!signature.has_value()) return Refused("signature is not base64url");

  const std::optional<Json> header_json = ParseJsonObject(*header);
  if (!header_json.has_value()) return Refused("header is not a JSON object");
  std::string value;
  // Only ES256: never "none", never an HMAC keyed with the public key, never
  // whatever the header asks for.
  if (!StringMember(*header_json, "alg", &value) || value != kAlgorithm) {
    return Refused("alg is not ES256");
  }
  if (header_json->contains("typ") && (!StringMember(*header_json, "typ", &value) ||
                                       value != kType)) {
    return Refused("typ is not JWT");
  }
  // "crit" names extensions the verifier must understand (RFC 7515
  // §4.1.11); we understand none. Key-carrying headers (jwk, jku, x5c,
  // x5u) are ignored: keys come only from this verifier.
  if (header_json->contains("crit")) return Refused("crit is not supported");
  if (!StringMember(*header_json, "kid", &value)) return Refused("kid is missing or not a string");
  const auto key = keys_.find(value);
  if (key == keys_.end()) return Refused("kid names no known key");

  if (signature->size() != kEs256SignatureBytes) {
    return Refused("signature is not 64 bytes (ES256 R||S)");
  }
  if (!Es256Verify(*key->second, token.substr(0, second_dot), *signature)) {
    return Refused("signature does not verify");
  }
  // Only now, with the signature good, is the payload read.
  const std::optional<Json> claims = ParseJsonObject(*payload);
  if (!claims.has_value()) return Refused("payload is not a JSON object");
  return CheckClaims(*claims, clock.Now());
}

absl::StatusOr<LearnerTokenSigner> LearnerTokenSigner::Create(absl::string_view private_key_pem,
                                                              absl::string_view key_id) {
  ASSIGN_OR_RETURN(EvpPkeyPtr private_key, ParseEcP256PrivateKeyPem(private_key_pem));
  ASSIGN_OR_RETURN(std::string public_key_pem, EcP256PublicKeyPem(*private_key));
  ASSIGN_OR_RETURN(LearnerTokenVerifier verifier,
                   LearnerTokenVerifier::Create(public_key_pem, key_id));
  return LearnerTokenSigner(std::move(private_key), std::string(key_id),
                            std::move(public_key_pem), std::move(verifier));
}

absl::StatusOr<std::string> LearnerTokenSigner::Issue(absl::string_view account_number,
                                                      absl::Duration lifetime,
                                                      const Clock& clock) const {
  const std::string why = CheckAccountNumber(account_number);
  if (!why.empty()) return InvalidField("account_number", why);
  if (lifetime < kMinLearnerTokenLifetime || lifetime > kMaxLearnerTokenLifetime) {
    return absl::InvalidArgumentError(
        absl::StrCat("learner token lifetime must be from ",
                     absl::FormatDuration(kMinLearnerTokenLifetime), " to ",
                     absl::FormatDuration(kMaxLearnerTokenLifetime), ", not ",
                     absl::FormatDuration(lifetime)));
  }
  const int64_t issued = absl::ToUnixSeconds(clock.Now());
  const int64_t expires = issued + absl::ToInt64Seconds(lifetime);
  if (issued < 0 || expires > kMaxNumericDate) {
    return absl::InternalError("the clock is outside the years 1970 to 9999");
  }
  ASSIGN_OR_RETURN(std::string token_id, RandomBytes(kLearnerTokenIdBytes));
  const Json header = {{"alg", kAlgorithm}, {"kid", key_id_}, {"typ", kType}};
  const Json claims = {{"iss", std::string(kLearnerTokenIssuer)},
                       {"aud", std::string(kLearnerTokenAudience)},
                       {"sub", std::string(account_number)},
                       {"iat", issued},
                       {"nbf", issued},
                       {"exp", expires},
                       {"jti", HexEncode(token_id)}};
  const std::string signing_input = absl::StrCat(jose::Base64UrlEncode(header.dump()), ".",
                                                 jose::Base64UrlEncode(claims.dump()));
  ASSIGN_OR_RETURN(std::string signature, Es256Sign(*private_key_, signing_input));
  return absl::StrCat(signing_input, ".", jose::Base64UrlEncode(signature));
}

}  // namespace creditbank::domain
