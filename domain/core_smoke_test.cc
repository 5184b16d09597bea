// A first end-to-end pass through the Core on a real store: the path every
// other test builds on.
#include "domain/core.h"

#include "gtest/gtest.h"
#include "tests/testing/error_matchers.h"
#include "tests/testing/fixtures.h"

namespace creditbank::domain {
namespace {

using ::creditbank::testing::CoreFixture;
using ::creditbank::testing::CourseOutcome;
using ::creditbank::testing::IsOk;

TEST(CoreSmokeTest, RecordReplayReverseAndCheck) {
  CoreFixture fixture;
  fixture.AccreditedInstitution("4150013588");
  const std::string account = fixture.OpenAccount(1, "李娜");
  ASSERT_FALSE(account.empty());

  ledger::v1::RecordOutcomeRequest request;
  request.set_institution_code("4150013588");
  *request.mutable_outcome() = CourseOutcome(account, "2026S1-MATH101-1");
  ASSERT_OK_AND_ASSIGN(ledger::v1::RecordOutcomeResponse first,
                       fixture.core().RecordOutcome(request));
  EXPECT_EQ(first.entry().entry_id(), 1u);
  EXPECT_FALSE(first.replayed());
  ASSERT_OK_AND_ASSIGN(ledger::v1::RecordOutcomeResponse again,
                       fixture.core().RecordOutcome(request));
  EXPECT_TRUE(again.replayed());
  EXPECT_EQ(again.entry().entry_id(), 1u);

  ledger::v1::GetBalancesRequest balances;
  balances.set_account_number(account);
  ASSERT_OK_AND_ASSIGN(ledger::v1::GetBalancesResponse sheet,
                       fixture.core().GetBalances(balances));
  EXPECT_EQ(sheet.total().available_credits_milli(), 3000);

  ledger::v1::ReverseEntryRequest reverse;
  reverse.set_institution_code("4150013588");
  reverse.set_request_id("fix-1");
  reverse.set_account_number(account);
  reverse.set_entry_id(1);
  reverse.set_reason("成绩录入错误");
  ASSERT_OK_AND_ASSIGN(ledger::v1::RecordOutcomeResponse reversal,
                       fixture.core().ReverseEntry(reverse));
  EXPECT_EQ(reversal.entry().entry_id(), 2u);
  ASSERT_OK_AND_ASSIGN(sheet, fixture.core().GetBalances(balances));
  EXPECT_EQ(sheet.total().available_credits_milli(), 0);
  EXPECT_EQ(sheet.total().reversed_credits_milli(), 3000);

  fixture.Restart();
  ASSERT_OK_AND_ASSIGN(ledger::v1::CheckConsistencyResponse check,
                       fixture.core().CheckConsistency({}));
  EXPECT_TRUE(check.consistent()) << check.DebugString();
  EXPECT_EQ(check.entries_checked(), 2u);
  EXPECT_EQ(check.accounts_checked(), 1u);
}

}  // namespace
}  // namespace creditbank::domain
