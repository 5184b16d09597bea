// The key file: created 0600 with fresh keys, refused when group/other may
// read or write it, DATA_LOSS (never a crash) when malformed.
#include "domain/crypto/key_ring.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
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

  // Loading again reads the same keys back.
  ASSERT_OK_AND_ASSIGN(KeyRing again, LoadOrCreateKeyRing(path));
  EXPECT_EQ(again.identity_hmac_secret, ring.identity_hmac_secret);
  EXPECT_EQ(again.pii_keys, ring.pii_keys);
  EXPECT_EQ(again.active_pii_key_id, ring.active_pii_key_id);
}

TEST(LoadOrCreateKeyRingTest, TwoNewFilesHoldDifferentKeys) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(KeyRing first, LoadOrCreateKeyRing(dir.File("a.keys")));
  ASSERT_OK_AND_ASSIGN(KeyRing second, LoadOrCreateKeyRing(dir.File("b.keys")));
  EXPECT_NE(first.identity_hmac_secret, second.identity_hmac_secret);
  EXPECT_NE(first.active_pii_key(), second.active_pii_key());
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

}  // namespace
}  // namespace creditbank::domain
