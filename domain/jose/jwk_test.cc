// JWKs and JWK Sets: round trips for both key kinds, the RFC examples'
// coordinates, and every refusal — a point off the curve, a private "d",
// kty/crv/alg that disagree, bad lengths and encodings, bad kid, use,
// key_ops and retired_at, repeated kids and oversized sets — each INVALID_
// ARGUMENT naming the member and quoting no value.
#include "domain/jose/jwk.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "domain/crypto/ec_p256.h"
#include "domain/crypto/ed25519.h"
#include "domain/jose/base64url.h"
#include "gmock/gmock.h"
#include "domain/jose/rfc_test_vectors.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace creditbank::domain::jose {
namespace {

using ::creditbank::testing::IsOk;
using ::creditbank::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

// The RFC examples (rfc_test_vectors.h).
using rfc::kRfc7515D;
using rfc::kRfc7515X;
using rfc::kRfc7515Y;
using rfc::kRfc8037D;
using rfc::kRfc8037X;

Json EcJwk() {
  return Json{{"kty", "EC"},         {"crv", "P-256"}, {"x", kRfc7515X}, {"y", kRfc7515Y},
              {"kid", "rfc7515-a3"}, {"alg", "ES256"}, {"use", "sig"}};
}

Json EdJwk() {
  return Json{{"kty", "OKP"},        {"crv", "Ed25519"}, {"x", kRfc8037X},
              {"kid", "rfc8037-a2"}, {"alg", "EdDSA"},   {"use", "sig"}};
}

EvpPkeyPtr Rfc8037PrivateKey() {
  absl::StatusOr<EvpPkeyPtr> key = Ed25519KeyFromSeed(*Base64UrlDecode(kRfc8037D));
  EXPECT_THAT(key, IsOk());
  return *std::move(key);
}

// INVALID_ARGUMENT naming `member`, and no value of `json` quoted.
void ExpectRefused(const Json& json, absl::string_view member) {
  const absl::StatusOr<PublicJwk> jwk = PublicJwkFromJson(json);
  ASSERT_THAT(jwk, StatusIs(absl::StatusCode::kInvalidArgument)) << json.dump();
  const std::string message(jwk.status().message());
  EXPECT_THAT(message, HasSubstr(absl::StrCat("\"", member, "\""))) << json.dump();
  for (const auto& [name, value] : json.items()) {
    if (value.is_string() && value.get<std::string>().size() >= 8) {
      EXPECT_THAT(message, Not(HasSubstr(value.get<std::string>())));
    }
  }
}

bool HoldsPrivateKey(const EVP_PKEY& key) {
  if (EVP_PKEY_get_base_id(&key) == EVP_PKEY_ED25519) {
    size_t length = 0;
    return EVP_PKEY_get_raw_private_key(&key, nullptr, &length) == 1;
  }
  BIGNUM* scalar = nullptr;
  const bool found = EVP_PKEY_get_bn_param(&key, OSSL_PKEY_PARAM_PRIV_KEY, &scalar) == 1;
  BN_clear_free(scalar);
  return found;
}

TEST(JwkTest, AlgorithmNames) {
  EXPECT_EQ(JwsAlgorithmName(JwsAlgorithm::kEs256), "ES256");
  EXPECT_EQ(JwsAlgorithmName(JwsAlgorithm::kEdDsa), "EdDSA");
}

TEST(JwkTest, Rfc7515EcKeyRoundTrips) {
  ASSERT_OK_AND_ASSIGN(PublicJwk jwk, PublicJwkFromJson(EcJwk()));
  EXPECT_EQ(jwk.kid, "rfc7515-a3");
  EXPECT_EQ(jwk.algorithm, JwsAlgorithm::kEs256);
  EXPECT_FALSE(jwk.retired_at_unix_seconds.has_value());
  ASSERT_OK_AND_ASSIGN(Json json, PublicJwkToJson(jwk));
  EXPECT_EQ(json, EcJwk());
}

TEST(JwkTest, Rfc8037Ed25519KeyFromItsSeedHasTheRfcPublicKey) {
  const EvpPkeyPtr private_key = Rfc8037PrivateKey();
  ASSERT_OK_AND_ASSIGN(PublicJwk jwk,
                       PublicJwkFromPrivateKey(*private_key, JwsAlgorithm::kEdDsa, "rfc8037-a2"));
  EXPECT_FALSE(HoldsPrivateKey(*jwk.key));
  ASSERT_OK_AND_ASSIGN(Json json, PublicJwkToJson(jwk));
  EXPECT_EQ(json, EdJwk());
  ASSERT_OK_AND_ASSIGN(PublicJwk parsed, PublicJwkFromJson(json));
  EXPECT_EQ(parsed.algorithm, JwsAlgorithm::kEdDsa);
  EXPECT_EQ(*Ed25519PublicKey(*parsed.key), *Base64UrlDecode(kRfc8037X));
}

TEST(JwkTest, FreshEcKeyRoundTripsAndVerifiesItsSignatures) {
  ASSERT_OK_AND_ASSIGN(EvpPkeyPtr private_key, GenerateEcP256Key());
  ASSERT_OK_AND_ASSIGN(PublicJwk jwk,
                       PublicJwkFromPrivateKey(*private_key, JwsAlgorithm::kEs256, "2026-ec_1"));
  EXPECT_FALSE(HoldsPrivateKey(*jwk.key));
  ASSERT_OK_AND_ASSIGN(Json json, PublicJwkToJson(jwk));
  EXPECT_FALSE(json.contains("d"));
  EXPECT_EQ(json["x"].get<std::string>().size(), 43u);  // 32 bytes, unpadded
  EXPECT_EQ(json["y"].get<std::string>().size(), 43u);
  ASSERT_OK_AND_ASSIGN(PublicJwk parsed, PublicJwkFromJson(json));
  ASSERT_OK_AND_ASSIGN(Json again, PublicJwkToJson(parsed));
  EXPECT_EQ(again, json);
  ASSERT_OK_AND_ASSIGN(std::string signature, Es256Sign(*private_key, "高等数学（一）"));
  EXPECT_TRUE(Es256Verify(*parsed.key, "高等数学（一）", signature));
  EXPECT_FALSE(Es256Verify(*parsed.key, "高等数学（二）", signature));
}

TEST(JwkTest, FreshEd25519KeyRoundTripsAndVerifiesItsSignatures) {
  ASSERT_OK_AND_ASSIGN(EvpPkeyPtr private_key, GenerateEd25519Key());
  ASSERT_OK_AND_ASSIGN(PublicJwk jwk,
                       PublicJwkFromPrivateKey(*private_key, JwsAlgorithm::kEdDsa, "ed-1"));
  ASSERT_OK_AND_ASSIGN(Json json, PublicJwkToJson(jwk));
  ASSERT_OK_AND_ASSIGN(PublicJwk parsed, PublicJwkFromJson(json));
  ASSERT_OK_AND_ASSIGN(std::string signature, Ed25519Sign(*private_key, "transcript"));
  EXPECT_TRUE(Ed25519Verify(*Ed25519PublicKey(*parsed.key), "transcript", signature));
}

TEST(JwkTest, RetiredAtRoundTrips) {
  ASSERT_OK_AND_ASSIGN(PublicJwk jwk, PublicJwkFromJson(EdJwk()));
  jwk.retired_at_unix_seconds = 1'788'220'800;  // 2026-09-01
  ASSERT_OK_AND_ASSIGN(Json json, PublicJwkToJson(jwk));
  EXPECT_EQ(json["retired_at"], 1'788'220'800);
  ASSERT_OK_AND_ASSIGN(PublicJwk parsed, PublicJwkFromJson(json));
  EXPECT_EQ(parsed.retired_at_unix_seconds, 1'788'220'800);

  json["retired_at"] = 0;
  EXPECT_THAT(PublicJwkFromJson(json), IsOk());
  json["retired_at"] = kMaxRetiredAtUnixSeconds;
  EXPECT_THAT(PublicJwkFromJson(json), IsOk());
}

TEST(JwkTest, BadRetiredAtIsRefused) {
  for (const Json& value :
       {Json(-1), Json(1.5), Json(1e9), Json("1788220800"), Json(nullptr), Json(true),
        Json(kMaxRetiredAtUnixSeconds + 1), Json(uint64_t{18'000'000'000'000'000'000u})}) {
    Json json = EcJwk();
    json["retired_at"] = value;
    ExpectRefused(json, "retired_at");
  }
  ASSERT_OK_AND_ASSIGN(PublicJwk jwk, PublicJwkFromJson(EcJwk()));
  jwk.retired_at_unix_seconds = -1;
  EXPECT_THAT(PublicJwkToJson(jwk), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(JwkTest, AlgMayBeAbsentAndIsInferred) {
  Json ec = EcJwk();
  ec.erase("alg");
  ec.erase("use");
  ASSERT_OK_AND_ASSIGN(PublicJwk ec_jwk, PublicJwkFromJson(ec));
  EXPECT_EQ(ec_jwk.algorithm, JwsAlgorithm::kEs256);
  Json ed = EdJwk();
  ed.erase("alg");
  ASSERT_OK_AND_ASSIGN(PublicJwk ed_jwk, PublicJwkFromJson(ed));
  EXPECT_EQ(ed_jwk.algorithm, JwsAlgorithm::kEdDsa);
}

TEST(JwkTest, UnknownMembersAreIgnored) {
  Json json = EcJwk();
  json["x5t"] = "not checked";
  json["ext"] = true;
  EXPECT_THAT(PublicJwkFromJson(json), IsOk());
}

TEST(JwkTest, PrivateMemberIsRefused) {
  Json ec = EcJwk();
  ec["d"] = kRfc7515D;
  ExpectRefused(ec, "d");
  Json ed = EdJwk();
  ed["d"] = kRfc8037D;
  ExpectRefused(ed, "d");
  ed["d"] = nullptr;  // even empty: a private member has no place here
  ExpectRefused(ed, "d");
}

TEST(JwkTest, PointOffTheCurveIsRefused) {
  std::string y = *Base64UrlDecode(kRfc7515Y);
  y.back() ^= 0x01;
  Json json = EcJwk();
  json["y"] = Base64UrlEncode(y);
  ExpectRefused(json, "x");
  json["x"] = Base64UrlEncode(std::string(32, '\0'));
  json["y"] = Base64UrlEncode(std::string(32, '\0'));
  ExpectRefused(json, "x");
  // Coordinates not below the field prime.
  json["x"] = Base64UrlEncode(std::string(32, '\xff'));
  json["y"] = Base64UrlEncode(std::string(32, '\xff'));
  ExpectRefused(json, "x");
}

TEST(JwkTest, KtyCrvAndAlgMustAgree) {
  const struct {
    const char* member;
    const char* value;
    Json base;
  } cases[] = {
      {"kty", "RSA", EcJwk()},    {"kty", "oct", EcJwk()},     {"kty", "ec", EcJwk()},
      {"crv", "P-384", EcJwk()},  {"crv", "Ed25519", EcJwk()}, {"crv", "P-256", EdJwk()},
      {"crv", "X25519", EdJwk()}, {"crv", "Ed448", EdJwk()},   {"alg", "EdDSA", EcJwk()},
      {"alg", "ES256", EdJwk()},  {"alg", "HS256", EcJwk()},   {"alg", "none", EdJwk()},
      {"alg", "ES384", EcJwk()},  {"alg", "Ed25519", EdJwk()},
  };
  for (const auto& test : cases) {
    Json json = test.base;
    json[test.member] = test.value;
    ExpectRefused(json, test.member);
  }
  // kty EC with an OKP's members, and the other way round.
  Json ec_as_okp = EcJwk();
  ec_as_okp["kty"] = "OKP";
  ExpectRefused(ec_as_okp, "crv");
  Json ed_with_y = EdJwk();
  ed_with_y["y"] = kRfc7515Y;
  ExpectRefused(ed_with_y, "y");
}

TEST(JwkTest, MissingOrNonStringMembersAreRefused) {
  for (const char* member : {"kty", "crv", "x", "y", "kid"}) {
    Json json = EcJwk();
    json.erase(member);
    ExpectRefused(json, member);
    json[member] = 7;
    ExpectRefused(json, member);
  }
  Json json = EcJwk();
  json["alg"] = Json::array({"ES256"});
  ExpectRefused(json, "alg");
  EXPECT_THAT(PublicJwkFromJson(Json::array({EcJwk()})),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(PublicJwkFromJson(Json("EC")), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(JwkTest, CoordinatesMustBeStrictBase64UrlOfExactLength) {
  const std::string x = *Base64UrlDecode(kRfc8037X);
  for (const std::string& bad :
       {Base64UrlEncode(x.substr(1)), Base64UrlEncode(x + "\x01"), std::string(kRfc8037X) + "=",
        std::string("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo"), std::string(""),
        std::string("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURp")}) {
    Json json = EdJwk();
    json["x"] = bad;
    ExpectRefused(json, "x");
  }
  Json ec = EcJwk();
  ec["y"] = Base64UrlEncode(std::string(33, '\x01'));
  ExpectRefused(ec, "y");
}

TEST(JwkTest, KidMustBeShortUrlSafeText) {
  for (const Json& kid : {Json(""), Json(std::string(65, 'k')), Json("key.1"), Json("key 1"),
                          Json("密钥一"), Json("key/1")}) {
    Json json = EdJwk();
    json["kid"] = kid;
    ExpectRefused(json, "kid");
  }
  Json json = EdJwk();
  json["kid"] = std::string(64, 'k');
  EXPECT_THAT(PublicJwkFromJson(json), IsOk());
}

TEST(JwkTest, UseAndKeyOpsMustAllowVerifying) {
  for (const Json& use : {Json("enc"), Json("SIG"), Json(1)}) {
    Json json = EcJwk();
    json["use"] = use;
    ExpectRefused(json, "use");
  }
  for (const Json& operations : {Json::array({"sign"}), Json::array({"encrypt", "decrypt"}),
                                 Json::array(), Json("verify"), Json::array({"verify", 1})}) {
    Json json = EcJwk();
    json["key_ops"] = operations;
    ExpectRefused(json, "key_ops");
  }
  Json json = EcJwk();
  json["key_ops"] = Json::array({"verify"});
  EXPECT_THAT(PublicJwkFromJson(json), IsOk());
}

TEST(JwkTest, KeyMustFitTheAlgorithm) {
  ASSERT_OK_AND_ASSIGN(EvpPkeyPtr ec, GenerateEcP256Key());
  ASSERT_OK_AND_ASSIGN(EvpPkeyPtr ed, GenerateEd25519Key());
  EvpPkeyPtr p384(EVP_EC_gen("secp384r1"));
  ASSERT_NE(p384, nullptr);
  EXPECT_THAT(CheckKeyFitsAlgorithm(*ec, JwsAlgorithm::kEs256), IsOk());
  EXPECT_THAT(CheckKeyFitsAlgorithm(*ed, JwsAlgorithm::kEdDsa), IsOk());
  EXPECT_THAT(CheckKeyFitsAlgorithm(*ec, JwsAlgorithm::kEdDsa),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(CheckKeyFitsAlgorithm(*ed, JwsAlgorithm::kEs256),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(CheckKeyFitsAlgorithm(*p384, JwsAlgorithm::kEs256),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(PublicJwkFromPrivateKey(*ed, JwsAlgorithm::kEs256, "k"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(PublicJwkFromPrivateKey(*p384, JwsAlgorithm::kEs256, "k"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(PublicJwkFromPrivateKey(*ec, JwsAlgorithm::kEs256, "bad kid"),
              StatusIs(absl::StatusCode::kInvalidArgument));

  // A hand-made PublicJwk that breaks the rules is not published.
  ASSERT_OK_AND_ASSIGN(PublicJwk jwk, PublicJwkFromPrivateKey(*ec, JwsAlgorithm::kEs256, "k"));
  jwk.algorithm = JwsAlgorithm::kEdDsa;
  EXPECT_THAT(PublicJwkToJson(jwk), StatusIs(absl::StatusCode::kInvalidArgument));
  jwk.algorithm = JwsAlgorithm::kEs256;
  jwk.kid = "";
  EXPECT_THAT(PublicJwkToJson(jwk), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(PublicJwkToJson(PublicJwk{"k", JwsAlgorithm::kEs256, nullptr, std::nullopt}),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

// --- JWK Sets ---

std::string JwksText(const std::vector<Json>& keys) { return Json{{"keys", keys}}.dump(); }

Json EdJwkWithKid(const std::string& kid) {
  Json json = EdJwk();
  json["kid"] = kid;
  return json;
}

TEST(JwksTest, RoundTripsCurrentAndRetiredKeys) {
  std::vector<PublicJwk> keys;
  keys.push_back(*PublicJwkFromJson(EcJwk()));
  keys.push_back(*PublicJwkFromJson(EdJwk()));
  keys.back().retired_at_unix_seconds = 1'788'220'800;
  ASSERT_OK_AND_ASSIGN(Json jwks, JwksToJson(keys));
  ASSERT_EQ(jwks["keys"].size(), 2u);
  EXPECT_EQ(jwks["keys"][0], EcJwk());
  ASSERT_OK_AND_ASSIGN(std::vector<PublicJwk> parsed, ParseJwks(jwks.dump()));
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0].kid, "rfc7515-a3");
  EXPECT_EQ(parsed[1].kid, "rfc8037-a2");
  EXPECT_EQ(parsed[1].retired_at_unix_seconds, 1'788'220'800);
  ASSERT_OK_AND_ASSIGN(Json again, JwksToJson(parsed));
  EXPECT_EQ(again, jwks);
}

TEST(JwksTest, FindKeyByKid) {
  ASSERT_OK_AND_ASSIGN(std::vector<PublicJwk> keys, ParseJwks(JwksText({EcJwk(), EdJwk()})));
  ASSERT_OK_AND_ASSIGN(const PublicJwk* key, FindKey(keys, "rfc8037-a2"));
  EXPECT_EQ(key, &keys[1]);
  const absl::StatusOr<const PublicJwk*> missing = FindKey(keys, "rfc8037-a3");
  EXPECT_THAT(missing, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("kid names no published key"));
  EXPECT_THAT(FindKey(keys, ""), StatusIs(absl::StatusCode::kNotFound));
}

TEST(JwksTest, RepeatedKidIsRefused) {
  const absl::StatusOr<std::vector<PublicJwk>> parsed =
      ParseJwks(JwksText({EdJwk(), EcJwk(), EdJwk()}));
  EXPECT_THAT(parsed, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("keys[2]"));
  EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("\"kid\""));

  std::vector<PublicJwk> keys;
  keys.push_back(*PublicJwkFromJson(EdJwk()));
  keys.push_back(*PublicJwkFromJson(EdJwk()));
  EXPECT_THAT(JwksToJson(keys), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(JwksTest, AtMost64Keys) {
  std::vector<Json> keys;
  for (size_t index = 0; index < kMaxJwksKeys; ++index) {
    keys.push_back(EdJwkWithKid(absl::StrCat("ed-", index)));
  }
  ASSERT_OK_AND_ASSIGN(std::vector<PublicJwk> parsed, ParseJwks(JwksText(keys)));
  EXPECT_EQ(parsed.size(), kMaxJwksKeys);
  EXPECT_THAT(JwksToJson(parsed), IsOk());

  keys.push_back(EdJwkWithKid("one-too-many"));
  EXPECT_THAT(ParseJwks(JwksText(keys)), StatusIs(absl::StatusCode::kInvalidArgument));
  parsed.push_back(*PublicJwkFromJson(EdJwkWithKid("one-too-many")));
  EXPECT_THAT(JwksToJson(parsed), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(JwksTest, OversizedTextIsRefusedUnparsed) {
  Json padded = EdJwk();
  padded["note"] = std::string(kMaxJwksBytes, 'n');
  EXPECT_THAT(ParseJwks(JwksText({padded})), StatusIs(absl::StatusCode::kInvalidArgument));
  const std::string spaces = JwksText({EdJwk()}) + std::string(kMaxJwksBytes, ' ');
  EXPECT_THAT(ParseJwks(spaces), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(JwksTest, MalformedSetsAreRefused) {
  for (const std::string& text :
       {std::string(""), std::string("[]"), std::string("{}"), std::string(R"({"keys":{}})"),
        std::string(R"({"keys":[1]})"), JwksText({EdJwk()}) + "x",
        std::string(R"({"keys":[],"keys":[]})"),
        absl::StrCat(R"({"keys":[{"kty":"OKP","crv":"Ed25519","x":")", kRfc8037X,
                     R"(","kid":"a","kid":"b"}]})")}) {
    EXPECT_THAT(ParseJwks(text), StatusIs(absl::StatusCode::kInvalidArgument)) << text;
  }
}

TEST(JwksTest, AKeyOfAnotherKindIsRefusedWithItsIndex) {
  const Json rsa = {{"kty", "RSA"}, {"kid", "rsa-1"}, {"n", "AQAB"}, {"e", "AQAB"}};
  const absl::StatusOr<std::vector<PublicJwk>> parsed = ParseJwks(JwksText({EdJwk(), rsa}));
  EXPECT_THAT(parsed, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("keys[1]: JWK member \"kty\""));
}

TEST(JwksTest, AnEmptySetParses) {
  ASSERT_OK_AND_ASSIGN(std::vector<PublicJwk> keys, ParseJwks(R"({"keys":[]})"));
  EXPECT_TRUE(keys.empty());
  EXPECT_THAT(FindKey(keys, "any"), StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace creditbank::domain::jose
