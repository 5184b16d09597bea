#include "domain/rules/frameworks.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "domain/limits.h"

namespace creditbank::domain::rules {
namespace {

inline constexpr absl::string_view kEqfId = "eqf";
inline constexpr uint32_t kEqfLevels = 8;

// The bank's ten levels: the learning-outcomes framework of the national
// credit bank (学分银行学习成果框架), from basic skills to doctoral level.
constexpr absl::string_view kBankLevelNames[kMaxFrameworkLevel] = {
    "一级 Level 1: basic skills",
    "二级 Level 2: elementary vocational skills",
    "三级 Level 3: intermediate vocational skills, secondary school",
    "四级 Level 4: advanced vocational skills, secondary vocational diploma",
    "五级 Level 5: higher vocational diploma (专科)",
    "六级 Level 6: bachelor (本科)",
    "七级 Level 7: master (硕士)",
    "八级 Level 8: doctorate (博士)",
    "九级 Level 9: senior professional",
    "十级 Level 10: leading professional",
};

// Bank level -> EQF level. Published as data, not code: an operator
// replaces it with PutFramework when the national referencing changes.
constexpr uint32_t kBankToEqf[kMaxFrameworkLevel] = {1, 2, 3, 4, 5, 6, 7, 8, 8, 8};

rules_api::Framework BankFramework() {
  rules_api::Framework framework;
  framework.set_id(std::string(kBankFrameworkId));
  framework.set_name("National credit bank learning outcomes framework (国家学分银行学习成果框架)");
  for (uint32_t level = 1; level <= kMaxFrameworkLevel; ++level) {
    rules_api::Level* entry = framework.add_levels();
    entry->set_level(level);
    entry->set_name(std::string(kBankLevelNames[level - 1]));
    rules_api::CrosswalkEntry* crosswalk = framework.add_crosswalk();
    crosswalk->set_to_framework(std::string(kEqfId));
    crosswalk->set_from_level(level);
    crosswalk->set_to_level(kBankToEqf[level - 1]);
  }
  return framework;
}

rules_api::Framework EqfFramework() {
  rules_api::Framework framework;
  framework.set_id(std::string(kEqfId));
  framework.set_name("European Qualifications Framework");
  for (uint32_t level = 1; level <= kEqfLevels; ++level) {
    rules_api::Level* entry = framework.add_levels();
    entry->set_level(level);
    entry->set_name(absl::StrCat("EQF level ", level));
  }
  return framework;
}

const rules_api::Framework* Find(absl::string_view id,
                                 const std::vector<rules_api::Framework>& frameworks) {
  for (const rules_api::Framework& framework : frameworks) {
    if (framework.id() == id) return &framework;
  }
  return nullptr;
}

}  // namespace

std::vector<rules_api::Framework> DefaultFrameworks() { return {BankFramework(), EqfFramework()}; }

absl::StatusOr<uint32_t> BankLevelsReaching(const rules_api::LevelBound& bound,
                                            const std::vector<rules_api::Framework>& frameworks) {
  uint32_t levels = 0;
  if (bound.framework().empty() || bound.framework() == kBankFrameworkId) {
    for (uint32_t level = std::max<uint32_t>(bound.level(), 1); level <= kMaxFrameworkLevel;
         ++level) {
      levels |= uint32_t{1} << level;
    }
    return levels;
  }
  const rules_api::Framework* bank = Find(kBankFrameworkId, frameworks);
  if (bank == nullptr) return absl::NotFoundError("the bank framework is not stored");
  if (Find(bound.framework(), frameworks) == nullptr) {
    return absl::NotFoundError(absl::StrFormat("framework \"%s\" is not known", bound.framework()));
  }
  bool crosswalked = false;
  for (const rules_api::CrosswalkEntry& entry : bank->crosswalk()) {
    if (entry.to_framework() != bound.framework()) continue;
    crosswalked = true;
    if (entry.to_level() >= bound.level() && entry.from_level() >= 1 &&
        entry.from_level() <= kMaxFrameworkLevel) {
      levels |= uint32_t{1} << entry.from_level();
    }
  }
  if (!crosswalked) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "the bank framework has no crosswalk to framework \"%s\"", bound.framework()));
  }
  return levels;
}

}  // namespace creditbank::domain::rules
