#include "clients/cbctl/value_parsers.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace creditbank::cbctl {
namespace {

using ::creditbank::testing::StatusIs;

TEST(ParseDateTest, RealDates) {
  ASSERT_OK_AND_ASSIGN(common::v1::Date date, ParseDate("2026-06-20"));
  EXPECT_EQ(date.year(), 2026);
  EXPECT_EQ(date.month(), 6);
  EXPECT_EQ(date.day(), 20);
  ASSERT_OK_AND_ASSIGN(common::v1::Date leap, ParseDate("2024-02-29"));
  EXPECT_EQ(leap.day(), 29);
}

TEST(ParseDateTest, BadDates) {
  for (const char* text : {"2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "1899-12-31",
                           "2026-6-20", "2026/06/20", "20260620", "", "2026-06-20T00:00"}) {
    EXPECT_THAT(ParseDate(text), StatusIs(absl::StatusCode::kInvalidArgument)) << text;
  }
}

TEST(ParseUnsignedTest, Bounds) {
  ASSERT_OK_AND_ASSIGN(uint64_t hours, ParseUnsigned("48", 10000));
  EXPECT_EQ(hours, 48u);
  ASSERT_OK_AND_ASSIGN(uint64_t most, ParseUnsigned("10000", 10000));
  EXPECT_EQ(most, 10000u);
  for (const char* text : {"10001", "-1", "4.5", "", "1e3", "99999999999999999999999"}) {
    EXPECT_THAT(ParseUnsigned(text, 10000), StatusIs(absl::StatusCode::kInvalidArgument)) << text;
  }
}

TEST(ParseSha256HexTest, SixtyFourHexDigits) {
  const std::string hex = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08";
  ASSERT_OK_AND_ASSIGN(std::string digest, ParseSha256Hex(hex));
  ASSERT_EQ(digest.size(), 32u);
  EXPECT_EQ(static_cast<unsigned char>(digest[0]), 0x9F);
  EXPECT_EQ(static_cast<unsigned char>(digest[31]), 0x08);
  EXPECT_THAT(ParseSha256Hex(hex.substr(1)), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseSha256Hex(std::string(64, 'g')), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace creditbank::cbctl
