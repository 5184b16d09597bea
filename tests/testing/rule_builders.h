// Builders for the rules tests: ledger entries as the ledger returns them,
// matchers, condition trees, grants and rules, and one-line renderings of
// proposals and progress so that tests can compare them exactly.
//
//   ledger::v1::Entry cert = EntryBuilder(1, "CB-1X-0001", OUTCOME_KIND_CERTIFICATE,
//                                         "1X-WEB-FE-M").Level(4).Passed(true);
//   rules_api::Rule rule = MakeRule("1x-web-fe", M().Code("1X-WEB-FE-M"), CourseGrant("WEB-FE"));
//   EXPECT_THAT(GrantTexts(proposal), ElementsAre("1x-web-fe v1 [1] WEB-FE/MAJOR 4000"));
#ifndef CREDITBANK_TESTS_TESTING_RULE_BUILDERS_H_
#define CREDITBANK_TESTS_TESTING_RULE_BUILDERS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "creditbank/ledger/v1/ledger.pb.h"
#include "creditbank/rules/v1/rules.pb.h"
#include "domain/validation/dates.h"

namespace creditbank::testing {

namespace rules_api = ::creditbank::rules::v1;

// The learner whose entries the pure tests build (a valid account number;
// the evaluator only copies it).
inline constexpr char kTestAccount[] = "6217000000000014";

inline void AddCategory(rules_api::Programme& programme, const std::string& code,
                        const std::string& name, int64_t min_credits_milli) {
  rules_api::Category* category = programme.add_categories();
  category->set_code(code);
  category->set_name(name);
  category->set_min_credits_milli(min_credits_milli);
}

inline void AddCourse(rules_api::Programme& programme, const std::string& code,
                      const std::string& title, const std::string& category,
                      int64_t credits_milli) {
  rules_api::Course* course = programme.add_courses();
  course->set_code(code);
  course->set_title(title);
  course->set_category(category);
  course->set_credits_milli(credits_milli);
}

inline common::v1::Date Day(int year, int month, int day) {
  return domain::ToDate(absl::CivilDay(year, month, day));
}

// A ledger entry as ListEntries returns it: completed 2025-06-20, no grade,
// no level, no hours, no credits unless set.
class EntryBuilder {
 public:
  EntryBuilder(uint64_t id, const std::string& institution, common::v1::OutcomeKind kind,
               const std::string& code, const std::string& title = "") {
    entry_.set_entry_id(id);
    entry_.set_institution_code(institution);
    ledger::v1::Outcome& outcome = *entry_.mutable_outcome();
    outcome.set_request_id(absl::StrCat("row-", id));
    outcome.set_account_number(kTestAccount);
    outcome.set_kind(kind);
    outcome.set_code(code);
    outcome.set_title(title.empty() ? code : title);
    *outcome.mutable_completion_date() = Day(2025, 6, 20);
  }

  EntryBuilder& Credits(int64_t milli) {
    outcome().set_credits_milli(milli);
    return *this;
  }
  EntryBuilder& Hours(uint32_t hours) {
    outcome().set_study_hours(hours);
    return *this;
  }
  EntryBuilder& Score(int64_t score_milli, int64_t scale_milli = 100'000) {
    outcome().mutable_grade()->mutable_score()->set_score_milli(score_milli);
    outcome().mutable_grade()->mutable_score()->set_scale_milli(scale_milli);
    return *this;
  }
  EntryBuilder& Letter(const std::string& letter) {
    outcome().mutable_grade()->set_letter(letter);
    return *this;
  }
  EntryBuilder& Passed(bool passed) {
    outcome().mutable_grade()->set_passed(passed);
    return *this;
  }
  EntryBuilder& Level(uint32_t level) {
    outcome().set_framework_level(level);
    return *this;
  }
  EntryBuilder& Sector(common::v1::Sector sector) {
    outcome().set_sector(sector);
    return *this;
  }
  EntryBuilder& Completed(int year, int month, int day) {
    *outcome().mutable_completion_date() = Day(year, month, day);
    return *this;
  }
  EntryBuilder& ValidUntil(int year, int month, int day) {
    *outcome().mutable_valid_until() = Day(year, month, day);
    return *this;
  }
  EntryBuilder& ReversedBy(uint64_t reversal_id) {
    entry_.set_reversed_by_entry_id(reversal_id);
    return *this;
  }
  // A reversal entry cancelling `entry_id`.
  EntryBuilder& Reverses(uint64_t entry_id) {
    entry_.set_reverses_entry_id(entry_id);
    entry_.set_reversal_reason("成绩录入错误");
    return *this;
  }
  EntryBuilder& Sources(std::vector<uint64_t> sources) {
    outcome().clear_source_entry_ids();
    for (uint64_t source : sources) outcome().add_source_entry_ids(source);
    return *this;
  }

  ledger::v1::Entry Build() const { return entry_; }
  operator ledger::v1::Entry() const { return entry_; }  // NOLINT: builder

 private:
  ledger::v1::Outcome& outcome() { return *entry_.mutable_outcome(); }
  ledger::v1::Entry entry_;
};

// A matcher condition; each setter narrows it.
class M {
 public:
  M& Institutions(std::vector<std::string> codes) {
    for (std::string& code : codes) match().add_institution_codes(std::move(code));
    return *this;
  }
  M& Sector(common::v1::Sector sector) {
    match().set_sector(sector);
    return *this;
  }
  M& Kind(common::v1::OutcomeKind kind) {
    match().set_kind(kind);
    return *this;
  }
  M& Code(const std::string& code) {
    match().set_code(code);
    return *this;
  }
  M& Prefix(const std::string& prefix) {
    match().set_code_prefix(prefix);
    return *this;
  }
  M& MinScore(int64_t score_milli) {
    match().mutable_min_grade()->set_score_milli(score_milli);
    return *this;
  }
  M& MinLetter(const std::string& letter) {
    match().mutable_min_grade()->set_letter(letter);
    return *this;
  }
  M& MinPass() {
    match().mutable_min_grade()->set_pass(true);
    return *this;
  }
  M& MinLevel(uint32_t level, const std::string& framework = "") {
    match().mutable_min_level()->set_level(level);
    match().mutable_min_level()->set_framework(framework);
    return *this;
  }
  M& WithinYears(uint32_t years) {
    match().set_within_years(years);
    return *this;
  }

  operator rules_api::Condition() const { return condition_; }  // NOLINT: builder

 private:
  rules_api::Matcher& match() { return *condition_.mutable_match(); }
  rules_api::Condition condition_;
};

inline rules_api::Condition AllOf(std::vector<rules_api::Condition> conditions) {
  rules_api::Condition condition;
  for (rules_api::Condition& c : conditions) *condition.mutable_all_of()->add_conditions() = c;
  return condition;
}

inline rules_api::Condition AnyOf(std::vector<rules_api::Condition> conditions) {
  rules_api::Condition condition;
  for (rules_api::Condition& c : conditions) *condition.mutable_any_of()->add_conditions() = c;
  return condition;
}

inline rules_api::Condition KOf(uint32_t k, std::vector<rules_api::Condition> conditions) {
  rules_api::Condition condition;
  condition.mutable_k_of()->set_k(k);
  for (rules_api::Condition& c : conditions) *condition.mutable_k_of()->add_conditions() = c;
  return condition;
}

// The course's own credits unless `credits_milli` is set.
inline rules_api::Grant CourseGrant(const std::string& course, int64_t credits_milli = 0) {
  rules_api::Grant grant;
  grant.set_course(course);
  grant.set_credits_milli(credits_milli);
  return grant;
}

inline rules_api::Grant CategoryGrant(const std::string& category, int64_t credits_milli) {
  rules_api::Grant grant;
  grant.set_category(category);
  grant.set_credits_milli(credits_milli);
  return grant;
}

inline rules_api::Grant RateGrant(const std::string& category, uint32_t hours_per_credit,
                                  int64_t max_credits_milli) {
  rules_api::Grant grant;
  grant.set_category(category);
  grant.set_hours_per_credit(hours_per_credit);
  grant.set_max_credits_milli(max_credits_milli);
  return grant;
}

// A rule as a publisher writes it, in effect from 2020-01-01 with no end.
inline rules_api::Rule MakeRule(const std::string& id, const rules_api::Condition& source,
                                const rules_api::Grant& grant, uint32_t priority = 0) {
  rules_api::Rule rule;
  rule.set_id(id);
  rule.set_title(absl::StrCat("规则 ", id));
  rule.set_priority(priority);
  *rule.mutable_effective_from() = Day(2020, 1, 1);
  *rule.mutable_source() = source;
  *rule.mutable_grant() = grant;
  return rule;
}

// `rule` as stored at `version` (the server's fields the evaluator reads).
inline rules_api::Rule Versioned(rules_api::Rule rule, uint32_t version) {
  rule.set_version(version);
  return rule;
}

// "rule v1 [3,1] COURSE/CATEGORY 4000", plus " (uncapped N)" when a cap
// cut it: every field the digest covers, in one comparable line.
inline std::string GrantText(const rules_api::ProposedGrant& grant) {
  std::string text = absl::StrCat(grant.rule_id(), " v", grant.rule_version(), " [",
                                  absl::StrJoin(grant.source_entry_ids(), ","), "] ",
                                  grant.course().empty() ? "" : grant.course() + "/",
                                  grant.category(), " ", grant.credits_milli());
  if (grant.uncapped_credits_milli() != grant.credits_milli()) {
    absl::StrAppend(&text, " (uncapped ", grant.uncapped_credits_milli(), ")");
  }
  return text;
}

template <typename Grants>
std::vector<std::string> GrantTexts(const Grants& grants) {
  std::vector<std::string> texts;
  for (const rules_api::ProposedGrant& grant : grants) texts.push_back(GrantText(grant));
  return texts;
}

inline std::vector<std::string> GrantTexts(const rules_api::Proposal& proposal) {
  return GrantTexts(proposal.grants());
}

// "rule v1: reason | reason" per near miss.
inline std::vector<std::string> NearMissTexts(const rules_api::Proposal& proposal) {
  std::vector<std::string> texts;
  for (const rules_api::NearMiss& miss : proposal.near_misses()) {
    texts.push_back(absl::StrCat(miss.rule_id(), " v", miss.rule_version(), ": ",
                                 absl::StrJoin(miss.reasons(), " | ")));
  }
  return texts;
}

// "MAJOR earned 0 converted 4000 of 60000 missing 56000 courses [WEB-BE,DB]".
inline std::vector<std::string> CategoryTexts(const rules_api::Progress& progress) {
  std::vector<std::string> texts;
  for (const rules_api::CategoryProgress& line : progress.categories()) {
    texts.push_back(absl::StrCat(line.category(), " earned ", line.earned_credits_milli(),
                                 " converted ", line.converted_credits_milli(), " of ",
                                 line.min_credits_milli(), " missing ",
                                 line.missing_credits_milli(), " courses [",
                                 absl::StrJoin(line.courses_missing(), ","), "]"));
  }
  return texts;
}

// "earned 4000 converted 6000 of 15000 missing 5000 met=false".
inline std::string TotalText(const rules_api::Progress& progress) {
  return absl::StrCat("earned ", progress.earned_credits_milli(), " converted ",
                      progress.converted_credits_milli(), " of ", progress.required_credits_milli(),
                      " missing ", progress.missing_credits_milli(),
                      " met=", progress.requirements_met() ? "true" : "false");
}

}  // namespace creditbank::testing

#endif  // CREDITBANK_TESTS_TESTING_RULE_BUILDERS_H_
