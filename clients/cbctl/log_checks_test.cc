// ProvesEntry: an answer about another entry or tree, or a leaf that is not
// the asked-for entry's, is refused however valid its hashes are.
#include "clients/cbctl/log_checks.h"

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace creditbank::cbctl {
namespace {

using ::creditbank::testing::IsOk;
using ::creditbank::testing::StatusIs;

log::v1::InclusionProof ProofOf(uint64_t entry_id, uint64_t tree_size) {
  log::v1::InclusionProof proof;
  proof.set_entry_id(entry_id);
  proof.set_leaf_index(entry_id - 1);
  proof.set_tree_size(tree_size);
  proof.set_leaf(R"({"entry_id":)" + std::to_string(entry_id) +
                 R"(,"format":"creditbank.leaf.v1","title":"高等数学（上）"})");
  return proof;
}

TEST(LogChecksTest, TheAnswerMustBeAboutTheEntryAndTreeAskedFor) {
  EXPECT_THAT(ProvesEntry(ProofOf(5, 9), 5, 9), IsOk());
  // Another entry's (valid) proof passed off as entry 5's.
  EXPECT_THAT(ProvesEntry(ProofOf(3, 9), 5, 9), StatusIs(absl::StatusCode::kDataLoss));
  log::v1::InclusionProof relabelled = ProofOf(3, 9);
  relabelled.set_entry_id(5);
  relabelled.set_leaf_index(4);
  EXPECT_THAT(ProvesEntry(relabelled, 5, 9), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(ProvesEntry(ProofOf(5, 8), 5, 9), StatusIs(absl::StatusCode::kDataLoss));
  log::v1::InclusionProof wrong_index = ProofOf(5, 9);
  wrong_index.set_leaf_index(5);
  EXPECT_THAT(ProvesEntry(wrong_index, 5, 9), StatusIs(absl::StatusCode::kDataLoss));
}

TEST(LogChecksTest, TheLeafMustBeACanonicalLeafOfAKnownFormat) {
  log::v1::InclusionProof proof = ProofOf(5, 9);
  for (const char* leaf : {"", "not json", "[5]", R"({"entry_id":"5","format":"creditbank.leaf.v1"})",
                           R"({"entry_id":5,"format":"creditbank.leaf.v2"})",
                           R"({"entry_id":5})"}) {
    proof.set_leaf(leaf);
    EXPECT_THAT(ProvesEntry(proof, 5, 9), StatusIs(absl::StatusCode::kDataLoss)) << leaf;
  }
}

}  // namespace
}  // namespace creditbank::cbctl
