// fuzz_rules: equivalence rules (domain/rules) from untrusted bytes. The
// input is a serialized creditbank.rules.v1.ApplyRulesRequest (inputs that
// do not parse are dropped, as the gRPC server would drop them). It is
// checked against a fixed programme and the default frameworks
// (CheckApplyRules) as RulesService.ApplyRules does; rules that pass are
// published as the server would (version 1 with programme_id and owner
// set, plus a version 2 of each that takes effect the day after the
// evaluation date), compiled, and evaluated twice for one fixed learner
// (fuzz_rules_fixture.h: ledger, an open request's grants, the date).
// Besides "no crash, no sanitizer report", the target aborts unless:
//   - a refusal is INVALID_ARGUMENT, and rules that pass the checks compile;
//   - the two proposals are byte-identical, and the digest is theirs;
//   - each grant is of a rule in effect (version 1), once per rule, with
//     the rule's target and its credits (fixed, course or hours x rate),
//     0 < credits <= uncapped, within the rule's cap and what one
//     conversion entry may carry (credits, number of sources);
//   - a source is a live, free entry: not a reversal, a conversion, a
//     reversed or expired entry, not completed after the evaluation date,
//     not a source of a conversion into the programme or of the open
//     request, not in two grants; each is accepted by one of the rule's
//     matchers (checked against a reference matcher written here);
//   - a course is granted at most once, and never one already earned,
//     converted or requested;
//   - the grants together keep the programme's caps (share of the
//     required credits, per year of the sources, per source institution),
//     counting the conversions already made and the open request;
//   - progress adds up: nothing negative, missing = max(0, needed - earned
//     - converted) per category and overall, requirements_met agrees;
//   - every text of the proposal (notes, reasons) is valid UTF-8.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "domain/limits.h"
#include "domain/rules/conditions.h"
#include "domain/rules/evaluator.h"
#include "domain/rules/frameworks.h"
#include "domain/rules/progress.h"
#include "domain/rules/rule_checks.h"
#include "domain/validation/dates.h"
#include "domain/validation/text.h"
#include "google/protobuf/stubs/logging.h"
#include "tests/fuzz/fuzz_rules_fixture.h"

namespace creditbank::fuzz {
namespace {

namespace common = ::creditbank::common::v1;
namespace rules_api = ::creditbank::rules::v1;
using ledger::v1::Entry;

[[noreturn]] void Fail(absl::string_view what, absl::string_view detail = "") {
  std::fprintf(stderr, "\n==creditbank fuzz invariant broken== %.*s %.*s\n",
               static_cast<int>(what.size()), what.data(), static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

// The fixed world, built once per process.
struct World {
  rules_api::Programme programme;
  std::vector<rules_api::Framework> frameworks;
  std::vector<Entry> entries;
  absl::flat_hash_map<uint64_t, const Entry*> by_id;
  domain::rules::EvaluationContext context;
  // Sources of conversions into the programme (but those built on a
  // reversed entry) and of the open request.
  absl::flat_hash_set<uint64_t> taken;
  // Courses earned, converted or requested already.
  std::set<std::string> courses_done;
  // What conversions and the open request already count against the caps.
  int64_t converted_total = 0;
  std::map<int64_t, int64_t> converted_per_year;
  std::map<std::string, int64_t> converted_per_institution;

  static const World& Get() {
    static const World* const world = new World();
    return *world;
  }

 private:
  World();
};

bool IsSourceKind(const Entry& entry) {
  const int kind = entry.outcome().kind();
  return kind != common::OUTCOME_KIND_CONVERSION && kind != common::OUTCOME_KIND_REVERSAL;
}

// The latest completion year among `sources`, and their institutions, as
// the caps count them (sources that are no learning entry count as year 0).
int64_t LatestYear(const World& world, const std::vector<uint64_t>& sources) {
  int64_t year = 0;
  for (uint64_t id : sources) {
    auto it = world.by_id.find(id);
    if (it == world.by_id.end() || !IsSourceKind(*it->second)) continue;
    year = std::max<int64_t>(year, domain::ToCivilDay(it->second->outcome().completion_date())
                                       .value_or(absl::CivilDay())
                                       .year());
  }
  return year;
}

std::set<std::string> Institutions(const World& world, const std::vector<uint64_t>& sources) {
  std::set<std::string> institutions;
  for (uint64_t id : sources) {
    auto it = world.by_id.find(id);
    if (it != world.by_id.end() && IsSourceKind(*it->second)) {
      institutions.insert(it->second->institution_code());
    }
  }
  return institutions;
}

World::World() {
  programme = RulesFuzzProgramme();
  frameworks = domain::rules::DefaultFrameworks();
  entries = RulesFuzzEntries();
  for (const Entry& entry : entries) by_id[entry.entry_id()] = &entry;
  context.as_of = RulesFuzzAsOf();
  context.reserved = RulesFuzzReservedGrants();
  context.reserved_by = "reserved by open request CR-1";
  auto count = [&](const std::vector<uint64_t>& sources, int64_t credits) {
    taken.insert(sources.begin(), sources.end());
    converted_total += credits;
    converted_per_year[LatestYear(*this, sources)] += credits;
    for (const std::string& institution : Institutions(*this, sources)) {
      converted_per_institution[institution] += credits;
    }
  };
  auto is_course = [&](const std::string& code) {
    return std::any_of(programme.courses().begin(), programme.courses().end(),
                       [&](const rules_api::Course& course) { return course.code() == code; });
  };
  for (const Entry& entry : entries) {
    if (!domain::rules::IsLive(entry, context.as_of)) continue;
    if (entry.institution_code() == programme.institution_code() &&
        entry.outcome().kind() == common::OUTCOME_KIND_COURSE_CREDIT &&
        is_course(entry.outcome().code())) {
      courses_done.insert(entry.outcome().code());
    }
    // A conversion built on a reversed entry no longer counts: neither in
    // progress nor for the caps, its course or its other sources.
    if (domain::rules::IsConversionInto(entry, programme) &&
        !domain::rules::HasReversedSource(entry, by_id)) {
      if (is_course(entry.outcome().code())) courses_done.insert(entry.outcome().code());
      count(std::vector<uint64_t>(entry.outcome().source_entry_ids().begin(),
                                  entry.outcome().source_entry_ids().end()),
            entry.outcome().credits_milli());
    }
  }
  for (const rules_api::ProposedGrant& grant : context.reserved) {
    if (!grant.course().empty()) courses_done.insert(grant.course());
    count(std::vector<uint64_t>(grant.source_entry_ids().begin(), grant.source_entry_ids().end()),
          grant.credits_milli());
  }
  // The fixture must exercise what the checks below are about.
  if (taken.empty() || courses_done.empty() || converted_total == 0) Fail("fixture too thin");
}

// ----------------------------------------------------- a reference matcher

// Letter ranks as docs/rules.md states them: A+ 13 ... F 1, the Chinese
// five-level scale on the same ladder.
int Rank(absl::string_view letter) {
  static const std::map<std::string, int, std::less<>>* const ranks =
      new std::map<std::string, int, std::less<>>{
          {"A+", 13}, {"A", 12}, {"A-", 11}, {"B+", 10}, {"B", 9},   {"B-", 8},
          {"C+", 7},  {"C", 6},  {"C-", 5},  {"D+", 4},  {"D", 3},   {"D-", 2},
          {"F", 1},   {"优秀", 12}, {"良好", 9}, {"中等", 6}, {"及格", 3}, {"不及格", 1}};
  auto it = ranks->find(letter);
  return it == ranks->end() ? 0 : it->second;
}

bool MeetsMinGrade(const common::Grade& grade, const rules_api::MinGrade& bound) {
  const bool scored = grade.has_score() && grade.score().scale_milli() > 0 &&
                      grade.score().score_milli() >= 0;
  const int64_t out_of_100 =
      scored ? grade.score().score_milli() * 100'000 / grade.score().scale_milli() : -1;
  switch (bound.bound_case()) {
    case rules_api::MinGrade::kScoreMilli:
      return scored && out_of_100 >= bound.score_milli();
    case rules_api::MinGrade::kLetter:
      return grade.value_case() == common::Grade::kLetter &&
             Rank(grade.letter()) >= Rank(bound.letter());
    case rules_api::MinGrade::kPass:
      if (grade.value_case() == common::Grade::kPassed) return grade.passed();
      if (grade.value_case() == common::Grade::kLetter) return Rank(grade.letter()) >= Rank("D");
      return scored && out_of_100 >= 60'000;
    case rules_api::MinGrade::BOUND_NOT_SET:
      return true;
  }
  return false;
}

// Bank level -> EQF level, as DefaultFrameworks publishes it.
constexpr uint32_t kBankToEqf[] = {1, 2, 3, 4, 5, 6, 7, 8, 8, 8};

bool MeetsMinLevel(uint32_t level, const rules_api::LevelBound& bound) {
  if (level < 1 || level > 10) return false;
  if (bound.framework().empty() || bound.framework() == "cn-ncb") return level >= bound.level();
  return bound.framework() == "eqf" && kBankToEqf[level - 1] >= bound.level();
}

bool Accepts(const rules_api::Matcher& m, const Entry& entry, absl::CivilDay as_of) {
  const ledger::v1::Outcome& outcome = entry.outcome();
  if (m.kind() != 0 && outcome.kind() != m.kind()) return false;
  if (m.sector() != 0 && outcome.sector() != m.sector()) return false;
  if (!m.code().empty() && outcome.code() != m.code()) return false;
  if (!m.code_prefix().empty() && !absl::StartsWith(outcome.code(), m.code_prefix())) return false;
  if (!m.institution_codes().empty() &&
      std::find(m.institution_codes().begin(), m.institution_codes().end(),
                entry.institution_code()) == m.institution_codes().end()) {
    return false;
  }
  if (m.has_min_grade() && !MeetsMinGrade(outcome.grade(), m.min_grade())) return false;
  if (m.has_min_level() && !MeetsMinLevel(outcome.framework_level(), m.min_level())) return false;
  if (m.within_years() != 0) {
    const absl::CivilDay completed =
        domain::ToCivilDay(outcome.completion_date()).value_or(absl::CivilDay());
    if (completed < absl::CivilDay(as_of.year() - m.within_years(), as_of.month(), as_of.day())) {
      return false;
    }
  }
  return true;
}

bool AnyLeafAccepts(const rules_api::Condition& condition, const Entry& entry,
                    absl::CivilDay as_of) {
  if (condition.kind_case() == rules_api::Condition::kMatch) {
    return Accepts(condition.match(), entry, as_of);
  }
  const auto* children = domain::rules::GroupConditions(condition);
  if (children == nullptr) return false;
  return std::any_of(children->begin(), children->end(), [&](const rules_api::Condition& child) {
    return AnyLeafAccepts(child, entry, as_of);
  });
}

// ------------------------------------------------------------------ checks

// The versions ApplyRules would store for `request` on an empty programme,
// plus a second version of each rule that is not yet in effect.
std::vector<rules_api::Rule> Publish(const rules_api::ApplyRulesRequest& request,
                                     const World& world) {
  std::vector<rules_api::Rule> versions;
  for (const rules_api::Rule& rule : request.rules()) {
    rules_api::Rule version = rule;
    version.set_programme_id(world.programme.id());
    version.set_version(1);
    version.set_owner(world.programme.institution_code());
    version.mutable_published_at()->set_seconds(1'767'225'600);  // 2026-01-01
    versions.push_back(version);
    version.set_version(2);
    *version.mutable_effective_from() = domain::ToDate(world.context.as_of + 1);
    version.clear_effective_to();
    version.set_title("a later version, published ahead");
    versions.push_back(std::move(version));
  }
  return versions;
}

void CheckText(absl::string_view text, absl::string_view what) {
  if (!domain::Utf8Length(text).has_value()) Fail(what, "is not valid UTF-8");
}

const rules_api::Course* FindCourse(const rules_api::Programme& programme,
                                    absl::string_view code) {
  for (const rules_api::Course& course : programme.courses()) {
    if (course.code() == code) return &course;
  }
  return nullptr;
}

// What a grant must give, before the programme's caps: fixed credits or
// the course's, or the sources' hours at the rule's rate; then the rule's
// own cap.
void CheckGrantCredits(const rules_api::ProposedGrant& grant, const rules_api::Rule& rule,
                       const World& world) {
  const rules_api::Grant& target = rule.grant();
  int64_t uncapped = target.credits_milli();
  if (target.hours_per_credit() > 0) {
    int64_t hours = 0;
    for (uint64_t id : grant.source_entry_ids()) {
      const uint32_t entry_hours = world.by_id.at(id)->outcome().study_hours();
      if (entry_hours == 0) Fail("a rate grant uses an entry without study hours", grant.rule_id());
      hours += entry_hours;
    }
    uncapped = hours * 1000 / target.hours_per_credit();
  } else if (target.has_course() && uncapped == 0) {
    uncapped = FindCourse(world.programme, target.course())->credits_milli();
  }
  if (grant.uncapped_credits_milli() != uncapped) Fail("a grant's uncapped credits", grant.rule_id());
  if (grant.credits_milli() <= 0 || grant.credits_milli() > grant.uncapped_credits_milli()) {
    Fail("a grant's credits are not in 1..uncapped", grant.rule_id());
  }
  if (target.max_credits_milli() > 0 && grant.credits_milli() > target.max_credits_milli()) {
    Fail("a grant exceeds its rule's cap", grant.rule_id());
  }
  // A course is granted whole or not at all: only the rule's cap and the
  // entry limit may cut it, never the programme's caps.
  int64_t whole = std::min(uncapped, domain::kMaxCreditsMilliPerEntry);
  if (target.max_credits_milli() > 0) whole = std::min(whole, target.max_credits_milli());
  if (target.has_course() && grant.credits_milli() != whole) {
    Fail("a course grant was cut by a programme cap", grant.rule_id());
  }
  // Approval writes each grant as one conversion entry: it must be one
  // the ledger accepts, or the request can never be approved.
  if (grant.credits_milli() > domain::kMaxCreditsMilliPerEntry) {
    Fail("a grant carries more credits than a conversion entry may", grant.rule_id());
  }
  if (static_cast<size_t>(grant.source_entry_ids_size()) > domain::kMaxSourceEntriesPerConversion) {
    Fail("a grant names more sources than a conversion entry may", grant.rule_id());
  }
}

void CheckSources(const rules_api::ProposedGrant& grant, const rules_api::Rule& rule,
                  const World& world, absl::flat_hash_set<uint64_t>& used) {
  if (grant.source_entry_ids().empty()) Fail("a grant without sources", grant.rule_id());
  for (uint64_t id : grant.source_entry_ids()) {
    auto it = world.by_id.find(id);
    if (it == world.by_id.end()) Fail("a grant names an unknown entry", grant.rule_id());
    const Entry& entry = *it->second;
    if (!IsSourceKind(entry)) Fail("a grant uses a conversion or reversal entry", grant.rule_id());
    if (entry.reversed_by_entry_id() != 0) Fail("a grant uses a reversed entry", grant.rule_id());
    if (!domain::rules::IsLive(entry, world.context.as_of)) {
      Fail("a grant uses an expired entry", grant.rule_id());
    }
    if (domain::ToCivilDay(entry.outcome().completion_date()).value_or(absl::CivilDay()) >
        world.context.as_of) {
      Fail("a grant uses an entry completed after the evaluation date", grant.rule_id());
    }
    if (world.taken.contains(id)) {
      Fail("a grant uses a source already converted or requested", grant.rule_id());
    }
    if (!used.insert(id).second) Fail("an entry is the source of two grants", grant.rule_id());
    if (!AnyLeafAccepts(rule.source(), entry, world.context.as_of)) {
      Fail("a grant uses an entry none of its rule's matchers accepts",
           absl::StrCat(grant.rule_id(), " entry ", id));
    }
  }
}

void CheckCaps(const rules_api::Proposal& proposal, const World& world) {
  const rules_api::Programme& programme = world.programme;
  auto left = [](int64_t cap, int64_t already) { return std::max<int64_t>(0, cap - already); };
  int64_t total = 0;
  std::map<int64_t, int64_t> per_year;
  std::map<std::string, int64_t> per_institution;
  for (const rules_api::ProposedGrant& grant : proposal.grants()) {
    const std::vector<uint64_t> sources(grant.source_entry_ids().begin(),
                                        grant.source_entry_ids().end());
    total += grant.credits_milli();
    per_year[LatestYear(world, sources)] += grant.credits_milli();
    for (const std::string& institution : Institutions(world, sources)) {
      per_institution[institution] += grant.credits_milli();
    }
  }
  const int64_t cap = programme.required_credits_milli() * programme.max_conversion_permille() / 1000;
  if (total > left(cap, world.converted_total)) Fail("the grants exceed the programme's share cap");
  for (const auto& [year, credits] : per_year) {
    auto it = world.converted_per_year.find(year);
    if (credits > left(programme.max_converted_credits_per_year_milli(),
                       it == world.converted_per_year.end() ? 0 : it->second)) {
      Fail("the grants exceed the per-year cap", absl::StrCat(year));
    }
  }
  for (const auto& [institution, credits] : per_institution) {
    auto it = world.converted_per_institution.find(institution);
    if (credits > left(programme.max_converted_credits_per_source_institution_milli(),
                       it == world.converted_per_institution.end() ? 0 : it->second)) {
      Fail("the grants exceed the per-institution cap", institution);
    }
  }
}

void CheckProgress(const rules_api::Progress& progress, const World& world) {
  const rules_api::Programme& programme = world.programme;
  if (progress.categories_size() != programme.categories_size()) Fail("progress categories");
  int64_t earned = 0;
  int64_t converted = 0;
  bool categories_met = true;
  for (int i = 0; i < progress.categories_size(); ++i) {
    const rules_api::CategoryProgress& line = progress.categories(i);
    if (line.category() != programme.categories(i).code() ||
        line.min_credits_milli() != programme.categories(i).min_credits_milli()) {
      Fail("a progress line names another category", line.category());
    }
    if (line.earned_credits_milli() < 0 || line.converted_credits_milli() < 0 ||
        line.missing_credits_milli() < 0) {
      Fail("a negative credit count in progress", line.category());
    }
    if (line.missing_credits_milli() !=
        std::max<int64_t>(0, line.min_credits_milli() - line.earned_credits_milli() -
                                 line.converted_credits_milli())) {
      Fail("a category's missing credits do not add up", line.category());
    }
    categories_met &= line.missing_credits_milli() == 0;
    earned += line.earned_credits_milli();
    converted += line.converted_credits_milli();
  }
  if (progress.earned_credits_milli() != earned || progress.converted_credits_milli() != converted) {
    Fail("progress totals are not the categories' sums");
  }
  if (progress.required_credits_milli() != programme.required_credits_milli() ||
      progress.missing_credits_milli() !=
          std::max<int64_t>(0, progress.required_credits_milli() - earned - converted)) {
    Fail("progress: missing != max(0, required - earned - converted)");
  }
  if (progress.requirements_met() != (categories_met && progress.missing_credits_milli() == 0)) {
    Fail("progress: requirements_met disagrees with the numbers");
  }
}

void CheckProposal(const rules_api::Proposal& proposal, const rules_api::ApplyRulesRequest& request,
                   const World& world) {
  const absl::CivilDay as_of = world.context.as_of;
  // Version 1 of each rule whose window holds the date; version 2 starts
  // the day after, so it is never the one in effect.
  std::map<std::string, const rules_api::Rule*> in_effect;
  for (const rules_api::Rule& rule : request.rules()) {
    const absl::CivilDay from = *domain::ToCivilDay(rule.effective_from());
    const absl::CivilDay to = domain::IsDateSet(rule.effective_to())
                                  ? *domain::ToCivilDay(rule.effective_to())
                                  : absl::CivilDay(9999, 12, 31);
    if (from <= as_of && as_of <= to) in_effect[rule.id()] = &rule;
  }
  if (proposal.rules_considered() != in_effect.size()) Fail("rules_considered");
  const auto source_entries = std::count_if(world.entries.begin(), world.entries.end(),
                                            [](const Entry& entry) { return IsSourceKind(entry); });
  if (proposal.entries_considered() != static_cast<uint32_t>(source_entries)) {
    Fail("entries_considered");
  }
  if (proposal.programme_id() != world.programme.id() ||
      domain::ToCivilDay(proposal.as_of()) != as_of) {
    Fail("the proposal names another programme or date");
  }
  if (proposal.digest() != domain::rules::ProposalDigest(proposal) ||
      proposal.digest().size() != domain::kProposalDigestBytes) {
    Fail("the proposal's digest is not its own");
  }

  std::set<std::string> answered;  // each rule is a grant, a near miss or neither
  absl::flat_hash_set<uint64_t> used;
  std::set<std::string> courses = world.courses_done;
  for (const rules_api::ProposedGrant& grant : proposal.grants()) {
    auto rule = in_effect.find(grant.rule_id());
    if (rule == in_effect.end() || grant.rule_version() != 1) {
      Fail("a grant of a rule version not in effect", grant.rule_id());
    }
    if (!answered.insert(grant.rule_id()).second) Fail("a rule answered twice", grant.rule_id());
    const rules_api::Grant& target = rule->second->grant();
    if (target.has_course()) {
      const rules_api::Course* course = FindCourse(world.programme, target.course());
      if (grant.course() != target.course() || grant.category() != course->category()) {
        Fail("a course grant names another course or category", grant.rule_id());
      }
      if (!courses.insert(grant.course()).second) {
        Fail("a course is granted twice, or was earned, converted or requested already",
             grant.course());
      }
    } else if (!grant.course().empty() || grant.category() != target.category()) {
      Fail("a category grant names another target", grant.rule_id());
    }
    CheckGrantCredits(grant, *rule->second, world);
    CheckSources(grant, *rule->second, world, used);
    for (const std::string& note : grant.notes()) CheckText(note, "a grant's note");
  }
  for (const rules_api::NearMiss& miss : proposal.near_misses()) {
    if (!in_effect.contains(miss.rule_id()) || miss.rule_version() != 1) {
      Fail("a near miss of a rule version not in effect", miss.rule_id());
    }
    if (!answered.insert(miss.rule_id()).second) Fail("a rule answered twice", miss.rule_id());
    if (miss.reasons().empty() ||
        static_cast<size_t>(miss.reasons_size()) > domain::rules::kMaxReasonsPerNearMiss + 1) {
      Fail("a near miss without reasons, or too many", miss.rule_id());
    }
    for (const std::string& reason : miss.reasons()) CheckText(reason, "a near miss's reason");
  }
  CheckCaps(proposal, world);
  CheckProgress(proposal.progress(), world);
}

void Run(const rules_api::ApplyRulesRequest& request) {
  const World& world = World::Get();
  const absl::Status checked =
      domain::rules::CheckApplyRules(request, world.programme, world.frameworks);
  if (!checked.ok()) {
    if (checked.code() != absl::StatusCode::kInvalidArgument) {
      Fail("CheckApplyRules refused other than INVALID_ARGUMENT", checked.ToString());
    }
    return;
  }
  // The server would answer NOT_FOUND: the programme is looked up by id.
  if (request.programme_id() != world.programme.id()) return;
  // ApplyRules compiles the rules as sent, then stores the versions.
  const std::vector<rules_api::Rule> sent(request.rules().begin(), request.rules().end());
  if (!domain::rules::CompiledRules::Compile(world.programme, sent, world.frameworks).ok()) {
    Fail("rules that pass CheckApplyRules do not compile");
  }
  absl::StatusOr<std::shared_ptr<const domain::rules::CompiledRules>> compiled =
      domain::rules::CompiledRules::Compile(world.programme, Publish(request, world),
                                            world.frameworks);
  if (!compiled.ok()) Fail("published versions do not compile", compiled.status().ToString());

  const rules_api::Proposal first =
      domain::rules::Evaluate(**compiled, world.entries, world.context);
  const rules_api::Proposal second =
      domain::rules::Evaluate(**compiled, world.entries, world.context);
  if (first.SerializeAsString() != second.SerializeAsString()) {
    Fail("two evaluations of the same input differ");
  }
  CheckProposal(first, request, world);
}

}  // namespace
}  // namespace creditbank::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // A string field of invalid UTF-8 fails the parse, as it should, but
  // protobuf also logs each one: hundreds of thousands of lines a run.
  google::protobuf::SetLogHandler(nullptr);
  creditbank::fuzz::World::Get();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  creditbank::rules::v1::ApplyRulesRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return 0;
  creditbank::fuzz::Run(request);
  return 0;
}
