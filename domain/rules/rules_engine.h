// RulesEngine: the rules service's logic. Frameworks, programmes and rule
// versions live in this process's store (`local`, written through its
// sequencer so each change commits with its audit record); ledger entries
// are read and conversion entries written through `ledger`, the core — in
// process (the same Core) or over gRPC (creditbankd --services=rules
// --core=HOST:PORT).
//
// Conversion approval is written in three durable steps, so that a crash
// anywhere leaves a state a retry finishes: the request is marked
// APPROVING; its conversion entries go to the ledger in one atomic batch
// whose request ids derive from the request ("CR-000042.1", ...), so a
// retry replays rather than duplicates them; the request is marked
// APPROVED with the entry ids.
//
//   ASSIGN_OR_RETURN(auto engine, RulesEngine::Open(local_core, ledger, clock));
//   ASSIGN_OR_RETURN(rules_api::Proposal proposal, engine->Evaluate(request));
#ifndef CREDITBANK_DOMAIN_RULES_RULES_ENGINE_H_
#define CREDITBANK_DOMAIN_RULES_RULES_ENGINE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "creditbank/rules/v1/rules.pb.h"
#include "domain/core.h"
#include "domain/core_client.h"
#include "domain/rules/evaluator.h"
#include "domain/rules/rules_store.h"

namespace creditbank::domain::rules {

// An account with more entries than this is not evaluated (RESOURCE_EXHAUSTED).
inline constexpr size_t kMaxEntriesPerEvaluation = 20'000;
// Approved requests one ReviewReversals call checks.
inline constexpr size_t kMaxRequestsPerReview = 10'000;
// The owner recorded for rules an operator publishes.
inline constexpr absl::string_view kBankOwner = "bank";

class RulesEngine {
 public:
  // Stores the default frameworks when the store has none yet.
  static absl::StatusOr<std::unique_ptr<RulesEngine>> Open(Core& local, CoreClient& ledger,
                                                           const Clock& clock);

  absl::StatusOr<rules_api::Framework> PutFramework(const rules_api::PutFrameworkRequest& request);
  absl::StatusOr<rules_api::ListFrameworksResponse> ListFrameworks() const;

  absl::StatusOr<rules_api::Programme> PutProgramme(const rules_api::PutProgrammeRequest& request);
  absl::StatusOr<rules_api::Programme> GetProgramme(
      const rules_api::GetProgrammeRequest& request) const;
  absl::StatusOr<rules_api::ListProgrammesResponse> ListProgrammes(
      const rules_api::ListProgrammesRequest& request) const;

  // `owner`: the publishing institution's code, or kBankOwner.
  absl::StatusOr<rules_api::ApplyRulesResponse> ApplyRules(
      const rules_api::ApplyRulesRequest& request, absl::string_view owner);
  absl::StatusOr<rules_api::ListRulesResponse> ListRules(
      const rules_api::ListRulesRequest& request) const;
  absl::StatusOr<rules_api::GetRuleResponse> GetRule(const rules_api::GetRuleRequest& request) const;

  absl::StatusOr<rules_api::Proposal> Evaluate(const rules_api::EvaluateRequest& request);
  absl::StatusOr<rules_api::Progress> GetProgress(const rules_api::GetProgressRequest& request);

  // `actor`: who asks or decides, for the record ("institution SZPT", ...).
  absl::StatusOr<rules_api::ConversionRequest> CreateConversionRequest(
      const rules_api::CreateConversionRequestRequest& request, absl::string_view actor);
  absl::StatusOr<rules_api::ConversionRequest> ApproveConversionRequest(
      const rules_api::DecideConversionRequest& request, absl::string_view actor);
  absl::StatusOr<rules_api::ConversionRequest> RejectConversionRequest(
      const rules_api::DecideConversionRequest& request, absl::string_view actor);
  absl::StatusOr<rules_api::ConversionRequest> GetConversionRequest(
      const rules_api::GetConversionRequestRequest& request) const;
  absl::StatusOr<rules_api::ListConversionRequestsResponse> ListConversionRequests(
      const rules_api::ListConversionRequestsRequest& request) const;
  absl::StatusOr<rules_api::ReviewReversalsResponse> ReviewReversals();

  // The programme a request names (for the service's row rules);
  // NOT_FOUND naming `field`.
  absl::StatusOr<rules_api::Programme> LoadProgramme(absl::string_view id,
                                                     absl::string_view field) const;
  absl::StatusOr<rules_api::ConversionRequest> LoadRequest(absl::string_view name,
                                                           absl::string_view field) const;

 private:
  RulesEngine(Core& local, CoreClient& ledger, const Clock& clock)
      : local_(local), ledger_(ledger), clock_(clock), reader_(local.store()) {}

  // Runs `body` as one durable command; its own result when applied.
  absl::Status Change(RowsCommand::Body body);
  absl::StatusOr<std::shared_ptr<const CompiledRules>> Compiled(
      const rules_api::Programme& programme);
  void ForgetCompiled(absl::string_view programme_id);
  // Every entry of the account, from the ledger.
  absl::StatusOr<std::vector<ledger::v1::Entry>> AccountEntries(absl::string_view account_number);
  // The open (pending, approving) requests of an account for a programme,
  // but `except`.
  absl::StatusOr<std::vector<rules_api::ConversionRequest>> OpenRequests(
      absl::string_view account_number, absl::string_view programme_id, uint64_t except) const;
  absl::StatusOr<rules_api::Proposal> EvaluateAt(const rules_api::Programme& programme,
                                                 absl::string_view account_number,
                                                 absl::CivilDay as_of,
                                                 const std::vector<ledger::v1::Entry>& entries,
                                                 uint64_t except_request);
  // Flags this account's approved requests whose sources `entries` show
  // reversed; the ids newly flagged.
  absl::StatusOr<std::vector<std::string>> FlagReversed(
      absl::string_view account_number, const std::vector<ledger::v1::Entry>& entries);
  // The conversion entries of an approved request, one per grant.
  absl::StatusOr<std::vector<ledger::v1::Outcome>> PlanConversionOutcomes(
      const rules_api::ConversionRequest& request) const;
  absl::StatusOr<rules_api::ConversionRequest> FinishApproval(
      uint64_t serial, const rules_api::ConversionRequest& request);
  absl::CivilDay Today() const;

  Core& local_;
  CoreClient& ledger_;
  const Clock& clock_;
  const RulesReader reader_;
  // Approvals, one at a time: each re-checks against the ledger as the
  // previous one left it.
  absl::Mutex approval_mutex_;
  mutable absl::Mutex cache_mutex_;
  std::map<std::string, std::shared_ptr<const CompiledRules>, std::less<>> compiled_
      ABSL_GUARDED_BY(cache_mutex_);
  // Bumped by every change of rules, programmes or frameworks.
  uint64_t generation_ ABSL_GUARDED_BY(cache_mutex_) = 0;
};

}  // namespace creditbank::domain::rules

#endif  // CREDITBANK_DOMAIN_RULES_RULES_ENGINE_H_
