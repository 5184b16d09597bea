// Key encodings: exact bytes, big-endian order = numeric order, and the
// round trips the domain relies on.
#include "storage/keys.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace creditbank::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::Optional;

std::string Bytes(std::initializer_list<int> values) {
  std::string out;
  for (int value : values) out.push_back(static_cast<char>(value));
  return out;
}

TEST(KeysTest, AppendUint64WritesEightBigEndianBytes) {
  struct Case {
    uint64_t value;
    std::string bytes;
  };
  const std::vector<Case> cases = {
      {0, Bytes({0, 0, 0, 0, 0, 0, 0, 0})},
      {1, Bytes({0, 0, 0, 0, 0, 0, 0, 1})},
      {0x0102030405060708ULL, Bytes({1, 2, 3, 4, 5, 6, 7, 8})},
      {6217000000000014ULL, Bytes({0x00, 0x16, 0x16, 0x54, 0x1c, 0x91, 0x90, 0x0e})},
      {std::numeric_limits<uint64_t>::max(),
       Bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})},
  };
  for (const Case& c : cases) {
    std::string out = "prefix";
    AppendUint64(out, c.value);
    EXPECT_EQ(out, "prefix" + c.bytes) << c.value;
    EXPECT_THAT(ReadUint64(out, 6), Optional(c.value)) << c.value;
  }
}

TEST(KeysTest, ReadUint64NeedsEightBytesFromOffset) {
  const std::string bytes = Bytes({0, 0, 0, 0, 0, 0, 0, 42, 0xff});
  EXPECT_THAT(ReadUint64(bytes, 0), Optional(uint64_t{42}));
  EXPECT_THAT(ReadUint64(bytes, 1), Optional(uint64_t{42 * 256 + 0xff}));
  EXPECT_EQ(ReadUint64(bytes, 2), std::nullopt);
  EXPECT_EQ(ReadUint64("", 0), std::nullopt);
  EXPECT_EQ(ReadUint64(Bytes({1, 2, 3, 4, 5, 6, 7}), 0), std::nullopt);
}

TEST(KeysTest, KeyLengthsMatchTheDocumentedLayout) {
  EXPECT_EQ(EntryKey(7).size(), 8u);
  EXPECT_EQ(AccountKey(6217000000000014ULL).size(), 8u);
  EXPECT_EQ(AccountPrefix(6217000000000014ULL).size(), 8u);
  EXPECT_EQ(AccountEntryKey(6217000000000014ULL, 7).size(), 16u);
  EXPECT_EQ(ExpiryKey(6217000000000014ULL, 7).size(), 16u);
  EXPECT_EQ(BalanceKey(6217000000000014ULL, 2, 6).size(), 10u);
  EXPECT_EQ(LogNodeKey(3, 7).size(), 9u);
}

TEST(KeysTest, LogNodeKeyIsLevelThenBigEndianIndex) {
  EXPECT_EQ(LogNodeKey(1, 0x0102), std::string("\x01\0\0\0\0\0\0\x01\x02", 9));
  // One level's nodes scan in index order, and levels do not interleave.
  EXPECT_LT(LogNodeKey(2, 255), LogNodeKey(2, 256));
  EXPECT_LT(LogNodeKey(1, ~uint64_t{0}), LogNodeKey(2, 0));
}

TEST(KeysTest, AccountEntryKeyIsAccountThenEntry) {
  const uint64_t account = 6217000000000014ULL;
  const std::string key = AccountEntryKey(account, 300);
  EXPECT_EQ(key.substr(0, 8), AccountPrefix(account));
  EXPECT_EQ(key.substr(8), EntryKey(300));
  EXPECT_EQ(ExpiryKey(account, 300), key);
  EXPECT_EQ(AccountKey(account), EntryKey(account));
}

TEST(KeysTest, ByteOrderIsNumericOrder) {
  const std::vector<uint64_t> ids = {0, 1, 2, 255, 256, 65535, 65536, 1ULL << 32,
                                     (1ULL << 56) + 1, std::numeric_limits<uint64_t>::max()};
  for (size_t i = 1; i < ids.size(); ++i) {
    EXPECT_LT(EntryKey(ids[i - 1]), EntryKey(ids[i])) << ids[i - 1] << " vs " << ids[i];
  }
  // An account's entries sort by entry id, and all before the next account's.
  EXPECT_LT(AccountEntryKey(5, 255), AccountEntryKey(5, 256));
  EXPECT_LT(AccountEntryKey(5, std::numeric_limits<uint64_t>::max()), AccountEntryKey(6, 0));
  // Balances sort by sector, then level.
  EXPECT_LT(BalanceKey(5, 1, 10), BalanceKey(5, 2, 1));
  EXPECT_LT(BalanceKey(5, 2, 1), BalanceKey(5, 2, 6));
}

TEST(KeysTest, BalanceKeyRoundTrips) {
  struct Case {
    uint64_t account;
    uint32_t sector;
    uint32_t level;
  };
  for (const Case& c : std::vector<Case>{{6217000000000014ULL, 2, 6},
                                         {1000000000000008ULL, 0, 0},
                                         {9999999999999995ULL, 8, 10},
                                         {1, 255, 255}}) {
    const std::string key = BalanceKey(c.account, c.sector, c.level);
    EXPECT_EQ(key.substr(0, 8), AccountPrefix(c.account));
    EXPECT_EQ(static_cast<unsigned char>(key[8]), c.sector);
    EXPECT_EQ(static_cast<unsigned char>(key[9]), c.level);
    std::optional<BalanceKeyParts> parts = ParseBalanceKey(key);
    ASSERT_TRUE(parts.has_value());
    EXPECT_EQ(parts->account_number, c.account);
    EXPECT_EQ(parts->sector, c.sector);
    EXPECT_EQ(parts->framework_level, c.level);
  }
}

TEST(KeysTest, ParseBalanceKeyRejectsOtherLengths) {
  const std::string key = BalanceKey(6217000000000014ULL, 2, 6);
  EXPECT_EQ(ParseBalanceKey(""), std::nullopt);
  EXPECT_EQ(ParseBalanceKey(key.substr(0, 9)), std::nullopt);
  EXPECT_EQ(ParseBalanceKey(key + "x"), std::nullopt);
  EXPECT_EQ(ParseBalanceKey(AccountEntryKey(1, 2)), std::nullopt);
}

TEST(KeysTest, IdempotencyKeySeparatesInstitutionAndRequestWithNul) {
  const std::string key = IdempotencyKey("4150013588", "2026S1-MATH101-1");
  EXPECT_EQ(key, std::string("4150013588") + '\0' + "2026S1-MATH101-1");
  // The separator keeps ("AB", "C...") and ("A", "BC...") apart.
  EXPECT_NE(IdempotencyKey("AB", "C1"), IdempotencyKey("A", "BC1"));
  // Every request of one institution shares the institution's prefix.
  EXPECT_EQ(IdempotencyKey("4150013588", "").size(), 11u);
}

TEST(KeysTest, MetaKeysAreStable) {
  // Part of the on-disk format: renaming them loses the counters.
  EXPECT_EQ(kSequencerStateKey, "sequencer_state");
  EXPECT_EQ(kSchemaVersionKey, "schema_version");
}

}  // namespace
}  // namespace creditbank::storage
