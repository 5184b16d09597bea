// CheckConsistency: recomputes every balance, index and counter from the
// ledger entries in one snapshot and lists each difference it finds. It
// never writes. Run online (cbctl admin check) or on a stopped server's
// data directory (creditbankd --check).
//
// Cost: a sequential pass over each table plus four point reads per entry
// (five per reversal; about one more, and a leaf hash, for the log) and
// three per account; memory grows with the number
// of accounts (8 bytes each) and the entries of the largest account, not
// with the number of entries. The snapshot is held for the whole scan.
#ifndef CREDITBANK_DOMAIN_CONSISTENCY_CHECK_H_
#define CREDITBANK_DOMAIN_CONSISTENCY_CHECK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "domain/tlog/leaf.h"
#include "storage/store.h"

namespace creditbank::domain {

struct ConsistencyReport {
  uint64_t entries_checked = 0;
  uint64_t accounts_checked = 0;
  uint64_t difference_count = 0;         // all differences found
  std::vector<std::string> differences;  // the first kMaxReportedDifferences
  bool consistent() const { return difference_count == 0; }
};

// Errors only when the store cannot be read; damage is reported as
// differences. With `leaf_hasher` (made from the key file's identity
// secret) the transparency log is rebuilt from the entries as well: every
// stored node and the committed frontier must match it, so an entry
// changed after it was logged is found. Without it (no key file at hand)
// the log is not checked.
absl::StatusOr<ConsistencyReport> CheckConsistency(const storage::Store& store,
                                                   const tlog::LeafHasher* leaf_hasher);

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_CONSISTENCY_CHECK_H_
