#include "domain/tlog/frontier.h"

#include <utility>

#include "absl/numeric/bits.h"
#include "absl/strings/str_cat.h"
#include "domain/tlog/merkle.h"

namespace creditbank::domain::tlog {

absl::StatusOr<Frontier> Frontier::Restore(uint64_t size, std::vector<std::string> hashes) {
  if (hashes.size() != static_cast<size_t>(absl::popcount(size))) {
    return absl::DataLossError(absl::StrCat("the log frontier of ", size, " leaves holds ",
                                            hashes.size(), " hashes, not ",
                                            absl::popcount(size)));
  }
  for (const std::string& hash : hashes) {
    if (hash.size() != kHashBytes) {
      return absl::DataLossError("the log frontier holds a hash that is not 32 bytes");
    }
  }
  return Frontier(size, std::move(hashes));
}

std::vector<LogNode> Frontier::Append(std::string leaf_hash) {
  std::vector<LogNode> completed;
  const uint64_t index = size_;
  std::string carry = std::move(leaf_hash);
  // Each trailing one bit of the new leaf's index is a perfect subtree
  // of the same size just to its left: merge with it, one level up.
  for (int level = 0; (index >> level) & 1; ++level) {
    carry = NodeHash(hashes_.back(), carry);
    hashes_.pop_back();
    completed.push_back({level + 1, index >> (level + 1), carry});
  }
  hashes_.push_back(std::move(carry));
  ++size_;
  return completed;
}

std::string Frontier::RootHash() const {
  if (hashes_.empty()) return EmptyRootHash();
  // RFC 9162's split at the largest power of two: the largest subtree is
  // the left child of the root, the rest (folded the same way) the right.
  std::string root = hashes_.back();
  for (size_t i = hashes_.size() - 1; i-- > 0;) root = NodeHash(hashes_[i], root);
  return root;
}

}  // namespace creditbank::domain::tlog
