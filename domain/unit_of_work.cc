#include "domain/unit_of_work.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "domain/validation/dates.h"
#include "storage/keys.h"

namespace creditbank::domain {
namespace {

using storage::Table;

// Parses a stored record; a record that does not parse is damaged data.
template <typename Message>
absl::StatusOr<Message> ParseRecord(const std::string& bytes, absl::string_view what) {
  Message message;
  if (!message.ParseFromString(bytes)) {
    return absl::DataLossError(absl::StrCat("stored ", what, " does not parse"));
  }
  return message;
}

}  // namespace

UnitOfWork::UnitOfWork(const storage::Store& store, storage::WriteBatch& batch,
                       records::SequencerState state, absl::Time now)
    : store_(store), batch_(batch), state_(std::move(state)), now_(now) {}

absl::StatusOr<const records::AccountRecord*> UnitOfWork::FindAccount(uint64_t account_number) {
  if (auto it = accounts_.find(account_number); it != accounts_.end()) return &it->second;
  ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                   store_.Get(Table::kAccounts, storage::AccountKey(account_number)));
  if (!bytes) return nullptr;
  ASSIGN_OR_RETURN(records::AccountRecord record,
                   ParseRecord<records::AccountRecord>(*bytes, "account"));
  return &accounts_.emplace(account_number, std::move(record)).first->second;
}

absl::StatusOr<std::optional<uint64_t>> UnitOfWork::FindAccountByIdentity(
    absl::string_view hmac) {
  std::string key(hmac);
  if (auto it = identities_.find(key); it != identities_.end()) return it->second;
  ASSIGN_OR_RETURN(std::optional<std::string> bytes, store_.Get(Table::kIdentityIndex, key));
  std::optional<uint64_t> number;
  if (bytes) {
    number = storage::ReadUint64(*bytes, 0);
    if (!number) return absl::DataLossError("stored identity index entry is truncated");
  }
  identities_.emplace(std::move(key), number);
  return number;
}

absl::StatusOr<const institutions::v1::Institution*> UnitOfWork::FindInstitution(
    absl::string_view code) {
  std::string key(code);
  auto it = institutions_.find(key);
  if (it == institutions_.end()) {
    ASSIGN_OR_RETURN(std::optional<std::string> bytes, store_.Get(Table::kInstitutions, key));
    std::optional<institutions::v1::Institution> institution;
    if (bytes) {
      ASSIGN_OR_RETURN(institution,
                       ParseRecord<institutions::v1::Institution>(*bytes, "institution"));
    }
    it = institutions_.emplace(std::move(key), std::move(institution)).first;
  }
  return it->second ? &*it->second : nullptr;
}

absl::StatusOr<std::optional<records::IdempotencyRecord>> UnitOfWork::FindRequest(
    absl::string_view key) {
  if (auto it = staged_requests_.find(std::string(key)); it != staged_requests_.end()) {
    return it->second;
  }
  ASSIGN_OR_RETURN(std::optional<std::string> bytes, store_.Get(Table::kIdempotency, key));
  if (!bytes) return std::nullopt;
  return ParseRecord<records::IdempotencyRecord>(*bytes, "idempotency record");
}

absl::StatusOr<const ledger::v1::Entry*> UnitOfWork::FindEntry(uint64_t entry_id) {
  if (auto it = entries_.find(entry_id); it != entries_.end()) return &it->second;
  ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                   store_.Get(Table::kEntries, storage::EntryKey(entry_id)));
  if (!bytes) return nullptr;
  ASSIGN_OR_RETURN(ledger::v1::Entry entry, ParseRecord<ledger::v1::Entry>(*bytes, "entry"));
  if (entry.entry_id() != entry_id) {
    return absl::DataLossError(absl::StrCat("stored entry ", entry_id, " claims id ",
                                            entry.entry_id()));
  }
  return &entries_.emplace(entry_id, std::move(entry)).first->second;
}

absl::StatusOr<std::optional<uint64_t>> UnitOfWork::FindReversal(uint64_t entry_id) {
  if (auto it = staged_reversals_.find(entry_id); it != staged_reversals_.end()) {
    return it->second;
  }
  ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                   store_.Get(Table::kReversals, storage::EntryKey(entry_id)));
  if (!bytes) return std::nullopt;
  std::optional<uint64_t> reversal = storage::ReadUint64(*bytes, 0);
  if (!reversal) return absl::DataLossError("stored reversal index entry is truncated");
  return reversal;
}

void UnitOfWork::PutAccount(uint64_t account_number, const records::AccountRecord& record) {
  batch_.Put(Table::kAccounts, storage::AccountKey(account_number), record.SerializeAsString());
  accounts_[account_number] = record;
}

void UnitOfWork::PutIdentity(absl::string_view hmac, uint64_t account_number) {
  batch_.Put(Table::kIdentityIndex, hmac, storage::AccountKey(account_number));
  identities_[std::string(hmac)] = account_number;
}

void UnitOfWork::PutInstitution(const institutions::v1::Institution& institution) {
  batch_.Put(Table::kInstitutions, institution.code(), institution.SerializeAsString());
  institutions_[institution.code()] = institution;
}

void UnitOfWork::PutRequest(absl::string_view key, const records::IdempotencyRecord& record) {
  batch_.Put(Table::kIdempotency, key, record.SerializeAsString());
  staged_requests_[std::string(key)] = record;
}

uint64_t UnitOfWork::AllocateAccountSerial() {
  state_changed_ = true;
  const uint64_t serial = state_.next_account_serial();
  state_.set_next_account_serial(serial + 1);
  return serial;
}

uint64_t UnitOfWork::AppendEntry(uint64_t account_number, ledger::v1::Entry entry) {
  state_changed_ = true;
  const uint64_t entry_id = state_.next_entry_id();
  state_.set_next_entry_id(entry_id + 1);
  entry.set_entry_id(entry_id);
  batch_.Put(Table::kEntries, storage::EntryKey(entry_id), entry.SerializeAsString());
  batch_.Put(Table::kAccountEntries, storage::AccountEntryKey(account_number, entry_id), "");
  entries_.emplace(entry_id, std::move(entry));
  return entry_id;
}

void UnitOfWork::PutReversal(uint64_t reversed_entry_id, uint64_t reversal_entry_id) {
  batch_.Put(Table::kReversals, storage::EntryKey(reversed_entry_id),
             storage::EntryKey(reversal_entry_id));
  staged_reversals_[reversed_entry_id] = reversal_entry_id;
}

void UnitOfWork::PutExpiry(uint64_t account_number, uint64_t entry_id,
                           const records::ExpiryRecord& record) {
  batch_.Put(Table::kExpiry, storage::ExpiryKey(account_number, entry_id),
             record.SerializeAsString());
}

void UnitOfWork::DeleteExpiry(uint64_t account_number, uint64_t entry_id) {
  batch_.Delete(Table::kExpiry, storage::ExpiryKey(account_number, entry_id));
}

absl::StatusOr<records::BalanceRecord*> UnitOfWork::MutableBalance(uint64_t account_number,
                                                                   uint32_t sector,
                                                                   uint32_t framework_level) {
  BucketKey key{account_number, sector, framework_level};
  if (auto it = balances_.find(key); it != balances_.end()) return &it->second;
  ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                   store_.Get(Table::kBalances,
                              storage::BalanceKey(account_number, sector, framework_level)));
  records::BalanceRecord record;
  if (bytes) {
    ASSIGN_OR_RETURN(record, ParseRecord<records::BalanceRecord>(*bytes, "balance"));
  }
  return &balances_.emplace(key, std::move(record)).first->second;
}

void UnitOfWork::Finish() {
  for (const auto& [key, record] : balances_) {
    const auto& [account_number, sector, level] = key;
    batch_.Put(Table::kBalances, storage::BalanceKey(account_number, sector, level),
               record.SerializeAsString());
  }
  if (state_changed_ || batch_.Count() > 0) {
    // Recorded so that a restarted server never stamps a time earlier than
    // one already written, even if the wall clock stepped back.
    *state_.mutable_last_commit_at() = ToTimestamp(now_);
    batch_.Put(Table::kMeta, storage::kSequencerStateKey, state_.SerializeAsString());
  }
}

}  // namespace creditbank::domain

