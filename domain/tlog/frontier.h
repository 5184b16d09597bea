// Frontier: the right edge of an append-only Merkle tree (RFC 9162 §2.1)
// in O(log n) hashes: the roots of the perfect subtrees that make up a
// tree of `size` leaves, one per bit set in `size`, largest first. Enough
// to append leaves and to compute the root; the log keeps it with the
// sequencer's counters, so the root it signs is exactly what committed.
//
//   Frontier frontier;
//   for (const std::string& leaf : leaves) {
//     for (const LogNode& node : frontier.Append(LeafHash(leaf))) Store(node);
//   }
//   std::string root = frontier.RootHash();
#ifndef CREDITBANK_DOMAIN_TLOG_FRONTIER_H_
#define CREDITBANK_DOMAIN_TLOG_FRONTIER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace creditbank::domain::tlog {

// A complete subtree: the hash of leaves [index << level, (index + 1) << level).
struct LogNode {
  int level = 0;
  uint64_t index = 0;
  std::string hash;
};

class Frontier {
 public:
  Frontier() = default;
  // A stored frontier. DATA_LOSS unless there is one 32-byte hash per bit
  // set in `size`.
  static absl::StatusOr<Frontier> Restore(uint64_t size, std::vector<std::string> hashes);

  uint64_t size() const { return size_; }
  const std::vector<std::string>& hashes() const { return hashes_; }

  // Appends one leaf (its hash, H(0x00 || leaf)); returns the subtrees of
  // level 1 and up that it completed, lowest first (each is stored once,
  // for proofs). Level 0 nodes are the leaves themselves, recomputed from
  // the entries when needed.
  std::vector<LogNode> Append(std::string leaf_hash);

  // MTH of the whole tree (H("") when empty).
  std::string RootHash() const;

 private:
  Frontier(uint64_t size, std::vector<std::string> hashes)
      : size_(size), hashes_(std::move(hashes)) {}

  uint64_t size_ = 0;
  std::vector<std::string> hashes_;
};

}  // namespace creditbank::domain::tlog

#endif  // CREDITBANK_DOMAIN_TLOG_FRONTIER_H_
