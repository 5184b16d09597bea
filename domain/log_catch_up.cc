#include "domain/log_catch_up.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "creditbank/ledger/v1/ledger.pb.h"
#include "domain/tlog/frontier.h"
#include "storage/keys.h"

namespace creditbank::domain {
namespace {

using storage::Table;

// Stages the frontier and the counters, and commits (synced).
absl::Status CommitProgress(storage::Store& store, storage::WriteBatch& batch,
                            const tlog::Frontier& frontier,
                            storage::v1::SequencerState& state) {
  state.set_log_tree_size(frontier.size());
  state.mutable_log_frontier()->Assign(frontier.hashes().begin(), frontier.hashes().end());
  batch.Put(Table::kMeta, storage::kSequencerStateKey, state.SerializeAsString());
  RETURN_IF_ERROR(store.Commit(batch));
  batch.Clear();
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<storage::v1::SequencerState> CatchUpLog(storage::Store& store,
                                                       const tlog::LeafHasher& leaf_hasher,
                                                       storage::v1::SequencerState state) {
  const uint64_t entries = state.next_entry_id() - 1;
  if (state.log_tree_size() > entries) {
    return absl::DataLossError(absl::StrCat("the transparency log has ", state.log_tree_size(),
                                            " leaves but the ledger only ", entries,
                                            " entries"));
  }
  ASSIGN_OR_RETURN(tlog::Frontier frontier,
                   tlog::Frontier::Restore(state.log_tree_size(),
                                           {state.log_frontier().begin(),
                                            state.log_frontier().end()}));
  if (frontier.size() == entries) return state;
  storage::WriteBatch batch = store.NewBatch();
  std::unique_ptr<storage::Cursor> cursor =
      store.Scan(Table::kEntries, storage::EntryKey(frontier.size() + 1), "");
  for (; cursor->Valid() && frontier.size() < entries; cursor->Next()) {
    ledger::v1::Entry entry;
    if (!entry.ParseFromArray(cursor->value().data(), static_cast<int>(cursor->value().size())) ||
        entry.entry_id() != frontier.size() + 1) {
      return absl::DataLossError(
          absl::StrCat("stored entry ", frontier.size() + 1, " is damaged or missing"));
    }
    for (tlog::LogNode& node : frontier.Append(leaf_hasher.LeafHashOf(entry))) {
      batch.Put(Table::kLog, storage::LogNodeKey(node.level, node.index), node.hash);
    }
    if (frontier.size() % kLogCatchUpBatchEntries == 0) {
      RETURN_IF_ERROR(CommitProgress(store, batch, frontier, state));
    }
  }
  RETURN_IF_ERROR(cursor->status());
  if (frontier.size() != entries) {
    return absl::DataLossError(absl::StrCat("the ledger's entries end at ", frontier.size(),
                                            ", not at ", entries));
  }
  RETURN_IF_ERROR(CommitProgress(store, batch, frontier, state));
  return state;
}

}  // namespace creditbank::domain
