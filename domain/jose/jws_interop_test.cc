// Interoperability: our JWSs and JWK Sets, for ES256 and EdDSA, verify with
// PyJWT (tests/interop/pyjwt_verify.py), an implementation that shares no
// code with ours; a flipped signature byte does not. Needs Debian's
// /usr/bin/python3 with python3-jwt and python3-cryptography, and fails
// (does not skip) without them: an interop check that quietly stops running
// proves nothing.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "domain/crypto/ec_p256.h"
#include "domain/crypto/ed25519.h"
#include "domain/jose/base64url.h"
#include "domain/jose/jwk.h"
#include "domain/jose/jws.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace creditbank::domain::jose {
namespace {

using ::creditbank::testing::RunCommand;
using ::creditbank::testing::TempDir;
using ::testing::HasSubstr;
using Json = nlohmann::json;

constexpr char kPython[] = "/usr/bin/python3";
constexpr char kInstallHint[] =
    "install them with: apt-get install python3-jwt python3-cryptography";
// Python starts in well under a second; this is for a loaded CI machine.
constexpr absl::Duration kScriptTimeout = absl::Seconds(60);
constexpr int kExitVerified = 0;
constexpr int kExitNotVerified = 1;
constexpr int kExitUsage = 2;

std::string ScriptPath() {
#ifdef CREDITBANK_SOURCE_DIR
  return CREDITBANK_SOURCE_DIR "/tests/interop/pyjwt_verify.py";
#else
  // This file is <source>/domain/jose/jws_interop_test.cc.
  return (std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() /
          "tests/interop/pyjwt_verify.py")
      .string();
#endif
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  ASSERT_TRUE(out.good()) << path;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class PyJwtInteropTest : public ::testing::TestWithParam<JwsAlgorithm> {
 protected:
  void SetUp() override {
    ASSERT_EQ(::access(kPython, X_OK), 0)
        << kPython
        << " is missing; the interop test needs it with PyJWT and cryptography: " << kInstallHint;
    const std::string log = temp_.File("import.log");
    const absl::StatusOr<int> imported =
        RunCommand({kPython, "-c", "import jwt, cryptography.hazmat.primitives.asymmetric.ed25519"},
                   log, kScriptTimeout);
    ASSERT_TRUE(imported.ok() && *imported == 0)
        << kPython << " cannot import PyJWT or cryptography (" << ReadFile(log) << "); "
        << kInstallHint;
    ASSERT_TRUE(std::filesystem::exists(ScriptPath())) << ScriptPath() << " is missing";
  }

  // Runs the script on `token` against `jwks`; returns its exit code and
  // leaves its output in `output_`.
  int Verify(const std::string& token, const Json& jwks) {
    const std::string token_path = temp_.File("token.jws");
    const std::string jwks_path = temp_.File("jwks.json");
    const std::string log = temp_.File(absl::StrCat("verify-", ++runs_, ".log"));
    WriteFile(token_path, token);
    WriteFile(jwks_path, jwks.dump());
    const absl::StatusOr<int> exit_code =
        RunCommand({kPython, ScriptPath(), token_path, jwks_path}, log, kScriptTimeout);
    output_ = ReadFile(log);
    EXPECT_TRUE(exit_code.ok()) << exit_code.status();
    return exit_code.ok() ? *exit_code : -1;
  }

  TempDir temp_;
  std::string output_;
  int runs_ = 0;
};

INSTANTIATE_TEST_SUITE_P(Algorithms, PyJwtInteropTest,
                         ::testing::Values(JwsAlgorithm::kEs256, JwsAlgorithm::kEdDsa),
                         [](const ::testing::TestParamInfo<JwsAlgorithm>& info) {
                           return std::string(JwsAlgorithmName(info.param));
                         });

TEST_P(PyJwtInteropTest, PyJwtVerifiesOurJwsAndRefusesATamperedOne) {
  const JwsAlgorithm algorithm = GetParam();
  ASSERT_OK_AND_ASSIGN(EvpPkeyPtr signing_key, algorithm == JwsAlgorithm::kEs256
                                                   ? GenerateEcP256Key()
                                                   : GenerateEd25519Key());
  ASSERT_OK_AND_ASSIGN(EvpPkeyPtr retired_key, algorithm == JwsAlgorithm::kEs256
                                                   ? GenerateEd25519Key()
                                                   : GenerateEcP256Key());
  const JwsAlgorithm retired_algorithm =
      algorithm == JwsAlgorithm::kEs256 ? JwsAlgorithm::kEdDsa : JwsAlgorithm::kEs256;
  // The set also holds a retired key of the other kind: PyJWT must pick by
  // kid and ignore our "retired_at" member.
  std::vector<PublicJwk> keys;
  ASSERT_OK_AND_ASSIGN(PublicJwk retired,
                       PublicJwkFromPrivateKey(*retired_key, retired_algorithm, "bank-2025"));
  retired.retired_at_unix_seconds = 1'788'220'800;
  keys.push_back(std::move(retired));
  ASSERT_OK_AND_ASSIGN(PublicJwk current,
                       PublicJwkFromPrivateKey(*signing_key, algorithm, "bank-2026"));
  keys.push_back(std::move(current));
  ASSERT_OK_AND_ASSIGN(Json jwks, JwksToJson(keys));

  const Json credential = {
      {"iss", "did:web:creditbank.example"},
      {"sub", "6212345678901232"},
      {"vc",
       {{"type", Json::array({"VerifiableCredential", "LearningTranscript"})},
        {"credentialSubject", {{"name", "张伟"}, {"course", "高等数学（一）"}}}}}};
  ASSERT_OK_AND_ASSIGN(std::string token, SignCompactJws(*signing_key, algorithm, "bank-2026",
                                                         "vc+jwt", credential.dump()));

  EXPECT_EQ(Verify(token, jwks), kExitVerified) << output_;
  EXPECT_THAT(output_, HasSubstr(credential.dump()));

  std::vector<std::string> parts = absl::StrSplit(token, '.');
  std::string signature = *Base64UrlDecode(parts[2]);
  signature[17] ^= 0x01;
  parts[2] = Base64UrlEncode(signature);
  EXPECT_EQ(Verify(absl::StrJoin(parts, "."), jwks), kExitNotVerified) << output_;
  EXPECT_THAT(output_, HasSubstr("InvalidSignatureError"));
}

TEST_P(PyJwtInteropTest, PyJwtRefusesAJwsUnderAnotherKeysKid) {
  const JwsAlgorithm algorithm = GetParam();
  const auto generate = [algorithm] {
    return algorithm == JwsAlgorithm::kEs256 ? GenerateEcP256Key() : GenerateEd25519Key();
  };
  ASSERT_OK_AND_ASSIGN(EvpPkeyPtr published_key, generate());
  ASSERT_OK_AND_ASSIGN(EvpPkeyPtr impostor_key, generate());
  std::vector<PublicJwk> keys;
  keys.push_back(*PublicJwkFromPrivateKey(*published_key, algorithm, "bank-2026"));
  ASSERT_OK_AND_ASSIGN(Json jwks, JwksToJson(keys));
  ASSERT_OK_AND_ASSIGN(std::string token,
                       SignCompactJws(*impostor_key, algorithm, "bank-2026", "vc+jwt", "{}"));
  EXPECT_EQ(Verify(token, jwks), kExitNotVerified) << output_;
  ASSERT_OK_AND_ASSIGN(std::string unknown_kid,
                       SignCompactJws(*published_key, algorithm, "bank-2027", "vc+jwt", "{}"));
  EXPECT_EQ(Verify(unknown_kid, jwks), kExitNotVerified) << output_;
}

TEST(PyJwtScriptTest, WrongArgumentsAreAUsageError) {
  TempDir temp;
  const std::string log = temp.File("usage.log");
  const absl::StatusOr<int> exit_code = RunCommand({kPython, ScriptPath()}, log, kScriptTimeout);
  ASSERT_TRUE(exit_code.ok()) << exit_code.status();
  EXPECT_EQ(*exit_code, kExitUsage) << ReadFile(log);
}

}  // namespace
}  // namespace creditbank::domain::jose
