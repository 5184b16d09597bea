// CatchUpLog: brings the transparency log up to the entries a store
// already holds. A store written before the log existed has entries but no
// leaves; on the first start of a build with the log, the sequencer (before
// it takes any command) appends a leaf for each such entry in id order,
// committing every kLogCatchUpBatchEntries entries together with the
// counters, so an interrupted catch-up resumes where it stopped.
#ifndef CREDITBANK_DOMAIN_LOG_CATCH_UP_H_
#define CREDITBANK_DOMAIN_LOG_CATCH_UP_H_

#include <cstddef>

#include "absl/status/statusor.h"
#include "creditbank/storage/v1/records.pb.h"
#include "domain/tlog/leaf.h"
#include "storage/store.h"

namespace creditbank::domain {

// Entries per synced batch while catching up: large enough that the sync
// is cheap beside the hashing, small enough to bound the batch's memory.
inline constexpr size_t kLogCatchUpBatchEntries = 10'000;

// `state` as loaded (next_entry_id checked against the stored entries).
// Returns it with the log covering every entry; writes nothing when it
// already does. DATA_LOSS when the log claims more leaves than there are
// entries, or an entry does not parse or is out of sequence.
absl::StatusOr<storage::v1::SequencerState> CatchUpLog(storage::Store& store,
                                                       const tlog::LeafHasher& leaf_hasher,
                                                       storage::v1::SequencerState state);

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_LOG_CATCH_UP_H_
