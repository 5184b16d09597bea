// The rules engine over a real in-process Core (RocksDB in a temp dir):
// the same Core is the engine's local store and the ledger it reads entries
// from and writes conversion entries to. Covers publishing rules and their
// versions, evaluation, the conversion-request workflow end to end
// (create, approve, reject), the approval's re-check and its recovery after
// an interrupted ledger write, and reversed sources after approval.
#include "domain/rules/rules_engine.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "domain/crypto/primitives.h"
#include "domain/rules/milli.h"
#include "domain/validation/dates.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/table.h"
#include "tests/testing/error_matchers.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/requests.h"
#include "tests/testing/rule_builders.h"

namespace creditbank::domain::rules {
namespace {

namespace common = ::creditbank::common::v1;
using ::creditbank::testing::AccreditRequest;
using ::creditbank::testing::CategoryTexts;
using ::creditbank::testing::CoreFixture;
using ::creditbank::testing::CourseGrant;
using ::creditbank::testing::Day;
using ::creditbank::testing::FixtureNow;
using ::creditbank::testing::GrantTexts;
using ::creditbank::testing::HasReason;
using ::creditbank::testing::IsOk;
using ::creditbank::testing::ListRequest;
using ::creditbank::testing::M;
using ::creditbank::testing::MakeRule;
using ::creditbank::testing::NearMissTexts;
using ::creditbank::testing::RateGrant;
using ::creditbank::testing::RecordRequest;
using ::creditbank::testing::RegisterRequest;
using ::creditbank::testing::ReverseRequest;
using ::creditbank::testing::Scope;
using ::creditbank::testing::StatusIs;
using ::creditbank::testing::StatusRequest;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

using common::OUTCOME_KIND_CERTIFICATE;
using common::OUTCOME_KIND_CONVERSION;
using common::OUTCOME_KIND_TRAINING_HOURS;

constexpr char kCollege[] = "4150013588";    // 重庆工程职业技术学院 (owns the programme)
constexpr char kCertBody[] = "CB-1X-0001";   // a 1+X certificate evaluation organisation
constexpr char kCommunity[] = "CQ-COMM-YZ";  // 渝中区社区教育学院
constexpr char kProgrammeId[] = "CQGC-WEB-2026";
constexpr char kWebCert[] = "1X-WEB-FE-M";
constexpr char kCollegeActor[] = "institution 4150013588";
constexpr char kOperator[] = "operator ops-li";

// A CoreClient that hands every call to the core, except that the next
// RecordOutcomes can be made to fail UNAVAILABLE: before it reaches the
// core (nothing written) or after (written, the answer lost on the way).
class FlakyLedger final : public CoreClient {
 public:
  enum class Failure { kNone, kBeforeWriting, kAfterWriting };
  explicit FlakyLedger(Core& core) : core_(core) {}
  void FailNextRecordOutcomes(Failure failure) { failure_ = failure; }

  absl::StatusOr<accounts::v1::OpenAccountResponse> OpenAccount(
      const accounts::v1::OpenAccountRequest& request) override {
    return core_.OpenAccount(request);
  }
  absl::StatusOr<accounts::v1::Account> GetAccount(
      const accounts::v1::GetAccountRequest& request) override {
    return core_.GetAccount(request);
  }
  absl::StatusOr<accounts::v1::Account> FreezeAccount(
      const accounts::v1::ChangeAccountStatusRequest& request) override {
    return core_.FreezeAccount(request);
  }
  absl::StatusOr<accounts::v1::Account> UnfreezeAccount(
      const accounts::v1::ChangeAccountStatusRequest& request) override {
    return core_.UnfreezeAccount(request);
  }
  absl::StatusOr<accounts::v1::Account> CloseAccount(
      const accounts::v1::ChangeAccountStatusRequest& request) override {
    return core_.CloseAccount(request);
  }
  absl::StatusOr<institutions::v1::Institution> RegisterInstitution(
      const institutions::v1::RegisterInstitutionRequest& request) override {
    return core_.RegisterInstitution(request);
  }
  absl::StatusOr<institutions::v1::Institution> AccreditInstitution(
      const institutions::v1::AccreditInstitutionRequest& request) override {
    return core_.AccreditInstitution(request);
  }
  absl::StatusOr<institutions::v1::Institution> SuspendInstitution(
      const institutions::v1::ChangeInstitutionStatusRequest& request) override {
    return core_.SuspendInstitution(request);
  }
  absl::StatusOr<institutions::v1::Institution> ReinstateInstitution(
      const institutions::v1::ChangeInstitutionStatusRequest& request) override {
    return core_.ReinstateInstitution(request);
  }
  absl::StatusOr<institutions::v1::Institution> GetInstitution(
      const institutions::v1::GetInstitutionRequest& request) override {
    return core_.GetInstitution(request);
  }
  absl::StatusOr<institutions::v1::ListInstitutionsResponse> ListInstitutions(
      const institutions::v1::ListInstitutionsRequest& request) override {
    return core_.ListInstitutions(request);
  }
  absl::StatusOr<ledger::v1::RecordOutcomeResponse> RecordOutcome(
      const ledger::v1::RecordOutcomeRequest& request) override {
    return core_.RecordOutcome(request);
  }
  absl::StatusOr<ledger::v1::RecordOutcomesResponse> RecordOutcomes(
      const ledger::v1::RecordOutcomesRequest& request) override {
    const Failure failure = std::exchange(failure_, Failure::kNone);
    if (failure == Failure::kBeforeWriting) {
      return absl::UnavailableError("connection refused: the core is restarting");
    }
    absl::StatusOr<ledger::v1::RecordOutcomesResponse> written = core_.RecordOutcomes(request);
    if (failure == Failure::kAfterWriting && written.ok()) {
      return absl::UnavailableError("connection reset before the answer arrived");
    }
    return written;
  }
  absl::StatusOr<ledger::v1::RecordOutcomeResponse> ReverseEntry(
      const ledger::v1::ReverseEntryRequest& request) override {
    return core_.ReverseEntry(request);
  }
  absl::StatusOr<ledger::v1::Entry> GetEntry(const ledger::v1::GetEntryRequest& request) override {
    return core_.GetEntry(request);
  }
  absl::StatusOr<ledger::v1::ListEntriesResponse> ListEntries(
      const ledger::v1::ListEntriesRequest& request) override {
    return core_.ListEntries(request);
  }
  absl::StatusOr<ledger::v1::GetBalancesResponse> GetBalances(
      const ledger::v1::GetBalancesRequest& request) override {
    return core_.GetBalances(request);
  }
  absl::StatusOr<ledger::v1::CheckConsistencyResponse> CheckConsistency(
      const ledger::v1::CheckConsistencyRequest& request) override {
    return core_.CheckConsistency(request);
  }

 private:
  Core& core_;
  Failure failure_ = Failure::kNone;
};

rules_api::Programme WebProgramme() {
  rules_api::Programme programme;
  programme.set_id(kProgrammeId);
  programme.set_institution_code(kCollege);
  programme.set_title("软件技术（Web 前端方向）");
  programme.set_framework_level(5);
  programme.set_required_credits_milli(120'000);
  struct CategoryRow {
    const char* code;
    const char* name;
    int64_t min;
  };
  for (const CategoryRow& row :
       {CategoryRow{"GEN", "公共基础课", 30'000}, CategoryRow{"MAJOR", "专业课", 60'000},
        CategoryRow{"ELEC", "选修课", 10'000}}) {
    rules_api::Category* category = programme.add_categories();
    category->set_code(row.code);
    category->set_name(row.name);
    category->set_min_credits_milli(row.min);
  }
  struct CourseRow {
    const char* code;
    const char* title;
    const char* category;
  };
  for (const CourseRow& row :
       {CourseRow{"WEB-FE", "Web 前端开发", "MAJOR"}, CourseRow{"WEB-BE", "Web 后端开发", "MAJOR"},
        CourseRow{"MATH", "高等数学", "GEN"}}) {
    rules_api::Course* course = programme.add_courses();
    course->set_code(row.code);
    course->set_title(row.title);
    course->set_category(row.category);
    course->set_credits_milli(4'000);
  }
  return programme;
}

// The intermediate 1+X Web front-end certificate grants WEB-FE.
rules_api::Rule CertificateRule() {
  return MakeRule("1x-web-fe",
                  M().Kind(OUTCOME_KIND_CERTIFICATE)
                      .Code(kWebCert)
                      .Sector(common::SECTOR_CERTIFYING_BODY)
                      .MinPass()
                      .MinLevel(4),
                  CourseGrant("WEB-FE"));
}

// Community-education hours: 18 hours per elective credit, at most 4.
rules_api::Rule HoursRule(int64_t max_credits_milli = 4'000) {
  return MakeRule("community-hours",
                  M().Kind(OUTCOME_KIND_TRAINING_HOURS).Sector(common::SECTOR_COMMUNITY),
                  RateGrant("ELEC", 18, max_credits_milli), 10);
}

class RulesEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fixture_.AccreditedInstitution(kCollege);  // may record conversions, vocational, level ≤ 8
    Register(kCertBody, "工业和信息化部教育与考试中心", common::SECTOR_CERTIFYING_BODY,
             Scope({OUTCOME_KIND_CERTIFICATE}, {common::SECTOR_CERTIFYING_BODY}, 6));
    Register(kCommunity, "渝中区社区教育学院", common::SECTOR_COMMUNITY,
             Scope({OUTCOME_KIND_TRAINING_HOURS}, {common::SECTOR_COMMUNITY}, 4));
    account_ = fixture_.OpenAccount(1, "李娜");
    ASSERT_FALSE(account_.empty());
    absl::StatusOr<std::unique_ptr<RulesEngine>> engine =
        RulesEngine::Open(core(), core(), fixture_.clock());
    ASSERT_THAT(engine, IsOk());
    engine_ = *std::move(engine);
  }

  Core& core() { return fixture_.core(); }
  RulesEngine& engine() { return *engine_; }

  void Register(const std::string& code, const std::string& name, common::Sector sector,
                const institutions::v1::AccreditationScope& scope) {
    ASSERT_THAT(core().RegisterInstitution(RegisterRequest(code, name, sector)), IsOk());
    ASSERT_THAT(core().AccreditInstitution(AccreditRequest(code, scope)), IsOk());
  }

  // Records and returns the new entry's id (0 when refused: the test fails).
  uint64_t Record(const std::string& institution, const ledger::v1::Outcome& outcome) {
    absl::StatusOr<ledger::v1::RecordOutcomeResponse> recorded =
        core().RecordOutcome(RecordRequest(institution, outcome));
    EXPECT_THAT(recorded, IsOk());
    return recorded.ok() ? recorded->entry().entry_id() : 0;
  }

  ledger::v1::Outcome MakeOutcome(const std::string& request_id, common::OutcomeKind kind,
                                  const std::string& code, const std::string& title) {
    ledger::v1::Outcome outcome;
    outcome.set_request_id(request_id);
    outcome.set_account_number(account_);
    outcome.set_kind(kind);
    outcome.set_code(code);
    outcome.set_title(title);
    *outcome.mutable_completion_date() = Day(2026, 3, 15);
    return outcome;
  }

  uint64_t RecordCertificate(const std::string& request_id = "1X-2025-0001") {
    ledger::v1::Outcome outcome =
        MakeOutcome(request_id, OUTCOME_KIND_CERTIFICATE, kWebCert, "Web 前端开发（中级）");
    outcome.set_sector(common::SECTOR_CERTIFYING_BODY);
    outcome.set_framework_level(4);
    outcome.mutable_grade()->set_passed(true);
    *outcome.mutable_completion_date() = Day(2025, 12, 10);
    return Record(kCertBody, outcome);
  }

  uint64_t RecordHours(const std::string& request_id, const std::string& code, uint32_t hours) {
    ledger::v1::Outcome outcome = MakeOutcome(request_id, OUTCOME_KIND_TRAINING_HOURS, code, code);
    outcome.set_sector(common::SECTOR_COMMUNITY);
    outcome.set_study_hours(hours);
    return Record(kCommunity, outcome);
  }

  absl::StatusOr<rules_api::Programme> PutProgramme(const rules_api::Programme& programme) {
    rules_api::PutProgrammeRequest request;
    *request.mutable_programme() = programme;
    return engine().PutProgramme(request);
  }

  absl::StatusOr<rules_api::ApplyRulesResponse> Apply(
      const std::vector<rules_api::Rule>& rules, const std::string& programme_id = kProgrammeId) {
    rules_api::ApplyRulesRequest request;
    request.set_programme_id(programme_id);
    for (const rules_api::Rule& rule : rules) *request.add_rules() = rule;
    return engine().ApplyRules(request, kCollege);
  }

  // The programme, both rules, a certificate (entry 1) and 36 + 18 hours of
  // community education (entries 2 and 3): 4 credits of WEB-FE and 3
  // elective credits on offer.
  void StandardScenario() {
    ASSERT_THAT(PutProgramme(WebProgramme()), IsOk());
    ASSERT_THAT(Apply({CertificateRule(), HoursRule()}), IsOk());
    ASSERT_EQ(RecordCertificate(), 1u);
    ASSERT_EQ(RecordHours("CQ-2026-0310", "CQ-COMM-TEA", 36), 2u);
    ASSERT_EQ(RecordHours("CQ-2026-0311", "CQ-COMM-PHOTO", 18), 3u);
  }

  absl::StatusOr<rules_api::Proposal> Evaluate(const common::Date* as_of = nullptr) {
    rules_api::EvaluateRequest request;
    request.set_account_number(account_);
    request.set_programme_id(kProgrammeId);
    if (as_of != nullptr) *request.mutable_as_of() = *as_of;
    return engine().Evaluate(request);
  }

  absl::StatusOr<rules_api::Progress> GetProgress() {
    rules_api::GetProgressRequest request;
    request.set_account_number(account_);
    request.set_programme_id(kProgrammeId);
    return engine().GetProgress(request);
  }

  absl::StatusOr<rules_api::ConversionRequest> Create(
      const std::string& request_id, const std::string& digest = "",
      std::vector<std::string> rule_ids = {}, const std::string& programme_id = kProgrammeId) {
    rules_api::CreateConversionRequestRequest request;
    request.set_request_id(request_id);
    request.set_account_number(account_);
    request.set_programme_id(programme_id);
    request.set_proposal_digest(digest);
    for (std::string& id : rule_ids) request.add_rule_ids(std::move(id));
    return engine().CreateConversionRequest(request, "learner " + account_);
  }

  static rules_api::DecideConversionRequest Decision(const std::string& id,
                                                     const std::string& reason) {
    rules_api::DecideConversionRequest request;
    request.set_conversion_request_id(id);
    request.set_reason(reason);
    return request;
  }

  absl::StatusOr<rules_api::ConversionRequest> Approve(const std::string& id,
                                                       RulesEngine* on = nullptr) {
    return (on != nullptr ? *on : engine())
        .ApproveConversionRequest(Decision(id, "经审核，证书与课程内容对应"), kCollegeActor);
  }

  absl::StatusOr<rules_api::ConversionRequest> Reject(const std::string& id,
                                                      const std::string& reason = "证书已过期") {
    return engine().RejectConversionRequest(Decision(id, reason), kCollegeActor);
  }

  absl::StatusOr<rules_api::ConversionRequest> Get(const std::string& id) {
    rules_api::GetConversionRequestRequest request;
    request.set_conversion_request_id(id);
    return engine().GetConversionRequest(request);
  }

  absl::StatusOr<ledger::v1::RecordOutcomeResponse> Reverse(uint64_t entry_id,
                                                            const std::string& institution) {
    return core().ReverseEntry(ReverseRequest(institution, absl::StrCat("fix-", entry_id), account_,
                                              entry_id, "证书被注销"));
  }

  // The account's conversion entries, in id order.
  std::vector<ledger::v1::Entry> ConversionEntries() {
    ledger::v1::ListEntriesRequest request = ListRequest(account_, 1000);
    request.set_kind(OUTCOME_KIND_CONVERSION);
    absl::StatusOr<ledger::v1::ListEntriesResponse> listed = core().ListEntries(request);
    EXPECT_THAT(listed, IsOk());
    if (!listed.ok()) return {};
    return {listed->entries().begin(), listed->entries().end()};
  }

  // Every row of the tables the engine and the ledger write, for "nothing
  // changed" checks.
  std::string Dump() {
    std::string dump;
    for (storage::Table table :
         {storage::Table::kRules, storage::Table::kConversions, storage::Table::kEntries}) {
      std::unique_ptr<storage::Cursor> cursor = core().store().Scan(table, "", "");
      for (; cursor->Valid(); cursor->Next()) {
        absl::StrAppend(&dump, static_cast<int>(table), " ", absl::CEscape(cursor->key()), " ",
                        absl::CEscape(cursor->value()), "\n");
      }
    }
    return dump;
  }

  CoreFixture fixture_;
  std::string account_;
  std::unique_ptr<RulesEngine> engine_;
};

// ---------------------------------------------------------- frameworks

TEST_F(RulesEngineTest, OpenStoresTheDefaultFrameworksOnce) {
  ASSERT_OK_AND_ASSIGN(rules_api::ListFrameworksResponse listed, engine().ListFrameworks());
  ASSERT_THAT(listed.frameworks(), SizeIs(2));
  EXPECT_EQ(listed.frameworks(0).id(), "cn-ncb");
  EXPECT_EQ(listed.frameworks(1).id(), "eqf");
  EXPECT_EQ(FromTimestamp(listed.frameworks(0).updated_at()), FixtureNow());

  // Opening again later finds them and leaves them as they are.
  fixture_.clock().Advance(absl::Hours(24));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<RulesEngine> again,
                       RulesEngine::Open(core(), core(), fixture_.clock()));
  ASSERT_OK_AND_ASSIGN(rules_api::ListFrameworksResponse relisted, again->ListFrameworks());
  EXPECT_EQ(relisted.SerializeAsString(), listed.SerializeAsString());
}

// ---------------------------------------------------------- programmes

TEST_F(RulesEngineTest, PutProgrammeStoresItForItsInstitution) {
  fixture_.clock().Advance(absl::Minutes(5));
  ASSERT_OK_AND_ASSIGN(rules_api::Programme stored, PutProgramme(WebProgramme()));
  EXPECT_EQ(FromTimestamp(stored.updated_at()), FixtureNow() + absl::Minutes(5));
  rules_api::GetProgrammeRequest get;
  get.set_programme_id(kProgrammeId);
  ASSERT_OK_AND_ASSIGN(rules_api::Programme read, engine().GetProgramme(get));
  EXPECT_EQ(read.SerializeAsString(), stored.SerializeAsString());

  rules_api::ListProgrammesRequest list;
  list.set_institution_code(kCollege);
  ASSERT_OK_AND_ASSIGN(rules_api::ListProgrammesResponse mine, engine().ListProgrammes(list));
  ASSERT_THAT(mine.programmes(), SizeIs(1));
  EXPECT_EQ(mine.programmes(0).id(), kProgrammeId);
  list.set_institution_code(kCommunity);
  ASSERT_OK_AND_ASSIGN(rules_api::ListProgrammesResponse theirs, engine().ListProgrammes(list));
  EXPECT_THAT(theirs.programmes(), IsEmpty());
}

TEST_F(RulesEngineTest, PutProgrammeRefusesUnknownInstitutionsAndMoves) {
  rules_api::Programme programme = WebProgramme();
  programme.set_institution_code("4150099999");
  absl::StatusOr<rules_api::Programme> unknown = PutProgramme(programme);
  EXPECT_THAT(unknown,
              StatusIs(absl::StatusCode::kNotFound, ElementsAre("programme.institution_code")));
  EXPECT_THAT(unknown, HasReason("INSTITUTION_NOT_FOUND"));

  ASSERT_THAT(PutProgramme(WebProgramme()), IsOk());
  programme.set_institution_code(kCommunity);
  absl::StatusOr<rules_api::Programme> moved = PutProgramme(programme);
  EXPECT_THAT(moved, StatusIs(absl::StatusCode::kFailedPrecondition,
                              ElementsAre("programme.institution_code")));
  EXPECT_THAT(moved, HasReason("INVALID_STATUS_TRANSITION"));

  rules_api::Programme untitled = WebProgramme();
  untitled.set_title("");
  EXPECT_THAT(PutProgramme(untitled),
              StatusIs(absl::StatusCode::kInvalidArgument, ElementsAre("programme.title")));
}

TEST_F(RulesEngineTest, ACourseARuleGrantsCannotBeDropped) {
  ASSERT_THAT(PutProgramme(WebProgramme()), IsOk());
  ASSERT_THAT(Apply({CertificateRule()}), IsOk());
  rules_api::Programme without = WebProgramme();
  without.mutable_courses()->erase(without.mutable_courses()->begin());  // WEB-FE
  absl::StatusOr<rules_api::Programme> dropped = PutProgramme(without);
  EXPECT_THAT(dropped,
              StatusIs(absl::StatusCode::kFailedPrecondition, ElementsAre("programme.courses")));
  EXPECT_THAT(dropped, HasReason("RULE_TARGET_IN_USE"));
  EXPECT_THAT(std::string(dropped.status().message()), HasSubstr("rule 1x-web-fe version 1"));
}

// --------------------------------------------------------------- rules

TEST_F(RulesEngineTest, ApplyingTheSameRulesTwiceChangesNothing) {
  ASSERT_THAT(PutProgramme(WebProgramme()), IsOk());
  ASSERT_OK_AND_ASSIGN(rules_api::ApplyRulesResponse first,
                       Apply({CertificateRule(), HoursRule()}));
  ASSERT_THAT(first.published(), SizeIs(2));
  EXPECT_THAT(first.unchanged(), IsEmpty());
  const rules_api::Rule& published = first.published(0);
  EXPECT_EQ(published.id(), "1x-web-fe");
  EXPECT_EQ(published.version(), 1u);
  EXPECT_EQ(published.programme_id(), kProgrammeId);
  EXPECT_EQ(published.owner(), kCollege);
  EXPECT_EQ(FromTimestamp(published.published_at()), FixtureNow());
  EXPECT_EQ(first.published(1).id(), "community-hours");
  EXPECT_EQ(first.published(1).version(), 1u);

  const std::string before = Dump();
  fixture_.clock().Advance(absl::Hours(1));
  ASSERT_OK_AND_ASSIGN(rules_api::ApplyRulesResponse again,
                       Apply({CertificateRule(), HoursRule()}));
  EXPECT_THAT(again.published(), IsEmpty());
  EXPECT_THAT(again.unchanged(), ElementsAre("1x-web-fe", "community-hours"));
  EXPECT_EQ(Dump(), before);
}

TEST_F(RulesEngineTest, AChangedRuleGetsTheNextVersion) {
  ASSERT_THAT(PutProgramme(WebProgramme()), IsOk());
  ASSERT_THAT(Apply({CertificateRule(), HoursRule()}), IsOk());
  fixture_.clock().Advance(absl::Hours(1));
  ASSERT_OK_AND_ASSIGN(rules_api::ApplyRulesResponse changed,
                       Apply({CertificateRule(), HoursRule(6'000)}));
  ASSERT_THAT(changed.published(), SizeIs(1));
  EXPECT_EQ(changed.published(0).id(), "community-hours");
  EXPECT_EQ(changed.published(0).version(), 2u);
  EXPECT_EQ(FromTimestamp(changed.published(0).published_at()), FixtureNow() + absl::Hours(1));
  EXPECT_THAT(changed.unchanged(), ElementsAre("1x-web-fe"));

  rules_api::ListRulesRequest list;
  list.set_programme_id(kProgrammeId);
  ASSERT_OK_AND_ASSIGN(rules_api::ListRulesResponse latest, engine().ListRules(list));
  ASSERT_THAT(latest.rules(), SizeIs(2));
  EXPECT_EQ(absl::StrCat(latest.rules(0).id(), " v", latest.rules(0).version()), "1x-web-fe v1");
  EXPECT_EQ(absl::StrCat(latest.rules(1).id(), " v", latest.rules(1).version()),
            "community-hours v2");
  list.set_all_versions(true);
  ASSERT_OK_AND_ASSIGN(rules_api::ListRulesResponse all, engine().ListRules(list));
  std::vector<std::string> versions;
  for (const rules_api::Rule& rule : all.rules()) {
    versions.push_back(absl::StrCat(rule.id(), " v", rule.version()));
  }
  EXPECT_THAT(versions, ElementsAre("1x-web-fe v1", "community-hours v1", "community-hours v2"));

  rules_api::GetRuleRequest get;
  get.set_programme_id(kProgrammeId);
  get.set_rule_id("community-hours");
  ASSERT_OK_AND_ASSIGN(rules_api::GetRuleResponse history, engine().GetRule(get));
  ASSERT_THAT(history.versions(), SizeIs(2));
  EXPECT_EQ(history.versions(0).grant().max_credits_milli(), 4'000);
  EXPECT_EQ(history.versions(1).grant().max_credits_milli(), 6'000);

  // Evaluation uses the new version.
  ASSERT_EQ(RecordHours("CQ-2026-0310", "CQ-COMM-TEA", 90), 1u);
  ASSERT_OK_AND_ASSIGN(rules_api::Proposal proposal, Evaluate());
  EXPECT_THAT(GrantTexts(proposal), ElementsAre("community-hours v2 [1] ELEC 5000"));
}

TEST_F(RulesEngineTest, RuleReadsNameWhatIsMissing) {
  rules_api::GetRuleRequest get;
  get.set_programme_id(kProgrammeId);
  get.set_rule_id("1x-web-fe");
  absl::StatusOr<rules_api::GetRuleResponse> no_programme = engine().GetRule(get);
  EXPECT_THAT(no_programme, StatusIs(absl::StatusCode::kNotFound, ElementsAre("programme_id")));
  EXPECT_THAT(no_programme, HasReason("PROGRAMME_NOT_FOUND"));

  ASSERT_THAT(PutProgramme(WebProgramme()), IsOk());
  absl::StatusOr<rules_api::GetRuleResponse> no_rule = engine().GetRule(get);
  EXPECT_THAT(no_rule, StatusIs(absl::StatusCode::kNotFound, ElementsAre("rule_id")));
  EXPECT_THAT(no_rule, HasReason("RULE_NOT_FOUND"));

  // Valid rules for a programme that does not exist: NOT_FOUND, not a
  // complaint about each grant's course.
  absl::StatusOr<rules_api::ApplyRulesResponse> applied =
      Apply({CertificateRule(), HoursRule()}, "CQGC-NONE");
  EXPECT_THAT(applied, StatusIs(absl::StatusCode::kNotFound, ElementsAre("programme_id")));
  EXPECT_THAT(applied, HasReason("PROGRAMME_NOT_FOUND"));
  // Bad fields are still reported first.
  rules_api::Rule bad_kind = CertificateRule();
  bad_kind.mutable_source()->mutable_match()->set_kind(OUTCOME_KIND_CONVERSION);
  EXPECT_THAT(Apply({bad_kind}, "CQGC-NONE"), StatusIs(absl::StatusCode::kInvalidArgument,
                                                       ElementsAre("rules[0].source.match.kind")));
}

TEST_F(RulesEngineTest, BadRulesAreRefusedWholeWithEveryFieldNamed) {
  ASSERT_THAT(PutProgramme(WebProgramme()), IsOk());
  ASSERT_THAT(Apply({CertificateRule()}), IsOk());
  const std::string before = Dump();
  rules_api::Rule good_change = HoursRule(6'000);
  rules_api::Rule bad_target = MakeRule("phys", M().Code("PHYS101"), CourseGrant("PHYS"));
  rules_api::Rule bad_kind =
      MakeRule("again", M().Kind(OUTCOME_KIND_CONVERSION), CourseGrant("MATH"));
  absl::StatusOr<rules_api::ApplyRulesResponse> applied =
      Apply({good_change, bad_target, bad_kind});
  EXPECT_THAT(applied,
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ElementsAre("rules[1].grant.course", "rules[2].source.match.kind")));
  // Refused as a whole: not even the good rule was published.
  EXPECT_EQ(Dump(), before);

  // A level bound in a framework the store does not know.
  rules_api::Rule aqf =
      MakeRule("aqf", M().Code(kWebCert).MinLevel(5, "aqf"), CourseGrant("WEB-FE"));
  EXPECT_THAT(Apply({aqf}), StatusIs(absl::StatusCode::kInvalidArgument,
                                     ElementsAre("rules[0].source.match.min_level.framework")));
  EXPECT_EQ(Dump(), before);
}

// ---------------------------------------------------------- evaluation

TEST_F(RulesEngineTest, EvaluateProposesWhatTheLedgerSupports) {
  StandardScenario();
  ASSERT_OK_AND_ASSIGN(rules_api::Proposal proposal, Evaluate());
  EXPECT_EQ(proposal.account_number(), account_);
  EXPECT_EQ(proposal.programme_id(), kProgrammeId);
  EXPECT_EQ(FormatDate(proposal.as_of()), "2026-07-01");  // today, in the bank's zone
  EXPECT_THAT(GrantTexts(proposal), ElementsAre("1x-web-fe v1 [1] WEB-FE/MAJOR 4000",
                                                "community-hours v1 [2,3] ELEC 3000"));
  EXPECT_THAT(NearMissTexts(proposal), IsEmpty());
  EXPECT_EQ(proposal.progress().account_number(), account_);
  EXPECT_EQ(proposal.progress().converted_credits_milli(), 7'000);
  EXPECT_EQ(proposal.entries_considered(), 3u);
  EXPECT_EQ(proposal.digest(), ProposalDigest(proposal));

  // On an earlier day the certificate did not exist yet.
  const common::Date earlier = Day(2025, 12, 1);
  ASSERT_OK_AND_ASSIGN(rules_api::Proposal then, Evaluate(&earlier));
  EXPECT_THAT(NearMissTexts(then),
              ElementsAre("1x-web-fe v1: entry 1 1X-WEB-FE-M: completed after the evaluation date",
                          "community-hours v1: entry 2 CQ-COMM-TEA: completed after the evaluation "
                          "date | entry 3 CQ-COMM-PHOTO: completed after the evaluation date"));

  // Evaluating writes nothing.
  const std::string before = Dump();
  ASSERT_OK_AND_ASSIGN(rules_api::Proposal again, Evaluate());
  EXPECT_EQ(again.SerializeAsString(), proposal.SerializeAsString());
  EXPECT_EQ(Dump(), before);
}

TEST_F(RulesEngineTest, EvaluateNamesAMissingProgramme) {
  absl::StatusOr<rules_api::Proposal> proposal = Evaluate();
  EXPECT_THAT(proposal, StatusIs(absl::StatusCode::kNotFound, ElementsAre("programme_id")));
  EXPECT_THAT(proposal, HasReason("PROGRAMME_NOT_FOUND"));
}

// ----------------------------------------------------- conversion requests

TEST_F(RulesEngineTest, ApprovedRequestWritesOneConversionEntryPerGrant) {
  StandardScenario();
  ASSERT_OK_AND_ASSIGN(rules_api::Proposal proposal, Evaluate());
  fixture_.clock().Advance(absl::Minutes(10));
  ASSERT_OK_AND_ASSIGN(rules_api::ConversionRequest created,
                       Create("web-2026-07", proposal.digest()));
  EXPECT_EQ(created.id(), "CR-000001");
  EXPECT_EQ(created.request_id(), "web-2026-07");
  EXPECT_EQ(created.account_number(), account_);
  EXPECT_EQ(created.programme_id(), kProgrammeId);
  EXPECT_EQ(created.status(), rules_api::CONVERSION_STATUS_PENDING);
  EXPECT_EQ(created.created_by(), "learner " + account_);
  EXPECT_EQ(FromTimestamp(created.created_at()), FixtureNow() + absl::Minutes(10));
  EXPECT_EQ(FormatDate(created.as_of()), "2026-07-01");
  EXPECT_EQ(GrantTexts(created.grants()), GrantTexts(proposal));

  // A retry answers with the same request; nothing new is stored.
  const std::string stored = Dump();
  ASSERT_OK_AND_ASSIGN(rules_api::ConversionRequest retried,
                       Create("web-2026-07", proposal.digest()));
  EXPECT_EQ(retried.SerializeAsString(), created.SerializeAsString());
  EXPECT_EQ(Dump(), stored);

  fixture_.clock().Advance(absl::Hours(2));
  ASSERT_OK_AND_ASSIGN(rules_api::ConversionRequest approved, Approve("CR-000001"));
  EXPECT_EQ(approved.status(), rules_api::CONVERSION_STATUS_APPROVED);
  EXPECT_EQ(approved.decided_by(), kCollegeActor);
  EXPECT_EQ(approved.reason(), "经审核，证书与课程内容对应");
  EXPECT_EQ(FromTimestamp(approved.decided_at()), FixtureNow() + absl::Minutes(130));
  EXPECT_THAT(approved.conversion_entry_ids(), ElementsAre(4u, 5u));
  EXPECT_FALSE(approved.needs_review());

  const std::vector<ledger::v1::Entry> conversions = ConversionEntries();
  ASSERT_THAT(conversions, SizeIs(2));
  rules_api::GetRuleRequest get;
  get.set_programme_id(kProgrammeId);
  get.set_rule_id("1x-web-fe");
  ASSERT_OK_AND_ASSIGN(rules_api::GetRuleResponse certificate_rule, engine().GetRule(get));
  get.set_rule_id("community-hours");
  ASSERT_OK_AND_ASSIGN(rules_api::GetRuleResponse hours_rule, engine().GetRule(get));

  const ledger::v1::Entry& course = conversions[0];
  EXPECT_EQ(course.entry_id(), 4u);
  EXPECT_EQ(course.institution_code(), kCollege);
  EXPECT_EQ(course.outcome().request_id(), "CR-000001.1");
  EXPECT_EQ(course.outcome().account_number(), account_);
  EXPECT_EQ(course.outcome().kind(), OUTCOME_KIND_CONVERSION);
  EXPECT_EQ(course.outcome().code(), "WEB-FE");
  EXPECT_EQ(course.outcome().title(), "Web 前端开发");
  EXPECT_EQ(course.outcome().credits_milli(), 4'000);
  EXPECT_EQ(course.outcome().framework_level(), 5u);
  EXPECT_EQ(course.outcome().sector(), common::SECTOR_VOCATIONAL);  // the college's own
  EXPECT_EQ(FormatDate(course.outcome().completion_date()), "2026-07-01");
  EXPECT_THAT(course.outcome().source_entry_ids(), ElementsAre(1u));
  // The evidence is the digest of the exact rule version that granted it.
  EXPECT_EQ(course.outcome().evidence_sha256(),
            Sha256(certificate_rule.versions(0).SerializeAsString()));

  const ledger::v1::Entry& elective = conversions[1];
  EXPECT_EQ(elective.entry_id(), 5u);
  EXPECT_EQ(elective.outcome().request_id(), "CR-000001.2");
  EXPECT_EQ(elective.outcome().code(), "ELEC");
  EXPECT_EQ(elective.outcome().title(), "选修课 (converted)");
  EXPECT_EQ(elective.outcome().credits_milli(), 3'000);
  EXPECT_THAT(elective.outcome().source_entry_ids(), ElementsAre(2u, 3u));
  EXPECT_EQ(elective.outcome().evidence_sha256(),
            Sha256(hours_rule.versions(0).SerializeAsString()));

  ASSERT_OK_AND_ASSIGN(rules_api::Progress progress, GetProgress());
  EXPECT_EQ(progress.account_number(), account_);
  EXPECT_THAT(CategoryTexts(progress),
              ElementsAre("GEN earned 0 converted 0 of 30000 missing 30000 courses [MATH]",
                          "MAJOR earned 0 converted 4000 of 60000 missing 56000 courses [WEB-BE]",
                          "ELEC earned 0 converted 3000 of 10000 missing 7000 courses []"));
  EXPECT_THAT(progress.flagged_conversion_entry_ids(), IsEmpty());

  // Converted once: a new evaluation offers nothing more.
  ASSERT_OK_AND_ASSIGN(rules_api::Proposal after, Evaluate());
  EXPECT_THAT(after.grants(), IsEmpty());
  EXPECT_THAT(
      NearMissTexts(after),
      ElementsAre("1x-web-fe v1: course WEB-FE already counted (already converted in entry 4)",
                  "community-hours v1: entry 2 CQ-COMM-TEA: already converted in entry 5 | "
                  "entry 3 CQ-COMM-PHOTO: already converted in entry 5"));

  // Approving again answers with the approval; no entry is written twice.
  ASSERT_OK_AND_ASSIGN(rules_api::ConversionRequest reapproved, Approve("CR-000001"));
  EXPECT_EQ(reapproved.SerializeAsString(), approved.SerializeAsString());
  EXPECT_THAT(ConversionEntries(), SizeIs(2));
  // An approved request cannot be rejected.
  absl::StatusOr<rules_api::ConversionRequest> rejected = Reject("CR-000001");
  EXPECT_THAT(rejected, StatusIs(absl::StatusCode::kFailedPrecondition,
                                 ElementsAre("conversion_request_id")));
  EXPECT_THAT(rejected, HasReason("INVALID_STATUS_TRANSITION"));
  ASSERT_OK_AND_ASSIGN(rules_api::ConversionRequest read, Get("CR-000001"));
  EXPECT_EQ(read.SerializeAsString(), approved.SerializeAsString());
}

TEST_F(RulesEngineTest, APendingRequestReservesItsSources) {
  StandardScenario();
  ASSERT_OK_AND_ASSIGN(rules_api::ConversionRequest first, Create("web-1", "", {"1x-web-fe"}));
  EXPECT_THAT(GrantTexts(first.grants()), ElementsAre("1x-web-fe v1 [1] WEB-FE/MAJOR 4000"));

  ASSERT_OK_AND_ASSIGN(rules_api::Proposal proposal, Evaluate());
  EXPECT_THAT(GrantTexts(proposal), ElementsAre("community-hours v1 [2,3] ELEC 3000"));
  EXPECT_THAT(NearMissTexts(proposal),
              ElementsAre("1x-web-fe v1: course WEB-FE already counted (reserved by open request "
                          "CR-000001)"));
  // Progress in the proposal counts the reservation too.
  EXPECT_EQ(proposal.progress().converted_credits_milli(), 7'000);

  // A second request cannot take the certificate again…
  absl::StatusOr<rules_api::ConversionRequest> again = Create("web-2", "", {"1x-web-fe"});
  EXPECT_THAT(again, StatusIs(absl::StatusCode::kFailedPrecondition, ElementsAre("rule_ids[0]")));
  EXPECT_THAT(again, HasReason("NOTHING_TO_CONVERT"));
  // …but may take what is left.
  ASSERT_OK_AND_ASSIGN(rules_api::ConversionRequest second, Create("hours-1"));
  EXPECT_EQ(second.id(), "CR-000002");
  EXPECT_THAT(GrantTexts(second.grants()), ElementsAre("community-hours v1 [2,3] ELEC 3000"));
  absl::StatusOr<rules_api::ConversionRequest> nothing = Create("hours-2");
  EXPECT_THAT(nothing,
              StatusIs(absl::StatusCode::kFailedPrecondition, ElementsAre("programme_id")));
  EXPECT_THAT(nothing, HasReason("NOTHING_TO_CONVERT"));

  // Each approves on its own; the other's reservation does not disturb it.
  ASSERT_OK_AND_ASSIGN(rules_api::ConversionRequest approved, Approve("CR-000001"));
  EXPECT_THAT(approved.conversion_entry_ids(), ElementsAre(4u));
  ASSERT_OK_AND_ASSIGN(approved, Approve("CR-000002"));
  EXPECT_THAT(approved.conversion_entry_ids(), ElementsAre(5u));
  EXPECT_THAT(ConversionEntries(), SizeIs(2));
}

TEST_F(RulesEngineTest, RequestIdsAreIdempotencyKeysPerAccount) {
  StandardScenario();
  ASSERT_THAT(Create("web-1", "", {"1x-web-fe"}), IsOk());
  rules_api::Programme other = WebProgramme();
  other.set_id("CQGC-WEB-2027");
  ASSERT_THAT(PutProgramme(other), IsOk());
  absl::StatusOr<rules_api::ConversionRequest> reused = Create("web-1", "", {}, "CQGC-WEB-2027");
  EXPECT_THAT(reused, StatusIs(absl::StatusCode::kAlreadyExists, ElementsAre("request_id")));
  EXPECT_THAT(reused, HasReason("REQUEST_ID_REUSED"));

  // A rule id that grants nothing now is named by its position.
  absl::StatusOr<rules_api::ConversionRequest> unknown_rule =
      Create("web-2", "", {"community-hours", "no-such-rule"});
  EXPECT_THAT(unknown_rule,
              StatusIs(absl::StatusCode::kFailedPrecondition, ElementsAre("rule_ids[1]")));
  EXPECT_THAT(unknown_rule, HasReason("NOTHING_TO_CONVERT"));
}

TEST_F(RulesEngineTest, AStaleDigestIsRefusedAndStoresNothing) {
  StandardScenario();
  ASSERT_OK_AND_ASSIGN(rules_api::Proposal seen, Evaluate());
  // Another 18 hours arrive: 72 hours, 4 credits instead of 3.
  ASSERT_EQ(RecordHours("CQ-2026-0312", "CQ-COMM-YOGA", 18), 4u);
  const std::string before = Dump();
  absl::StatusOr<rules_api::ConversionRequest> stale = Create("web-1", seen.digest());
  EXPECT_THAT(stale,
              StatusIs(absl::StatusCode::kFailedPrecondition, ElementsAre("proposal_digest")));
  EXPECT_THAT(stale, HasReason("PROPOSAL_CHANGED"));
  EXPECT_EQ(Dump(), before);

  ASSERT_OK_AND_ASSIGN(rules_api::Proposal fresh, Evaluate());
  EXPECT_NE(fresh.digest(), seen.digest());
  ASSERT_OK_AND_ASSIGN(rules_api::ConversionRequest created, Create("web-1", fresh.digest()));
  EXPECT_THAT(GrantTexts(created.grants()), ElementsAre("1x-web-fe v1 [1] WEB-FE/MAJOR 4000",
                                                        "community-hours v1 [2,3,4] ELEC 4000"));
}

TEST_F(RulesEngineTest, ApprovalFailsWhenASourceWasReversedMeanwhile) {
  StandardScenario();
  ASSERT_THAT(Create("web-1"), IsOk());
  ASSERT_OK_AND_ASSIGN(ledger::v1::RecordOutcomeResponse reversal, Reverse(1, kCertBody));
  EXPECT_EQ(reversal.entry().entry_id(), 4u);

  absl::StatusOr<rules_api::ConversionRequest> approved = Approve("CR-000001");
  EXPECT_THAT(approved, StatusIs(absl::StatusCode::kFailedPrecondition,
                                 ElementsAre("conversion_request_id")));
  EXPECT_THAT(approved, HasReason("PROPOSAL_CHANGED"));
  EXPECT_THAT(std::string(approved.status().message()),
              HasSubstr("the grant of rule 1x-web-fe version 1 no longer holds: entry 1 "
                        "1X-WEB-FE-M: reversed by entry 4"));
  ASSERT_OK_AND_ASSIGN(rules_api::ConversionRequest pending, Get("CR-000001"));
  EXPECT_EQ(pending.status(), rules_api::CONVERSION_STATUS_PENDING);
  EXPECT_EQ(pending.decided_by(), "");
  EXPECT_THAT(ConversionEntries(), IsEmpty());

  // A rejection needs a reason.
  const std::string before = Dump();
  EXPECT_THAT(Reject("CR-000001", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, ElementsAre("reason")));
  EXPECT_EQ(Dump(), before);
  fixture_.clock().Advance(absl::Minutes(3));
  ASSERT_OK_AND_ASSIGN(rules_api::ConversionRequest rejected, Reject("CR-000001", "证书已被注销"));
  EXPECT_EQ(rejected.status(), rules_api::CONVERSION_STATUS_REJECTED);
  EXPECT_EQ(rejected.reason(), "证书已被注销");
  EXPECT_EQ(rejected.decided_by(), kCollegeActor);
  EXPECT_EQ(FromTimestamp(rejected.decided_at()), FixtureNow() + absl::Minutes(3));

  // Rejected is final: it cannot be approved, and rejecting again changes
  // nothing.
  absl::StatusOr<rules_api::ConversionRequest> late = Approve("CR-000001");
  EXPECT_THAT(
      late, StatusIs(absl::StatusCode::kFailedPrecondition, ElementsAre("conversion_request_id")));
  EXPECT_THAT(late, HasReason("INVALID_STATUS_TRANSITION"));
  fixture_.clock().Advance(absl::Minutes(3));
  ASSERT_OK_AND_ASSIGN(rules_api::ConversionRequest again, Reject("CR-000001", "重复操作"));
  EXPECT_EQ(again.SerializeAsString(), rejected.SerializeAsString());
  EXPECT_THAT(ConversionEntries(), IsEmpty());

  // The rejected request no longer reserves the hours.
  ASSERT_OK_AND_ASSIGN(rules_api::Proposal proposal, Evaluate());
  EXPECT_THAT(GrantTexts(proposal), ElementsAre("community-hours v1 [2,3] ELEC 3000"));
}

TEST_F(RulesEngineTest, ApprovalFailsWhenTheRuleChangedMeanwhile) {
  StandardScenario();
  ASSERT_THAT(Create("web-1", "", {"1x-web-fe"}), IsOk());
  rules_api::Rule retitled = CertificateRule();
  retitled.set_title("1+X Web 前端开发（中级）→ Web 前端开发");
  ASSERT_OK_AND_ASSIGN(rules_api::ApplyRulesResponse applied, Apply({retitled}));
  ASSERT_THAT(applied.published(), SizeIs(1));
  absl::StatusOr<rules_api::ConversionRequest> approved = Approve("CR-000001");
  EXPECT_THAT(approved, HasReason("PROPOSAL_CHANGED"));
  EXPECT_THAT(std::string(approved.status().message()),
              HasSubstr("the rule now grants 4000 thousandths from entries 1"));
  EXPECT_THAT(ConversionEntries(), IsEmpty());
}

TEST_F(RulesEngineTest, ReversalAfterApprovalFlagsTheRequestForReview) {
  StandardScenario();
  ASSERT_THAT(Create("web-1"), IsOk());
  ASSERT_THAT(Approve("CR-000001"), IsOk());
  ASSERT_OK_AND_ASSIGN(ledger::v1::RecordOutcomeResponse reversal, Reverse(1, kCertBody));
  EXPECT_EQ(reversal.entry().entry_id(), 6u);

  ASSERT_OK_AND_ASSIGN(rules_api::ReviewReversalsResponse review, engine().ReviewReversals());
  EXPECT_EQ(review.requests_checked(), 1u);
  EXPECT_THAT(review.newly_flagged(), ElementsAre("CR-000001"));
  ASSERT_OK_AND_ASSIGN(rules_api::ConversionRequest flagged, Get("CR-000001"));
  EXPECT_EQ(flagged.status(), rules_api::CONVERSION_STATUS_APPROVED);
  EXPECT_TRUE(flagged.needs_review());
  EXPECT_THAT(flagged.reversed_source_entry_ids(), ElementsAre(1u));

  rules_api::ListConversionRequestsRequest list;
  list.set_needs_review(true);
  ASSERT_OK_AND_ASSIGN(rules_api::ListConversionRequestsResponse listed,
                       engine().ListConversionRequests(list));
  ASSERT_THAT(listed.requests(), SizeIs(1));
  EXPECT_EQ(listed.requests(0).id(), "CR-000001");

  // Progress no longer counts the WEB-FE conversion, and says which.
  ASSERT_OK_AND_ASSIGN(rules_api::Progress progress, GetProgress());
  EXPECT_THAT(progress.flagged_conversion_entry_ids(), ElementsAre(4u));
  EXPECT_THAT(
      CategoryTexts(progress),
      ElementsAre("GEN earned 0 converted 0 of 30000 missing 30000 courses [MATH]",
                  "MAJOR earned 0 converted 0 of 60000 missing 60000 courses [WEB-FE,WEB-BE]",
                  "ELEC earned 0 converted 3000 of 10000 missing 7000 courses []"));

  // Flagged once: the next review has nothing left to watch.
  ASSERT_OK_AND_ASSIGN(review, engine().ReviewReversals());
  EXPECT_EQ(review.requests_checked(), 0u);
  EXPECT_THAT(review.newly_flagged(), IsEmpty());
}

TEST_F(RulesEngineTest, ReadingProgressAlsoFlagsAReversedSource) {
  StandardScenario();
  ASSERT_THAT(Create("web-1"), IsOk());
  ASSERT_THAT(Approve("CR-000001"), IsOk());
  ASSERT_THAT(Reverse(2, kCommunity), IsOk());
  ASSERT_OK_AND_ASSIGN(rules_api::Progress progress, GetProgress());
  EXPECT_THAT(progress.flagged_conversion_entry_ids(), ElementsAre(5u));
  ASSERT_OK_AND_ASSIGN(rules_api::ConversionRequest flagged, Get("CR-000001"));
  EXPECT_TRUE(flagged.needs_review());
  EXPECT_THAT(flagged.reversed_source_entry_ids(), ElementsAre(2u));
  ASSERT_OK_AND_ASSIGN(rules_api::ReviewReversalsResponse review, engine().ReviewReversals());
  EXPECT_THAT(review.newly_flagged(), IsEmpty());
}

// ------------------------------------------------- interrupted approvals

TEST_F(RulesEngineTest, ApprovalInterruptedBeforeTheLedgerWriteIsFinishedByARetry) {
  StandardScenario();
  FlakyLedger ledger(core());
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<RulesEngine> flaky,
                       RulesEngine::Open(core(), ledger, fixture_.clock()));
  ASSERT_THAT(Create("web-1"), IsOk());

  ledger.FailNextRecordOutcomes(FlakyLedger::Failure::kBeforeWriting);
  EXPECT_THAT(Approve("CR-000001", flaky.get()), StatusIs(absl::StatusCode::kUnavailable));
  ASSERT_OK_AND_ASSIGN(rules_api::ConversionRequest stuck, Get("CR-000001"));
  EXPECT_EQ(stuck.status(), rules_api::CONVERSION_STATUS_APPROVING);
  EXPECT_EQ(stuck.decided_by(), kCollegeActor);
  EXPECT_THAT(ConversionEntries(), IsEmpty());
  // While it is being approved it still holds its sources.
  ASSERT_OK_AND_ASSIGN(rules_api::Proposal proposal, Evaluate());
  EXPECT_THAT(proposal.grants(), IsEmpty());

  fixture_.clock().Advance(absl::Minutes(1));
  ASSERT_OK_AND_ASSIGN(rules_api::ConversionRequest approved, Approve("CR-000001", flaky.get()));
  EXPECT_EQ(approved.status(), rules_api::CONVERSION_STATUS_APPROVED);
  EXPECT_THAT(approved.conversion_entry_ids(), ElementsAre(4u, 5u));
  // The decision is the first one's: the retry only finishes it.
  EXPECT_EQ(FromTimestamp(approved.decided_at()), FixtureNow());
  EXPECT_THAT(ConversionEntries(), SizeIs(2));
}

TEST_F(RulesEngineTest, ApprovalWhoseLedgerAnswerWasLostIsReplayedNotDuplicated) {
  StandardScenario();
  FlakyLedger ledger(core());
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<RulesEngine> flaky,
                       RulesEngine::Open(core(), ledger, fixture_.clock()));
  ASSERT_THAT(Create("web-1"), IsOk());

  ledger.FailNextRecordOutcomes(FlakyLedger::Failure::kAfterWriting);
  EXPECT_THAT(Approve("CR-000001", flaky.get()), StatusIs(absl::StatusCode::kUnavailable));
  ASSERT_OK_AND_ASSIGN(rules_api::ConversionRequest stuck, Get("CR-000001"));
  EXPECT_EQ(stuck.status(), rules_api::CONVERSION_STATUS_APPROVING);
  EXPECT_THAT(ConversionEntries(), SizeIs(2));  // written, though nobody heard

  // The retry's batch carries the same request ids: the ledger replays.
  ASSERT_OK_AND_ASSIGN(rules_api::ConversionRequest approved, Approve("CR-000001", flaky.get()));
  EXPECT_EQ(approved.status(), rules_api::CONVERSION_STATUS_APPROVED);
  EXPECT_THAT(approved.conversion_entry_ids(), ElementsAre(4u, 5u));
  EXPECT_THAT(ConversionEntries(), SizeIs(2));
}

// The batch is fixed when approval starts: a programme retitled between a
// lost ledger answer and the retry does not change what the retry sends
// (which the ledger would refuse as ALREADY_EXISTS, leaving the request
// pending with its entries written).
TEST_F(RulesEngineTest, ARetryAfterTheProgrammeChangedSendsTheSameBatch) {
  StandardScenario();
  FlakyLedger ledger(core());
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<RulesEngine> flaky,
                       RulesEngine::Open(core(), ledger, fixture_.clock()));
  ASSERT_THAT(Create("web-1"), IsOk());
  ledger.FailNextRecordOutcomes(FlakyLedger::Failure::kAfterWriting);
  EXPECT_THAT(Approve("CR-000001", flaky.get()), StatusIs(absl::StatusCode::kUnavailable));

  rules_api::Programme retitled = WebProgramme();
  for (rules_api::Course& course : *retitled.mutable_courses()) {
    course.set_title(course.title() + "（2027 修订）");
  }
  ASSERT_THAT(PutProgramme(retitled), IsOk());
  ASSERT_OK_AND_ASSIGN(rules_api::ConversionRequest approved, Approve("CR-000001", flaky.get()));
  EXPECT_EQ(approved.status(), rules_api::CONVERSION_STATUS_APPROVED);
  EXPECT_THAT(approved.conversion_entry_ids(), ElementsAre(4u, 5u));
  EXPECT_THAT(ConversionEntries(), SizeIs(2));
  ASSERT_EQ(approved.conversion_outcomes_size(), 2);
  EXPECT_EQ(approved.conversion_outcomes(0).request_id(), "CR-000001.1");
}

TEST_F(RulesEngineTest, ALedgerRefusalPutsTheRequestBackToPending) {
  StandardScenario();
  ASSERT_THAT(Create("web-1"), IsOk());
  ASSERT_THAT(core().FreezeAccount(StatusRequest(account_, "身份核查中")), IsOk());
  absl::StatusOr<rules_api::ConversionRequest> refused = Approve("CR-000001");
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(refused, HasReason("ACCOUNT_FROZEN"));
  ASSERT_OK_AND_ASSIGN(rules_api::ConversionRequest pending, Get("CR-000001"));
  EXPECT_EQ(pending.status(), rules_api::CONVERSION_STATUS_PENDING);
  EXPECT_EQ(pending.decided_by(), "");
  EXPECT_FALSE(pending.has_decided_at());
  EXPECT_THAT(ConversionEntries(), IsEmpty());

  ASSERT_THAT(core().UnfreezeAccount(StatusRequest(account_, "核查完毕")), IsOk());
  ASSERT_OK_AND_ASSIGN(rules_api::ConversionRequest approved, Approve("CR-000001"));
  EXPECT_THAT(approved.conversion_entry_ids(), ElementsAre(4u, 5u));
}

// ---------------------------------------------------------------- lists

TEST_F(RulesEngineTest, ListConversionRequestsFiltersAndPages) {
  StandardScenario();
  ASSERT_THAT(Create("web-1", "", {"1x-web-fe"}), IsOk());
  ASSERT_THAT(Create("hours-1"), IsOk());
  ASSERT_THAT(Approve("CR-000002"), IsOk());

  rules_api::ListConversionRequestsRequest list;
  list.set_account_number(account_);
  list.set_status(rules_api::CONVERSION_STATUS_PENDING);
  ASSERT_OK_AND_ASSIGN(rules_api::ListConversionRequestsResponse pending,
                       engine().ListConversionRequests(list));
  ASSERT_THAT(pending.requests(), SizeIs(1));
  EXPECT_EQ(pending.requests(0).id(), "CR-000001");

  list.Clear();
  list.set_programme_id(kProgrammeId);
  list.set_page_size(1);
  std::vector<std::string> ids;
  int pages = 0;
  for (; pages < 5; ++pages) {
    ASSERT_OK_AND_ASSIGN(rules_api::ListConversionRequestsResponse listed,
                         engine().ListConversionRequests(list));
    ASSERT_LE(listed.requests_size(), 1);
    for (const rules_api::ConversionRequest& request : listed.requests())
      ids.push_back(request.id());
    if (listed.next_page_token().empty()) break;
    list.set_page_token(listed.next_page_token());
  }
  EXPECT_THAT(ids, ElementsAre("CR-000001", "CR-000002"));
  // The second page ends full with nothing after it: no token, no third page.
  EXPECT_EQ(pages, 1);

  list.Clear();
  list.set_programme_id("CQGC-OTHER");
  ASSERT_OK_AND_ASSIGN(rules_api::ListConversionRequestsResponse none,
                       engine().ListConversionRequests(list));
  EXPECT_THAT(none.requests(), IsEmpty());
}

TEST_F(RulesEngineTest, UnknownRequestIsNotFound) {
  absl::StatusOr<rules_api::ConversionRequest> missing = Get("CR-000042");
  EXPECT_THAT(missing, StatusIs(absl::StatusCode::kNotFound, ElementsAre("conversion_request_id")));
  EXPECT_THAT(missing, HasReason("CONVERSION_REQUEST_NOT_FOUND"));
  EXPECT_THAT(Approve("CR-000042"), HasReason("CONVERSION_REQUEST_NOT_FOUND"));
}

// ------------------------------------------------------- invalid requests

TEST_F(RulesEngineTest, InvalidRequestsNameTheirFieldsAndChangeNothing) {
  StandardScenario();
  ASSERT_THAT(Create("web-1", "", {"1x-web-fe"}), IsOk());
  const std::string before = Dump();

  rules_api::CreateConversionRequestRequest create;
  create.set_request_id("bad id!");
  create.set_account_number("6217000000000015");
  create.set_programme_id("x");
  create.add_rule_ids("1x-web-fe");
  create.add_rule_ids("1x-web-fe");
  create.set_proposal_digest("short");
  EXPECT_THAT(engine().CreateConversionRequest(create, kOperator),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ElementsAre("request_id", "account_number", "programme_id", "rule_ids[1]",
                                   "proposal_digest")));

  rules_api::EvaluateRequest evaluate;
  evaluate.set_account_number("12345");
  evaluate.set_programme_id(kProgrammeId);
  evaluate.mutable_as_of()->set_year(2026);  // 30 February
  evaluate.mutable_as_of()->set_month(2);
  evaluate.mutable_as_of()->set_day(30);
  EXPECT_THAT(engine().Evaluate(evaluate),
              StatusIs(absl::StatusCode::kInvalidArgument, ElementsAre("account_number", "as_of")));

  EXPECT_THAT(
      engine().ApproveConversionRequest(Decision("CR-x", ""), kOperator),
      StatusIs(absl::StatusCode::kInvalidArgument, ElementsAre("conversion_request_id", "reason")));
  EXPECT_THAT(engine().RejectConversionRequest(Decision("", "理由"), kOperator),
              StatusIs(absl::StatusCode::kInvalidArgument, ElementsAre("conversion_request_id")));

  rules_api::ListConversionRequestsRequest list;
  list.set_page_size(-1);
  list.set_status(static_cast<rules_api::ConversionStatus>(99));
  EXPECT_THAT(engine().ListConversionRequests(list),
              StatusIs(absl::StatusCode::kInvalidArgument, ElementsAre("status", "page_size")));

  rules_api::ApplyRulesRequest apply;
  apply.set_programme_id(kProgrammeId);
  EXPECT_THAT(engine().ApplyRules(apply, kCollege),
              StatusIs(absl::StatusCode::kInvalidArgument, ElementsAre("rules")));

  rules_api::Rule server_fields = HoursRule(6'000);
  server_fields.set_version(7);
  server_fields.set_owner("bank");
  *apply.add_rules() = server_fields;
  EXPECT_THAT(engine().ApplyRules(apply, kCollege),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ElementsAre("rules[0].version", "rules[0].owner")));

  rules_api::GetProgressRequest progress;
  progress.set_account_number(account_);
  progress.set_programme_id("CQGC WEB");
  EXPECT_THAT(engine().GetProgress(progress),
              StatusIs(absl::StatusCode::kInvalidArgument, ElementsAre("programme_id")));

  EXPECT_EQ(Dump(), before);
  ASSERT_OK_AND_ASSIGN(rules_api::ConversionRequest still, Get("CR-000001"));
  EXPECT_EQ(still.status(), rules_api::CONVERSION_STATUS_PENDING);
}

}  // namespace
}  // namespace creditbank::domain::rules
