// How long one evaluation takes: a learner with 200 ledger entries against
// a programme with 1,000 equivalence rules (the target: under 1 ms
// median). The rules mix what real rule sets hold: course-to-course
// equivalences by exact code, all-of pairs with a minimum score, any-of
// and 2-of-4 groups over code prefixes, recency windows, level bounds
// through the EQF crosswalk, and hours-per-credit rates.
//
//   build/bin/rules_bench --benchmark_repetitions=9 --benchmark_report_aggregates_only
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "domain/rules/evaluator.h"
#include "domain/rules/frameworks.h"
#include "domain/validation/dates.h"

namespace creditbank::domain::rules {
namespace {

namespace common = ::creditbank::common::v1;

constexpr int kRules = 1'000;
constexpr int kEntries = 200;
constexpr int kCourses = 450;       // rules 0..449 grant one course each
constexpr int kCategories = 4;
const absl::CivilDay kAsOf{2026, 11, 25};

std::string SourceCode(int n) { return absl::StrFormat("SRC%04d", n); }

rules_api::Programme MakeProgramme() {
  rules_api::Programme programme;
  programme.set_id("OU-BENCH");
  programme.set_institution_code("OU01");
  programme.set_title("Bench programme");
  programme.set_framework_level(6);
  programme.set_required_credits_milli(160'000);
  programme.set_max_conversion_permille(500);
  for (int c = 0; c < kCategories; ++c) {
    rules_api::Category* category = programme.add_categories();
    category->set_code(absl::StrCat("CAT", c));
    category->set_min_credits_milli(20'000);
  }
  for (int i = 0; i < kCourses; ++i) {
    rules_api::Course* course = programme.add_courses();
    course->set_code(absl::StrFormat("OU%04d", i));
    course->set_title(absl::StrCat("Course ", i));
    course->set_category(absl::StrCat("CAT", i % kCategories));
    course->set_credits_milli(2'000 + 500 * (i % 3));
  }
  return programme;
}

rules_api::Matcher* Match(rules_api::Condition* condition) { return condition->mutable_match(); }

rules_api::Rule MakeRule(int i) {
  rules_api::Rule rule;
  rule.set_id(absl::StrFormat("R%04d", i));
  rule.set_version(1);
  *rule.mutable_effective_from() = ToDate(absl::CivilDay(2020, 1, 1));
  rules_api::Condition* source = rule.mutable_source();
  // Source codes spread over 0..1999: a learner's 200 entries meet a
  // fraction of the rules, as in life.
  const int code = (i * 7) % 2000;
  switch (i % 10) {
    case 0: case 1: case 2: case 3: case 4: {  // one-to-one
      rules_api::Matcher* m = Match(source);
      m->set_code(SourceCode(code));
      m->mutable_min_grade()->set_score_milli(60'000);
      break;
    }
    case 5: case 6: {  // all-of pair, minimum score, within 10 years
      for (int k = 0; k < 2; ++k) {
        rules_api::Matcher* m = Match(source->mutable_all_of()->add_conditions());
        m->set_code(SourceCode((code + k) % 2000));
        m->mutable_min_grade()->set_score_milli(60'000);
        m->set_within_years(10);
      }
      break;
    }
    case 7: {  // any-of over prefixes, level bound through EQF
      for (int k = 0; k < 3; ++k) {
        rules_api::Matcher* m = Match(source->mutable_any_of()->add_conditions());
        m->set_code_prefix(absl::StrFormat("SRC%02d", (code / 20 + k) % 100));
        m->mutable_min_level()->set_framework("eqf");
        m->mutable_min_level()->set_level(4);
      }
      break;
    }
    case 8: {  // 2 of 4 electives
      rules_api::KOfGroup* group = source->mutable_k_of();
      group->set_k(2);
      for (int k = 0; k < 4; ++k) {
        Match(group->add_conditions())->set_code(SourceCode((code + 3 * k) % 2000));
      }
      break;
    }
    case 9: {  // training hours at a rate
      rules_api::Matcher* m = Match(source);
      m->set_kind(common::OUTCOME_KIND_TRAINING_HOURS);
      m->set_code_prefix(absl::StrFormat("SRC%d", code % 10));
      break;
    }
  }
  rules_api::Grant* grant = rule.mutable_grant();
  if (i < kCourses) {
    grant->set_course(absl::StrFormat("OU%04d", i));
  } else {
    grant->set_category(absl::StrCat("CAT", i % kCategories));
    if (i % 10 == 9) {
      grant->set_hours_per_credit(18);
      grant->set_max_credits_milli(4'000);
    } else {
      grant->set_credits_milli(2'000);
    }
  }
  if (i % 10 == 9 && i < kCourses) {
    grant->set_hours_per_credit(18);
  }
  return rule;
}

std::vector<ledger::v1::Entry> MakeEntries() {
  std::vector<ledger::v1::Entry> entries;
  for (int n = 0; n < kEntries; ++n) {
    ledger::v1::Entry entry;
    entry.set_entry_id(n + 1);
    entry.set_institution_code(absl::StrCat("UNI", n % 5));
    ledger::v1::Outcome* outcome = entry.mutable_outcome();
    outcome->set_account_number("6212345678901232");
    outcome->set_kind(n % 8 == 0 ? common::OUTCOME_KIND_TRAINING_HOURS
                                 : common::OUTCOME_KIND_COURSE_CREDIT);
    outcome->set_code(SourceCode((n * 10) % 2000));
    outcome->set_title("Source course");
    outcome->set_credits_milli(3'000);
    outcome->set_study_hours(36);
    outcome->mutable_grade()->mutable_score()->set_score_milli(50'000 + 250 * n % 50'000);
    outcome->mutable_grade()->mutable_score()->set_scale_milli(100'000);
    outcome->set_framework_level(3 + n % 4);
    outcome->set_sector(common::SECTOR_GENERAL_HIGHER);
    *outcome->mutable_completion_date() = ToDate(absl::CivilDay(2016 + n % 10, 6, 30));
    entries.push_back(std::move(entry));
  }
  return entries;
}

struct Fixture {
  Fixture() {
    std::vector<rules_api::Rule> rules;
    for (int i = 0; i < kRules; ++i) rules.push_back(MakeRule(i));
    compiled = *CompiledRules::Compile(MakeProgramme(), rules, DefaultFrameworks());
    entries = MakeEntries();
    context.as_of = kAsOf;
  }
  std::shared_ptr<const CompiledRules> compiled;
  std::vector<ledger::v1::Entry> entries;
  EvaluationContext context;
};

const Fixture& Shared() {
  static const Fixture* const fixture = new Fixture();
  return *fixture;
}

// The evaluation the service runs per request (rules compiled and cached).
void BM_Evaluate200Entries1000Rules(benchmark::State& state) {
  const Fixture& fixture = Shared();
  rules_api::Proposal proposal;
  for (auto _ : state) {
    proposal = Evaluate(*fixture.compiled, fixture.entries, fixture.context);
    benchmark::DoNotOptimize(proposal);
  }
  if (proposal.grants().empty()) state.SkipWithError("the fixture matched no rule");
  state.counters["grants"] = proposal.grants_size();
  state.counters["near_misses"] = proposal.near_misses_size();
  state.counters["rules"] = proposal.rules_considered();
}
BENCHMARK(BM_Evaluate200Entries1000Rules)->Unit(benchmark::kMicrosecond);

// Compiling the 1,000 rules: paid once per rule change, not per request.
void BM_Compile1000Rules(benchmark::State& state) {
  std::vector<rules_api::Rule> rules;
  for (int i = 0; i < kRules; ++i) rules.push_back(MakeRule(i));
  const rules_api::Programme programme = MakeProgramme();
  const std::vector<rules_api::Framework> frameworks = DefaultFrameworks();
  for (auto _ : state) {
    auto compiled = CompiledRules::Compile(programme, rules, frameworks);
    benchmark::DoNotOptimize(compiled);
  }
}
BENCHMARK(BM_Compile1000Rules)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace creditbank::domain::rules

BENCHMARK_MAIN();
