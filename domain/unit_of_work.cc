#include "domain/unit_of_work.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/invariant.h"
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

// The state's frontier was checked when the sequencer loaded it and has
// been written by groups since; one that does not restore is a bug.
static tlog::Frontier RestoreFrontier(const records::SequencerState& state) {
  absl::StatusOr<tlog::Frontier> frontier = tlog::Frontier::Restore(
      state.log_tree_size(), {state.log_frontier().begin(), state.log_frontier().end()});
  CHECK_INVARIANT(frontier.ok(), "the sequencer state's log frontier is malformed");
  return *std::move(frontier);
}

UnitOfWork::UnitOfWork(const storage::Store& store, storage::WriteBatch& batch,
                       records::SequencerState state, absl::Time now,
                       const tlog::LeafHasher& leaf_hasher, const UnitOfWork* previous)
    : store_(store),
      batch_(batch),
      state_(std::move(state)),
      now_(now),
      previous_(previous),
      leaf_hasher_(leaf_hasher),
      log_(RestoreFrontier(state_)) {}

template <typename Map, typename Key>
const typename Map::mapped_type* UnitOfWork::Staged(Map UnitOfWork::*map, const Key& key) const {
  if (auto it = (this->*map).find(key); it != (this->*map).end()) return &it->second;
  if (previous_ != nullptr) {
    if (auto it = (previous_->*map).find(key); it != (previous_->*map).end()) {
      return &it->second;
    }
  }
  return nullptr;
}

absl::StatusOr<const records::AccountRecord*> UnitOfWork::FindAccount(uint64_t account_number) {
  if (auto it = accounts_.find(account_number); it != accounts_.end()) return &it->second;
  if (const records::AccountRecord* known = Staged(&UnitOfWork::accounts_, account_number)) {
    return &accounts_.emplace(account_number, *known).first->second;
  }
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
  if (const std::optional<uint64_t>* known = Staged(&UnitOfWork::identities_, key)) {
    return *known;
  }
  ASSIGN_OR_RETURN(std::optional<std::string> bytes, store_.Get(Table::kIdentityIndex, key));
  std::optional<uint64_t> number;
  if (bytes) {
    number = storage::ReadUint64Value(*bytes);
    if (!number) {
      return absl::DataLossError("stored identity index entry is damaged");
    }
  }
  identities_.emplace(std::move(key), number);
  return number;
}

absl::StatusOr<const institutions::v1::Institution*> UnitOfWork::FindInstitution(
    absl::string_view code) {
  std::string key(code);
  auto it = institutions_.find(key);
  if (it == institutions_.end()) {
    std::optional<institutions::v1::Institution> institution;
    if (const auto* known = Staged(&UnitOfWork::institutions_, key)) {
      institution = *known;
    } else {
      ASSIGN_OR_RETURN(std::optional<std::string> bytes, store_.Get(Table::kInstitutions, key));
      if (bytes) {
        ASSIGN_OR_RETURN(institution,
                         ParseRecord<institutions::v1::Institution>(*bytes, "institution"));
      }
    }
    it = institutions_.emplace(std::move(key), std::move(institution)).first;
  }
  return it->second ? &*it->second : nullptr;
}

absl::StatusOr<std::optional<records::IdempotencyRecord>> UnitOfWork::FindRequest(
    absl::string_view key) {
  if (const records::IdempotencyRecord* staged =
          Staged(&UnitOfWork::staged_requests_, std::string(key))) {
    return *staged;
  }
  ASSIGN_OR_RETURN(std::optional<std::string> bytes, store_.Get(Table::kIdempotency, key));
  if (!bytes) return std::nullopt;
  return ParseRecord<records::IdempotencyRecord>(*bytes, "idempotency record");
}

absl::StatusOr<const ledger::v1::Entry*> UnitOfWork::FindEntry(uint64_t entry_id) {
  if (auto it = entries_.find(entry_id); it != entries_.end()) return &it->second;
  std::optional<std::string> bytes;
  if (const std::string* staged = Staged(&UnitOfWork::staged_entries_, entry_id)) {
    bytes = *staged;
  } else {
    ASSIGN_OR_RETURN(bytes, store_.Get(Table::kEntries, storage::EntryKey(entry_id)));
  }
  if (!bytes) return nullptr;
  ASSIGN_OR_RETURN(ledger::v1::Entry entry, ParseRecord<ledger::v1::Entry>(*bytes, "entry"));
  if (entry.entry_id() != entry_id) {
    return absl::DataLossError(absl::StrCat("stored entry ", entry_id, " claims id ",
                                            entry.entry_id()));
  }
  return &entries_.emplace(entry_id, std::move(entry)).first->second;
}

absl::StatusOr<std::optional<uint64_t>> UnitOfWork::FindReversal(uint64_t entry_id) {
  if (const uint64_t* staged = Staged(&UnitOfWork::staged_reversals_, entry_id)) return *staged;
  ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                   store_.Get(Table::kReversals, storage::EntryKey(entry_id)));
  if (!bytes) return std::nullopt;
  std::optional<uint64_t> reversal = storage::ReadUint64Value(*bytes);
  if (!reversal) {
    return absl::DataLossError("stored reversal index entry is damaged");
  }
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
  // Leaf index = entry id - 1: every entry is in the log, in id order.
  for (tlog::LogNode& node : log_.Append(leaf_hasher_.LeafHashOf(entry))) {
    batch_.Put(Table::kLog, storage::LogNodeKey(node.level, node.index), node.hash);
  }
  std::string bytes = entry.SerializeAsString();
  batch_.Put(Table::kEntries, storage::EntryKey(entry_id), bytes);
  batch_.Put(Table::kAccountEntries, storage::AccountEntryKey(account_number, entry_id), "");
  // Kept serialized: parsed only if a later command of this group (or the
  // next) reads it back, which is rare.
  staged_entries_.emplace(entry_id, std::move(bytes));
  return entry_id;
}

uint64_t UnitOfWork::AppendAudit(admin::v1::AuditRecord record) {
  state_changed_ = true;
  const uint64_t audit_id = state_.next_audit_id();
  state_.set_next_audit_id(audit_id + 1);
  record.set_audit_id(audit_id);
  *record.mutable_time() = ToTimestamp(now_);
  batch_.Put(Table::kAudit, storage::AuditKey(audit_id), record.SerializeAsString());
  return audit_id;
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

records::BalanceRecord& UnitOfWork::BalanceDelta(uint64_t account_number, uint32_t sector,
                                                 uint32_t framework_level) {
  return balances_[BucketKey{account_number, sector, framework_level}];
}

absl::StatusOr<std::optional<std::string>> UnitOfWork::FindRow(Table table,
                                                               absl::string_view key) {
  if (const std::optional<std::string>* staged =
          Staged(&UnitOfWork::staged_rows_, std::make_pair(table, std::string(key)))) {
    return *staged;  // nullopt: deleted
  }
  return store_.Get(table, key);
}

void UnitOfWork::PutRow(Table table, absl::string_view key, std::string value) {
  batch_.Put(table, key, value);
  staged_rows_[std::make_pair(table, std::string(key))] = std::move(value);
}

void UnitOfWork::DeleteRow(Table table, absl::string_view key) {
  batch_.Delete(table, key);
  staged_rows_[std::make_pair(table, std::string(key))] = std::nullopt;
}

void UnitOfWork::Finish() {
  for (const auto& [key, record] : balances_) {  // deltas
    const auto& [account_number, sector, level] = key;
    batch_.Merge(Table::kBalances, storage::BalanceKey(account_number, sector, level),
                 record.SerializeAsString());
  }
  if (log_.size() != state_.log_tree_size()) {
    state_.set_log_tree_size(log_.size());
    state_.mutable_log_frontier()->Assign(log_.hashes().begin(), log_.hashes().end());
  }
  if (state_changed_ || batch_.Count() > 0) {
    // Recorded so that a restarted server never stamps a time earlier than
    // one already written, even if the wall clock stepped back.
    *state_.mutable_last_commit_at() = ToTimestamp(now_);
    batch_.Put(Table::kMeta, storage::kSequencerStateKey, state_.SerializeAsString());
  }
}

}  // namespace creditbank::domain

