// What cbctl checks in an inclusion proof before it believes it, beyond
// the hashes: that the answer is about the entry and tree asked for, and
// that its leaf is that entry's canonical leaf (docs/transparency-log.md
// §2). A server that answered with another entry's valid proof would
// otherwise get "verified" printed under the wrong entry id.
#ifndef CREDITBANK_CLIENTS_CBCTL_LOG_CHECKS_H_
#define CREDITBANK_CLIENTS_CBCTL_LOG_CHECKS_H_

#include <cstdint>

#include "absl/status/status.h"
#include "creditbank/log/v1/log.pb.h"

namespace creditbank::cbctl {

// OK when `proof` names `entry_id` (leaf index entry_id - 1) in a tree of
// `tree_size`, and its leaf is a JSON object of the known leaf format whose
// entry_id is `entry_id`; DATA_LOSS saying what does not match otherwise.
absl::Status ProvesEntry(const log::v1::InclusionProof& proof, uint64_t entry_id,
                         uint64_t tree_size);

}  // namespace creditbank::cbctl

#endif  // CREDITBANK_CLIENTS_CBCTL_LOG_CHECKS_H_
