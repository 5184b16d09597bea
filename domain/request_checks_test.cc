// Every stateless field rule, table-driven: each case changes one thing in
// an otherwise valid request and names exactly the fields that must be
// reported.
#include "domain/request_checks.h"

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"
#include "tests/testing/error_matchers.h"
#include "tests/testing/fixtures.h"

namespace creditbank::domain {
namespace {

namespace common = ::creditbank::common::v1;
using ::creditbank::testing::CourseOutcome;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::CivilDay kToday(2026, 7, 1);
constexpr char kAccount[] = "6217000000000014";

using ::creditbank::testing::Repeat;

using ::creditbank::testing::Reported;

// The fields and descriptions `violations` would report, in order.
Reported ReportOf(const FieldViolations& violations) {
  return ::creditbank::testing::ReportOf(violations.ToStatus());
}

common::Date MakeDate(int year, int month, int day) {
  common::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

TEST(FieldPathTest, JoinsWithADot) {
  EXPECT_EQ(FieldPath("", "title"), "title");
  EXPECT_EQ(FieldPath("outcome", "title"), "outcome.title");
  EXPECT_EQ(FieldPath("outcomes[3]", "grade.letter"), "outcomes[3].grade.letter");
}

struct OutcomeCase {
  std::string name;
  std::function<void(ledger::v1::Outcome&)> change;
  std::vector<std::string> fields;
  std::string description;  // of the first field; "" to skip
};

TEST(CheckOutcomeTest, ReportsExactlyTheBadFields) {
  const std::vector<OutcomeCase> cases = {
      {"valid course", [](auto&) {}, {}, ""},
      // request_id
      {"request id empty", [](auto& o) { o.set_request_id(""); }, {"outcome.request_id"},
       "must not be empty"},
      {"request id 65 characters", [](auto& o) { o.set_request_id(std::string(65, 'r')); },
       {"outcome.request_id"}, "must have at most 64 characters, has 65"},
      {"request id with space", [](auto& o) { o.set_request_id("2026 S1"); },
       {"outcome.request_id"}, ""},
      // account_number
      {"account wrong check digit", [](auto& o) { o.set_account_number("6217000000000015"); },
       {"outcome.account_number"}, "has a wrong check digit (Luhn); check for a mistyped digit"},
      {"account empty", [](auto& o) { o.set_account_number(""); }, {"outcome.account_number"},
       "must not be empty"},
      // kind
      {"kind unspecified", [](auto& o) { o.set_kind(common::OUTCOME_KIND_UNSPECIFIED); },
       {"outcome.kind"}, "must be a known outcome kind, got 0"},
      {"kind reversal", [](auto& o) { o.set_kind(common::OUTCOME_KIND_REVERSAL); },
       {"outcome.kind"}, "reversals are made with ReverseEntry"},
      {"kind unknown number",
       [](auto& o) { o.set_kind(static_cast<common::OutcomeKind>(42)); }, {"outcome.kind"},
       "must be a known outcome kind, got 42"},
      // code and title
      {"code empty", [](auto& o) { o.set_code(""); }, {"outcome.code"}, "must not be empty"},
      {"code chinese", [](auto& o) { o.set_code("高数"); }, {"outcome.code"}, ""},
      {"code 33 characters", [](auto& o) { o.set_code(std::string(33, 'C')); },
       {"outcome.code"}, "must have at most 32 characters, has 33"},
      {"title empty", [](auto& o) { o.set_title(""); }, {"outcome.title"}, "must not be empty"},
      {"title 200 characters", [](auto& o) { o.set_title(Repeat("学", 200)); }, {}, ""},
      {"title 201 characters", [](auto& o) { o.set_title(Repeat("学", 201)); },
       {"outcome.title"}, "must have at most 200 characters, has 201"},
      {"title GBK bytes", [](auto& o) { o.set_title("\xb8\xdf\xb5\xc8\xca\xfd\xd1\xa7"); },
       {"outcome.title"}, "is not valid UTF-8 (at byte 0)"},
      {"title with newline", [](auto& o) { o.set_title("高等数学\n"); }, {"outcome.title"},
       "contains a control character (at byte 12)"},
      {"title padded", [](auto& o) { o.set_title(" 高等数学"); }, {"outcome.title"},
       "must not start or end with white space"},
      // credits and hours
      {"credits negative", [](auto& o) { o.set_credits_milli(-1); },
       {"outcome.credits_milli"}, "must be 0..100000 (thousandths of a credit)"},
      {"credits at the limit", [](auto& o) { o.set_credits_milli(100000); }, {}, ""},
      {"credits past the limit", [](auto& o) { o.set_credits_milli(100001); },
       {"outcome.credits_milli"}, "must be 0..100000 (thousandths of a credit)"},
      {"course without credits", [](auto& o) { o.set_credits_milli(0); },
       {"outcome.credits_milli"}, "a course credit must carry credits"},
      {"certificate without credits",
       [](auto& o) {
         o.set_kind(common::OUTCOME_KIND_CERTIFICATE);
         o.set_credits_milli(0);
       },
       {}, ""},
      {"hours past the limit", [](auto& o) { o.set_study_hours(10001); },
       {"outcome.study_hours"}, "must be at most 10000"},
      {"hours at the limit", [](auto& o) { o.set_study_hours(10000); }, {}, ""},
      {"training without hours",
       [](auto& o) {
         o.set_kind(common::OUTCOME_KIND_TRAINING_HOURS);
         o.set_credits_milli(0);
         o.set_study_hours(0);
       },
       {"outcome.study_hours"}, "training hours must be positive"},
      {"training with hours and no credits",
       [](auto& o) {
         o.set_kind(common::OUTCOME_KIND_TRAINING_HOURS);
         o.set_credits_milli(0);
         o.set_study_hours(16);
       },
       {}, ""},
      // grade
      {"score scale zero", [](auto& o) { o.mutable_grade()->mutable_score()->set_scale_milli(0); },
       {"outcome.grade.score.scale_milli"}, "must be 1..1000000"},
      {"score scale too large",
       [](auto& o) { o.mutable_grade()->mutable_score()->set_scale_milli(1000001); },
       {"outcome.grade.score.scale_milli"}, "must be 1..1000000"},
      {"score above scale",
       [](auto& o) { o.mutable_grade()->mutable_score()->set_score_milli(100001); },
       {"outcome.grade.score.score_milli"}, "must be between 0 and the scale"},
      {"score negative", [](auto& o) { o.mutable_grade()->mutable_score()->set_score_milli(-1); },
       {"outcome.grade.score.score_milli"}, "must be between 0 and the scale"},
      {"full marks", [](auto& o) { o.mutable_grade()->mutable_score()->set_score_milli(100000); },
       {}, ""},
      {"letter A-", [](auto& o) { o.mutable_grade()->set_letter("A-"); }, {}, ""},
      {"letter 良好", [](auto& o) { o.mutable_grade()->set_letter("良好"); }, {}, ""},
      {"letter E", [](auto& o) { o.mutable_grade()->set_letter("E"); }, {"outcome.grade.letter"},
       "must be one of A+ A A- B+ B B- C+ C C- D+ D D- F 优秀 良好 中等 及格 不及格"},
      {"letter lower case", [](auto& o) { o.mutable_grade()->set_letter("a"); },
       {"outcome.grade.letter"}, ""},
      {"letter 合格", [](auto& o) { o.mutable_grade()->set_letter("合格"); },
       {"outcome.grade.letter"}, ""},
      {"passed", [](auto& o) { o.mutable_grade()->set_passed(true); }, {}, ""},
      {"failed with credits", [](auto& o) { o.mutable_grade()->set_passed(false); },
       {"outcome.credits_milli"}, "a failing grade (F, 不及格, fail) earns no credits"},
      {"letter F with credits", [](auto& o) { o.mutable_grade()->set_letter("F"); },
       {"outcome.credits_milli"}, "a failing grade (F, 不及格, fail) earns no credits"},
      {"不及格 with credits", [](auto& o) { o.mutable_grade()->set_letter("不及格"); },
       {"outcome.credits_milli"}, "a failing grade (F, 不及格, fail) earns no credits"},
      {"failed exam without credits",
       [](auto& o) {
         o.set_kind(common::OUTCOME_KIND_EXAM);
         o.set_credits_milli(0);
         o.mutable_grade()->set_letter("不及格");
       },
       {}, ""},
      {"low score with credits (pass mark is the institution's)",
       [](auto& o) { o.mutable_grade()->mutable_score()->set_score_milli(30000); }, {}, ""},
      {"no grade", [](auto& o) { o.clear_grade(); }, {}, ""},
      // level and sector
      {"level 10", [](auto& o) { o.set_framework_level(10); }, {}, ""},
      {"level 0 (none)", [](auto& o) { o.set_framework_level(0); }, {}, ""},
      {"level 11", [](auto& o) { o.set_framework_level(11); }, {"outcome.framework_level"},
       "must be 0 (none) or 1..10"},
      {"sector unspecified", [](auto& o) { o.set_sector(common::SECTOR_UNSPECIFIED); }, {}, ""},
      {"sector unknown", [](auto& o) { o.set_sector(static_cast<common::Sector>(99)); },
       {"outcome.sector"}, "unknown sector 99"},
      // dates
      {"completion unset", [](auto& o) { o.clear_completion_date(); },
       {"outcome.completion_date"}, "must be set"},
      {"completion today", [](auto& o) { *o.mutable_completion_date() = MakeDate(2026, 7, 1); },
       {}, ""},
      {"completion tomorrow",
       [](auto& o) { *o.mutable_completion_date() = MakeDate(2026, 7, 2); },
       {"outcome.completion_date"}, "2026-07-02 is in the future (today is 2026-07-01)"},
      {"completion not a date",
       [](auto& o) { *o.mutable_completion_date() = MakeDate(2026, 2, 29); },
       {"outcome.completion_date"}, "2026-02-29 is not a calendar date"},
      {"completion 1900-01-01",
       [](auto& o) { *o.mutable_completion_date() = MakeDate(1900, 1, 1); }, {}, ""},
      {"valid until the next day",
       [](auto& o) { *o.mutable_valid_until() = MakeDate(2026, 6, 21); }, {}, ""},
      {"valid until the completion day",
       [](auto& o) { *o.mutable_valid_until() = MakeDate(2026, 6, 20); },
       {"outcome.valid_until"}, "2026-06-20 is before 2026-06-21"},
      {"valid until not a date",
       [](auto& o) { *o.mutable_valid_until() = MakeDate(2029, 6, 31); },
       {"outcome.valid_until"}, "2029-06-31 is not a calendar date"},
      {"valid until with bad completion reports only completion",
       [](auto& o) {
         o.clear_completion_date();
         *o.mutable_valid_until() = MakeDate(2000, 1, 1);
       },
       {"outcome.completion_date"}, "must be set"},
      // evidence
      {"evidence SHA-256", [](auto& o) { o.set_evidence_sha256(std::string(32, '\x01')); }, {},
       ""},
      {"evidence 31 bytes", [](auto& o) { o.set_evidence_sha256(std::string(31, '\x01')); },
       {"outcome.evidence_sha256"}, "must be empty or 32 bytes (SHA-256)"},
      {"evidence hex text",
       [](auto& o) { o.set_evidence_sha256(std::string(64, 'a')); },
       {"outcome.evidence_sha256"}, ""},
      // source entries
      {"sources on a course", [](auto& o) { o.add_source_entry_ids(1); },
       {"outcome.source_entry_ids"}, "only conversions name source entries"},
      {"conversion with sources",
       [](auto& o) {
         o.set_kind(common::OUTCOME_KIND_CONVERSION);
         o.add_source_entry_ids(1);
         o.add_source_entry_ids(2);
       },
       {}, ""},
      {"conversion without sources", [](auto& o) { o.set_kind(common::OUTCOME_KIND_CONVERSION); },
       {"outcome.source_entry_ids"}, "a conversion must name at least one source entry"},
      {"conversion with 50 sources",
       [](auto& o) {
         o.set_kind(common::OUTCOME_KIND_CONVERSION);
         for (uint64_t id = 1; id <= 50; ++id) o.add_source_entry_ids(id);
       },
       {}, ""},
      {"conversion with 51 sources",
       [](auto& o) {
         o.set_kind(common::OUTCOME_KIND_CONVERSION);
         for (uint64_t id = 1; id <= 51; ++id) o.add_source_entry_ids(id);
       },
       {"outcome.source_entry_ids"}, "at most 50 source entries"},
      {"conversion with source 0",
       [](auto& o) {
         o.set_kind(common::OUTCOME_KIND_CONVERSION);
         o.add_source_entry_ids(0);
       },
       {"outcome.source_entry_ids"}, "entry ids start at 1"},
      {"conversion with a repeated source",
       [](auto& o) {
         o.set_kind(common::OUTCOME_KIND_CONVERSION);
         o.add_source_entry_ids(7);
         o.add_source_entry_ids(8);
         o.add_source_entry_ids(7);
       },
       {"outcome.source_entry_ids"}, "entry 7 repeats"},
      // several at once, in the order the rules run
      {"everything wrong",
       [](auto& o) {
         o.Clear();
         o.set_credits_milli(-5);
         o.add_source_entry_ids(3);
       },
       {"outcome.request_id", "outcome.account_number", "outcome.kind", "outcome.code",
        "outcome.title", "outcome.credits_milli", "outcome.completion_date",
        "outcome.source_entry_ids"},
       "must not be empty"},
  };
  for (const OutcomeCase& c : cases) {
    ledger::v1::Outcome outcome = CourseOutcome(kAccount, "2026S1-MATH101-1");
    c.change(outcome);
    FieldViolations violations;
    CheckOutcome(outcome, kToday, "outcome", violations);
    const Reported reported = ReportOf(violations);
    EXPECT_EQ(reported.fields, c.fields) << c.name;
    if (!c.description.empty() && !reported.descriptions.empty()) {
      EXPECT_EQ(reported.descriptions[0], c.description) << c.name;
    }
  }
}

TEST(CheckOutcomeTest, PrefixesFieldsOfBatchItems) {
  ledger::v1::Outcome outcome = CourseOutcome(kAccount, "r-1");
  outcome.set_title("");
  FieldViolations violations;
  CheckOutcome(outcome, kToday, "outcomes[17]", violations);
  EXPECT_THAT(ReportOf(violations).fields, ElementsAre("outcomes[17].title"));
}

struct SimpleCase {
  std::string name;
  std::function<void(FieldViolations&)> check;
  std::vector<std::string> fields;
  std::string description;
};

void RunSimpleCases(const std::vector<SimpleCase>& cases) {
  for (const SimpleCase& c : cases) {
    FieldViolations violations;
    c.check(violations);
    const Reported reported = ReportOf(violations);
    EXPECT_EQ(reported.fields, c.fields) << c.name;
    if (!c.description.empty() && !reported.descriptions.empty()) {
      EXPECT_EQ(reported.descriptions[0], c.description) << c.name;
    }
  }
}

TEST(SimpleFieldChecksTest, ReportUnderTheGivenField) {
  RunSimpleCases({
      {"account ok", [](auto& v) { CheckAccountNumberField(kAccount, "account_number", v); }, {},
       ""},
      {"account bad",
       [](auto& v) { CheckAccountNumberField("6217000000000041", "account_number", v); },
       {"account_number"}, "has a wrong check digit (Luhn); check for a mistyped digit"},
      {"institution ok", [](auto& v) { CheckInstitutionCodeField("4150013588", "code", v); }, {},
       ""},
      {"institution lower case",
       [](auto& v) { CheckInstitutionCodeField("cqgc", "institution_code", v); },
       {"institution_code"}, "has a character outside [A-Z0-9-] at position 0"},
      {"reason chinese", [](auto& v) { CheckReasonField("学员申请冻结账户", "reason", v); }, {},
       ""},
      {"reason empty", [](auto& v) { CheckReasonField("", "reason", v); }, {"reason"},
       "must not be empty"},
      {"reason 500", [](auto& v) { CheckReasonField(Repeat("因", 500), "reason", v); }, {}, ""},
      {"reason 501", [](auto& v) { CheckReasonField(Repeat("因", 501), "reason", v); },
       {"reason"}, "must have at most 500 characters, has 501"},
      {"request id ok", [](auto& v) { CheckRequestIdField("fix-2026-001", "request_id", v); },
       {}, ""},
      {"request id bad", [](auto& v) { CheckRequestIdField("修正1", "request_id", v); },
       {"request_id"}, ""},
      {"sector set", [](auto& v) { CheckSectorField(common::SECTOR_ELDERLY, false, "sector", v); },
       {}, ""},
      {"sector unspecified allowed",
       [](auto& v) { CheckSectorField(common::SECTOR_UNSPECIFIED, true, "sector", v); }, {}, ""},
      {"sector unspecified required",
       [](auto& v) { CheckSectorField(common::SECTOR_UNSPECIFIED, false, "sector", v); },
       {"sector"}, "must be set"},
      {"sector unknown", [](auto& v) { CheckSectorField(9, true, "sector", v); }, {"sector"},
       "unknown sector 9"},
      {"sector negative", [](auto& v) { CheckSectorField(-1, true, "sector", v); }, {"sector"},
       "unknown sector -1"},
      {"page size 0", [](auto& v) { CheckPageSizeField(0, "page_size", v); }, {}, ""},
      {"page size 1000", [](auto& v) { CheckPageSizeField(1000, "page_size", v); }, {}, ""},
      {"page size 1001", [](auto& v) { CheckPageSizeField(1001, "page_size", v); },
       {"page_size"}, "must be 0..1000 (0 means 100)"},
      {"page size -1", [](auto& v) { CheckPageSizeField(-1, "page_size", v); }, {"page_size"},
       ""},
      {"institution name", [](auto& v) { CheckInstitutionName("重庆市渝中区社区教育学院", "name", v); },
       {}, ""},
      {"institution name 101",
       [](auto& v) { CheckInstitutionName(Repeat("学", 101), "name", v); }, {"name"},
       "must have at most 100 characters, has 101"},
      {"institution name empty", [](auto& v) { CheckInstitutionName("", "name", v); }, {"name"},
       "must not be empty"},
  });
}

accounts::v1::PersonalDetails Details(const std::string& name, const std::string& phone,
                                      const std::string& email) {
  accounts::v1::PersonalDetails details;
  details.set_name(name);
  details.set_phone(phone);
  details.set_email(email);
  return details;
}

TEST(CheckPersonalDetailsTest, ChecksNamePhoneAndEmail) {
  struct Case {
    std::string name;
    accounts::v1::PersonalDetails details;
    std::vector<std::string> fields;
  };
  const std::vector<Case> cases = {
      {"all set", Details("李娜", "13800138000", "li.na@example.cn"), {}},
      {"only a name", Details("王芳", "", ""), {}},
      {"international phone", Details("陈静", "+8613800138000", ""), {}},
      {"5-digit phone", Details("陈静", "12345", ""), {}},
      {"20-digit phone", Details("陈静", std::string(20, '1'), ""), {}},
      {"long minority name", Details("阿卜杜热西提·买买提", "", ""), {}},
      {"no name", Details("", "13800138000", ""), {"details.name"}},
      {"name 65 characters", Details(Repeat("张", 65), "", ""), {"details.name"}},
      {"phone with dashes", Details("李娜", "138-0013-8000", ""), {"details.phone"}},
      {"4-digit phone", Details("李娜", "1234", ""), {"details.phone"}},
      {"21-digit phone", Details("李娜", std::string(21, '1'), ""), {"details.phone"}},
      {"phone only +", Details("李娜", "+", ""), {"details.phone"}},
      {"phone with +  inside", Details("李娜", "86+13800138000", ""), {"details.phone"}},
      {"email without @", Details("李娜", "", "li.na.example.cn"), {"details.email"}},
      {"email with two @", Details("李娜", "", "li@na@example.cn"), {"details.email"}},
      {"email without local part", Details("李娜", "", "@example.cn"), {"details.email"}},
      {"email without domain", Details("李娜", "", "li.na@"), {"details.email"}},
      {"email domain without dot", Details("李娜", "", "li.na@localhost"), {"details.email"}},
      {"email with space", Details("李娜", "", "li na@example.cn"), {"details.email"}},
      {"email domain only a dot", Details("李娜", "", "a@."), {"details.email"}},
      {"email domain ends with a dot", Details("李娜", "", "a@example."), {"details.email"}},
      {"email domain starts with a dot", Details("李娜", "", "a@.cn"), {"details.email"}},
      {"email domain with an empty label", Details("李娜", "", "a@example..cn"), {"details.email"}},
      {"email with chinese", Details("李娜", "", "李娜@example.cn"), {"details.email"}},
      {"email 255 characters",
       Details("李娜", "", std::string(244, 'a') + "@example.cn"), {"details.email"}},
      {"email 254 characters",
       Details("李娜", "", std::string(243, 'a') + "@example.cn"), {}},
      {"all wrong", Details("", "phone", "mail"),
       {"details.name", "details.phone", "details.email"}},
  };
  for (const Case& c : cases) {
    FieldViolations violations;
    CheckPersonalDetails(c.details, "details", violations);
    EXPECT_EQ(ReportOf(violations).fields, c.fields) << c.name;
  }
}

TEST(CheckPersonalDetailsTest, DescribesTheLongEmail) {
  FieldViolations violations;
  CheckPersonalDetails(Details("李娜", "", std::string(244, 'a') + "@example.cn"), "details",
                       violations);
  EXPECT_THAT(ReportOf(violations).descriptions, ElementsAre("must have at most 254 characters"));
}

institutions::v1::AccreditationScope Scope(std::vector<int> kinds, std::vector<int> sectors,
                                           uint32_t max_level) {
  institutions::v1::AccreditationScope scope;
  for (int kind : kinds) scope.add_kinds(static_cast<common::OutcomeKind>(kind));
  for (int sector : sectors) scope.add_sectors(static_cast<common::Sector>(sector));
  scope.set_max_framework_level(max_level);
  return scope;
}

TEST(CheckAccreditationScopeTest, ChecksKindsSectorsAndLevel) {
  struct Case {
    std::string name;
    institutions::v1::AccreditationScope scope;
    std::vector<std::string> fields;
  };
  const std::vector<Case> cases = {
      {"vocational college", Scope({1, 2, 3}, {2}, 6), {}},
      {"conversion allowed", Scope({6}, {1}, 10), {}},
      {"no kinds", Scope({}, {2}, 6), {"scope.kinds"}},
      {"reversal kind", Scope({1, 7}, {2}, 6), {"scope.kinds[1]"}},
      {"unspecified kind", Scope({0}, {2}, 6), {"scope.kinds[0]"}},
      {"unknown kind", Scope({1, 2, 42}, {2}, 6), {"scope.kinds[2]"}},
      {"no sectors", Scope({1}, {}, 6), {"scope.sectors"}},
      {"unspecified sector", Scope({1}, {2, 0}, 6), {"scope.sectors[1]"}},
      {"unknown sector", Scope({1}, {9}, 6), {"scope.sectors[0]"}},
      {"level 0", Scope({1}, {2}, 0), {"scope.max_framework_level"}},
      {"level 11", Scope({1}, {2}, 11), {"scope.max_framework_level"}},
      {"level 1", Scope({1}, {2}, 1), {}},
      {"empty", institutions::v1::AccreditationScope(),
       {"scope.kinds", "scope.sectors", "scope.max_framework_level"}},
  };
  for (const Case& c : cases) {
    FieldViolations violations;
    CheckAccreditationScope(c.scope, "scope", violations);
    EXPECT_EQ(ReportOf(violations).fields, c.fields) << c.name;
  }
}

TEST(CheckAccreditationScopeTest, ExplainsAReversalKind) {
  FieldViolations violations;
  CheckAccreditationScope(Scope({7}, {2}, 6), "scope", violations);
  EXPECT_THAT(ReportOf(violations).descriptions, ElementsAre("kind 7 cannot be accredited"));
}

TEST(IsKnownLetterGradeTest, KnowsBothScales) {
  for (const char* letter : {"A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D+", "D", "D-",
                             "F", "优秀", "良好", "中等", "及格", "不及格"}) {
    EXPECT_TRUE(IsKnownLetterGrade(letter)) << letter;
  }
  for (const char* letter : {"", "E", "a", "A++", "F-", "合格", "优", " A", "Pass"}) {
    EXPECT_FALSE(IsKnownLetterGrade(letter)) << letter;
  }
}

}  // namespace
}  // namespace creditbank::domain
