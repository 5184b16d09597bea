#include "domain/ledger_commands.h"

#include <algorithm>
#include <limits>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "domain/balances.h"
#include "domain/crypto/primitives.h"
#include "domain/errors.h"
#include "domain/state_checks.h"
#include "domain/validation/dates.h"
#include "domain/validation/identity.h"
#include "storage/keys.h"

namespace creditbank::domain {
namespace {

namespace common = ::creditbank::common::v1;
constexpr size_t kNotAReplay = std::numeric_limits<size_t>::max();

template <typename Repeated, typename Value>
bool Contains(const Repeated& values, Value value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

// FAILED_PRECONDITION unless the scope allows the outcome.
absl::Status CheckScope(const institutions::v1::Institution& institution,
                        const ledger::v1::Outcome& outcome) {
  const institutions::v1::AccreditationScope& scope = institution.scope();
  if (!Contains(scope.kinds(), outcome.kind())) {
    return FieldError(absl::StatusCode::kFailedPrecondition, reason::kOutsideScope, "kind",
                      absl::StrCat(institution.code(), " is not accredited to record ",
                                   common::OutcomeKind_Name(outcome.kind())));
  }
  if (!Contains(scope.sectors(), outcome.sector())) {
    return FieldError(absl::StatusCode::kFailedPrecondition, reason::kOutsideScope, "sector",
                      absl::StrCat(institution.code(), " is not accredited for ",
                                   common::Sector_Name(outcome.sector())));
  }
  if (outcome.framework_level() > scope.max_framework_level()) {
    return FieldError(absl::StatusCode::kFailedPrecondition, reason::kOutsideScope,
                      "framework_level",
                      absl::StrCat(institution.code(), " may record up to level ",
                                   scope.max_framework_level()));
  }
  return absl::OkStatus();
}

// A conversion's sources must be live entries of the same account.
absl::Status CheckSources(UnitOfWork& work, const ledger::v1::Outcome& outcome) {
  for (uint64_t source_id : outcome.source_entry_ids()) {
    ASSIGN_OR_RETURN(const ledger::v1::Entry* source, work.FindEntry(source_id));
    std::string problem;
    if (source == nullptr) {
      problem = "does not exist";
    } else if (source->outcome().account_number() != outcome.account_number()) {
      problem = "belongs to another account";
    } else if (source->outcome().kind() == common::OUTCOME_KIND_REVERSAL) {
      problem = "is a reversal";
    } else {
      ASSIGN_OR_RETURN(std::optional<uint64_t> reversal, work.FindReversal(source_id));
      if (reversal) problem = absl::StrCat("was reversed by entry ", *reversal);
    }
    if (!problem.empty()) {
      return FieldError(absl::StatusCode::kFailedPrecondition, reason::kSourceEntryUnusable,
                        "source_entry_ids",
                        absl::StrCat("source entry ", source_id, " ", problem));
    }
  }
  return absl::OkStatus();
}

absl::Status RequestIdReused(absl::string_view request_id) {
  return FieldError(absl::StatusCode::kAlreadyExists, reason::kRequestIdReused, "request_id",
                    absl::StrCat("request id ", request_id,
                                 " was already used for a different request"));
}

// Stages a new entry and everything that moves with it: account index,
// balance delta, expiry record and idempotency record. Reads nothing, so
// it cannot fail half-way.
uint64_t StageEntry(UnitOfWork& work, uint64_t account_number,
                    absl::string_view idempotency_key, const std::string& request_sha256,
                    ledger::v1::Entry entry) {
  const Bucket bucket = BucketOf(entry);
  AddEntry(entry, work.BalanceDelta(account_number, bucket.sector, bucket.framework_level));
  std::optional<storage::v1::ExpiryRecord> expiry = ExpiryOf(entry);
  const uint64_t entry_id = work.AppendEntry(account_number, std::move(entry));
  if (expiry) work.PutExpiry(account_number, entry_id, *expiry);
  storage::v1::IdempotencyRecord request;
  request.set_entry_id(entry_id);
  request.set_request_sha256(request_sha256);
  work.PutRequest(idempotency_key, request);
  return entry_id;
}

}  // namespace

std::string OutcomeDigest(const ledger::v1::Outcome& outcome) {
  return Sha256(absl::StrCat("outcome\n", outcome.SerializeAsString()));
}

std::string ReversalDigest(const ledger::v1::ReverseEntryRequest& request) {
  return Sha256(absl::StrCat("reversal\n", request.SerializeAsString()));
}

RecordOutcomesCommand::RecordOutcomesCommand(std::string institution_code,
                                             std::vector<OutcomeItem> items, bool atomic)
    : institution_code_(std::move(institution_code)),
      items_(std::move(items)),
      atomic_(atomic) {}

absl::Status RecordOutcomesCommand::CheckInstitution(UnitOfWork& work) {
  ASSIGN_OR_RETURN(institution_, RequireInstitution(work, institution_code_, "institution_code"));
  // A suspended institution's retries are still answered; only new
  // outcomes are refused (per item, in CheckItem).
  may_record_ = RequireAccredited(*institution_, "institution_code");
  return absl::OkStatus();
}

ItemResult RecordOutcomesCommand::CheckItem(UnitOfWork& work, size_t index) {
  OutcomeItem& item = items_[index];
  ledger::v1::Outcome& outcome = item.outcome;
  if (outcome.sector() == common::SECTOR_UNSPECIFIED) {
    outcome.set_sector(institution_->sector());
  }
  // Retries are answered before any state check: a request that succeeded
  // once keeps succeeding, even if the account was frozen since.
  const std::string key = storage::IdempotencyKey(institution_code_, outcome.request_id());
  if (auto earlier = new_items_.find(outcome.request_id()); earlier != new_items_.end()) {
    if (items_[earlier->second].request_sha256 != item.request_sha256) {
      return ItemResult{RequestIdReused(outcome.request_id())};
    }
    replay_of_[index] = earlier->second;
    return ItemResult{absl::OkStatus(), 0, true};
  }
  absl::StatusOr<std::optional<storage::v1::IdempotencyRecord>> previous = work.FindRequest(key);
  if (!previous.ok()) return ItemResult{previous.status()};
  if (*previous) {
    if ((*previous)->request_sha256() != item.request_sha256) {
      return ItemResult{RequestIdReused(outcome.request_id())};
    }
    return ItemResult{absl::OkStatus(), (*previous)->entry_id(), true};
  }
  if (!may_record_.ok()) return ItemResult{may_record_};
  if (absl::Status status = RequireOpenAccount(work, item.account_number, "account_number");
      !status.ok()) {
    return ItemResult{status};
  }
  if (absl::Status status = CheckScope(*institution_, outcome); !status.ok()) {
    return ItemResult{status};
  }
  if (absl::Status status = CheckSources(work, outcome); !status.ok()) {
    return ItemResult{status};
  }
  new_items_.emplace(outcome.request_id(), index);
  return ItemResult{};
}

void RecordOutcomesCommand::Stage(UnitOfWork& work, size_t index) {
  ItemResult& result = results_[index];
  if (!result.status.ok() || result.replayed) return;
  OutcomeItem& item = items_[index];
  ledger::v1::Entry entry;
  entry.set_institution_code(institution_code_);
  *entry.mutable_outcome() = item.outcome;
  *entry.mutable_recorded_at() = ToTimestamp(work.now());
  result.entry_id =
      StageEntry(work, item.account_number,
                 storage::IdempotencyKey(institution_code_, item.outcome.request_id()),
                 item.request_sha256, std::move(entry));
}

void RecordOutcomesCommand::Apply(UnitOfWork& work) {
  results_.assign(items_.size(), ItemResult{});
  replay_of_.assign(items_.size(), kNotAReplay);
  new_items_.clear();
  may_record_ = absl::OkStatus();
  status_ = CheckInstitution(work);
  if (!status_.ok()) return;
  size_t failed = 0;
  size_t first_failed = 0;
  bool any_replayed = false;
  for (size_t index = 0; index < items_.size(); ++index) {
    results_[index] = CheckItem(work, index);
    any_replayed = any_replayed || results_[index].replayed;
    if (!results_[index].status.ok() && failed++ == 0) first_failed = index;
  }
  if (!may_record_.ok() && !any_replayed) {
    status_ = may_record_;  // nothing to answer: refuse the whole request
    return;
  }
  if (atomic_ && failed > 0) {
    absl::Status first =
        WithFieldPrefix(results_[first_failed].status, absl::StrCat("outcomes[", first_failed, "]."));
    status_ = WithMessage(first, absl::StrCat(first.message(), " (atomic batch: ", failed, " of ",
                                              items_.size(), " items failed, nothing was recorded)"));
    return;
  }
  for (size_t index = 0; index < items_.size(); ++index) Stage(work, index);
  for (size_t index = 0; index < items_.size(); ++index) {
    if (replay_of_[index] != kNotAReplay) {
      results_[index].entry_id = results_[replay_of_[index]].entry_id;
    }
  }
}

ReverseEntryCommand::ReverseEntryCommand(ledger::v1::ReverseEntryRequest request,
                                         uint64_t account_number)
    : request_(std::move(request)),
      account_number_(account_number),
      request_sha256_(ReversalDigest(request_)) {}

absl::Status ReverseEntryCommand::Check(UnitOfWork& work, const ledger::v1::Entry** original) {
  ASSIGN_OR_RETURN(const institutions::v1::Institution* institution,
                   RequireInstitution(work, request_.institution_code(), "institution_code"));
  if (institution->status() == institutions::v1::INSTITUTION_STATUS_SUSPENDED) {
    return RequireAccredited(*institution, "institution_code");
  }
  const uint64_t entry_id = request_.entry_id();
  ASSIGN_OR_RETURN(*original, work.FindEntry(entry_id));
  if (*original == nullptr) {
    return FieldError(absl::StatusCode::kNotFound, reason::kEntryNotFound, "entry_id",
                      absl::StrCat("no entry ", entry_id));
  }
  const ledger::v1::Entry& entry = **original;
  if (entry.outcome().account_number() != request_.account_number()) {
    return FieldError(absl::StatusCode::kFailedPrecondition, reason::kEntryAccountMismatch,
                      "account_number",
                      absl::StrCat("entry ", entry_id, " is not on account ",
                                   request_.account_number()));
  }
  if (entry.institution_code() != request_.institution_code()) {
    return FieldError(absl::StatusCode::kFailedPrecondition, reason::kNotRecordingInstitution,
                      "institution_code",
                      absl::StrCat("entry ", entry_id, " was recorded by another institution; "
                                   "only the recording institution may reverse it"));
  }
  if (entry.outcome().kind() == common::OUTCOME_KIND_REVERSAL) {
    return FieldError(absl::StatusCode::kFailedPrecondition, reason::kReversalNotReversible,
                      "entry_id",
                      absl::StrCat("entry ", entry_id, " is a reversal; record the outcome "
                                   "again instead of reversing a reversal"));
  }
  ASSIGN_OR_RETURN(std::optional<uint64_t> reversal, work.FindReversal(entry_id));
  if (reversal) {
    return FieldError(absl::StatusCode::kFailedPrecondition, reason::kEntryAlreadyReversed,
                      "entry_id",
                      absl::StrCat("entry ", entry_id, " was already reversed by entry ",
                                   *reversal));
  }
  // A frozen account takes no new outcomes, but mistakes on it can still
  // be corrected; a closed account is final.
  return RequireAccountNotClosed(work, account_number_, "account_number");
}

void ReverseEntryCommand::Apply(UnitOfWork& work) {
  const std::string key =
      storage::IdempotencyKey(request_.institution_code(), request_.request_id());
  absl::StatusOr<std::optional<storage::v1::IdempotencyRecord>> previous = work.FindRequest(key);
  if (!previous.ok()) {
    status_ = previous.status();
    return;
  }
  if (*previous) {
    if ((*previous)->request_sha256() != request_sha256_) {
      status_ = RequestIdReused(request_.request_id());
      return;
    }
    absl::StatusOr<const ledger::v1::Entry*> entry = work.FindEntry((*previous)->entry_id());
    if (!entry.ok() || *entry == nullptr) {
      status_ = entry.ok() ? absl::DataLossError("idempotency record names a missing entry")
                           : entry.status();
      return;
    }
    reversal_ = **entry;
    replayed_ = true;
    return;
  }
  const ledger::v1::Entry* original = nullptr;
  status_ = Check(work, &original);
  if (!status_.ok()) return;

  ledger::v1::Entry reversal;
  reversal.set_institution_code(request_.institution_code());
  ledger::v1::Outcome& outcome = *reversal.mutable_outcome();
  outcome.set_request_id(request_.request_id());
  outcome.set_account_number(request_.account_number());
  outcome.set_kind(common::OUTCOME_KIND_REVERSAL);
  outcome.set_code(original->outcome().code());
  outcome.set_title(original->outcome().title());
  outcome.set_credits_milli(original->outcome().credits_milli());
  outcome.set_study_hours(original->outcome().study_hours());
  outcome.set_framework_level(original->outcome().framework_level());
  outcome.set_sector(original->outcome().sector());
  *outcome.mutable_completion_date() = ToDate(BankToday(work.now()));
  *reversal.mutable_recorded_at() = ToTimestamp(work.now());
  reversal.set_reverses_entry_id(original->entry_id());
  reversal.set_reversal_reason(request_.reason());

  const Bucket bucket = BucketOf(*original);
  AddReversal(*original,
              work.BalanceDelta(account_number_, bucket.sector, bucket.framework_level));
  if (ExpiryOf(*original)) work.DeleteExpiry(account_number_, original->entry_id());
  const uint64_t original_id = original->entry_id();
  reversal_ = reversal;
  const uint64_t reversal_id = work.AppendEntry(account_number_, std::move(reversal));
  reversal_.set_entry_id(reversal_id);
  work.PutReversal(original_id, reversal_id);
  storage::v1::IdempotencyRecord request;
  request.set_entry_id(reversal_id);
  request.set_request_sha256(request_sha256_);
  work.PutRequest(key, request);
}

}  // namespace creditbank::domain
