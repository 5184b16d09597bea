// Merkle tree hashing, inclusion and consistency proofs exactly as RFC 9162
// §2.1 (same as RFC 6962 §2.1): SHA-256, leaf hash = H(0x00 || leaf), node
// hash = H(0x01 || left || right), the root of n > 1 leaves splits at the
// largest power of two below n.
//
// The tree's stored form is its complete subtrees: NodeSource::Node(level,
// index) is the hash of the 2^level leaves starting at index * 2^level.
// An append-only log stores each such node once it is complete, so roots
// and proofs for any size need O(log n) stored nodes.
//
//   ASSIGN_OR_RETURN(std::string root, RootHash(nodes, size));
//   ASSIGN_OR_RETURN(auto proof, InclusionProof(nodes, index, size));
//   RETURN_IF_ERROR(VerifyInclusion(LeafHash(bytes), index, size, proof, root));
#ifndef CREDITBANK_DOMAIN_TLOG_MERKLE_H_
#define CREDITBANK_DOMAIN_TLOG_MERKLE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace creditbank::domain::tlog {

inline constexpr size_t kHashBytes = 32;  // SHA-256
// Levels of a tree of up to 2^63 leaves (tree sizes are uint64).
inline constexpr int kMaxLevel = 63;
// A proof for a tree of at most 2^64 leaves has at most 64 hashes (65 for
// a consistency proof whose first size is a power of two, counted by the
// verifier's prepended hash).
inline constexpr size_t kMaxProofHashes = 64;

// H(0x00 || leaf), H(0x01 || left || right), and the root of no leaves,
// H("").
std::string LeafHash(absl::string_view leaf);
std::string NodeHash(absl::string_view left, absl::string_view right);
std::string EmptyRootHash();

// Where complete subtree hashes come from (a store, or memory).
class NodeSource {
 public:
  virtual ~NodeSource() = default;
  // The hash of leaves [index << level, (index + 1) << level), which must
  // all exist. DATA_LOSS when a stored node is missing or damaged.
  virtual absl::StatusOr<std::string> Node(int level, uint64_t index) const = 0;
};

// MTH of the first `tree_size` leaves.
absl::StatusOr<std::string> RootHash(const NodeSource& nodes, uint64_t tree_size);

// PATH(index, D[tree_size]) of RFC 9162 §2.1.3.1, leaf to root.
// INVALID_ARGUMENT unless index < tree_size.
absl::StatusOr<std::vector<std::string>> InclusionProof(const NodeSource& nodes, uint64_t index,
                                                        uint64_t tree_size);

// PROOF(first, D[second]) of RFC 9162 §2.1.4.1. INVALID_ARGUMENT unless
// 0 < first <= second; empty when first == second.
absl::StatusOr<std::vector<std::string>> ConsistencyProof(const NodeSource& nodes,
                                                          uint64_t first, uint64_t second);

// RFC 9162 §2.1.3.2. OK, or INVALID_ARGUMENT saying what did not hold
// (index beyond the tree, a proof of the wrong length or a hash of the
// wrong size, a root that does not match).
absl::Status VerifyInclusion(absl::string_view leaf_hash, uint64_t index, uint64_t tree_size,
                             absl::Span<const std::string> proof, absl::string_view root);

// RFC 9162 §2.1.4.2, for 0 < first <= second (first == second: the proof
// must be empty and the roots equal).
absl::Status VerifyConsistency(uint64_t first, uint64_t second, absl::string_view first_root,
                               absl::string_view second_root,
                               absl::Span<const std::string> proof);

// A whole tree in memory, from its leaf hashes: the NodeSource of tests,
// of the offline verifier, and of a log's not yet stored tail.
class MemoryTree final : public NodeSource {
 public:
  void AppendLeafHash(std::string leaf_hash);
  uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }
  absl::StatusOr<std::string> Node(int level, uint64_t index) const override;
  // The complete subtree nodes that appending the last leaf completed,
  // level 0 upward (what an append-only store writes with that leaf).
  std::vector<std::pair<int, uint64_t>> CompletedByLastAppend() const;

 private:
  // levels_[l][i]: complete subtree hashes.
  std::vector<std::vector<std::string>> levels_;
};

}  // namespace creditbank::domain::tlog

#endif  // CREDITBANK_DOMAIN_TLOG_MERKLE_H_
