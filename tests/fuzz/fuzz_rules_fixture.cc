#include "tests/fuzz/fuzz_rules_fixture.h"

#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/str_format.h"
#include "domain/validation/dates.h"

namespace creditbank::fuzz {
namespace {

namespace common = ::creditbank::common::v1;
using ledger::v1::Entry;
using rules::v1::Programme;

constexpr char kAccount[] = "6212345678901232";
// Enough training sessions that the learner's live entries with study
// hours outnumber the sources one conversion entry may name (50): a rate
// grant over "every entry with hours" must not produce an unwritable one.
constexpr int kSafetyTrainings = 34;

void AddCategory(Programme& programme, const char* code, const char* name, int64_t min_milli) {
  rules::v1::Category* category = programme.add_categories();
  category->set_code(code);
  category->set_name(name);
  category->set_min_credits_milli(min_milli);
}

void AddCourse(Programme& programme, const char* code, const char* title, const char* category,
               int64_t credits_milli) {
  rules::v1::Course* course = programme.add_courses();
  course->set_code(code);
  course->set_title(title);
  course->set_category(category);
  course->set_credits_milli(credits_milli);
}

// Builds the ledger in id order. Add returns the new entry to adjust at
// once; later adjustments go through At (Add may move the entries).
class Ledger {
 public:
  Entry& Add(const char* institution, common::OutcomeKind kind, const std::string& code,
             int64_t credits_milli, uint32_t hours, uint32_t level, common::Sector sector,
             absl::CivilDay completed) {
    Entry& entry = entries_.emplace_back();
    entry.set_entry_id(entries_.size());
    entry.set_institution_code(institution);
    ledger::v1::Outcome* outcome = entry.mutable_outcome();
    outcome->set_request_id(absl::StrFormat("fixture-%d", entries_.size()));
    outcome->set_account_number(kAccount);
    outcome->set_kind(kind);
    outcome->set_code(code);
    outcome->set_title(code);
    outcome->set_credits_milli(credits_milli);
    outcome->set_study_hours(hours);
    outcome->set_framework_level(level);
    outcome->set_sector(sector);
    *outcome->mutable_completion_date() = domain::ToDate(completed);
    return entry;
  }

  static void Score(Entry& entry, int64_t score_milli, int64_t scale_milli) {
    entry.mutable_outcome()->mutable_grade()->mutable_score()->set_score_milli(score_milli);
    entry.mutable_outcome()->mutable_grade()->mutable_score()->set_scale_milli(scale_milli);
  }
  static void Letter(Entry& entry, const char* letter) {
    entry.mutable_outcome()->mutable_grade()->set_letter(letter);
  }
  static void Passed(Entry& entry, bool passed) {
    entry.mutable_outcome()->mutable_grade()->set_passed(passed);
  }

  Entry& At(uint64_t entry_id) { return entries_.at(entry_id - 1); }
  std::vector<Entry> Take() { return std::move(entries_); }

 private:
  std::vector<Entry> entries_;
};

}  // namespace

absl::CivilDay RulesFuzzAsOf() { return absl::CivilDay(2026, 9, 1); }

Programme RulesFuzzProgramme() {
  Programme programme;
  programme.set_id(kRulesProgrammeId);
  programme.set_institution_code(kRulesProgrammeInstitution);
  programme.set_title("软件工程（专升本）");
  programme.set_framework_level(6);
  programme.set_required_credits_milli(160'000);
  programme.set_max_conversion_permille(700);
  programme.set_max_converted_credits_per_year_milli(105'000);
  programme.set_max_converted_credits_per_source_institution_milli(110'000);
  AddCategory(programme, "GEN", "通识教育", 40'000);
  AddCategory(programme, "MAJ", "专业教育", 80'000);
  AddCategory(programme, "ELE", "选修", 20'000);
  AddCourse(programme, "MATH101", "高等数学（上）", "GEN", 4'000);
  AddCourse(programme, "ENG101", "大学英语（一）", "GEN", 3'000);
  AddCourse(programme, "CS101", "程序设计基础", "MAJ", 4'000);
  AddCourse(programme, "CS201", "数据结构", "MAJ", 4'000);
  AddCourse(programme, "CS301", "数据库原理", "MAJ", 3'500);
  AddCourse(programme, "SE401", "软件工程", "MAJ", 3'000);
  AddCourse(programme, "ELE-PY", "Python数据分析", "ELE", 2'000);
  return programme;
}

std::vector<Entry> RulesFuzzEntries() {
  using C = absl::CivilDay;
  constexpr auto kCourse = common::OUTCOME_KIND_COURSE_CREDIT;
  constexpr auto kHigher = common::SECTOR_GENERAL_HIGHER;
  constexpr auto kVocational = common::SECTOR_VOCATIONAL;
  Ledger l;
  // 1-6: a university, 2018-2019; codes share prefixes with the
  // programme's (MATH101/MATH102, CS101/CS1010).
  Ledger::Score(l.Add(kRulesUniversity, kCourse, "MATH101", 5'000, 80, 6, kHigher, C(2019, 1, 15)),
                88'000, 100'000);
  Ledger::Score(l.Add(kRulesUniversity, kCourse, "MATH102", 5'000, 80, 6, kHigher, C(2019, 6, 30)),
                55'000, 100'000);
  Ledger::Letter(l.Add(kRulesUniversity, kCourse, "ENG101", 3'000, 64, 6, kHigher, C(2018, 12, 20)),
                 "B+");
  Ledger::Letter(l.Add(kRulesUniversity, kCourse, "ENG102", 3'000, 64, 6, kHigher, C(2019, 6, 20)),
                 "及格");
  Entry& cs101 = l.Add(kRulesUniversity, kCourse, "CS101", 4'000, 64, 6, kHigher, C(2019, 1, 10));
  Ledger::Score(cs101, 91'000, 100'000);
  const uint64_t reversed_id = cs101.entry_id();  // reversed below
  Ledger::Passed(l.Add(kRulesUniversity, kCourse, "CS1010", 2'000, 32, 6, kHigher, C(2019, 6, 15)),
                 true);
  // 7-11: a vocational college, 2013-2015 (outside a ten-year window).
  Ledger::Score(l.Add(kRulesCollege, kCourse, "CS101", 4'000, 64, 5, kVocational, C(2013, 7, 1)),
                4'200, 5'000);  // 4.2 of 5
  Ledger::Letter(l.Add(kRulesCollege, kCourse, "CS201", 4'000, 64, 5, kVocational, C(2014, 1, 10)),
                 "优秀");
  Ledger::Letter(l.Add(kRulesCollege, kCourse, "CS2010", 1'000, 16, 5, kVocational, C(2014, 1, 12)),
                 "不及格");
  Ledger::Score(l.Add(kRulesCollege, kCourse, "CS301", 3'500, 56, 5, kVocational, C(2014, 6, 30)),
                72'500, 100'000);
  Ledger::Letter(l.Add(kRulesCollege, kCourse, "SE401", 3'000, 48, 5, kVocational, C(2015, 1, 5)),
                 "C-");
  // 12-13: the programme's own institution: MATH101 is earned there.
  Ledger::Score(l.Add(kRulesProgrammeInstitution, kCourse, "MATH101", 4'000, 64, 6,
                      common::SECTOR_OPEN_UNIVERSITY, C(2024, 1, 10)),
                75'000, 100'000);
  Ledger::Score(l.Add(kRulesProgrammeInstitution, kCourse, "PHYS101", 3'500, 56, 6,
                      common::SECTOR_OPEN_UNIVERSITY, C(2024, 6, 30)),
                66'000, 100'000);
  // 14-16: certificates, the first expired before the evaluation date.
  Entry& expired = l.Add(kRulesCertifier, common::OUTCOME_KIND_CERTIFICATE, "1X-BIGDATA-J", 2'000,
                         40, 4, common::SECTOR_CERTIFYING_BODY, C(2021, 6, 1));
  Ledger::Passed(expired, true);
  *expired.mutable_outcome()->mutable_valid_until() = domain::ToDate(C(2024, 6, 1));
  Entry& valid = l.Add(kRulesCertifier, common::OUTCOME_KIND_CERTIFICATE, "1X-BIGDATA-Z", 3'000,
                       60, 5, common::SECTOR_CERTIFYING_BODY, C(2023, 6, 1));
  Ledger::Passed(valid, true);
  *valid.mutable_outcome()->mutable_valid_until() = domain::ToDate(C(2028, 6, 1));
  Ledger::Passed(l.Add(kRulesCertifier, common::OUTCOME_KIND_CERTIFICATE, "1X-WEB-M", 2'000, 48, 5,
                       common::SECTOR_CERTIFYING_BODY, C(2022, 12, 1)),
                 true);
  // 17-19: exams, scored on their own scales (CET: 710 points).
  Ledger::Score(l.Add(kRulesExamBoard, common::OUTCOME_KIND_EXAM, "CET4", 0, 0, 4,
                      common::SECTOR_CONTINUING, C(2017, 6, 17)),
                520'000, 710'000);
  Ledger::Score(l.Add(kRulesExamBoard, common::OUTCOME_KIND_EXAM, "CET6", 0, 0, 5,
                      common::SECTOR_CONTINUING, C(2018, 6, 16)),
                410'000, 710'000);
  Ledger::Letter(l.Add(kRulesExamBoard, common::OUTCOME_KIND_EXAM, "NCRE2-PY", 2'000, 0, 4,
                       common::SECTOR_CONTINUING, C(2020, 3, 28)),
                 "良好");
  // 20-21: longer trainings, ungraded, no level.
  l.Add(kRulesTrainer, common::OUTCOME_KIND_TRAINING_HOURS, "TRN-PY-01", 0, 40, 0,
        common::SECTOR_ENTERPRISE_TRAINING, C(2025, 3, 1));
  l.Add(kRulesTrainer, common::OUTCOME_KIND_TRAINING_HOURS, "TRN-PY-02", 0, 36, 0,
        common::SECTOR_ENTERPRISE_TRAINING, C(2025, 5, 1));
  // 22-25: prior learning, an old university (2011), a scale of 150.
  Ledger::Passed(l.Add(kRulesCollege, common::OUTCOME_KIND_PRIOR_LEARNING, "PL-DEV-2012", 6'000,
                       120, 5, kVocational, C(2012, 9, 1)),
                 true);
  Ledger::Score(l.Add(kRulesOldUniversity, kCourse, "MATH101", 4'000, 72, 6, kHigher,
                      C(2011, 6, 30)),
                58'000, 100'000);
  Ledger::Letter(l.Add(kRulesOldUniversity, kCourse, "ENG1", 2'000, 32, 6, kHigher, C(2011, 12, 30)),
                 "A");
  Ledger::Score(l.Add(kRulesUniversity, kCourse, "MATH101A", 3'000, 48, 7, kHigher, C(2020, 1, 10)),
                120'000, 150'000);
  // 26-27: a second CS301 at D; a course finished after the evaluation date.
  Ledger::Letter(l.Add(kRulesUniversity, kCourse, "CS301", 3'000, 48, 6, kHigher, C(2020, 6, 30)),
                 "D");
  Ledger::Score(l.Add(kRulesUniversity, kCourse, "CS102", 3'000, 48, 6, kHigher, C(2026, 10, 15)),
                80'000, 100'000);
  // 28: the reversal of entry 5 (a grading error).
  Entry& reversal = l.Add(kRulesUniversity, common::OUTCOME_KIND_REVERSAL, "CS101", 0, 0, 0,
                          kHigher, C(2020, 3, 1));
  reversal.set_reverses_entry_id(reversed_id);
  reversal.set_reversal_reason("成绩录入错误");
  l.At(reversed_id).set_reversed_by_entry_id(reversal.entry_id());
  // 29-31: conversions. Into the programme's ENG101 from entry 3; into its
  // ELE category from the reversed entry 5 (flagged by progress); and one
  // the college made from entry 9 into a programme of its own.
  Entry& into_course = l.Add(kRulesProgrammeInstitution, common::OUTCOME_KIND_CONVERSION, "ENG101",
                             3'000, 0, 6, common::SECTOR_OPEN_UNIVERSITY, C(2025, 1, 15));
  into_course.mutable_outcome()->add_source_entry_ids(3);
  Entry& into_category = l.Add(kRulesProgrammeInstitution, common::OUTCOME_KIND_CONVERSION, "ELE",
                               2'000, 0, 6, common::SECTOR_OPEN_UNIVERSITY, C(2019, 9, 1));
  into_category.mutable_outcome()->add_source_entry_ids(reversed_id);
  Entry& elsewhere = l.Add(kRulesCollege, common::OUTCOME_KIND_CONVERSION, "X-ELECTIVE", 1'000, 0,
                           5, kVocational, C(2015, 3, 1));
  elsewhere.mutable_outcome()->add_source_entry_ids(9);
  // 32-33: exams taken by the open request's grant (below).
  Ledger::Passed(l.Add(kRulesExamBoard, common::OUTCOME_KIND_EXAM, "NCRE3-DB", 2'000, 0, 5,
                       common::SECTOR_CONTINUING, C(2021, 9, 25)),
                 true);
  Ledger::Letter(l.Add(kRulesExamBoard, common::OUTCOME_KIND_EXAM, "NCRE2-C", 2'000, 0, 4,
                       common::SECTOR_CONTINUING, C(2016, 3, 26)),
                 "及格");
  // 34-: monthly safety trainings, a few hours each, 2023-11 to 2026-08.
  for (int i = 0; i < kSafetyTrainings; ++i) {
    const absl::CivilMonth month = absl::CivilMonth(2023, 11) + i;
    l.Add(kRulesTrainer, common::OUTCOME_KIND_TRAINING_HOURS,
          absl::StrFormat("TRN-SAFE-%02d", i + 1), 0, 4 + i % 5, 0,
          common::SECTOR_ENTERPRISE_TRAINING, C(month.year(), month.month(), 28));
  }
  return l.Take();
}

std::vector<rules::v1::ProposedGrant> RulesFuzzReservedGrants() {
  rules::v1::ProposedGrant grant;
  grant.set_rule_id("NCRE-ELECTIVE");
  grant.set_rule_version(1);
  grant.add_source_entry_ids(32);
  grant.add_source_entry_ids(33);
  grant.set_category("ELE");
  grant.set_credits_milli(2'000);
  grant.set_uncapped_credits_milli(2'000);
  return {grant};
}

}  // namespace creditbank::fuzz
