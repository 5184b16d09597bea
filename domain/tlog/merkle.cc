#include "domain/tlog/merkle.h"

#include <cstring>
#include <utility>

#include "absl/numeric/bits.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "domain/crypto/primitives.h"

namespace creditbank::domain::tlog {
namespace {

constexpr char kLeafPrefix = '\x00';
constexpr char kNodePrefix = '\x01';

// The largest power of two smaller than n (n > 1): RFC 9162's k.
uint64_t SplitPoint(uint64_t n) { return uint64_t{1} << (63 - absl::countl_zero(n - 1)); }

bool IsPowerOfTwo(uint64_t n) { return n != 0 && (n & (n - 1)) == 0; }

// MTH(D[begin:end]) for a range the tree's own recursion produces: every
// power-of-two piece of it starts at a multiple of its size, so it is one
// stored complete subtree.
absl::StatusOr<std::string> RangeHash(const NodeSource& nodes, uint64_t begin, uint64_t end) {
  const uint64_t size = end - begin;
  if (IsPowerOfTwo(size) && begin % size == 0) {
    const int level = absl::countr_zero(size);
    return nodes.Node(level, begin >> level);
  }
  const uint64_t k = SplitPoint(size);
  ASSIGN_OR_RETURN(std::string left, RangeHash(nodes, begin, begin + k));
  ASSIGN_OR_RETURN(std::string right, RangeHash(nodes, begin + k, end));
  return NodeHash(left, right);
}

// PATH(index, D[begin:end]), leaf to root.
absl::Status Path(const NodeSource& nodes, uint64_t index, uint64_t begin, uint64_t end,
                  std::vector<std::string>& proof) {
  if (end - begin <= 1) return absl::OkStatus();
  const uint64_t k = SplitPoint(end - begin);
  std::string sibling;
  if (index < begin + k) {
    RETURN_IF_ERROR(Path(nodes, index, begin, begin + k, proof));
    ASSIGN_OR_RETURN(sibling, RangeHash(nodes, begin + k, end));
  } else {
    RETURN_IF_ERROR(Path(nodes, index, begin + k, end, proof));
    ASSIGN_OR_RETURN(sibling, RangeHash(nodes, begin, begin + k));
  }
  proof.push_back(std::move(sibling));
  return absl::OkStatus();
}

// SUBPROOF(m, D[begin:end], whole_first): m leaves of this range are in
// the first tree.
absl::Status Subproof(const NodeSource& nodes, uint64_t m, uint64_t begin, uint64_t end,
                      bool whole_first, std::vector<std::string>& proof) {
  const uint64_t n = end - begin;
  if (m == n) {
    if (!whole_first) {
      ASSIGN_OR_RETURN(std::string hash, RangeHash(nodes, begin, end));
      proof.push_back(std::move(hash));
    }
    return absl::OkStatus();
  }
  const uint64_t k = SplitPoint(n);
  std::string sibling;
  if (m <= k) {
    RETURN_IF_ERROR(Subproof(nodes, m, begin, begin + k, whole_first, proof));
    ASSIGN_OR_RETURN(sibling, RangeHash(nodes, begin + k, end));
  } else {
    RETURN_IF_ERROR(Subproof(nodes, m - k, begin + k, end, false, proof));
    ASSIGN_OR_RETURN(sibling, RangeHash(nodes, begin, begin + k));
  }
  proof.push_back(std::move(sibling));
  return absl::OkStatus();
}

absl::Status CheckHashSize(absl::string_view hash, absl::string_view what) {
  if (hash.size() != kHashBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " has ", hash.size(), " bytes, not ", kHashBytes));
  }
  return absl::OkStatus();
}

absl::Status CheckProofHashes(absl::Span<const std::string> proof) {
  if (proof.size() > kMaxProofHashes) {
    return absl::InvalidArgumentError(
        absl::StrCat("the proof has ", proof.size(), " hashes, more than any tree needs"));
  }
  for (size_t i = 0; i < proof.size(); ++i) {
    RETURN_IF_ERROR(CheckHashSize(proof[i], absl::StrCat("proof hash ", i)));
  }
  return absl::OkStatus();
}

// Shifts fn and sn right until fn's lowest bit is set or fn is 0.
void ShiftWhileEven(uint64_t& fn, uint64_t& sn) {
  while ((fn & 1) == 0 && fn != 0) {
    fn >>= 1;
    sn >>= 1;
  }
}

}  // namespace

std::string LeafHash(absl::string_view leaf) {
  unsigned char digest[kSha256Bytes];
  Sha256Of({absl::string_view(&kLeafPrefix, 1), leaf}, digest);
  return std::string(reinterpret_cast<const char*>(digest), kSha256Bytes);
}

std::string NodeHash(absl::string_view left, absl::string_view right) {
  unsigned char digest[kSha256Bytes];
  Sha256Of({absl::string_view(&kNodePrefix, 1), left, right}, digest);
  return std::string(reinterpret_cast<const char*>(digest), kSha256Bytes);
}

std::string EmptyRootHash() { return Sha256(""); }

absl::StatusOr<std::string> RootHash(const NodeSource& nodes, uint64_t tree_size) {
  if (tree_size == 0) return EmptyRootHash();
  return RangeHash(nodes, 0, tree_size);
}

absl::StatusOr<std::vector<std::string>> InclusionProof(const NodeSource& nodes, uint64_t index,
                                                        uint64_t tree_size) {
  if (index >= tree_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("leaf ", index, " is not in a tree of ", tree_size, " leaves"));
  }
  std::vector<std::string> proof;
  RETURN_IF_ERROR(Path(nodes, index, 0, tree_size, proof));
  return proof;
}

absl::StatusOr<std::vector<std::string>> ConsistencyProof(const NodeSource& nodes,
                                                          uint64_t first, uint64_t second) {
  if (first == 0 || first > second) {
    return absl::InvalidArgumentError(absl::StrCat("no consistency proof from a tree of ", first,
                                                   " leaves to one of ", second));
  }
  std::vector<std::string> proof;
  RETURN_IF_ERROR(Subproof(nodes, first, 0, second, true, proof));
  return proof;
}

absl::Status VerifyInclusion(absl::string_view leaf_hash, uint64_t index, uint64_t tree_size,
                             absl::Span<const std::string> proof, absl::string_view root) {
  if (index >= tree_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("leaf index ", index, " is not below the tree size ", tree_size));
  }
  RETURN_IF_ERROR(CheckHashSize(leaf_hash, "the leaf hash"));
  RETURN_IF_ERROR(CheckHashSize(root, "the root hash"));
  RETURN_IF_ERROR(CheckProofHashes(proof));
  uint64_t fn = index;
  uint64_t sn = tree_size - 1;
  // r is hashed in place (NodeHash without a string per level): OpenSSL
  // reads all of its input before it writes the digest.
  unsigned char r[kHashBytes];
  std::memcpy(r, leaf_hash.data(), kHashBytes);
  const absl::string_view node_prefix(&kNodePrefix, 1);
  const absl::string_view current(reinterpret_cast<const char*>(r), kHashBytes);
  for (const std::string& p : proof) {
    if (sn == 0) return absl::InvalidArgumentError("the inclusion proof is too long");
    if ((fn & 1) == 1 || fn == sn) {
      Sha256Of({node_prefix, p, current}, r);
      ShiftWhileEven(fn, sn);
    } else {
      Sha256Of({node_prefix, current, p}, r);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return absl::InvalidArgumentError("the inclusion proof is too short");
  if (current != root) {
    return absl::InvalidArgumentError("the inclusion proof leads to another root hash");
  }
  return absl::OkStatus();
}

absl::Status VerifyConsistency(uint64_t first, uint64_t second, absl::string_view first_root,
                               absl::string_view second_root,
                               absl::Span<const std::string> proof) {
  if (first == 0 || first > second) {
    return absl::InvalidArgumentError(absl::StrCat("no consistency between a tree of ", first,
                                                   " leaves and one of ", second));
  }
  RETURN_IF_ERROR(CheckHashSize(first_root, "the first root hash"));
  RETURN_IF_ERROR(CheckHashSize(second_root, "the second root hash"));
  RETURN_IF_ERROR(CheckProofHashes(proof));
  if (first == second) {
    if (!proof.empty()) {
      return absl::InvalidArgumentError("a proof between equal sizes must be empty");
    }
    if (first_root != second_root) {
      return absl::InvalidArgumentError("two trees of the same size have different roots");
    }
    return absl::OkStatus();
  }
  if (proof.empty()) return absl::InvalidArgumentError("the consistency proof is empty");
  // A first tree that is a complete subtree is its own first node.
  std::vector<std::string> path;
  if (IsPowerOfTwo(first)) path.emplace_back(first_root);
  path.insert(path.end(), proof.begin(), proof.end());

  uint64_t fn = first - 1;
  uint64_t sn = second - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  std::string fr = path[0];
  std::string sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const std::string& c = path[i];
    if (sn == 0) return absl::InvalidArgumentError("the consistency proof is too long");
    if ((fn & 1) == 1 || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      ShiftWhileEven(fn, sn);
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return absl::InvalidArgumentError("the consistency proof is too short");
  if (fr != first_root) {
    return absl::InvalidArgumentError("the consistency proof leads to another first root");
  }
  if (sr != second_root) {
    return absl::InvalidArgumentError("the consistency proof leads to another second root");
  }
  return absl::OkStatus();
}

void MemoryTree::AppendLeafHash(std::string leaf_hash) {
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].push_back(std::move(leaf_hash));
  // Each level whose count became even completed a node one level up.
  for (size_t level = 0; levels_[level].size() % 2 == 0; ++level) {
    const std::vector<std::string>& row = levels_[level];
    std::string parent = NodeHash(row[row.size() - 2], row[row.size() - 1]);
    if (levels_.size() == level + 1) levels_.emplace_back();
    levels_[level + 1].push_back(std::move(parent));
  }
}

absl::StatusOr<std::string> MemoryTree::Node(int level, uint64_t index) const {
  if (level < 0 || static_cast<size_t>(level) >= levels_.size() ||
      index >= levels_[level].size()) {
    return absl::DataLossError(
        absl::StrCat("no complete subtree at level ", level, " index ", index));
  }
  return levels_[level][index];
}

std::vector<std::pair<int, uint64_t>> MemoryTree::CompletedByLastAppend() const {
  std::vector<std::pair<int, uint64_t>> completed;
  if (size() == 0) return completed;
  uint64_t index = size() - 1;
  int level = 0;
  completed.emplace_back(level, index);
  while ((index & 1) == 1) {
    index >>= 1;
    ++level;
    completed.emplace_back(level, index);
  }
  return completed;
}

}  // namespace creditbank::domain::tlog
