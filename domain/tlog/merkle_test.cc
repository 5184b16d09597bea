// The Merkle tree against RFC 6962's certificate-transparency test vectors
// and against a second, deliberately naive implementation written here
// straight from the RFC's recursive definitions (MTH, PATH, SUBPROOF over
// lists of leaves), for every tree size around the powers of two up to 130.
#include "domain/tlog/merkle.h"

#include <string>
#include <vector>

#include "domain/crypto/primitives.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/naive_merkle.h"
#include "tests/testing/status_matchers.h"

namespace creditbank::domain::tlog {
namespace {

using ::creditbank::testing::IsOk;
using ::creditbank::testing::StatusIs;

std::string Hex(const std::string& bytes) { return HexEncode(bytes); }

std::string FromHex(const std::string& hex) {
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return bytes;
}

// ------------------------------------------------ the naive reference

using ::creditbank::testing::naive::Leaves;
using ::creditbank::testing::naive::Mth;
using ::creditbank::testing::naive::Slice;
using ::creditbank::testing::naive::Subproof;
Leaves NaivePath(size_t m, const Leaves& d) { return ::creditbank::testing::naive::Path(m, d); }
Leaves NaiveSubproof(size_t m, const Leaves& d, bool b) { return Subproof(m, d, b); }

// Leaf n's bytes: distinct, of varying length.
std::string LeafData(size_t n) { return std::string(n % 7, static_cast<char>('a' + n % 26)) + std::to_string(n); }

struct Fixture {
  explicit Fixture(size_t size) {
    for (size_t n = 0; n < size; ++n) {
      leaves.push_back(LeafData(n));
      tree.AppendLeafHash(LeafHash(leaves.back()));
    }
  }
  Leaves leaves;
  MemoryTree tree;
};

// Sizes around every power of two up to 128, and the small ones.
std::vector<uint64_t> InterestingSizes() {
  std::vector<uint64_t> sizes;
  for (uint64_t n = 1; n <= 17; ++n) sizes.push_back(n);
  for (uint64_t p = 32; p <= 128; p *= 2) {
    for (uint64_t n : {p - 1, p, p + 1}) sizes.push_back(n);
  }
  sizes.push_back(130);
  return sizes;
}

// ------------------------------------------------------------------ tests

// RFC 6962's test leaves, as used by the certificate-transparency test
// suites; the roots were also computed independently (python hashlib).
TEST(MerkleTest, CertificateTransparencyTestVectors) {
  const std::vector<std::string> leaves = {"",         "00",       "10",
                                           "2021",     "3031",     "40414243",
                                           "5051525354555657",
                                           "606162636465666768696a6b6c6d6e6f"};
  const std::vector<std::string> roots = {
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};
  MemoryTree tree;
  ASSERT_OK_AND_ASSIGN(std::string empty, RootHash(tree, 0));
  EXPECT_EQ(Hex(empty), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  for (size_t i = 0; i < leaves.size(); ++i) {
    tree.AppendLeafHash(LeafHash(FromHex(leaves[i])));
    ASSERT_OK_AND_ASSIGN(std::string root, RootHash(tree, i + 1));
    EXPECT_EQ(Hex(root), roots[i]) << "size " << i + 1;
  }
}

TEST(MerkleTest, RootsMatchTheNaiveDefinitionForEverySizePrefix) {
  Fixture fixture(130);
  for (uint64_t size = 0; size <= 130; ++size) {
    ASSERT_OK_AND_ASSIGN(std::string root, RootHash(fixture.tree, size));
    EXPECT_EQ(root, Mth(Slice(fixture.leaves, 0, size))) << "size " << size;
  }
}

TEST(MerkleTest, InclusionProofsMatchTheNaiveDefinitionAndVerify) {
  for (uint64_t size : InterestingSizes()) {
    Fixture fixture(size);
    ASSERT_OK_AND_ASSIGN(std::string root, RootHash(fixture.tree, size));
    for (uint64_t index = 0; index < size; ++index) {
      ASSERT_OK_AND_ASSIGN(std::vector<std::string> proof,
                           InclusionProof(fixture.tree, index, size));
      EXPECT_EQ(proof, NaivePath(index, fixture.leaves)) << index << " of " << size;
      const std::string leaf = LeafHash(fixture.leaves[index]);
      EXPECT_THAT(VerifyInclusion(leaf, index, size, proof, root), IsOk())
          << index << " of " << size;
      // Any flipped bit anywhere, another index, a shorter or longer proof: refused.
      for (size_t i = 0; i < proof.size(); ++i) {
        std::vector<std::string> bad = proof;
        bad[i][i % kHashBytes] ^= 0x01;
        EXPECT_FALSE(VerifyInclusion(leaf, index, size, bad, root).ok());
      }
      if (size > 1) {
        EXPECT_FALSE(VerifyInclusion(leaf, (index + 1) % size, size, proof, root).ok());
      }
      if (!proof.empty()) {
        std::vector<std::string> shorter(proof.begin(), proof.end() - 1);
        EXPECT_FALSE(VerifyInclusion(leaf, index, size, shorter, root).ok());
      }
      std::vector<std::string> longer = proof;
      longer.push_back(root);
      EXPECT_FALSE(VerifyInclusion(leaf, index, size, longer, root).ok());
    }
  }
}

TEST(MerkleTest, ConsistencyProofsMatchTheNaiveDefinitionAndVerify) {
  Fixture fixture(70);
  for (uint64_t second = 1; second <= 70; ++second) {
    ASSERT_OK_AND_ASSIGN(std::string second_root, RootHash(fixture.tree, second));
    for (uint64_t first = 1; first <= second; ++first) {
      ASSERT_OK_AND_ASSIGN(std::string first_root, RootHash(fixture.tree, first));
      ASSERT_OK_AND_ASSIGN(std::vector<std::string> proof,
                           ConsistencyProof(fixture.tree, first, second));
      EXPECT_EQ(proof, NaiveSubproof(first, Slice(fixture.leaves, 0, second), true))
          << first << " -> " << second;
      EXPECT_THAT(VerifyConsistency(first, second, first_root, second_root, proof), IsOk())
          << first << " -> " << second;
      for (size_t i = 0; i < proof.size(); ++i) {
        std::vector<std::string> bad = proof;
        bad[i][0] ^= 0x80;
        EXPECT_FALSE(VerifyConsistency(first, second, first_root, second_root, bad).ok());
      }
      if (first < second) {
        // A different first tree (one leaf less) is not consistent with this proof.
        if (first > 1) {
          ASSERT_OK_AND_ASSIGN(std::string other, RootHash(fixture.tree, first - 1));
          EXPECT_FALSE(VerifyConsistency(first, second, other, second_root, proof).ok());
        }
        std::vector<std::string> shorter(proof.begin(), proof.end() - 1);
        EXPECT_FALSE(VerifyConsistency(first, second, first_root, second_root, shorter).ok());
      }
    }
  }
}

TEST(MerkleTest, BadArgumentsAreRefusedNotCrashedOn) {
  Fixture fixture(5);
  ASSERT_OK_AND_ASSIGN(std::string root, RootHash(fixture.tree, 5));
  const std::string leaf = LeafHash(fixture.leaves[0]);
  EXPECT_THAT(InclusionProof(fixture.tree, 5, 5), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ConsistencyProof(fixture.tree, 0, 5), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ConsistencyProof(fixture.tree, 6, 5), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(RootHash(fixture.tree, 6), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(VerifyInclusion(leaf, 0, 0, {}, root), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(VerifyInclusion("short", 0, 5, {}, root),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(VerifyInclusion(leaf, 0, 5, {std::string(31, 'x')}, root),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(VerifyInclusion(leaf, 0, 5, std::vector<std::string>(65, root), root),
              StatusIs(absl::StatusCode::kInvalidArgument));
  // A tree of 2^63 leaves: the arithmetic holds at the top of uint64.
  EXPECT_FALSE(VerifyInclusion(leaf, (uint64_t{1} << 63) - 1, uint64_t{1} << 63,
                               std::vector<std::string>(63, root), root)
                   .ok());
  EXPECT_THAT(VerifyConsistency(3, 3, root, root, {}), IsOk());
  EXPECT_FALSE(VerifyConsistency(3, 3, root, leaf, {}).ok());
  EXPECT_FALSE(VerifyConsistency(3, 3, root, root, {root}).ok());
  EXPECT_FALSE(VerifyConsistency(2, 5, root, root, {}).ok());
}

TEST(MerkleTest, AnAppendCompletesTheSubtreesItClosesOff) {
  MemoryTree tree;
  tree.AppendLeafHash(LeafHash("0"));
  EXPECT_THAT(tree.CompletedByLastAppend(), ::testing::ElementsAre(std::make_pair(0, 0ull)));
  tree.AppendLeafHash(LeafHash("1"));
  tree.AppendLeafHash(LeafHash("2"));
  tree.AppendLeafHash(LeafHash("3"));
  // Leaf 3 completes nodes (1, 1) and (2, 0).
  EXPECT_THAT(tree.CompletedByLastAppend(),
              ::testing::ElementsAre(std::make_pair(0, 3ull), std::make_pair(1, 1ull),
                                     std::make_pair(2, 0ull)));
  ASSERT_OK_AND_ASSIGN(std::string top, tree.Node(2, 0));
  ASSERT_OK_AND_ASSIGN(std::string root, RootHash(tree, 4));
  EXPECT_EQ(top, root);
}

}  // namespace
}  // namespace creditbank::domain::tlog
