// Core ledger writes: record and replay, batches (per-item and atomic),
// duplicates inside a batch, accreditation scope, conversions, reversals,
// a term-end batch and concurrent recording.
#include <algorithm>
#include <functional>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "domain/core.h"
#include "domain/validation/dates.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/keys.h"
#include "tests/testing/error_matchers.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/requests.h"

namespace creditbank::domain {
namespace {

namespace common = ::creditbank::common::v1;
using ::creditbank::testing::AccreditRequest;
using ::creditbank::testing::BalancesRequest;
using ::creditbank::testing::BatchRequest;
using ::creditbank::testing::CoreFixture;
using ::creditbank::testing::CourseOutcome;
using ::creditbank::testing::EntryRequest;
using ::creditbank::testing::FixtureNow;
using ::creditbank::testing::HasReason;
using ::creditbank::testing::IsOk;
using ::creditbank::testing::RecordRequest;
using ::creditbank::testing::RegisterRequest;
using ::creditbank::testing::ReverseRequest;
using ::creditbank::testing::Scope;
using ::creditbank::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kCollege[] = "4150013588";     // 重庆工程职业技术学院
constexpr char kUniversity[] = "4150010617";  // 重庆大学

// Entry ids stored, in order.
std::vector<uint64_t> StoredEntryIds(Core& core) {
  std::vector<uint64_t> ids;
  std::unique_ptr<storage::Cursor> cursor = core.store().Scan(storage::Table::kEntries, "", "");
  for (; cursor->Valid(); cursor->Next()) ids.push_back(*storage::ReadUint64(cursor->key(), 0));
  return ids;
}

std::vector<uint64_t> Range(uint64_t first, uint64_t last) {
  std::vector<uint64_t> ids(last - first + 1);
  std::iota(ids.begin(), ids.end(), first);
  return ids;
}

// The error of a per-item result as an absl::Status.
absl::Status ItemError(const ledger::v1::ItemResult& result) {
  return FromRpcStatus(result.error());
}

class CoreLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fixture_.AccreditedInstitution(kCollege);
    account_ = fixture_.OpenAccount(1, "李娜");
    other_account_ = fixture_.OpenAccount(2, "王强");
  }
  Core& core() { return fixture_.core(); }
  absl::StatusOr<ledger::v1::RecordOutcomeResponse> Record(const ledger::v1::Outcome& outcome,
                                                           const std::string& code = kCollege) {
    return core().RecordOutcome(RecordRequest(code, outcome));
  }
  std::string Balances(const std::string& account) {
    absl::StatusOr<ledger::v1::GetBalancesResponse> balances =
        core().GetBalances(BalancesRequest(account));
    EXPECT_THAT(balances, IsOk());
    return balances.ok() ? balances->ShortDebugString() : "";
  }

  CoreFixture fixture_;
  std::string account_;
  std::string other_account_;
};

TEST_F(CoreLedgerTest, RecordWritesTheEntryAsReported) {
  ledger::v1::Outcome outcome = CourseOutcome(account_, "2026S1-MATH101-0001");
  outcome.set_evidence_sha256(std::string(32, '\x3c'));
  ASSERT_OK_AND_ASSIGN(ledger::v1::RecordOutcomeResponse response, Record(outcome));
  EXPECT_FALSE(response.replayed());
  const ledger::v1::Entry& entry = response.entry();
  EXPECT_EQ(entry.entry_id(), 1u);
  EXPECT_EQ(entry.institution_code(), kCollege);
  EXPECT_EQ(entry.outcome().SerializeAsString(), outcome.SerializeAsString());
  EXPECT_EQ(FromTimestamp(entry.recorded_at()), FixtureNow());
  EXPECT_EQ(entry.reverses_entry_id(), 0u);
  EXPECT_EQ(entry.reversed_by_entry_id(), 0u);
  ASSERT_OK_AND_ASSIGN(ledger::v1::Entry stored, core().GetEntry(EntryRequest(1)));
  EXPECT_EQ(stored.SerializeAsString(), entry.SerializeAsString());
}

TEST_F(CoreLedgerTest, RetryReplaysTheOriginalEntry) {
  const ledger::v1::Outcome outcome = CourseOutcome(account_, "2026S1-MATH101-0001");
  ASSERT_OK_AND_ASSIGN(ledger::v1::RecordOutcomeResponse first, Record(outcome));
  fixture_.clock().Advance(absl::Hours(1));
  ASSERT_OK_AND_ASSIGN(ledger::v1::RecordOutcomeResponse again, Record(outcome));
  EXPECT_TRUE(again.replayed());
  EXPECT_EQ(again.entry().SerializeAsString(), first.entry().SerializeAsString());
  EXPECT_EQ(StoredEntryIds(core()), Range(1, 1));
  // Replays survive a restart.
  fixture_.Restart();
  ASSERT_OK_AND_ASSIGN(ledger::v1::RecordOutcomeResponse after_restart, Record(outcome));
  EXPECT_TRUE(after_restart.replayed());
  EXPECT_EQ(after_restart.entry().entry_id(), 1u);
}

TEST_F(CoreLedgerTest, SameRequestIdWithOtherContentIsAlreadyExists) {
  ASSERT_THAT(Record(CourseOutcome(account_, "2026S1-MATH101-0001")), IsOk());
  ledger::v1::Outcome changed = CourseOutcome(account_, "2026S1-MATH101-0001");
  changed.mutable_grade()->mutable_score()->set_score_milli(95000);
  absl::StatusOr<ledger::v1::RecordOutcomeResponse> reused = Record(changed);
  EXPECT_THAT(reused,
              StatusIs(absl::StatusCode::kAlreadyExists, ElementsAre("outcome.request_id")));
  EXPECT_THAT(reused, HasReason("REQUEST_ID_REUSED"));
  EXPECT_EQ(StoredEntryIds(core()), Range(1, 1));
}

TEST_F(CoreLedgerTest, RequestIdsArePerInstitution) {
  ASSERT_THAT(core().RegisterInstitution(
                  RegisterRequest(kUniversity, "重庆大学", common::SECTOR_GENERAL_HIGHER)),
              IsOk());
  ASSERT_THAT(core().AccreditInstitution(
                  AccreditRequest(kUniversity, ::creditbank::testing::BroadScope())),
              IsOk());
  ASSERT_OK_AND_ASSIGN(ledger::v1::RecordOutcomeResponse college,
                       Record(CourseOutcome(account_, "row-1")));
  ASSERT_OK_AND_ASSIGN(ledger::v1::RecordOutcomeResponse university,
                       Record(CourseOutcome(account_, "row-1"), kUniversity));
  EXPECT_FALSE(university.replayed());
  EXPECT_EQ(college.entry().entry_id(), 1u);
  EXPECT_EQ(university.entry().entry_id(), 2u);
  EXPECT_EQ(university.entry().institution_code(), kUniversity);
}

TEST_F(CoreLedgerTest, UnspecifiedSectorBecomesTheInstitutionsSector) {
  ledger::v1::Outcome outcome = CourseOutcome(account_, "r-sector");
  outcome.set_sector(common::SECTOR_UNSPECIFIED);
  ASSERT_OK_AND_ASSIGN(ledger::v1::RecordOutcomeResponse response, Record(outcome));
  EXPECT_EQ(response.entry().outcome().sector(), common::SECTOR_VOCATIONAL);
  // The retry, as sent, still matches.
  ASSERT_OK_AND_ASSIGN(ledger::v1::RecordOutcomeResponse again, Record(outcome));
  EXPECT_TRUE(again.replayed());
}

TEST_F(CoreLedgerTest, InvalidOutcomeWritesNothing) {
  ledger::v1::Outcome outcome = CourseOutcome(account_, "r-1");
  outcome.set_title("");
  outcome.set_credits_milli(0);
  absl::StatusOr<ledger::v1::RecordOutcomeResponse> response = Record(outcome);
  EXPECT_THAT(response, StatusIs(absl::StatusCode::kInvalidArgument,
                                 ElementsAre("outcome.title", "outcome.credits_milli")));
  EXPECT_THAT(core().RecordOutcome(RecordRequest("cqgc", CourseOutcome(account_, "r-1"))),
              StatusIs(absl::StatusCode::kInvalidArgument, ElementsAre("institution_code")));
  EXPECT_TRUE(StoredEntryIds(core()).empty());
}

TEST_F(CoreLedgerTest, UnknownAccountIsNotFound) {
  absl::StatusOr<ledger::v1::RecordOutcomeResponse> response =
      Record(CourseOutcome("6217000000000014", "r-1"));
  EXPECT_THAT(response,
              StatusIs(absl::StatusCode::kNotFound, ElementsAre("outcome.account_number")));
  EXPECT_THAT(response, HasReason("ACCOUNT_NOT_FOUND"));
}

TEST_F(CoreLedgerTest, AccreditationScopeLimitsKindSectorAndLevel) {
  // A community college: course credits and training hours, vocational and
  // continuing education, up to level 5.
  ASSERT_THAT(core().RegisterInstitution(
                  RegisterRequest("CQ-YZ-CC", "渝中区社区学院", common::SECTOR_CONTINUING)),
              IsOk());
  ASSERT_THAT(core().AccreditInstitution(AccreditRequest(
                  "CQ-YZ-CC",
                  Scope({common::OUTCOME_KIND_COURSE_CREDIT, common::OUTCOME_KIND_TRAINING_HOURS},
                        {common::SECTOR_VOCATIONAL, common::SECTOR_CONTINUING}, 5))),
              IsOk());
  struct Case {
    std::string name;
    std::function<void(ledger::v1::Outcome&)> change;
    std::string field;  // "" when it may record it
  };
  const std::vector<Case> cases = {
      {"course at level 5", [](auto& o) { o.set_framework_level(5); }, ""},
      {"course without level", [](auto& o) { o.set_framework_level(0); }, ""},
      {"own sector by default",
       [](auto& o) {
         o.set_framework_level(3);
         o.set_sector(common::SECTOR_UNSPECIFIED);
       },
       ""},
      {"level 6", [](auto& o) { o.set_framework_level(6); }, "outcome.framework_level"},
      {"certificate",
       [](auto& o) {
         o.set_framework_level(3);
         o.set_kind(common::OUTCOME_KIND_CERTIFICATE);
       },
       "outcome.kind"},
      {"general higher education",
       [](auto& o) {
         o.set_framework_level(3);
         o.set_sector(common::SECTOR_GENERAL_HIGHER);
       },
       "outcome.sector"},
  };
  int row = 0;
  for (const Case& c : cases) {
    ledger::v1::Outcome outcome = CourseOutcome(account_, absl::StrCat("cc-", ++row), "PY101",
                                                "Python 程序设计基础");
    c.change(outcome);
    absl::StatusOr<ledger::v1::RecordOutcomeResponse> response = Record(outcome, "CQ-YZ-CC");
    if (c.field.empty()) {
      EXPECT_THAT(response, IsOk()) << c.name;
    } else {
      EXPECT_THAT(response, StatusIs(absl::StatusCode::kFailedPrecondition, ElementsAre(c.field)))
          << c.name;
      EXPECT_THAT(response, HasReason("OUTSIDE_ACCREDITATION_SCOPE")) << c.name;
    }
  }
  EXPECT_EQ(StoredEntryIds(core()), Range(1, 3));
}

TEST_F(CoreLedgerTest, NonAtomicBatchAnswersPerItem) {
  ASSERT_THAT(Record(CourseOutcome(account_, "earlier")), IsOk());  // entry 1
  ledger::v1::Outcome bad_title = CourseOutcome(account_, "b-1");
  bad_title.set_title("");
  ledger::v1::Outcome reused = CourseOutcome(account_, "b-0", "ENG201", "大学英语（一）");
  const std::vector<ledger::v1::Outcome> outcomes = {
      CourseOutcome(account_, "b-0"),                                   // new: entry 2
      bad_title,                                                        // field error
      CourseOutcome("6217000000000014", "b-2"),                         // no such account
      CourseOutcome(account_, "b-0"),                                   // repeat of item 0
      reused,                                                           // b-0, other content
      CourseOutcome(account_, "earlier"),                               // replay of entry 1
      CourseOutcome(other_account_, "b-6", "PE101", "体育（一）"),      // new: entry 3
  };
  ASSERT_OK_AND_ASSIGN(ledger::v1::RecordOutcomesResponse response,
                       core().RecordOutcomes(BatchRequest(kCollege, outcomes, false)));
  ASSERT_EQ(response.results_size(), 7);
  for (int i = 0; i < 7; ++i) EXPECT_EQ(response.results(i).index(), static_cast<uint32_t>(i));

  EXPECT_EQ(response.results(0).entry_id(), 2u);
  EXPECT_FALSE(response.results(0).replayed());
  EXPECT_FALSE(response.results(0).has_error());

  EXPECT_EQ(response.results(1).entry_id(), 0u);
  EXPECT_THAT(ItemError(response.results(1)),
              StatusIs(absl::StatusCode::kInvalidArgument, ElementsAre("outcomes[1].title")));

  EXPECT_THAT(ItemError(response.results(2)),
              StatusIs(absl::StatusCode::kNotFound, ElementsAre("outcomes[2].account_number")));
  EXPECT_THAT(ItemError(response.results(2)), HasReason("ACCOUNT_NOT_FOUND"));

  EXPECT_EQ(response.results(3).entry_id(), 2u);
  EXPECT_TRUE(response.results(3).replayed());
  EXPECT_FALSE(response.results(3).has_error());

  EXPECT_THAT(ItemError(response.results(4)),
              StatusIs(absl::StatusCode::kAlreadyExists, ElementsAre("outcomes[4].request_id")));
  EXPECT_THAT(ItemError(response.results(4)), HasReason("REQUEST_ID_REUSED"));

  EXPECT_EQ(response.results(5).entry_id(), 1u);
  EXPECT_TRUE(response.results(5).replayed());

  EXPECT_EQ(response.results(6).entry_id(), 3u);
  EXPECT_FALSE(response.results(6).replayed());

  EXPECT_EQ(StoredEntryIds(core()), Range(1, 3));
}

TEST_F(CoreLedgerTest, AtomicBatchRecordsEverythingTogether) {
  const std::vector<ledger::v1::Outcome> outcomes = {
      CourseOutcome(account_, "a-0", "MATH101", "高等数学（上）"),
      CourseOutcome(account_, "a-1", "ENG201", "大学英语（一）"),
      CourseOutcome(other_account_, "a-2", "PE101", "体育（一）"),
  };
  ASSERT_OK_AND_ASSIGN(ledger::v1::RecordOutcomesResponse response,
                       core().RecordOutcomes(BatchRequest(kCollege, outcomes, true)));
  ASSERT_EQ(response.results_size(), 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(response.results(i).entry_id(), static_cast<uint64_t>(i + 1));
    EXPECT_FALSE(response.results(i).has_error());
  }
  // Retrying the whole batch replays it.
  ASSERT_OK_AND_ASSIGN(ledger::v1::RecordOutcomesResponse retry,
                       core().RecordOutcomes(BatchRequest(kCollege, outcomes, true)));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(retry.results(i).entry_id(), static_cast<uint64_t>(i + 1));
    EXPECT_TRUE(retry.results(i).replayed());
  }
  EXPECT_EQ(StoredEntryIds(core()), Range(1, 3));
}

TEST_F(CoreLedgerTest, AtomicBatchWithOneFailingItemWritesNothing) {
  ASSERT_THAT(Record(CourseOutcome(account_, "earlier")), IsOk());
  const std::string balances_before = Balances(account_);
  const std::string other_before = Balances(other_account_);
  const std::vector<ledger::v1::Outcome> outcomes = {
      CourseOutcome(account_, "a-0", "MATH101", "高等数学（上）"),
      CourseOutcome(other_account_, "a-1", "ENG201", "大学英语（一）"),
      CourseOutcome("6217000000000014", "a-2", "PE101", "体育（一）"),
      CourseOutcome(account_, "a-3", "CS101", "计算机应用基础"),
  };
  absl::StatusOr<ledger::v1::RecordOutcomesResponse> response =
      core().RecordOutcomes(BatchRequest(kCollege, outcomes, true));
  EXPECT_THAT(response,
              StatusIs(absl::StatusCode::kNotFound, ElementsAre("outcomes[2].account_number")));
  EXPECT_THAT(response, HasReason("ACCOUNT_NOT_FOUND"));
  EXPECT_THAT(std::string(response.status().message()),
              HasSubstr("(atomic batch: 1 of 4 items failed, nothing was recorded)"));

  EXPECT_EQ(StoredEntryIds(core()), Range(1, 1));
  EXPECT_EQ(Balances(account_), balances_before);
  EXPECT_EQ(Balances(other_account_), other_before);
  // None of the request ids was used up: the corrected batch records.
  std::vector<ledger::v1::Outcome> corrected = outcomes;
  corrected[2] = CourseOutcome(other_account_, "a-2", "PE101", "体育（一）");
  ASSERT_OK_AND_ASSIGN(ledger::v1::RecordOutcomesResponse recorded,
                       core().RecordOutcomes(BatchRequest(kCollege, corrected, true)));
  EXPECT_EQ(recorded.results(0).entry_id(), 2u);
  EXPECT_FALSE(recorded.results(0).replayed());
  EXPECT_EQ(StoredEntryIds(core()), Range(1, 5));
}

TEST_F(CoreLedgerTest, AtomicBatchFailsOnAFrozenAccountOrScope) {
  ASSERT_THAT(core().FreezeAccount(
                  ::creditbank::testing::StatusRequest(other_account_, "学员挂失学习卡")),
              IsOk());
  ledger::v1::Outcome out_of_scope = CourseOutcome(account_, "a-2");
  out_of_scope.set_sector(common::SECTOR_ELDERLY);
  struct Case {
    std::string name;
    std::vector<ledger::v1::Outcome> outcomes;
    absl::StatusCode code;
    std::string field;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"frozen",
       {CourseOutcome(account_, "a-0"), CourseOutcome(other_account_, "a-1")},
       absl::StatusCode::kFailedPrecondition, "outcomes[1].account_number", "ACCOUNT_FROZEN"},
      {"outside scope",
       {CourseOutcome(account_, "a-0"), out_of_scope},
       absl::StatusCode::kFailedPrecondition, "outcomes[1].sector",
       "OUTSIDE_ACCREDITATION_SCOPE"},
      {"request id reused inside the batch",
       {CourseOutcome(account_, "a-0"), CourseOutcome(account_, "a-0", "ENG201", "大学英语")},
       absl::StatusCode::kAlreadyExists, "outcomes[1].request_id", "REQUEST_ID_REUSED"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<ledger::v1::RecordOutcomesResponse> response =
        core().RecordOutcomes(BatchRequest(kCollege, c.outcomes, true));
    EXPECT_THAT(response, StatusIs(c.code, ElementsAre(c.field))) << c.name;
    EXPECT_THAT(response, HasReason(c.reason)) << c.name;
  }
  EXPECT_TRUE(StoredEntryIds(core()).empty());
}

TEST_F(CoreLedgerTest, AtomicBatchReportsEveryInvalidField) {
  ledger::v1::Outcome no_title = CourseOutcome(account_, "a-1");
  no_title.set_title("");
  ledger::v1::Outcome future = CourseOutcome(account_, "a-3");
  *future.mutable_completion_date() = ToDate(absl::CivilDay(2026, 9, 1));
  const std::vector<ledger::v1::Outcome> outcomes = {CourseOutcome(account_, "a-0"), no_title,
                                                     CourseOutcome(account_, "a-2"), future};
  absl::StatusOr<ledger::v1::RecordOutcomesResponse> response =
      core().RecordOutcomes(BatchRequest(kCollege, outcomes, true));
  EXPECT_THAT(response, StatusIs(absl::StatusCode::kInvalidArgument,
                                 ElementsAre("outcomes[1].title", "outcomes[3].completion_date")));
  EXPECT_TRUE(StoredEntryIds(core()).empty());
}

TEST_F(CoreLedgerTest, DuplicatesInsideOneBatchMakeOneEntry) {
  const ledger::v1::Outcome outcome = CourseOutcome(account_, "dup-1");
  for (bool atomic : {false, true}) {
    SCOPED_TRACE(atomic ? "atomic" : "non-atomic");
    ledger::v1::Outcome fresh = outcome;
    fresh.set_request_id(atomic ? "dup-atomic" : "dup-plain");
    ASSERT_OK_AND_ASSIGN(
        ledger::v1::RecordOutcomesResponse response,
        core().RecordOutcomes(BatchRequest(kCollege, {fresh, fresh, fresh}, atomic)));
    const uint64_t id = response.results(0).entry_id();
    EXPECT_NE(id, 0u);
    EXPECT_FALSE(response.results(0).replayed());
    for (int i = 1; i < 3; ++i) {
      EXPECT_EQ(response.results(i).entry_id(), id);
      EXPECT_TRUE(response.results(i).replayed());
    }
  }
  EXPECT_EQ(StoredEntryIds(core()), Range(1, 2));
}

TEST_F(CoreLedgerTest, BatchRequestErrors) {
  EXPECT_THAT(core().RecordOutcomes(BatchRequest(kCollege, {}, false)),
              StatusIs(absl::StatusCode::kInvalidArgument, ElementsAre("outcomes")));
  std::vector<ledger::v1::Outcome> too_many(1001, CourseOutcome(account_, "x"));
  EXPECT_THAT(core().RecordOutcomes(BatchRequest(kCollege, too_many, false)),
              StatusIs(absl::StatusCode::kInvalidArgument, ElementsAre("outcomes")));
  EXPECT_THAT(core().RecordOutcomes(BatchRequest("", {CourseOutcome(account_, "x")}, false)),
              StatusIs(absl::StatusCode::kInvalidArgument, ElementsAre("institution_code")));
  absl::StatusOr<ledger::v1::RecordOutcomesResponse> unknown =
      core().RecordOutcomes(BatchRequest(kUniversity, {CourseOutcome(account_, "x")}, false));
  EXPECT_THAT(unknown, StatusIs(absl::StatusCode::kNotFound, ElementsAre("institution_code")));
  EXPECT_TRUE(StoredEntryIds(core()).empty());
}

TEST_F(CoreLedgerTest, UnknownInstitutionIsReportedEvenWhenEveryItemIsInvalid) {
  ledger::v1::Outcome invalid = CourseOutcome(account_, "x");
  invalid.set_credits_milli(-5);
  EXPECT_THAT(core().RecordOutcomes(BatchRequest(kUniversity, {invalid}, false)),
              StatusIs(absl::StatusCode::kNotFound, ElementsAre("institution_code")));
}

TEST_F(CoreLedgerTest, SuspendedInstitutionStillGetsItsRetriesAnswered) {
  const ledger::v1::Outcome before = CourseOutcome(account_, "before-suspension");
  ASSERT_OK_AND_ASSIGN(ledger::v1::RecordOutcomeResponse recorded, Record(before));
  institutions::v1::ChangeInstitutionStatusRequest suspend;
  suspend.set_code(kCollege);
  suspend.set_reason("年检不合格");
  ASSERT_THAT(core().SuspendInstitution(suspend), IsOk());

  // A retry of what was recorded before is answered as before ...
  ASSERT_OK_AND_ASSIGN(ledger::v1::RecordOutcomeResponse retry, Record(before));
  EXPECT_TRUE(retry.replayed());
  EXPECT_EQ(retry.entry().entry_id(), recorded.entry().entry_id());
  // ... a new outcome is refused, as a whole request when nothing in it is
  // a retry ...
  absl::StatusOr<ledger::v1::RecordOutcomesResponse> fresh =
      core().RecordOutcomes(BatchRequest(kCollege, {CourseOutcome(account_, "new-1")}, false));
  EXPECT_THAT(fresh, StatusIs(absl::StatusCode::kFailedPrecondition,
                              ElementsAre("institution_code")));
  EXPECT_THAT(fresh, HasReason("INSTITUTION_SUSPENDED"));
  // ... and item by item when some items are retries.
  ASSERT_OK_AND_ASSIGN(
      ledger::v1::RecordOutcomesResponse mixed,
      core().RecordOutcomes(
          BatchRequest(kCollege, {before, CourseOutcome(account_, "new-2")}, false)));
  ASSERT_EQ(mixed.results_size(), 2);
  EXPECT_TRUE(mixed.results(0).replayed());
  EXPECT_THAT(ItemError(mixed.results(1)), HasReason("INSTITUTION_SUSPENDED"));
  EXPECT_EQ(StoredEntryIds(core()).size(), 1u);
}

TEST_F(CoreLedgerTest, TermEndBatchOfAThousandRows) {
  // 100 students of one class, 10 courses each, as a student system exports
  // them at the end of term; then the whole upload is retried.
  static constexpr const char* kCourses[][2] = {
      {"MATH101", "高等数学（上）"}, {"ENG101", "大学英语（一）"}, {"PE101", "体育（一）"},
      {"CS101", "计算机应用基础"},   {"POL101", "思想道德与法治"}, {"MECH110", "机械制图"},
      {"EE120", "电工电子技术"},     {"MATH102", "线性代数"},       {"CHN101", "大学语文"},
      {"HIS101", "中国近现代史纲要"}};
  std::vector<std::string> students;
  for (int n = 100; n < 200; ++n) students.push_back(fixture_.OpenAccount(n, "学员"));
  std::vector<ledger::v1::Outcome> outcomes;
  for (size_t s = 0; s < students.size(); ++s) {
    for (const auto& course : kCourses) {
      outcomes.push_back(CourseOutcome(
          students[s], absl::StrFormat("2026S1-%s-%03d", course[0], s), course[0], course[1]));
    }
  }
  ASSERT_EQ(outcomes.size(), 1000u);
  ASSERT_OK_AND_ASSIGN(ledger::v1::RecordOutcomesResponse response,
                       core().RecordOutcomes(BatchRequest(kCollege, outcomes, false)));
  ASSERT_EQ(response.results_size(), 1000);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_FALSE(response.results(i).has_error()) << i;
    ASSERT_EQ(response.results(i).entry_id(), static_cast<uint64_t>(i + 1)) << i;
  }
  ASSERT_OK_AND_ASSIGN(ledger::v1::RecordOutcomesResponse retry,
                       core().RecordOutcomes(BatchRequest(kCollege, outcomes, false)));
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(retry.results(i).replayed()) << i;
    ASSERT_EQ(retry.results(i).entry_id(), static_cast<uint64_t>(i + 1)) << i;
  }
  EXPECT_EQ(StoredEntryIds(core()), Range(1, 1000));
  ASSERT_OK_AND_ASSIGN(ledger::v1::GetBalancesResponse balances,
                       core().GetBalances(BalancesRequest(students[42])));
  EXPECT_EQ(balances.total().recorded_credits_milli(), 30000);
  EXPECT_EQ(balances.total().recorded_study_hours(), 480);
  EXPECT_EQ(balances.total().entry_count(), 10u);
}

TEST_F(CoreLedgerTest, ConcurrentRecordingGivesUniqueGapFreeIds) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  std::vector<std::string> accounts;
  for (int n = 10; n < 10 + kThreads; ++n) accounts.push_back(fixture_.OpenAccount(n, "学员"));
  std::vector<std::vector<uint64_t>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        absl::StatusOr<ledger::v1::RecordOutcomeResponse> response = core().RecordOutcome(
            RecordRequest(kCollege, CourseOutcome(accounts[t], absl::StrCat("t", t, "-", i))));
        EXPECT_THAT(response, IsOk());
        if (response.ok()) ids[t].push_back(response->entry().entry_id());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::vector<uint64_t> all;
  for (const auto& per_thread : ids) {
    EXPECT_TRUE(std::is_sorted(per_thread.begin(), per_thread.end()));
    all.insert(all.end(), per_thread.begin(), per_thread.end());
  }
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, Range(1, kThreads * kPerThread));
  EXPECT_EQ(StoredEntryIds(core()), Range(1, kThreads * kPerThread));
  ASSERT_OK_AND_ASSIGN(ledger::v1::CheckConsistencyResponse check, core().CheckConsistency({}));
  EXPECT_TRUE(check.consistent()) << check.DebugString();
}

class ConversionTest : public CoreLedgerTest {
 protected:
  void SetUp() override {
    CoreLedgerTest::SetUp();
    ASSERT_THAT(Record(CourseOutcome(account_, "c-1")), IsOk());  // 1
    ledger::v1::Outcome certificate =
        CourseOutcome(account_, "c-2", "1X-WEB-3", "Web 前端开发职业技能等级证书（中级）");
    certificate.set_kind(common::OUTCOME_KIND_CERTIFICATE);
    certificate.set_credits_milli(2000);
    ASSERT_THAT(Record(certificate), IsOk());                         // 2
    ASSERT_THAT(Record(CourseOutcome(other_account_, "c-3")), IsOk());  // 3
  }
  ledger::v1::Outcome Conversion(const std::string& request_id, std::vector<uint64_t> sources) {
    ledger::v1::Outcome outcome =
        CourseOutcome(account_, request_id, "CONV-SE201", "软件工程（学分转换）");
    outcome.set_kind(common::OUTCOME_KIND_CONVERSION);
    outcome.set_credits_milli(4000);
    for (uint64_t id : sources) outcome.add_source_entry_ids(id);
    return outcome;
  }
};

TEST_F(ConversionTest, ConversionLinksItsSources) {
  ASSERT_OK_AND_ASSIGN(ledger::v1::RecordOutcomeResponse response,
                       Record(Conversion("conv-1", {1, 2})));
  EXPECT_EQ(response.entry().entry_id(), 4u);
  EXPECT_THAT(response.entry().outcome().source_entry_ids(), ElementsAre(1, 2));
  ASSERT_OK_AND_ASSIGN(ledger::v1::GetBalancesResponse balances,
                       core().GetBalances(BalancesRequest(account_)));
  EXPECT_EQ(balances.total().converted_credits_milli(), 4000);
  EXPECT_EQ(balances.total().recorded_credits_milli(), 5000);
  EXPECT_EQ(balances.total().available_credits_milli(), 9000);
}

TEST_F(ConversionTest, UnusableSourcesAreRefused) {
  ASSERT_THAT(core().ReverseEntry(ReverseRequest(kCollege, "fix-2", account_, 2)), IsOk());  // 4
  struct Case {
    std::string name;
    std::vector<uint64_t> sources;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"missing", {1, 99}, "source entry 99 does not exist"},
      {"other account", {3}, "source entry 3 belongs to another account"},
      {"reversed", {1, 2}, "source entry 2 was reversed by entry 4"},
      {"a reversal", {4}, "source entry 4 is a reversal"},
  };
  int row = 0;
  for (const Case& c : cases) {
    absl::StatusOr<ledger::v1::RecordOutcomeResponse> response =
        Record(Conversion(absl::StrCat("conv-", ++row), c.sources));
    EXPECT_THAT(response, StatusIs(absl::StatusCode::kFailedPrecondition,
                                   ElementsAre("outcome.source_entry_ids")))
        << c.name;
    EXPECT_THAT(response, HasReason("SOURCE_ENTRY_UNUSABLE")) << c.name;
    EXPECT_THAT(std::string(response.status().message()), HasSubstr(c.message)) << c.name;
  }
  EXPECT_EQ(StoredEntryIds(core()), Range(1, 4));
}

class ReversalTest : public CoreLedgerTest {
 protected:
  void SetUp() override {
    CoreLedgerTest::SetUp();
    ASSERT_THAT(core().RegisterInstitution(
                    RegisterRequest(kUniversity, "重庆大学", common::SECTOR_GENERAL_HIGHER)),
                IsOk());
    ASSERT_THAT(core().AccreditInstitution(
                    AccreditRequest(kUniversity, ::creditbank::testing::BroadScope())),
                IsOk());
    ledger::v1::Outcome certificate = CourseOutcome(account_, "r-1", "CET4", "大学英语四级");
    certificate.set_kind(common::OUTCOME_KIND_EXAM);
    *certificate.mutable_valid_until() = ToDate(absl::CivilDay(2028, 6, 20));
    ASSERT_THAT(Record(certificate), IsOk());                                      // 1
    ASSERT_THAT(Record(CourseOutcome(account_, "u-1"), kUniversity), IsOk());      // 2
    ASSERT_THAT(Record(CourseOutcome(other_account_, "r-2")), IsOk());             // 3
  }
};

TEST_F(ReversalTest, ReversalCancelsTheEntry) {
  fixture_.clock().Advance(absl::Hours(26));
  ASSERT_OK_AND_ASSIGN(
      ledger::v1::RecordOutcomeResponse response,
      core().ReverseEntry(ReverseRequest(kCollege, "fix-1", account_, 1, "成绩录入错误")));
  EXPECT_FALSE(response.replayed());
  const ledger::v1::Entry& reversal = response.entry();
  EXPECT_EQ(reversal.entry_id(), 4u);
  EXPECT_EQ(reversal.reverses_entry_id(), 1u);
  EXPECT_EQ(reversal.reversal_reason(), "成绩录入错误");
  EXPECT_EQ(reversal.institution_code(), kCollege);
  EXPECT_EQ(reversal.outcome().kind(), common::OUTCOME_KIND_REVERSAL);
  EXPECT_EQ(reversal.outcome().request_id(), "fix-1");
  EXPECT_EQ(reversal.outcome().account_number(), account_);
  EXPECT_EQ(reversal.outcome().code(), "CET4");
  EXPECT_EQ(reversal.outcome().title(), "大学英语四级");
  EXPECT_EQ(reversal.outcome().credits_milli(), 3000);
  EXPECT_EQ(reversal.outcome().study_hours(), 48u);
  EXPECT_EQ(reversal.outcome().sector(), common::SECTOR_VOCATIONAL);
  EXPECT_EQ(reversal.outcome().framework_level(), 6u);
  EXPECT_EQ(ToCivilDay(reversal.outcome().completion_date()), absl::CivilDay(2026, 7, 2));
  EXPECT_EQ(FromTimestamp(reversal.recorded_at()), FixtureNow() + absl::Hours(26));

  ASSERT_OK_AND_ASSIGN(ledger::v1::Entry stored, core().GetEntry(EntryRequest(4)));
  EXPECT_EQ(stored.SerializeAsString(), reversal.SerializeAsString());
  ASSERT_OK_AND_ASSIGN(ledger::v1::Entry original, core().GetEntry(EntryRequest(1)));
  EXPECT_EQ(original.reversed_by_entry_id(), 4u);

  ASSERT_OK_AND_ASSIGN(ledger::v1::GetBalancesResponse balances,
                       core().GetBalances(BalancesRequest(account_)));
  EXPECT_EQ(balances.total().recorded_credits_milli(), 6000);
  EXPECT_EQ(balances.total().reversed_credits_milli(), 3000);
  EXPECT_EQ(balances.total().available_credits_milli(), 3000);
  EXPECT_EQ(balances.total().reversal_count(), 1u);
  EXPECT_EQ(balances.total().entry_count(), 2u);
}

TEST_F(ReversalTest, RetryReplaysAndReuseWithOtherContentIsRefused) {
  const ledger::v1::ReverseEntryRequest request =
      ReverseRequest(kCollege, "fix-1", account_, 1, "成绩录入错误");
  ASSERT_OK_AND_ASSIGN(ledger::v1::RecordOutcomeResponse first, core().ReverseEntry(request));
  ASSERT_OK_AND_ASSIGN(ledger::v1::RecordOutcomeResponse again, core().ReverseEntry(request));
  EXPECT_TRUE(again.replayed());
  EXPECT_EQ(again.entry().SerializeAsString(), first.entry().SerializeAsString());

  absl::StatusOr<ledger::v1::RecordOutcomeResponse> reused =
      core().ReverseEntry(ReverseRequest(kCollege, "fix-1", account_, 1, "重复录入"));
  EXPECT_THAT(reused, StatusIs(absl::StatusCode::kAlreadyExists, ElementsAre("request_id")));
  EXPECT_THAT(reused, HasReason("REQUEST_ID_REUSED"));
  // Request ids are shared with outcomes: an outcome's id cannot name a reversal.
  EXPECT_THAT(core().ReverseEntry(ReverseRequest(kCollege, "r-2", other_account_, 3)),
              HasReason("REQUEST_ID_REUSED"));
  EXPECT_THAT(Record(CourseOutcome(account_, "fix-1")), HasReason("REQUEST_ID_REUSED"));
  EXPECT_EQ(StoredEntryIds(core()), Range(1, 4));
}

TEST_F(ReversalTest, ReversalRules) {
  ASSERT_THAT(core().ReverseEntry(ReverseRequest(kCollege, "fix-1", account_, 1)), IsOk());  // 4
  struct Case {
    std::string name;
    ledger::v1::ReverseEntryRequest request;
    absl::StatusCode code;
    std::string field;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"already reversed", ReverseRequest(kCollege, "fix-2", account_, 1),
       absl::StatusCode::kFailedPrecondition, "entry_id", "ENTRY_ALREADY_REVERSED"},
      {"a reversal", ReverseRequest(kCollege, "fix-3", account_, 4),
       absl::StatusCode::kFailedPrecondition, "entry_id", "REVERSAL_NOT_REVERSIBLE"},
      {"another institution's entry", ReverseRequest(kCollege, "fix-4", account_, 2),
       absl::StatusCode::kFailedPrecondition, "institution_code", "NOT_RECORDING_INSTITUTION"},
      {"wrong account", ReverseRequest(kCollege, "fix-5", other_account_, 1),
       absl::StatusCode::kFailedPrecondition, "account_number", "ENTRY_ACCOUNT_MISMATCH"},
      {"no such entry", ReverseRequest(kCollege, "fix-6", account_, 99),
       absl::StatusCode::kNotFound, "entry_id", "ENTRY_NOT_FOUND"},
      {"unknown institution", ReverseRequest("4150010635", "fix-7", account_, 1),
       absl::StatusCode::kNotFound, "institution_code", "INSTITUTION_NOT_FOUND"},
      {"no entry id", ReverseRequest(kCollege, "fix-8", account_, 0),
       absl::StatusCode::kInvalidArgument, "entry_id", "INVALID_FIELD"},
      {"no reason", ReverseRequest(kCollege, "fix-9", account_, 3, ""),
       absl::StatusCode::kInvalidArgument, "reason", "INVALID_FIELD"},
      {"bad request id", ReverseRequest(kCollege, "修正", account_, 3),
       absl::StatusCode::kInvalidArgument, "request_id", "INVALID_FIELD"},
      {"bad account number", ReverseRequest(kCollege, "fix-10", "6217000000000015", 3),
       absl::StatusCode::kInvalidArgument, "account_number", "INVALID_FIELD"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<ledger::v1::RecordOutcomeResponse> response = core().ReverseEntry(c.request);
    EXPECT_THAT(response, StatusIs(c.code, ElementsAre(c.field))) << c.name;
    EXPECT_THAT(response, HasReason(c.reason)) << c.name;
  }
  EXPECT_EQ(StoredEntryIds(core()), Range(1, 4));
  // The university may reverse its own entry on the same account.
  ASSERT_OK_AND_ASSIGN(ledger::v1::RecordOutcomeResponse own,
                       core().ReverseEntry(ReverseRequest(kUniversity, "fix-u", account_, 2)));
  EXPECT_EQ(own.entry().entry_id(), 5u);
}

TEST_F(ReversalTest, RacingReversalsReverseOnce) {
  // Two reversals of one entry under different request ids, from two
  // threads: whether or not they share a sequencer group, one wins.
  ASSERT_OK_AND_ASSIGN(ledger::v1::RecordOutcomeResponse recorded,
                       Record(CourseOutcome(account_, "race", "CHN101", "大学语文")));
  const uint64_t entry_id = recorded.entry().entry_id();
  absl::Status results[2];
  std::thread first([&] {
    results[0] =
        core().ReverseEntry(ReverseRequest(kCollege, "fix-a", account_, entry_id)).status();
  });
  std::thread second([&] {
    results[1] =
        core().ReverseEntry(ReverseRequest(kCollege, "fix-b", account_, entry_id)).status();
  });
  first.join();
  second.join();
  EXPECT_EQ(results[0].ok() + results[1].ok(), 1) << results[0] << " / " << results[1];
  const absl::Status& loser = results[0].ok() ? results[1] : results[0];
  EXPECT_THAT(loser, StatusIs(absl::StatusCode::kFailedPrecondition, ElementsAre("entry_id")));
  EXPECT_THAT(loser, HasReason("ENTRY_ALREADY_REVERSED"));
  ASSERT_OK_AND_ASSIGN(ledger::v1::GetBalancesResponse balances,
                       core().GetBalances(BalancesRequest(account_)));
  EXPECT_EQ(balances.total().reversal_count(), 1u);
  EXPECT_EQ(StoredEntryIds(core()), Range(1, 5));
}

}  // namespace
}  // namespace creditbank::domain
