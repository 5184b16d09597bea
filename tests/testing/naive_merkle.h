// A deliberately naive Merkle tree, written straight from RFC 9162 §2.1's
// recursive definitions over a list of leaves (MTH, PATH, SUBPROOF), as an
// independent reference for the real one (domain/tlog/merkle.h) and the
// stored log (domain/transparency_log.h). Quadratic: for tests only.
#ifndef CREDITBANK_TESTS_TESTING_NAIVE_MERKLE_H_
#define CREDITBANK_TESTS_TESTING_NAIVE_MERKLE_H_

#include <string>
#include <vector>

#include "domain/crypto/primitives.h"

namespace creditbank::testing::naive {

using Leaves = std::vector<std::string>;

inline Leaves Slice(const Leaves& d, size_t begin, size_t end) {
  return Leaves(d.begin() + static_cast<long>(begin), d.begin() + static_cast<long>(end));
}

inline size_t K(size_t n) {  // the largest power of two smaller than n
  size_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

inline std::string Mth(const Leaves& d) {
  if (d.empty()) return domain::Sha256("");
  if (d.size() == 1) return domain::Sha256(std::string(1, '\0') + d[0]);
  const size_t k = K(d.size());
  return domain::Sha256(std::string(1, '\1') + Mth(Slice(d, 0, k)) +
                        Mth(Slice(d, k, d.size())));
}

inline Leaves Path(size_t m, const Leaves& d) {
  if (d.size() <= 1) return {};
  const size_t k = K(d.size());
  Leaves path;
  if (m < k) {
    path = Path(m, Slice(d, 0, k));
    path.push_back(Mth(Slice(d, k, d.size())));
  } else {
    path = Path(m - k, Slice(d, k, d.size()));
    path.push_back(Mth(Slice(d, 0, k)));
  }
  return path;
}

inline Leaves Subproof(size_t m, const Leaves& d, bool b) {
  if (m == d.size()) return b ? Leaves{} : Leaves{Mth(d)};
  const size_t k = K(d.size());
  Leaves proof;
  if (m <= k) {
    proof = Subproof(m, Slice(d, 0, k), b);
    proof.push_back(Mth(Slice(d, k, d.size())));
  } else {
    proof = Subproof(m - k, Slice(d, k, d.size()), false);
    proof.push_back(Mth(Slice(d, 0, k)));
  }
  return proof;
}

// PROOF(m, D[n]) for the first n leaves of `d`.
inline Leaves Proof(size_t m, const Leaves& d) { return Subproof(m, d, true); }

}  // namespace creditbank::testing::naive

#endif  // CREDITBANK_TESTS_TESTING_NAIVE_MERKLE_H_
