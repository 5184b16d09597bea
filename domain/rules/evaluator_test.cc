// Evaluation as a pure function: programmes, rules and ledger entries built
// by hand, compiled and evaluated, with every grant, near-miss reason and
// cap note compared exactly. The cases are the ones the credit bank meets:
// 1+X certificates, community and elderly-education hours, general
// education taken at a university, elective groups, recency windows, the
// programme's conversion caps, and entries that must never count twice.
#include "domain/rules/evaluator.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "domain/rules/frameworks.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/rule_builders.h"
#include "tests/testing/status_matchers.h"

namespace creditbank::domain::rules {
namespace {

namespace common = ::creditbank::common::v1;
using ::creditbank::testing::AllOf;
using ::creditbank::testing::AnyOf;
using ::creditbank::testing::CategoryGrant;
using ::creditbank::testing::CategoryTexts;
using ::creditbank::testing::CourseGrant;
using ::creditbank::testing::Day;
using ::creditbank::testing::EntryBuilder;
using ::creditbank::testing::GrantText;
using ::creditbank::testing::GrantTexts;
using ::creditbank::testing::KOf;
using ::creditbank::testing::kTestAccount;
using ::creditbank::testing::M;
using ::creditbank::testing::MakeRule;
using ::creditbank::testing::NearMissTexts;
using ::creditbank::testing::RateGrant;
using ::creditbank::testing::StatusIs;
using ::creditbank::testing::TotalText;
using ::creditbank::testing::Versioned;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

using common::OUTCOME_KIND_CERTIFICATE;
using common::OUTCOME_KIND_CONVERSION;
using common::OUTCOME_KIND_COURSE_CREDIT;
using common::OUTCOME_KIND_REVERSAL;
using common::OUTCOME_KIND_TRAINING_HOURS;

constexpr char kCollege[] = "4150013588";    // 重庆工程职业技术学院 (owns the programme)
constexpr char kCertBody[] = "CB-1X-0001";   // a 1+X certificate evaluation organisation
constexpr char kCommunity[] = "CQ-COMM-YZ";  // 渝中区社区教育学院
constexpr char kElderly[] = "CQ-ELDER-01";   // 重庆老年大学
constexpr char kEnterprise[] = "CQ-ENT-0042";     // an enterprise training centre
constexpr char kUniversity[] = "4150010611";      // 重庆大学
constexpr char kUniversity2[] = "4150010635";     // 西南大学
constexpr char kOpenUniversity[] = "4150051234";  // 重庆开放大学

constexpr char kWebCert[] = "1X-WEB-FE-M";
constexpr absl::CivilDay kToday(2026, 7, 1);

using ::creditbank::testing::AddCategory;
using ::creditbank::testing::AddCourse;

// A three-year vocational programme (专科, bank level 5), no caps.
rules_api::Programme VocationalProgramme() {
  rules_api::Programme programme;
  programme.set_id("CQGC-WEB-2026");
  programme.set_institution_code(kCollege);
  programme.set_title("软件技术（Web 前端方向）");
  programme.set_framework_level(5);
  programme.set_required_credits_milli(120'000);
  AddCategory(programme, "GEN", "公共基础课", 30'000);
  AddCategory(programme, "MAJOR", "专业课", 60'000);
  AddCategory(programme, "ELEC", "选修课", 10'000);
  AddCourse(programme, "WEB-FE", "Web 前端开发", "MAJOR", 4'000);
  AddCourse(programme, "WEB-BE", "Web 后端开发", "MAJOR", 4'000);
  AddCourse(programme, "DB", "数据库技术", "MAJOR", 3'000);
  AddCourse(programme, "MATH", "高等数学", "GEN", 4'000);
  AddCourse(programme, "ENG", "大学英语", "GEN", 3'000);
  return programme;
}

// An open-university bachelor programme (本科, level 6).
rules_api::Programme OpenUniversityProgramme() {
  rules_api::Programme programme;
  programme.set_id("CQOU-ADMIN-2026");
  programme.set_institution_code(kOpenUniversity);
  programme.set_title("行政管理（本科）");
  programme.set_framework_level(6);
  programme.set_required_credits_milli(80'000);
  AddCategory(programme, "GEN", "通识课", 20'000);
  AddCategory(programme, "MAJOR", "专业课", 40'000);
  AddCourse(programme, "OU-GEN01", "通识教育（一）", "GEN", 4'000);
  AddCourse(programme, "OU-ADM01", "行政管理学", "MAJOR", 4'000);
  return programme;
}

// The 1+X Web front-end certificate (intermediate) a certifying body
// records: no credits of its own, a pass, bank level 4.
EntryBuilder WebCertificate(uint64_t id) {
  return EntryBuilder(id, kCertBody, OUTCOME_KIND_CERTIFICATE, kWebCert, "Web 前端开发（中级）")
      .Sector(common::SECTOR_CERTIFYING_BODY)
      .Level(4)
      .Passed(true)
      .Completed(2025, 12, 10);
}

rules_api::Rule WebCertificateRule() {
  return Versioned(MakeRule("1x-web-fe",
                            M().Institutions({kCertBody})
                                .Sector(common::SECTOR_CERTIFYING_BODY)
                                .Kind(OUTCOME_KIND_CERTIFICATE)
                                .Code(kWebCert)
                                .MinLevel(4),
                            CourseGrant("WEB-FE")),
                   1);
}

// A general-education course taken at a university.
EntryBuilder UniversityCourse(uint64_t id, const std::string& code, int64_t score_milli,
                              int64_t scale_milli = 100'000,
                              const std::string& institution = kUniversity) {
  return EntryBuilder(id, institution, OUTCOME_KIND_COURSE_CREDIT, code)
      .Sector(common::SECTOR_GENERAL_HIGHER)
      .Credits(2'000)
      .Level(6)
      .Score(score_milli, scale_milli);
}

// A rule granting `credits` of `category` for one entry with `code`.
rules_api::Rule CodeToCategory(const std::string& id, const std::string& code,
                               const std::string& category, int64_t credits,
                               uint32_t priority = 0) {
  return Versioned(MakeRule(id, M().Code(code), CategoryGrant(category, credits), priority), 1);
}

rules_api::Rule CodeToCourse(const std::string& id, const std::string& code,
                             const std::string& course, uint32_t priority = 0) {
  return Versioned(MakeRule(id, M().Code(code), CourseGrant(course), priority), 1);
}

struct Options {
  absl::CivilDay as_of = kToday;
  std::vector<rules_api::ProposedGrant> reserved;
  std::string reserved_by;
};

Options AsOf(absl::CivilDay day) {
  Options run;
  run.as_of = day;
  return run;
}

absl::StatusOr<rules_api::Proposal> EvaluateRules(const rules_api::Programme& programme,
                                                  std::vector<rules_api::Rule> rules,
                                                  const std::vector<ledger::v1::Entry>& entries,
                                                  const Options& run = {}) {
  ASSIGN_OR_RETURN(std::shared_ptr<const CompiledRules> compiled,
                   CompiledRules::Compile(programme, std::move(rules), DefaultFrameworks()));
  EvaluationContext context;
  context.as_of = run.as_of;
  context.reserved = run.reserved;
  context.reserved_by = run.reserved_by;
  return Evaluate(*compiled, entries, context);
}

// ------------------------------------------------------- realistic grants

TEST(EvaluatorTest, OneXCertificateGrantsTheVocationalCollegeCourse) {
  ASSERT_OK_AND_ASSIGN(
      rules_api::Proposal proposal,
      EvaluateRules(VocationalProgramme(), {WebCertificateRule()}, {WebCertificate(1)}));
  EXPECT_THAT(GrantTexts(proposal), ElementsAre("1x-web-fe v1 [1] WEB-FE/MAJOR 4000"));
  EXPECT_THAT(proposal.grants(0).notes(), IsEmpty());
  EXPECT_THAT(NearMissTexts(proposal), IsEmpty());
  EXPECT_EQ(proposal.account_number(), kTestAccount);
  EXPECT_EQ(proposal.programme_id(), "CQGC-WEB-2026");
  EXPECT_EQ(FormatDate(proposal.as_of()), "2026-07-01");
  EXPECT_EQ(proposal.rules_considered(), 1u);
  EXPECT_EQ(proposal.entries_considered(), 1u);
  // The progress is what the learner would have once the grant is converted.
  EXPECT_THAT(
      CategoryTexts(proposal.progress()),
      ElementsAre("GEN earned 0 converted 0 of 30000 missing 30000 courses [MATH,ENG]",
                  "MAJOR earned 0 converted 4000 of 60000 missing 56000 courses [WEB-BE,DB]",
                  "ELEC earned 0 converted 0 of 10000 missing 10000 courses []"));
  EXPECT_EQ(TotalText(proposal.progress()),
            "earned 0 converted 4000 of 120000 missing 116000 met=false");
  EXPECT_EQ(proposal.progress().account_number(), kTestAccount);
  EXPECT_THAT(proposal.digest(), SizeIs(32));
  EXPECT_EQ(proposal.digest(), ProposalDigest(proposal));
}

TEST(EvaluatorTest, CertificateBelowTheLevelIsANearMissNamingEachEntry) {
  // A level-3 certificate, and one recorded without a level: neither is
  // the intermediate certificate the rule asks for.
  ASSERT_OK_AND_ASSIGN(rules_api::Proposal proposal,
                       EvaluateRules(VocationalProgramme(),
                                     {WebCertificateRule(), CodeToCourse("1x-db", "1X-DB-M", "DB")},
                                     {WebCertificate(1).Level(3), WebCertificate(2).Level(0)}));
  EXPECT_THAT(GrantTexts(proposal), IsEmpty());
  // The 1X-DB-M rule has no entry anywhere near: not a near miss.
  EXPECT_THAT(NearMissTexts(proposal),
              ElementsAre("1x-web-fe v1: entry 1 1X-WEB-FE-M: level 3 below level 4 | "
                          "entry 2 1X-WEB-FE-M: no framework level (needs level 4)"));
  EXPECT_EQ(proposal.rules_considered(), 2u);
}

TEST(EvaluatorTest, CertificateFromAnotherBodyOrSectorDoesNotMatch) {
  // Same code, but recorded by a vocational college in its own sector: the
  // rule names the certifying body, so the entry is not even relevant.
  ASSERT_OK_AND_ASSIGN(rules_api::Proposal proposal,
                       EvaluateRules(VocationalProgramme(), {WebCertificateRule()},
                                     {EntryBuilder(1, kCollege, OUTCOME_KIND_CERTIFICATE, kWebCert)
                                          .Sector(common::SECTOR_VOCATIONAL)
                                          .Level(4)}));
  EXPECT_THAT(GrantTexts(proposal), IsEmpty());
  EXPECT_THAT(NearMissTexts(proposal), IsEmpty());
}

// Community and elderly education: study hours at 18 hours per credit.
rules_api::Rule HoursRule(int64_t max_credits_milli) {
  return Versioned(
      MakeRule("community-hours",
               AnyOf({M().Kind(OUTCOME_KIND_TRAINING_HOURS).Sector(common::SECTOR_COMMUNITY),
                      M().Kind(OUTCOME_KIND_TRAINING_HOURS).Sector(common::SECTOR_ELDERLY)}),
               RateGrant("ELEC", 18, max_credits_milli)),
      1);
}

std::vector<ledger::v1::Entry> HoursEntries() {
  return {
      EntryBuilder(1, kCommunity, OUTCOME_KIND_TRAINING_HOURS, "CQ-COMM-TEA", "茶艺与健康生活")
          .Sector(common::SECTOR_COMMUNITY)
          .Hours(36),
      EntryBuilder(2, kElderly, OUTCOME_KIND_TRAINING_HOURS, "LN-CALLIG", "老年书法")
          .Sector(common::SECTOR_ELDERLY)
          .Hours(20),
      EntryBuilder(3, kCommunity, OUTCOME_KIND_TRAINING_HOURS, "CQ-COMM-PHOTO", "手机摄影")
          .Sector(common::SECTOR_COMMUNITY)
          .Hours(10),
      // Enterprise training and a community course for credit: other
      // sector, other kind — the rate rule must leave them alone.
      EntryBuilder(4, kEnterprise, OUTCOME_KIND_TRAINING_HOURS, "ENT-SAFETY", "安全生产培训")
          .Sector(common::SECTOR_ENTERPRISE_TRAINING)
          .Hours(40),
      EntryBuilder(5, kCommunity, OUTCOME_KIND_COURSE_CREDIT, "CQ-COMM-101", "社区治理")
          .Sector(common::SECTOR_COMMUNITY)
          .Credits(2'000)
          .Hours(32),
  };
}

TEST(EvaluatorTest, TrainingHoursOfSeveralEntriesAddUpAtTheRate) {
  ASSERT_OK_AND_ASSIGN(rules_api::Proposal proposal,
                       EvaluateRules(VocationalProgramme(), {HoursRule(4'000)}, HoursEntries()));
  // 36 + 20 + 10 = 66 hours / 18 = 3.666…: rounded down to a thousandth.
  EXPECT_THAT(GrantTexts(proposal), ElementsAre("community-hours v1 [1,2,3] ELEC 3666"));
  EXPECT_THAT(proposal.grants(0).notes(), ElementsAre("66 study hours at 18 hours per credit"));
  EXPECT_EQ(proposal.entries_considered(), 5u);
}

TEST(EvaluatorTest, TrainingHoursAreCappedByTheRule) {
  std::vector<ledger::v1::Entry> entries = HoursEntries();
  entries.push_back(EntryBuilder(6, kElderly, OUTCOME_KIND_TRAINING_HOURS, "LN-TAICHI", "太极拳")
                        .Sector(common::SECTOR_ELDERLY)
                        .Hours(30));
  ASSERT_OK_AND_ASSIGN(rules_api::Proposal proposal,
                       EvaluateRules(VocationalProgramme(), {HoursRule(4'000)}, entries));
  // 96 hours would be 5.333 credits; the rule gives at most 4.
  EXPECT_THAT(GrantTexts(proposal),
              ElementsAre("community-hours v1 [1,2,3,6] ELEC 4000 (uncapped 5333)"));
  EXPECT_THAT(proposal.grants(0).notes(),
              ElementsAre("96 study hours at 18 hours per credit",
                          "capped from 5.333 to 4 credits by the rule"));
  EXPECT_EQ(CategoryTexts(proposal.progress())[2],
            "ELEC earned 0 converted 4000 of 10000 missing 6000 courses []");
}

// Two general-education courses at a university for one open-university
// course, each with at least 60 of 100.
rules_api::Rule GeneralEducationPair() {
  return Versioned(MakeRule("ge-pair",
                            AllOf({M().Institutions({kUniversity}).Code("GE101").MinScore(60'000),
                                   M().Institutions({kUniversity}).Code("GE102").MinScore(60'000)}),
                            CourseGrant("OU-GEN01")),
                   1);
}

TEST(EvaluatorTest, TwoUniversityCoursesGrantAnOpenUniversityCourse) {
  // GE102 was graded on a 5-point scale: 4.5 of 5 is 90 of 100.
  ASSERT_OK_AND_ASSIGN(rules_api::Proposal proposal,
                       EvaluateRules(OpenUniversityProgramme(), {GeneralEducationPair()},
                                     {UniversityCourse(1, "GE101", 78'000),
                                      UniversityCourse(2, "GE102", 4'500, 5'000)}));
  EXPECT_THAT(GrantTexts(proposal), ElementsAre("ge-pair v1 [1,2] OU-GEN01/GEN 4000"));
  EXPECT_THAT(NearMissTexts(proposal), IsEmpty());
  EXPECT_EQ(TotalText(proposal.progress()),
            "earned 0 converted 4000 of 80000 missing 76000 met=false");
}

TEST(EvaluatorTest, ScoreBelowSixtyIsANearMissNamingTheEntryAndScore) {
  ASSERT_OK_AND_ASSIGN(
      rules_api::Proposal proposal,
      EvaluateRules(OpenUniversityProgramme(), {GeneralEducationPair()},
                    {UniversityCourse(1, "GE101", 78'000), UniversityCourse(2, "GE102", 55'000)}));
  EXPECT_THAT(GrantTexts(proposal), IsEmpty());
  EXPECT_THAT(NearMissTexts(proposal), ElementsAre("ge-pair v1: missing from an all-of group of 2: "
                                                   "entry 2 GE102: score 55 of 100 below 60"));
  EXPECT_EQ(proposal.near_misses(0).rule_version(), 1u);
}

TEST(EvaluatorTest, FivePointScoresAreComparedOnAHundredPointScale) {
  // 2.95 of 5 is 59 of 100: just short.
  ASSERT_OK_AND_ASSIGN(rules_api::Proposal proposal,
                       EvaluateRules(OpenUniversityProgramme(), {GeneralEducationPair()},
                                     {UniversityCourse(1, "GE101", 3'000, 5'000),
                                      UniversityCourse(2, "GE102", 2'950, 5'000)}));
  EXPECT_THAT(NearMissTexts(proposal), ElementsAre("ge-pair v1: missing from an all-of group of 2: "
                                                   "entry 2 GE102: score 59 of 100 below 60"));
}

TEST(EvaluatorTest, MissingCourseOfAnAllOfGroupIsNamed) {
  // GE102 only from another university: the rule names 重庆大学, so it is
  // missing, not failed.
  ASSERT_OK_AND_ASSIGN(
      rules_api::Proposal proposal,
      EvaluateRules(OpenUniversityProgramme(), {GeneralEducationPair()},
                    {UniversityCourse(1, "GE101", 78'000),
                     UniversityCourse(2, "GE102", 90'000, 100'000, kUniversity2)}));
  EXPECT_THAT(GrantTexts(proposal), IsEmpty());
  EXPECT_THAT(NearMissTexts(proposal), ElementsAre("ge-pair v1: missing from an all-of group of 2: "
                                                   "no entry with code GE102 from 4150010611"));
}

// --------------------------------------------------------------- groups

TEST(EvaluatorTest, AnyOfTakesTheAlternativeThatHolds) {
  rules_api::Rule rule = Versioned(
      MakeRule("ge-any",
               AnyOf({M().Code("GE201").MinScore(60'000), M().Code("GE202").MinScore(60'000)}),
               CategoryGrant("GEN", 2'000)),
      1);
  ASSERT_OK_AND_ASSIGN(
      rules_api::Proposal proposal,
      EvaluateRules(VocationalProgramme(), {rule},
                    {UniversityCourse(1, "GE201", 50'000), UniversityCourse(2, "GE202", 70'000)}));
  EXPECT_THAT(GrantTexts(proposal), ElementsAre("ge-any v1 [2] GEN 2000"));

  ASSERT_OK_AND_ASSIGN(proposal, EvaluateRules(VocationalProgramme(), {rule},
                                               {UniversityCourse(1, "GE201", 50'000),
                                                UniversityCourse(2, "GE202", 40'000)}));
  EXPECT_THAT(GrantTexts(proposal), IsEmpty());
  EXPECT_THAT(
      NearMissTexts(proposal),
      ElementsAre("ge-any v1: none of 2 alternatives: entry 1 GE201: score 50 of 100 below 60 | "
                  "none of 2 alternatives: entry 2 GE202: score 40 of 100 below 60"));
}

rules_api::Rule TwoOfFourElectives() {
  return Versioned(
      MakeRule("electives",
               KOf(2, {M().Code("EL1"), M().Code("EL2"), M().Code("EL3"), M().Code("EL4")}),
               CategoryGrant("ELEC", 4'000)),
      1);
}

TEST(EvaluatorTest, TwoOfFourElectivesTakeTheFirstTwoConditionsThatHold) {
  ASSERT_OK_AND_ASSIGN(
      rules_api::Proposal proposal,
      EvaluateRules(VocationalProgramme(), {TwoOfFourElectives()},
                    {UniversityCourse(1, "EL3", 80'000), UniversityCourse(2, "EL1", 80'000),
                     UniversityCourse(3, "EL4", 80'000)}));
  // Conditions are tried in order: EL1 (entry 2), then EL3 (entry 1).
  EXPECT_THAT(GrantTexts(proposal), ElementsAre("electives v1 [2,1] ELEC 4000"));
}

TEST(EvaluatorTest, OneOfFourElectivesIsANearMissNamingWhatIsMissing) {
  ASSERT_OK_AND_ASSIGN(rules_api::Proposal proposal,
                       EvaluateRules(VocationalProgramme(), {TwoOfFourElectives()},
                                     {UniversityCourse(1, "EL1", 80'000)}));
  EXPECT_THAT(GrantTexts(proposal), IsEmpty());
  EXPECT_THAT(
      NearMissTexts(proposal),
      ElementsAre("electives v1: needs 2 of 4: no entry with code EL2 | "
                  "needs 2 of 4: no entry with code EL3 | needs 2 of 4: no entry with code EL4"));
}

rules_api::Rule NestedRule() {
  return Versioned(MakeRule("nested",
                            AnyOf({AllOf({M().Code("A"), M().Code("B")}),
                                   KOf(2, {M().Code("C"), M().Code("D"), M().Code("E")})}),
                            CategoryGrant("ELEC", 3'000)),
                   1);
}

TEST(EvaluatorTest, NestedGroupsFallBackToTheSecondAlternative) {
  ASSERT_OK_AND_ASSIGN(
      rules_api::Proposal proposal,
      EvaluateRules(VocationalProgramme(), {NestedRule()},
                    {UniversityCourse(1, "A", 80'000), UniversityCourse(2, "C", 80'000),
                     UniversityCourse(3, "E", 80'000)}));
  // A alone does not make the all-of; C and E make the 2-of-3. Entry 1 (A),
  // tried first, is released again.
  EXPECT_THAT(GrantTexts(proposal), ElementsAre("nested v1 [2,3] ELEC 3000"));

  ASSERT_OK_AND_ASSIGN(proposal, EvaluateRules(VocationalProgramme(), {NestedRule()},
                                               {UniversityCourse(1, "A", 80'000),
                                                UniversityCourse(2, "C", 80'000)}));
  EXPECT_THAT(GrantTexts(proposal), IsEmpty());
  EXPECT_THAT(
      NearMissTexts(proposal),
      ElementsAre("nested v1: missing from an all-of group of 2: no entry with code B | "
                  "needs 2 of 3: no entry with code D | needs 2 of 3: no entry with code E"));
}

rules_api::Rule PrefixAndCodeRule() {
  // Any general-education course, and GE101 specifically: two entries.
  return Versioned(
      MakeRule("ge-two", AllOf({M().Prefix("GE"), M().Code("GE101")}), CategoryGrant("GEN", 2'000)),
      1);
}

TEST(EvaluatorTest, OneEntryCannotSatisfyTwoConditions) {
  ASSERT_OK_AND_ASSIGN(rules_api::Proposal proposal,
                       EvaluateRules(VocationalProgramme(), {PrefixAndCodeRule()},
                                     {UniversityCourse(1, "GE101", 80'000)}));
  EXPECT_THAT(GrantTexts(proposal), IsEmpty());
  EXPECT_THAT(NearMissTexts(proposal),
              ElementsAre("ge-two v1: each part can be met, but not with different entries"));
}

TEST(EvaluatorTest, BacktrackingFindsTheAssignmentAGreedyChoiceMisses) {
  // Greedy: the prefix condition takes entry 1 (GE101, the lowest id), and
  // then GE101 has no entry left. The search backs up: the prefix takes
  // entry 2, GE101 gets entry 1.
  ASSERT_OK_AND_ASSIGN(
      rules_api::Proposal proposal,
      EvaluateRules(VocationalProgramme(), {PrefixAndCodeRule()},
                    {UniversityCourse(1, "GE101", 80'000), UniversityCourse(2, "GE102", 80'000)}));
  EXPECT_THAT(GrantTexts(proposal), ElementsAre("ge-two v1 [2,1] GEN 2000"));
}

TEST(EvaluatorTest, AHopelessSearchGivesUpAfterTheStepBound) {
  // Five "any C course" conditions over ten C courses, then a Z course
  // that is never good enough: every arrangement of the C courses is tried
  // before the Z condition fails, far beyond the step bound.
  std::vector<rules_api::Condition> conditions(5, M().Prefix("C"));
  conditions.push_back(M().Code("Z").MinScore(90'000));
  rules_api::Rule rule =
      Versioned(MakeRule("hopeless", AllOf(conditions), CategoryGrant("ELEC", 1'000)), 1);
  std::vector<ledger::v1::Entry> entries;
  for (int i = 0; i < 10; ++i)
    entries.push_back(UniversityCourse(i + 1, absl::StrCat("C", i), 80'000));
  entries.push_back(UniversityCourse(11, "Z", 50'000));
  ASSERT_OK_AND_ASSIGN(rules_api::Proposal proposal,
                       EvaluateRules(VocationalProgramme(), {rule}, entries));
  EXPECT_THAT(GrantTexts(proposal), IsEmpty());
  EXPECT_THAT(NearMissTexts(proposal),
              ElementsAre("hopeless v1: missing from an all-of group of 6: entry 11 Z: score 50 of "
                          "100 below 90 | gave up after 10000 combinations of entries"));
}

TEST(EvaluatorTest, NearMissReasonsAndNamedEntriesAreBounded) {
  // One of ten codes, each with a failing entry: ten reasons, eight shown.
  // The first code has four failing entries: three named.
  std::vector<rules_api::Condition> conditions;
  std::vector<ledger::v1::Entry> entries;
  uint64_t id = 0;
  for (int i = 0; i < 10; ++i) {
    conditions.push_back(M().Code(absl::StrCat("K", i)).MinScore(60'000));
    for (int copies = i == 0 ? 4 : 1; copies > 0; --copies) {
      ++id;
      entries.push_back(UniversityCourse(id, absl::StrCat("K", i), 10'000));
    }
  }
  rules_api::Rule rule =
      Versioned(MakeRule("many", KOf(1, conditions), CategoryGrant("ELEC", 1'000)), 1);
  ASSERT_OK_AND_ASSIGN(rules_api::Proposal proposal,
                       EvaluateRules(VocationalProgramme(), {rule}, entries));
  ASSERT_THAT(proposal.near_misses(), SizeIs(1));
  const auto& reasons = proposal.near_misses(0).reasons();
  ASSERT_THAT(reasons, SizeIs(kMaxReasonsPerNearMiss + 1));
  EXPECT_EQ(reasons[0], "needs 1 of 10: entry 1 K0: score 10 of 100 below 60");
  EXPECT_EQ(reasons[2], "needs 1 of 10: entry 3 K0: score 10 of 100 below 60");
  EXPECT_EQ(reasons[3], "needs 1 of 10: entry 5 K1: score 10 of 100 below 60");
  // 3 for K0 and one for each of K1..K9: 12 reasons, 8 shown.
  EXPECT_EQ(reasons[8], "and 4 more");
}

// -------------------------------------------------------------- recency

rules_api::Rule RecentCourse() {
  return Versioned(MakeRule("recent", M().Code("GE101").MinScore(60'000).WithinYears(5),
                            CategoryGrant("GEN", 2'000)),
                   1);
}

TEST(EvaluatorTest, RecencyWindowExcludesAnOldCourse) {
  ASSERT_OK_AND_ASSIGN(
      rules_api::Proposal proposal,
      EvaluateRules(VocationalProgramme(), {RecentCourse()},
                    {UniversityCourse(1, "GE101", 80'000).Completed(2021, 6, 30)}));
  EXPECT_THAT(GrantTexts(proposal), IsEmpty());
  EXPECT_THAT(NearMissTexts(proposal),
              ElementsAre("recent v1: entry 1 GE101: completed 2021-06-30, more than 5 years "
                          "before 2026-07-01"));
}

TEST(EvaluatorTest, RecencyWindowIncludesItsFirstDay) {
  ASSERT_OK_AND_ASSIGN(rules_api::Proposal proposal,
                       EvaluateRules(VocationalProgramme(), {RecentCourse()},
                                     {UniversityCourse(1, "GE101", 80'000).Completed(2021, 7, 1)}));
  EXPECT_THAT(GrantTexts(proposal), ElementsAre("recent v1 [1] GEN 2000"));
}

TEST(EvaluatorTest, EntryCompletedAfterTheEvaluationDateDoesNotCount) {
  ASSERT_OK_AND_ASSIGN(rules_api::Proposal proposal,
                       EvaluateRules(VocationalProgramme(), {RecentCourse()},
                                     {UniversityCourse(1, "GE101", 80'000).Completed(2026, 3, 1)},
                                     AsOf(absl::CivilDay(2026, 1, 1))));
  EXPECT_THAT(GrantTexts(proposal), IsEmpty());
  EXPECT_THAT(NearMissTexts(proposal),
              ElementsAre("recent v1: entry 1 GE101: completed after the evaluation date"));
}

// ----------------------------------------------------------------- caps

TEST(EvaluatorTest, ProgrammeCapCutsCategoryGrantsAndDropsCourseGrantsWhole) {
  rules_api::Programme programme = VocationalProgramme();
  programme.set_required_credits_milli(100'000);
  programme.set_max_conversion_permille(100);  // 10 credits
  std::vector<rules_api::Rule> rules = {
      CodeToCourse("a-web-fe", "CERT-A", "WEB-FE", 1),
      CodeToCourse("b-web-be", "CERT-B", "WEB-BE", 2),
      CodeToCourse("c-math", "GE101", "MATH", 3),
      CodeToCategory("d-elec", "GE101", "ELEC", 3'000, 4),
      CodeToCategory("e-gen", "GE102", "GEN", 1'000, 5),
  };
  ASSERT_OK_AND_ASSIGN(
      rules_api::Proposal proposal,
      EvaluateRules(programme, rules,
                    {EntryBuilder(1, kCertBody, OUTCOME_KIND_CERTIFICATE, "CERT-A").Passed(true),
                     EntryBuilder(2, kCertBody, OUTCOME_KIND_CERTIFICATE, "CERT-B").Passed(true),
                     UniversityCourse(3, "GE101", 80'000), UniversityCourse(4, "GE102", 80'000)}));
  // 4 + 4 leave 2 credits: MATH (4) does not fit and is dropped whole, its
  // entry stays free, and the ELEC category grant on it is cut to 2.
  EXPECT_THAT(GrantTexts(proposal),
              ElementsAre("a-web-fe v1 [1] WEB-FE/MAJOR 4000", "b-web-be v1 [2] WEB-BE/MAJOR 4000",
                          "d-elec v1 [3] ELEC 2000 (uncapped 3000)"));
  EXPECT_THAT(proposal.grants(2).notes(),
              ElementsAre("capped from 3 to 2 credits by the programme conversion cap "
                          "(10 credits, 100‰ of 100)"));
  EXPECT_THAT(NearMissTexts(proposal),
              ElementsAre("c-math v1: matched entries 3, but the course MATH needs 4 credits; the "
                          "caps leave 2",
                          "e-gen v1: matched entries 4, but the programme conversion cap "
                          "(10 credits, 100‰ of 100) reached"));
  EXPECT_EQ(proposal.progress().converted_credits_milli(), 10'000);
}

TEST(EvaluatorTest, PerYearCapCountsAGrantInTheYearOfItsLatestSource) {
  rules_api::Programme programme = VocationalProgramme();
  programme.set_max_converted_credits_per_year_milli(5'000);
  std::vector<rules_api::Rule> rules = {
      CodeToCourse("a", "C2024A", "WEB-FE", 1),
      CodeToCategory("b", "C2024B", "ELEC", 3'000, 2),
      CodeToCourse("c", "C2025A", "WEB-BE", 3),
      CodeToCourse("d", "C2024C", "DB", 4),
      Versioned(MakeRule("e", AllOf({M().Code("C2023A"), M().Code("C2025B")}),
                         CategoryGrant("GEN", 2'000), 5),
                1),
  };
  ASSERT_OK_AND_ASSIGN(
      rules_api::Proposal proposal,
      EvaluateRules(programme, rules,
                    {UniversityCourse(1, "C2024A", 80'000).Completed(2024, 5, 10),
                     UniversityCourse(2, "C2024B", 80'000).Completed(2024, 11, 2),
                     UniversityCourse(3, "C2025A", 80'000).Completed(2025, 3, 1),
                     UniversityCourse(4, "C2024C", 80'000).Completed(2024, 12, 1),
                     UniversityCourse(5, "C2023A", 80'000).Completed(2023, 6, 1),
                     UniversityCourse(6, "C2025B", 80'000).Completed(2025, 6, 1)}));
  // 2024: 4 + 1 (cut from 3), then nothing; 2025: 4, then 1 for the pair
  // whose latest source is from 2025 (2023 alone would have had room).
  EXPECT_THAT(GrantTexts(proposal),
              ElementsAre("a v1 [1] WEB-FE/MAJOR 4000", "b v1 [2] ELEC 1000 (uncapped 3000)",
                          "c v1 [3] WEB-BE/MAJOR 4000", "e v1 [5,6] GEN 1000 (uncapped 2000)"));
  EXPECT_THAT(proposal.grants(1).notes(),
              ElementsAre("capped from 3 to 1 credits by the cap of 5 credits from 2024"));
  EXPECT_THAT(proposal.grants(3).notes(),
              ElementsAre("capped from 2 to 1 credits by the cap of 5 credits from 2025"));
  EXPECT_THAT(NearMissTexts(proposal),
              ElementsAre("d v1: matched entries 4, but the cap of 5 credits from 2024 reached"));
}

TEST(EvaluatorTest, PerSourceInstitutionCapCountsEveryInstitutionOfAGrant) {
  rules_api::Programme programme = VocationalProgramme();
  programme.set_max_converted_credits_per_source_institution_milli(6'000);
  std::vector<rules_api::Rule> rules = {
      CodeToCourse("a", "U1-A", "MATH", 1),
      CodeToCategory("b", "U1-B", "GEN", 4'000, 2),
      CodeToCourse("c", "U2-A", "ENG", 3),
      Versioned(MakeRule("d", AllOf({M().Code("U2-B"), M().Code("U1-C")}),
                         CategoryGrant("ELEC", 2'000), 4),
                1),
  };
  ASSERT_OK_AND_ASSIGN(
      rules_api::Proposal proposal,
      EvaluateRules(programme, rules,
                    {UniversityCourse(1, "U1-A", 80'000), UniversityCourse(2, "U1-B", 80'000),
                     UniversityCourse(3, "U2-A", 80'000, 100'000, kUniversity2),
                     UniversityCourse(4, "U2-B", 80'000, 100'000, kUniversity2),
                     UniversityCourse(5, "U1-C", 80'000)}));
  EXPECT_THAT(GrantTexts(proposal),
              ElementsAre("a v1 [1] MATH/GEN 4000", "b v1 [2] GEN 2000 (uncapped 4000)",
                          "c v1 [3] ENG/GEN 3000"));
  EXPECT_THAT(proposal.grants(1).notes(),
              ElementsAre("capped from 4 to 2 credits by the cap of 6 credits from 4150010611"));
  // 西南大学 has room, 重庆大学 none: a grant on both does not fit.
  EXPECT_THAT(NearMissTexts(proposal),
              ElementsAre("d v1: matched entries 4, 5, but the cap of 6 credits from 4150010611 "
                          "reached"));
}

// ------------------------------------------- entries that never count twice

TEST(EvaluatorTest, ReversedAndExpiredEntriesNeverCount) {
  std::vector<ledger::v1::Entry> entries = {
      WebCertificate(1).ReversedBy(3),
      WebCertificate(2).Completed(2023, 3, 31).ValidUntil(2026, 3, 31),
      EntryBuilder(3, kCertBody, OUTCOME_KIND_REVERSAL, kWebCert).Reverses(1),
  };
  ASSERT_OK_AND_ASSIGN(rules_api::Proposal proposal,
                       EvaluateRules(VocationalProgramme(), {WebCertificateRule()}, entries));
  EXPECT_THAT(GrantTexts(proposal), IsEmpty());
  EXPECT_THAT(NearMissTexts(proposal),
              ElementsAre("1x-web-fe v1: entry 1 1X-WEB-FE-M: reversed by entry 3 | "
                          "entry 2 1X-WEB-FE-M: expired on 2026-03-31"));
  // The reversal itself is never a source.
  EXPECT_EQ(proposal.entries_considered(), 2u);

  // valid_until is inclusive: on its last day the certificate still counts.
  ASSERT_OK_AND_ASSIGN(proposal, EvaluateRules(VocationalProgramme(), {WebCertificateRule()},
                                               entries, AsOf(absl::CivilDay(2026, 3, 31))));
  EXPECT_THAT(GrantTexts(proposal), ElementsAre("1x-web-fe v1 [2] WEB-FE/MAJOR 4000"));
}

// A conversion entry the college wrote for WEB-FE on entry 1.
EntryBuilder WebConversion(uint64_t id, const std::string& institution = kCollege) {
  return EntryBuilder(id, institution, OUTCOME_KIND_CONVERSION, "WEB-FE", "Web 前端开发")
      .Credits(4'000)
      .Level(5)
      .Completed(2026, 1, 15)
      .Sources({1});
}

TEST(EvaluatorTest, SourceOfAnExistingConversionIsNotUsedAgain) {
  std::vector<rules_api::Rule> rules = {
      WebCertificateRule(),
      CodeToCategory("1x-elec", kWebCert, "ELEC", 2'000, 1),
  };
  ASSERT_OK_AND_ASSIGN(
      rules_api::Proposal proposal,
      EvaluateRules(VocationalProgramme(), rules, {WebCertificate(1), WebConversion(2)}));
  EXPECT_THAT(GrantTexts(proposal), IsEmpty());
  EXPECT_THAT(
      NearMissTexts(proposal),
      ElementsAre("1x-web-fe v1: course WEB-FE already counted (already converted in entry 2)",
                  "1x-elec v1: entry 1 1X-WEB-FE-M: already converted in entry 2"));
  EXPECT_EQ(CategoryTexts(proposal.progress())[1],
            "MAJOR earned 0 converted 4000 of 60000 missing 56000 courses [WEB-BE,DB]");
  EXPECT_EQ(proposal.entries_considered(), 1u);
}

TEST(EvaluatorTest, ConversionsIntoOtherProgrammesOrReversedOnesLeaveTheSourceFree) {
  // A conversion the university recorded (another programme's), and one of
  // the college's that was reversed: neither holds entry 1.
  ASSERT_OK_AND_ASSIGN(
      rules_api::Proposal proposal,
      EvaluateRules(
          VocationalProgramme(), {WebCertificateRule()},
          {WebCertificate(1), WebConversion(2, kUniversity), WebConversion(3).ReversedBy(4),
           EntryBuilder(4, kCollege, OUTCOME_KIND_REVERSAL, "WEB-FE").Reverses(3)}));
  EXPECT_THAT(GrantTexts(proposal), ElementsAre("1x-web-fe v1 [1] WEB-FE/MAJOR 4000"));
}

// A conversion whose source was reversed no longer counts (progress leaves
// it out and lists it): its course is free for a conversion on another
// entry, here a certificate issued again.
TEST(EvaluatorTest, AConversionWithAReversedSourceNoLongerHoldsItsCourse) {
  ASSERT_OK_AND_ASSIGN(
      rules_api::Proposal proposal,
      EvaluateRules(VocationalProgramme(), {WebCertificateRule()},
                    {WebCertificate(1).ReversedBy(3), WebConversion(2),
                     EntryBuilder(3, kCertBody, OUTCOME_KIND_REVERSAL, kWebCert).Reverses(1),
                     WebCertificate(4)}));
  EXPECT_THAT(GrantTexts(proposal), ElementsAre("1x-web-fe v1 [4] WEB-FE/MAJOR 4000"));
  EXPECT_THAT(proposal.progress().flagged_conversion_entry_ids(), ElementsAre(2u));
}

TEST(EvaluatorTest, ExistingConversionsCountAgainstTheCaps) {
  rules_api::Programme programme = VocationalProgramme();
  programme.set_max_conversion_permille(50);  // 6 of 120 credits
  ASSERT_OK_AND_ASSIGN(
      rules_api::Proposal proposal,
      EvaluateRules(programme, {CodeToCategory("ge-elec", "GE101", "ELEC", 3'000)},
                    {WebCertificate(1), WebConversion(2), UniversityCourse(3, "GE101", 80'000)}));
  EXPECT_THAT(GrantTexts(proposal), ElementsAre("ge-elec v1 [3] ELEC 2000 (uncapped 3000)"));
  EXPECT_THAT(proposal.grants(0).notes(),
              ElementsAre("capped from 3 to 2 credits by the programme conversion cap "
                          "(6 credits, 50‰ of 120)"));
}

TEST(EvaluatorTest, ReservedGrantsOfOpenRequestsTakeSourcesCoursesAndCaps) {
  rules_api::Programme programme = VocationalProgramme();
  programme.set_max_conversion_permille(50);  // 6 of 120 credits
  rules_api::ProposedGrant reserved;
  reserved.set_rule_id("1x-web-fe");
  reserved.set_rule_version(1);
  reserved.add_source_entry_ids(1);
  reserved.set_course("WEB-FE");
  reserved.set_category("MAJOR");
  reserved.set_credits_milli(4'000);
  reserved.set_uncapped_credits_milli(4'000);
  std::vector<rules_api::Rule> rules = {
      WebCertificateRule(),
      CodeToCategory("1x-elec", kWebCert, "ELEC", 2'000, 1),
      CodeToCategory("ge-elec", "GE101", "ELEC", 3'000, 2),
  };
  Options run;
  run.reserved = {reserved};
  run.reserved_by = "reserved by open request CR-000007";
  ASSERT_OK_AND_ASSIGN(
      rules_api::Proposal proposal,
      EvaluateRules(programme, rules, {WebCertificate(1), UniversityCourse(2, "GE101", 80'000)},
                    run));
  EXPECT_THAT(GrantTexts(proposal), ElementsAre("ge-elec v1 [2] ELEC 2000 (uncapped 3000)"));
  EXPECT_THAT(NearMissTexts(proposal),
              ElementsAre("1x-web-fe v1: course WEB-FE already counted (reserved by open request "
                          "CR-000007)",
                          "1x-elec v1: entry 1 1X-WEB-FE-M: reserved by open request CR-000007"));
  // Progress counts the reservation as if converted, and this proposal.
  EXPECT_THAT(
      CategoryTexts(proposal.progress()),
      ElementsAre("GEN earned 0 converted 0 of 30000 missing 30000 courses [MATH,ENG]",
                  "MAJOR earned 0 converted 4000 of 60000 missing 56000 courses [WEB-BE,DB]",
                  "ELEC earned 0 converted 2000 of 10000 missing 8000 courses []"));
}

TEST(EvaluatorTest, CourseEarnedNativelyIsNotGrantedAgain) {
  ASSERT_OK_AND_ASSIGN(
      rules_api::Proposal proposal,
      EvaluateRules(
          VocationalProgramme(), {WebCertificateRule()},
          {WebCertificate(1),
           EntryBuilder(2, kCollege, OUTCOME_KIND_COURSE_CREDIT, "WEB-FE").Credits(4'000)}));
  EXPECT_THAT(GrantTexts(proposal), IsEmpty());
  EXPECT_THAT(NearMissTexts(proposal),
              ElementsAre("1x-web-fe v1: course WEB-FE already counted (earned in entry 2)"));
  EXPECT_EQ(CategoryTexts(proposal.progress())[1],
            "MAJOR earned 4000 converted 0 of 60000 missing 56000 courses [WEB-BE,DB]");
}

TEST(EvaluatorTest, SameCourseCodeElsewhereOrReversedIsNotEarnedHere) {
  // WEB-FE at the university is another course; the college's own WEB-FE
  // was reversed. The certificate still grants the course.
  ASSERT_OK_AND_ASSIGN(
      rules_api::Proposal proposal,
      EvaluateRules(
          VocationalProgramme(), {WebCertificateRule()},
          {WebCertificate(1),
           EntryBuilder(2, kUniversity, OUTCOME_KIND_COURSE_CREDIT, "WEB-FE").Credits(4'000),
           EntryBuilder(3, kCollege, OUTCOME_KIND_COURSE_CREDIT, "WEB-FE")
               .Credits(4'000)
               .ReversedBy(4),
           EntryBuilder(4, kCollege, OUTCOME_KIND_REVERSAL, "WEB-FE").Reverses(3)}));
  EXPECT_THAT(GrantTexts(proposal), ElementsAre("1x-web-fe v1 [1] WEB-FE/MAJOR 4000"));
}

// ------------------------------------------------------ versions and order

TEST(EvaluatorTest, TheVersionInEffectOnTheDateIsUsed) {
  rules_api::Rule v1 = CodeToCategory("ge-elec", "GE101", "ELEC", 2'000);
  *v1.mutable_effective_from() = Day(2024, 1, 1);
  *v1.mutable_effective_to() = Day(2025, 12, 31);
  rules_api::Rule v2 = Versioned(CodeToCategory("ge-elec", "GE101", "ELEC", 3'000), 2);
  *v2.mutable_effective_from() = Day(2026, 1, 1);
  rules_api::Rule v3 = Versioned(CodeToCategory("ge-elec", "GE101", "ELEC", 5'000), 3);
  *v3.mutable_effective_from() = Day(2027, 1, 1);  // published ahead of time
  // A rule retired at the end of 2025.
  rules_api::Rule retired = CodeToCategory("old", "GE101", "GEN", 1'000, 9);
  *retired.mutable_effective_to() = Day(2025, 12, 31);
  const std::vector<rules_api::Rule> versions = {v3, retired, v1, v2};  // any order
  const std::vector<ledger::v1::Entry> entries = {
      UniversityCourse(1, "GE101", 80'000).Completed(2024, 12, 20)};

  ASSERT_OK_AND_ASSIGN(
      rules_api::Proposal proposal,
      EvaluateRules(VocationalProgramme(), versions, entries, AsOf(absl::CivilDay(2025, 6, 1))));
  EXPECT_THAT(GrantTexts(proposal), ElementsAre("ge-elec v1 [1] ELEC 2000"));
  EXPECT_THAT(NearMissTexts(proposal),
              ElementsAre("old v1: entry 1 GE101: used by rule ge-elec in this proposal"));
  EXPECT_EQ(proposal.rules_considered(), 2u);

  ASSERT_OK_AND_ASSIGN(proposal, EvaluateRules(VocationalProgramme(), versions, entries));
  EXPECT_THAT(GrantTexts(proposal), ElementsAre("ge-elec v2 [1] ELEC 3000"));
  EXPECT_THAT(NearMissTexts(proposal), IsEmpty());
  EXPECT_EQ(proposal.rules_considered(), 1u);

  ASSERT_OK_AND_ASSIGN(proposal, EvaluateRules(VocationalProgramme(), versions, entries,
                                               AsOf(absl::CivilDay(2027, 1, 1))));
  EXPECT_THAT(GrantTexts(proposal), ElementsAre("ge-elec v3 [1] ELEC 5000"));
}

TEST(EvaluatorTest, AnOlderVersionAppliesWhenTheNewerWindowDoesNotHoldTheDay) {
  // v2 was a spring-2026 special; before and after it v1 applies.
  rules_api::Rule v1 = CodeToCategory("ge-elec", "GE101", "ELEC", 2'000);
  rules_api::Rule v2 = Versioned(CodeToCategory("ge-elec", "GE101", "ELEC", 3'000), 2);
  *v2.mutable_effective_from() = Day(2026, 1, 1);
  *v2.mutable_effective_to() = Day(2026, 3, 31);
  ASSERT_OK_AND_ASSIGN(
      rules_api::Proposal proposal,
      EvaluateRules(VocationalProgramme(), {v1, v2}, {UniversityCourse(1, "GE101", 80'000)}));
  EXPECT_THAT(GrantTexts(proposal), ElementsAre("ge-elec v1 [1] ELEC 2000"));
  ASSERT_OK_AND_ASSIGN(proposal, EvaluateRules(VocationalProgramme(), {v1, v2},
                                               {UniversityCourse(1, "GE101", 80'000)},
                                               AsOf(absl::CivilDay(2026, 3, 31))));
  EXPECT_THAT(GrantTexts(proposal), ElementsAre("ge-elec v2 [1] ELEC 3000"));
}

TEST(EvaluatorTest, PrioritiesThenIdsOrderTheRules) {
  // All three want the one entry: the lowest priority number wins, and of
  // equal priorities the lower id.
  std::vector<rules_api::Rule> rules = {
      CodeToCategory("a-gen", "GE101", "GEN", 2'000, 2),
      CodeToCategory("c-elec", "GE101", "ELEC", 1'000, 1),
      CodeToCategory("b-elec", "GE101", "ELEC", 2'000, 1),
  };
  ASSERT_OK_AND_ASSIGN(
      rules_api::Proposal proposal,
      EvaluateRules(VocationalProgramme(), rules, {UniversityCourse(1, "GE101", 80'000)}));
  EXPECT_THAT(GrantTexts(proposal), ElementsAre("b-elec v1 [1] ELEC 2000"));
  EXPECT_THAT(NearMissTexts(proposal),
              ElementsAre("c-elec v1: entry 1 GE101: used by rule b-elec in this proposal",
                          "a-gen v1: entry 1 GE101: used by rule b-elec in this proposal"));
}

// -------------------------------------------------------------- determinism

std::vector<rules_api::Rule> MixedRules() {
  return {
      WebCertificateRule(), HoursRule(4'000),
      Versioned(
          MakeRule("ge-pair",
                   AllOf({M().Code("GE101").MinScore(60'000), M().Code("GE102").MinScore(60'000)}),
                   CourseGrant("MATH")),
          1),
      TwoOfFourElectives()};
}

std::vector<ledger::v1::Entry> MixedEntries() {
  std::vector<ledger::v1::Entry> entries = HoursEntries();
  entries.push_back(WebCertificate(6));
  entries.push_back(UniversityCourse(7, "GE101", 88'000));
  entries.push_back(UniversityCourse(8, "GE102", 4'000, 5'000));
  entries.push_back(UniversityCourse(9, "EL2", 75'000));
  entries.push_back(UniversityCourse(10, "EL4", 66'000));
  return entries;
}

TEST(EvaluatorTest, SameInputsGiveTheSameProposalBytes) {
  ASSERT_OK_AND_ASSIGN(rules_api::Proposal first,
                       EvaluateRules(VocationalProgramme(), MixedRules(), MixedEntries()));
  ASSERT_THAT(first.grants(), SizeIs(4));
  // The ledger's order of entries and the store's order of rules do not
  // matter.
  std::vector<ledger::v1::Entry> shuffled = MixedEntries();
  std::reverse(shuffled.begin(), shuffled.end());
  std::vector<rules_api::Rule> rules = MixedRules();
  std::reverse(rules.begin(), rules.end());
  ASSERT_OK_AND_ASSIGN(rules_api::Proposal second,
                       EvaluateRules(VocationalProgramme(), rules, shuffled));
  EXPECT_EQ(first.SerializeAsString(), second.SerializeAsString());
  EXPECT_EQ(first.digest(), second.digest());
  EXPECT_THAT(
      GrantTexts(first),
      ElementsAre("1x-web-fe v1 [6] WEB-FE/MAJOR 4000", "community-hours v1 [1,2,3] ELEC 3666",
                  "electives v1 [9,10] ELEC 4000", "ge-pair v1 [7,8] MATH/GEN 4000"));
}

TEST(EvaluatorTest, DigestChangesWithAGrantAndOnlyWithWhatGrantsSay) {
  ASSERT_OK_AND_ASSIGN(rules_api::Proposal base,
                       EvaluateRules(VocationalProgramme(), MixedRules(), MixedEntries()));

  // One more hour of community education changes one grant's credits.
  std::vector<ledger::v1::Entry> more_hours = MixedEntries();
  more_hours[2].mutable_outcome()->set_study_hours(11);
  ASSERT_OK_AND_ASSIGN(rules_api::Proposal changed,
                       EvaluateRules(VocationalProgramme(), MixedRules(), more_hours));
  EXPECT_EQ(GrantText(changed.grants(1)), "community-hours v1 [1,2,3] ELEC 3722");
  EXPECT_NE(changed.digest(), base.digest());

  // A failed course adds a near miss but changes no grant: same digest.
  std::vector<ledger::v1::Entry> with_failure = MixedEntries();
  rules_api::Rule strict = Versioned(
      MakeRule("strict", M().Code("GE103").MinScore(60'000), CategoryGrant("GEN", 1'000)), 1);
  with_failure.push_back(UniversityCourse(11, "GE103", 30'000));
  std::vector<rules_api::Rule> rules = MixedRules();
  rules.push_back(strict);
  ASSERT_OK_AND_ASSIGN(rules_api::Proposal near_miss,
                       EvaluateRules(VocationalProgramme(), rules, with_failure));
  EXPECT_THAT(NearMissTexts(near_miss),
              ElementsAre("strict v1: entry 11 GE103: score 30 of 100 below 60"));
  EXPECT_EQ(near_miss.digest(), base.digest());

  // Another day is another proposal, even with the same grants.
  ASSERT_OK_AND_ASSIGN(rules_api::Proposal tomorrow,
                       EvaluateRules(VocationalProgramme(), MixedRules(), MixedEntries(),
                                     AsOf(absl::CivilDay(2026, 7, 2))));
  EXPECT_EQ(GrantTexts(tomorrow), GrantTexts(base));
  EXPECT_NE(tomorrow.digest(), base.digest());

  // The digest covers the rule version too.
  std::vector<rules_api::Rule> bumped = MixedRules();
  bumped[0].set_version(2);
  ASSERT_OK_AND_ASSIGN(rules_api::Proposal version_two,
                       EvaluateRules(VocationalProgramme(), bumped, MixedEntries()));
  EXPECT_NE(version_two.digest(), base.digest());
}

// ---------------------------------------------------- levels and grades

TEST(EvaluatorTest, MinimumLevelInEqfUsesTheCrosswalk) {
  rules_api::Rule rule = Versioned(
      MakeRule("eqf5", M().Kind(OUTCOME_KIND_CERTIFICATE).Prefix("1X-").MinLevel(5, "eqf"),
               CategoryGrant("ELEC", 2'000)),
      1);
  ASSERT_OK_AND_ASSIGN(rules_api::Proposal proposal,
                       EvaluateRules(VocationalProgramme(), {rule}, {WebCertificate(1)}));
  EXPECT_THAT(NearMissTexts(proposal),
              ElementsAre("eqf5 v1: entry 1 1X-WEB-FE-M: level 4 below eqf level 5"));
  // Bank level 9 maps to EQF 8.
  ASSERT_OK_AND_ASSIGN(proposal, EvaluateRules(VocationalProgramme(), {rule},
                                               {WebCertificate(1), WebCertificate(2).Level(9)}));
  EXPECT_THAT(GrantTexts(proposal), ElementsAre("eqf5 v1 [2] ELEC 2000"));
}

TEST(EvaluatorTest, CompileRefusesAnUnknownFramework) {
  rules_api::Rule rule =
      Versioned(MakeRule("aqf", M().Kind(OUTCOME_KIND_CERTIFICATE).MinLevel(5, "aqf"),
                         CategoryGrant("ELEC", 2'000)),
                1);
  EXPECT_THAT(CompiledRules::Compile(VocationalProgramme(), {rule}, DefaultFrameworks()),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST(EvaluatorTest, CompileRefusesAGrantOfACourseTheProgrammeDropped) {
  EXPECT_THAT(CompiledRules::Compile(VocationalProgramme(), {CodeToCourse("gone", "GE101", "PHYS")},
                                     DefaultFrameworks()),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

rules_api::Rule LetterRule(const std::string& id, const std::string& letter) {
  return Versioned(MakeRule(id, M().Code("EN201").MinLetter(letter), CategoryGrant("ELEC", 1'000)),
                   1);
}

TEST(EvaluatorTest, LetterGradesCompareByRank) {
  auto english = [](uint64_t id, const std::string& letter) {
    return EntryBuilder(id, kUniversity, OUTCOME_KIND_COURSE_CREDIT, "EN201").Letter(letter);
  };
  ASSERT_OK_AND_ASSIGN(
      rules_api::Proposal proposal,
      EvaluateRules(VocationalProgramme(), {LetterRule("b-plus", "B+")}, {english(1, "B")}));
  EXPECT_THAT(NearMissTexts(proposal), ElementsAre("b-plus v1: entry 1 EN201: grade B below B+"));
  ASSERT_OK_AND_ASSIGN(proposal, EvaluateRules(VocationalProgramme(), {LetterRule("b-plus", "B+")},
                                               {english(1, "B"), english(2, "A-")}));
  EXPECT_THAT(GrantTexts(proposal), ElementsAre("b-plus v1 [2] ELEC 1000"));

  // The Chinese five-level scale: 良好 (B) reaches 中等 (C), not the reverse.
  ASSERT_OK_AND_ASSIGN(proposal,
                       EvaluateRules(VocationalProgramme(), {LetterRule("zhongdeng", "中等")},
                                     {english(1, "良好")}));
  EXPECT_THAT(GrantTexts(proposal), ElementsAre("zhongdeng v1 [1] ELEC 1000"));
  ASSERT_OK_AND_ASSIGN(
      proposal,
      EvaluateRules(VocationalProgramme(), {LetterRule("lianghao", "良好")}, {english(1, "中等")}));
  EXPECT_THAT(NearMissTexts(proposal),
              ElementsAre("lianghao v1: entry 1 EN201: grade 中等 below 良好"));
  // A score does not meet a letter bound.
  ASSERT_OK_AND_ASSIGN(proposal, EvaluateRules(VocationalProgramme(), {LetterRule("b-plus", "B+")},
                                               {UniversityCourse(1, "EN201", 95'000)}));
  EXPECT_THAT(NearMissTexts(proposal),
              ElementsAre("b-plus v1: entry 1 EN201: scored, not graded by letter (needs B+)"));
}

TEST(EvaluatorTest, PassAcceptsPassesPassingLettersAndScores) {
  rules_api::Rule rule =
      Versioned(MakeRule("pass", M().Prefix("P").MinPass(), CategoryGrant("ELEC", 1'000)), 1);
  auto course = [](uint64_t id, const std::string& code) {
    return EntryBuilder(id, kUniversity, OUTCOME_KIND_COURSE_CREDIT, code);
  };
  ASSERT_OK_AND_ASSIGN(
      rules_api::Proposal proposal,
      EvaluateRules(VocationalProgramme(), {rule},
                    {course(1, "P1").Passed(false), course(2, "P2").Letter("不及格"),
                     course(3, "P3").Score(59'000, 100'000)}));
  EXPECT_THAT(
      NearMissTexts(proposal),
      ElementsAre("pass v1: entry 1 P1: not passed | entry 2 P2: grade 不及格 below a pass | "
                  "entry 3 P3: score 59 of 100 below the pass mark 60"));
  for (EntryBuilder passing :
       {course(5, "P5").Passed(true), course(5, "P5").Letter("及格"), course(5, "P5").Letter("D"),
        course(5, "P5").Score(60'000, 100'000), course(5, "P5").Score(3'000, 5'000)}) {
    ASSERT_OK_AND_ASSIGN(proposal, EvaluateRules(VocationalProgramme(), {rule}, {passing}));
    EXPECT_THAT(GrantTexts(proposal), ElementsAre("pass v1 [5] ELEC 1000"))
        << passing.Build().outcome().grade().ShortDebugString();
  }
}

TEST(EvaluatorTest, NearMissesListOnlyRulesSomeEntryComesNear) {
  std::vector<rules_api::Rule> rules = {
      CodeToCategory("unrelated", "NOPE101", "GEN", 1'000),
      Versioned(
          MakeRule("relevant", M().Code("GE101").MinScore(90'000), CategoryGrant("GEN", 1'000)), 1),
      Versioned(MakeRule("half", AllOf({M().Code("NOPE102"), M().Code("NOPE103")}),
                         CategoryGrant("ELEC", 1'000)),
                1),
  };
  ASSERT_OK_AND_ASSIGN(
      rules_api::Proposal proposal,
      EvaluateRules(VocationalProgramme(), rules, {UniversityCourse(1, "GE101", 80'000)}));
  EXPECT_THAT(NearMissTexts(proposal),
              ElementsAre("relevant v1: entry 1 GE101: score 80 of 100 below 90"));
  EXPECT_EQ(proposal.rules_considered(), 3u);
}

TEST(EvaluatorTest, AnAccountWithoutEntriesGetsAnEmptyProposal) {
  ASSERT_OK_AND_ASSIGN(rules_api::Proposal proposal,
                       EvaluateRules(VocationalProgramme(), MixedRules(), {}));
  EXPECT_THAT(proposal.grants(), IsEmpty());
  EXPECT_THAT(proposal.near_misses(), IsEmpty());
  EXPECT_EQ(proposal.entries_considered(), 0u);
  EXPECT_EQ(TotalText(proposal.progress()),
            "earned 0 converted 0 of 120000 missing 120000 met=false");
  EXPECT_THAT(proposal.digest(), SizeIs(32));
}

}  // namespace
}  // namespace creditbank::domain::rules
