// The transparency log on a real Core over RocksDB: every entry becomes a
// leaf in its own batch; checkpoints, inclusion and consistency proofs
// for tree sizes around the powers of two equal the naive RFC 9162
// definitions over the entries' leaves and verify; the log survives
// restarts and is built for stores written before it; a damaged node or
// entry is DATA_LOSS, never served; bad requests are refused by field.
#include "domain/transparency_log.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "domain/tlog/checkpoint.h"
#include "domain/tlog/merkle.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/keys.h"
#include "tests/testing/error_matchers.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/naive_merkle.h"
#include "tests/testing/status_matchers.h"

namespace creditbank::domain {
namespace {

using ::creditbank::testing::HasField;
using ::creditbank::testing::HasReason;
using ::creditbank::testing::IsOk;
using ::creditbank::testing::StatusIs;
namespace naive = ::creditbank::testing::naive;

constexpr char kCollege[] = "4150013588";

class TransparencyLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fixture_.AccreditedInstitution(kCollege);
    account_ = fixture_.OpenAccount(1, "李娜");
  }

  Core& core() { return fixture_.core(); }
  const TransparencyLog& log() { return fixture_.core().log(); }

  // Records entries (in batches, so several land in one group) until the
  // ledger holds `size` entries.
  void GrowTo(uint64_t size) {
    while (recorded_ < size) {
      ledger::v1::RecordOutcomesRequest request;
      request.set_institution_code(kCollege);
      request.set_atomic(true);
      for (int i = 0; i < 50 && recorded_ + request.outcomes_size() < size; ++i) {
        *request.add_outcomes() = testing::CourseOutcome(
            account_, absl::StrCat("r-", recorded_ + request.outcomes_size()),
            absl::StrCat("C", (recorded_ + request.outcomes_size()) % 997));
      }
      ASSERT_OK_AND_ASSIGN(auto response, core().RecordOutcomes(request));
      recorded_ += response.results_size();
    }
  }

  // The leaves of entries 1..size, from the entries as the ledger serves
  // them: the reference the naive tree is built over.
  naive::Leaves Leaves(uint64_t size) {
    naive::Leaves leaves;
    for (uint64_t id = 1; id <= size; ++id) {
      ledger::v1::GetEntryRequest request;
      request.set_entry_id(id);
      absl::StatusOr<ledger::v1::Entry> entry = core().GetEntry(request);
      EXPECT_THAT(entry, IsOk());
      leaves.push_back(entry.ok() ? core().leaf_hasher().LeafBytes(*entry) : "");
    }
    return leaves;
  }

  log::v1::Checkpoint Checkpoint() {
    absl::StatusOr<log::v1::Checkpoint> checkpoint = log().GetCheckpoint();
    EXPECT_THAT(checkpoint, IsOk());
    return checkpoint.ok() ? *checkpoint : log::v1::Checkpoint();
  }

  log::v1::InclusionProof Inclusion(uint64_t entry_id, uint64_t tree_size) {
    log::v1::GetInclusionProofRequest request;
    request.set_entry_id(entry_id);
    request.set_tree_size(tree_size);
    absl::StatusOr<log::v1::InclusionProof> proof = log().GetInclusionProof(request);
    EXPECT_THAT(proof, IsOk()) << entry_id << " in " << tree_size;
    return proof.ok() ? *proof : log::v1::InclusionProof();
  }

  absl::StatusOr<log::v1::ConsistencyProof> Consistency(uint64_t first, uint64_t second) {
    log::v1::GetConsistencyProofRequest request;
    request.set_first_tree_size(first);
    request.set_second_tree_size(second);
    return log().GetConsistencyProof(request);
  }

  testing::CoreFixture fixture_;
  std::string account_;
  uint64_t recorded_ = 0;
};

std::vector<std::string> Hashes(const google::protobuf::RepeatedPtrField<std::string>& field) {
  return {field.begin(), field.end()};
}

TEST_F(TransparencyLogTest, ProofsForSizesAroundPowersOfTwoMatchTheNaiveDefinitions) {
  const std::vector<uint64_t> sizes = {1,  2,  3,  4,  5,  7,   8,   9,   15,  16,  17, 31,
                                       32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257};
  std::vector<std::pair<uint64_t, std::string>> heads;  // size, root
  for (const uint64_t size : sizes) {
    GrowTo(size);
    const naive::Leaves leaves = Leaves(size);
    const std::string root = naive::Mth(leaves);

    // The checkpoint: a signed note that opens with the published key.
    const log::v1::Checkpoint checkpoint = Checkpoint();
    EXPECT_EQ(checkpoint.tree_size(), size);
    EXPECT_EQ(checkpoint.root_hash(), root) << "size " << size;
    ASSERT_OK_AND_ASSIGN(tlog::NoteVerifierKey key,
                         tlog::ParseNoteVerifierKey(checkpoint.verifier_key()));
    ASSERT_OK_AND_ASSIGN(std::string text, tlog::OpenNote(checkpoint.signed_note(), key));
    ASSERT_OK_AND_ASSIGN(tlog::Checkpoint parsed, tlog::ParseCheckpoint(text, kDefaultLogOrigin));
    EXPECT_EQ(parsed.tree_size, size);
    EXPECT_EQ(parsed.root_hash, root);

    // Inclusion of the first, middle and last entries, in this tree and
    // in every earlier head that holds them.
    heads.emplace_back(size, root);
    for (const auto& [tree_size, tree_root] : heads) {
      for (const uint64_t entry_id : std::set<uint64_t>{1, (tree_size + 1) / 2, tree_size}) {
        const log::v1::InclusionProof proof = Inclusion(entry_id, tree_size);
        EXPECT_EQ(proof.leaf(), leaves[entry_id - 1]);
        EXPECT_EQ(proof.leaf_index(), entry_id - 1);
        EXPECT_EQ(proof.root_hash(), tree_root);
        EXPECT_EQ(Hashes(proof.hashes()),
                  naive::Path(entry_id - 1, naive::Slice(leaves, 0, tree_size)))
            << entry_id << " in " << tree_size;
        EXPECT_THAT(tlog::VerifyInclusion(tlog::LeafHash(proof.leaf()), entry_id - 1, tree_size,
                                          Hashes(proof.hashes()), tree_root),
                    IsOk());
      }
      // Consistency of every earlier head with this one.
      ASSERT_OK_AND_ASSIGN(log::v1::ConsistencyProof consistency, Consistency(tree_size, 0));
      EXPECT_EQ(consistency.second_tree_size(), size);
      EXPECT_EQ(Hashes(consistency.hashes()), naive::Proof(tree_size, leaves))
          << tree_size << " -> " << size;
      EXPECT_THAT(tlog::VerifyConsistency(tree_size, size, tree_root, root,
                                          Hashes(consistency.hashes())),
                  IsOk());
    }
  }
}

TEST_F(TransparencyLogTest, ReversalsAreLeavesAndTheLogSurvivesARestart) {
  GrowTo(5);
  ledger::v1::ReverseEntryRequest reverse;
  reverse.set_institution_code(kCollege);
  reverse.set_request_id("rev-3");
  reverse.set_account_number(account_);
  reverse.set_entry_id(3);
  reverse.set_reason("成绩录入错误");
  ASSERT_OK_AND_ASSIGN(auto reversal, core().ReverseEntry(reverse));
  EXPECT_EQ(reversal.entry().entry_id(), 6u);
  const log::v1::InclusionProof proof = Inclusion(6, 0);
  EXPECT_THAT(proof.leaf(), ::testing::HasSubstr(R"("kind":"reversal")"));
  EXPECT_THAT(proof.leaf(), ::testing::HasSubstr(R"("reverses_entry_id":3)"));
  // The original's leaf does not change when it is reversed.
  EXPECT_EQ(Inclusion(3, 0).leaf(), Leaves(3)[2]);

  const log::v1::Checkpoint before = Checkpoint();
  fixture_.Restart();
  const log::v1::Checkpoint after = Checkpoint();
  EXPECT_EQ(after.tree_size(), 6u);
  EXPECT_EQ(after.root_hash(), before.root_hash());
  EXPECT_EQ(after.verifier_key(), before.verifier_key());  // the key file's key
  recorded_ = 6;
  GrowTo(9);
  EXPECT_EQ(Checkpoint().root_hash(), naive::Mth(Leaves(9)));
}

// A store written before the log existed: entries, no leaves. The first
// start builds the log for them, and the tree is the one a log-keeping
// build would have written.
TEST_F(TransparencyLogTest, AStoreFromBeforeTheLogIsCaughtUpAtStart) {
  GrowTo(40);
  const std::string root = Checkpoint().root_hash();
  storage::Store& store = core().store();
  ASSERT_OK_AND_ASSIGN(std::optional<std::string> state_bytes,
                       store.Get(storage::Table::kMeta, storage::kSequencerStateKey));
  storage::v1::SequencerState state;
  ASSERT_TRUE(state_bytes.has_value() && state.ParseFromString(*state_bytes));
  state.clear_log_tree_size();
  state.clear_log_frontier();
  storage::WriteBatch batch = store.NewBatch();
  batch.Put(storage::Table::kMeta, storage::kSequencerStateKey, state.SerializeAsString());
  for (auto cursor = store.Scan(storage::Table::kLog, "", ""); cursor->Valid(); cursor->Next()) {
    batch.Delete(storage::Table::kLog, cursor->key());
  }
  ASSERT_OK(store.Commit(batch));
  fixture_.Restart();
  EXPECT_EQ(Checkpoint().tree_size(), 40u);
  EXPECT_EQ(Checkpoint().root_hash(), root);
  EXPECT_EQ(Hashes(Inclusion(17, 0).hashes()), naive::Path(16, Leaves(40)));
}

TEST_F(TransparencyLogTest, ADamagedNodeIsDataLossNotServed) {
  GrowTo(20);
  // Node 1/0 (leaves 1 and 2) is on entry 1's path and in every tree's
  // left edge; flip one of its bits.
  storage::Store& store = core().store();
  ASSERT_OK_AND_ASSIGN(std::optional<std::string> node,
                       store.Get(storage::Table::kLog, storage::LogNodeKey(1, 0)));
  ASSERT_TRUE(node.has_value());
  (*node)[5] ^= 0x01;
  storage::WriteBatch batch = store.NewBatch();
  batch.Put(storage::Table::kLog, storage::LogNodeKey(1, 0), *node);
  ASSERT_OK(store.Commit(batch));

  log::v1::GetInclusionProofRequest request;
  request.set_entry_id(3);  // node 1/0 is its sibling's subtree
  EXPECT_THAT(log().GetInclusionProof(request), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(Consistency(2, 20), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(Consistency(3, 20), StatusIs(absl::StatusCode::kDataLoss));
  // The head comes from the committed frontier, which is intact, and
  // proofs that do not touch the node are still served.
  EXPECT_EQ(Checkpoint().tree_size(), 20u);
  request.set_entry_id(20);
  EXPECT_THAT(log().GetInclusionProof(request), IsOk());

  // A node cut short, and one missing, likewise.
  batch = store.NewBatch();
  batch.Put(storage::Table::kLog, storage::LogNodeKey(1, 0), node->substr(0, 31));
  ASSERT_OK(store.Commit(batch));
  EXPECT_THAT(Consistency(2, 20), StatusIs(absl::StatusCode::kDataLoss));
  batch = store.NewBatch();
  batch.Delete(storage::Table::kLog, storage::LogNodeKey(1, 0));
  ASSERT_OK(store.Commit(batch));
  EXPECT_THAT(Consistency(2, 20), StatusIs(absl::StatusCode::kDataLoss));
}

TEST_F(TransparencyLogTest, ADamagedEntryIsDataLossForItsOwnAndItsNeighboursProofs) {
  GrowTo(8);
  storage::Store& store = core().store();
  ASSERT_OK_AND_ASSIGN(std::optional<std::string> bytes,
                       store.Get(storage::Table::kEntries, storage::EntryKey(5)));
  ledger::v1::Entry entry;
  ASSERT_TRUE(bytes.has_value() && entry.ParseFromString(*bytes));
  entry.mutable_outcome()->set_credits_milli(entry.outcome().credits_milli() + 1000);
  storage::WriteBatch batch = store.NewBatch();
  batch.Put(storage::Table::kEntries, storage::EntryKey(5), entry.SerializeAsString());
  ASSERT_OK(store.Commit(batch));

  for (uint64_t entry_id : {5, 6}) {  // 6's path starts with 5's leaf
    log::v1::GetInclusionProofRequest request;
    request.set_entry_id(entry_id);
    EXPECT_THAT(log().GetInclusionProof(request), StatusIs(absl::StatusCode::kDataLoss))
        << entry_id;
  }
  log::v1::GetInclusionProofRequest untouched;
  untouched.set_entry_id(1);
  EXPECT_THAT(log().GetInclusionProof(untouched), IsOk());
}

TEST_F(TransparencyLogTest, BadRequestsAreRefusedByField) {
  GrowTo(10);
  log::v1::GetInclusionProofRequest inclusion;
  EXPECT_THAT(log().GetInclusionProof(inclusion),
              testing::StatusIs(absl::StatusCode::kInvalidArgument, HasField("entry_id")));
  inclusion.set_entry_id(11);
  EXPECT_THAT(log().GetInclusionProof(inclusion),
              testing::StatusIs(absl::StatusCode::kNotFound, HasField("entry_id")));
  inclusion.set_entry_id(4);
  inclusion.set_tree_size(11);
  absl::StatusOr<log::v1::InclusionProof> beyond = log().GetInclusionProof(inclusion);
  EXPECT_THAT(beyond, testing::StatusIs(absl::StatusCode::kOutOfRange, HasField("tree_size")));
  EXPECT_THAT(beyond, HasReason(reason::kTreeSizeBeyondLog));
  inclusion.set_tree_size(3);
  EXPECT_THAT(log().GetInclusionProof(inclusion),
              testing::StatusIs(absl::StatusCode::kInvalidArgument, HasField("tree_size")));

  EXPECT_THAT(Consistency(0, 5),
              testing::StatusIs(absl::StatusCode::kInvalidArgument, HasField("first_tree_size")));
  EXPECT_THAT(Consistency(6, 5),
              testing::StatusIs(absl::StatusCode::kInvalidArgument, HasField("first_tree_size")));
  EXPECT_THAT(Consistency(5, 11),
              testing::StatusIs(absl::StatusCode::kOutOfRange, HasField("second_tree_size")));
  EXPECT_THAT(Consistency(11, 0),
              testing::StatusIs(absl::StatusCode::kOutOfRange, HasField("first_tree_size")));
  ASSERT_OK_AND_ASSIGN(log::v1::ConsistencyProof same, Consistency(10, 10));
  EXPECT_TRUE(same.hashes().empty());
}

TEST_F(TransparencyLogTest, AnEmptyLogHasTheEmptyRoot) {
  const log::v1::Checkpoint checkpoint = Checkpoint();
  EXPECT_EQ(checkpoint.tree_size(), 0u);
  EXPECT_EQ(checkpoint.root_hash(), tlog::EmptyRootHash());
  EXPECT_EQ(checkpoint.origin(), kDefaultLogOrigin);
}

}  // namespace
}  // namespace creditbank::domain
