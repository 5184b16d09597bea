// The frontier against the in-memory tree (merkle.h) and the naive
// definition, for every size up to 300: the same roots, and every node it
// reports completed is that node of the whole tree.
#include "domain/tlog/frontier.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "domain/tlog/merkle.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/naive_merkle.h"
#include "tests/testing/status_matchers.h"

namespace creditbank::domain::tlog {
namespace {

using ::creditbank::testing::IsOk;
using ::creditbank::testing::StatusIs;

constexpr uint64_t kLargestSize = 300;

std::string LeafData(uint64_t n) { return absl::StrCat("leaf ", n, std::string(n % 5, '*')); }

TEST(FrontierTest, RootsAndCompletedNodesMatchTheWholeTreeForEverySize) {
  Frontier frontier;
  MemoryTree tree;
  testing::naive::Leaves leaves;
  EXPECT_EQ(frontier.RootHash(), EmptyRootHash());
  for (uint64_t n = 0; n < kLargestSize; ++n) {
    leaves.push_back(LeafData(n));
    tree.AppendLeafHash(LeafHash(leaves.back()));
    const std::vector<LogNode> completed = frontier.Append(LeafHash(leaves.back()));
    ASSERT_EQ(frontier.size(), n + 1);
    EXPECT_EQ(frontier.hashes().size(), static_cast<size_t>(__builtin_popcountll(n + 1)));
    EXPECT_EQ(frontier.RootHash(), testing::naive::Mth(leaves)) << "size " << n + 1;

    // The same nodes the whole tree says the append closed off, less the
    // leaf itself (level 0), with the whole tree's hashes.
    std::vector<std::pair<int, uint64_t>> expected = tree.CompletedByLastAppend();
    expected.erase(expected.begin());  // the leaf
    ASSERT_EQ(completed.size(), expected.size()) << "size " << n + 1;
    for (size_t i = 0; i < completed.size(); ++i) {
      EXPECT_EQ(completed[i].level, expected[i].first);
      EXPECT_EQ(completed[i].index, expected[i].second);
      absl::StatusOr<std::string> node = tree.Node(completed[i].level, completed[i].index);
      ASSERT_THAT(node, IsOk());
      EXPECT_EQ(completed[i].hash, *node);
    }
  }
}

TEST(FrontierTest, ARestoredFrontierGoesOnAsIfNeverStored) {
  Frontier whole;
  Frontier interrupted;
  for (uint64_t n = 0; n < 100; ++n) {
    whole.Append(LeafHash(LeafData(n)));
    interrupted.Append(LeafHash(LeafData(n)));
    if (n % 9 == 0) {  // "stored" and "loaded" every few leaves
      absl::StatusOr<Frontier> restored =
          Frontier::Restore(interrupted.size(), interrupted.hashes());
      ASSERT_THAT(restored, IsOk());
      interrupted = *std::move(restored);
    }
    EXPECT_EQ(interrupted.RootHash(), whole.RootHash());
  }
}

TEST(FrontierTest, AMalformedStoredFrontierIsDataLoss) {
  const std::string hash(32, 'h');
  EXPECT_THAT(Frontier::Restore(0, {}), IsOk());
  EXPECT_THAT(Frontier::Restore(5, {hash, hash}), IsOk());  // 101: two subtrees
  EXPECT_THAT(Frontier::Restore(5, {hash}), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(Frontier::Restore(4, {hash, hash}), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(Frontier::Restore(1, {std::string(31, 'h')}), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(Frontier::Restore(0, {hash}), StatusIs(absl::StatusCode::kDataLoss));
}

}  // namespace
}  // namespace creditbank::domain::tlog
