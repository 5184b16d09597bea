#include "domain/rules/rule_checks.h"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "domain/errors.h"
#include "domain/limits.h"
#include "domain/rules/conditions.h"
#include "domain/request_checks.h"
#include "domain/rules/frameworks.h"
#include "domain/validation/dates.h"
#include "domain/validation/text.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace creditbank::domain::rules {
namespace {

namespace common = ::creditbank::common::v1;

constexpr IdentifierRules kFrameworkIdRules = {
    kMinFrameworkIdLength, kMaxFrameworkIdLength, true, false, true, "-"};
constexpr IdentifierRules kProgrammeIdRules = {
    kMinProgrammeIdLength, kMaxProgrammeIdLength, true, true, true, "._-"};
constexpr IdentifierRules kCategoryCodeRules = {1, kMaxCategoryCodeLength, true, true, true, "._-"};
constexpr IdentifierRules kRuleIdRules = {1, kMaxRuleIdLength, true, true, true, "._-"};
// A prefix of an outcome code, so the same alphabet and length.
constexpr IdentifierRules kCodePrefixRules = {1, kMaxOutcomeCodeLength, true, true, true, "._-"};

constexpr absl::CivilDay kEarliestRuleDay(kEarliestYear, 1, 1);
constexpr absl::CivilDay kLatestRuleDay(kLatestYear, 12, 31);
constexpr absl::string_view kConversionRequestIdPrefix = "CR-";
constexpr absl::string_view kSetByServer = "is set by the server";

// Adds `why` under `field` unless it is empty; true when it was (the value
// is good). Only values that passed such a check are quoted in later
// descriptions: they are ASCII, so a description is always valid UTF-8.
bool AddIfBad(absl::string_view field, const std::string& why, FieldViolations& violations) {
  if (why.empty()) return true;
  violations.Add(field, why);
  return false;
}

std::string Indexed(absl::string_view path, int index) {
  return absl::StrCat(path, "[", index, "]");
}

// Whether a repeated field has min..max elements; else reports it. The
// elements of an over-long list are not checked one by one: the caller
// must shorten it anyway, and a huge list must not cost a check each.
bool CheckCount(int count, size_t min, size_t max, absl::string_view plural,
                absl::string_view field, FieldViolations& violations) {
  const size_t size = static_cast<size_t>(count);
  if (size >= min && size <= max) return true;
  const std::string range = min == 0 ? absl::StrCat("at most ", max) : absl::StrCat(min, "-", max);
  violations.Add(field, absl::StrCat("must have ", range, " ", plural, ", has ", count));
  return false;
}

// Remembers where each key of a list first appeared, to report repeats.
class FirstSeen {
 public:
  // The field where `key` appeared before, or nullopt when this is its
  // first appearance (then remembered as `field`).
  std::optional<std::string> Earlier(const std::string& key, absl::string_view field) {
    auto [it, inserted] = first_field_.emplace(key, std::string(field));
    if (inserted) return std::nullopt;
    return it->second;
  }

 private:
  std::map<std::string, std::string> first_field_;
};

// Reports `key` at `field` when it appeared before in the list.
void CheckUnique(const std::string& key, absl::string_view field, FirstSeen& seen,
                 FieldViolations& violations) {
  if (std::optional<std::string> earlier = seen.Earlier(key, field)) {
    violations.Add(field, absl::StrCat("\"", key, "\" repeats ", *earlier));
  }
}

const rules_api::Framework* FindFramework(absl::string_view id,
                                          const std::vector<rules_api::Framework>& frameworks) {
  for (const rules_api::Framework& framework : frameworks) {
    if (framework.id() == id) return &framework;
  }
  return nullptr;
}

std::string LevelRange(int levels, absl::string_view whose) {
  return absl::StrCat("must be 1..", levels, " (the levels of ", whose, ")");
}

// --------------------------------------------------------------- frameworks

void CheckLevels(const rules_api::Framework& framework, FieldViolations& violations) {
  const int count = framework.levels_size();
  if (framework.id() == kBankFrameworkId && static_cast<size_t>(count) != kMaxFrameworkLevel) {
    // Ledger entries carry bank levels 1..10: the bank framework can
    // neither lose a level they use nor gain one they cannot name.
    violations.Add("framework.levels",
                   absl::StrCat("the bank framework \"", kBankFrameworkId, "\" must keep exactly ",
                                kMaxFrameworkLevel, " levels (ledger entries carry levels 1-",
                                kMaxFrameworkLevel, "), has ", count));
  } else if (!CheckCount(count, 1, kMaxFrameworkLevels, "levels", "framework.levels", violations)) {
    return;
  }
  if (static_cast<size_t>(count) > kMaxFrameworkLevels) return;
  for (int i = 0; i < count; ++i) {
    const rules_api::Level& level = framework.levels(i);
    const std::string path = Indexed("framework.levels", i);
    if (level.level() != static_cast<uint32_t>(i) + 1) {
      violations.Add(
          FieldPath(path, "level"),
          absl::StrCat("must be ", i + 1, " (levels are numbered 1, 2, 3, ... in order)"));
    }
    AddIfBad(FieldPath(path, "name"), CheckDisplayText(level.name(), 1, kMaxTitleCharacters),
             violations);
  }
}

// The framework an entry's to_framework names, when it is a known one
// other than `framework`; else reports why not and returns null.
const rules_api::Framework* CheckCrosswalkTarget(
    const rules_api::Framework& framework, const rules_api::CrosswalkEntry& entry,
    const std::vector<rules_api::Framework>& known_frameworks, absl::string_view field,
    FieldViolations& violations) {
  if (!AddIfBad(field, CheckIdentifier(entry.to_framework(), kFrameworkIdRules), violations)) {
    return nullptr;
  }
  if (entry.to_framework() == framework.id()) {
    violations.Add(field, "a framework cannot have a crosswalk to itself");
    return nullptr;
  }
  const rules_api::Framework* target = FindFramework(entry.to_framework(), known_frameworks);
  if (target == nullptr) {
    violations.Add(field, absl::StrCat("framework \"", entry.to_framework(), "\" is not known"));
  }
  return target;
}

void CheckCrosswalk(const rules_api::Framework& framework,
                    const std::vector<rules_api::Framework>& known_frameworks,
                    FieldViolations& violations) {
  if (!CheckCount(framework.crosswalk_size(), 0, kMaxCrosswalkEntries, "crosswalk entries",
                  "framework.crosswalk", violations)) {
    return;
  }
  const int levels = framework.levels_size();
  const bool levels_valid = levels >= 1 && static_cast<size_t>(levels) <= kMaxFrameworkLevels;
  FirstSeen seen;
  for (int i = 0; i < framework.crosswalk_size(); ++i) {
    const rules_api::CrosswalkEntry& entry = framework.crosswalk(i);
    const std::string path = Indexed("framework.crosswalk", i);
    const rules_api::Framework* target = CheckCrosswalkTarget(
        framework, entry, known_frameworks, FieldPath(path, "to_framework"), violations);
    bool from_valid = false;
    if (levels_valid) {
      from_valid = entry.from_level() >= 1 && entry.from_level() <= static_cast<uint32_t>(levels);
      if (!from_valid) {
        violations.Add(FieldPath(path, "from_level"), LevelRange(levels, "this framework"));
      }
    }
    if (target != nullptr &&
        (entry.to_level() < 1 || entry.to_level() > static_cast<uint32_t>(target->levels_size()))) {
      violations.Add(
          FieldPath(path, "to_level"),
          LevelRange(target->levels_size(), absl::StrCat("framework \"", target->id(), "\"")));
    }
    // One level maps to one level of each other framework.
    if (target != nullptr && from_valid) {
      const std::string from_field = FieldPath(path, "from_level");
      if (std::optional<std::string> earlier = seen.Earlier(
              absl::StrCat(entry.from_level(), " ", entry.to_framework()), from_field)) {
        violations.Add(from_field, absl::StrCat("level ", entry.from_level(), " already maps to \"",
                                                entry.to_framework(), "\" at ", *earlier));
      }
    }
  }
}

// Other frameworks' crosswalk entries into this one must still name one of
// its levels once it is replaced.
void CheckCrosswalksInto(const rules_api::Framework& framework,
                         const std::vector<rules_api::Framework>& known_frameworks,
                         FieldViolations& violations) {
  const int levels = framework.levels_size();
  if (levels < 1 || static_cast<size_t>(levels) > kMaxFrameworkLevels) return;
  for (const rules_api::Framework& other : known_frameworks) {
    if (other.id() == framework.id()) continue;
    uint32_t highest = 0;
    for (const rules_api::CrosswalkEntry& entry : other.crosswalk()) {
      if (entry.to_framework() == framework.id()) highest = std::max(highest, entry.to_level());
    }
    if (highest > static_cast<uint32_t>(levels)) {
      violations.Add("framework.levels",
                     absl::StrCat("framework \"", other.id(), "\" has a crosswalk to level ",
                                  highest, " of this framework: keep at least ", highest,
                                  " levels, or change that crosswalk first"));
    }
  }
}

// --------------------------------------------------------------- programmes

// The categories' minimum credits together, or nullopt when one is invalid.
std::optional<int64_t> CheckCategories(const rules_api::Programme& programme,
                                       FieldViolations& violations) {
  if (!CheckCount(programme.categories_size(), 1, kMaxCategoriesPerProgramme, "categories",
                  "programme.categories", violations)) {
    return std::nullopt;
  }
  std::optional<int64_t> total_min_milli = 0;
  FirstSeen seen;
  for (int i = 0; i < programme.categories_size(); ++i) {
    const rules_api::Category& category = programme.categories(i);
    const std::string path = Indexed("programme.categories", i);
    const std::string code_field = FieldPath(path, "code");
    if (AddIfBad(code_field, CheckIdentifier(category.code(), kCategoryCodeRules), violations)) {
      CheckUnique(category.code(), code_field, seen, violations);
    }
    AddIfBad(FieldPath(path, "name"), CheckDisplayText(category.name(), 0, kMaxTitleCharacters),
             violations);
    if (category.min_credits_milli() < 0 ||
        category.min_credits_milli() > kMaxProgrammeCreditsMilli) {
      violations.Add(
          FieldPath(path, "min_credits_milli"),
          absl::StrCat("must be 0..", kMaxProgrammeCreditsMilli, " (thousandths of a credit)"));
      total_min_milli.reset();
    } else if (total_min_milli) {
      *total_min_milli += category.min_credits_milli();
    }
  }
  return total_min_milli;
}

void CheckCourses(const rules_api::Programme& programme, FieldViolations& violations) {
  if (!CheckCount(programme.courses_size(), 0, kMaxCoursesPerProgramme, "courses",
                  "programme.courses", violations)) {
    return;
  }
  std::set<std::string, std::less<>> categories;
  for (const rules_api::Category& category : programme.categories()) {
    categories.insert(category.code());
  }
  FirstSeen seen;
  for (int i = 0; i < programme.courses_size(); ++i) {
    const rules_api::Course& course = programme.courses(i);
    const std::string path = Indexed("programme.courses", i);
    const std::string code_field = FieldPath(path, "code");
    if (AddIfBad(code_field, CheckIdentifier(course.code(), kOutcomeCodeRules), violations)) {
      CheckUnique(course.code(), code_field, seen, violations);
    }
    AddIfBad(FieldPath(path, "title"), CheckDisplayText(course.title(), 0, kMaxTitleCharacters),
             violations);
    const std::string category_field = FieldPath(path, "category");
    if (AddIfBad(category_field, CheckIdentifier(course.category(), kCategoryCodeRules),
                 violations) &&
        !categories.contains(course.category())) {
      violations.Add(category_field, absl::StrCat("\"", course.category(),
                                                  "\" is not a category of this programme"));
    }
    if (course.credits_milli() < 1 || course.credits_milli() > kMaxCreditsMilliPerEntry) {
      violations.Add(
          FieldPath(path, "credits_milli"),
          absl::StrCat("must be 1..", kMaxCreditsMilliPerEntry, " (thousandths of a credit)"));
    }
  }
}

void CheckRequiredCredits(const rules_api::Programme& programme,
                          std::optional<int64_t> total_min_milli, FieldViolations& violations) {
  const int64_t required = programme.required_credits_milli();
  if (required < 1 || required > kMaxProgrammeCreditsMilli) {
    violations.Add(
        "programme.required_credits_milli",
        absl::StrCat("must be 1..", kMaxProgrammeCreditsMilli, " (thousandths of a credit)"));
  } else if (total_min_milli && *total_min_milli > required) {
    // The award needs every category's minimum: a smaller total is a typo.
    violations.Add("programme.required_credits_milli",
                   absl::StrCat("must be at least the categories' minimums together (",
                                *total_min_milli, ")"));
  }
}

void CheckCap(int64_t cap_milli, absl::string_view field, FieldViolations& violations) {
  if (cap_milli < 0 || cap_milli > kMaxProgrammeCreditsMilli) {
    violations.Add(field, absl::StrCat("must be 0..", kMaxProgrammeCreditsMilli,
                                       " (thousandths of a credit; 0: no cap)"));
  }
}

// ---------------------------------------------------------------------- rules

// What a rule is checked against: the stored programme and frameworks.
struct RuleContext {
  absl::string_view programme_id;  // the request's
  const rules_api::Programme& programme;
  const std::vector<rules_api::Framework>& frameworks;
  std::set<std::string, std::less<>> courses;
  std::set<std::string, std::less<>> categories;
};

void CheckCondition(const rules_api::Condition& condition, absl::string_view path, int depth,
                    const RuleContext& context, FieldViolations& violations);

void CheckMinGrade(const rules_api::MinGrade& grade, absl::string_view path,
                   FieldViolations& violations) {
  switch (grade.bound_case()) {
    case rules_api::MinGrade::kScoreMilli:
      if (grade.score_milli() < 0 || grade.score_milli() > kMaxMinGradeScoreMilli) {
        violations.Add(FieldPath(path, "score_milli"),
                       absl::StrCat("must be 0..", kMaxMinGradeScoreMilli,
                                    " (out of 100 points, in thousandths)"));
      }
      break;
    case rules_api::MinGrade::kLetter:
      if (!IsKnownLetterGrade(grade.letter())) {
        violations.Add(
            FieldPath(path, "letter"),
            "must be one of A+ A A- B+ B B- C+ C C- D+ D D- F 优秀 良好 中等 及格 不及格");
      }
      break;
    case rules_api::MinGrade::kPass:
      if (!grade.pass()) violations.Add(FieldPath(path, "pass"), "must be true when set");
      break;
    case rules_api::MinGrade::BOUND_NOT_SET:
      violations.Add(path, "must set one of score_milli, letter, pass");
      break;
  }
}

// Whether the bank framework maps some level to `framework_id`: without
// it no ledger entry can reach a level of that framework.
bool BankHasCrosswalkTo(absl::string_view framework_id,
                        const std::vector<rules_api::Framework>& frameworks) {
  const rules_api::Framework* bank = FindFramework(kBankFrameworkId, frameworks);
  if (bank == nullptr) return false;
  for (const rules_api::CrosswalkEntry& entry : bank->crosswalk()) {
    if (entry.to_framework() == framework_id) return true;
  }
  return false;
}

void CheckMinLevel(const rules_api::LevelBound& bound, absl::string_view path,
                   const RuleContext& context, FieldViolations& violations) {
  const std::string framework_field = FieldPath(path, "framework");
  const std::string level_field = FieldPath(path, "level");
  const bool bank = bound.framework().empty() || bound.framework() == kBankFrameworkId;
  if (bank) {
    if (bound.level() < 1 || bound.level() > kMaxFrameworkLevel) {
      violations.Add(level_field, LevelRange(kMaxFrameworkLevel,
                                             absl::StrCat("framework \"", kBankFrameworkId, "\"")));
    }
    return;
  }
  if (!AddIfBad(framework_field, CheckIdentifier(bound.framework(), kFrameworkIdRules),
                violations)) {
    return;
  }
  const rules_api::Framework* framework = FindFramework(bound.framework(), context.frameworks);
  if (framework == nullptr) {
    violations.Add(framework_field,
                   absl::StrCat("framework \"", bound.framework(), "\" is not known"));
    return;
  }
  if (!BankHasCrosswalkTo(bound.framework(), context.frameworks)) {
    violations.Add(framework_field, absl::StrCat("the bank framework \"", kBankFrameworkId,
                                                 "\" has no crosswalk to \"", bound.framework(),
                                                 "\": add one with PutFramework first"));
  }
  if (bound.level() < 1 || bound.level() > static_cast<uint32_t>(framework->levels_size())) {
    violations.Add(level_field, LevelRange(framework->levels_size(),
                                           absl::StrCat("framework \"", framework->id(), "\"")));
  }
}

void CheckMatcherInstitutions(const rules_api::Matcher& matcher, absl::string_view path,
                              FieldViolations& violations) {
  const std::string field = FieldPath(path, "institution_codes");
  if (!CheckCount(matcher.institution_codes_size(), 0, kMaxMatcherInstitutions, "institution codes",
                  field, violations)) {
    return;
  }
  FirstSeen seen;
  for (int i = 0; i < matcher.institution_codes_size(); ++i) {
    const std::string item = Indexed(field, i);
    const std::string& code = matcher.institution_codes(i);
    if (AddIfBad(item, CheckIdentifier(code, kInstitutionCodeRules), violations)) {
      CheckUnique(code, item, seen, violations);
    }
  }
}

void CheckMatcherKind(int kind, absl::string_view field, FieldViolations& violations) {
  if (!common::OutcomeKind_IsValid(kind)) {
    violations.Add(field, absl::StrCat("unknown outcome kind ", kind));
  } else if (kind == common::OUTCOME_KIND_CONVERSION || kind == common::OUTCOME_KIND_REVERSAL) {
    // Converted credits are not converted again, and a reversal is no
    // learning at all.
    violations.Add(field, "must not be CONVERSION or REVERSAL");
  }
}

void CheckMatcherCodes(const rules_api::Matcher& matcher, absl::string_view path,
                       FieldViolations& violations) {
  if (!matcher.code().empty()) {
    AddIfBad(FieldPath(path, "code"), CheckIdentifier(matcher.code(), kOutcomeCodeRules),
             violations);
  }
  if (matcher.code_prefix().empty()) return;
  const std::string prefix_field = FieldPath(path, "code_prefix");
  if (!matcher.code().empty()) {
    violations.Add(prefix_field, "set code or code_prefix, not both");
  } else {
    AddIfBad(prefix_field, CheckIdentifier(matcher.code_prefix(), kCodePrefixRules), violations);
  }
}

void CheckMatcher(const rules_api::Matcher& matcher, absl::string_view path,
                  const RuleContext& context, FieldViolations& violations) {
  // A matcher must say which entries it means: one that accepts any entry
  // would convert whatever an account holds.
  if (matcher.institution_codes().empty() && matcher.sector() == common::SECTOR_UNSPECIFIED &&
      matcher.kind() == common::OUTCOME_KIND_UNSPECIFIED && matcher.code().empty() &&
      matcher.code_prefix().empty()) {
    violations.Add(path,
                   "must narrow the entries it accepts: set institution_codes, sector, kind, "
                   "code or code_prefix (a matcher that matches everything is refused)");
  }
  CheckMatcherInstitutions(matcher, path, violations);
  CheckSectorField(matcher.sector(), true, FieldPath(path, "sector"), violations);
  CheckMatcherKind(matcher.kind(), FieldPath(path, "kind"), violations);
  CheckMatcherCodes(matcher, path, violations);
  if (matcher.has_min_grade()) {
    CheckMinGrade(matcher.min_grade(), FieldPath(path, "min_grade"), violations);
  }
  if (matcher.has_min_level()) {
    CheckMinLevel(matcher.min_level(), FieldPath(path, "min_level"), context, violations);
  }
  if (matcher.within_years() > kMaxWithinYears) {
    violations.Add(FieldPath(path, "within_years"),
                   absl::StrCat("must be 0..", kMaxWithinYears, " (0: any)"));
  }
}

// The conditions of an all_of, any_of or k_of group at `group_path`;
// `depth` counts the groups down to and including this one.
void CheckGroupConditions(
    const google::protobuf::RepeatedPtrField<rules_api::Condition>& conditions,
    absl::string_view group_path, int depth, const RuleContext& context,
    FieldViolations& violations) {
  const std::string field = FieldPath(group_path, "conditions");
  if (!CheckCount(conditions.size(), 1, kMaxConditionsPerGroup, "conditions", field, violations)) {
    return;
  }
  for (int i = 0; i < conditions.size(); ++i) {
    CheckCondition(conditions.Get(i), Indexed(field, i), depth, context, violations);
  }
}

void CheckKOf(const rules_api::KOfGroup& group, absl::string_view group_path, int depth,
              const RuleContext& context, FieldViolations& violations) {
  const int count = group.conditions_size();
  if (count >= 1 && static_cast<size_t>(count) <= kMaxConditionsPerGroup &&
      (group.k() < 1 || group.k() > static_cast<uint32_t>(count))) {
    violations.Add(FieldPath(group_path, "k"),
                   absl::StrCat("must be 1..", count, " (the number of conditions)"));
  }
  CheckGroupConditions(group.conditions(), group_path, depth, context, violations);
}

// `depth`: the groups around this condition (0 for a rule's source).
void CheckCondition(const rules_api::Condition& condition, absl::string_view path, int depth,
                    const RuleContext& context, FieldViolations& violations) {
  if (condition.kind_case() == rules_api::Condition::KIND_NOT_SET) {
    violations.Add(path, "must set one of match, all_of, any_of, k_of");
    return;
  }
  if (condition.kind_case() == rules_api::Condition::kMatch) {
    CheckMatcher(condition.match(), FieldPath(path, "match"), context, violations);
    return;
  }
  const int group_depth = depth + 1;
  std::string group_path;
  switch (condition.kind_case()) {
    case rules_api::Condition::kAllOf:
      group_path = FieldPath(path, "all_of");
      break;
    case rules_api::Condition::kAnyOf:
      group_path = FieldPath(path, "any_of");
      break;
    default:
      group_path = FieldPath(path, "k_of");
      break;
  }
  // Also bounds the recursion here, whatever the nesting of the message.
  if (group_depth > kMaxConditionDepth) {
    violations.Add(group_path, absl::StrCat("groups nest at most ", kMaxConditionDepth, " deep"));
    return;
  }
  if (condition.has_all_of()) {
    CheckGroupConditions(condition.all_of().conditions(), group_path, group_depth, context,
                         violations);
  } else if (condition.has_any_of()) {
    CheckGroupConditions(condition.any_of().conditions(), group_path, group_depth, context,
                         violations);
  } else {
    CheckKOf(condition.k_of(), group_path, group_depth, context, violations);
  }
}

// A rate grant adds up the hours of every matching entry: that is only
// meaningful over one set of alternatives, not over required combinations.
bool IsRateSource(const rules_api::Condition& source) {
  if (source.has_match()) return true;
  if (!source.has_any_of() || source.any_of().conditions().empty()) return false;
  for (const rules_api::Condition& condition : source.any_of().conditions()) {
    if (!condition.has_match()) return false;
  }
  return true;
}

void CheckGrantTarget(const rules_api::Grant& grant, absl::string_view path,
                      const RuleContext& context, FieldViolations& violations) {
  switch (grant.target_case()) {
    case rules_api::Grant::kCourse: {
      const std::string field = FieldPath(path, "course");
      if (AddIfBad(field, CheckIdentifier(grant.course(), kOutcomeCodeRules), violations) &&
          !context.courses.contains(grant.course())) {
        violations.Add(field,
                       absl::StrCat("course ", grant.course(), " is not a course of programme ",
                                    context.programme.id()));
      }
      break;
    }
    case rules_api::Grant::kCategory: {
      const std::string field = FieldPath(path, "category");
      if (AddIfBad(field, CheckIdentifier(grant.category(), kCategoryCodeRules), violations) &&
          !context.categories.contains(grant.category())) {
        violations.Add(
            field, absl::StrCat("category ", grant.category(), " is not a category of programme ",
                                context.programme.id()));
      }
      break;
    }
    case rules_api::Grant::TARGET_NOT_SET:
      violations.Add(path, "must name a target: course or category");
      break;
  }
}

void CheckGrantAmount(const rules_api::Rule& rule, absl::string_view path,
                      FieldViolations& violations) {
  const rules_api::Grant& grant = rule.grant();
  const std::string credits_field = FieldPath(path, "credits_milli");
  const std::string hours_field = FieldPath(path, "hours_per_credit");
  // A grant becomes one conversion entry, so it has an entry's bounds.
  if (grant.credits_milli() < 0 || grant.credits_milli() > kMaxCreditsMilliPerEntry) {
    violations.Add(credits_field, absl::StrCat("must be 0..", kMaxCreditsMilliPerEntry,
                                               " (thousandths of a credit)"));
  }
  if (grant.hours_per_credit() > kMaxHoursPerCredit) {
    violations.Add(hours_field, absl::StrCat("must be 0..", kMaxHoursPerCredit,
                                             " (study hours per credit; 0: fixed credits)"));
  }
  if (grant.credits_milli() > 0 && grant.hours_per_credit() > 0) {
    violations.Add(hours_field, "set credits_milli or hours_per_credit, not both");
  } else if (grant.credits_milli() == 0 && grant.hours_per_credit() == 0 &&
             grant.target_case() == rules_api::Grant::kCategory) {
    // A course grant without either gives the course's credits; a category
    // has no credits of its own.
    violations.Add(credits_field, "a category grant needs credits_milli (or hours_per_credit)");
  }
  if (grant.hours_per_credit() > 0 && rule.has_source() && !IsRateSource(rule.source())) {
    violations.Add(hours_field, "needs a source that is a match or an any_of group of matches");
  }
  if (grant.max_credits_milli() < 0 || grant.max_credits_milli() > kMaxProgrammeCreditsMilli) {
    violations.Add(FieldPath(path, "max_credits_milli"),
                   absl::StrCat("must be 0..", kMaxProgrammeCreditsMilli,
                                " (thousandths of a credit; 0: no cap)"));
  }
}

void CheckRuleDates(const rules_api::Rule& rule, absl::string_view path,
                    FieldViolations& violations) {
  const bool from_valid =
      AddIfBad(FieldPath(path, "effective_from"),
               CheckDate(rule.effective_from(), kEarliestRuleDay, kLatestRuleDay), violations);
  if (!IsDateSet(rule.effective_to())) return;
  // effective_to is inclusive: a rule may be in force for a single day.
  const absl::CivilDay earliest_to =
      from_valid ? *ToCivilDay(rule.effective_from()) : kEarliestRuleDay;
  AddIfBad(FieldPath(path, "effective_to"),
           CheckDate(rule.effective_to(), earliest_to, kLatestRuleDay), violations);
}

// The fields the server fills in when it publishes a version.
void CheckServerSetRuleFields(const rules_api::Rule& rule, absl::string_view path,
                              const RuleContext& context, FieldViolations& violations) {
  // Equal to the request's is accepted, so that an exported file applies
  // unchanged.
  if (!rule.programme_id().empty() && rule.programme_id() != context.programme_id) {
    violations.Add(FieldPath(path, "programme_id"),
                   "must be empty or the request's programme_id (it is set by the server)");
  }
  if (rule.version() != 0) violations.Add(FieldPath(path, "version"), kSetByServer);
  if (!rule.owner().empty()) violations.Add(FieldPath(path, "owner"), kSetByServer);
  if (rule.has_published_at()) violations.Add(FieldPath(path, "published_at"), kSetByServer);
}

// The matchers of a condition tree (groups past the depth limit are not
// counted: they are refused anyway, and the count stays cheap).
size_t CountMatchers(const rules_api::Condition& condition, int depth) {
  if (depth > kMaxConditionDepth) return 0;
  if (condition.kind_case() == rules_api::Condition::kMatch) return 1;
  size_t count = 0;
  if (const auto* children = GroupConditions(condition)) {
    for (const rules_api::Condition& child : *children) count += CountMatchers(child, depth + 1);
  }
  return count;
}

void CheckRule(const rules_api::Rule& rule, absl::string_view path, const RuleContext& context,
               FirstSeen& rule_ids, FieldViolations& violations) {
  const std::string id_field = FieldPath(path, "id");
  if (AddIfBad(id_field, CheckIdentifier(rule.id(), kRuleIdRules), violations)) {
    CheckUnique(rule.id(), id_field, rule_ids, violations);
  }
  AddIfBad(FieldPath(path, "title"), CheckDisplayText(rule.title(), 0, kMaxTitleCharacters),
           violations);
  CheckRuleDates(rule, path, violations);
  const std::string source_path = FieldPath(path, "source");
  if (rule.has_source()) {
    CheckCondition(rule.source(), source_path, 0, context, violations);
    // Each matcher can take one entry, and a grant becomes one conversion
    // entry naming at most kMaxSourceEntriesPerConversion sources.
    if (const size_t matchers = CountMatchers(rule.source(), 0);
        matchers > kMaxSourceEntriesPerConversion) {
      violations.Add(source_path, absl::StrCat("has ", matchers, " matchers; at most ",
                                               kMaxSourceEntriesPerConversion,
                                               " (a conversion names at most that many "
                                               "source entries)"));
    }
  } else {
    violations.Add(source_path, "must be set");
  }
  const std::string grant_path = FieldPath(path, "grant");
  if (rule.has_grant()) {
    CheckGrantTarget(rule.grant(), grant_path, context, violations);
    CheckGrantAmount(rule, grant_path, violations);
  } else {
    violations.Add(grant_path, "must be set");
  }
  CheckServerSetRuleFields(rule, path, context, violations);
}

// ---------------------------------------------------------------- requests

void CheckProgrammeIdField(absl::string_view programme_id, absl::string_view field,
                           FieldViolations& violations) {
  AddIfBad(field, CheckIdentifier(programme_id, kProgrammeIdRules), violations);
}

void CheckConversionRequestIdField(absl::string_view id, absl::string_view field,
                                   FieldViolations& violations) {
  if (id.empty()) {
    violations.Add(field, "must not be empty");
    return;
  }
  absl::string_view serial = id;
  const bool shaped =
      absl::ConsumePrefix(&serial, kConversionRequestIdPrefix) && !serial.empty() &&
      serial.size() <= kMaxConversionRequestSerialDigits &&
      std::all_of(serial.begin(), serial.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!shaped) {
    violations.Add(field, absl::StrCat("must be ", kConversionRequestIdPrefix, " and 1-",
                                       kMaxConversionRequestSerialDigits, " digits, e.g. CR-17"));
  }
}

void CheckRuleIds(const rules_api::CreateConversionRequestRequest& request,
                  FieldViolations& violations) {
  if (!CheckCount(request.rule_ids_size(), 0, kMaxRulesPerApply, "rule ids", "rule_ids",
                  violations)) {
    return;
  }
  FirstSeen seen;
  for (int i = 0; i < request.rule_ids_size(); ++i) {
    const std::string field = Indexed("rule_ids", i);
    if (AddIfBad(field, CheckIdentifier(request.rule_ids(i), kRuleIdRules), violations)) {
      CheckUnique(request.rule_ids(i), field, seen, violations);
    }
  }
}

}  // namespace

void CheckProgrammeId(absl::string_view programme_id, absl::string_view field,
                      FieldViolations& violations) {
  CheckProgrammeIdField(programme_id, field, violations);
}

absl::Status CheckPutFramework(const rules_api::PutFrameworkRequest& request,
                               const std::vector<rules_api::Framework>& known_frameworks) {
  FieldViolations violations;
  if (!request.has_framework()) {
    violations.Add("framework", "must be set");
    return violations.ToStatus();
  }
  const rules_api::Framework& framework = request.framework();
  AddIfBad("framework.id", CheckIdentifier(framework.id(), kFrameworkIdRules), violations);
  AddIfBad("framework.name", CheckDisplayText(framework.name(), 1, kMaxTitleCharacters),
           violations);
  CheckLevels(framework, violations);
  CheckCrosswalksInto(framework, known_frameworks, violations);
  CheckCrosswalk(framework, known_frameworks, violations);
  if (framework.has_updated_at()) violations.Add("framework.updated_at", kSetByServer);
  return violations.ToStatus();
}

absl::Status CheckPutProgramme(const rules_api::PutProgrammeRequest& request) {
  FieldViolations violations;
  if (!request.has_programme()) {
    violations.Add("programme", "must be set");
    return violations.ToStatus();
  }
  const rules_api::Programme& programme = request.programme();
  CheckProgrammeIdField(programme.id(), "programme.id", violations);
  CheckInstitutionCodeField(programme.institution_code(), "programme.institution_code", violations);
  AddIfBad("programme.title", CheckDisplayText(programme.title(), 1, kMaxTitleCharacters),
           violations);
  if (programme.framework_level() < 1 || programme.framework_level() > kMaxFrameworkLevel) {
    violations.Add("programme.framework_level",
                   absl::StrCat("must be 1..", kMaxFrameworkLevel,
                                " (a level of the bank framework \"", kBankFrameworkId, "\")"));
  }
  // Categories are checked first (their minimums bound the required
  // credits) but reported in field order.
  FieldViolations category_violations;
  const std::optional<int64_t> total_min_milli = CheckCategories(programme, category_violations);
  CheckRequiredCredits(programme, total_min_milli, violations);
  violations.Merge(category_violations);
  CheckCourses(programme, violations);
  if (programme.max_conversion_permille() > kMaxConversionPermille) {
    violations.Add("programme.max_conversion_permille",
                   absl::StrCat("must be 0..", kMaxConversionPermille,
                                " (thousandths of the required credits; 0: no cap)"));
  }
  CheckCap(programme.max_converted_credits_per_year_milli(),
           "programme.max_converted_credits_per_year_milli", violations);
  CheckCap(programme.max_converted_credits_per_source_institution_milli(),
           "programme.max_converted_credits_per_source_institution_milli", violations);
  if (programme.has_updated_at()) violations.Add("programme.updated_at", kSetByServer);
  return violations.ToStatus();
}

absl::Status CheckApplyRules(const rules_api::ApplyRulesRequest& request,
                             const rules_api::Programme& programme,
                             const std::vector<rules_api::Framework>& frameworks) {
  FieldViolations violations;
  CheckProgrammeIdField(request.programme_id(), "programme_id", violations);
  if (!CheckCount(request.rules_size(), 1, kMaxRulesPerApply, "rules", "rules", violations)) {
    return violations.ToStatus();
  }
  RuleContext context{request.programme_id(), programme, frameworks, {}, {}};
  for (const rules_api::Course& course : programme.courses()) context.courses.insert(course.code());
  for (const rules_api::Category& category : programme.categories()) {
    context.categories.insert(category.code());
  }
  FirstSeen rule_ids;
  for (int i = 0; i < request.rules_size(); ++i) {
    CheckRule(request.rules(i), Indexed("rules", i), context, rule_ids, violations);
  }
  return violations.ToStatus();
}

absl::Status CheckGetProgramme(const rules_api::GetProgrammeRequest& request) {
  FieldViolations violations;
  CheckProgrammeIdField(request.programme_id(), "programme_id", violations);
  return violations.ToStatus();
}

absl::Status CheckListProgrammes(const rules_api::ListProgrammesRequest& request) {
  FieldViolations violations;
  if (!request.institution_code().empty()) {
    CheckInstitutionCodeField(request.institution_code(), "institution_code", violations);
  }
  return violations.ToStatus();
}

absl::Status CheckListRules(const rules_api::ListRulesRequest& request) {
  FieldViolations violations;
  CheckProgrammeIdField(request.programme_id(), "programme_id", violations);
  return violations.ToStatus();
}

absl::Status CheckGetRule(const rules_api::GetRuleRequest& request) {
  FieldViolations violations;
  CheckProgrammeIdField(request.programme_id(), "programme_id", violations);
  AddIfBad("rule_id", CheckIdentifier(request.rule_id(), kRuleIdRules), violations);
  return violations.ToStatus();
}

absl::Status CheckEvaluate(const rules_api::EvaluateRequest& request) {
  FieldViolations violations;
  CheckAccountNumberField(request.account_number(), "account_number", violations);
  CheckProgrammeIdField(request.programme_id(), "programme_id", violations);
  if (IsDateSet(request.as_of())) {
    AddIfBad("as_of", CheckDate(request.as_of(), kEarliestRuleDay, kLatestRuleDay), violations);
  }
  return violations.ToStatus();
}

absl::Status CheckGetProgress(const rules_api::GetProgressRequest& request) {
  FieldViolations violations;
  CheckAccountNumberField(request.account_number(), "account_number", violations);
  CheckProgrammeIdField(request.programme_id(), "programme_id", violations);
  return violations.ToStatus();
}

absl::Status CheckCreateConversionRequest(
    const rules_api::CreateConversionRequestRequest& request) {
  FieldViolations violations;
  CheckRequestIdField(request.request_id(), "request_id", violations);
  CheckAccountNumberField(request.account_number(), "account_number", violations);
  CheckProgrammeIdField(request.programme_id(), "programme_id", violations);
  CheckRuleIds(request, violations);
  if (!request.proposal_digest().empty() &&
      request.proposal_digest().size() != kProposalDigestBytes) {
    violations.Add("proposal_digest",
                   absl::StrCat("must be empty or ", kProposalDigestBytes, " bytes (SHA-256), has ",
                                request.proposal_digest().size()));
  }
  return violations.ToStatus();
}

absl::Status CheckDecideConversionRequest(const rules_api::DecideConversionRequest& request) {
  FieldViolations violations;
  CheckConversionRequestIdField(request.conversion_request_id(), "conversion_request_id",
                                violations);
  CheckReasonField(request.reason(), "reason", violations);
  return violations.ToStatus();
}

absl::Status CheckGetConversionRequest(const rules_api::GetConversionRequestRequest& request) {
  FieldViolations violations;
  CheckConversionRequestIdField(request.conversion_request_id(), "conversion_request_id",
                                violations);
  return violations.ToStatus();
}

absl::Status CheckListConversionRequests(const rules_api::ListConversionRequestsRequest& request) {
  FieldViolations violations;
  if (!request.account_number().empty()) {
    CheckAccountNumberField(request.account_number(), "account_number", violations);
  }
  if (!request.programme_id().empty()) {
    CheckProgrammeIdField(request.programme_id(), "programme_id", violations);
  }
  if (!rules_api::ConversionStatus_IsValid(request.status())) {
    violations.Add("status", absl::StrCat("unknown conversion status ", request.status()));
  }
  CheckPageSizeField(request.page_size(), "page_size", violations);
  return violations.ToStatus();
}

}  // namespace creditbank::domain::rules
