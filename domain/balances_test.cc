// How entries move balance buckets, expiry records and the API view.
#include "domain/balances.h"

#include "domain/validation/dates.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fixtures.h"

namespace creditbank::domain {
namespace {

namespace common = ::creditbank::common::v1;
using ::creditbank::testing::CourseOutcome;

ledger::v1::Entry Entry(int64_t credits_milli, uint32_t hours) {
  ledger::v1::Entry entry;
  entry.set_entry_id(7);
  entry.set_institution_code("4150013588");
  *entry.mutable_outcome() = CourseOutcome("6217000000000014", "r-7");
  entry.mutable_outcome()->set_credits_milli(credits_milli);
  entry.mutable_outcome()->set_study_hours(hours);
  return entry;
}

TEST(BucketOfTest, IsTheOutcomesSectorAndLevel) {
  ledger::v1::Entry entry = Entry(3000, 48);
  entry.mutable_outcome()->set_sector(common::SECTOR_ELDERLY);
  entry.mutable_outcome()->set_framework_level(3);
  const Bucket bucket = BucketOf(entry);
  EXPECT_EQ(bucket.sector, static_cast<uint32_t>(common::SECTOR_ELDERLY));
  EXPECT_EQ(bucket.framework_level, 3u);
}

TEST(AddEntryTest, RecordedEntriesAddCreditsHoursAndCount) {
  storage::v1::BalanceRecord balance;
  AddEntry(Entry(3000, 48), balance);
  AddEntry(Entry(2500, 32), balance);
  EXPECT_EQ(balance.recorded_credits_milli(), 5500);
  EXPECT_EQ(balance.converted_credits_milli(), 0);
  EXPECT_EQ(balance.recorded_study_hours(), 80);
  EXPECT_EQ(balance.entry_count(), 2u);
  EXPECT_EQ(balance.reversed_credits_milli(), 0);
  EXPECT_EQ(balance.reversal_count(), 0u);
}

TEST(AddEntryTest, ConversionsCountAsConverted) {
  storage::v1::BalanceRecord balance;
  ledger::v1::Entry conversion = Entry(4000, 0);
  conversion.mutable_outcome()->set_kind(common::OUTCOME_KIND_CONVERSION);
  AddEntry(conversion, balance);
  EXPECT_EQ(balance.recorded_credits_milli(), 0);
  EXPECT_EQ(balance.converted_credits_milli(), 4000);
  EXPECT_EQ(balance.entry_count(), 1u);
}

TEST(AddReversalTest, CancelsWhatTheOriginalAdded) {
  storage::v1::BalanceRecord balance;
  const ledger::v1::Entry original = Entry(3000, 48);
  AddEntry(original, balance);
  AddReversal(original, balance);
  EXPECT_EQ(balance.recorded_credits_milli(), 3000);
  EXPECT_EQ(balance.reversed_credits_milli(), 3000);
  EXPECT_EQ(balance.recorded_study_hours(), 48);
  EXPECT_EQ(balance.reversed_study_hours(), 48);
  EXPECT_EQ(balance.entry_count(), 1u);
  EXPECT_EQ(balance.reversal_count(), 1u);
  EXPECT_EQ(ToBalance(BucketOf(original), balance, 0).available_credits_milli(), 0);
}

TEST(ExpiryOfTest, OnlyEntriesWithAValidUntilDate) {
  EXPECT_EQ(ExpiryOf(Entry(3000, 48)), std::nullopt);

  ledger::v1::Entry certificate = Entry(2000, 0);
  certificate.mutable_outcome()->set_kind(common::OUTCOME_KIND_CERTIFICATE);
  *certificate.mutable_outcome()->mutable_valid_until() = ToDate(absl::CivilDay(2029, 6, 30));
  std::optional<storage::v1::ExpiryRecord> expiry = ExpiryOf(certificate);
  ASSERT_TRUE(expiry.has_value());
  EXPECT_EQ(expiry->valid_until_day(), DaysSinceEpoch(absl::CivilDay(2029, 6, 30)));
  EXPECT_EQ(expiry->sector(), static_cast<uint32_t>(common::SECTOR_VOCATIONAL));
  EXPECT_EQ(expiry->framework_level(), 6u);
  EXPECT_EQ(expiry->credits_milli(), 2000);

  // A stored date that is not a calendar date has no expiry.
  certificate.mutable_outcome()->mutable_valid_until()->set_day(31);
  EXPECT_EQ(ExpiryOf(certificate), std::nullopt);
}

TEST(IsExpiredTest, ValidUntilIsTheLastDayThatCounts) {
  storage::v1::ExpiryRecord expiry;
  expiry.set_valid_until_day(DaysSinceEpoch(absl::CivilDay(2026, 7, 1)));
  EXPECT_FALSE(IsExpired(expiry, absl::CivilDay(2026, 6, 30)));
  EXPECT_FALSE(IsExpired(expiry, absl::CivilDay(2026, 7, 1)));
  EXPECT_TRUE(IsExpired(expiry, absl::CivilDay(2026, 7, 2)));
}

TEST(ToBalanceTest, AvailableIsRecordedPlusConvertedMinusReversedAndExpired) {
  storage::v1::BalanceRecord record;
  record.set_recorded_credits_milli(10000);
  record.set_converted_credits_milli(4000);
  record.set_reversed_credits_milli(3000);
  record.set_recorded_study_hours(160);
  record.set_reversed_study_hours(48);
  record.set_entry_count(5);
  record.set_reversal_count(1);
  const ledger::v1::Balance balance =
      ToBalance(Bucket{static_cast<uint32_t>(common::SECTOR_VOCATIONAL), 6}, record, 2000);
  EXPECT_EQ(balance.sector(), common::SECTOR_VOCATIONAL);
  EXPECT_EQ(balance.framework_level(), 6u);
  EXPECT_EQ(balance.recorded_credits_milli(), 10000);
  EXPECT_EQ(balance.converted_credits_milli(), 4000);
  EXPECT_EQ(balance.reversed_credits_milli(), 3000);
  EXPECT_EQ(balance.expired_credits_milli(), 2000);
  EXPECT_EQ(balance.available_credits_milli(), 9000);
  EXPECT_EQ(balance.recorded_study_hours(), 160);
  EXPECT_EQ(balance.reversed_study_hours(), 48);
  EXPECT_EQ(balance.entry_count(), 5u);
  EXPECT_EQ(balance.reversal_count(), 1u);
}

TEST(AddToTotalTest, SumsEveryAmountAndLeavesTheBucketAlone) {
  storage::v1::BalanceRecord a;
  a.set_recorded_credits_milli(3000);
  a.set_recorded_study_hours(48);
  a.set_entry_count(1);
  storage::v1::BalanceRecord b;
  b.set_recorded_credits_milli(2000);
  b.set_converted_credits_milli(1500);
  b.set_reversed_credits_milli(2000);
  b.set_recorded_study_hours(32);
  b.set_reversed_study_hours(32);
  b.set_entry_count(2);
  b.set_reversal_count(1);
  ledger::v1::Balance total;
  AddToTotal(ToBalance(Bucket{2, 6}, a, 0), total);
  AddToTotal(ToBalance(Bucket{1, 7}, b, 500), total);
  EXPECT_EQ(total.sector(), common::SECTOR_UNSPECIFIED);
  EXPECT_EQ(total.framework_level(), 0u);
  EXPECT_EQ(total.recorded_credits_milli(), 5000);
  EXPECT_EQ(total.converted_credits_milli(), 1500);
  EXPECT_EQ(total.reversed_credits_milli(), 2000);
  EXPECT_EQ(total.expired_credits_milli(), 500);
  EXPECT_EQ(total.available_credits_milli(), 3000 + (2000 + 1500 - 2000 - 500));
  EXPECT_EQ(total.recorded_study_hours(), 80);
  EXPECT_EQ(total.reversed_study_hours(), 32);
  EXPECT_EQ(total.entry_count(), 3u);
  EXPECT_EQ(total.reversal_count(), 1u);
}

}  // namespace
}  // namespace creditbank::domain
