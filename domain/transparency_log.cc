#include "domain/transparency_log.h"

#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "creditbank/ledger/v1/ledger.pb.h"
#include "domain/errors.h"
#include "domain/tlog/frontier.h"
#include "domain/tlog/merkle.h"
#include "storage/keys.h"

namespace creditbank::domain {
namespace {

using storage::Table;

absl::Status Damaged(absl::string_view what) {
  return absl::DataLossError(
      absl::StrCat("the transparency log's stored data is damaged (", what,
                   "); nothing was served. Run `cbctl admin check` and restore from a backup"));
}

absl::StatusOr<ledger::v1::Entry> LoadEntry(const storage::Store& store, uint64_t entry_id) {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                   store.Get(Table::kEntries, storage::EntryKey(entry_id)));
  ledger::v1::Entry entry;
  if (!bytes.has_value() || !entry.ParseFromString(*bytes) || entry.entry_id() != entry_id) {
    return Damaged(absl::StrCat("entry ", entry_id, " is missing or does not parse"));
  }
  return entry;
}

// The tree as stored: leaves recomputed from their entries (so a changed
// entry changes its leaf), interior nodes from the log table.
class StoredNodes final : public tlog::NodeSource {
 public:
  StoredNodes(const storage::Store& store, const tlog::LeafHasher& leaf_hasher)
      : store_(store), leaf_hasher_(leaf_hasher) {}

  absl::StatusOr<std::string> Node(int level, uint64_t index) const override {
    if (level == 0) {
      ASSIGN_OR_RETURN(ledger::v1::Entry entry, LoadEntry(store_, index + 1));
      return leaf_hasher_.LeafHashOf(entry);
    }
    ASSIGN_OR_RETURN(std::optional<std::string> hash,
                     store_.Get(Table::kLog, storage::LogNodeKey(level, index)));
    if (!hash.has_value() || hash->size() != tlog::kHashBytes) {
      return Damaged(absl::StrCat("node ", level, "/", index, " is missing or not 32 bytes"));
    }
    return *std::move(hash);
  }

 private:
  const storage::Store& store_;
  const tlog::LeafHasher& leaf_hasher_;
};

// The tree size a request names: 0 means the committed one.
absl::StatusOr<uint64_t> RequestedSize(uint64_t requested, uint64_t committed,
                                       absl::string_view field) {
  if (requested == 0) return committed;
  if (requested > committed) {
    return FieldError(absl::StatusCode::kOutOfRange, reason::kTreeSizeBeyondLog, field,
                      absl::StrCat("the log has ", committed, " leaves, not ", requested,
                                   " yet"));
  }
  return requested;
}

}  // namespace

absl::StatusOr<std::unique_ptr<TransparencyLog>> TransparencyLog::Create(
    const storage::Store& store, const tlog::LeafHasher& leaf_hasher, std::string origin,
    absl::string_view signing_seed, CommittedState committed_state) {
  ASSIGN_OR_RETURN(tlog::NoteSigner signer,
                   tlog::NoteSigner::Create(std::move(origin), signing_seed));
  return std::unique_ptr<TransparencyLog>(new TransparencyLog(
      store, leaf_hasher, std::move(signer), std::move(committed_state)));
}

absl::StatusOr<TransparencyLog::Head> TransparencyLog::CommittedHead() const {
  const storage::v1::SequencerState state = committed_state_();
  ASSIGN_OR_RETURN(tlog::Frontier frontier,
                   tlog::Frontier::Restore(state.log_tree_size(),
                                           {state.log_frontier().begin(),
                                            state.log_frontier().end()}));
  return Head{frontier.size(), frontier.RootHash()};
}

absl::StatusOr<std::string> TransparencyLog::CheckedRoot(uint64_t size, const Head& head) const {
  if (size == head.size) return head.root;
  const StoredNodes nodes(store_, leaf_hasher_);
  ASSIGN_OR_RETURN(std::string root, tlog::RootHash(nodes, size));
  ASSIGN_OR_RETURN(std::vector<std::string> proof, tlog::ConsistencyProof(nodes, size, head.size));
  if (!tlog::VerifyConsistency(size, head.size, root, head.root, proof).ok()) {
    return Damaged(absl::StrCat("the tree of ", size, " leaves does not lead to the signed head"));
  }
  return root;
}

absl::StatusOr<log::v1::Checkpoint> TransparencyLog::GetCheckpoint() const {
  ASSIGN_OR_RETURN(const Head head, CommittedHead());
  absl::MutexLock lock(&mutex_);
  if (last_checkpoint_.signed_note().empty() || last_checkpoint_.tree_size() != head.size) {
    const tlog::Checkpoint checkpoint{signer_.verifier_key().name, head.size, head.root};
    ASSIGN_OR_RETURN(std::string note, signer_.Sign(tlog::CheckpointText(checkpoint)));
    last_checkpoint_.set_signed_note(std::move(note));
    last_checkpoint_.set_origin(checkpoint.origin);
    last_checkpoint_.set_tree_size(head.size);
    last_checkpoint_.set_root_hash(head.root);
    last_checkpoint_.set_verifier_key(tlog::FormatNoteVerifierKey(signer_.verifier_key()));
  }
  return last_checkpoint_;
}

absl::StatusOr<log::v1::InclusionProof> TransparencyLog::GetInclusionProof(
    const log::v1::GetInclusionProofRequest& request) const {
  if (request.entry_id() == 0) return InvalidField("entry_id", "required");
  ASSIGN_OR_RETURN(const Head head, CommittedHead());
  if (request.entry_id() > head.size) {
    return FieldError(absl::StatusCode::kNotFound, reason::kEntryNotFound, "entry_id",
                      absl::StrCat("entry ", request.entry_id(), " is not in the log"));
  }
  ASSIGN_OR_RETURN(const uint64_t size, RequestedSize(request.tree_size(), head.size, "tree_size"));
  if (size < request.entry_id()) {
    return InvalidField("tree_size", absl::StrCat("a tree of ", size, " leaves does not hold entry ",
                                                  request.entry_id()));
  }
  const uint64_t index = request.entry_id() - 1;
  ASSIGN_OR_RETURN(ledger::v1::Entry entry, LoadEntry(store_, request.entry_id()));
  log::v1::InclusionProof answer;
  answer.set_entry_id(request.entry_id());
  answer.set_leaf_index(index);
  answer.set_tree_size(size);
  answer.set_leaf(leaf_hasher_.LeafBytes(entry));
  answer.set_leaf_hash(tlog::LeafHash(answer.leaf()));
  const StoredNodes nodes(store_, leaf_hasher_);
  ASSIGN_OR_RETURN(std::vector<std::string> proof, tlog::InclusionProof(nodes, index, size));
  ASSIGN_OR_RETURN(std::string root, CheckedRoot(size, head));
  if (!tlog::VerifyInclusion(answer.leaf_hash(), index, size, proof, root).ok()) {
    return Damaged(absl::StrCat("the proof of entry ", request.entry_id(),
                                " does not reach the signed head"));
  }
  answer.mutable_hashes()->Assign(proof.begin(), proof.end());
  answer.set_root_hash(std::move(root));
  return answer;
}

absl::StatusOr<log::v1::ConsistencyProof> TransparencyLog::GetConsistencyProof(
    const log::v1::GetConsistencyProofRequest& request) const {
  if (request.first_tree_size() == 0) return InvalidField("first_tree_size", "required (1 or more)");
  ASSIGN_OR_RETURN(const Head head, CommittedHead());
  ASSIGN_OR_RETURN(const uint64_t first,
                   RequestedSize(request.first_tree_size(), head.size, "first_tree_size"));
  ASSIGN_OR_RETURN(const uint64_t second,
                   RequestedSize(request.second_tree_size(), head.size, "second_tree_size"));
  if (first > second) {
    return InvalidField("first_tree_size", absl::StrCat("must not exceed the second tree size, ",
                                                        second));
  }
  const StoredNodes nodes(store_, leaf_hasher_);
  ASSIGN_OR_RETURN(std::vector<std::string> proof, tlog::ConsistencyProof(nodes, first, second));
  ASSIGN_OR_RETURN(std::string first_root, CheckedRoot(first, head));
  ASSIGN_OR_RETURN(std::string second_root, CheckedRoot(second, head));
  if (!tlog::VerifyConsistency(first, second, first_root, second_root, proof).ok()) {
    return Damaged(absl::StrCat("the proof from ", first, " to ", second,
                                " leaves does not verify"));
  }
  log::v1::ConsistencyProof answer;
  answer.set_first_tree_size(first);
  answer.set_second_tree_size(second);
  answer.mutable_hashes()->Assign(proof.begin(), proof.end());
  answer.set_first_root_hash(std::move(first_root));
  answer.set_second_root_hash(std::move(second_root));
  return answer;
}

}  // namespace creditbank::domain
