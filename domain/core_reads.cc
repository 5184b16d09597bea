// Core: the ledger's reads. They go to the store directly (not through the
// sequencer) and read one snapshot each, so a page or a balance sheet is
// consistent even while writes go on.
#include <limits>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "domain/balances.h"
#include "domain/consistency_check.h"
#include "domain/core.h"
#include "domain/errors.h"
#include "domain/limits.h"
#include "domain/page_token.h"
#include "domain/request_checks.h"
#include "domain/validation/dates.h"
#include "domain/validation/identity.h"
#include "storage/keys.h"

namespace creditbank::domain {
namespace {

namespace common = ::creditbank::common::v1;

absl::StatusOr<ledger::v1::Entry> ReadEntry(const storage::Store& store, uint64_t entry_id,
                                        const storage::Snapshot* snapshot) {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                   store.Get(storage::Table::kEntries, storage::EntryKey(entry_id), snapshot));
  if (!bytes) {
    return FieldError(absl::StatusCode::kNotFound, reason::kEntryNotFound, "entry_id",
                      absl::StrCat("no entry ", entry_id));
  }
  ledger::v1::Entry entry;
  if (!entry.ParseFromString(*bytes) || entry.entry_id() != entry_id) {
    return absl::DataLossError(absl::StrCat("stored entry ", entry_id, " is damaged"));
  }
  return entry;
}

void CheckListFilters(const ledger::v1::ListEntriesRequest& request, FieldViolations& violations) {
  CheckAccountNumberField(request.account_number(), "account_number", violations);
  CheckPageSizeField(request.page_size(), "page_size", violations);
  if (!common::OutcomeKind_IsValid(request.kind())) {
    violations.Add("kind", absl::StrCat("unknown kind ", request.kind()));
  }
  CheckSectorField(request.sector(), true, "sector", violations);
  if (!request.institution_code().empty()) {
    CheckInstitutionCodeField(request.institution_code(), "institution_code", violations);
  }
  const absl::CivilDay first(kEarliestYear, 1, 1);
  const absl::CivilDay last(kLatestYear, 12, 31);
  for (const auto& [date, field] : {std::pair{&request.completed_from(), "completed_from"},
                                    std::pair{&request.completed_to(), "completed_to"}}) {
    if (IsDateSet(*date)) {
      std::string why = CheckDate(*date, first, last);
      if (!why.empty()) violations.Add(field, why);
    }
  }
}

bool Matches(const ledger::v1::ListEntriesRequest& filter, const ledger::v1::Entry& entry) {
  const ledger::v1::Outcome& outcome = entry.outcome();
  if (filter.kind() != common::OUTCOME_KIND_UNSPECIFIED && outcome.kind() != filter.kind()) {
    return false;
  }
  if (filter.sector() != common::SECTOR_UNSPECIFIED && outcome.sector() != filter.sector()) {
    return false;
  }
  if (!filter.institution_code().empty() &&
      entry.institution_code() != filter.institution_code()) {
    return false;
  }
  std::optional<absl::CivilDay> completed = ToCivilDay(outcome.completion_date());
  if (IsDateSet(filter.completed_from()) &&
      (!completed || *completed < *ToCivilDay(filter.completed_from()))) {
    return false;
  }
  if (IsDateSet(filter.completed_to()) &&
      (!completed || *completed > *ToCivilDay(filter.completed_to()))) {
    return false;
  }
  return true;
}

}  // namespace

absl::Status Core::AddReversedBy(ledger::v1::Entry& entry, const storage::Snapshot* snapshot) const {
  ASSIGN_OR_RETURN(std::optional<std::string> reversal,
                   store_->Get(storage::Table::kReversals, storage::EntryKey(entry.entry_id()),
                               snapshot));
  if (!reversal) return absl::OkStatus();
  std::optional<uint64_t> reversal_id = storage::ReadUint64Value(*reversal);
  if (!reversal_id) {
    return absl::DataLossError(absl::StrCat("stored reversal of entry ", entry.entry_id(),
                                            " is damaged"));
  }
  entry.set_reversed_by_entry_id(*reversal_id);
  return absl::OkStatus();
}

absl::StatusOr<ledger::v1::Entry> Core::GetEntry(const ledger::v1::GetEntryRequest& request) {
  if (request.entry_id() == 0) return InvalidField("entry_id", "must be set (entry ids start at 1)");
  std::unique_ptr<storage::Snapshot> snapshot = store_->TakeSnapshot();
  ASSIGN_OR_RETURN(ledger::v1::Entry entry, ReadEntry(*store_, request.entry_id(), snapshot.get()));
  RETURN_IF_ERROR(AddReversedBy(entry, snapshot.get()));
  return entry;
}

absl::StatusOr<ledger::v1::ListEntriesResponse> Core::ListEntries(
    const ledger::v1::ListEntriesRequest& request) {
  FieldViolations violations;
  CheckListFilters(request, violations);
  RETURN_IF_ERROR(violations.ToStatus());
  ledger::v1::ListEntriesRequest filters = request;
  filters.clear_page_size();
  filters.clear_page_token();
  const std::string fingerprint = filters.SerializeAsString();
  ASSIGN_OR_RETURN(std::string last_key,
                   DecodePageToken(request.page_token(), fingerprint, "page_token"));
  std::optional<uint64_t> last_entry_id;
  if (!last_key.empty()) {
    last_entry_id = storage::ReadUint64Value(last_key);
    if (!last_entry_id) {
      return InvalidField("page_token", "is not a page token issued by this server");
    }
    // Nothing can follow the largest id (and +1 would wrap to the start).
    if (*last_entry_id == std::numeric_limits<uint64_t>::max()) {
      return ledger::v1::ListEntriesResponse();
    }
  }
  const uint64_t account_number = *ParseAccountNumber(request.account_number());
  std::unique_ptr<storage::Snapshot> snapshot = store_->TakeSnapshot();
  RETURN_IF_ERROR(LoadAccount(account_number, "account_number", snapshot.get()).status());

  const size_t page_size = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  const std::string prefix = storage::AccountPrefix(account_number);
  const std::string start = storage::AccountEntryKey(
      account_number, last_entry_id ? *last_entry_id + 1 : 0);
  std::unique_ptr<storage::Cursor> cursor =
      store_->Scan(storage::Table::kAccountEntries, start, storage::PrefixUpperBound(prefix),
                   snapshot.get());
  ledger::v1::ListEntriesResponse response;
  size_t scanned = 0;
  uint64_t last_scanned = 0;
  for (; cursor->Valid(); cursor->Next()) {
    if (static_cast<size_t>(response.entries_size()) == page_size ||
        scanned == kMaxRowsScannedPerPage) {
      std::string token_key;
      storage::AppendUint64(token_key, last_scanned);
      response.set_next_page_token(EncodePageToken(token_key, fingerprint));
      break;
    }
    ++scanned;
    last_scanned = storage::ReadUint64(cursor->key(), 8).value_or(0);
    ASSIGN_OR_RETURN(ledger::v1::Entry entry, ReadEntry(*store_, last_scanned, snapshot.get()));
    if (!Matches(request, entry)) continue;
    RETURN_IF_ERROR(AddReversedBy(entry, snapshot.get()));
    *response.add_entries() = std::move(entry);
  }
  RETURN_IF_ERROR(cursor->status());
  return response;
}

absl::StatusOr<ledger::v1::GetBalancesResponse> Core::GetBalances(
    const ledger::v1::GetBalancesRequest& request) {
  FieldViolations violations;
  CheckAccountNumberField(request.account_number(), "account_number", violations);
  RETURN_IF_ERROR(violations.ToStatus());
  const uint64_t account_number = *ParseAccountNumber(request.account_number());
  std::unique_ptr<storage::Snapshot> snapshot = store_->TakeSnapshot();
  RETURN_IF_ERROR(LoadAccount(account_number, "account_number", snapshot.get()).status());
  const absl::CivilDay today = BankToday(clock_.Now());
  const std::string prefix = storage::AccountPrefix(account_number);
  const std::string upper = storage::PrefixUpperBound(prefix);

  // Expired credits per bucket, from the expiry records of live entries.
  std::map<std::pair<uint32_t, uint32_t>, int64_t> expired;
  std::unique_ptr<storage::Cursor> expiry =
      store_->Scan(storage::Table::kExpiry, prefix, upper, snapshot.get());
  for (; expiry->Valid(); expiry->Next()) {
    storage::v1::ExpiryRecord record;
    if (!record.ParseFromString(std::string(expiry->value()))) {
      return absl::DataLossError("stored expiry record does not parse");
    }
    if (IsExpired(record, today)) {
      expired[{record.sector(), record.framework_level()}] += record.credits_milli();
    }
  }
  RETURN_IF_ERROR(expiry->status());

  ledger::v1::GetBalancesResponse response;
  response.set_account_number(request.account_number());
  *response.mutable_as_of() = ToDate(today);
  ledger::v1::Balance* total = response.mutable_total();
  std::unique_ptr<storage::Cursor> cursor =
      store_->Scan(storage::Table::kBalances, prefix, upper, snapshot.get());
  for (; cursor->Valid(); cursor->Next()) {
    std::optional<storage::BalanceKeyParts> key = storage::ParseBalanceKey(cursor->key());
    storage::v1::BalanceRecord record;
    if (!key || !record.ParseFromString(std::string(cursor->value()))) {
      return absl::DataLossError("stored balance is damaged");
    }
    const Bucket bucket{key->sector, key->framework_level};
    auto it = expired.find({bucket.sector, bucket.framework_level});
    ledger::v1::Balance balance = ToBalance(bucket, record, it == expired.end() ? 0 : it->second);
    AddToTotal(balance, *total);
    *response.add_balances() = std::move(balance);
  }
  RETURN_IF_ERROR(cursor->status());
  return response;
}

absl::StatusOr<ledger::v1::CheckConsistencyResponse> Core::CheckConsistency(
    const ledger::v1::CheckConsistencyRequest& request) {
  ASSIGN_OR_RETURN(ConsistencyReport report,
                   domain::CheckConsistency(*store_, leaf_hasher_.get()));
  ledger::v1::CheckConsistencyResponse response;
  response.set_entries_checked(report.entries_checked);
  response.set_accounts_checked(report.accounts_checked);
  for (std::string& difference : report.differences) {
    response.add_differences(std::move(difference));
  }
  response.set_consistent(report.consistent());
  return response;
}

}  // namespace creditbank::domain
