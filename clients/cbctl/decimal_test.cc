#include "clients/cbctl/decimal.h"

#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace creditbank::cbctl {
namespace {

using ::creditbank::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ParseThousandthsTest, ValidDecimalsAreExact) {
  struct Case {
    const char* text;
    int64_t milli;
  };
  for (const Case& c : {Case{"3", 3000}, Case{"3.5", 3500}, Case{"0.125", 125}, Case{"0", 0},
                        Case{"0.1", 100}, Case{"0.01", 10}, Case{"12.000", 12000},
                        Case{"007.5", 7500}, Case{"100", 100000}}) {
    ASSERT_OK_AND_ASSIGN(int64_t milli, ParseThousandths(c.text));
    EXPECT_EQ(milli, c.milli) << c.text;
  }
}

TEST(ParseThousandthsTest, TooManyDecimalsIsRejectedNotRounded) {
  absl::StatusOr<int64_t> parsed = ParseThousandths("3.1415");
  EXPECT_THAT(parsed, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("more than 3 decimal places"));
  EXPECT_THAT(ParseThousandths("0.0001"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ParseThousandthsTest, NegativeIsRejected) {
  absl::StatusOr<int64_t> parsed = ParseThousandths("-1.5");
  EXPECT_THAT(parsed, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("must not be negative"));
}

TEST(ParseThousandthsTest, OverflowIsRejected) {
  // 9223372036854775.807 is the largest value int64 thousandths hold.
  ASSERT_OK_AND_ASSIGN(int64_t largest, ParseThousandths("9223372036854775.807"));
  EXPECT_EQ(largest, std::numeric_limits<int64_t>::max());
  for (const char* text : {"9223372036854775.808", "9223372036854776", "99999999999999999999999"}) {
    absl::StatusOr<int64_t> parsed = ParseThousandths(text);
    EXPECT_THAT(parsed, StatusIs(absl::StatusCode::kInvalidArgument)) << text;
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("too large")) << text;
  }
}

TEST(ParseThousandthsTest, GarbageIsRejected) {
  for (const char* text : {"", ".", ".5", "3.", "+3", "3,5", "1e3", " 3", "3 ", "abc", "3.5x",
                           "三", "0x10", "1.2.3", "NaN", "inf"}) {
    EXPECT_THAT(ParseThousandths(text), StatusIs(absl::StatusCode::kInvalidArgument)) << text;
  }
}

TEST(FormatThousandthsTest, ShortestExactDecimal) {
  EXPECT_EQ(FormatThousandths(3500), "3.5");
  EXPECT_EQ(FormatThousandths(3000), "3");
  EXPECT_EQ(FormatThousandths(125), "0.125");
  EXPECT_EQ(FormatThousandths(10), "0.01");
  EXPECT_EQ(FormatThousandths(1), "0.001");
  EXPECT_EQ(FormatThousandths(0), "0");
  EXPECT_EQ(FormatThousandths(100000), "100");
  EXPECT_EQ(FormatThousandths(-1500), "-1.5");
  EXPECT_EQ(FormatThousandths(-5), "-0.005");
  EXPECT_EQ(FormatThousandths(std::numeric_limits<int64_t>::max()), "9223372036854775.807");
  EXPECT_EQ(FormatThousandths(std::numeric_limits<int64_t>::min()), "-9223372036854775.808");
}

TEST(FormatThousandthsTest, RoundTripsThroughParse) {
  for (int64_t milli : {0, 1, 10, 100, 999, 1000, 1001, 3500, 12345, 100000}) {
    ASSERT_OK_AND_ASSIGN(int64_t parsed, ParseThousandths(FormatThousandths(milli)));
    EXPECT_EQ(parsed, milli);
  }
}

}  // namespace
}  // namespace creditbank::cbctl
