#include "domain/rules/progress.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "domain/validation/dates.h"

namespace creditbank::domain::rules {
namespace {

using common::v1::OUTCOME_KIND_CONVERSION;
using common::v1::OUTCOME_KIND_COURSE_CREDIT;
using common::v1::OUTCOME_KIND_REVERSAL;

const rules_api::Course* FindCourse(const rules_api::Programme& programme,
                                    const std::string& code) {
  for (const rules_api::Course& course : programme.courses()) {
    if (course.code() == code) return &course;
  }
  return nullptr;
}

bool IsCategory(const rules_api::Programme& programme, const std::string& code) {
  return std::any_of(programme.categories().begin(), programme.categories().end(),
                     [&](const rules_api::Category& category) { return category.code() == code; });
}

// Credits per category, and the courses done.
struct Tally {
  std::map<std::string, int64_t> earned;
  std::map<std::string, int64_t> converted;
  absl::flat_hash_set<std::string> courses_done;
  std::map<std::string, int64_t> best_earned_course;  // course -> credits
  std::map<std::string, uint64_t> best_earned_entry;   // course -> its entry
  std::vector<uint64_t> counted;                       // entries that count
};

// Whether the conversion added credits (a proposal's grants have no entry).
bool AddConversion(const rules_api::Programme& programme, const std::string& code,
                   int64_t credits, Tally& tally) {
  if (const rules_api::Course* course = FindCourse(programme, code)) {
    // A course is converted once; a second conversion adds nothing.
    if (!tally.courses_done.insert(code).second) return false;
    tally.converted[course->category()] += credits;
    return true;
  }
  if (IsCategory(programme, code)) {
    tally.converted[code] += credits;
    return true;
  }
  return false;
}

}  // namespace

bool IsLive(const ledger::v1::Entry& entry, absl::CivilDay as_of) {
  if (entry.outcome().kind() == OUTCOME_KIND_REVERSAL) return false;
  if (entry.reversed_by_entry_id() != 0) return false;
  if (IsDateSet(entry.outcome().valid_until())) {
    std::optional<absl::CivilDay> until = ToCivilDay(entry.outcome().valid_until());
    if (until && *until < as_of) return false;
  }
  return true;
}

bool IsConversionInto(const ledger::v1::Entry& entry, const rules_api::Programme& programme) {
  return entry.outcome().kind() == OUTCOME_KIND_CONVERSION &&
         entry.institution_code() == programme.institution_code() &&
         (FindCourse(programme, entry.outcome().code()) != nullptr ||
          IsCategory(programme, entry.outcome().code()));
}

bool HasReversedSource(const ledger::v1::Entry& entry,
                       const absl::flat_hash_map<uint64_t, const ledger::v1::Entry*>& by_id) {
  for (uint64_t source : entry.outcome().source_entry_ids()) {
    auto it = by_id.find(source);
    if (it != by_id.end() && it->second->reversed_by_entry_id() != 0) return true;
  }
  return false;
}

rules_api::Progress ComputeProgress(const rules_api::Programme& programme,
                                    absl::Span<const ledger::v1::Entry> entries,
                                    absl::CivilDay as_of,
                                    absl::Span<const rules_api::ProposedGrant> extra) {
  rules_api::Progress progress;
  progress.set_programme_id(programme.id());
  absl::flat_hash_map<uint64_t, const ledger::v1::Entry*> by_id;
  by_id.reserve(entries.size());
  for (const ledger::v1::Entry& entry : entries) by_id[entry.entry_id()] = &entry;

  Tally tally;
  // Earned first, so that a course both earned and converted counts as
  // earned (the conversion adds nothing).
  for (const ledger::v1::Entry& entry : entries) {
    if (progress.account_number().empty()) {
      progress.set_account_number(entry.outcome().account_number());
    }
    if (!IsLive(entry, as_of) || entry.institution_code() != programme.institution_code() ||
        entry.outcome().kind() != OUTCOME_KIND_COURSE_CREDIT) {
      continue;
    }
    if (FindCourse(programme, entry.outcome().code()) == nullptr) continue;
    // The first entry with the most credits is the one that counts.
    auto [best, first] =
        tally.best_earned_course.try_emplace(entry.outcome().code(), entry.outcome().credits_milli());
    if (first || entry.outcome().credits_milli() > best->second) {
      best->second = entry.outcome().credits_milli();
      tally.best_earned_entry[entry.outcome().code()] = entry.entry_id();
    }
  }
  for (const auto& [code, credits] : tally.best_earned_course) {
    tally.earned[FindCourse(programme, code)->category()] += credits;
    tally.courses_done.insert(code);
    tally.counted.push_back(tally.best_earned_entry[code]);
  }
  for (const ledger::v1::Entry& entry : entries) {
    if (!IsLive(entry, as_of) || !IsConversionInto(entry, programme)) continue;
    if (HasReversedSource(entry, by_id)) {
      progress.add_flagged_conversion_entry_ids(entry.entry_id());
      continue;
    }
    if (AddConversion(programme, entry.outcome().code(), entry.outcome().credits_milli(),
                      tally)) {
      tally.counted.push_back(entry.entry_id());
    }
  }
  for (const rules_api::ProposedGrant& grant : extra) {
    AddConversion(programme, grant.course().empty() ? grant.category() : grant.course(),
                  grant.credits_milli(), tally);
  }

  bool categories_met = true;
  for (const rules_api::Category& category : programme.categories()) {
    rules_api::CategoryProgress* line = progress.add_categories();
    line->set_category(category.code());
    line->set_earned_credits_milli(tally.earned[category.code()]);
    line->set_converted_credits_milli(tally.converted[category.code()]);
    line->set_min_credits_milli(category.min_credits_milli());
    const int64_t have = line->earned_credits_milli() + line->converted_credits_milli();
    line->set_missing_credits_milli(std::max<int64_t>(0, category.min_credits_milli() - have));
    if (line->missing_credits_milli() > 0) categories_met = false;
    for (const rules_api::Course& course : programme.courses()) {
      if (course.category() == category.code() && !tally.courses_done.contains(course.code())) {
        line->add_courses_missing(course.code());
      }
    }
    progress.set_earned_credits_milli(progress.earned_credits_milli() +
                                      line->earned_credits_milli());
    progress.set_converted_credits_milli(progress.converted_credits_milli() +
                                         line->converted_credits_milli());
  }
  progress.set_required_credits_milli(programme.required_credits_milli());
  const int64_t total = progress.earned_credits_milli() + progress.converted_credits_milli();
  progress.set_missing_credits_milli(
      std::max<int64_t>(0, programme.required_credits_milli() - total));
  progress.set_requirements_met(categories_met && progress.missing_credits_milli() == 0);
  std::sort(tally.counted.begin(), tally.counted.end());
  progress.mutable_counted_entry_ids()->Assign(tally.counted.begin(), tally.counted.end());
  return progress;
}

}  // namespace creditbank::domain::rules
