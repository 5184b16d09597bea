// TransparencyLog: the read side of the ledger's transparency log
// (creditbank.log.v1). The sequencer appends a leaf per entry in the
// entry's own batch (unit_of_work.h); this class signs tree heads and
// serves inclusion and consistency proofs from what has committed.
//
// Nothing is served unchecked. The committed frontier (in the sequencer's
// state, written atomically with the entries) is the trusted root; leaves
// are recomputed from the stored entries, interior nodes read from the log
// table, and every proof is verified against that root before it is
// returned. A damaged node or entry is DATA_LOSS, never a wrong proof.
//
//   ASSIGN_OR_RETURN(auto log, TransparencyLog::Create(store, hasher, "bank.example.cn/log",
//                                                      keys.log_signing_seed, committed));
//   ASSIGN_OR_RETURN(log::v1::Checkpoint head, log->GetCheckpoint());
#ifndef CREDITBANK_DOMAIN_TRANSPARENCY_LOG_H_
#define CREDITBANK_DOMAIN_TRANSPARENCY_LOG_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "creditbank/log/v1/log.pb.h"
#include "creditbank/storage/v1/records.pb.h"
#include "domain/log_client.h"
#include "domain/tlog/checkpoint.h"
#include "domain/tlog/leaf.h"
#include "storage/store.h"

namespace creditbank::domain {

// The origin (and note key name) when the operator names none: a
// checkpoint's first line, which verifiers pin. A real deployment sets its
// own, e.g. "creditbank.cq.gov.cn/log" (creditbankd --log_origin).
inline constexpr absl::string_view kDefaultLogOrigin = "creditbank.local/log";

class TransparencyLog final : public LogClient {
 public:
  using CommittedState = std::function<storage::v1::SequencerState()>;

  // `committed_state` returns the sequencer's last committed counters.
  // INVALID_ARGUMENT when the origin is not a valid note name or the seed
  // is not 32 bytes.
  static absl::StatusOr<std::unique_ptr<TransparencyLog>> Create(
      const storage::Store& store, const tlog::LeafHasher& leaf_hasher, std::string origin,
      absl::string_view signing_seed, CommittedState committed_state);

  const tlog::NoteVerifierKey& verifier_key() const { return signer_.verifier_key(); }

  // The signed checkpoint of the committed tree.
  absl::StatusOr<log::v1::Checkpoint> GetCheckpoint() const override;
  // INVALID_ARGUMENT without an entry id; NOT_FOUND (ENTRY_NOT_FOUND) for
  // an entry not yet in the log; OUT_OF_RANGE (TREE_SIZE_BEYOND_LOG) for a
  // tree size the log has not reached; INVALID_ARGUMENT for a tree size
  // below the entry's.
  absl::StatusOr<log::v1::InclusionProof> GetInclusionProof(
      const log::v1::GetInclusionProofRequest& request) const override;
  // INVALID_ARGUMENT unless 1 <= first <= second; OUT_OF_RANGE past the log.
  absl::StatusOr<log::v1::ConsistencyProof> GetConsistencyProof(
      const log::v1::GetConsistencyProofRequest& request) const override;

 private:
  TransparencyLog(const storage::Store& store, const tlog::LeafHasher& leaf_hasher,
                  tlog::NoteSigner signer, CommittedState committed_state)
      : store_(store),
        leaf_hasher_(leaf_hasher),
        signer_(std::move(signer)),
        committed_state_(std::move(committed_state)) {}

  struct Head {
    uint64_t size = 0;
    std::string root;
  };
  // The committed tree's size and root, from its frontier.
  absl::StatusOr<Head> CommittedHead() const;
  // The root of `size` <= head.size, from stored nodes, proven consistent
  // with the committed head (DATA_LOSS when it is not).
  absl::StatusOr<std::string> CheckedRoot(uint64_t size, const Head& head) const;

  const storage::Store& store_;
  const tlog::LeafHasher& leaf_hasher_;
  const tlog::NoteSigner signer_;
  const CommittedState committed_state_;
  // The last checkpoint signed: signing again for the same tree is waste.
  mutable absl::Mutex mutex_;
  mutable log::v1::Checkpoint last_checkpoint_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_TRANSPARENCY_LOG_H_
