// Learner tokens: what Issue writes, the clock-skew boundaries, and every
// forgery we know of — tampered claims or signatures, "alg":"none", HS256
// keyed with the public key, unknown or reused key ids, DER signatures,
// malformed base64url and JSON — each refused UNAUTHENTICATED with its
// reason. Interoperability with the openssl command line both ways.
#include "domain/auth/learner_token.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "common/clock.h"
#include "domain/crypto/ec_p256.h"
#include "domain/crypto/key_ring.h"
#include "domain/crypto/primitives.h"
#include "domain/errors.h"
#include "domain/validation/identity.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace creditbank::domain {
namespace {

using ::creditbank::testing::IsOk;
using ::creditbank::testing::StatusIs;
using ::creditbank::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

// 张伟's account; 6212345678901232 has a valid Luhn check digit.
constexpr char kAccount[] = "6212345678901232";
// The start of the autumn term, 08:30 Beijing time.
const absl::Time kTermStart =
    absl::FromCivil(absl::CivilSecond(2026, 9, 1, 8, 30, 0), absl::FixedTimeZone(8 * 3600));

std::string AccountNumber(absl::string_view first_fifteen_digits) {
  return absl::StrCat(first_fifteen_digits, std::string(1, LuhnCheckDigit(first_fifteen_digits)));
}

struct TestKey {
  EvpPkeyPtr key;
  std::string private_pem;
  std::string public_pem;
  std::string key_id;
};

TestKey NewKey() {
  TestKey test_key;
  absl::StatusOr<EvpPkeyPtr> key = GenerateEcP256Key();
  EXPECT_TRUE(key.ok());
  test_key.key = *std::move(key);
  test_key.private_pem = *EcP256PrivateKeyPem(*test_key.key);
  test_key.public_pem = *EcP256PublicKeyPem(*test_key.key);
  test_key.key_id = *EcP256KeyId(*test_key.key);
  return test_key;
}

std::string B64(absl::string_view bytes) { return absl::WebSafeBase64Escape(bytes); }

std::string Unb64(absl::string_view text) {
  std::string bytes;
  EXPECT_TRUE(absl::WebSafeBase64Unescape(text, &bytes)) << text;
  return bytes;
}

std::vector<std::string> Parts(absl::string_view token) {
  return absl::StrSplit(token, '.');
}

// The claims Issue writes for kAccount at kTermStart, as JSON to edit.
Json GoodClaims() {
  const int64_t now = absl::ToUnixSeconds(kTermStart);
  return Json{{"iss", "creditbank"},
              {"aud", "creditbank-learner"},
              {"sub", kAccount},
              {"iat", now},
              {"nbf", now},
              {"exp", now + 900},
              {"jti", "0f1e2d3c4b5a69788796a5b4c3d2e1f0"}};
}

Json GoodHeader(const TestKey& key) {
  return Json{{"alg", "ES256"}, {"typ", "JWT"}, {"kid", key.key_id}};
}

// A correctly ES256-signed token over exactly these header and payload
// bytes: the claims checks behind the signature are reached.
std::string SignedTokenOverBytes(const TestKey& key, absl::string_view header,
                                 absl::string_view payload) {
  const std::string signing_input = absl::StrCat(B64(header), ".", B64(payload));
  absl::StatusOr<std::string> signature = Es256Sign(*key.key, signing_input);
  EXPECT_TRUE(signature.ok());
  return absl::StrCat(signing_input, ".", B64(*signature));
}

std::string SignedToken(const TestKey& key, const Json& header, const Json& claims) {
  return SignedTokenOverBytes(key, header.dump(), claims.dump());
}

// R||S as DER, by OpenSSL directly (not through the code under test).
std::string RawToDer(absl::string_view raw) {
  ECDSA_SIG* signature = ECDSA_SIG_new();
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  ECDSA_SIG_set0(signature, BN_bin2bn(bytes, 32, nullptr), BN_bin2bn(bytes + 32, 32, nullptr));
  unsigned char* der = nullptr;
  const int length = i2d_ECDSA_SIG(signature, &der);
  std::string out(reinterpret_cast<char*>(der), length);
  OPENSSL_free(der);
  ECDSA_SIG_free(signature);
  return out;
}

std::string DerToRaw(absl::string_view der) {
  const auto* cursor = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* signature = d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size()));
  EXPECT_NE(signature, nullptr);
  std::string raw(64, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  BN_bn2binpad(ECDSA_SIG_get0_r(signature), out, 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(signature), out + 32, 32);
  ECDSA_SIG_free(signature);
  return raw;
}

class LearnerTokenTest : public ::testing::Test {
 protected:
  LearnerTokenTest()
      : key_(NewKey()),
        signer_(*LearnerTokenSigner::Create(key_.private_pem, key_.key_id)),
        clock_(kTermStart) {}

  std::string Issue(absl::Duration lifetime = kDefaultLearnerTokenLifetime) {
    absl::StatusOr<std::string> token = signer_.Issue(kAccount, lifetime, clock_);
    EXPECT_THAT(token, IsOk());
    return token.ok() ? *token : "";
  }

  absl::StatusOr<LearnerTokenClaims> Verify(absl::string_view token) {
    return signer_.verifier().Verify(token, clock_);
  }

  // Refused UNAUTHENTICATED, the reason containing `reason`, and nothing
  // of the token quoted back.
  void ExpectRefused(absl::string_view token, absl::string_view reason) {
    absl::StatusOr<LearnerTokenClaims> claims = Verify(token);
    EXPECT_THAT(claims, StatusIs(absl::StatusCode::kUnauthenticated)) << reason;
    EXPECT_THAT(std::string(claims.status().message()), HasSubstr(std::string(reason)));
    for (const std::string& part : Parts(token)) {
      if (part.size() >= 8) {
        EXPECT_THAT(std::string(claims.status().message()), Not(HasSubstr(part)));
      }
    }
  }

  TestKey key_;
  LearnerTokenSigner signer_;
  FakeClock clock_;
};

TEST_F(LearnerTokenTest, IssuedTokenVerifiesWithItsClaims) {
  const std::string token = Issue();
  EXPECT_EQ(token.find('='), std::string::npos);
  ASSERT_OK_AND_ASSIGN(LearnerTokenClaims claims, Verify(token));
  EXPECT_EQ(claims.account_number, kAccount);
  EXPECT_EQ(claims.issued_at, kTermStart);
  EXPECT_EQ(claims.expires_at, kTermStart + absl::Minutes(15));
  EXPECT_EQ(claims.token_id.size(), 32u);
  EXPECT_EQ(claims.token_id.find_first_not_of("0123456789abcdef"), std::string::npos);

  const std::vector<std::string> parts = Parts(token);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(Json::parse(Unb64(parts[0])),
            (Json{{"alg", "ES256"}, {"typ", "JWT"}, {"kid", key_.key_id}}));
  const int64_t now = absl::ToUnixSeconds(kTermStart);
  EXPECT_EQ(Json::parse(Unb64(parts[1])),
            (Json{{"iss", "creditbank"},
                  {"aud", "creditbank-learner"},
                  {"sub", kAccount},
                  {"iat", now},
                  {"nbf", now},
                  {"exp", now + 900},
                  {"jti", claims.token_id}}));
  EXPECT_EQ(Unb64(parts[2]).size(), 64u);  // raw R||S, not DER
}

TEST_F(LearnerTokenTest, EachTokenHasItsOwnId) {
  ASSERT_OK_AND_ASSIGN(LearnerTokenClaims first, Verify(Issue()));
  ASSERT_OK_AND_ASSIGN(LearnerTokenClaims second, Verify(Issue()));
  EXPECT_NE(first.token_id, second.token_id);
}

TEST_F(LearnerTokenTest, ExpiryAllowsThirtySecondsOfClockSkewAndNoMore) {
  const std::string token = Issue(absl::Minutes(15));
  const absl::Time expires = kTermStart + absl::Minutes(15);
  clock_.Set(expires - absl::Seconds(1));
  EXPECT_THAT(Verify(token), IsOk());
  clock_.Set(expires);
  EXPECT_THAT(Verify(token), IsOk());
  clock_.Set(expires + absl::Seconds(30) - absl::Nanoseconds(1));
  EXPECT_THAT(Verify(token), IsOk());
  clock_.Set(expires + absl::Seconds(30));
  ExpectRefused(token, "expired");
  clock_.Set(expires + absl::Hours(24 * 365));
  ExpectRefused(token, "expired");
}

TEST_F(LearnerTokenTest, ASubSecondClockIsCutToTheSecondItIsIn) {
  clock_.Set(kTermStart + absl::Milliseconds(900));
  const std::string token = Issue(absl::Seconds(60));
  ASSERT_OK_AND_ASSIGN(LearnerTokenClaims claims, Verify(token));
  EXPECT_EQ(claims.issued_at, kTermStart);
  EXPECT_EQ(claims.expires_at, kTermStart + absl::Seconds(60));
  clock_.Set(kTermStart + absl::Seconds(90) - absl::Milliseconds(1));
  EXPECT_THAT(Verify(token), IsOk());
  clock_.Set(kTermStart + absl::Seconds(90));
  ExpectRefused(token, "expired");
}

TEST_F(LearnerTokenTest, IssuedOnAClockAheadOfOursIsTakenWithinTheSkew) {
  const std::string token = Issue();  // iat = nbf = kTermStart
  clock_.Set(kTermStart - absl::Seconds(30));
  EXPECT_THAT(Verify(token), IsOk());
  clock_.Set(kTermStart - absl::Seconds(30) - absl::Nanoseconds(1));
  ExpectRefused(token, "iat is in the future");
  clock_.Set(kTermStart - absl::Hours(1));
  ExpectRefused(token, "iat is in the future");
}

TEST_F(LearnerTokenTest, NotBeforeIsHonouredWithTheSkew) {
  Json claims = GoodClaims();
  claims["nbf"] = absl::ToUnixSeconds(kTermStart + absl::Minutes(5));
  const std::string token = SignedToken(key_, GoodHeader(key_), claims);
  ExpectRefused(token, "not valid yet");
  clock_.Set(kTermStart + absl::Minutes(5) - absl::Seconds(31));
  ExpectRefused(token, "not valid yet");
  clock_.Set(kTermStart + absl::Minutes(5) - absl::Seconds(30));
  EXPECT_THAT(Verify(token), IsOk());

  claims.erase("nbf");  // optional: iat and exp still bound the token
  clock_.Set(kTermStart);
  EXPECT_THAT(Verify(SignedToken(key_, GoodHeader(key_), claims)), IsOk());
}

TEST_F(LearnerTokenTest, ChangingTheAccountBreaksTheSignature) {
  const std::vector<std::string> parts = Parts(Issue());
  Json claims = Json::parse(Unb64(parts[1]));
  claims["sub"] = AccountNumber("621234567890999");  // another real account number
  const std::string forged = absl::StrJoin({parts[0], B64(claims.dump()), parts[2]}, ".");
  ExpectRefused(forged, "signature does not verify");

  claims = Json::parse(Unb64(parts[1]));
  claims["exp"] = claims["exp"].get<int64_t>() + 3000;  // a longer life
  ExpectRefused(absl::StrJoin({parts[0], B64(claims.dump()), parts[2]}, "."),
                "signature does not verify");
}

TEST_F(LearnerTokenTest, EveryAlteredByteIsRefused) {
  // Strict base64url gives each token one spelling, so no change of any
  // one character leaves a token that still verifies.
  const std::string token = Issue();
  std::mt19937 random(20260901);
  const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ";
  for (size_t position = 0; position < token.size(); ++position) {
    for (int attempt = 0; attempt < 3; ++attempt) {
      std::string altered = token;
      altered[position] = alphabet[random() % alphabet.size()];
      if (altered == token) continue;
      EXPECT_THAT(Verify(altered), StatusIs(absl::StatusCode::kUnauthenticated))
          << "position " << position;
    }
  }
}

TEST_F(LearnerTokenTest, TamperedSignatureIsRefused) {
  const std::vector<std::string> parts = Parts(Issue());
  std::string signature = Unb64(parts[2]);
  signature[10] ^= 0x01;
  ExpectRefused(absl::StrJoin({parts[0], parts[1], B64(signature)}, "."),
                "signature does not verify");
  // R and S swapped.
  const std::string swapped = Unb64(parts[2]).substr(32) + Unb64(parts[2]).substr(0, 32);
  ExpectRefused(absl::StrJoin({parts[0], parts[1], B64(swapped)}, "."),
                "signature does not verify");
  // All zero, and all 0xff (R, S at or above the group order).
  ExpectRefused(absl::StrJoin({parts[0], parts[1], B64(std::string(64, '\0'))}, "."),
                "signature does not verify");
  ExpectRefused(absl::StrJoin({parts[0], parts[1], B64(std::string(64, '\xff'))}, "."),
                "signature does not verify");
}

TEST_F(LearnerTokenTest, AlgNoneIsRefused) {
  const std::string payload = B64(GoodClaims().dump());
  for (const Json& header : {Json{{"alg", "none"}, {"typ", "JWT"}, {"kid", key_.key_id}},
                             Json{{"alg", "none"}, {"typ", "JWT"}},
                             Json{{"alg", "None"}}, Json{{"typ", "JWT"}, {"kid", key_.key_id}},
                             Json{{"alg", nullptr}, {"kid", key_.key_id}}}) {
    ExpectRefused(absl::StrCat(B64(header.dump()), ".", payload, "."), "alg is not ES256");
  }
}

TEST_F(LearnerTokenTest, Hs256KeyedWithThePublicKeyIsRefused) {
  // The classic confusion: a verifier that lets the header pick the
  // algorithm would check an HMAC keyed with the (public) verification key.
  unsigned char* der = nullptr;
  const int der_length = i2d_PUBKEY(key_.key.get(), &der);
  const std::string public_der(reinterpret_cast<char*>(der), der_length);
  OPENSSL_free(der);
  for (const std::string& secret : {key_.public_pem, public_der}) {
    const std::string signing_input =
        absl::StrCat(B64(Json{{"alg", "HS256"}, {"typ", "JWT"}, {"kid", key_.key_id}}.dump()),
                     ".", B64(GoodClaims().dump()));
    ExpectRefused(absl::StrCat(signing_input, ".", B64(HmacSha256(secret, signing_input))),
                  "alg is not ES256");
  }
}

TEST_F(LearnerTokenTest, OnlyExactlyEs256IsAccepted) {
  for (const Json& alg : {Json("ES384"), Json("ES512"), Json("RS256"), Json("PS256"),
                          Json("HS256"), Json("es256"), Json("ES256 "), Json(" ES256"),
                          Json("ES256K"), Json("EdDSA"), Json::array({"ES256"}), Json(256)}) {
    Json header = GoodHeader(key_);
    header["alg"] = alg;
    // Signed with the right key, so only the algorithm is wrong.
    ExpectRefused(SignedToken(key_, header, GoodClaims()), "alg is not ES256");
  }
}

TEST_F(LearnerTokenTest, TypMustBeJwtWhenPresentAndCritIsRefused) {
  Json header = GoodHeader(key_);
  header.erase("typ");
  EXPECT_THAT(Verify(SignedToken(key_, header, GoodClaims())), IsOk());
  for (const Json& typ : {Json("jwt"), Json("at+jwt"), Json(""), Json(nullptr)}) {
    header["typ"] = typ;
    ExpectRefused(SignedToken(key_, header, GoodClaims()), "typ is not JWT");
  }
  header = GoodHeader(key_);
  header["crit"] = Json::array({"exp"});
  ExpectRefused(SignedToken(key_, header, GoodClaims()), "crit is not supported");
}

TEST_F(LearnerTokenTest, UnknownOrMissingKeyIdIsRefused) {
  Json header = GoodHeader(key_);
  header["kid"] = "0000000000000000";
  ExpectRefused(SignedToken(key_, header, GoodClaims()), "kid names no known key");
  header["kid"] = 7;
  ExpectRefused(SignedToken(key_, header, GoodClaims()), "kid is missing");
  header.erase("kid");
  ExpectRefused(SignedToken(key_, header, GoodClaims()), "kid is missing");
}

TEST_F(LearnerTokenTest, AnotherKeyUnderOurKeyIdIsRefused) {
  const TestKey other = NewKey();
  ASSERT_OK_AND_ASSIGN(LearnerTokenSigner impostor,
                       LearnerTokenSigner::Create(other.private_pem, key_.key_id));
  ASSERT_OK_AND_ASSIGN(std::string token,
                       impostor.Issue(kAccount, kDefaultLearnerTokenLifetime, clock_));
  EXPECT_THAT(impostor.verifier().Verify(token, clock_), IsOk());
  ExpectRefused(token, "signature does not verify");
}

TEST_F(LearnerTokenTest, DerSignatureIsRefused) {
  const std::vector<std::string> parts = Parts(Issue());
  const std::string der = RawToDer(Unb64(parts[2]));
  ASSERT_NE(der.size(), 64u);
  ExpectRefused(absl::StrJoin({parts[0], parts[1], B64(der)}, "."), "not 64 bytes");
  ExpectRefused(absl::StrJoin({parts[0], parts[1], std::string()}, "."), "not 64 bytes");
  ExpectRefused(absl::StrJoin({parts[0], parts[1], B64(Unb64(parts[2]) + std::string(1, '\0'))}, "."),
                "not 64 bytes");
}

TEST_F(LearnerTokenTest, MalformedTokensAreRefused) {
  const std::string token = Issue();
  const std::vector<std::string> parts = Parts(token);
  struct Case {
    std::string name;
    std::string token;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"empty", "", "empty"},
      {"three dots", "...", "three base64url parts"},
      {"two dots", "..", "header is not a JSON object"},
      {"one part", parts[0], "three base64url parts"},
      {"two parts", absl::StrCat(parts[0], ".", parts[1]), "three base64url parts"},
      {"four parts", absl::StrCat(token, ".", parts[2]), "three base64url parts"},
      {"trailing dot", absl::StrCat(token, "."), "three base64url parts"},
      {"garbage", "Bearer 学分银行", "three base64url parts"},
      {"padded header", absl::StrCat(parts[0], "=.", parts[1], ".", parts[2]),
       "header is not base64url"},
      {"padded signature", absl::StrCat(parts[0], ".", parts[1], ".", parts[2], "=="),
       "signature is not base64url"},
      {"standard alphabet",
       absl::StrCat(parts[0], ".", parts[1], ".", absl::Base64Escape(Unb64(parts[2]))),
       "signature is not base64url"},
      {"space inside", absl::StrCat(parts[0], ". ", parts[1], ".", parts[2]),
       "payload is not base64url"},
      {"leading space", absl::StrCat(" ", token), "header is not base64url"},
      {"impossible length", absl::StrCat(parts[0], "A.", parts[1], ".", parts[2]),
       "header is not"},
      {"header not JSON", absl::StrCat(B64("alg=ES256"), ".", parts[1], ".", parts[2]),
       "header is not a JSON object"},
      // nlohmann stops at a NUL byte; what follows it must not be ignored.
      {"header with a NUL and more",
       absl::StrCat(B64(absl::StrCat(Unb64(parts[0]), std::string(1, '\0'), "garbage")), ".",
                    parts[1], ".", parts[2]),
       "header is not a JSON object"},
      {"header an array", absl::StrCat(B64(R"(["ES256"])"), ".", parts[1], ".", parts[2]),
       "header is not a JSON object"},
      {"header not UTF-8",
       absl::StrCat(B64("{\"alg\":\"ES256\",\"kid\":\"\xff\"}"), ".", parts[1], ".", parts[2]),
       "header is not a JSON object"},
      {"oversize", std::string(kMaxLearnerTokenBytes + 1, 'a'), "longer than 4096 bytes"},
      {"oversize token", absl::StrCat(token, std::string(kMaxLearnerTokenBytes, 'A')),
       "longer than 4096 bytes"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ExpectRefused(c.token, c.reason);
  }
  // Exactly at the limit the length is not the reason.
  absl::StatusOr<LearnerTokenClaims> at_limit =
      Verify(std::string(kMaxLearnerTokenBytes, 'a'));
  EXPECT_THAT(at_limit, StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(std::string(at_limit.status().message()), Not(HasSubstr("longer")));
}

TEST_F(LearnerTokenTest, DuplicateMembersAreRefused) {
  // Two "alg"s or two "sub"s: different parsers would keep different ones.
  const std::string header = absl::StrCat(R"({"alg":"ES256","typ":"JWT","kid":")", key_.key_id,
                                          R"(","alg":"none"})");
  ExpectRefused(SignedTokenOverBytes(key_, header, GoodClaims().dump()),
                "header is not a JSON object");
  std::string payload = GoodClaims().dump();
  payload.insert(1, absl::StrCat(R"("sub":")", AccountNumber("621234567890999"), R"(",)"));
  ExpectRefused(SignedTokenOverBytes(key_, GoodHeader(key_).dump(), payload),
                "payload is not a JSON object");
  // Signed bytes after a NUL are not silently dropped either.
  ExpectRefused(SignedTokenOverBytes(key_, GoodHeader(key_).dump(),
                                     absl::StrCat(GoodClaims().dump(), std::string(1, '\0'),
                                                  R"({"sub":"6212345678901240"})")),
                "payload is not a JSON object");
}

TEST_F(LearnerTokenTest, ClaimsBehindAGoodSignatureAreChecked) {
  const int64_t now = absl::ToUnixSeconds(kTermStart);
  struct Case {
    std::string name;
    std::string claim;
    Json value;  // null: remove the claim
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"no iss", "iss", nullptr, "iss"},
      {"other iss", "iss", "https://accounts.example.com", "iss"},
      {"iss an array", "iss", Json::array({"creditbank"}), "iss"},
      {"no aud", "aud", nullptr, "aud"},
      {"other aud", "aud", "creditbank-operator", "aud"},
      {"aud array without us", "aud", Json::array({"creditbank-operator"}), "aud"},
      {"aud empty array", "aud", Json::array(), "aud"},
      {"aud array with a number", "aud", Json::array({"creditbank-learner", 1}), "aud"},
      {"no sub", "sub", nullptr, "sub"},
      {"sub a number", "sub", 6212345678901232, "sub"},
      {"sub 15 digits", "sub", "621234567890123", "sub"},
      {"sub wrong check digit", "sub", "6212345678901233", "sub"},
      {"sub with spaces", "sub", "6212 3456 7890 1232", "sub"},
      {"sub a resident id", "sub", "11010519491231002X", "sub"},
      {"no jti", "jti", nullptr, "jti"},
      {"jti upper case", "jti", "0F1E2D3C4B5A69788796A5B4C3D2E1F0", "jti"},
      {"jti short", "jti", "0f1e2d3c", "jti"},
      {"no exp", "exp", nullptr, "exp is missing"},
      {"exp a string", "exp", std::to_string(now + 900), "exp is not an integer"},
      {"exp a fraction", "exp", static_cast<double>(now) + 900.5, "exp is not an integer"},
      {"exp negative", "exp", -1, "exp is out of range"},
      {"exp past year 9999", "exp", uint64_t{18'000'000'000'000'000'000u}, "exp is out of range"},
      {"exp at iat", "exp", now, "exp is not after iat"},
      {"no iat", "iat", nullptr, "iat is missing"},
      {"iat a string", "iat", std::to_string(now), "iat is not an integer"},
      {"iat true", "iat", true, "iat is not an integer"},
      {"nbf a string", "nbf", std::to_string(now), "nbf is not an integer"},
      {"lifetime too long", "exp", now + 3600 + 31, "longer than the maximum"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Json claims = GoodClaims();
    if (c.value.is_null()) {
      claims.erase(c.claim);
    } else {
      claims[c.claim] = c.value;
    }
    ExpectRefused(SignedToken(key_, GoodHeader(key_), claims), c.reason);
  }
  for (const Json& payload : {Json::array({GoodClaims()}), Json("creditbank"), Json(nullptr)}) {
    ExpectRefused(SignedToken(key_, GoodHeader(key_), payload), "payload is not a JSON object");
  }
}

TEST_F(LearnerTokenTest, AudienceMayBeAListAndLifetimeMayUseTheSkew) {
  Json claims = GoodClaims();
  claims["aud"] = Json::array({"creditbank-operator", "creditbank-learner"});
  EXPECT_THAT(Verify(SignedToken(key_, GoodHeader(key_), claims)), IsOk());
  claims["exp"] = claims["iat"].get<int64_t>() + 3600 + 30;
  EXPECT_THAT(Verify(SignedToken(key_, GoodHeader(key_), claims)), IsOk());
  claims["extra"] = Json{{"nested", Json::array({1, 2, 3})}};  // unknown claims are ignored
  EXPECT_THAT(Verify(SignedToken(key_, GoodHeader(key_), claims)), IsOk());
}

TEST_F(LearnerTokenTest, IssueChecksLifetimeAndAccount) {
  for (absl::Duration lifetime :
       {absl::ZeroDuration(), absl::Seconds(-5), absl::Milliseconds(999),
        absl::Hours(1) + absl::Seconds(1), absl::Hours(24), absl::InfiniteDuration(),
        -absl::InfiniteDuration()}) {
    EXPECT_THAT(signer_.Issue(kAccount, lifetime, clock_),
                StatusIs(absl::StatusCode::kInvalidArgument))
        << lifetime;
  }
  for (absl::Duration lifetime : {absl::Seconds(1), absl::Hours(1)}) {
    ASSERT_OK_AND_ASSIGN(std::string token, signer_.Issue(kAccount, lifetime, clock_));
    ASSERT_OK_AND_ASSIGN(LearnerTokenClaims claims, Verify(token));
    EXPECT_EQ(claims.expires_at - claims.issued_at, lifetime);
  }
  for (const std::string& account :
       {std::string(""), std::string("6212345678901233"), std::string("621234567890123"),
        std::string("0212345678901234"), std::string("6212345678901232\n")}) {
    absl::StatusOr<std::string> token =
        signer_.Issue(account, kDefaultLearnerTokenLifetime, clock_);
    EXPECT_THAT(token, StatusIs(absl::StatusCode::kInvalidArgument)) << account;
    EXPECT_EQ(ErrorFields(token.status()), std::vector<std::string>{"account_number"});
  }
}

TEST(LearnerTokenSignerTest, RefusesKeysThatAreNotP256PrivateKeysWithoutQuotingThem) {
  const TestKey key = NewKey();
  struct Case {
    std::string name;
    std::string pem;
  };
  const std::vector<Case> cases = {
      {"empty", ""},
      {"public key", key.public_pem},
      {"truncated", key.private_pem.substr(0, key.private_pem.size() / 2)},
      {"garbage", "-----BEGIN PRIVATE KEY-----\n5a2m5YiG6ZO26KGM\n-----END PRIVATE KEY-----\n"},
      {"too long", std::string(kMaxEcP256PemBytes + 1, 'A')},
  };
  for (const Case& c : cases) {
    absl::StatusOr<LearnerTokenSigner> signer = LearnerTokenSigner::Create(c.pem, key.key_id);
    EXPECT_THAT(signer, StatusIs(absl::StatusCode::kInvalidArgument)) << c.name;
    EXPECT_THAT(std::string(signer.status().message()), Not(HasSubstr("MI"))) << c.name;
  }
  for (const std::string& key_id :
       {std::string(""), std::string("key 1"), std::string("kid/1"), std::string("密钥"),
        std::string(kMaxTokenKeyIdLength + 1, 'k')}) {
    EXPECT_THAT(LearnerTokenSigner::Create(key.private_pem, key_id),
                StatusIs(absl::StatusCode::kInvalidArgument))
        << key_id;
  }
  EXPECT_THAT(LearnerTokenSigner::Create(key.private_pem, std::string(kMaxTokenKeyIdLength, 'k')),
              IsOk());
}

TEST(LearnerTokenSignerTest, RefusesAnotherCurve) {
  EVP_PKEY* p384 = EVP_EC_gen("P-384");
  ASSERT_NE(p384, nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  ASSERT_EQ(PEM_write_bio_PKCS8PrivateKey(bio, p384, nullptr, nullptr, 0, nullptr, nullptr), 1);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  const std::string pem(data, static_cast<size_t>(length));
  BIO_free(bio);
  EVP_PKEY_free(p384);
  absl::StatusOr<LearnerTokenSigner> signer = LearnerTokenSigner::Create(pem, "p384");
  EXPECT_THAT(signer, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(signer.status().message()), HasSubstr("P-256"));
}

TEST(LearnerTokenVerifierTest, PublicKeyAloneVerifiesAndRotatedKeysKeepVerifying) {
  FakeClock clock(kTermStart);
  const TestKey old_key = NewKey();
  const TestKey new_key = NewKey();
  ASSERT_OK_AND_ASSIGN(LearnerTokenSigner old_signer,
                       LearnerTokenSigner::Create(old_key.private_pem, old_key.key_id));
  ASSERT_OK_AND_ASSIGN(LearnerTokenSigner new_signer,
                       LearnerTokenSigner::Create(new_key.private_pem, new_key.key_id));
  EXPECT_EQ(new_signer.public_key_pem(), new_key.public_pem);
  EXPECT_EQ(new_signer.key_id(), new_key.key_id);
  ASSERT_OK_AND_ASSIGN(std::string old_token,
                       old_signer.Issue(kAccount, kDefaultLearnerTokenLifetime, clock));
  ASSERT_OK_AND_ASSIGN(std::string new_token,
                       new_signer.Issue(kAccount, kDefaultLearnerTokenLifetime, clock));

  ASSERT_OK_AND_ASSIGN(LearnerTokenVerifier verifier,
                       LearnerTokenVerifier::Create(new_signer.public_key_pem(), new_key.key_id));
  EXPECT_THAT(verifier.Verify(new_token, clock), IsOk());
  EXPECT_THAT(verifier.Verify(old_token, clock), StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(new_signer.verifier().Verify(old_token, clock),
              StatusIs(absl::StatusCode::kUnauthenticated));

  ASSERT_OK(verifier.AddKey(old_signer.public_key_pem(), old_key.key_id));
  EXPECT_THAT(verifier.Verify(old_token, clock), IsOk());
  EXPECT_THAT(verifier.Verify(new_token, clock), IsOk());

  // A key id is taken once; a private key is not a public one.
  EXPECT_THAT(verifier.AddKey(NewKey().public_pem, old_key.key_id),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(verifier.AddKey(old_key.private_pem, "private"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  for (size_t i = 2; i < kMaxLearnerTokenVerificationKeys; ++i) {
    ASSERT_OK(verifier.AddKey(NewKey().public_pem, absl::StrCat("rotated-", i)));
  }
  EXPECT_THAT(verifier.AddKey(NewKey().public_pem, "one-too-many"),
              StatusIs(absl::StatusCode::kResourceExhausted));
}

// The openssl command line, found on PATH; "" when there is none.
std::string OpensslCommand() {
  const char* path = std::getenv("PATH");
  for (absl::string_view directory :
       absl::StrSplit(path != nullptr ? path : "/usr/bin:/bin", ':')) {
    const std::string candidate = absl::StrCat(directory, "/openssl");
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

void WriteFile(const std::string& path, absl::string_view contents) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << contents;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

TEST_F(LearnerTokenTest, OpensslCommandLineVerifiesOurSignature) {
  const std::string openssl = OpensslCommand();
  ASSERT_FALSE(openssl.empty()) << "no openssl command on PATH (make deps installs it)";
  TempDir dir;
  const std::vector<std::string> parts = Parts(Issue());
  WriteFile(dir.File("input"), absl::StrCat(parts[0], ".", parts[1]));
  WriteFile(dir.File("public.pem"), signer_.public_key_pem());
  WriteFile(dir.File("signature.der"), RawToDer(Unb64(parts[2])));
  ASSERT_OK_AND_ASSIGN(
      int exit_code,
      creditbank::testing::RunCommand({openssl, "dgst", "-sha256", "-verify", dir.File("public.pem"),
                                       "-signature", dir.File("signature.der"), dir.File("input")},
                                      dir.File("openssl.log"), absl::Seconds(30)));
  EXPECT_EQ(exit_code, 0) << ReadFile(dir.File("openssl.log"));

  // And a changed input fails there too.
  WriteFile(dir.File("input"), absl::StrCat(parts[0], ".", B64(GoodClaims().dump())));
  ASSERT_OK_AND_ASSIGN(
      exit_code,
      creditbank::testing::RunCommand({openssl, "dgst", "-sha256", "-verify", dir.File("public.pem"),
                                       "-signature", dir.File("signature.der"), dir.File("input")},
                                      dir.File("openssl.log"), absl::Seconds(30)));
  EXPECT_NE(exit_code, 0);
}

TEST_F(LearnerTokenTest, TokenSignedByOpensslCommandLineVerifies) {
  const std::string openssl = OpensslCommand();
  ASSERT_FALSE(openssl.empty()) << "no openssl command on PATH (make deps installs it)";
  TempDir dir;
  const std::string signing_input =
      absl::StrCat(B64(GoodHeader(key_).dump()), ".", B64(GoodClaims().dump()));
  WriteFile(dir.File("input"), signing_input);
  WriteFile(dir.File("private.pem"), key_.private_pem);
  ASSERT_EQ(::chmod(dir.File("private.pem").c_str(), 0600), 0);
  ASSERT_OK_AND_ASSIGN(
      int exit_code,
      creditbank::testing::RunCommand({openssl, "dgst", "-sha256", "-sign", dir.File("private.pem"),
                                       "-out", dir.File("signature.der"), dir.File("input")},
                                      dir.File("openssl.log"), absl::Seconds(30)));
  ASSERT_EQ(exit_code, 0) << ReadFile(dir.File("openssl.log"));
  const std::string der = ReadFile(dir.File("signature.der"));
  ASSERT_OK_AND_ASSIGN(LearnerTokenClaims claims,
                       Verify(absl::StrCat(signing_input, ".", B64(DerToRaw(der)))));
  EXPECT_EQ(claims.account_number, kAccount);
  // The DER form itself is not ES256.
  ExpectRefused(absl::StrCat(signing_input, ".", B64(der)), "not 64 bytes");
}

}  // namespace
}  // namespace creditbank::domain
