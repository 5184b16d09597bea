#include "domain/consistency_check.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "creditbank/ledger/v1/ledger.pb.h"
#include "creditbank/storage/v1/records.pb.h"
#include "domain/balances.h"
#include "domain/limits.h"
#include "domain/tlog/frontier.h"
#include "domain/validation/identity.h"
#include "storage/keys.h"

namespace creditbank::domain {
namespace {

using storage::Table;
namespace common = ::creditbank::common::v1;
using BucketKey = std::pair<uint32_t, uint32_t>;

class Checker {
 public:
  Checker(const storage::Store& store, const storage::Snapshot* snapshot,
          const tlog::LeafHasher* leaf_hasher)
      : store_(store), snapshot_(snapshot), leaf_hasher_(leaf_hasher) {}

  absl::StatusOr<ConsistencyReport> Run() {
    RETURN_IF_ERROR(CheckEntries());
    RETURN_IF_ERROR(CheckAccountsEntries());
    RETURN_IF_ERROR(CheckStrayRows(Table::kBalances, "balance"));
    RETURN_IF_ERROR(CheckStrayRows(Table::kExpiry, "expiry record"));
    RETURN_IF_ERROR(CheckAccounts());
    RETURN_IF_ERROR(CheckIdentityIndex());
    RETURN_IF_ERROR(CheckIdempotency());
    return std::move(report_);
  }

 private:
  void Differ(std::string difference) {
    ++report_.difference_count;
    if (report_.differences.size() < kMaxReportedDifferences) {
      report_.differences.push_back(std::move(difference));
    }
  }

  // A scan that stopped on damaged data (DATA_LOSS, e.g. a balance delta
  // that does not decode) is a difference to report; other errors mean the
  // store cannot be read and end the check.
  absl::Status DamageOrError(const absl::Status& status, absl::string_view what) {
    if (status.code() != absl::StatusCode::kDataLoss) return status;
    Differ(absl::StrCat(what, " cannot be read: ", status.message()));
    return absl::OkStatus();
  }

  absl::StatusOr<std::optional<std::string>> Get(Table table, absl::string_view key) {
    return store_.Get(table, key, snapshot_);
  }

  absl::StatusOr<std::optional<ledger::v1::Entry>> ReadEntry(uint64_t entry_id) {
    ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                     Get(Table::kEntries, storage::EntryKey(entry_id)));
    if (!bytes) return std::nullopt;
    ledger::v1::Entry entry;
    if (!entry.ParseFromString(*bytes) || entry.entry_id() != entry_id) {
      Differ(absl::StrCat("entry ", entry_id, " is damaged"));
      return std::nullopt;
    }
    return entry;
  }

  // Pass 1: ids contiguous, and each entry's indexes present.
  absl::Status CheckEntries() {
    std::unique_ptr<storage::Cursor> cursor = store_.Scan(Table::kEntries, "", "", snapshot_);
    uint64_t expected_id = 1;
    for (; cursor->Valid(); cursor->Next(), ++expected_id) {
      ++report_.entries_checked;
      std::optional<uint64_t> id = storage::ReadUint64(cursor->key(), 0);
      ledger::v1::Entry entry;
      if (!id || cursor->key().size() != 8 || !entry.ParseFromString(std::string(cursor->value())) ||
          entry.entry_id() != *id) {
        Differ(absl::StrCat("entry at position ", expected_id, " is damaged"));
        continue;
      }
      if (*id != expected_id) {
        Differ(absl::StrCat("entry ids jump from ", expected_id - 1, " to ", *id));
        expected_id = *id;
      }
      RETURN_IF_ERROR(CheckEntryIndexes(entry));
      RETURN_IF_ERROR(CheckLogNodes(entry));
    }
    RETURN_IF_ERROR(cursor->status());
    ASSIGN_OR_RETURN(std::optional<std::string> state_bytes,
                     Get(Table::kMeta, storage::kSequencerStateKey));
    storage::v1::SequencerState state;
    if (state_bytes && !state.ParseFromString(*state_bytes)) {
      Differ("sequencer state is damaged");
    } else if (std::max<uint64_t>(state.next_entry_id(), 1) != expected_id) {
      Differ(absl::StrCat("sequencer's next entry id is ", state.next_entry_id(),
                          ", entries end at ", expected_id - 1));
    } else {
      CheckLogFrontier(state);
    }
    return absl::OkStatus();
  }

  // The transparency log rebuilt from the entries, in id order: each node
  // an entry's leaf completes must be stored as it is here.
  absl::Status CheckLogNodes(const ledger::v1::Entry& entry) {
    if (leaf_hasher_ == nullptr || log_broken_) return absl::OkStatus();
    if (entry.entry_id() != log_.size() + 1) {  // ids jumped: reported already
      log_broken_ = true;
      return absl::OkStatus();
    }
    for (const tlog::LogNode& node : log_.Append(leaf_hasher_->LeafHashOf(entry))) {
      ASSIGN_OR_RETURN(std::optional<std::string> stored,
                       Get(Table::kLog, storage::LogNodeKey(node.level, node.index)));
      if (stored != node.hash) {
        Differ(absl::StrCat("transparency log node ", node.level, "/", node.index,
                            stored ? " differs from the entries' leaves (an entry or the node "
                                     "was changed)"
                                   : " is missing"));
      }
    }
    return absl::OkStatus();
  }

  void CheckLogFrontier(const storage::v1::SequencerState& state) {
    if (leaf_hasher_ == nullptr || log_broken_) return;
    if (state.log_tree_size() != log_.size() ||
        !std::equal(state.log_frontier().begin(), state.log_frontier().end(),
                    log_.hashes().begin(), log_.hashes().end())) {
      Differ(absl::StrCat("the transparency log's committed head (", state.log_tree_size(),
                          " leaves) is not the tree of the ", log_.size(), " entries"));
    }
  }

  absl::Status CheckEntryIndexes(const ledger::v1::Entry& entry) {
    const uint64_t id = entry.entry_id();
    std::optional<uint64_t> account = ParseAccountNumber(entry.outcome().account_number());
    if (!account) {
      Differ(absl::StrCat("entry ", id, " has an invalid account number"));
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(std::optional<std::string> indexed,
                     Get(Table::kAccountEntries, storage::AccountEntryKey(*account, id)));
    if (!indexed) Differ(absl::StrCat("entry ", id, " is missing from its account's index"));
    ASSIGN_OR_RETURN(std::optional<std::string> request,
                     Get(Table::kIdempotency, storage::IdempotencyKey(
                                                  entry.institution_code(),
                                                  entry.outcome().request_id())));
    storage::v1::IdempotencyRecord record;
    if (!request || !record.ParseFromString(*request) || record.entry_id() != id) {
      Differ(absl::StrCat("entry ", id, " has no matching idempotency record"));
    }
    if (entry.outcome().kind() == common::OUTCOME_KIND_REVERSAL) {
      ASSIGN_OR_RETURN(std::optional<std::string> reversal,
                       Get(Table::kReversals, storage::EntryKey(entry.reverses_entry_id())));
      if (!reversal || storage::ReadUint64Value(*reversal) != id) {
        Differ(absl::StrCat("reversal ", id, " is missing from the reversal index"));
      }
      if (entry.reverses_entry_id() == 0 || entry.reverses_entry_id() >= id) {
        Differ(absl::StrCat("reversal ", id, " points at entry ", entry.reverses_entry_id(),
                            ", which is not an earlier entry"));
      }
    }
    return absl::OkStatus();
  }

  // Pass 2: per account, recompute balances and expiry records.
  absl::Status CheckAccountsEntries() {
    std::unique_ptr<storage::Cursor> cursor =
        store_.Scan(Table::kAccountEntries, "", "", snapshot_);
    std::optional<uint64_t> current;
    std::vector<uint64_t> entry_ids;
    for (; cursor->Valid(); cursor->Next()) {
      std::optional<uint64_t> account = storage::ReadUint64(cursor->key(), 0);
      std::optional<uint64_t> entry_id = storage::ReadUint64(cursor->key(), 8);
      if (!account || !entry_id || cursor->key().size() != 16) {
        Differ("an account index row is damaged");
        continue;
      }
      if (current && *current != *account) {
        RETURN_IF_ERROR(CheckAccount(*current, entry_ids));
        entry_ids.clear();
      }
      current = *account;
      entry_ids.push_back(*entry_id);
    }
    RETURN_IF_ERROR(cursor->status());
    if (current) RETURN_IF_ERROR(CheckAccount(*current, entry_ids));
    return absl::OkStatus();
  }

  absl::Status CheckAccount(uint64_t account, const std::vector<uint64_t>& entry_ids) {
    accounts_with_entries_.push_back(account);
    const std::string number = FormatAccountNumber(account);
    ASSIGN_OR_RETURN(std::optional<std::string> record, Get(Table::kAccounts,
                                                            storage::AccountKey(account)));
    if (!record) Differ(absl::StrCat("account ", number, " has entries but no account record"));

    std::map<BucketKey, storage::v1::BalanceRecord> expected;
    std::map<uint64_t, storage::v1::ExpiryRecord> expected_expiry;
    std::set<uint64_t> reversed;
    std::vector<ledger::v1::Entry> entries;
    for (uint64_t id : entry_ids) {
      ASSIGN_OR_RETURN(std::optional<ledger::v1::Entry> entry, ReadEntry(id));
      if (!entry) {
        Differ(absl::StrCat("account ", number, " indexes entry ", id, ", which is missing"));
        continue;
      }
      if (entry->outcome().account_number() != number) {
        Differ(absl::StrCat("account ", number, " indexes entry ", id, " of another account"));
        continue;
      }
      if (entry->outcome().kind() == common::OUTCOME_KIND_REVERSAL) {
        reversed.insert(entry->reverses_entry_id());
      }
      entries.push_back(*std::move(entry));
    }
    std::map<uint64_t, const ledger::v1::Entry*> by_id;
    for (const ledger::v1::Entry& entry : entries) by_id[entry.entry_id()] = &entry;
    for (const ledger::v1::Entry& entry : entries) {
      if (entry.outcome().kind() == common::OUTCOME_KIND_REVERSAL) {
        auto original = by_id.find(entry.reverses_entry_id());
        if (original == by_id.end()) {
          Differ(absl::StrCat("reversal ", entry.entry_id(), " cancels entry ",
                              entry.reverses_entry_id(), ", not on account ", number));
          continue;
        }
        const Bucket bucket = BucketOf(*original->second);
        AddReversal(*original->second, expected[{bucket.sector, bucket.framework_level}]);
        continue;
      }
      const Bucket bucket = BucketOf(entry);
      AddEntry(entry, expected[{bucket.sector, bucket.framework_level}]);
      std::optional<storage::v1::ExpiryRecord> expiry = ExpiryOf(entry);
      if (expiry && !reversed.contains(entry.entry_id())) {
        expected_expiry[entry.entry_id()] = *expiry;
      }
    }
    RETURN_IF_ERROR(CompareBalances(account, expected));
    return CompareExpiry(account, expected_expiry);
  }

  absl::Status CompareBalances(uint64_t account,
                               std::map<BucketKey, storage::v1::BalanceRecord>& expected) {
    const std::string prefix = storage::AccountPrefix(account);
    std::unique_ptr<storage::Cursor> cursor = store_.Scan(
        Table::kBalances, prefix, storage::PrefixUpperBound(prefix), snapshot_);
    const std::string number = FormatAccountNumber(account);
    for (; cursor->Valid(); cursor->Next()) {
      std::optional<storage::BalanceKeyParts> key = storage::ParseBalanceKey(cursor->key());
      storage::v1::BalanceRecord stored;
      if (!key || !stored.ParseFromString(std::string(cursor->value()))) {
        Differ(absl::StrCat("a balance of account ", number, " is damaged"));
        continue;
      }
      auto it = expected.find({key->sector, key->framework_level});
      const std::string bucket = absl::StrCat("account ", number, " sector ", key->sector,
                                              " level ", key->framework_level);
      if (it == expected.end()) {
        Differ(absl::StrCat(bucket, ": stored balance has no entries behind it"));
        continue;
      }
      if (stored.SerializeAsString() != it->second.SerializeAsString()) {
        Differ(absl::StrCat(bucket, ": stored {", stored.ShortDebugString(),
                            "} but the entries give {", it->second.ShortDebugString(), "}"));
      }
      expected.erase(it);
    }
    if (!cursor->status().ok()) {
      return DamageOrError(cursor->status(), absl::StrCat("balances of account ", number));
    }
    for (const auto& [key, record] : expected) {
      Differ(absl::StrCat("account ", number, " sector ", key.first, " level ", key.second,
                          ": no stored balance, the entries give {", record.ShortDebugString(),
                          "}"));
    }
    return absl::OkStatus();
  }

  absl::Status CompareExpiry(uint64_t account,
                             std::map<uint64_t, storage::v1::ExpiryRecord>& expected) {
    const std::string prefix = storage::AccountPrefix(account);
    std::unique_ptr<storage::Cursor> cursor = store_.Scan(
        Table::kExpiry, prefix, storage::PrefixUpperBound(prefix), snapshot_);
    for (; cursor->Valid(); cursor->Next()) {
      std::optional<uint64_t> entry_id = storage::ReadUint64(cursor->key(), 8);
      auto it = entry_id ? expected.find(*entry_id) : expected.end();
      if (it == expected.end() ||
          it->second.SerializeAsString() != cursor->value()) {
        Differ(absl::StrCat("unexpected expiry record for entry ", entry_id.value_or(0)));
        continue;
      }
      expected.erase(it);
    }
    RETURN_IF_ERROR(cursor->status());
    for (const auto& [entry_id, record] : expected) {
      Differ(absl::StrCat("entry ", entry_id, " has a valid_until but no expiry record"));
    }
    return absl::OkStatus();
  }

  // Balance and expiry rows of accounts that have no entries at all.
  absl::Status CheckStrayRows(Table table, absl::string_view what) {
    std::unique_ptr<storage::Cursor> cursor = store_.Scan(table, "", "", snapshot_);
    for (; cursor->Valid(); cursor->Next()) {
      std::optional<uint64_t> account = storage::ReadUint64(cursor->key(), 0);
      if (!account || !std::binary_search(accounts_with_entries_.begin(),
                                          accounts_with_entries_.end(), *account)) {
        Differ(absl::StrCat("a ", what, " of account ",
                            account ? FormatAccountNumber(*account) : "?",
                            " exists without any entry"));
      }
    }
    return cursor->status().ok() ? absl::OkStatus()
                                 : DamageOrError(cursor->status(), TableName(table));
  }

  absl::Status CheckAccounts() {
    std::unique_ptr<storage::Cursor> cursor = store_.Scan(Table::kAccounts, "", "", snapshot_);
    for (; cursor->Valid(); cursor->Next()) {
      ++report_.accounts_checked;
      storage::v1::AccountRecord record;
      std::optional<uint64_t> number = storage::ReadUint64(cursor->key(), 0);
      if (!number || !record.ParseFromString(std::string(cursor->value())) ||
          record.account_number() != FormatAccountNumber(*number)) {
        Differ("an account record is damaged");
        continue;
      }
      ASSIGN_OR_RETURN(std::optional<std::string> indexed,
                       Get(Table::kIdentityIndex, record.identity_hmac()));
      if (!indexed || storage::ReadUint64Value(*indexed) != *number) {
        Differ(absl::StrCat("account ", record.account_number(),
                            " is missing from the identity index"));
      }
    }
    return cursor->status();
  }

  absl::Status CheckIdentityIndex() {
    std::unique_ptr<storage::Cursor> cursor =
        store_.Scan(Table::kIdentityIndex, "", "", snapshot_);
    for (; cursor->Valid(); cursor->Next()) {
      std::optional<uint64_t> number = storage::ReadUint64Value(cursor->value());
      ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                       number ? Get(Table::kAccounts, storage::AccountKey(*number))
                              : absl::StatusOr<std::optional<std::string>>(std::nullopt));
      storage::v1::AccountRecord record;
      if (!bytes || !record.ParseFromString(*bytes) ||
          record.identity_hmac() != cursor->key()) {
        Differ("an identity index row names no matching account");
      }
    }
    return cursor->status();
  }

  absl::Status CheckIdempotency() {
    std::unique_ptr<storage::Cursor> cursor = store_.Scan(Table::kIdempotency, "", "", snapshot_);
    for (; cursor->Valid(); cursor->Next()) {
      storage::v1::IdempotencyRecord record;
      if (!record.ParseFromString(std::string(cursor->value()))) {
        Differ("an idempotency record is damaged");
        continue;
      }
      ASSIGN_OR_RETURN(std::optional<ledger::v1::Entry> entry, ReadEntry(record.entry_id()));
      if (!entry || storage::IdempotencyKey(entry->institution_code(),
                                            entry->outcome().request_id()) != cursor->key()) {
        Differ(absl::StrCat("idempotency record for entry ", record.entry_id(),
                            " does not match that entry"));
      }
    }
    return cursor->status();
  }

  const storage::Store& store_;
  const storage::Snapshot* snapshot_;
  const tlog::LeafHasher* const leaf_hasher_;
  tlog::Frontier log_;       // rebuilt from the entries
  bool log_broken_ = false;  // entry ids jumped: the rebuilt log means nothing
  ConsistencyReport report_;
  std::vector<uint64_t> accounts_with_entries_;  // ascending
};

}  // namespace

absl::StatusOr<ConsistencyReport> CheckConsistency(const storage::Store& store,
                                                   const tlog::LeafHasher* leaf_hasher) {
  std::unique_ptr<storage::Snapshot> snapshot = store.TakeSnapshot();
  Checker checker(store, snapshot.get(), leaf_hasher);
  return checker.Run();
}

}  // namespace creditbank::domain
