// Compact JWS: sign, parse and verify for ES256 and EdDSA; the published
// examples of RFC 8037 A.4 (byte for byte) and RFC 7515 A.3; and each forgery
// or malformation refused with its own code and reason, quoting nothing of
// the token — tampering, "none", HS256 keyed with the public key, swapped
// algorithms, unknown kids, wrong signature lengths, wrong part counts,
// padding, the standard alphabet, repeated header members, huge input and
// deep JSON.
#include "domain/jose/jws.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/x509.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"
#include "domain/crypto/ec_p256.h"
#include "domain/crypto/ed25519.h"
#include "domain/crypto/primitives.h"
#include "domain/jose/base64url.h"
#include "domain/jose/strict_json.h"
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
using rfc::kRfc7515Jws;
using rfc::kRfc7515X;
using rfc::kRfc7515Y;
using rfc::kRfc8037D;
using rfc::kRfc8037Jws;
using rfc::kRfc8037Payload;
using rfc::kRfc8037X;

constexpr char kTyp[] = "vc+jwt";

std::string B64(absl::string_view bytes) { return Base64UrlEncode(bytes); }

std::vector<std::string> Parts(absl::string_view token) { return absl::StrSplit(token, '.'); }

std::string Token(const Json& header, absl::string_view payload, absl::string_view signature) {
  return absl::StrCat(B64(header.dump()), ".", B64(payload), ".", B64(signature));
}

// A ParsedJws split from `token` without ParseCompactJws's checks: for the
// RFC examples, whose headers carry no kid.
ParsedJws SplitUnchecked(absl::string_view token) {
  const std::vector<std::string> parts = Parts(token);
  EXPECT_EQ(parts.size(), 3u);
  ParsedJws jws;
  jws.header = Json::parse(*Base64UrlDecode(parts[0]));
  jws.algorithm_name = jws.header["alg"].get<std::string>();
  jws.payload = *Base64UrlDecode(parts[1]);
  jws.signing_input = absl::StrCat(parts[0], ".", parts[1]);
  jws.signature = *Base64UrlDecode(parts[2]);
  return jws;
}

// A transcript as a VC-JWT payload (W3C VC Data Model 1.1 JWT encoding).
std::string TranscriptPayload() {
  const Json credential = {
      {"@context", Json::array({"https://www.w3.org/2018/credentials/v1"})},
      {"type", Json::array({"VerifiableCredential", "LearningTranscript"})},
      {"credentialSubject",
       {{"name", "张伟"},
        {"courses", Json::array({{{"title", "高等数学（一）"}, {"credits_milli", 4000}},
                                 {{"title", "大学英语"}, {"credits_milli", 3000}}})}}}};
  return Json{{"iss", "did:web:creditbank.example"},
              {"sub", "6212345678901232"},
              {"nbf", 1788220800},
              {"vc", credential}}
      .dump();
}

class JwsTest : public ::testing::Test {
 protected:
  JwsTest() {
    ec_key_ = *GenerateEcP256Key();
    ed_key_ = *GenerateEd25519Key();
    keys_.push_back(*PublicJwkFromPrivateKey(*ec_key_, JwsAlgorithm::kEs256, "bank-ec-2026"));
    keys_.push_back(*PublicJwkFromPrivateKey(*ed_key_, JwsAlgorithm::kEdDsa, "bank-ed-2026"));
  }

  const EVP_PKEY& PrivateKey(JwsAlgorithm algorithm) const {
    return algorithm == JwsAlgorithm::kEs256 ? *ec_key_ : *ed_key_;
  }
  const PublicJwk& Key(JwsAlgorithm algorithm) const {
    return keys_[algorithm == JwsAlgorithm::kEs256 ? 0 : 1];
  }

  std::string Sign(JwsAlgorithm algorithm, absl::string_view payload = TranscriptPayload()) {
    absl::StatusOr<std::string> jws =
        SignCompactJws(PrivateKey(algorithm), algorithm, Key(algorithm).kid, kTyp, payload);
    EXPECT_THAT(jws, IsOk());
    return jws.ok() ? *jws : "";
  }

  // A token signed correctly over exactly this header and payload, so only
  // what the header says can be wrong.
  std::string SignOver(JwsAlgorithm algorithm, const Json& header, absl::string_view payload) {
    const std::string signing_input = absl::StrCat(B64(header.dump()), ".", B64(payload));
    const std::string signature = algorithm == JwsAlgorithm::kEs256
                                      ? *Es256Sign(*ec_key_, signing_input)
                                      : *Ed25519Sign(*ed_key_, signing_input);
    return absl::StrCat(signing_input, ".", B64(signature));
  }

  // Parse, find the key by kid, verify: what a verifier does.
  absl::Status Verify(absl::string_view token) {
    ASSIGN_OR_RETURN(ParsedJws parsed, ParseCompactJws(token));
    ASSIGN_OR_RETURN(const PublicJwk* key, FindKey(keys_, parsed.kid));
    return VerifyJwsSignature(parsed, *key);
  }

  // Refused with `code`, the message containing `reason`, and nothing of
  // the token or its payload quoted.
  void ExpectRefused(absl::string_view token, absl::StatusCode code, absl::string_view reason) {
    const absl::Status status = Verify(token);
    EXPECT_THAT(status, StatusIs(code)) << reason;
    const std::string message(status.message());
    EXPECT_THAT(message, HasSubstr(std::string(reason)));
    for (const std::string& part : Parts(token)) {
      if (part.size() >= 8) {
        EXPECT_THAT(message, Not(HasSubstr(part)));
      }
    }
    EXPECT_THAT(message, Not(HasSubstr("张伟")));
    EXPECT_THAT(message, Not(HasSubstr("6212345678901232")));
  }

  EvpPkeyPtr ec_key_;
  EvpPkeyPtr ed_key_;
  std::vector<PublicJwk> keys_;
};

class JwsBothAlgorithmsTest : public JwsTest, public ::testing::WithParamInterface<JwsAlgorithm> {};

INSTANTIATE_TEST_SUITE_P(Algorithms, JwsBothAlgorithmsTest,
                         ::testing::Values(JwsAlgorithm::kEs256, JwsAlgorithm::kEdDsa),
                         [](const ::testing::TestParamInfo<JwsAlgorithm>& info) {
                           return std::string(JwsAlgorithmName(info.param));
                         });

TEST_P(JwsBothAlgorithmsTest, SignedJwsParsesAndVerifies) {
  const JwsAlgorithm algorithm = GetParam();
  const std::string token = Sign(algorithm);
  EXPECT_EQ(token.find('='), std::string::npos);
  const std::vector<std::string> parts = Parts(token);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(*Base64UrlDecode(parts[0]),
            absl::StrCat(R"({"alg":")", JwsAlgorithmName(algorithm), R"(","kid":")",
                         Key(algorithm).kid, R"(","typ":"vc+jwt"})"));

  ASSERT_OK_AND_ASSIGN(ParsedJws parsed, ParseCompactJws(token));
  EXPECT_EQ(parsed.algorithm_name, JwsAlgorithmName(algorithm));
  EXPECT_EQ(parsed.kid, Key(algorithm).kid);
  EXPECT_EQ(parsed.header["typ"], kTyp);
  EXPECT_EQ(parsed.payload, TranscriptPayload());
  EXPECT_EQ(parsed.signing_input, absl::StrCat(parts[0], ".", parts[1]));
  EXPECT_EQ(parsed.signature.size(), 64u);
  ASSERT_OK_AND_ASSIGN(const PublicJwk* key, FindKey(keys_, parsed.kid));
  EXPECT_THAT(VerifyJwsSignature(parsed, *key), IsOk());
}

TEST_P(JwsBothAlgorithmsTest, EmptyAndBinaryPayloadsRoundTrip) {
  for (const std::string& payload : {std::string(), std::string("\0\xff\x01", 3)}) {
    const std::string token = Sign(GetParam(), payload);
    EXPECT_THAT(Verify(token), IsOk());
    EXPECT_EQ(ParseCompactJws(token)->payload, payload);
  }
}

TEST_P(JwsBothAlgorithmsTest, TamperedHeaderPayloadOrSignatureDoesNotVerify) {
  const std::vector<std::string> parts = Parts(Sign(GetParam()));
  Json header = Json::parse(*Base64UrlDecode(parts[0]));
  header["typ"] = "JWT";
  ExpectRefused(absl::StrJoin({B64(header.dump()), parts[1], parts[2]}, "."),
                absl::StatusCode::kUnauthenticated, "signature does not verify");

  Json payload = Json::parse(*Base64UrlDecode(parts[1]));
  payload["vc"]["credentialSubject"]["courses"][0]["credits_milli"] = 40000;
  ExpectRefused(absl::StrJoin({parts[0], B64(payload.dump()), parts[2]}, "."),
                absl::StatusCode::kUnauthenticated, "signature does not verify");

  std::string payload_bytes = *Base64UrlDecode(parts[1]);
  payload_bytes[payload_bytes.size() / 2] ^= 0x01;
  ExpectRefused(absl::StrJoin({parts[0], B64(payload_bytes), parts[2]}, "."),
                absl::StatusCode::kUnauthenticated, "signature does not verify");

  std::string signature = *Base64UrlDecode(parts[2]);
  for (size_t position : {size_t{0}, size_t{31}, size_t{32}, size_t{63}}) {
    std::string flipped = signature;
    flipped[position] ^= 0x80;
    ExpectRefused(absl::StrJoin({parts[0], parts[1], B64(flipped)}, "."),
                  absl::StatusCode::kUnauthenticated, "signature does not verify");
  }
  ExpectRefused(absl::StrJoin({parts[0], parts[1], B64(std::string(64, '\0'))}, "."),
                absl::StatusCode::kUnauthenticated, "signature does not verify");
}

TEST_P(JwsBothAlgorithmsTest, EveryAlteredCharacterIsRefused) {
  // Strict base64url gives a JWS one spelling, so no one-character change
  // leaves a JWS that verifies.
  const std::string token = Sign(GetParam(), R"({"sub":"6212345678901232"})");
  const std::string alphabet = "AQgw_-9z.=+/ ";
  for (size_t position = 0; position < token.size(); ++position) {
    for (char replacement : alphabet) {
      if (token[position] == replacement) continue;
      std::string altered = token;
      altered[position] = replacement;
      EXPECT_THAT(Verify(altered), Not(IsOk())) << "position " << position;
    }
  }
}

TEST_P(JwsBothAlgorithmsTest, WrongSignatureLengthIsMalformed) {
  const std::vector<std::string> parts = Parts(Sign(GetParam()));
  const std::string signature = *Base64UrlDecode(parts[2]);
  for (const std::string& wrong : {std::string(), signature.substr(0, 63),
                                   signature + std::string(1, '\0'), signature + signature}) {
    ExpectRefused(absl::StrJoin({parts[0], parts[1], B64(wrong)}, "."),
                  absl::StatusCode::kInvalidArgument, "signature is not 64 bytes");
  }
}

TEST_P(JwsBothAlgorithmsTest, AnotherKeyUnderTheSameKidDoesNotVerify) {
  const JwsAlgorithm algorithm = GetParam();
  const EvpPkeyPtr impostor =
      algorithm == JwsAlgorithm::kEs256 ? *GenerateEcP256Key() : *GenerateEd25519Key();
  ASSERT_OK_AND_ASSIGN(std::string token,
                       SignCompactJws(*impostor, algorithm, Key(algorithm).kid, kTyp, "{}"));
  ExpectRefused(token, absl::StatusCode::kUnauthenticated, "signature does not verify");
}

TEST_F(JwsTest, DerEncodedEs256SignatureIsMalformed) {
  const std::vector<std::string> parts = Parts(Sign(JwsAlgorithm::kEs256));
  const std::string raw = *Base64UrlDecode(parts[2]);
  ECDSA_SIG* signature = ECDSA_SIG_new();
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  ECDSA_SIG_set0(signature, BN_bin2bn(bytes, 32, nullptr), BN_bin2bn(bytes + 32, 32, nullptr));
  unsigned char* der = nullptr;
  const int length = i2d_ECDSA_SIG(signature, &der);
  const std::string der_signature(reinterpret_cast<char*>(der), length);
  OPENSSL_free(der);
  ECDSA_SIG_free(signature);
  ASSERT_NE(der_signature.size(), 64u);
  ExpectRefused(absl::StrJoin({parts[0], parts[1], B64(der_signature)}, "."),
                absl::StatusCode::kInvalidArgument, "signature is not 64 bytes");
}

TEST_F(JwsTest, AlgNoneIsRefused) {
  for (const char* none : {"none", "None", "NONE"}) {
    const Json header = {{"alg", none}, {"kid", "bank-ed-2026"}, {"typ", kTyp}};
    ExpectRefused(Token(header, TranscriptPayload(), ""), absl::StatusCode::kUnauthenticated,
                  "unsigned");
  }
}

TEST_F(JwsTest, Hs256KeyedWithThePublicKeyIsRefused) {
  // The classic confusion: a verifier that lets the header pick the
  // algorithm would check an HMAC keyed with the published key.
  for (const PublicJwk& key : keys_) {
    std::vector<std::string> secrets = {PublicJwkToJson(key)->dump()};
    if (key.algorithm == JwsAlgorithm::kEdDsa) {
      secrets.push_back(*Ed25519PublicKey(*key.key));
    } else {
      secrets.push_back(*EcP256PublicKeyPem(*key.key));
      unsigned char* der = nullptr;
      const int length = i2d_PUBKEY(key.key.get(), &der);
      secrets.emplace_back(reinterpret_cast<char*>(der), length);
      OPENSSL_free(der);
    }
    for (const std::string& secret : secrets) {
      const std::string signing_input =
          absl::StrCat(B64(Json{{"alg", "HS256"}, {"kid", key.kid}, {"typ", kTyp}}.dump()), ".",
                       B64(TranscriptPayload()));
      ExpectRefused(absl::StrCat(signing_input, ".", B64(HmacSha256(secret, signing_input))),
                    absl::StatusCode::kUnauthenticated, "HMAC");
    }
  }
}

TEST_F(JwsTest, TheKeyNotTheHeaderChoosesTheAlgorithm) {
  // An ES256 JWS whose kid names the Ed25519 key, and the other way round.
  ExpectRefused(SignOver(JwsAlgorithm::kEs256,
                         {{"alg", "ES256"}, {"kid", "bank-ed-2026"}, {"typ", kTyp}}, "{}"),
                absl::StatusCode::kUnauthenticated, "alg is not EdDSA");
  ExpectRefused(SignOver(JwsAlgorithm::kEdDsa,
                         {{"alg", "EdDSA"}, {"kid", "bank-ec-2026"}, {"typ", kTyp}}, "{}"),
                absl::StatusCode::kUnauthenticated, "alg is not ES256");
  // Right key, the header claiming something else.
  for (const std::string& alg :
       {std::string("EdDSA"), std::string("ES384"), std::string("ES512"), std::string("ES256K"),
        std::string("RS256"), std::string("PS256"), std::string("es256"), std::string("ES256 "),
        std::string(" ES256"), std::string("ES256\0", 6), std::string("Ed25519"), std::string()}) {
    const Json header = {{"alg", alg}, {"kid", "bank-ec-2026"}, {"typ", kTyp}};
    ExpectRefused(SignOver(JwsAlgorithm::kEs256, header, "{}"), absl::StatusCode::kUnauthenticated,
                  "alg is not ES256");
  }
}

TEST_F(JwsTest, AKeyThatIsNotOfItsAlgorithmIsRefused) {
  ASSERT_OK_AND_ASSIGN(ParsedJws parsed, ParseCompactJws(Sign(JwsAlgorithm::kEs256)));
  PublicJwk mislabelled = *PublicJwkFromPrivateKey(*ec_key_, JwsAlgorithm::kEs256, "k");
  mislabelled.algorithm = JwsAlgorithm::kEdDsa;
  EXPECT_THAT(VerifyJwsSignature(parsed, mislabelled),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(VerifyJwsSignature(parsed, PublicJwk{"k", JwsAlgorithm::kEs256, nullptr, {}}),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(JwsTest, UnknownKidIsNotFound) {
  const std::string token = SignOver(
      JwsAlgorithm::kEs256, {{"alg", "ES256"}, {"kid", "bank-ec-2025"}, {"typ", kTyp}}, "{}");
  ExpectRefused(token, absl::StatusCode::kNotFound, "kid names no published key");
}

TEST_F(JwsTest, WrongNumberOfPartsIsMalformed) {
  const std::string token = Sign(JwsAlgorithm::kEdDsa);
  const std::vector<std::string> parts = Parts(token);
  for (const std::string& wrong :
       {absl::StrJoin({parts[0], parts[1]}, "."), absl::StrCat(token, "."),
        absl::StrCat(token, ".", parts[2]), parts[0], absl::StrCat(".", token),
        absl::StrJoin({parts[0], parts[1], std::string(), parts[2]}, ".")}) {
    ExpectRefused(wrong, absl::StatusCode::kInvalidArgument, "three base64url parts");
  }
  ExpectRefused("", absl::StatusCode::kInvalidArgument, "empty");
}

TEST_F(JwsTest, PaddingOrTheStandardAlphabetIsMalformed) {
  const std::vector<std::string> parts = Parts(Sign(JwsAlgorithm::kEs256));
  const std::string names[] = {"header", "payload", "signature"};
  for (size_t index = 0; index < 3; ++index) {
    std::string padded = parts[index];
    while (padded.size() % 4 != 0) padded += '=';
    std::string standard = parts[index];
    for (char& c : standard) c = c == '-' ? '+' : c == '_' ? '/' : c;
    for (const std::string& spelling : {padded, standard, parts[index] + "=="}) {
      if (spelling == parts[index]) continue;
      std::vector<std::string> altered = parts;
      altered[index] = spelling;
      ExpectRefused(absl::StrJoin(altered, "."), absl::StatusCode::kInvalidArgument,
                    names[index] + " is not unpadded base64url");
    }
  }
  // A payload whose standard spelling differs: 0xfb 0xff encodes "-_8".
  const std::string token = Token({{"alg", "ES256"}, {"kid", "bank-ec-2026"}}, "\xfb\xff", "");
  std::vector<std::string> altered = Parts(token);
  ASSERT_EQ(altered[1], "-_8");
  altered[1] = "+/8";
  ExpectRefused(absl::StrJoin(altered, "."), absl::StatusCode::kInvalidArgument,
                "payload is not unpadded base64url");
}

TEST_F(JwsTest, RepeatedHeaderMembersAreMalformed) {
  const std::vector<std::string> parts = Parts(Sign(JwsAlgorithm::kEs256));
  for (const char* header : {R"({"alg":"ES256","alg":"none","kid":"bank-ec-2026","typ":"vc+jwt"})",
                             R"({"alg":"ES256","kid":"bank-ed-2026","kid":"bank-ec-2026"})",
                             R"({"alg":"ES256","kid":"bank-ec-2026","x":{"a":1,"a":1}})"}) {
    ExpectRefused(absl::StrJoin({B64(header), parts[1], parts[2]}, "."),
                  absl::StatusCode::kInvalidArgument, "header is not a JSON object");
  }
}

TEST_F(JwsTest, HeaderMustBeAnObjectWithAlgAndKid) {
  const std::string payload = B64("{}");
  const std::string signature = B64(std::string(64, 'x'));
  const struct {
    std::string header;
    const char* reason;
  } cases[] = {
      {R"(["ES256"])", "header is not a JSON object"},
      {R"("ES256")", "header is not a JSON object"},
      {R"({"alg":"ES256","kid":"bank-ec-2026"} )"
       "\n{}",
       "header is not a JSON object"},
      {std::string(R"({"alg":"ES256","kid":"bank-ec-2026"})") + std::string(1, '\0'),
       "header is not a JSON object"},
      {R"({"kid":"bank-ec-2026"})", "alg is missing or not a string"},
      {R"({"alg":null,"kid":"bank-ec-2026"})", "alg is missing or not a string"},
      {R"({"alg":["ES256"],"kid":"bank-ec-2026"})", "alg is missing or not a string"},
      {R"({"alg":"ES256"})", "kid is missing or not a string"},
      {R"({"alg":"ES256","kid":7})", "kid is missing or not a string"},
      {R"({"alg":"ES256","kid":""})", "kid is not 1 to 64 characters"},
      {R"({"alg":"ES256","kid":"../../etc/passwd"})", "kid is not 1 to 64 characters"},
      {R"({"alg":"ES256","kid":"bank-ec-2026","crit":["exp"]})", "crit"},
      {R"({"alg":"ES256","kid":"bank-ec-2026","crit":[]})", "crit"},
      {R"({"alg":"ES256","kid":"bank-ec-2026","b64":false})", "b64"},
  };
  for (const auto& test : cases) {
    ExpectRefused(absl::StrJoin({B64(test.header), payload, signature}, "."),
                  absl::StatusCode::kInvalidArgument, test.reason);
  }
}

TEST_F(JwsTest, DeepHeaderJsonIsMalformed) {
  const std::string deep =
      absl::StrCat(R"({"alg":"ES256","kid":"bank-ec-2026","x":)", std::string(kMaxJsonDepth, '['),
                   std::string(kMaxJsonDepth, ']'), "}");
  ExpectRefused(absl::StrJoin({B64(deep), B64("{}"), B64(std::string(64, 'x'))}, "."),
                absl::StatusCode::kInvalidArgument, "header is not a JSON object");
}

TEST_F(JwsTest, HugeInputIsRefusedUnparsed) {
  const std::string huge(kMaxJwsBytes + 1, 'A');
  ExpectRefused(huge, absl::StatusCode::kInvalidArgument, "longer than 1048576 bytes");
  const std::string token = Sign(JwsAlgorithm::kEdDsa);
  EXPECT_THAT(ParseCompactJws(token, token.size()), IsOk());
  EXPECT_THAT(ParseCompactJws(token, token.size() - 1),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(JwsTest, PayloadsUpToTheLimitAreSignedAndLargerOnesRefused) {
  // 700 KiB is about 933 KiB of base64url: within the limit.
  const std::string large(700 * 1024, 'a');
  ASSERT_OK_AND_ASSIGN(std::string token,
                       SignCompactJws(*ed_key_, JwsAlgorithm::kEdDsa, "bank-ed-2026", kTyp, large));
  EXPECT_LE(token.size(), kMaxJwsBytes);
  EXPECT_THAT(Verify(token), IsOk());
  const std::string too_large(kMaxJwsBytes * 3 / 4, 'a');
  EXPECT_THAT(SignCompactJws(*ed_key_, JwsAlgorithm::kEdDsa, "bank-ed-2026", kTyp, too_large),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(JwsTest, SigningRefusesBadArguments) {
  EXPECT_THAT(SignCompactJws(*ec_key_, JwsAlgorithm::kEdDsa, "k", kTyp, "{}"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(SignCompactJws(*ed_key_, JwsAlgorithm::kEs256, "k", kTyp, "{}"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  for (const char* kid : {"", "bank key", "bank.key", "学分银行"}) {
    EXPECT_THAT(SignCompactJws(*ec_key_, JwsAlgorithm::kEs256, kid, kTyp, "{}"),
                StatusIs(absl::StatusCode::kInvalidArgument))
        << kid;
  }
  for (const std::string& typ : {std::string(), std::string("vc jwt"), std::string("vc+jwt\n"),
                                 std::string(kMaxJwsTypeChars + 1, 't'), std::string("证书")}) {
    EXPECT_THAT(SignCompactJws(*ec_key_, JwsAlgorithm::kEs256, "k", typ, "{}"),
                StatusIs(absl::StatusCode::kInvalidArgument))
        << typ;
  }
  EXPECT_THAT(
      SignCompactJws(*ec_key_, JwsAlgorithm::kEs256, "k", std::string(kMaxJwsTypeChars, 't'), "{}"),
      IsOk());
  // The internal helper keeps the header's alg honest too.
  EXPECT_THAT(
      internal::SignCompactJwsWithHeader(*ed_key_, JwsAlgorithm::kEdDsa, {{"alg", "ES256"}}, "{}"),
      StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(internal::SignCompactJwsWithHeader(*ed_key_, JwsAlgorithm::kEdDsa,
                                                 Json::array({"EdDSA"}), "{}"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(internal::SignCompactJwsWithHeader(*ed_key_, JwsAlgorithm::kEdDsa,
                                                 {{"alg", "EdDSA"}, {"x", "\xff"}}, "{}"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

// --- Published examples ---

PublicJwk Rfc8037PublicKey() {
  return *PublicJwkFromJson(
      {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", kRfc8037X}, {"kid", "rfc8037"}});
}

TEST(JwsKnownAnswerTest, Rfc8037A4IsReproducedByteForByte) {
  ASSERT_OK_AND_ASSIGN(EvpPkeyPtr key, Ed25519KeyFromSeed(*Base64UrlDecode(kRfc8037D)));
  ASSERT_OK_AND_ASSIGN(std::string jws,
                       internal::SignCompactJwsWithHeader(*key, JwsAlgorithm::kEdDsa,
                                                          {{"alg", "EdDSA"}}, kRfc8037Payload));
  EXPECT_EQ(jws, kRfc8037Jws);
}

TEST(JwsKnownAnswerTest, Rfc8037A4Verifies) {
  const ParsedJws jws = SplitUnchecked(kRfc8037Jws);
  EXPECT_EQ(jws.payload, kRfc8037Payload);
  EXPECT_THAT(VerifyJwsSignature(jws, Rfc8037PublicKey()), IsOk());
  ParsedJws altered = jws;
  altered.signature[5] ^= 0x04;
  EXPECT_THAT(VerifyJwsSignature(altered, Rfc8037PublicKey()),
              StatusIs(absl::StatusCode::kUnauthenticated));
  // Its header has no kid, which our JWSs always carry.
  const absl::StatusOr<ParsedJws> parsed = ParseCompactJws(kRfc8037Jws);
  EXPECT_THAT(parsed, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("kid is missing"));
}

TEST(JwsKnownAnswerTest, Rfc7515A3Es256Verifies) {
  ASSERT_OK_AND_ASSIGN(PublicJwk key, PublicJwkFromJson({{"kty", "EC"},
                                                         {"crv", "P-256"},
                                                         {"x", kRfc7515X},
                                                         {"y", kRfc7515Y},
                                                         {"kid", "rfc7515"}}));
  const ParsedJws jws = SplitUnchecked(kRfc7515Jws);
  EXPECT_THAT(std::string(jws.payload), HasSubstr("\"iss\":\"joe\""));
  EXPECT_THAT(VerifyJwsSignature(jws, key), IsOk());
  EXPECT_THAT(VerifyJwsSignature(jws, Rfc8037PublicKey()),
              StatusIs(absl::StatusCode::kUnauthenticated));
  ParsedJws altered = jws;
  altered.signing_input.back() ^= 0x01;
  EXPECT_THAT(VerifyJwsSignature(altered, key), StatusIs(absl::StatusCode::kUnauthenticated));
}

}  // namespace
}  // namespace creditbank::domain::jose
