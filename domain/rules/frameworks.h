// Qualification frameworks: the bank's own ("cn-ncb", the levels ledger
// entries carry) and others such as EQF, linked by crosswalk tables. A rule
// may ask for a minimum level in any framework; evaluation turns that into
// the set of bank levels that reach it.
#ifndef CREDITBANK_DOMAIN_RULES_FRAMEWORKS_H_
#define CREDITBANK_DOMAIN_RULES_FRAMEWORKS_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "creditbank/rules/v1/rules.pb.h"

namespace creditbank::domain::rules {

namespace rules_api = ::creditbank::rules::v1;

// The framework whose levels ledger entries carry (Outcome.framework_level).
inline constexpr absl::string_view kBankFrameworkId = "cn-ncb";

// The frameworks a new store starts with: the bank's ten-level learning
// outcomes framework with a crosswalk to EQF, and EQF's eight levels.
std::vector<rules_api::Framework> DefaultFrameworks();

// Bit L (1..10) set for each bank-framework level that reaches `bound`:
// for the bank's framework, level >= bound.level; for another framework,
// the bank level's crosswalk entry to it names a level >= bound.level.
// NOT_FOUND when the bound names a framework not in `frameworks` (which
// must hold the bank's), FAILED_PRECONDITION when the bank framework has
// no crosswalk to it.
absl::StatusOr<uint32_t> BankLevelsReaching(const rules_api::LevelBound& bound,
                                            const std::vector<rules_api::Framework>& frameworks);

}  // namespace creditbank::domain::rules

#endif  // CREDITBANK_DOMAIN_RULES_FRAMEWORKS_H_
