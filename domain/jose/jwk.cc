#include "domain/jose/jwk.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/params.h>

#include <memory>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "domain/crypto/ed25519.h"
#include "domain/crypto/key_ring.h"  // IsWellFormedTokenKeyId
#include "domain/jose/base64url.h"
#include "domain/jose/strict_json.h"

namespace creditbank::domain::jose {
namespace {

using Json = nlohmann::json;

// An EC public key is the uncompressed point 0x04 || X || Y (SEC 1 §2.3.3).
constexpr unsigned char kUncompressedPointTag = 0x04;
constexpr size_t kP256CoordinateBytes = kEs256ScalarBytes;

struct BignumDeleter {
  void operator()(BIGNUM* number) const { BN_free(number); }
};
using BignumPtr = std::unique_ptr<BIGNUM, BignumDeleter>;
struct PkeyContextDeleter {
  void operator()(EVP_PKEY_CTX* context) const { EVP_PKEY_CTX_free(context); }
};
using PkeyContextPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyContextDeleter>;

// A failed OpenSSL call leaves errors in this thread's queue; drop them so
// they are not blamed on a later, unrelated call.
absl::Status Failed(absl::Status status) {
  ERR_clear_error();
  return status;
}

absl::Status MemberError(absl::string_view member, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("JWK member \"", member, "\" ", problem));
}

absl::Status Prefixed(absl::string_view prefix, const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat(prefix, status.message()));
}

bool IsP256(const EVP_PKEY& key) {
  if (EVP_PKEY_get_base_id(&key) != EVP_PKEY_EC) return false;
  char name[64] = {};
  size_t length = 0;
  if (EVP_PKEY_get_group_name(&key, name, sizeof(name), &length) != 1) {
    ERR_clear_error();
    return false;
  }
  int nid = OBJ_txt2nid(name);
  if (nid == NID_undef) nid = EC_curve_nist2nid(name);
  return nid == NID_X9_62_prime256v1;
}

absl::StatusOr<std::string> Coordinate(const EVP_PKEY& key, const char* parameter) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(&key, parameter, &raw) != 1) {
    return Failed(absl::InvalidArgumentError("the EC key has no public point"));
  }
  BignumPtr number(raw);
  std::string bytes(kP256CoordinateBytes, '\0');
  if (BN_bn2binpad(number.get(), reinterpret_cast<unsigned char*>(bytes.data()),
                   kP256CoordinateBytes) != static_cast<int>(kP256CoordinateBytes)) {
    return Failed(absl::InvalidArgumentError("an EC coordinate does not fit 32 bytes"));
  }
  return bytes;
}

// A public-only P-256 key from its affine coordinates. OpenSSL refuses a
// point off the curve on import; the explicit public check (on the curve,
// not infinity, of the group's order) says so in writing.
absl::StatusOr<EvpPkeyPtr> EcP256PublicKey(const std::string& x, const std::string& y) {
  std::string point = absl::StrCat(std::string(1, static_cast<char>(kUncompressedPointTag)), x, y);
  char group[] = SN_X9_62_prime256v1;
  const OSSL_PARAM parameters[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()),
      OSSL_PARAM_construct_end()};
  PkeyContextPtr context(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* imported = nullptr;
  if (context == nullptr || EVP_PKEY_fromdata_init(context.get()) != 1 ||
      EVP_PKEY_fromdata(context.get(), &imported, EVP_PKEY_PUBLIC_KEY,
                        const_cast<OSSL_PARAM*>(parameters)) != 1) {
    return Failed(MemberError("x", "and \"y\" are not a point on P-256"));
  }
  EvpPkeyPtr key(imported);
  PkeyContextPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (check == nullptr || EVP_PKEY_public_check(check.get()) != 1) {
    return Failed(MemberError("x", "and \"y\" are not a point on P-256"));
  }
  return key;
}

absl::StatusOr<EvpPkeyPtr> Ed25519PublicKeyFromBytes(const std::string& x) {
  EvpPkeyPtr key(EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(x.data()), x.size()));
  if (key == nullptr) return Failed(MemberError("x", "is not an Ed25519 public key"));
  return key;
}

// A required member holding exactly `size` bytes in strict base64url.
absl::StatusOr<std::string> KeyBytesMember(const Json& json, const char* name, size_t size) {
  const auto member = json.find(name);
  if (member == json.end() || !member->is_string()) {
    return MemberError(name, "is missing or not a string");
  }
  std::optional<std::string> bytes = Base64UrlDecode(member->get<std::string>());
  if (!bytes.has_value()) return MemberError(name, "is not unpadded base64url");
  if (bytes->size() != size) {
    return MemberError(name, absl::StrCat("is not ", size, " bytes"));
  }
  return *std::move(bytes);
}

bool HasString(const Json& json, const char* name, absl::string_view expected) {
  const auto member = json.find(name);
  return member != json.end() && member->is_string() && member->get<std::string>() == expected;
}

// kty and crv name the key's kind; an "alg" present must agree.
absl::StatusOr<JwsAlgorithm> AlgorithmOfJwk(const Json& json) {
  JwsAlgorithm algorithm;
  if (HasString(json, "kty", "EC")) {
    if (!HasString(json, "crv", "P-256")) return MemberError("crv", "is not P-256 for kty EC");
    algorithm = JwsAlgorithm::kEs256;
  } else if (HasString(json, "kty", "OKP")) {
    if (!HasString(json, "crv", "Ed25519")) {
      return MemberError("crv", "is not Ed25519 for kty OKP");
    }
    if (json.contains("y")) return MemberError("y", "is not a member of an OKP key");
    algorithm = JwsAlgorithm::kEdDsa;
  } else {
    return MemberError("kty", "is not EC or OKP");
  }
  if (json.contains("alg") && !HasString(json, "alg", JwsAlgorithmName(algorithm))) {
    return MemberError("alg", absl::StrCat("is not ", JwsAlgorithmName(algorithm),
                                           ", the algorithm of its kty and crv"));
  }
  return algorithm;
}

// "use" and "key_ops", when present, must allow verifying signatures.
absl::Status CheckKeyUse(const Json& json) {
  if (json.contains("use") && !HasString(json, "use", "sig")) {
    return MemberError("use", "is not sig");
  }
  const auto operations = json.find("key_ops");
  if (operations == json.end()) return absl::OkStatus();
  bool verify = false;
  if (operations->is_array()) {
    for (const Json& operation : *operations) {
      if (!operation.is_string()) return MemberError("key_ops", "is not an array of strings");
      verify = verify || operation.get<std::string>() == "verify";
    }
  }
  if (!verify) return MemberError("key_ops", "is not an array that includes verify");
  return absl::OkStatus();
}

absl::Status CheckRetiredAt(const std::optional<int64_t>& retired_at) {
  if (retired_at.has_value() && (*retired_at < 0 || *retired_at > kMaxRetiredAtUnixSeconds)) {
    return MemberError("retired_at", "is not from 0 to the year 9999");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<int64_t>> RetiredAt(const Json& json) {
  const auto member = json.find("retired_at");
  if (member == json.end()) return std::nullopt;
  if (!member->is_number_integer()) return MemberError("retired_at", "is not an integer");
  // Read as unsigned when nlohmann holds it so (any non-negative number it
  // parsed), so a value past int64 is not wrapped into range.
  if (member->is_number_unsigned() &&
      member->get<uint64_t>() > static_cast<uint64_t>(kMaxRetiredAtUnixSeconds)) {
    return MemberError("retired_at", "is not from 0 to the year 9999");
  }
  const int64_t seconds = member->get<int64_t>();
  RETURN_IF_ERROR(CheckRetiredAt(seconds));
  return seconds;
}

absl::Status CheckKid(absl::string_view kid) {
  if (IsWellFormedTokenKeyId(kid)) return absl::OkStatus();
  return MemberError("kid", absl::StrCat("is not 1 to ", kMaxTokenKeyIdLength,
                                         " characters of A-Z, a-z, 0-9, '-' and '_'"));
}

// The public-only key of `algorithm` that `json`'s coordinates describe.
absl::StatusOr<EvpPkeyPtr> KeyFromJson(const Json& json, JwsAlgorithm algorithm) {
  if (algorithm == JwsAlgorithm::kEdDsa) {
    ASSIGN_OR_RETURN(std::string x, KeyBytesMember(json, "x", kEd25519PublicKeyBytes));
    return Ed25519PublicKeyFromBytes(x);
  }
  ASSIGN_OR_RETURN(std::string x, KeyBytesMember(json, "x", kP256CoordinateBytes));
  ASSIGN_OR_RETURN(std::string y, KeyBytesMember(json, "y", kP256CoordinateBytes));
  return EcP256PublicKey(x, y);
}

}  // namespace

absl::string_view JwsAlgorithmName(JwsAlgorithm algorithm) {
  switch (algorithm) {
    case JwsAlgorithm::kEs256:
      return "ES256";
    case JwsAlgorithm::kEdDsa:
      return "EdDSA";
  }
  return "unknown";  // not reached: the switch covers every enumerator
}

absl::Status CheckKeyFitsAlgorithm(const EVP_PKEY& key, JwsAlgorithm algorithm) {
  const bool fits = algorithm == JwsAlgorithm::kEs256
                        ? IsP256(key)
                        : EVP_PKEY_get_base_id(&key) == EVP_PKEY_ED25519;
  if (fits) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "the key is not ", algorithm == JwsAlgorithm::kEs256 ? "an EC P-256" : "an Ed25519",
      " key, which ", JwsAlgorithmName(algorithm), " needs"));
}

absl::StatusOr<Json> PublicJwkToJson(const PublicJwk& jwk) {
  if (jwk.key == nullptr) return absl::InvalidArgumentError("the JWK has no key");
  RETURN_IF_ERROR(CheckKid(jwk.kid));
  RETURN_IF_ERROR(CheckKeyFitsAlgorithm(*jwk.key, jwk.algorithm));
  RETURN_IF_ERROR(CheckRetiredAt(jwk.retired_at_unix_seconds));
  Json json = {{"kid", jwk.kid}, {"alg", JwsAlgorithmName(jwk.algorithm)}, {"use", "sig"}};
  if (jwk.algorithm == JwsAlgorithm::kEs256) {
    ASSIGN_OR_RETURN(const std::string x, Coordinate(*jwk.key, OSSL_PKEY_PARAM_EC_PUB_X));
    ASSIGN_OR_RETURN(const std::string y, Coordinate(*jwk.key, OSSL_PKEY_PARAM_EC_PUB_Y));
    json.update(
        {{"kty", "EC"}, {"crv", "P-256"}, {"x", Base64UrlEncode(x)}, {"y", Base64UrlEncode(y)}});
  } else {
    ASSIGN_OR_RETURN(const std::string x, Ed25519PublicKey(*jwk.key));
    json.update({{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", Base64UrlEncode(x)}});
  }
  if (jwk.retired_at_unix_seconds.has_value()) json["retired_at"] = *jwk.retired_at_unix_seconds;
  return json;
}

absl::StatusOr<PublicJwk> PublicJwkFromJson(const Json& json) {
  if (!json.is_object()) return absl::InvalidArgumentError("a JWK is not a JSON object");
  // Checked first and on its own: a private key where a public one belongs
  // is a leak to report as such, whatever else is wrong.
  if (json.contains("d")) {
    return MemberError("d", "is a private key; a published JWK must not carry it");
  }
  PublicJwk jwk;
  ASSIGN_OR_RETURN(jwk.algorithm, AlgorithmOfJwk(json));
  RETURN_IF_ERROR(CheckKeyUse(json));
  const auto kid = json.find("kid");
  if (kid == json.end() || !kid->is_string()) {
    return MemberError("kid", "is missing or not a string");
  }
  jwk.kid = kid->get<std::string>();
  RETURN_IF_ERROR(CheckKid(jwk.kid));
  ASSIGN_OR_RETURN(jwk.retired_at_unix_seconds, RetiredAt(json));
  ASSIGN_OR_RETURN(jwk.key, KeyFromJson(json, jwk.algorithm));
  return jwk;
}

absl::StatusOr<PublicJwk> PublicJwkFromPrivateKey(const EVP_PKEY& private_key,
                                                  JwsAlgorithm algorithm, std::string kid) {
  RETURN_IF_ERROR(CheckKeyFitsAlgorithm(private_key, algorithm));
  RETURN_IF_ERROR(CheckKid(kid));
  PublicJwk jwk;
  jwk.kid = std::move(kid);
  jwk.algorithm = algorithm;
  // A new public-only key, so the JWK never holds the private scalar.
  if (algorithm == JwsAlgorithm::kEs256) {
    ASSIGN_OR_RETURN(const std::string x, Coordinate(private_key, OSSL_PKEY_PARAM_EC_PUB_X));
    ASSIGN_OR_RETURN(const std::string y, Coordinate(private_key, OSSL_PKEY_PARAM_EC_PUB_Y));
    ASSIGN_OR_RETURN(jwk.key, EcP256PublicKey(x, y));
  } else {
    ASSIGN_OR_RETURN(const std::string x, Ed25519PublicKey(private_key));
    ASSIGN_OR_RETURN(jwk.key, Ed25519PublicKeyFromBytes(x));
  }
  return jwk;
}

absl::StatusOr<Json> JwksToJson(const std::vector<PublicJwk>& keys) {
  if (keys.size() > kMaxJwksKeys) {
    return absl::InvalidArgumentError(
        absl::StrCat("a JWK Set holds at most ", kMaxJwksKeys, " keys"));
  }
  Json array = Json::array();
  std::set<std::string> kids;
  for (size_t index = 0; index < keys.size(); ++index) {
    const std::string where = absl::StrCat("keys[", index, "]: ");
    absl::StatusOr<Json> json = PublicJwkToJson(keys[index]);
    if (!json.ok()) return Prefixed(where, json.status());
    if (!kids.insert(keys[index].kid).second) {
      return Prefixed(where, MemberError("kid", "is the kid of an earlier key"));
    }
    array.push_back(*std::move(json));
  }
  return Json{{"keys", std::move(array)}};
}

absl::StatusOr<std::vector<PublicJwk>> ParseJwks(absl::string_view text) {
  if (text.size() > kMaxJwksBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("a JWK Set is at most ", kMaxJwksBytes, " bytes"));
  }
  const std::optional<Json> json = ParseStrictJsonObject(text);
  if (!json.has_value()) {
    return absl::InvalidArgumentError(
        "the JWK Set is not a JSON object without repeated member names");
  }
  const auto keys = json->find("keys");
  if (keys == json->end() || !keys->is_array()) {
    return absl::InvalidArgumentError("the JWK Set has no \"keys\" array");
  }
  if (keys->size() > kMaxJwksKeys) {
    return absl::InvalidArgumentError(
        absl::StrCat("a JWK Set holds at most ", kMaxJwksKeys, " keys"));
  }
  std::vector<PublicJwk> parsed;
  std::set<std::string> kids;
  for (size_t index = 0; index < keys->size(); ++index) {
    const std::string where = absl::StrCat("keys[", index, "]: ");
    absl::StatusOr<PublicJwk> jwk = PublicJwkFromJson((*keys)[index]);
    if (!jwk.ok()) return Prefixed(where, jwk.status());
    if (!kids.insert(jwk->kid).second) {
      return Prefixed(where, MemberError("kid", "is the kid of an earlier key"));
    }
    parsed.push_back(*std::move(jwk));
  }
  return parsed;
}

absl::StatusOr<const PublicJwk*> FindKey(const std::vector<PublicJwk>& keys,
                                         absl::string_view kid) {
  for (const PublicJwk& key : keys) {
    if (key.kid == kid) return &key;
  }
  return absl::NotFoundError("kid names no published key");
}

}  // namespace creditbank::domain::jose
