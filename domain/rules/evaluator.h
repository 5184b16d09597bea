// Evaluation: which of a programme's rules an account's ledger entries
// satisfy, what each grants, which rules almost matched and why not, and
// the caps applied. A pure function of the rules, the entries, the date and
// the grants already made or requested: the same inputs always give the
// same proposal (rules in priority, then id order; entries tried in id
// order; the search for distinct entries is bounded).
//
//   ASSIGN_OR_RETURN(auto rules, CompiledRules::Compile(programme, versions, frameworks));
//   rules_api::Proposal proposal = Evaluate(*rules, entries, context);
#ifndef CREDITBANK_DOMAIN_RULES_EVALUATOR_H_
#define CREDITBANK_DOMAIN_RULES_EVALUATOR_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"
#include "creditbank/ledger/v1/ledger.pb.h"
#include "creditbank/rules/v1/rules.pb.h"

namespace creditbank::domain::rules {

namespace rules_api = ::creditbank::rules::v1;

// A search for distinct entries that satisfy one rule's condition gives up
// after this many steps (the rule then does not match, with that reason).
inline constexpr uint32_t kMaxMatchStepsPerRule = 10'000;
// Near-miss reasons listed per rule, and entries named per reason.
inline constexpr size_t kMaxReasonsPerNearMiss = 8;

struct CompiledRule;

// A programme's rule versions, compiled once (level bounds resolved
// through the frameworks' crosswalks) and evaluated many times.
class CompiledRules {
 public:
  // `versions`: every stored version of every rule of the programme.
  static absl::StatusOr<std::shared_ptr<const CompiledRules>> Compile(
      rules_api::Programme programme, std::vector<rules_api::Rule> versions,
      const std::vector<rules_api::Framework>& frameworks);
  ~CompiledRules();

  const rules_api::Programme& programme() const { return programme_; }
  // Per rule id, the version in effect on `day` (the highest version whose
  // effective window holds it), in evaluation order.
  std::vector<const CompiledRule*> InEffect(absl::CivilDay day) const;

 private:
  CompiledRules() = default;
  rules_api::Programme programme_;
  // Versions of one rule id are adjacent, highest version first.
  std::vector<std::unique_ptr<CompiledRule>> rules_;
};

struct EvaluationContext {
  absl::CivilDay as_of;
  // Grants of open conversion requests for the programme (pending or
  // being approved): their sources are taken and their credits count
  // against the caps, like conversions already in the ledger.
  std::vector<rules_api::ProposedGrant> reserved;
  std::string reserved_by;  // for reasons: "an open conversion request"
};

// `entries`: every entry of one account (reversals, conversions and
// reversed entries included: evaluation needs to see them).
rules_api::Proposal Evaluate(const CompiledRules& rules,
                             absl::Span<const ledger::v1::Entry> entries,
                             const EvaluationContext& context);

// SHA-256 over what a proposal's grants say (rule versions, sources,
// targets, credits), the account, programme and date.
std::string ProposalDigest(const rules_api::Proposal& proposal);

}  // namespace creditbank::domain::rules

#endif  // CREDITBANK_DOMAIN_RULES_EVALUATOR_H_
