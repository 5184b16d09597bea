// The key file: created 0600 with fresh keys, refused when group/other may
// read or write it, DATA_LOSS (never a crash) when malformed; a file from
// before learner tokens gains a token signing key, atomically, once.
#include "domain/crypto/key_ring.h"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "domain/crypto/ec_p256.h"
#include "nlohmann/json.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace creditbank::domain {
namespace {

using ::creditbank::testing::IsOk;
using ::creditbank::testing::StatusIs;
using ::creditbank::testing::TempDir;
using ::testing::HasSubstr;

mode_t ModeOf(const std::string& path) {
  struct stat info;
  EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 0777;
}

void WriteFile(const std::string& path, const std::string& contents, mode_t mode) {
  { std::ofstream(path, std::ios::binary | std::ios::trunc) << contents; }
  ASSERT_EQ(::chmod(path.c_str(), mode), 0);
}

std::string Key32(char fill) { return absl::Base64Escape(std::string(32, fill)); }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// Names in `directory` other than `keep`: leftover temporary files.
std::vector<std::string> OtherFiles(const std::string& directory, const std::string& keep) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (entry.path().filename() != keep) names.push_back(entry.path().filename().string());
  }
  return names;
}

struct TokenKeyFields {
  std::string pem;
  std::string key_id;
};

TokenKeyFields NewTokenKey() {
  absl::StatusOr<EvpPkeyPtr> key = GenerateEcP256Key();
  EXPECT_TRUE(key.ok());
  return {*EcP256PrivateKeyPem(**key), *EcP256KeyId(**key)};
}

// A P-384 private key in PKCS#8 PEM: well formed, but the wrong curve.
std::string P384PrivateKeyPem() {
  EVP_PKEY* key = EVP_EC_gen("P-384");
  EXPECT_NE(key, nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  EXPECT_EQ(PEM_write_bio_PKCS8PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr), 1);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(length));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

std::string ValidJson() {
  return absl::StrCat(R"({"format": "creditbank-keys-v1", "identity_hmac_secret": ")", Key32('s'),
                      R"(", "pii_keys": [{"id": 1, "key": ")", Key32('a'), R"("}, {"id": 2, "key": ")",
                      Key32('b'), R"("}], "active_pii_key_id": 2})");
}

TEST(LoadOrCreateKeyRingTest, CreatesAPrivateKeyFileWithFreshKeys) {
  TempDir dir;
  const std::string path = dir.File("secrets/creditbank.keys");  // parent created too
  ASSERT_OK_AND_ASSIGN(KeyRing ring, LoadOrCreateKeyRing(path));
  EXPECT_EQ(ModeOf(path), 0600u);
  EXPECT_EQ(ring.identity_hmac_secret.size(), 32u);
  ASSERT_EQ(ring.pii_keys.size(), 1u);
  EXPECT_EQ(ring.active_pii_key_id, 1u);
  EXPECT_EQ(ring.active_pii_key().size(), 32u);
  EXPECT_NE(ring.active_pii_key(), ring.identity_hmac_secret);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  EXPECT_THAT(OtherFiles(dir.File("secrets"), "creditbank.keys"), ::testing::IsEmpty());

  // The token signing key: PKCS#8 PEM of a P-256 key, its id derived from
  // the public key.
  EXPECT_THAT(ring.token_signing_key_pem, ::testing::StartsWith("-----BEGIN PRIVATE KEY-----\n"));
  ASSERT_OK_AND_ASSIGN(EvpPkeyPtr token_key, ParseEcP256PrivateKeyPem(ring.token_signing_key_pem));
  ASSERT_OK_AND_ASSIGN(std::string key_id, EcP256KeyId(*token_key));
  EXPECT_EQ(ring.token_signing_key_id, key_id);
  EXPECT_EQ(ring.token_signing_key_id.size(), 16u);

  // Loading again reads the same keys back.
  ASSERT_OK_AND_ASSIGN(KeyRing again, LoadOrCreateKeyRing(path));
  EXPECT_EQ(again.identity_hmac_secret, ring.identity_hmac_secret);
  EXPECT_EQ(again.pii_keys, ring.pii_keys);
  EXPECT_EQ(again.active_pii_key_id, ring.active_pii_key_id);
  EXPECT_EQ(again.token_signing_key_pem, ring.token_signing_key_pem);
  EXPECT_EQ(again.token_signing_key_id, ring.token_signing_key_id);
  EXPECT_EQ(again.log_signing_seed, ring.log_signing_seed);
  EXPECT_EQ(again.transcript_key_encryption_key, ring.transcript_key_encryption_key);
  EXPECT_EQ(again.transcript_key_encryption_key.size(), 32u);
}

TEST(LoadOrCreateKeyRingTest, AFileWithATokenKeyButNoLogKeyGetsOnlyTheLogKey) {
  TempDir dir;
  const std::string path = dir.File("creditbank.keys");
  const TokenKeyFields token_key = NewTokenKey();
  nlohmann::json old_file = nlohmann::json::parse(ValidJson());
  old_file["token_signing_key"] = token_key.pem;
  old_file["token_signing_key_id"] = token_key.key_id;
  WriteFile(path, old_file.dump(), 0600);

  ASSERT_OK_AND_ASSIGN(KeyRing ring, LoadOrCreateKeyRing(path));
  EXPECT_EQ(ring.token_signing_key_pem, token_key.pem);
  ASSERT_EQ(ring.log_signing_seed.size(), 32u);
  nlohmann::json rewritten = nlohmann::json::parse(ReadFile(path));
  rewritten.erase("log_signing_key");
  rewritten.erase("transcript_key_encryption_key");
  EXPECT_EQ(rewritten, old_file);
  ASSERT_OK_AND_ASSIGN(KeyRing again, LoadOrCreateKeyRing(path));
  EXPECT_EQ(again.log_signing_seed, ring.log_signing_seed);
}

TEST(LoadOrCreateKeyRingTest, AFileFromBeforeTranscriptsGetsOnlyTheTranscriptKek) {
  TempDir dir;
  const std::string path = dir.File("creditbank.keys");
  const TokenKeyFields token_key = NewTokenKey();
  nlohmann::json old_file = nlohmann::json::parse(ValidJson());
  old_file["token_signing_key"] = token_key.pem;
  old_file["token_signing_key_id"] = token_key.key_id;
  old_file["log_signing_key"] = absl::Base64Escape(std::string(32, 'L'));
  WriteFile(path, old_file.dump(), 0600);

  ASSERT_OK_AND_ASSIGN(KeyRing ring, LoadOrCreateKeyRing(path));
  EXPECT_EQ(ring.log_signing_seed, std::string(32, 'L'));
  ASSERT_EQ(ring.transcript_key_encryption_key.size(), 32u);
  nlohmann::json rewritten = nlohmann::json::parse(ReadFile(path));
  EXPECT_EQ(rewritten["transcript_key_encryption_key"],
            absl::Base64Escape(ring.transcript_key_encryption_key));
  rewritten.erase("transcript_key_encryption_key");
  EXPECT_EQ(rewritten, old_file);
  ASSERT_OK_AND_ASSIGN(KeyRing again, LoadOrCreateKeyRing(path));
  EXPECT_EQ(again.transcript_key_encryption_key, ring.transcript_key_encryption_key);
}

TEST(ParseKeyRingTest, TheLogKeyIsA32ByteSeedOrAbsent) {
  nlohmann::json json = nlohmann::json::parse(ValidJson());
  ASSERT_OK_AND_ASSIGN(KeyRing without, ParseKeyRing(json.dump()));
  EXPECT_TRUE(without.log_signing_seed.empty());
  json["log_signing_key"] = absl::Base64Escape(std::string(32, 'L'));
  ASSERT_OK_AND_ASSIGN(KeyRing with, ParseKeyRing(json.dump()));
  EXPECT_EQ(with.log_signing_seed, std::string(32, 'L'));
  for (const nlohmann::json& bad : {nlohmann::json(absl::Base64Escape(std::string(31, 'L'))),
                                    nlohmann::json("not base64!"), nlohmann::json(7)}) {
    json["log_signing_key"] = bad;
    EXPECT_THAT(ParseKeyRing(json.dump()), StatusIs(absl::StatusCode::kDataLoss)) << bad;
  }
}

TEST(LoadOrCreateKeyRingTest, TwoNewFilesHoldDifferentKeys) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(KeyRing first, LoadOrCreateKeyRing(dir.File("a.keys")));
  ASSERT_OK_AND_ASSIGN(KeyRing second, LoadOrCreateKeyRing(dir.File("b.keys")));
  EXPECT_NE(first.identity_hmac_secret, second.identity_hmac_secret);
  EXPECT_NE(first.active_pii_key(), second.active_pii_key());
  EXPECT_NE(first.token_signing_key_pem, second.token_signing_key_pem);
  EXPECT_NE(first.token_signing_key_id, second.token_signing_key_id);
}

TEST(LoadOrCreateKeyRingTest, AddsATokenKeyToAFileFromBeforeLearnerTokens) {
  TempDir dir;
  const std::string path = dir.File("creditbank.keys");
  // Written by the previous version, with a field this one does not know.
  nlohmann::json old_file = nlohmann::json::parse(ValidJson());
  old_file["comment"] = "重庆市终身学习学分银行 — 生产密钥";
  WriteFile(path, old_file.dump(), 0600);

  ASSERT_OK_AND_ASSIGN(KeyRing ring, LoadOrCreateKeyRing(path));
  EXPECT_EQ(ring.identity_hmac_secret, std::string(32, 's'));
  EXPECT_EQ(ring.pii_keys.at(2), std::string(32, 'b'));
  EXPECT_EQ(ring.active_pii_key_id, 2u);
  ASSERT_OK(ParseEcP256PrivateKeyPem(ring.token_signing_key_pem).status());
  EXPECT_EQ(ring.token_signing_key_id.size(), 16u);

  // The file now holds the key, and everything it held before.
  EXPECT_EQ(ModeOf(path), 0600u);
  EXPECT_THAT(OtherFiles(dir.path(), "creditbank.keys"), ::testing::IsEmpty());
  nlohmann::json rewritten = nlohmann::json::parse(ReadFile(path));
  EXPECT_EQ(rewritten["token_signing_key"], ring.token_signing_key_pem);
  EXPECT_EQ(rewritten["token_signing_key_id"], ring.token_signing_key_id);
  ASSERT_EQ(ring.log_signing_seed.size(), 32u);
  EXPECT_EQ(rewritten["log_signing_key"], absl::Base64Escape(ring.log_signing_seed));
  rewritten.erase("token_signing_key");
  rewritten.erase("token_signing_key_id");
  rewritten.erase("log_signing_key");
  rewritten.erase("transcript_key_encryption_key");
  EXPECT_EQ(rewritten, old_file);

  // Once: the next load finds the same key.
  ASSERT_OK_AND_ASSIGN(KeyRing again, LoadOrCreateKeyRing(path));
  EXPECT_EQ(again.token_signing_key_pem, ring.token_signing_key_pem);
  EXPECT_EQ(again.token_signing_key_id, ring.token_signing_key_id);
}

TEST(LoadOrCreateKeyRingTest, AReadOnlyOldFileStaysReadOnly) {
  TempDir dir;
  const std::string path = dir.File("creditbank.keys");
  WriteFile(path, ValidJson(), 0400);
  ASSERT_OK_AND_ASSIGN(KeyRing ring, LoadOrCreateKeyRing(path));
  EXPECT_FALSE(ring.token_signing_key_pem.empty());
  EXPECT_EQ(ModeOf(path), 0400u);
}

TEST(LoadOrCreateKeyRingTest, AddingTheTokenKeyReplacesTheFileBehindASymlink) {
  TempDir dir;
  std::filesystem::create_directory(dir.File("secrets"));
  const std::string target = dir.File("secrets/creditbank.keys");
  WriteFile(target, ValidJson(), 0600);
  const std::string link = dir.File("creditbank.keys");
  std::filesystem::create_symlink(target, link);

  ASSERT_OK_AND_ASSIGN(KeyRing ring, LoadOrCreateKeyRing(link));
  EXPECT_TRUE(std::filesystem::is_symlink(link));
  EXPECT_THAT(ReadFile(target), ::testing::HasSubstr(ring.token_signing_key_id));
  EXPECT_THAT(OtherFiles(dir.File("secrets"), "creditbank.keys"), ::testing::IsEmpty());
}

TEST(LoadOrCreateKeyRingTest, ServersStartingTogetherAgreeOnTheAddedTokenKey) {
  TempDir dir;
  const std::string path = dir.File("creditbank.keys");
  WriteFile(path, ValidJson(), 0600);
  constexpr int kServers = 6;
  std::vector<absl::StatusOr<KeyRing>> rings(kServers, absl::UnknownError("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kServers; ++i) {
    threads.emplace_back([&rings, &path, i] { rings[i] = LoadOrCreateKeyRing(path); });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_OK_AND_ASSIGN(KeyRing on_disk, LoadOrCreateKeyRing(path));
  for (const absl::StatusOr<KeyRing>& ring : rings) {
    ASSERT_OK(ring.status());
    EXPECT_EQ(ring->token_signing_key_pem, on_disk.token_signing_key_pem);
    EXPECT_EQ(ring->token_signing_key_id, on_disk.token_signing_key_id);
  }
  EXPECT_THAT(OtherFiles(dir.path(), "creditbank.keys"), ::testing::IsEmpty());
}

// Root may write any directory, so as root (CI) the load runs in a child
// process that has dropped to the unprivileged user `nobody`, owning the
// key file and a directory it may not write.
TEST(LoadOrCreateKeyRingTest, AnOldFileInADirectoryWeCannotWriteIsUnavailable) {
  constexpr uid_t kNobody = 65534;
  const bool as_root = ::geteuid() == 0;
  TempDir dir;
  std::filesystem::create_directory(dir.File("locked"));
  const std::string path = dir.File("locked/creditbank.keys");
  WriteFile(path, ValidJson(), 0600);
  if (as_root) {
    ASSERT_EQ(::chmod(dir.path().c_str(), 0711), 0);  // nobody may pass through
    ASSERT_EQ(::chown(path.c_str(), kNobody, kNobody), 0);
    ASSERT_EQ(::chown(dir.File("locked").c_str(), kNobody, kNobody), 0);
  }
  ASSERT_EQ(::chmod(dir.File("locked").c_str(), 0500), 0);
  absl::StatusCode code = absl::StatusCode::kOk;
  if (as_root) {
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      if (::setgid(kNobody) != 0 || ::setuid(kNobody) != 0) ::_exit(100);
      ::_exit(static_cast<int>(LoadOrCreateKeyRing(path).status().code()));
    }
    int wait_status = 0;
    ASSERT_EQ(::waitpid(child, &wait_status, 0), child);
    ASSERT_TRUE(WIFEXITED(wait_status));
    ASSERT_NE(WEXITSTATUS(wait_status), 100) << "could not drop to nobody";
    code = static_cast<absl::StatusCode>(WEXITSTATUS(wait_status));
  } else {
    code = LoadOrCreateKeyRing(path).status().code();
  }
  ASSERT_EQ(::chmod(dir.File("locked").c_str(), 0700), 0);
  EXPECT_EQ(code, absl::StatusCode::kUnavailable);
  EXPECT_EQ(ReadFile(path), ValidJson());
}

TEST(LoadOrCreateKeyRingTest, RefusesFilesOthersMayReadOrWrite) {
  for (mode_t mode : {0640, 0604, 0660, 0644, 0602, 0620, 0666}) {
    TempDir dir;
    const std::string path = dir.File("creditbank.keys");
    WriteFile(path, ValidJson(), mode);
    absl::StatusOr<KeyRing> ring = LoadOrCreateKeyRing(path);
    EXPECT_THAT(ring, StatusIs(absl::StatusCode::kFailedPrecondition)) << std::oct << mode;
    EXPECT_THAT(std::string(ring.status().message()),
                HasSubstr(absl::StrCat("chmod 600 ", path)));
  }
}

TEST(LoadOrCreateKeyRingTest, AcceptsOwnerOnlyModes) {
  for (mode_t mode : {0600, 0400}) {
    TempDir dir;
    const std::string path = dir.File("creditbank.keys");
    WriteFile(path, ValidJson(), mode);
    ASSERT_OK_AND_ASSIGN(KeyRing ring, LoadOrCreateKeyRing(path));
    EXPECT_EQ(ring.active_pii_key_id, 2u);
  }
}

TEST(LoadOrCreateKeyRingTest, RefusesADirectory) {
  TempDir dir;
  std::filesystem::create_directory(dir.File("creditbank.keys"));
  EXPECT_THAT(LoadOrCreateKeyRing(dir.File("creditbank.keys")),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(LoadOrCreateKeyRingTest, MalformedFileIsDataLoss) {
  TempDir dir;
  const std::string path = dir.File("creditbank.keys");
  WriteFile(path, R"({"format": "creditbank-keys-v1", "identity_hmac_secret": "c2hvcnQ="})",
            0600);
  EXPECT_THAT(LoadOrCreateKeyRing(path), StatusIs(absl::StatusCode::kDataLoss));
}

TEST(ParseKeyRingTest, ReadsEveryKeyAndTheActiveOne) {
  ASSERT_OK_AND_ASSIGN(KeyRing ring, ParseKeyRing(ValidJson()));
  EXPECT_EQ(ring.identity_hmac_secret, std::string(32, 's'));
  ASSERT_EQ(ring.pii_keys.size(), 2u);
  EXPECT_EQ(ring.pii_keys.at(1), std::string(32, 'a'));
  EXPECT_EQ(ring.pii_keys.at(2), std::string(32, 'b'));
  EXPECT_EQ(ring.active_pii_key_id, 2u);
  EXPECT_EQ(ring.active_pii_key(), std::string(32, 'b'));
}

TEST(ParseKeyRingTest, AFileWithoutATokenKeyParsesWithEmptyTokenFields) {
  ASSERT_OK_AND_ASSIGN(KeyRing ring, ParseKeyRing(ValidJson()));
  EXPECT_TRUE(ring.token_signing_key_pem.empty());
  EXPECT_TRUE(ring.token_signing_key_id.empty());
}

TEST(ParseKeyRingTest, ReadsTheTokenSigningKey) {
  const TokenKeyFields token_key = NewTokenKey();
  nlohmann::json json = nlohmann::json::parse(ValidJson());
  json["token_signing_key"] = token_key.pem;
  json["token_signing_key_id"] = "2026-autumn_1";  // any well-formed id is taken as given
  ASSERT_OK_AND_ASSIGN(KeyRing ring, ParseKeyRing(json.dump()));
  EXPECT_EQ(ring.token_signing_key_pem, token_key.pem);
  EXPECT_EQ(ring.token_signing_key_id, "2026-autumn_1");
}

TEST(ParseKeyRingTest, MalformedTokenKeysAreDataLossWithoutQuotingThem) {
  const TokenKeyFields token_key = NewTokenKey();
  absl::StatusOr<EvpPkeyPtr> parsed = ParseEcP256PrivateKeyPem(token_key.pem);
  ASSERT_TRUE(parsed.ok());
  const std::string public_pem = *EcP256PublicKeyPem(**parsed);
  struct Case {
    std::string name;
    nlohmann::json pem;  // null: absent
    nlohmann::json key_id;
  };
  const std::vector<Case> cases = {
      {"key without id", token_key.pem, nullptr},
      {"id without key", nullptr, token_key.key_id},
      {"key a number", 42, token_key.key_id},
      {"key an object", nlohmann::json{{"pem", token_key.pem}}, token_key.key_id},
      {"key not PEM", "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg", token_key.key_id},
      {"key truncated", token_key.pem.substr(0, token_key.pem.size() - 40), token_key.key_id},
      {"public key", public_pem, token_key.key_id},
      {"P-384 key", P384PrivateKeyPem(), token_key.key_id},
      {"empty id", token_key.pem, ""},
      {"id with a space", token_key.pem, "key 1"},
      {"id with a slash", token_key.pem, "../../etc"},
      {"id too long", token_key.pem, std::string(kMaxTokenKeyIdLength + 1, 'k')},
      {"id a number", token_key.pem, 1},
  };
  for (const Case& c : cases) {
    nlohmann::json json = nlohmann::json::parse(ValidJson());
    if (!c.pem.is_null()) json["token_signing_key"] = c.pem;
    if (!c.key_id.is_null()) json["token_signing_key_id"] = c.key_id;
    absl::StatusOr<KeyRing> ring = ParseKeyRing(json.dump());
    EXPECT_THAT(ring, StatusIs(absl::StatusCode::kDataLoss)) << c.name;
    const std::string message(ring.status().message());
    EXPECT_THAT(message, ::testing::Not(HasSubstr("MI"))) << c.name;
    EXPECT_THAT(message, ::testing::Not(HasSubstr("BEGIN"))) << c.name;
  }
}

TEST(ParseKeyRingTest, MalformedContentsAreDataLoss) {
  const std::string secret = Key32('s');
  const std::string key = Key32('a');
  const auto with = [&](const std::string& fields) {
    return absl::StrCat("{", fields, "}");
  };
  const std::string good_secret = absl::StrCat(R"("identity_hmac_secret": ")", secret, R"(")");
  const std::string good_keys = absl::StrCat(R"("pii_keys": [{"id": 1, "key": ")", key, R"("}])");
  const std::string format = R"("format": "creditbank-keys-v1")";
  struct Case {
    std::string name;
    std::string json;
  };
  const std::vector<Case> cases = {
      {"empty file", ""},
      {"not JSON", "creditbank keys"},
      {"truncated JSON", ValidJson().substr(0, 40)},
      {"array", "[]"},
      {"string", R"("creditbank-keys-v1")"},
      {"no format", with(absl::StrCat(good_secret, ", ", good_keys, R"(, "active_pii_key_id": 1)"))},
      {"other format",
       with(absl::StrCat(R"("format": "creditbank-keys-v2", )", good_secret, ", ", good_keys,
                         R"(, "active_pii_key_id": 1)"))},
      {"format is a number",
       with(absl::StrCat(R"("format": 1, )", good_secret, ", ", good_keys,
                         R"(, "active_pii_key_id": 1)"))},
      {"format is null",
       with(absl::StrCat(R"("format": null, )", good_secret, ", ", good_keys,
                         R"(, "active_pii_key_id": 1)"))},
      {"no secret", with(absl::StrCat(format, ", ", good_keys, R"(, "active_pii_key_id": 1)"))},
      {"secret not base64",
       with(absl::StrCat(format, R"(, "identity_hmac_secret": "!!!not base64!!!", )", good_keys,
                         R"(, "active_pii_key_id": 1)"))},
      {"secret 16 bytes",
       with(absl::StrCat(format, R"(, "identity_hmac_secret": ")",
                         absl::Base64Escape(std::string(16, 's')), R"(", )", good_keys,
                         R"(, "active_pii_key_id": 1)"))},
      {"secret is a number",
       with(absl::StrCat(format, R"(, "identity_hmac_secret": 32, )", good_keys,
                         R"(, "active_pii_key_id": 1)"))},
      {"no pii keys", with(absl::StrCat(format, ", ", good_secret, R"(, "active_pii_key_id": 1)"))},
      {"empty pii keys",
       with(absl::StrCat(format, ", ", good_secret, R"(, "pii_keys": [], "active_pii_key_id": 1)"))},
      {"pii keys an object",
       with(absl::StrCat(format, ", ", good_secret,
                         R"(, "pii_keys": {"id": 1}, "active_pii_key_id": 1)"))},
      {"pii key not an object",
       with(absl::StrCat(format, ", ", good_secret, R"(, "pii_keys": [1], "active_pii_key_id": 1)"))},
      {"pii key without id",
       with(absl::StrCat(format, ", ", good_secret, R"(, "pii_keys": [{"key": ")", key,
                         R"("}], "active_pii_key_id": 1)"))},
      {"pii key id 0",
       with(absl::StrCat(format, ", ", good_secret, R"(, "pii_keys": [{"id": 0, "key": ")", key,
                         R"("}], "active_pii_key_id": 0)"))},
      {"pii key id negative",
       with(absl::StrCat(format, ", ", good_secret, R"(, "pii_keys": [{"id": -1, "key": ")", key,
                         R"("}], "active_pii_key_id": 1)"))},
      {"pii key id a string",
       with(absl::StrCat(format, ", ", good_secret, R"(, "pii_keys": [{"id": "1", "key": ")", key,
                         R"("}], "active_pii_key_id": 1)"))},
      {"pii key id too large",
       with(absl::StrCat(format, ", ", good_secret,
                         R"(, "pii_keys": [{"id": 4294967296, "key": ")", key,
                         R"("}], "active_pii_key_id": 1)"))},
      {"pii key too short",
       with(absl::StrCat(format, ", ", good_secret, R"(, "pii_keys": [{"id": 1, "key": ")",
                         absl::Base64Escape(std::string(31, 'a')), R"("}], "active_pii_key_id": 1)"))},
      {"pii key missing",
       with(absl::StrCat(format, ", ", good_secret,
                         R"(, "pii_keys": [{"id": 1}], "active_pii_key_id": 1)"))},
      {"duplicate pii key id",
       with(absl::StrCat(format, ", ", good_secret, R"(, "pii_keys": [{"id": 1, "key": ")", key,
                         R"("}, {"id": 1, "key": ")", key, R"("}], "active_pii_key_id": 1)"))},
      {"no active key", with(absl::StrCat(format, ", ", good_secret, ", ", good_keys))},
      {"active key unknown",
       with(absl::StrCat(format, ", ", good_secret, ", ", good_keys, R"(, "active_pii_key_id": 2)"))},
      {"active key a string",
       with(absl::StrCat(format, ", ", good_secret, ", ", good_keys,
                         R"(, "active_pii_key_id": "1")"))},
      // 2^32 + 1 must not wrap around to key 1.
      {"active key id past 32 bits",
       with(absl::StrCat(format, ", ", good_secret, ", ", good_keys,
                         R"(, "active_pii_key_id": 4294967297)"))},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ParseKeyRing(c.json), StatusIs(absl::StatusCode::kDataLoss)) << c.name;
  }
}

TEST(RotatePiiKeyTest, AddsAnActiveKeyAndKeepsTheOldOnes) {
  TempDir dir;
  const std::string path = dir.File("keys.json");
  ASSERT_OK_AND_ASSIGN(KeyRing before, LoadOrCreateKeyRing(path));
  ASSERT_OK_AND_ASSIGN(uint32_t id, RotatePiiKey(path));
  EXPECT_EQ(id, 2u);
  ASSERT_OK_AND_ASSIGN(KeyRing after, LoadOrCreateKeyRing(path));
  EXPECT_EQ(after.active_pii_key_id, 2u);
  ASSERT_EQ(after.pii_keys.size(), 2u);
  EXPECT_EQ(after.pii_keys.at(1), before.pii_keys.at(1));
  EXPECT_NE(after.pii_keys.at(2), before.pii_keys.at(1));
  EXPECT_EQ(after.identity_hmac_secret, before.identity_hmac_secret);
  EXPECT_EQ(after.token_signing_key_pem, before.token_signing_key_pem);
  struct stat info;
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  ASSERT_OK_AND_ASSIGN(uint32_t third, RotatePiiKey(path));
  EXPECT_EQ(third, 3u);
}

TEST(RotatePiiKeyTest, RefusesAMissingOrOpenFile) {
  TempDir dir;
  EXPECT_THAT(RotatePiiKey(dir.File("absent.json")),
              ::creditbank::testing::StatusIs(absl::StatusCode::kNotFound));
  const std::string path = dir.File("keys.json");
  ASSERT_OK(LoadOrCreateKeyRing(path).status());
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  EXPECT_THAT(RotatePiiKey(path),
              ::creditbank::testing::StatusIs(absl::StatusCode::kFailedPrecondition));
}

}  // namespace
}  // namespace creditbank::domain
