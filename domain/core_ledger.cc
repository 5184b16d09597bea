// Core: the ledger's writes (record, record in batches, reverse).
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "domain/core.h"
#include "domain/errors.h"
#include "domain/ledger_commands.h"
#include "domain/limits.h"
#include "domain/request_checks.h"
#include "domain/validation/dates.h"
#include "domain/validation/identity.h"
#include "storage/keys.h"

namespace creditbank::domain {
namespace {

OutcomeItem MakeItem(const ledger::v1::Outcome& outcome) {
  OutcomeItem item;
  item.outcome = outcome;
  item.outcome.DiscardUnknownFields();
  item.account_number = *ParseAccountNumber(outcome.account_number());
  item.request_sha256 = OutcomeDigest(item.outcome);
  return item;
}

}  // namespace

absl::StatusOr<ledger::v1::RecordOutcomeResponse> Core::RecordOutcome(
    const ledger::v1::RecordOutcomeRequest& request) {
  FieldViolations violations;
  CheckInstitutionCodeField(request.institution_code(), "institution_code", violations);
  CheckOutcome(request.outcome(), BankToday(clock_.Now()), "outcome", violations);
  RETURN_IF_ERROR(violations.ToStatus());

  std::vector<OutcomeItem> items;
  items.push_back(MakeItem(request.outcome()));
  RecordOutcomesCommand command(request.institution_code(), std::move(items), /*atomic=*/false);
  command.ReportItemErrorAsResult();
  RETURN_IF_ERROR(Run(command));
  RETURN_IF_ERROR(command.status());
  const ItemResult& result = command.results()[0];
  RETURN_IF_ERROR(WithFieldPrefix(result.status, "outcome."));

  ledger::v1::RecordOutcomeResponse response;
  ledger::v1::GetEntryRequest get;
  get.set_entry_id(result.entry_id);
  ASSIGN_OR_RETURN(*response.mutable_entry(), GetEntry(get));
  response.set_replayed(result.replayed);
  return response;
}

absl::StatusOr<ledger::v1::RecordOutcomesResponse> Core::RecordOutcomes(
    const ledger::v1::RecordOutcomesRequest& request) {
  FieldViolations request_violations;
  CheckInstitutionCodeField(request.institution_code(), "institution_code", request_violations);
  if (request.outcomes().empty() ||
      static_cast<size_t>(request.outcomes_size()) > kMaxOutcomesPerBatch) {
    request_violations.Add("outcomes", absl::StrCat("must hold 1..", kMaxOutcomesPerBatch,
                                                    " outcomes, holds ",
                                                    request.outcomes_size()));
  }
  RETURN_IF_ERROR(request_violations.ToStatus());

  const absl::CivilDay today = BankToday(clock_.Now());
  ledger::v1::RecordOutcomesResponse response;
  std::vector<OutcomeItem> items;
  std::vector<uint32_t> item_index;  // command item -> request position
  items.reserve(request.outcomes_size());
  FieldViolations all_violations;  // atomic: every bad field of every item
  for (int i = 0; i < request.outcomes_size(); ++i) {
    const std::string prefix = absl::StrCat("outcomes[", i, "]");
    FieldViolations violations;
    CheckOutcome(request.outcomes(i), today, prefix, violations);
    ledger::v1::ItemResult* result = response.add_results();
    result->set_index(i);
    if (!violations.empty()) {
      all_violations.Merge(violations);
      *result->mutable_error() = ToRpcStatus(violations.ToStatus());
      continue;
    }
    items.push_back(MakeItem(request.outcomes(i)));
    item_index.push_back(i);
  }
  if (request.atomic()) RETURN_IF_ERROR(all_violations.ToStatus());
  // Even with no valid item left the command runs: it reports an unknown or
  // suspended institution as such rather than as a list of item errors.

  RecordOutcomesCommand command(request.institution_code(), std::move(items), request.atomic());
  RETURN_IF_ERROR(Run(command));
  RETURN_IF_ERROR(command.status());
  for (size_t k = 0; k < command.results().size(); ++k) {
    const ItemResult& item = command.results()[k];
    ledger::v1::ItemResult* result = response.mutable_results(item_index[k]);
    if (!item.status.ok()) {
      *result->mutable_error() = ToRpcStatus(
          WithFieldPrefix(item.status, absl::StrCat("outcomes[", item_index[k], "].")));
      continue;
    }
    result->set_entry_id(item.entry_id);
    result->set_replayed(item.replayed);
  }
  return response;
}

absl::StatusOr<ledger::v1::RecordOutcomeResponse> Core::ReverseEntry(
    const ledger::v1::ReverseEntryRequest& request) {
  FieldViolations violations;
  CheckInstitutionCodeField(request.institution_code(), "institution_code", violations);
  CheckRequestIdField(request.request_id(), "request_id", violations);
  CheckAccountNumberField(request.account_number(), "account_number", violations);
  if (request.entry_id() == 0) violations.Add("entry_id", "must be set (entry ids start at 1)");
  CheckReasonField(request.reason(), "reason", violations);
  RETURN_IF_ERROR(violations.ToStatus());

  ledger::v1::ReverseEntryRequest cleaned = request;
  cleaned.DiscardUnknownFields();
  ReverseEntryCommand command(std::move(cleaned), *ParseAccountNumber(request.account_number()));
  RETURN_IF_ERROR(Run(command));
  RETURN_IF_ERROR(command.status());
  ledger::v1::RecordOutcomeResponse response;
  *response.mutable_entry() = command.reversal();
  response.set_replayed(command.replayed());
  return response;
}

}  // namespace creditbank::domain
