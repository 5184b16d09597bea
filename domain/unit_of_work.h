// UnitOfWork: the state one sequencer group reads and the writes it stages.
// Reads see the writes staged earlier in the same group (so two requests
// with the same request id in one group are still one entry), then those
// of the previous group when it may still be committing (the sequencer
// applies a group while the one before it commits), then the store. The
// writes go to one storage::WriteBatch that the sequencer commits
// atomically.
//
// Commands use it as check-then-stage: read and check everything first,
// and stage writes only once the command is known to succeed, so a failed
// command leaves nothing behind.
#ifndef CREDITBANK_DOMAIN_UNIT_OF_WORK_H_
#define CREDITBANK_DOMAIN_UNIT_OF_WORK_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <tuple>
#include <unordered_map>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "creditbank/admin/v1/admin.pb.h"
#include "creditbank/institutions/v1/institutions.pb.h"
#include "creditbank/ledger/v1/ledger.pb.h"
#include "creditbank/storage/v1/records.pb.h"
#include "domain/tlog/frontier.h"
#include "domain/tlog/leaf.h"
#include "storage/store.h"

namespace creditbank::domain {

namespace records = ::creditbank::storage::v1;

class UnitOfWork {
 public:
  // `previous`: the group applied just before, whose batch may not be
  // committed yet; it must outlive this one's Apply. Null when committed.
  // `leaf_hasher` makes each appended entry's transparency log leaf; the
  // state's log frontier must be well formed (Sequencer::Start checks it).
  UnitOfWork(const storage::Store& store, storage::WriteBatch& batch,
             records::SequencerState state, absl::Time now, const tlog::LeafHasher& leaf_hasher,
             const UnitOfWork* previous = nullptr);

  absl::Time now() const { return now_; }
  // The counters as they will be once this group commits.
  const records::SequencerState& state() const { return state_; }

  // Reads; nullptr / nullopt when absent.
  absl::StatusOr<const records::AccountRecord*> FindAccount(uint64_t account_number);
  absl::StatusOr<std::optional<uint64_t>> FindAccountByIdentity(absl::string_view hmac);
  absl::StatusOr<const institutions::v1::Institution*> FindInstitution(absl::string_view code);
  absl::StatusOr<std::optional<records::IdempotencyRecord>> FindRequest(absl::string_view key);
  absl::StatusOr<const ledger::v1::Entry*> FindEntry(uint64_t entry_id);
  absl::StatusOr<std::optional<uint64_t>> FindReversal(uint64_t entry_id);

  // Rows of the tables the core's commands do not model (rules,
  // conversions), as stored bytes; later commands of the group and the
  // next group see the staged ones.
  absl::StatusOr<std::optional<std::string>> FindRow(storage::Table table,
                                                     absl::string_view key);

  // Staged writes.
  void PutRow(storage::Table table, absl::string_view key, std::string value);
  void DeleteRow(storage::Table table, absl::string_view key);
  void PutAccount(uint64_t account_number, const records::AccountRecord& record);
  void PutIdentity(absl::string_view hmac, uint64_t account_number);
  void PutInstitution(const institutions::v1::Institution& institution);
  void PutRequest(absl::string_view key, const records::IdempotencyRecord& record);
  uint64_t AllocateAccountSerial();
  // Assigns the next entry id, stages the entry and its account index, and
  // appends its leaf to the transparency log (the log nodes it completes
  // go into the same batch; the frontier into the state).
  uint64_t AppendEntry(uint64_t account_number, ledger::v1::Entry entry);
  void PutReversal(uint64_t reversed_entry_id, uint64_t reversal_entry_id);
  // Assigns the next audit id and the group's time, stages the record.
  uint64_t AppendAudit(admin::v1::AuditRecord record);
  void PutExpiry(uint64_t account_number, uint64_t entry_id, const records::ExpiryRecord& record);
  void DeleteExpiry(uint64_t account_number, uint64_t entry_id);
  // The group's change to one balance bucket, merged into the stored
  // balance when the group commits (see storage/balance_merge.h): staging
  // a balance change never reads, so it cannot fail.
  records::BalanceRecord& BalanceDelta(uint64_t account_number, uint32_t sector,
                                       uint32_t framework_level);

  // Stages the balance deltas and the sequencer state. Call once, last.
  void Finish();

 private:
  using BucketKey = std::tuple<uint64_t, uint32_t, uint32_t>;

  // The value of `key` in this group's `map`, else in the previous
  // group's, else nullptr.
  template <typename Map, typename Key>
  const typename Map::mapped_type* Staged(Map UnitOfWork::*map, const Key& key) const;

  const storage::Store& store_;
  storage::WriteBatch& batch_;
  records::SequencerState state_;
  const absl::Time now_;
  const UnitOfWork* const previous_;
  const tlog::LeafHasher& leaf_hasher_;
  tlog::Frontier log_;
  bool state_changed_ = false;

  // Read (or written) records, so each is read from the store once.
  std::unordered_map<uint64_t, records::AccountRecord> accounts_;
  std::unordered_map<std::string, std::optional<uint64_t>> identities_;
  std::unordered_map<std::string, std::optional<institutions::v1::Institution>> institutions_;
  std::unordered_map<uint64_t, ledger::v1::Entry> entries_;
  // Written by this group only.
  std::unordered_map<std::string, records::IdempotencyRecord> staged_requests_;
  std::unordered_map<uint64_t, std::string> staged_entries_;  // serialized
  std::unordered_map<uint64_t, uint64_t> staged_reversals_;
  std::map<BucketKey, records::BalanceRecord> balances_;  // this group's deltas
  std::map<std::pair<storage::Table, std::string>, std::optional<std::string>> staged_rows_;
};

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_UNIT_OF_WORK_H_
