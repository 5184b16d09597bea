// Core ledger reads: GetEntry, ListEntries (filters and pages) and
// GetBalances (buckets, totals, expiry past valid_until, reversals).
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "domain/core.h"
#include "domain/validation/dates.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/error_matchers.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/requests.h"

namespace creditbank::domain {
namespace {

namespace common = ::creditbank::common::v1;
using ::creditbank::testing::AccreditRequest;
using ::creditbank::testing::BalancesRequest;
using ::creditbank::testing::BroadScope;
using ::creditbank::testing::CoreFixture;
using ::creditbank::testing::CourseOutcome;
using ::creditbank::testing::EntryRequest;
using ::creditbank::testing::HasReason;
using ::creditbank::testing::IsOk;
using ::creditbank::testing::ListRequest;
using ::creditbank::testing::RecordRequest;
using ::creditbank::testing::RegisterRequest;
using ::creditbank::testing::ReverseRequest;
using ::creditbank::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kCollege[] = "4150013588";
constexpr char kUniversity[] = "4150010617";

std::vector<uint64_t> Ids(const ledger::v1::ListEntriesResponse& response) {
  std::vector<uint64_t> ids;
  for (const auto& entry : response.entries()) ids.push_back(entry.entry_id());
  return ids;
}

// Entries of the fixture account (and one of another account):
//   1 MATH101 course       vocational L6  2026-06-20  college
//   2 CET4 exam            vocational L6  2025-12-20  college
//   3 other account course                            college
//   4 SE201 course         general L7     2026-01-10  university
//   5 1X-WEB certificate   vocational L4  2026-03-01  college, valid until 2026-12-31
//   6 TRAIN-SAFE hours     vocational L0  2026-06-30  college (no credits)
//   7 reversal of 2                                   college
class CoreReadsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fixture_.AccreditedInstitution(kCollege);
    ASSERT_THAT(core().RegisterInstitution(
                    RegisterRequest(kUniversity, "重庆大学", common::SECTOR_GENERAL_HIGHER)),
                IsOk());
    ASSERT_THAT(core().AccreditInstitution(AccreditRequest(kUniversity, BroadScope())), IsOk());
    account_ = fixture_.OpenAccount(1, "李娜");
    other_ = fixture_.OpenAccount(2, "王强");

    Record(kCollege, CourseOutcome(account_, "e-1"));
    ledger::v1::Outcome exam = CourseOutcome(account_, "e-2", "CET4", "大学英语四级");
    exam.set_kind(common::OUTCOME_KIND_EXAM);
    exam.set_credits_milli(2000);
    *exam.mutable_completion_date() = ToDate(absl::CivilDay(2025, 12, 20));
    Record(kCollege, exam);
    Record(kCollege, CourseOutcome(other_, "e-3"));
    ledger::v1::Outcome university = CourseOutcome(account_, "e-4", "SE201", "软件工程");
    university.set_sector(common::SECTOR_GENERAL_HIGHER);
    university.set_framework_level(7);
    university.set_credits_milli(4000);
    *university.mutable_completion_date() = ToDate(absl::CivilDay(2026, 1, 10));
    Record(kUniversity, university);
    ledger::v1::Outcome certificate =
        CourseOutcome(account_, "e-5", "1X-WEB", "Web 前端开发职业技能等级证书（初级）");
    certificate.set_kind(common::OUTCOME_KIND_CERTIFICATE);
    certificate.set_framework_level(4);
    certificate.set_credits_milli(1500);
    certificate.set_study_hours(0);
    *certificate.mutable_completion_date() = ToDate(absl::CivilDay(2026, 3, 1));
    *certificate.mutable_valid_until() = ToDate(absl::CivilDay(2026, 12, 31));
    Record(kCollege, certificate);
    ledger::v1::Outcome training = CourseOutcome(account_, "e-6", "TRAIN-SAFE", "安全生产培训");
    training.set_kind(common::OUTCOME_KIND_TRAINING_HOURS);
    training.set_credits_milli(0);
    training.set_study_hours(16);
    training.set_framework_level(0);
    training.mutable_grade()->set_passed(true);
    *training.mutable_completion_date() = ToDate(absl::CivilDay(2026, 6, 30));
    Record(kCollege, training);
    ASSERT_THAT(core().ReverseEntry(ReverseRequest(kCollege, "fix-2", account_, 2)), IsOk());
  }
  Core& core() { return fixture_.core(); }
  void Record(const std::string& code, const ledger::v1::Outcome& outcome) {
    ASSERT_THAT(core().RecordOutcome(RecordRequest(code, outcome)), IsOk());
  }

  CoreFixture fixture_;
  std::string account_;
  std::string other_;
};

TEST_F(CoreReadsTest, GetEntryErrors) {
  EXPECT_THAT(core().GetEntry(EntryRequest(0)),
              StatusIs(absl::StatusCode::kInvalidArgument, ElementsAre("entry_id")));
  absl::StatusOr<ledger::v1::Entry> missing = core().GetEntry(EntryRequest(8));
  EXPECT_THAT(missing, StatusIs(absl::StatusCode::kNotFound, ElementsAre("entry_id")));
  EXPECT_THAT(missing, HasReason("ENTRY_NOT_FOUND"));
}

TEST_F(CoreReadsTest, ListsOneAccountsEntriesInOrderWithReversals) {
  ASSERT_OK_AND_ASSIGN(ledger::v1::ListEntriesResponse response,
                       core().ListEntries(ListRequest(account_)));
  EXPECT_THAT(Ids(response), ElementsAre(1, 2, 4, 5, 6, 7));
  EXPECT_EQ(response.next_page_token(), "");
  EXPECT_EQ(response.entries(1).reversed_by_entry_id(), 7u);
  EXPECT_EQ(response.entries(0).reversed_by_entry_id(), 0u);
  EXPECT_EQ(response.entries(5).reverses_entry_id(), 2u);
  ASSERT_OK_AND_ASSIGN(ledger::v1::ListEntriesResponse other,
                       core().ListEntries(ListRequest(other_)));
  EXPECT_THAT(Ids(other), ElementsAre(3));
}

TEST_F(CoreReadsTest, FiltersNarrowTheList) {
  struct Case {
    std::string name;
    std::function<void(ledger::v1::ListEntriesRequest&)> filter;
    std::vector<uint64_t> ids;
  };
  const std::vector<Case> cases = {
      {"course credits", [](auto& r) { r.set_kind(common::OUTCOME_KIND_COURSE_CREDIT); },
       {1, 4}},
      {"reversals", [](auto& r) { r.set_kind(common::OUTCOME_KIND_REVERSAL); }, {7}},
      {"general higher", [](auto& r) { r.set_sector(common::SECTOR_GENERAL_HIGHER); }, {4}},
      {"university", [&](auto& r) { r.set_institution_code(kUniversity); }, {4}},
      {"college", [&](auto& r) { r.set_institution_code(kCollege); }, {1, 2, 5, 6, 7}},
      {"unknown institution", [](auto& r) { r.set_institution_code("4150010635"); }, {}},
      {"completed from 2026-03-01 (inclusive)",
       [](auto& r) { *r.mutable_completed_from() = ToDate(absl::CivilDay(2026, 3, 1)); },
       {1, 5, 6, 7}},
      {"completed to 2026-01-10 (inclusive)",
       [](auto& r) { *r.mutable_completed_to() = ToDate(absl::CivilDay(2026, 1, 10)); },
       {2, 4}},
      {"first half of 2026",
       [](auto& r) {
         *r.mutable_completed_from() = ToDate(absl::CivilDay(2026, 1, 1));
         *r.mutable_completed_to() = ToDate(absl::CivilDay(2026, 6, 30));
       },
       {1, 4, 5, 6}},
      {"vocational exams",
       [](auto& r) {
         r.set_kind(common::OUTCOME_KIND_EXAM);
         r.set_sector(common::SECTOR_VOCATIONAL);
       },
       {2}},
  };
  for (const Case& c : cases) {
    ledger::v1::ListEntriesRequest request = ListRequest(account_);
    c.filter(request);
    ASSERT_OK_AND_ASSIGN(ledger::v1::ListEntriesResponse response, core().ListEntries(request));
    EXPECT_EQ(Ids(response), c.ids) << c.name;
  }
}

TEST_F(CoreReadsTest, PagesFollowTokensToTheEnd) {
  std::vector<uint64_t> all;
  std::vector<size_t> page_sizes;
  std::string token;
  do {
    ledger::v1::ListEntriesRequest request = ListRequest(account_, 2);
    request.set_page_token(token);
    ASSERT_OK_AND_ASSIGN(ledger::v1::ListEntriesResponse page, core().ListEntries(request));
    page_sizes.push_back(page.entries_size());
    for (uint64_t id : Ids(page)) all.push_back(id);
    token = page.next_page_token();
    ASSERT_LT(page_sizes.size(), 10u);
  } while (!token.empty());
  EXPECT_THAT(all, ElementsAre(1, 2, 4, 5, 6, 7));
  EXPECT_THAT(page_sizes, ElementsAre(2, 2, 2));  // no empty trailing page
}

TEST_F(CoreReadsTest, PagesWithAFilter) {
  ledger::v1::ListEntriesRequest request = ListRequest(account_, 1);
  request.set_institution_code(kCollege);
  std::vector<uint64_t> all;
  for (int page = 0; page < 10; ++page) {
    ASSERT_OK_AND_ASSIGN(ledger::v1::ListEntriesResponse response, core().ListEntries(request));
    for (uint64_t id : Ids(response)) all.push_back(id);
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  EXPECT_THAT(all, ElementsAre(1, 2, 5, 6, 7));
}

TEST_F(CoreReadsTest, NewEntriesAppearOnLaterPages) {
  ASSERT_OK_AND_ASSIGN(ledger::v1::ListEntriesResponse first,
                       core().ListEntries(ListRequest(account_, 5)));
  EXPECT_THAT(Ids(first), ElementsAre(1, 2, 4, 5, 6));
  Record(kCollege, CourseOutcome(account_, "e-8", "CHN101", "大学语文"));
  ledger::v1::ListEntriesRequest next = ListRequest(account_, 5);
  next.set_page_token(first.next_page_token());
  ASSERT_OK_AND_ASSIGN(ledger::v1::ListEntriesResponse second, core().ListEntries(next));
  EXPECT_THAT(Ids(second), ElementsAre(7, 8));
}

TEST_F(CoreReadsTest, TokenCannotBeReplayedWithOtherFilters) {
  ASSERT_OK_AND_ASSIGN(ledger::v1::ListEntriesResponse first,
                       core().ListEntries(ListRequest(account_, 2)));
  ASSERT_FALSE(first.next_page_token().empty());
  ledger::v1::ListEntriesRequest other_account = ListRequest(other_, 2);
  ledger::v1::ListEntriesRequest other_kind = ListRequest(account_, 2);
  other_kind.set_kind(common::OUTCOME_KIND_EXAM);
  ledger::v1::ListEntriesRequest garbage = ListRequest(account_, 2);
  for (ledger::v1::ListEntriesRequest* request : {&other_account, &other_kind, &garbage}) {
    request->set_page_token(first.next_page_token());
  }
  garbage.set_page_token("bm90IGEgdG9rZW4");
  for (const auto* request : {&other_account, &other_kind, &garbage}) {
    EXPECT_THAT(core().ListEntries(*request),
                StatusIs(absl::StatusCode::kInvalidArgument, ElementsAre("page_token")))
        << request->ShortDebugString();
  }
}

TEST_F(CoreReadsTest, ListRequestErrors) {
  struct Case {
    std::string name;
    std::function<void(ledger::v1::ListEntriesRequest&)> change;
    std::vector<std::string> fields;
  };
  const std::vector<Case> cases = {
      {"bad account", [](auto& r) { r.set_account_number("6217000000000015"); },
       {"account_number"}},
      {"page size", [](auto& r) { r.set_page_size(1001); }, {"page_size"}},
      {"negative page size", [](auto& r) { r.set_page_size(-1); }, {"page_size"}},
      {"kind", [](auto& r) { r.set_kind(static_cast<common::OutcomeKind>(99)); }, {"kind"}},
      {"sector", [](auto& r) { r.set_sector(static_cast<common::Sector>(99)); }, {"sector"}},
      {"institution", [](auto& r) { r.set_institution_code("cqgc"); }, {"institution_code"}},
      {"from", [](auto& r) { r.mutable_completed_from()->set_month(13); }, {"completed_from"}},
      {"to", [](auto& r) { *r.mutable_completed_to() = ToDate(absl::CivilDay(2026, 2, 28));
                           r.mutable_completed_to()->set_day(30); },
       {"completed_to"}},
  };
  for (const Case& c : cases) {
    ledger::v1::ListEntriesRequest request = ListRequest(account_);
    c.change(request);
    EXPECT_THAT(core().ListEntries(request),
                StatusIs(absl::StatusCode::kInvalidArgument, ::testing::Eq(c.fields)))
        << c.name;
  }
  absl::StatusOr<ledger::v1::ListEntriesResponse> missing =
      core().ListEntries(ListRequest("6217000000000014"));
  EXPECT_THAT(missing, StatusIs(absl::StatusCode::kNotFound, ElementsAre("account_number")));
  EXPECT_THAT(missing, HasReason("ACCOUNT_NOT_FOUND"));
}

TEST_F(CoreReadsTest, BalancesPerSectorAndLevelWithTotal) {
  ASSERT_OK_AND_ASSIGN(ledger::v1::GetBalancesResponse response,
                       core().GetBalances(BalancesRequest(account_)));
  EXPECT_EQ(response.account_number(), account_);
  EXPECT_EQ(ToCivilDay(response.as_of()), absl::CivilDay(2026, 7, 1));
  ASSERT_EQ(response.balances_size(), 4);
  // Sector then level order: general higher L7, vocational L0, L4, L6.
  const auto& general = response.balances(0);
  EXPECT_EQ(general.sector(), common::SECTOR_GENERAL_HIGHER);
  EXPECT_EQ(general.framework_level(), 7u);
  EXPECT_EQ(general.recorded_credits_milli(), 4000);
  EXPECT_EQ(general.available_credits_milli(), 4000);

  const auto& training = response.balances(1);
  EXPECT_EQ(training.sector(), common::SECTOR_VOCATIONAL);
  EXPECT_EQ(training.framework_level(), 0u);
  EXPECT_EQ(training.recorded_credits_milli(), 0);
  EXPECT_EQ(training.recorded_study_hours(), 16);

  const auto& certificate = response.balances(2);
  EXPECT_EQ(certificate.framework_level(), 4u);
  EXPECT_EQ(certificate.recorded_credits_milli(), 1500);
  EXPECT_EQ(certificate.expired_credits_milli(), 0);
  EXPECT_EQ(certificate.available_credits_milli(), 1500);

  const auto& level6 = response.balances(3);
  EXPECT_EQ(level6.framework_level(), 6u);
  EXPECT_EQ(level6.recorded_credits_milli(), 5000);  // course 3000 + exam 2000
  EXPECT_EQ(level6.reversed_credits_milli(), 2000);  // the exam was reversed
  EXPECT_EQ(level6.available_credits_milli(), 3000);
  EXPECT_EQ(level6.recorded_study_hours(), 96);
  EXPECT_EQ(level6.reversed_study_hours(), 48);
  EXPECT_EQ(level6.entry_count(), 2u);
  EXPECT_EQ(level6.reversal_count(), 1u);

  const auto& total = response.total();
  EXPECT_EQ(total.sector(), common::SECTOR_UNSPECIFIED);
  EXPECT_EQ(total.recorded_credits_milli(), 10500);
  EXPECT_EQ(total.reversed_credits_milli(), 2000);
  EXPECT_EQ(total.expired_credits_milli(), 0);
  EXPECT_EQ(total.available_credits_milli(), 8500);
  EXPECT_EQ(total.recorded_study_hours(), 48 + 48 + 48 + 0 + 16);
  EXPECT_EQ(total.entry_count(), 5u);
  EXPECT_EQ(total.reversal_count(), 1u);
}

TEST_F(CoreReadsTest, CreditsExpireTheDayAfterValidUntil) {
  fixture_.clock().Set(absl::FromCivil(absl::CivilSecond(2026, 12, 31, 23, 59, 59),
                                       BankTimeZone()));
  ASSERT_OK_AND_ASSIGN(ledger::v1::GetBalancesResponse last_day,
                       core().GetBalances(BalancesRequest(account_)));
  EXPECT_EQ(last_day.total().expired_credits_milli(), 0);
  EXPECT_EQ(last_day.total().available_credits_milli(), 8500);

  fixture_.clock().Advance(absl::Seconds(1));  // 2027-01-01 00:00 in Chongqing
  ASSERT_OK_AND_ASSIGN(ledger::v1::GetBalancesResponse expired,
                       core().GetBalances(BalancesRequest(account_)));
  EXPECT_EQ(ToCivilDay(expired.as_of()), absl::CivilDay(2027, 1, 1));
  EXPECT_EQ(expired.balances(2).framework_level(), 4u);
  EXPECT_EQ(expired.balances(2).expired_credits_milli(), 1500);
  EXPECT_EQ(expired.balances(2).available_credits_milli(), 0);
  EXPECT_EQ(expired.balances(2).recorded_credits_milli(), 1500);  // history is kept
  EXPECT_EQ(expired.total().expired_credits_milli(), 1500);
  EXPECT_EQ(expired.total().available_credits_milli(), 7000);
}

TEST_F(CoreReadsTest, AReversedEntryNeverAlsoExpires) {
  ASSERT_THAT(core().ReverseEntry(ReverseRequest(kCollege, "fix-5", account_, 5)), IsOk());
  fixture_.clock().Advance(absl::Hours(24 * 365));
  ASSERT_OK_AND_ASSIGN(ledger::v1::GetBalancesResponse response,
                       core().GetBalances(BalancesRequest(account_)));
  const auto& certificate = response.balances(2);
  ASSERT_EQ(certificate.framework_level(), 4u);
  EXPECT_EQ(certificate.reversed_credits_milli(), 1500);
  EXPECT_EQ(certificate.expired_credits_milli(), 0);
  EXPECT_EQ(certificate.available_credits_milli(), 0);
  EXPECT_EQ(response.total().available_credits_milli(), 7000);
}

TEST_F(CoreReadsTest, BalancesOfAnAccountWithoutEntries) {
  const std::string empty = fixture_.OpenAccount(3, "陈静");
  ASSERT_OK_AND_ASSIGN(ledger::v1::GetBalancesResponse response,
                       core().GetBalances(BalancesRequest(empty)));
  EXPECT_THAT(response.balances(), IsEmpty());
  EXPECT_EQ(response.total().SerializeAsString(), ledger::v1::Balance().SerializeAsString());
}

TEST_F(CoreReadsTest, BalanceErrors) {
  EXPECT_THAT(core().GetBalances(BalancesRequest("")),
              StatusIs(absl::StatusCode::kInvalidArgument, ElementsAre("account_number")));
  absl::StatusOr<ledger::v1::GetBalancesResponse> missing =
      core().GetBalances(BalancesRequest("6217000000000014"));
  EXPECT_THAT(missing, StatusIs(absl::StatusCode::kNotFound, ElementsAre("account_number")));
  EXPECT_THAT(missing, HasReason("ACCOUNT_NOT_FOUND"));
}

TEST_F(CoreReadsTest, ReadsAreTheSameAfterARestart) {
  ASSERT_OK_AND_ASSIGN(ledger::v1::GetBalancesResponse before,
                       core().GetBalances(BalancesRequest(account_)));
  ASSERT_OK_AND_ASSIGN(ledger::v1::ListEntriesResponse listed,
                       core().ListEntries(ListRequest(account_)));
  fixture_.Restart();
  ASSERT_OK_AND_ASSIGN(ledger::v1::GetBalancesResponse after,
                       core().GetBalances(BalancesRequest(account_)));
  EXPECT_EQ(after.SerializeAsString(), before.SerializeAsString());
  ASSERT_OK_AND_ASSIGN(ledger::v1::ListEntriesResponse relisted,
                       core().ListEntries(ListRequest(account_)));
  EXPECT_EQ(relisted.SerializeAsString(), listed.SerializeAsString());
}

}  // namespace
}  // namespace creditbank::domain
