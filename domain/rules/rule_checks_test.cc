// The rules service's request checks, table-driven: each case changes one
// thing in an otherwise valid request and names exactly the fields that
// must be reported (with the first one's description).
#include "domain/rules/rule_checks.h"

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "domain/errors.h"
#include "domain/limits.h"
#include "domain/validation/text.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"
#include "tests/testing/error_matchers.h"
#include "tests/testing/rule_builders.h"

namespace creditbank::domain::rules {
namespace {

namespace common = ::creditbank::common::v1;
using ::creditbank::testing::HasReason;
using ::testing::ElementsAre;
using ::testing::SizeIs;

constexpr char kAccount[] = "6217000000000014";
constexpr char kProgrammeId[] = "CQGC-2026-SE";
constexpr char kCollege[] = "4150013588";         // 重庆工程职业技术学院
constexpr char kOpenUniversity[] = "4150051234";  // 重庆开放大学
constexpr char kGbkBytes[] = "\xb8\xdf\xb5\xc8\xca\xfd\xd1\xa7";  // 高等数学 in GBK

using ::creditbank::testing::Repeat;

using ::creditbank::testing::ReportOf;
using ::creditbank::testing::Reported;

template <typename Request>
struct Case {
  std::string name;
  std::function<void(Request&)> change;
  std::vector<std::string> fields;
  std::string description;  // of the first field; "" to skip
};

// Applies each case to a copy of `valid` and checks what `check` reports.
template <typename Request, typename Check>
void RunCases(const Request& valid, const std::vector<Case<Request>>& cases, Check check) {
  for (const Case<Request>& c : cases) {
    Request request = valid;
    c.change(request);
    const absl::Status status = check(request);
    const Reported reported = ReportOf(status);
    EXPECT_EQ(reported.fields, c.fields) << c.name;
    EXPECT_EQ(status.code(), c.fields.empty() ? absl::StatusCode::kOk
                                              : absl::StatusCode::kInvalidArgument)
        << c.name;
    if (!c.description.empty()) {
      ASSERT_FALSE(reported.descriptions.empty()) << c.name;
      EXPECT_EQ(reported.descriptions[0], c.description) << c.name;
    }
  }
}

common::Date MakeDate(int year, int month, int day) {
  common::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

// ---------------------------------------------------------------- fixtures

rules_api::Framework MakeFramework(const std::string& id, const std::string& name, int levels) {
  rules_api::Framework framework;
  framework.set_id(id);
  framework.set_name(name);
  for (int level = 1; level <= levels; ++level) {
    rules_api::Level* entry = framework.add_levels();
    entry->set_level(level);
    entry->set_name(absl::StrCat(name, " ", level));
  }
  return framework;
}

void AddCrosswalk(rules_api::Framework& framework, const std::string& to_framework,
                  uint32_t from_level, uint32_t to_level) {
  rules_api::CrosswalkEntry* entry = framework.add_crosswalk();
  entry->set_to_framework(to_framework);
  entry->set_from_level(from_level);
  entry->set_to_level(to_level);
}

rules_api::Framework BankFramework() {
  rules_api::Framework bank = MakeFramework("cn-ncb", "国家学分银行学习成果框架", 10);
  const uint32_t to_eqf[] = {1, 2, 3, 4, 5, 6, 7, 8, 8, 8};
  for (uint32_t level = 1; level <= 10; ++level) {
    AddCrosswalk(bank, "eqf", level, to_eqf[level - 1]);
  }
  return bank;
}

// The stored frameworks: the bank's (with a crosswalk to EQF), EQF, and
// the vocational skill levels, which the bank has no crosswalk to.
std::vector<rules_api::Framework> StoredFrameworks() {
  return {BankFramework(), MakeFramework("eqf", "European Qualifications Framework", 8),
          MakeFramework("cn-vsl", "国家职业技能等级", 5)};
}

// A new framework: the Guangdong qualifications framework, seven levels,
// each mapped to EQF.
rules_api::PutFrameworkRequest ValidFrameworkRequest() {
  rules_api::PutFrameworkRequest request;
  rules_api::Framework* framework = request.mutable_framework();
  *framework = MakeFramework("cn-gd-qf", "广东终身教育资历框架", 7);
  for (uint32_t level = 1; level <= 7; ++level) AddCrosswalk(*framework, "eqf", level, level);
  return request;
}

using ::creditbank::testing::AddCategory;
using ::creditbank::testing::AddCourse;

// 软件技术 (higher vocational diploma, bank level 5): 120 credits.
rules_api::Programme SoftwareProgramme() {
  rules_api::Programme programme;
  programme.set_id(kProgrammeId);
  programme.set_institution_code(kCollege);
  programme.set_title("软件技术专业（专科）");
  programme.set_framework_level(5);
  programme.set_required_credits_milli(120000);
  AddCategory(programme, "GEN", "公共基础课", 30000);
  AddCategory(programme, "MAJ", "专业课", 60000);
  AddCategory(programme, "ELE", "选修课", 10000);
  AddCourse(programme, "MATH101", "高等数学", "GEN", 4000);
  AddCourse(programme, "ENG101", "大学英语", "GEN", 4000);
  AddCourse(programme, "WEB101", "Web前端开发", "MAJ", 3000);
  AddCourse(programme, "DB201", "数据库原理", "MAJ", 4000);
  programme.set_max_conversion_permille(500);
  programme.set_max_converted_credits_per_year_milli(30000);
  programme.set_max_converted_credits_per_source_institution_milli(40000);
  return programme;
}

rules_api::PutProgrammeRequest ValidProgrammeRequest() {
  rules_api::PutProgrammeRequest request;
  *request.mutable_programme() = SoftwareProgramme();
  return request;
}

rules_api::Condition Match(const std::function<void(rules_api::Matcher&)>& fill) {
  rules_api::Condition condition;
  fill(*condition.mutable_match());
  return condition;
}

// rules[0] "WEB-1X": the 1+X Web front-end certificate gives course WEB101.
rules_api::Rule CertificateRule() {
  rules_api::Rule rule;
  rule.set_id("WEB-1X");
  rule.set_title("1+X Web前端开发证书（中级）抵免Web前端开发");
  *rule.mutable_effective_from() = MakeDate(2026, 9, 1);
  *rule.mutable_source() = Match([](rules_api::Matcher& m) {
    m.set_kind(common::OUTCOME_KIND_CERTIFICATE);
    m.set_code("1X-WEB-FE-M");
    m.mutable_min_grade()->set_pass(true);
  });
  rule.mutable_grant()->set_course("WEB101");
  return rule;
}

// rules[1] "TRAINING-HOURS": continuing-education or enterprise IT
// training, 16 hours a credit, into the electives, at most 6 credits.
rules_api::Rule HoursRule() {
  rules_api::Rule rule;
  rule.set_id("TRAINING-HOURS");
  rule.set_title("继续教育培训学时折算选修课学分");
  *rule.mutable_effective_from() = MakeDate(2026, 9, 1);
  rules_api::Group* any_of = rule.mutable_source()->mutable_any_of();
  *any_of->add_conditions() = Match([](rules_api::Matcher& m) {
    m.set_sector(common::SECTOR_CONTINUING);
    m.set_kind(common::OUTCOME_KIND_TRAINING_HOURS);
    m.set_code_prefix("IT-");
  });
  *any_of->add_conditions() = Match([](rules_api::Matcher& m) {
    m.set_sector(common::SECTOR_ENTERPRISE_TRAINING);
    m.set_kind(common::OUTCOME_KIND_TRAINING_HOURS);
  });
  rule.mutable_grant()->set_category("ELE");
  rule.mutable_grant()->set_hours_per_credit(16);
  rule.mutable_grant()->set_max_credits_milli(6000);
  return rule;
}

// rules[2] "MATH-OU": the open university's calculus at EQF level 5 or
// better and one of two follow-up courses give MATH101 (until 2030).
rules_api::Rule MathRule() {
  rules_api::Rule rule;
  rule.set_id("MATH-OU");
  rule.set_title("开放大学高等数学学分互认");
  rule.set_priority(10);
  *rule.mutable_effective_from() = MakeDate(2026, 9, 1);
  *rule.mutable_effective_to() = MakeDate(2030, 8, 31);
  rules_api::Group* all_of = rule.mutable_source()->mutable_all_of();
  *all_of->add_conditions() = Match([](rules_api::Matcher& m) {
    m.add_institution_codes(kOpenUniversity);
    m.set_code("MATH-A");
    m.mutable_min_grade()->set_score_milli(60000);
    m.mutable_min_level()->set_framework("eqf");
    m.mutable_min_level()->set_level(5);
    m.set_within_years(10);
  });
  rules_api::KOfGroup* k_of = all_of->add_conditions()->mutable_k_of();
  k_of->set_k(1);
  *k_of->add_conditions() = Match([](rules_api::Matcher& m) {
    m.set_code("MATH-B");
    m.mutable_min_grade()->set_letter("及格");
  });
  *k_of->add_conditions() = Match([](rules_api::Matcher& m) {
    m.set_code_prefix("CALC");
    m.mutable_min_level()->set_level(5);
  });
  rule.mutable_grant()->set_course("MATH101");
  rule.mutable_grant()->set_credits_milli(4000);
  return rule;
}

rules_api::ApplyRulesRequest ValidApplyRequest() {
  rules_api::ApplyRulesRequest request;
  request.set_programme_id(kProgrammeId);
  *request.add_rules() = CertificateRule();
  *request.add_rules() = HoursRule();
  *request.add_rules() = MathRule();
  return request;
}

absl::Status CheckApply(const rules_api::ApplyRulesRequest& request) {
  return CheckApplyRules(request, SoftwareProgramme(), StoredFrameworks());
}

// Paths into the valid apply request, and the messages at them.
constexpr char kCertificateMatch[] = "rules[0].source.match";
constexpr char kMathMatch[] = "rules[2].source.all_of.conditions[0].match";
constexpr char kMathKOf[] = "rules[2].source.all_of.conditions[1].k_of";

rules_api::Matcher& CertificateMatcher(rules_api::ApplyRulesRequest& r) {
  return *r.mutable_rules(0)->mutable_source()->mutable_match();
}
rules_api::Matcher& MathMatcher(rules_api::ApplyRulesRequest& r) {
  return *r.mutable_rules(2)->mutable_source()->mutable_all_of()->mutable_conditions(0)
              ->mutable_match();
}
rules_api::KOfGroup& MathKOf(rules_api::ApplyRulesRequest& r) {
  return *r.mutable_rules(2)->mutable_source()->mutable_all_of()->mutable_conditions(1)
              ->mutable_k_of();
}
rules_api::LevelBound& CalcLevel(rules_api::ApplyRulesRequest& r) {
  return *MathKOf(r).mutable_conditions(1)->mutable_match()->mutable_min_level();
}
rules_api::Grant& GrantOf(rules_api::ApplyRulesRequest& r, int rule) {
  return *r.mutable_rules(rule)->mutable_grant();
}

// ---------------------------------------------------------------- frameworks

TEST(RuleChecksTest, PutFrameworkReportsExactlyTheBadFields) {
  using R = rules_api::PutFrameworkRequest;
  const auto framework = [](R& r) -> rules_api::Framework& { return *r.mutable_framework(); };
  const std::vector<Case<R>> cases = {
      {"valid", [](R&) {}, {}, ""},
      {"no framework", [](R& r) { r.clear_framework(); }, {"framework"}, "must be set"},
      {"empty framework", [&](R& r) { framework(r).Clear(); },
       {"framework.id", "framework.name", "framework.levels"}, "must not be empty"},
      // id
      {"id empty", [&](R& r) { framework(r).set_id(""); }, {"framework.id"},
       "must not be empty"},
      {"id one character", [&](R& r) { framework(r).set_id("g"); }, {"framework.id"},
       "must have at least 2 characters"},
      {"id 32 characters", [&](R& r) { framework(r).set_id(std::string(32, 'q')); }, {}, ""},
      {"id 33 characters", [&](R& r) { framework(r).set_id(std::string(33, 'q')); },
       {"framework.id"}, "must have at most 32 characters, has 33"},
      {"id upper case", [&](R& r) { framework(r).set_id("CN-GD"); }, {"framework.id"},
       "has a character outside [a-z0-9-] at position 0"},
      {"id with underscore", [&](R& r) { framework(r).set_id("cn_gd"); }, {"framework.id"},
       "has a character outside [a-z0-9-] at position 2"},
      {"id chinese", [&](R& r) { framework(r).set_id("广东"); }, {"framework.id"}, ""},
      // name
      {"name empty", [&](R& r) { framework(r).set_name(""); }, {"framework.name"},
       "must not be empty"},
      {"name 200 characters", [&](R& r) { framework(r).set_name(Repeat("框", 200)); }, {}, ""},
      {"name 201 characters", [&](R& r) { framework(r).set_name(Repeat("框", 201)); },
       {"framework.name"}, "must have at most 200 characters, has 201"},
      {"name GBK", [&](R& r) { framework(r).set_name(kGbkBytes); }, {"framework.name"},
       "is not valid UTF-8 (at byte 0)"},
      // levels
      {"no levels",
       [&](R& r) {
         framework(r).clear_levels();
         framework(r).clear_crosswalk();
       },
       {"framework.levels"}, "must have 1-20 levels, has 0"},
      {"one level", [&](R& r) { framework(r) = MakeFramework("cn-gd-qf", "广东资历框架", 1); },
       {}, ""},
      {"20 levels", [&](R& r) { framework(r) = MakeFramework("cn-gd-qf", "广东资历框架", 20); },
       {}, ""},
      {"21 levels, not checked one by one",
       [&](R& r) {
         framework(r) = MakeFramework("cn-gd-qf", "广东资历框架", 21);
         for (auto& level : *framework(r).mutable_levels()) level.set_name("");
       },
       {"framework.levels"}, "must have 1-20 levels, has 21"},
      {"level out of order", [&](R& r) { framework(r).mutable_levels(2)->set_level(4); },
       {"framework.levels[2].level"}, "must be 3 (levels are numbered 1, 2, 3, ... in order)"},
      {"levels from 0",
       [&](R& r) {
         for (int i = 0; i < 7; ++i) framework(r).mutable_levels(i)->set_level(i);
       },
       {"framework.levels[0].level", "framework.levels[1].level", "framework.levels[2].level",
        "framework.levels[3].level", "framework.levels[4].level", "framework.levels[5].level",
        "framework.levels[6].level"},
       "must be 1 (levels are numbered 1, 2, 3, ... in order)"},
      {"level without a name", [&](R& r) { framework(r).mutable_levels(1)->set_name(""); },
       {"framework.levels[1].name"}, "must not be empty"},
      {"level name with a tab", [&](R& r) { framework(r).mutable_levels(6)->set_name("七级\t"); },
       {"framework.levels[6].name"}, "contains a control character (at byte 6)"},
      // the bank framework
      {"bank framework kept at 10 levels", [&](R& r) { framework(r) = BankFramework(); }, {},
       ""},
      {"bank framework with 9 levels",
       [&](R& r) {
         framework(r) = BankFramework();
         framework(r).mutable_levels()->RemoveLast();
         framework(r).mutable_crosswalk()->RemoveLast();
       },
       {"framework.levels"},
       "the bank framework \"cn-ncb\" must keep exactly 10 levels (ledger entries carry levels "
       "1-10), has 9"},
      {"bank framework with 11 levels",
       [&](R& r) { framework(r) = MakeFramework("cn-ncb", "学分银行", 11); },
       {"framework.levels"}, ""},
      {"bank framework with 21 levels",
       [&](R& r) { framework(r) = MakeFramework("cn-ncb", "学分银行", 21); },
       {"framework.levels"}, ""},
      // other frameworks' crosswalks into this one
      {"EQF shrunk below the bank's crosswalk",
       [&](R& r) { framework(r) = MakeFramework("eqf", "EQF", 7); }, {"framework.levels"},
       "framework \"cn-ncb\" has a crosswalk to level 8 of this framework: keep at least 8 "
       "levels, or change that crosswalk first"},
      {"EQF grown", [&](R& r) { framework(r) = MakeFramework("eqf", "EQF", 9); }, {}, ""},
      // crosswalk
      {"no crosswalk", [&](R& r) { framework(r).clear_crosswalk(); }, {}, ""},
      {"crosswalk to an unknown framework",
       [&](R& r) { framework(r).mutable_crosswalk(0)->set_to_framework("isced"); },
       {"framework.crosswalk[0].to_framework"}, "framework \"isced\" is not known"},
      {"crosswalk to itself",
       [&](R& r) { framework(r).mutable_crosswalk(3)->set_to_framework("cn-gd-qf"); },
       {"framework.crosswalk[3].to_framework"}, "a framework cannot have a crosswalk to itself"},
      {"crosswalk to nothing",
       [&](R& r) { framework(r).mutable_crosswalk(1)->set_to_framework(""); },
       {"framework.crosswalk[1].to_framework"}, "must not be empty"},
      {"crosswalk to a GBK name (not quoted back)",
       [&](R& r) { framework(r).mutable_crosswalk(1)->set_to_framework(kGbkBytes); },
       {"framework.crosswalk[1].to_framework"},
       "has a character outside [a-z0-9-] at position 0"},
      {"crosswalk to the bank", [&](R& r) { AddCrosswalk(framework(r), "cn-ncb", 7, 10); }, {},
       ""},
      {"crosswalk from level 0",
       [&](R& r) { framework(r).mutable_crosswalk(0)->set_from_level(0); },
       {"framework.crosswalk[0].from_level"}, "must be 1..7 (the levels of this framework)"},
      {"crosswalk from level 8", [&](R& r) { AddCrosswalk(framework(r), "cn-ncb", 8, 8); },
       {"framework.crosswalk[7].from_level"}, "must be 1..7 (the levels of this framework)"},
      {"crosswalk to level 9 of EQF",
       [&](R& r) { framework(r).mutable_crosswalk(6)->set_to_level(9); },
       {"framework.crosswalk[6].to_level"}, "must be 1..8 (the levels of framework \"eqf\")"},
      {"crosswalk to level 0", [&](R& r) { framework(r).mutable_crosswalk(6)->set_to_level(0); },
       {"framework.crosswalk[6].to_level"}, "must be 1..8 (the levels of framework \"eqf\")"},
      {"crosswalk level mapped twice", [&](R& r) { AddCrosswalk(framework(r), "eqf", 2, 3); },
       {"framework.crosswalk[7].from_level"},
       "level 2 already maps to \"eqf\" at framework.crosswalk[1].from_level"},
      {"same level to two frameworks", [&](R& r) { AddCrosswalk(framework(r), "cn-ncb", 2, 2); },
       {}, ""},
      {"501 crosswalk entries, not checked one by one",
       [&](R& r) {
         for (int i = 0; i < 494; ++i) AddCrosswalk(framework(r), "nowhere", 0, 0);
       },
       {"framework.crosswalk"}, "must have at most 500 crosswalk entries, has 501"},
      {"updated_at set", [&](R& r) { framework(r).mutable_updated_at()->set_seconds(1782864000); },
       {"framework.updated_at"}, "is set by the server"},
  };
  RunCases(ValidFrameworkRequest(), cases, [](const R& request) {
    return CheckPutFramework(request, StoredFrameworks());
  });
}

TEST(RuleChecksTest, PutFrameworkWithoutStoredFrameworksKnowsNoTarget) {
  const absl::Status status = CheckPutFramework(ValidFrameworkRequest(), {});
  EXPECT_THAT(ReportOf(status).fields,
              ElementsAre("framework.crosswalk[0].to_framework",
                          "framework.crosswalk[1].to_framework",
                          "framework.crosswalk[2].to_framework",
                          "framework.crosswalk[3].to_framework",
                          "framework.crosswalk[4].to_framework",
                          "framework.crosswalk[5].to_framework",
                          "framework.crosswalk[6].to_framework"));
  EXPECT_THAT(status, HasReason("INVALID_FIELD"));
}

TEST(RuleChecksTest, StoredFrameworksPassTheirOwnCheck) {
  // Putting back what is stored (without the server's updated_at) is valid.
  for (const rules_api::Framework& framework : StoredFrameworks()) {
    rules_api::PutFrameworkRequest request;
    *request.mutable_framework() = framework;
    EXPECT_OK(CheckPutFramework(request, StoredFrameworks())) << framework.id();
  }
}

// ---------------------------------------------------------------- programmes

TEST(RuleChecksTest, PutProgrammeReportsExactlyTheBadFields) {
  using R = rules_api::PutProgrammeRequest;
  const auto programme = [](R& r) -> rules_api::Programme& { return *r.mutable_programme(); };
  const std::vector<Case<R>> cases = {
      {"valid", [](R&) {}, {}, ""},
      {"no programme", [](R& r) { r.clear_programme(); }, {"programme"}, "must be set"},
      {"empty programme", [&](R& r) { programme(r).Clear(); },
       {"programme.id", "programme.institution_code", "programme.title",
        "programme.framework_level", "programme.required_credits_milli", "programme.categories"},
       "must not be empty"},
      // id
      {"id one character", [&](R& r) { programme(r).set_id("P"); }, {"programme.id"},
       "must have at least 2 characters"},
      {"id 48 characters", [&](R& r) { programme(r).set_id(std::string(48, 'P')); }, {}, ""},
      {"id 49 characters", [&](R& r) { programme(r).set_id(std::string(49, 'P')); },
       {"programme.id"}, "must have at most 48 characters, has 49"},
      {"id with dots and underscores", [&](R& r) { programme(r).set_id("cqgc.2026_SE-1"); }, {},
       ""},
      {"id with a space", [&](R& r) { programme(r).set_id("CQGC 2026"); }, {"programme.id"},
       "has a character outside [A-Za-z0-9._-] at position 4"},
      {"id chinese", [&](R& r) { programme(r).set_id("软件技术"); }, {"programme.id"}, ""},
      // institution, title, level
      {"institution lower case", [&](R& r) { programme(r).set_institution_code("cqgc"); },
       {"programme.institution_code"}, "has a character outside [A-Z0-9-] at position 0"},
      {"institution empty", [&](R& r) { programme(r).set_institution_code(""); },
       {"programme.institution_code"}, "must not be empty"},
      {"title empty", [&](R& r) { programme(r).set_title(""); }, {"programme.title"},
       "must not be empty"},
      {"title 201 characters", [&](R& r) { programme(r).set_title(Repeat("软", 201)); },
       {"programme.title"}, "must have at most 200 characters, has 201"},
      {"title padded", [&](R& r) { programme(r).set_title("软件技术 "); }, {"programme.title"},
       "must not start or end with white space"},
      {"level 0", [&](R& r) { programme(r).set_framework_level(0); },
       {"programme.framework_level"}, "must be 1..10 (a level of the bank framework \"cn-ncb\")"},
      {"level 10", [&](R& r) { programme(r).set_framework_level(10); }, {}, ""},
      {"level 11", [&](R& r) { programme(r).set_framework_level(11); },
       {"programme.framework_level"}, ""},
      // required credits
      {"required 0", [&](R& r) { programme(r).set_required_credits_milli(0); },
       {"programme.required_credits_milli"}, "must be 1..1000000 (thousandths of a credit)"},
      {"required negative", [&](R& r) { programme(r).set_required_credits_milli(-120000); },
       {"programme.required_credits_milli"}, ""},
      {"required 1000 credits", [&](R& r) { programme(r).set_required_credits_milli(1000000); },
       {}, ""},
      {"required past 1000 credits",
       [&](R& r) { programme(r).set_required_credits_milli(1000001); },
       {"programme.required_credits_milli"}, ""},
      {"required the minimums exactly",
       [&](R& r) { programme(r).set_required_credits_milli(100000); }, {}, ""},
      {"required below the minimums",
       [&](R& r) { programme(r).set_required_credits_milli(99999); },
       {"programme.required_credits_milli"},
       "must be at least the categories' minimums together (100000)"},
      // categories
      {"no categories",
       [&](R& r) {
         programme(r).clear_categories();
         programme(r).clear_courses();
       },
       {"programme.categories"}, "must have 1-20 categories, has 0"},
      {"no categories but courses", [&](R& r) { programme(r).clear_categories(); },
       {"programme.categories", "programme.courses[0].category", "programme.courses[1].category",
        "programme.courses[2].category", "programme.courses[3].category"},
       ""},
      {"20 categories",
       [&](R& r) {
         for (int i = 3; i < 20; ++i) AddCategory(programme(r), absl::StrCat("C", i), "", 0);
       },
       {}, ""},
      {"21 categories, not checked one by one",
       [&](R& r) {
         for (int i = 3; i < 21; ++i) AddCategory(programme(r), "GEN", "", -1);
       },
       {"programme.categories"}, "must have 1-20 categories, has 21"},
      {"category code repeated", [&](R& r) { AddCategory(programme(r), "MAJ", "专业课二", 0); },
       {"programme.categories[3].code"}, "\"MAJ\" repeats programme.categories[1].code"},
      {"category code empty", [&](R& r) { AddCategory(programme(r), "", "实践课", 0); },
       {"programme.categories[3].code"}, "must not be empty"},
      {"category code 33 characters",
       [&](R& r) { AddCategory(programme(r), std::string(33, 'X'), "实践课", 0); },
       {"programme.categories[3].code"}, "must have at most 32 characters, has 33"},
      {"category code chinese", [&](R& r) { AddCategory(programme(r), "实践", "实践课", 0); },
       {"programme.categories[3].code"}, ""},
      {"category without a name", [&](R& r) { programme(r).mutable_categories(2)->set_name(""); },
       {}, ""},
      {"category name GBK",
       [&](R& r) { programme(r).mutable_categories(2)->set_name(kGbkBytes); },
       {"programme.categories[2].name"}, "is not valid UTF-8 (at byte 0)"},
      {"category minimum 0",
       [&](R& r) { programme(r).mutable_categories(2)->set_min_credits_milli(0); }, {}, ""},
      {"category minimum negative",
       [&](R& r) { programme(r).mutable_categories(2)->set_min_credits_milli(-1); },
       {"programme.categories[2].min_credits_milli"},
       "must be 0..1000000 (thousandths of a credit)"},
      {"category minimums huge (no overflow of the total)",
       [&](R& r) {
         for (auto& category : *programme(r).mutable_categories()) {
           category.set_min_credits_milli(INT64_MAX);
         }
       },
       {"programme.categories[0].min_credits_milli", "programme.categories[1].min_credits_milli",
        "programme.categories[2].min_credits_milli"},
       ""},
      // courses
      {"no courses", [&](R& r) { programme(r).clear_courses(); }, {}, ""},
      {"500 courses",
       [&](R& r) {
         programme(r).clear_courses();
         for (int i = 0; i < 500; ++i) {
           AddCourse(programme(r), absl::StrCat("SE", i), "课程", "MAJ", 2000);
         }
       },
       {}, ""},
      {"501 courses, not checked one by one",
       [&](R& r) {
         programme(r).clear_courses();
         for (int i = 0; i < 501; ++i) AddCourse(programme(r), "SE", "", "", 0);
       },
       {"programme.courses"}, "must have at most 500 courses, has 501"},
      {"course code repeated",
       [&](R& r) { AddCourse(programme(r), "MATH101", "高等数学（二）", "GEN", 4000); },
       {"programme.courses[4].code"}, "\"MATH101\" repeats programme.courses[0].code"},
      {"course code empty", [&](R& r) { programme(r).mutable_courses(1)->set_code(""); },
       {"programme.courses[1].code"}, "must not be empty"},
      {"course code with a slash",
       [&](R& r) { programme(r).mutable_courses(1)->set_code("EN/101"); },
       {"programme.courses[1].code"}, "has a character outside [A-Za-z0-9._-] at position 2"},
      {"course without a title", [&](R& r) { programme(r).mutable_courses(1)->set_title(""); },
       {}, ""},
      {"course title 201 characters",
       [&](R& r) { programme(r).mutable_courses(1)->set_title(Repeat("英", 201)); },
       {"programme.courses[1].title"}, ""},
      {"course of an unknown category",
       [&](R& r) { programme(r).mutable_courses(3)->set_category("PE"); },
       {"programme.courses[3].category"}, "\"PE\" is not a category of this programme"},
      {"course without a category",
       [&](R& r) { programme(r).mutable_courses(3)->set_category(""); },
       {"programme.courses[3].category"}, "must not be empty"},
      {"course category case differs",
       [&](R& r) { programme(r).mutable_courses(3)->set_category("maj"); },
       {"programme.courses[3].category"}, "\"maj\" is not a category of this programme"},
      {"course credits 0", [&](R& r) { programme(r).mutable_courses(0)->set_credits_milli(0); },
       {"programme.courses[0].credits_milli"}, "must be 1..100000 (thousandths of a credit)"},
      {"course credits 100",
       [&](R& r) { programme(r).mutable_courses(0)->set_credits_milli(100000); }, {}, ""},
      {"course credits past 100",
       [&](R& r) { programme(r).mutable_courses(0)->set_credits_milli(100001); },
       {"programme.courses[0].credits_milli"}, ""},
      // caps
      {"no conversion cap", [&](R& r) { programme(r).set_max_conversion_permille(0); }, {}, ""},
      {"conversion cap 100%", [&](R& r) { programme(r).set_max_conversion_permille(1000); }, {},
       ""},
      {"conversion cap past 100%", [&](R& r) { programme(r).set_max_conversion_permille(1001); },
       {"programme.max_conversion_permille"},
       "must be 0..1000 (thousandths of the required credits; 0: no cap)"},
      {"year cap negative",
       [&](R& r) { programme(r).set_max_converted_credits_per_year_milli(-1); },
       {"programme.max_converted_credits_per_year_milli"},
       "must be 0..1000000 (thousandths of a credit; 0: no cap)"},
      {"year cap huge",
       [&](R& r) { programme(r).set_max_converted_credits_per_year_milli(1000001); },
       {"programme.max_converted_credits_per_year_milli"}, ""},
      {"institution cap negative",
       [&](R& r) { programme(r).set_max_converted_credits_per_source_institution_milli(-5); },
       {"programme.max_converted_credits_per_source_institution_milli"}, ""},
      {"caps 0",
       [&](R& r) {
         programme(r).set_max_converted_credits_per_year_milli(0);
         programme(r).set_max_converted_credits_per_source_institution_milli(0);
       },
       {}, ""},
      {"updated_at set", [&](R& r) { programme(r).mutable_updated_at()->set_seconds(1); },
       {"programme.updated_at"}, "is set by the server"},
      {"fields in field order",
       [&](R& r) {
         programme(r).set_title("");
         programme(r).set_required_credits_milli(0);
         programme(r).mutable_categories(1)->set_code("");
         programme(r).mutable_courses(2)->set_credits_milli(0);
         programme(r).set_max_conversion_permille(2000);
       },
       {"programme.title", "programme.required_credits_milli", "programme.categories[1].code",
        "programme.courses[2].category", "programme.courses[2].credits_milli",
        "programme.courses[3].category", "programme.max_conversion_permille"},
       ""},
  };
  RunCases(ValidProgrammeRequest(), cases,
           [](const R& request) { return CheckPutProgramme(request); });
}

// --------------------------------------------------------------------- rules

TEST(RuleChecksTest, ApplyRulesAcceptsTheValidFile) { EXPECT_OK(CheckApply(ValidApplyRequest())); }

TEST(RuleChecksTest, ApplyRulesReportsBadRulesAndSources) {
  using R = rules_api::ApplyRulesRequest;
  const std::string k_of = kMathKOf;
  const std::vector<Case<R>> cases = {
      {"programme id empty", [](R& r) { r.set_programme_id(""); }, {"programme_id"},
       "must not be empty"},
      {"programme id chinese", [](R& r) { r.set_programme_id("软件技术"); }, {"programme_id"}, ""},
      {"no rules", [](R& r) { r.clear_rules(); }, {"rules"}, "must have 1-1000 rules, has 0"},
      {"1000 rules",
       [](R& r) {
         for (int i = 3; i < 1000; ++i) {
           rules_api::Rule* rule = r.add_rules();
           *rule = CertificateRule();
           rule->set_id(absl::StrCat("WEB-1X-", i));
         }
       },
       {}, ""},
      {"1001 rules, not checked one by one",
       [](R& r) {
         for (int i = 3; i < 1001; ++i) r.add_rules();
       },
       {"rules"}, "must have 1-1000 rules, has 1001"},
      // id, title
      {"id empty", [](R& r) { r.mutable_rules(1)->set_id(""); }, {"rules[1].id"},
       "must not be empty"},
      {"id 48 characters", [](R& r) { r.mutable_rules(1)->set_id(std::string(48, 'R')); }, {},
       ""},
      {"id 49 characters", [](R& r) { r.mutable_rules(1)->set_id(std::string(49, 'R')); },
       {"rules[1].id"}, "must have at most 48 characters, has 49"},
      {"id one character", [](R& r) { r.mutable_rules(1)->set_id("R"); }, {}, ""},
      {"id with a colon", [](R& r) { r.mutable_rules(1)->set_id("R:1"); }, {"rules[1].id"},
       "has a character outside [A-Za-z0-9._-] at position 1"},
      {"id repeated", [](R& r) { r.mutable_rules(2)->set_id("WEB-1X"); }, {"rules[2].id"},
       "\"WEB-1X\" repeats rules[0].id"},
      {"id repeated twice",
       [](R& r) {
         r.mutable_rules(1)->set_id("WEB-1X");
         r.mutable_rules(2)->set_id("WEB-1X");
       },
       {"rules[1].id", "rules[2].id"}, "\"WEB-1X\" repeats rules[0].id"},
      {"title empty", [](R& r) { r.mutable_rules(0)->set_title(""); }, {}, ""},
      {"title 201 characters", [](R& r) { r.mutable_rules(0)->set_title(Repeat("规", 201)); },
       {"rules[0].title"}, "must have at most 200 characters, has 201"},
      {"title GBK", [](R& r) { r.mutable_rules(0)->set_title(kGbkBytes); }, {"rules[0].title"},
       "is not valid UTF-8 (at byte 0)"},
      {"title with a right-to-left override",
       [](R& r) { r.mutable_rules(0)->set_title("证书\u202e抵免"); }, {"rules[0].title"},
       "contains an invisible formatting character (at byte 6)"},
      // dates
      {"effective_from unset", [](R& r) { r.mutable_rules(0)->clear_effective_from(); },
       {"rules[0].effective_from"}, "must be set"},
      {"effective_from not a date",
       [](R& r) { *r.mutable_rules(0)->mutable_effective_from() = MakeDate(2026, 2, 30); },
       {"rules[0].effective_from"}, "2026-02-30 is not a calendar date"},
      {"effective_from in 1899",
       [](R& r) { *r.mutable_rules(0)->mutable_effective_from() = MakeDate(1899, 12, 31); },
       {"rules[0].effective_from"}, "1899-12-31 is not a calendar date"},
      {"effective_from in the past",
       [](R& r) { *r.mutable_rules(0)->mutable_effective_from() = MakeDate(2001, 9, 1); }, {},
       ""},
      {"effective_to the day before",
       [](R& r) { *r.mutable_rules(2)->mutable_effective_to() = MakeDate(2026, 8, 31); },
       {"rules[2].effective_to"}, "2026-08-31 is before 2026-09-01"},
      {"effective_to the same day (inclusive)",
       [](R& r) { *r.mutable_rules(2)->mutable_effective_to() = MakeDate(2026, 9, 1); }, {}, ""},
      {"effective_to not a date",
       [](R& r) { *r.mutable_rules(2)->mutable_effective_to() = MakeDate(2030, 13, 1); },
       {"rules[2].effective_to"}, "2030-13-01 is not a calendar date"},
      {"effective_to with no effective_from",
       [](R& r) { r.mutable_rules(2)->clear_effective_from(); }, {"rules[2].effective_from"},
       "must be set"},
      {"effective_to in 10000",
       [](R& r) { *r.mutable_rules(2)->mutable_effective_to() = MakeDate(10000, 1, 1); },
       {"rules[2].effective_to"}, ""},
      // source and conditions
      {"source unset", [](R& r) { r.mutable_rules(0)->clear_source(); }, {"rules[0].source"},
       "must be set"},
      {"source empty", [](R& r) { r.mutable_rules(0)->mutable_source()->Clear(); },
       {"rules[0].source"}, "must set one of match, all_of, any_of, k_of"},
      {"all_of empty",
       [](R& r) { r.mutable_rules(2)->mutable_source()->mutable_all_of()->clear_conditions(); },
       {"rules[2].source.all_of.conditions"}, "must have 1-20 conditions, has 0"},
      {"any_of empty",
       [](R& r) {
         r.mutable_rules(1)->mutable_source()->mutable_any_of()->clear_conditions();
         GrantOf(r, 1).set_hours_per_credit(0);
         GrantOf(r, 1).set_credits_milli(2000);
       },
       {"rules[1].source.any_of.conditions"}, "must have 1-20 conditions, has 0"},
      {"any_of of 20",
       [](R& r) {
         auto* any_of = r.mutable_rules(1)->mutable_source()->mutable_any_of();
         for (int i = 2; i < 20; ++i) *any_of->add_conditions() = any_of->conditions(1);
       },
       {}, ""},
      {"any_of of 21",
       [](R& r) {
         auto* any_of = r.mutable_rules(1)->mutable_source()->mutable_any_of();
         for (int i = 2; i < 21; ++i) *any_of->add_conditions() = any_of->conditions(1);
       },
       {"rules[1].source.any_of.conditions"}, "must have 1-20 conditions, has 21"},
      {"empty condition in a group", [](R& r) { MathKOf(r).add_conditions(); },
       {k_of + ".conditions[2]"}, "must set one of match, all_of, any_of, k_of"},
      {"k 0", [](R& r) { MathKOf(r).set_k(0); }, {k_of + ".k"},
       "must be 1..2 (the number of conditions)"},
      {"k all", [](R& r) { MathKOf(r).set_k(2); }, {}, ""},
      {"k past the conditions", [](R& r) { MathKOf(r).set_k(3); }, {k_of + ".k"},
       "must be 1..2 (the number of conditions)"},
      {"k_of without conditions", [](R& r) { MathKOf(r).clear_conditions(); },
       {k_of + ".conditions"}, "must have 1-20 conditions, has 0"},
  };
  RunCases(ValidApplyRequest(), cases, CheckApply);
}

// `depth` groups, each an all_of of one condition, around a matcher.
rules_api::Condition Nested(int depth) {
  rules_api::Condition condition = Match([](rules_api::Matcher& m) { m.set_code("MATH-A"); });
  for (int i = 0; i < depth; ++i) {
    rules_api::Condition outer;
    *outer.mutable_all_of()->add_conditions() = std::move(condition);
    condition = std::move(outer);
  }
  return condition;
}

// The path of the `groups`-th group of Nested() as rules[2]'s source.
std::string NestedPath(int groups) {
  std::string path = "rules[2].source";
  for (int i = 1; i < groups; ++i) path += ".all_of.conditions[0]";
  return path + ".all_of";
}

TEST(RuleChecksTest, ApplyRulesAllowsGroupsFiveDeep) {
  rules_api::ApplyRulesRequest request = ValidApplyRequest();
  *request.mutable_rules(2)->mutable_source() = Nested(5);
  EXPECT_OK(CheckApply(request));
  *request.mutable_rules(2)->mutable_source() = Nested(6);
  const Reported reported = ReportOf(CheckApply(request));
  EXPECT_THAT(reported.fields, ElementsAre(NestedPath(6)));
  EXPECT_THAT(reported.descriptions, ElementsAre("groups nest at most 5 deep"));
}

TEST(RuleChecksTest, ApplyRulesStopsAtTheDepthLimitOfADeepNest) {
  rules_api::ApplyRulesRequest request = ValidApplyRequest();
  *request.mutable_rules(2)->mutable_source() = Nested(90);
  EXPECT_THAT(ReportOf(CheckApply(request)).fields, ElementsAre(NestedPath(6)));
}

// A rule needs at most one entry per matcher, and a conversion entry names
// at most 50 sources: 50 matchers pass, 51 (in nested groups) do not.
TEST(RuleChecksTest, ApplyRulesAllowsAtMostFiftyMatchersPerRule) {
  auto rule_with = [](int groups, int per_group) {
    rules_api::ApplyRulesRequest request = ValidApplyRequest();
    request.mutable_rules(2)->mutable_source()->Clear();
    rules_api::Group* outer = request.mutable_rules(2)->mutable_source()->mutable_all_of();
    for (int g = 0; g < groups; ++g) {
      rules_api::Group* inner = outer->add_conditions()->mutable_any_of();
      for (int m = 0; m < per_group; ++m) {
        inner->add_conditions()->mutable_match()->set_code(absl::StrCat("C", g, "-", m));
      }
    }
    return request;
  };
  EXPECT_OK(CheckApply(rule_with(5, 10)));
  rules_api::ApplyRulesRequest too_many = rule_with(3, 17);
  const Reported reported = ReportOf(CheckApply(too_many));
  EXPECT_THAT(reported.fields, ElementsAre("rules[2].source"));
  EXPECT_THAT(reported.descriptions,
              ElementsAre("has 51 matchers; at most 50 (a conversion names at most that many "
                          "source entries)"));
}

TEST(RuleChecksTest, ApplyRulesReportsBadMatchers) {
  using R = rules_api::ApplyRulesRequest;
  const std::string certificate = kCertificateMatch;
  const std::string math = kMathMatch;
  const std::string calc = std::string(kMathKOf) + ".conditions[1].match";
  const std::vector<Case<R>> cases = {
      // a matcher must narrow the entries
      {"matches everything", [](R& r) { CertificateMatcher(r).Clear(); }, {certificate},
       "must narrow the entries it accepts: set institution_codes, sector, kind, code or "
       "code_prefix (a matcher that matches everything is refused)"},
      {"only a grade, a level and a window",
       [](R& r) {
         CertificateMatcher(r).Clear();
         CertificateMatcher(r).mutable_min_grade()->set_pass(true);
         CertificateMatcher(r).mutable_min_level()->set_level(4);
         CertificateMatcher(r).set_within_years(5);
       },
       {certificate}, ""},
      {"only a kind",
       [](R& r) {
         CertificateMatcher(r).Clear();
         CertificateMatcher(r).set_kind(common::OUTCOME_KIND_EXAM);
       },
       {}, ""},
      {"only a sector",
       [](R& r) {
         CertificateMatcher(r).Clear();
         CertificateMatcher(r).set_sector(common::SECTOR_OPEN_UNIVERSITY);
       },
       {}, ""},
      {"only an institution",
       [](R& r) {
         CertificateMatcher(r).Clear();
         CertificateMatcher(r).add_institution_codes(kOpenUniversity);
       },
       {}, ""},
      {"only a prefix",
       [](R& r) {
         CertificateMatcher(r).Clear();
         CertificateMatcher(r).set_code_prefix("1X-");
       },
       {}, ""},
      // institution codes
      {"institution lower case", [](R& r) { MathMatcher(r).add_institution_codes("ou-cq"); },
       {math + ".institution_codes[1]"}, "has a character outside [A-Z0-9-] at position 0"},
      {"institution empty", [](R& r) { MathMatcher(r).add_institution_codes(""); },
       {math + ".institution_codes[1]"}, "must not be empty"},
      {"institution repeated", [](R& r) { MathMatcher(r).add_institution_codes(kOpenUniversity); },
       {math + ".institution_codes[1]"},
       "\"4150051234\" repeats " + math + ".institution_codes[0]"},
      {"50 institutions",
       [](R& r) {
         for (int i = 1; i < 50; ++i) MathMatcher(r).add_institution_codes(absl::StrCat("I", i));
       },
       {}, ""},
      {"51 institutions, not checked one by one",
       [](R& r) {
         for (int i = 1; i < 51; ++i) MathMatcher(r).add_institution_codes("");
       },
       {math + ".institution_codes"}, "must have at most 50 institution codes, has 51"},
      // sector and kind
      {"sector unknown",
       [](R& r) { CertificateMatcher(r).set_sector(static_cast<common::Sector>(99)); },
       {certificate + ".sector"}, "unknown sector 99"},
      {"kind conversion",
       [](R& r) { CertificateMatcher(r).set_kind(common::OUTCOME_KIND_CONVERSION); },
       {certificate + ".kind"}, "must not be CONVERSION or REVERSAL"},
      {"kind reversal", [](R& r) { CertificateMatcher(r).set_kind(common::OUTCOME_KIND_REVERSAL); },
       {certificate + ".kind"}, "must not be CONVERSION or REVERSAL"},
      {"kind unknown",
       [](R& r) { CertificateMatcher(r).set_kind(static_cast<common::OutcomeKind>(42)); },
       {certificate + ".kind"}, "unknown outcome kind 42"},
      {"kind prior learning",
       [](R& r) { CertificateMatcher(r).set_kind(common::OUTCOME_KIND_PRIOR_LEARNING); }, {}, ""},
      // code and prefix
      {"code chinese", [](R& r) { CertificateMatcher(r).set_code("网页"); },
       {certificate + ".code"}, ""},
      {"code 33 characters", [](R& r) { CertificateMatcher(r).set_code(std::string(33, 'W')); },
       {certificate + ".code"}, "must have at most 32 characters, has 33"},
      {"code and prefix", [](R& r) { CertificateMatcher(r).set_code_prefix("1X-"); },
       {certificate + ".code_prefix"}, "set code or code_prefix, not both"},
      {"prefix with a space",
       [](R& r) {
         CertificateMatcher(r).clear_code();
         CertificateMatcher(r).set_code_prefix("1X WEB");
       },
       {certificate + ".code_prefix"}, "has a character outside [A-Za-z0-9._-] at position 2"},
      {"prefix 33 characters",
       [](R& r) {
         CertificateMatcher(r).clear_code();
         CertificateMatcher(r).set_code_prefix(std::string(33, 'W'));
       },
       {certificate + ".code_prefix"}, ""},
      // min_grade
      {"grade bound unset", [](R& r) { MathMatcher(r).mutable_min_grade()->Clear(); },
       {math + ".min_grade"}, "must set one of score_milli, letter, pass"},
      {"score negative", [](R& r) { MathMatcher(r).mutable_min_grade()->set_score_milli(-1); },
       {math + ".min_grade.score_milli"}, "must be 0..100000 (out of 100 points, in thousandths)"},
      {"score 0", [](R& r) { MathMatcher(r).mutable_min_grade()->set_score_milli(0); }, {}, ""},
      {"score 100", [](R& r) { MathMatcher(r).mutable_min_grade()->set_score_milli(100000); }, {},
       ""},
      {"score past 100",
       [](R& r) { MathMatcher(r).mutable_min_grade()->set_score_milli(100001); },
       {math + ".min_grade.score_milli"}, ""},
      {"letter B+", [](R& r) { MathMatcher(r).mutable_min_grade()->set_letter("B+"); }, {}, ""},
      {"letter 良好", [](R& r) { MathMatcher(r).mutable_min_grade()->set_letter("良好"); }, {},
       ""},
      {"letter E", [](R& r) { MathMatcher(r).mutable_min_grade()->set_letter("E"); },
       {math + ".min_grade.letter"},
       "must be one of A+ A A- B+ B B- C+ C C- D+ D D- F 优秀 良好 中等 及格 不及格"},
      {"letter empty", [](R& r) { MathMatcher(r).mutable_min_grade()->set_letter(""); },
       {math + ".min_grade.letter"}, ""},
      {"letter 合格", [](R& r) { MathMatcher(r).mutable_min_grade()->set_letter("合格"); },
       {math + ".min_grade.letter"}, ""},
      {"letter GBK", [](R& r) { MathMatcher(r).mutable_min_grade()->set_letter(kGbkBytes); },
       {math + ".min_grade.letter"}, ""},
      {"pass false", [](R& r) { MathMatcher(r).mutable_min_grade()->set_pass(false); },
       {math + ".min_grade.pass"}, "must be true when set"},
      // min_level
      {"level in the bank framework by name",
       [](R& r) { MathMatcher(r).mutable_min_level()->set_framework("cn-ncb"); }, {}, ""},
      {"level 8 of EQF", [](R& r) { MathMatcher(r).mutable_min_level()->set_level(8); }, {}, ""},
      {"level 9 of EQF", [](R& r) { MathMatcher(r).mutable_min_level()->set_level(9); },
       {math + ".min_level.level"}, "must be 1..8 (the levels of framework \"eqf\")"},
      {"level 0 of EQF", [](R& r) { MathMatcher(r).mutable_min_level()->set_level(0); },
       {math + ".min_level.level"}, ""},
      {"bank level 10", [](R& r) { CalcLevel(r).set_level(10); }, {}, ""},
      {"bank level 11", [](R& r) { CalcLevel(r).set_level(11); }, {calc + ".min_level.level"},
       "must be 1..10 (the levels of framework \"cn-ncb\")"},
      {"bank level 0", [](R& r) { CalcLevel(r).Clear(); }, {calc + ".min_level.level"}, ""},
      {"unknown framework",
       [](R& r) { MathMatcher(r).mutable_min_level()->set_framework("isced"); },
       {math + ".min_level.framework"}, "framework \"isced\" is not known"},
      {"framework upper case",
       [](R& r) { MathMatcher(r).mutable_min_level()->set_framework("EQF"); },
       {math + ".min_level.framework"}, "has a character outside [a-z0-9-] at position 0"},
      {"framework without a bank crosswalk",
       [](R& r) { MathMatcher(r).mutable_min_level()->set_framework("cn-vsl"); },
       {math + ".min_level.framework"},
       "the bank framework \"cn-ncb\" has no crosswalk to \"cn-vsl\": add one with PutFramework "
       "first"},
      {"framework without a bank crosswalk, level too high too",
       [](R& r) {
         MathMatcher(r).mutable_min_level()->set_framework("cn-vsl");
         MathMatcher(r).mutable_min_level()->set_level(6);
       },
       {math + ".min_level.framework", math + ".min_level.level"}, ""},
      // within_years
      {"within 100 years", [](R& r) { MathMatcher(r).set_within_years(100); }, {}, ""},
      {"within 101 years", [](R& r) { MathMatcher(r).set_within_years(101); },
       {math + ".within_years"}, "must be 0..100 (0: any)"},
      // every bad field of one matcher, in field order
      {"everything wrong",
       [](R& r) {
         rules_api::Matcher& m = MathMatcher(r);
         m.Clear();
         m.add_institution_codes("xx");
         m.set_sector(static_cast<common::Sector>(-1));
         m.set_kind(common::OUTCOME_KIND_REVERSAL);
         m.set_code("a b");
         m.set_code_prefix("a");
         m.mutable_min_grade()->set_score_milli(-5);
         m.mutable_min_level()->set_framework("none");
         m.set_within_years(1000);
       },
       {math + ".institution_codes[0]", math + ".sector", math + ".kind", math + ".code",
        math + ".code_prefix", math + ".min_grade.score_milli", math + ".min_level.framework",
        math + ".within_years"},
       "has a character outside [A-Z0-9-] at position 0"},
  };
  RunCases(ValidApplyRequest(), cases, CheckApply);
}

TEST(RuleChecksTest, ApplyRulesReportsBadGrantsAndServerFields) {
  using R = rules_api::ApplyRulesRequest;
  const std::vector<Case<R>> cases = {
      // target
      {"grant unset", [](R& r) { r.mutable_rules(0)->clear_grant(); }, {"rules[0].grant"},
       "must be set"},
      {"no target", [](R& r) { GrantOf(r, 0).clear_course(); }, {"rules[0].grant"},
       "must name a target: course or category"},
      {"course of another programme", [](R& r) { GrantOf(r, 0).set_course("ART101"); },
       {"rules[0].grant.course"}, "course ART101 is not a course of programme CQGC-2026-SE"},
      {"course empty", [](R& r) { GrantOf(r, 0).set_course(""); }, {"rules[0].grant.course"},
       "must not be empty"},
      {"course GBK (not quoted back)", [](R& r) { GrantOf(r, 0).set_course(kGbkBytes); },
       {"rules[0].grant.course"}, "has a character outside [A-Za-z0-9._-] at position 0"},
      {"course named like a category", [](R& r) { GrantOf(r, 0).set_course("MAJ"); },
       {"rules[0].grant.course"}, "course MAJ is not a course of programme CQGC-2026-SE"},
      {"category target",
       [](R& r) {
         GrantOf(r, 0).set_category("MAJ");
         GrantOf(r, 0).set_credits_milli(3000);
       },
       {}, ""},
      {"category of another programme", [](R& r) { GrantOf(r, 1).set_category("PE"); },
       {"rules[1].grant.category"}, "category PE is not a category of programme CQGC-2026-SE"},
      {"category named like a course", [](R& r) { GrantOf(r, 1).set_category("WEB101"); },
       {"rules[1].grant.category"}, ""},
      // credits or hours
      {"course grant without credits takes the course's",
       [](R& r) { GrantOf(r, 2).set_credits_milli(0); }, {}, ""},
      {"category grant without credits or hours",
       [](R& r) { GrantOf(r, 1).set_hours_per_credit(0); }, {"rules[1].grant.credits_milli"},
       "a category grant needs credits_milli (or hours_per_credit)"},
      {"category grant with fixed credits",
       [](R& r) {
         GrantOf(r, 1).set_hours_per_credit(0);
         GrantOf(r, 1).set_credits_milli(2000);
       },
       {}, ""},
      {"credits and hours", [](R& r) { GrantOf(r, 1).set_credits_milli(2000); },
       {"rules[1].grant.hours_per_credit"}, "set credits_milli or hours_per_credit, not both"},
      {"credits negative", [](R& r) { GrantOf(r, 2).set_credits_milli(-4000); },
       {"rules[2].grant.credits_milli"}, "must be 0..100000 (thousandths of a credit)"},
      {"credits 100", [](R& r) { GrantOf(r, 2).set_credits_milli(100000); }, {}, ""},
      {"credits past 100", [](R& r) { GrantOf(r, 2).set_credits_milli(100001); },
       {"rules[2].grant.credits_milli"}, ""},
      {"negative credits on a category (reported once)",
       [](R& r) {
         GrantOf(r, 1).set_hours_per_credit(0);
         GrantOf(r, 1).set_credits_milli(-1);
       },
       {"rules[1].grant.credits_milli"}, "must be 0..100000 (thousandths of a credit)"},
      {"1000 hours a credit", [](R& r) { GrantOf(r, 1).set_hours_per_credit(1000); }, {}, ""},
      {"1001 hours a credit", [](R& r) { GrantOf(r, 1).set_hours_per_credit(1001); },
       {"rules[1].grant.hours_per_credit"},
       "must be 0..1000 (study hours per credit; 0: fixed credits)"},
      {"hours on a course from one matcher", [](R& r) { GrantOf(r, 0).set_hours_per_credit(20); },
       {}, ""},
      {"hours over an all_of",
       [](R& r) {
         GrantOf(r, 2).set_credits_milli(0);
         GrantOf(r, 2).set_hours_per_credit(16);
       },
       {"rules[2].grant.hours_per_credit"},
       "needs a source that is a match or an any_of group of matches"},
      {"hours over an any_of with a group",
       [](R& r) {
         auto* any_of = r.mutable_rules(1)->mutable_source()->mutable_any_of();
         rules_api::Condition copy = any_of->conditions(0);
         *any_of->add_conditions()->mutable_all_of()->add_conditions() = std::move(copy);
       },
       {"rules[1].grant.hours_per_credit"}, ""},
      {"hours over an unset source (reported once)",
       [](R& r) { r.mutable_rules(1)->clear_source(); }, {"rules[1].source"}, "must be set"},
      {"cap negative", [](R& r) { GrantOf(r, 1).set_max_credits_milli(-1); },
       {"rules[1].grant.max_credits_milli"},
       "must be 0..1000000 (thousandths of a credit; 0: no cap)"},
      {"cap 1000 credits", [](R& r) { GrantOf(r, 1).set_max_credits_milli(1000000); }, {}, ""},
      {"cap past 1000 credits", [](R& r) { GrantOf(r, 1).set_max_credits_milli(1000001); },
       {"rules[1].grant.max_credits_milli"}, ""},
      // fields the server sets
      {"programme_id of the request (an exported file)",
       [](R& r) {
         for (auto& rule : *r.mutable_rules()) rule.set_programme_id(kProgrammeId);
       },
       {}, ""},
      {"programme_id of another programme",
       [](R& r) { r.mutable_rules(1)->set_programme_id("CQGC-2026-NET"); },
       {"rules[1].programme_id"},
       "must be empty or the request's programme_id (it is set by the server)"},
      {"version", [](R& r) { r.mutable_rules(1)->set_version(3); }, {"rules[1].version"},
       "is set by the server"},
      {"owner", [](R& r) { r.mutable_rules(1)->set_owner("bank"); }, {"rules[1].owner"},
       "is set by the server"},
      {"published_at", [](R& r) { r.mutable_rules(1)->mutable_published_at()->set_seconds(1); },
       {"rules[1].published_at"}, "is set by the server"},
      // several rules, in order
      {"a bad field in each rule",
       [](R& r) {
         r.mutable_rules(0)->set_version(1);
         MathMatcher(r).set_within_years(500);
         r.mutable_rules(1)->set_id("");
       },
       {"rules[0].version", "rules[1].id", std::string(kMathMatch) + ".within_years"}, ""},
      {"an empty rule", [](R& r) { r.mutable_rules(1)->Clear(); },
       {"rules[1].id", "rules[1].effective_from", "rules[1].source", "rules[1].grant"},
       "must not be empty"},
  };
  RunCases(ValidApplyRequest(), cases, CheckApply);
}

TEST(RuleChecksTest, ApplyRulesChecksAgainstTheStoredProgrammeAndFrameworks) {
  const rules_api::ApplyRulesRequest request = ValidApplyRequest();
  // Without the bank's crosswalk to EQF, no entry can reach an EQF level.
  std::vector<rules_api::Framework> frameworks = StoredFrameworks();
  frameworks[0].clear_crosswalk();
  EXPECT_THAT(ReportOf(CheckApplyRules(request, SoftwareProgramme(), frameworks)).fields,
              ElementsAre(std::string(kMathMatch) + ".min_level.framework"));
  // Without any stored framework, only bank levels are usable.
  EXPECT_THAT(ReportOf(CheckApplyRules(request, SoftwareProgramme(), {})).fields,
              ElementsAre(std::string(kMathMatch) + ".min_level.framework"));
  // A programme without the courses and categories the grants name.
  rules_api::Programme other = SoftwareProgramme();
  other.set_id("CQGC-2026-NET");
  other.clear_courses();
  other.mutable_categories(2)->set_code("OPT");
  const Reported reported = ReportOf(CheckApplyRules(request, other, StoredFrameworks()));
  EXPECT_THAT(reported.fields, ElementsAre("rules[0].grant.course", "rules[1].grant.category",
                                           "rules[2].grant.course"));
  EXPECT_THAT(reported.descriptions,
              ElementsAre("course WEB101 is not a course of programme CQGC-2026-NET",
                          "category ELE is not a category of programme CQGC-2026-NET",
                          "course MATH101 is not a course of programme CQGC-2026-NET"));
}

// ---------------------------------------------------------------- hostile input

TEST(RuleChecksTest, ApplyRulesCapsTheViolationsOfAHugeBadFile) {
  rules_api::ApplyRulesRequest request;
  request.set_programme_id(kProgrammeId);
  for (int i = 0; i < 1000; ++i) request.add_rules();  // 4 violations each
  const absl::Status status = CheckApply(request);
  EXPECT_THAT(ErrorFields(status), SizeIs(kMaxFieldViolations));
  EXPECT_EQ(status.message(), "rules[0].id: must not be empty (and 3999 more invalid fields)");
}

// Every string of a rule set to invalid UTF-8: each is reported, and no
// description quotes the bytes back (it would not parse on the client).
TEST(RuleChecksTest, InvalidUtf8IsReportedNeverQuoted) {
  rules_api::ApplyRulesRequest request = ValidApplyRequest();
  rules_api::Rule& rule = *request.mutable_rules(2);
  rule.set_id(kGbkBytes);
  rule.set_title(kGbkBytes);
  rules_api::Matcher& matcher = MathMatcher(request);
  matcher.set_institution_codes(0, kGbkBytes);
  matcher.set_code(kGbkBytes);
  matcher.mutable_min_grade()->set_letter(kGbkBytes);
  matcher.mutable_min_level()->set_framework(kGbkBytes);
  rule.mutable_grant()->set_category(kGbkBytes);
  rule.set_programme_id(kGbkBytes);
  rule.set_owner(kGbkBytes);
  const Reported reported = ReportOf(CheckApply(request));
  EXPECT_THAT(reported.fields, SizeIs(9));
  for (const std::string& description : reported.descriptions) {
    EXPECT_TRUE(Utf8Length(description).has_value()) << description;
  }
  rules_api::PutProgrammeRequest programme = ValidProgrammeRequest();
  programme.mutable_programme()->mutable_courses(0)->set_category(kGbkBytes);
  programme.mutable_programme()->mutable_categories(0)->set_code(kGbkBytes);
  for (const std::string& description : ReportOf(CheckPutProgramme(programme)).descriptions) {
    EXPECT_TRUE(Utf8Length(description).has_value()) << description;
  }
}

// ---------------------------------------------------------------- simple requests

struct SimpleCase {
  std::string name;
  std::function<absl::Status()> check;
  std::vector<std::string> fields;
  std::string description;
};

void RunSimpleCases(const std::vector<SimpleCase>& cases) {
  for (const SimpleCase& c : cases) {
    const Reported reported = ReportOf(c.check());
    EXPECT_EQ(reported.fields, c.fields) << c.name;
    if (!c.description.empty()) {
      ASSERT_FALSE(reported.descriptions.empty()) << c.name;
      EXPECT_EQ(reported.descriptions[0], c.description) << c.name;
    }
  }
}

rules_api::GetRuleRequest GetRule(const std::string& programme_id, const std::string& rule_id) {
  rules_api::GetRuleRequest request;
  request.set_programme_id(programme_id);
  request.set_rule_id(rule_id);
  return request;
}

TEST(RuleChecksTest, ProgrammeAndRuleReads) {
  const auto get_programme = [](const std::string& id) {
    rules_api::GetProgrammeRequest request;
    request.set_programme_id(id);
    return CheckGetProgramme(request);
  };
  const auto list_programmes = [](const std::string& institution) {
    rules_api::ListProgrammesRequest request;
    request.set_institution_code(institution);
    return CheckListProgrammes(request);
  };
  const auto list_rules = [](const std::string& id) {
    rules_api::ListRulesRequest request;
    request.set_programme_id(id);
    request.set_all_versions(true);
    return CheckListRules(request);
  };
  RunSimpleCases({
      {"get programme", [&] { return get_programme(kProgrammeId); }, {}, ""},
      {"get programme without id", [&] { return get_programme(""); }, {"programme_id"},
       "must not be empty"},
      {"get programme GBK", [&] { return get_programme(kGbkBytes); }, {"programme_id"}, ""},
      {"list every institution's", [&] { return list_programmes(""); }, {}, ""},
      {"list one institution's", [&] { return list_programmes(kCollege); }, {}, ""},
      {"list a bad institution", [&] { return list_programmes("重庆"); }, {"institution_code"},
       "has a character outside [A-Z0-9-] at position 0"},
      {"list rules", [&] { return list_rules(kProgrammeId); }, {}, ""},
      {"list rules without programme", [&] { return list_rules(""); }, {"programme_id"}, ""},
      {"get rule", [] { return CheckGetRule(GetRule(kProgrammeId, "MATH-OU")); }, {}, ""},
      {"get rule without ids", [] { return CheckGetRule(GetRule("", "")); },
       {"programme_id", "rule_id"}, "must not be empty"},
      {"get rule id 49 characters",
       [] { return CheckGetRule(GetRule(kProgrammeId, std::string(49, 'r'))); }, {"rule_id"},
       "must have at most 48 characters, has 49"},
  });
}

rules_api::EvaluateRequest Evaluate(const std::string& account, const std::string& programme) {
  rules_api::EvaluateRequest request;
  request.set_account_number(account);
  request.set_programme_id(programme);
  return request;
}

TEST(RuleChecksTest, EvaluateAndProgress) {
  const auto evaluate_as_of = [](common::Date as_of) {
    rules_api::EvaluateRequest request = Evaluate(kAccount, kProgrammeId);
    *request.mutable_as_of() = as_of;
    return CheckEvaluate(request);
  };
  const auto progress = [](const std::string& account, const std::string& programme) {
    rules_api::GetProgressRequest request;
    request.set_account_number(account);
    request.set_programme_id(programme);
    return CheckGetProgress(request);
  };
  RunSimpleCases({
      {"evaluate today", [] { return CheckEvaluate(Evaluate(kAccount, kProgrammeId)); }, {}, ""},
      {"evaluate as of a day", [&] { return evaluate_as_of(MakeDate(2027, 7, 1)); }, {}, ""},
      {"evaluate as of no day", [&] { return evaluate_as_of(MakeDate(2027, 6, 31)); }, {"as_of"},
       "2027-06-31 is not a calendar date"},
      {"evaluate as of year 0", [&] { return evaluate_as_of(MakeDate(0, 7, 1)); }, {"as_of"},
       ""},
      {"evaluate bad account",
       [] { return CheckEvaluate(Evaluate("6217000000000015", kProgrammeId)); },
       {"account_number"}, "has a wrong check digit (Luhn); check for a mistyped digit"},
      {"evaluate nothing", [] { return CheckEvaluate(Evaluate("", "")); },
       {"account_number", "programme_id"}, "must not be empty"},
      {"progress", [&] { return progress(kAccount, kProgrammeId); }, {}, ""},
      {"progress without programme", [&] { return progress(kAccount, ""); }, {"programme_id"},
       ""},
      {"progress of a short account", [&] { return progress("621700000000001", kProgrammeId); },
       {"account_number"}, ""},
  });
}

rules_api::CreateConversionRequestRequest ValidCreateRequest() {
  rules_api::CreateConversionRequestRequest request;
  request.set_request_id("cr-2026-09-zhangwei");
  request.set_account_number(kAccount);
  request.set_programme_id(kProgrammeId);
  request.add_rule_ids("WEB-1X");
  request.add_rule_ids("MATH-OU");
  request.set_proposal_digest(std::string(32, '\x5a'));
  return request;
}

TEST(RuleChecksTest, CreateConversionRequest) {
  using R = rules_api::CreateConversionRequestRequest;
  const std::vector<Case<R>> cases = {
      {"valid", [](R&) {}, {}, ""},
      {"every grant, no digest",
       [](R& r) {
         r.clear_rule_ids();
         r.clear_proposal_digest();
       },
       {}, ""},
      {"request id empty", [](R& r) { r.set_request_id(""); }, {"request_id"},
       "must not be empty"},
      {"request id with colons", [](R& r) { r.set_request_id("2026:09:01"); }, {}, ""},
      {"request id 65 characters", [](R& r) { r.set_request_id(std::string(65, 'r')); },
       {"request_id"}, "must have at most 64 characters, has 65"},
      {"account bad", [](R& r) { r.set_account_number("6217000000000041"); }, {"account_number"},
       ""},
      {"programme empty", [](R& r) { r.set_programme_id(""); }, {"programme_id"}, ""},
      {"rule id empty", [](R& r) { r.add_rule_ids(""); }, {"rule_ids[2]"}, "must not be empty"},
      {"rule id repeated", [](R& r) { r.add_rule_ids("WEB-1X"); }, {"rule_ids[2]"},
       "\"WEB-1X\" repeats rule_ids[0]"},
      {"1000 rule ids",
       [](R& r) {
         r.clear_rule_ids();
         for (int i = 0; i < 1000; ++i) r.add_rule_ids(absl::StrCat("R", i));
       },
       {}, ""},
      {"1001 rule ids, not checked one by one",
       [](R& r) {
         for (int i = 2; i < 1001; ++i) r.add_rule_ids("");
       },
       {"rule_ids"}, "must have at most 1000 rule ids, has 1001"},
      {"digest 31 bytes", [](R& r) { r.set_proposal_digest(std::string(31, '\x01')); },
       {"proposal_digest"}, "must be empty or 32 bytes (SHA-256), has 31"},
      {"digest as hex", [](R& r) { r.set_proposal_digest(std::string(64, 'a')); },
       {"proposal_digest"}, "must be empty or 32 bytes (SHA-256), has 64"},
      {"everything wrong",
       [](R& r) {
         r.Clear();
         r.add_rule_ids("a b");
         r.set_proposal_digest("x");
       },
       {"request_id", "account_number", "programme_id", "rule_ids[0]", "proposal_digest"}, ""},
  };
  RunCases(ValidCreateRequest(), cases,
           [](const R& request) { return CheckCreateConversionRequest(request); });
}

TEST(RuleChecksTest, DecideAndGetConversionRequest) {
  const auto decide = [](const std::string& id, const std::string& reason) {
    rules_api::DecideConversionRequest request;
    request.set_conversion_request_id(id);
    request.set_reason(reason);
    return CheckDecideConversionRequest(request);
  };
  const auto get = [](const std::string& id) {
    rules_api::GetConversionRequestRequest request;
    request.set_conversion_request_id(id);
    return CheckGetConversionRequest(request);
  };
  const std::string id_shape = "must be CR- and 1-20 digits, e.g. CR-17";
  RunSimpleCases({
      {"approve", [&] { return decide("CR-17", "证书真实有效，符合互认规则"); }, {}, ""},
      {"approve a zero-padded id", [&] { return decide("CR-000017", "符合"); }, {}, ""},
      {"reason empty", [&] { return decide("CR-17", ""); }, {"reason"}, "must not be empty"},
      {"reason 500", [&] { return decide("CR-17", Repeat("因", 500)); }, {}, ""},
      {"reason 501", [&] { return decide("CR-17", Repeat("因", 501)); }, {"reason"},
       "must have at most 500 characters, has 501"},
      {"reason GBK", [&] { return decide("CR-17", kGbkBytes); }, {"reason"},
       "is not valid UTF-8 (at byte 0)"},
      {"id empty", [&] { return decide("", "符合"); }, {"conversion_request_id"},
       "must not be empty"},
      {"id only the prefix", [&] { return decide("CR-", "符合"); }, {"conversion_request_id"},
       id_shape},
      {"id lower case", [&] { return decide("cr-17", "符合"); }, {"conversion_request_id"},
       id_shape},
      {"id without prefix", [&] { return decide("17", "符合"); }, {"conversion_request_id"},
       id_shape},
      {"id with a letter", [&] { return decide("CR-17a", "符合"); }, {"conversion_request_id"},
       id_shape},
      {"id negative", [&] { return decide("CR--17", "符合"); }, {"conversion_request_id"},
       id_shape},
      {"id 20 digits", [&] { return decide("CR-18446744073709551615", "符合"); }, {}, ""},
      {"id 21 digits", [&] { return decide("CR-184467440737095516150", "符合"); },
       {"conversion_request_id"}, id_shape},
      {"both wrong", [&] { return decide("CR 17", ""); }, {"conversion_request_id", "reason"},
       ""},
      {"get", [&] { return get("CR-1"); }, {}, ""},
      {"get GBK", [&] { return get(kGbkBytes); }, {"conversion_request_id"}, id_shape},
  });
}

TEST(RuleChecksTest, ListConversionRequests) {
  using R = rules_api::ListConversionRequestsRequest;
  const std::vector<Case<R>> cases = {
      {"no filters", [](R&) {}, {}, ""},
      {"every filter",
       [](R& r) {
         r.set_account_number(kAccount);
         r.set_programme_id(kProgrammeId);
         r.set_status(rules_api::CONVERSION_STATUS_PENDING);
         r.set_needs_review(true);
         r.set_page_size(1000);
         r.set_page_token("opaque");
       },
       {}, ""},
      {"bad account", [](R& r) { r.set_account_number("6217"); }, {"account_number"}, ""},
      {"bad programme", [](R& r) { r.set_programme_id("P"); }, {"programme_id"},
       "must have at least 2 characters"},
      {"status approved", [](R& r) { r.set_status(rules_api::CONVERSION_STATUS_APPROVED); }, {},
       ""},
      {"status unknown", [](R& r) { r.set_status(static_cast<rules_api::ConversionStatus>(9)); },
       {"status"}, "unknown conversion status 9"},
      {"page size 1001", [](R& r) { r.set_page_size(1001); }, {"page_size"},
       "must be 0..1000 (0 means 100)"},
      {"page size negative", [](R& r) { r.set_page_size(-1); }, {"page_size"}, ""},
  };
  RunCases(R(), cases, [](const R& request) { return CheckListConversionRequests(request); });
}

}  // namespace
}  // namespace creditbank::domain::rules
