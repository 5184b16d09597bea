// Dates in the bank's zone (UTC+8), calendar checks and the compact forms.
#include "domain/validation/dates.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace creditbank::domain {
namespace {

using ::testing::Optional;

common::v1::Date MakeDate(int year, int month, int day) {
  common::v1::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

TEST(BankTodayTest, DayTurnsAtMidnightInShanghai) {
  const absl::Time utc_16 = absl::FromCivil(absl::CivilSecond(2026, 6, 30, 16, 0, 0),
                                            absl::UTCTimeZone());
  EXPECT_EQ(BankToday(utc_16), absl::CivilDay(2026, 7, 1));
  EXPECT_EQ(BankToday(utc_16 - absl::Seconds(1)), absl::CivilDay(2026, 6, 30));
  EXPECT_EQ(BankTimeZone().At(utc_16).offset, 8 * 3600);
}

TEST(ToCivilDayTest, AcceptsOnlyRealDatesInRange) {
  struct Case {
    common::v1::Date date;
    std::optional<absl::CivilDay> day;
  };
  const std::vector<Case> cases = {
      {MakeDate(2026, 7, 1), absl::CivilDay(2026, 7, 1)},
      {MakeDate(2024, 2, 29), absl::CivilDay(2024, 2, 29)},
      {MakeDate(2000, 2, 29), absl::CivilDay(2000, 2, 29)},
      {MakeDate(1900, 1, 1), absl::CivilDay(1900, 1, 1)},
      {MakeDate(9999, 12, 31), absl::CivilDay(9999, 12, 31)},
      {MakeDate(2026, 2, 29), std::nullopt},
      {MakeDate(1900, 2, 29), std::nullopt},  // 1900 was not a leap year
      {MakeDate(2026, 4, 31), std::nullopt},
      {MakeDate(2026, 2, 30), std::nullopt},
      {MakeDate(2026, 0, 10), std::nullopt},
      {MakeDate(2026, 13, 1), std::nullopt},
      {MakeDate(2026, 7, 0), std::nullopt},
      {MakeDate(2026, 7, 32), std::nullopt},
      {MakeDate(2026, -1, 1), std::nullopt},
      {MakeDate(1899, 12, 31), std::nullopt},
      {MakeDate(10000, 1, 1), std::nullopt},
      {MakeDate(0, 0, 0), std::nullopt},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ToCivilDay(c.date), c.day) << c.date.ShortDebugString();
  }
}

TEST(IsDateSetTest, AnyNonZeroFieldCounts) {
  EXPECT_FALSE(IsDateSet(common::v1::Date()));
  EXPECT_TRUE(IsDateSet(MakeDate(2026, 0, 0)));
  EXPECT_TRUE(IsDateSet(MakeDate(0, 7, 0)));
  EXPECT_TRUE(IsDateSet(MakeDate(0, 0, 1)));
}

TEST(CheckDateTest, ExplainsEachProblem) {
  const absl::CivilDay earliest(2000, 1, 1);
  const absl::CivilDay latest(2026, 7, 1);
  struct Case {
    common::v1::Date date;
    std::string why;
  };
  const std::vector<Case> cases = {
      {MakeDate(2026, 6, 20), ""},
      {MakeDate(2000, 1, 1), ""},
      {MakeDate(2026, 7, 1), ""},
      {common::v1::Date(), "must be set"},
      {MakeDate(2026, 2, 30), "2026-02-30 is not a calendar date"},
      {MakeDate(2026, 7, 0), "2026-07-00 is not a calendar date"},
      {MakeDate(1999, 12, 31), "1999-12-31 is before 2000-01-01"},
      {MakeDate(2026, 7, 2), "2026-07-02 is after 2026-07-01"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(CheckDate(c.date, earliest, latest), c.why) << c.date.ShortDebugString();
  }
}

TEST(DaysSinceEpochTest, RoundTripsAndMatchesKnownCounts) {
  struct Case {
    absl::CivilDay day;
    int32_t days;
  };
  const std::vector<Case> cases = {
      {absl::CivilDay(1970, 1, 1), 0},
      {absl::CivilDay(1970, 1, 2), 1},
      {absl::CivilDay(1969, 12, 31), -1},
      {absl::CivilDay(2000, 2, 29), 11016},
      {absl::CivilDay(2026, 7, 1), 20635},
      {absl::CivilDay(1900, 1, 1), -25567},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(DaysSinceEpoch(c.day), c.days) << c.day;
    EXPECT_EQ(FromDaysSinceEpoch(c.days), c.day) << c.days;
  }
}

TEST(ToDateTest, IsTheInverseOfToCivilDay) {
  const common::v1::Date date = ToDate(absl::CivilDay(2026, 6, 20));
  EXPECT_EQ(date.year(), 2026);
  EXPECT_EQ(date.month(), 6);
  EXPECT_EQ(date.day(), 20);
  EXPECT_THAT(ToCivilDay(date), Optional(absl::CivilDay(2026, 6, 20)));
}

TEST(TimestampTest, RoundTripsWithNanoseconds) {
  const absl::Time now = absl::FromCivil(absl::CivilSecond(2026, 7, 1, 12, 0, 0),
                                         BankTimeZone()) +
                         absl::Nanoseconds(123456789);
  const google::protobuf::Timestamp timestamp = ToTimestamp(now);
  EXPECT_EQ(timestamp.seconds(), 1782878400);
  EXPECT_EQ(timestamp.nanos(), 123456789);
  EXPECT_EQ(FromTimestamp(timestamp), now);
}

TEST(TimestampTest, NanosStayNonNegativeBeforeTheEpoch) {
  // protobuf requires 0 <= nanos < 1e9 even for negative seconds.
  const absl::Time before = absl::UnixEpoch() - absl::Milliseconds(1500);
  const google::protobuf::Timestamp timestamp = ToTimestamp(before);
  EXPECT_EQ(timestamp.seconds(), -2);
  EXPECT_EQ(timestamp.nanos(), 500000000);
  EXPECT_EQ(FromTimestamp(timestamp), before);
}

TEST(FormatDateTest, PadsEachField) {
  EXPECT_EQ(FormatDate(MakeDate(2026, 7, 1)), "2026-07-01");
  EXPECT_EQ(FormatDate(MakeDate(1949, 10, 1)), "1949-10-01");
  EXPECT_EQ(FormatDate(MakeDate(5, 1, 2)), "0005-01-02");
  EXPECT_EQ(FormatDate(common::v1::Date()), "0000-00-00");
}

}  // namespace
}  // namespace creditbank::domain
