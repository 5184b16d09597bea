// VerifiedStateCache: verifying through it gives the report VerifyTranscript
// gives, every check run, whatever was verified through it before — other
// status list bytes, another key under the same kid, another later
// checkpoint are all checked in full, and what depends on the time is
// checked on every call.
#include "domain/transcripts/transcript_verifier.h"

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "domain/crypto/ec_p256.h"
#include "domain/jose/jwk.h"
#include "domain/tlog/checkpoint.h"
#include "domain/tlog/merkle.h"
#include "domain/transcripts/status_list.h"
#include "domain/transcripts/transcript.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/sample_entry.h"
#include "tests/testing/sample_transcript.h"
#include "tests/testing/status_matchers.h"

namespace creditbank::domain::transcripts {
namespace {

using ::creditbank::testing::kSampleIssuedAt;
using ::creditbank::testing::kSampleIssuerId;
using ::creditbank::testing::kSampleListUrl;
using ::creditbank::testing::kSampleLogSize;
using ::creditbank::testing::kSampleOrigin;
using ::creditbank::testing::kSampleStatusIndex;
using ::creditbank::testing::SampleTranscriptBank;

// The later checkpoint of the tests: this many entries past the sample log.
constexpr uint64_t kLaterEntries = 9;

class VerifiedStateCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(bank_.Open());
    for (uint64_t id = kSampleLogSize + 1; id <= kSampleLogSize + kLaterEntries; ++id) {
      bank_.tree.AppendLeafHash(
          tlog::LeafHash(bank_.hasher.LeafBytes(creditbank::testing::SampleCourseEntry(id))));
    }
    later_note_ = bank_.SignCheckpoint(kSampleLogSize + kLaterEntries);
    ASSERT_OK_AND_ASSIGN(later_proof_, tlog::ConsistencyProof(bank_.tree, kSampleLogSize,
                                                              kSampleLogSize + kLaterEntries));
    jws_ = bank_.Issue(bank_.Content({1, 2, 3}));
  }

  VerificationInputs Inputs() const {
    VerificationInputs inputs;
    inputs.keys = &bank_.jwks;
    inputs.now = absl::FromUnixSeconds(kSampleIssuedAt) + absl::Hours(1);
    inputs.pinned_log_key = bank_.log_key;
    inputs.status_list_jws = bank_.StatusList(false);
    inputs.later_checkpoint = LaterCheckpoint{later_note_, later_proof_};
    return inputs;
  }

  // The cached report, which must be the uncached one check for check.
  VerificationReport VerifyBothWays(absl::string_view jws, const VerificationInputs& inputs) {
    const VerificationReport plain = VerifyTranscript(jws, inputs);
    const VerificationReport cached = VerifyTranscript(jws, inputs, cache_);
    EXPECT_EQ(ReportToJson(cached), ReportToJson(plain));
    return cached;
  }

  static CheckOutcome Outcome(const VerificationReport& report, absl::string_view name) {
    for (const CheckResult& check : report.checks) {
      if (check.name == name) return check.outcome;
    }
    ADD_FAILURE() << "no check " << name;
    return CheckOutcome::kSkipped;
  }

  SampleTranscriptBank bank_;
  std::string later_note_;
  std::vector<std::string> later_proof_;
  std::string jws_;
  VerifiedStateCache cache_;
};

TEST_F(VerifiedStateCacheTest, SameReportAsWithoutTheCacheAgainAndAgain) {
  for (int round = 0; round < 3; ++round) {
    const VerificationReport report = VerifyBothWays(jws_, Inputs());
    EXPECT_TRUE(report.valid);
    EXPECT_EQ(Outcome(report, "consistency"), CheckOutcome::kPassed);
    EXPECT_EQ(report.status, "active");
  }
}

TEST_F(VerifiedStateCacheTest, ARevokedListAfterAnActiveOneIsReadAfresh) {
  EXPECT_TRUE(VerifyBothWays(jws_, Inputs()).valid);
  VerificationInputs inputs = Inputs();
  inputs.status_list_jws = bank_.StatusList(true);
  const VerificationReport report = VerifyBothWays(jws_, inputs);
  EXPECT_FALSE(report.valid);
  EXPECT_EQ(report.status, "revoked");
}

TEST_F(VerifiedStateCacheTest, AListSignedByAStrangerIsRefusedAfterAGoodOne) {
  EXPECT_TRUE(VerifyBothWays(jws_, Inputs()).valid);
  ASSERT_OK_AND_ASSIGN(EvpPkeyPtr stranger, GenerateEcP256Key());
  StatusListCredential list{kSampleListUrl, kSampleIssuerId, kStatusPurposeRevocation,
                            kSampleIssuedAt, kSampleIssuedAt + 86'400, {}};
  VerificationInputs inputs = Inputs();
  ASSERT_OK_AND_ASSIGN(*inputs.status_list_jws,
                       SignStatusListCredential(list, *stranger, jose::JwsAlgorithm::kEs256,
                                                "ec-1"));
  EXPECT_EQ(Outcome(VerifyBothWays(jws_, inputs), "status"), CheckOutcome::kUnknown);
}

TEST_F(VerifiedStateCacheTest, TheSameListUnderAnotherKeyOfTheSameKidIsVerifiedAgain) {
  EXPECT_TRUE(VerifyBothWays(jws_, Inputs()).valid);
  // The key set now names another key "ec-1": the list's signature, good
  // under the old key, is not under this one.
  ASSERT_OK_AND_ASSIGN(EvpPkeyPtr other, GenerateEcP256Key());
  std::vector<jose::PublicJwk> keys;
  ASSERT_OK_AND_ASSIGN(keys.emplace_back(),
                       jose::PublicJwkFromPrivateKey(*other, jose::JwsAlgorithm::kEs256, "ec-1"));
  VerificationInputs inputs = Inputs();
  inputs.keys = &keys;
  const VerificationReport cached = VerifyTranscript(jws_, inputs, cache_);
  EXPECT_FALSE(cached.valid);
  EXPECT_EQ(ReportToJson(cached), ReportToJson(VerifyTranscript(jws_, inputs)));
  // The transcript's own signature fails first; the list itself, asked
  // for directly, is refused too.
  EXPECT_FALSE(cache_.StatusList(*inputs.status_list_jws, keys, kSampleIssuerId).ok());
  // And the list is refused for another issuer, though cached for this one.
  EXPECT_FALSE(
      cache_.StatusList(*inputs.status_list_jws, bank_.jwks, "https://other.example.cn").ok());
  EXPECT_TRUE(cache_.StatusList(*inputs.status_list_jws, bank_.jwks, kSampleIssuerId).ok());
}

TEST_F(VerifiedStateCacheTest, AnExpiredListIsUnknownThoughItWasCachedWhenFresh) {
  EXPECT_TRUE(VerifyBothWays(jws_, Inputs()).valid);
  VerificationInputs inputs = Inputs();
  inputs.now = absl::FromUnixSeconds(kSampleIssuedAt) + absl::Hours(25);
  const VerificationReport report = VerifyBothWays(jws_, inputs);
  EXPECT_FALSE(report.valid);
  EXPECT_EQ(Outcome(report, "status"), CheckOutcome::kUnknown);
}

TEST_F(VerifiedStateCacheTest, ALaterCheckpointOfAForkIsRefusedAfterTheRealOne) {
  EXPECT_TRUE(VerifyBothWays(jws_, Inputs()).valid);
  // Signed by the log's key, but of a tree whose entry 3 was rewritten.
  tlog::MemoryTree fork;
  const uint64_t later_size = kSampleLogSize + kLaterEntries;
  for (uint64_t i = 0; i < later_size; ++i) {
    fork.AppendLeafHash(i == 2 ? tlog::LeafHash("rewritten") : *bank_.tree.Node(0, i));
  }
  ASSERT_OK_AND_ASSIGN(const std::string fork_root, tlog::RootHash(fork, later_size));
  ASSERT_OK_AND_ASSIGN(const std::string fork_note, bank_.signer->Sign(tlog::CheckpointText(
                                                        {kSampleOrigin, later_size, fork_root})));
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> fork_proof,
                       tlog::ConsistencyProof(fork, kSampleLogSize, later_size));
  VerificationInputs inputs = Inputs();
  inputs.later_checkpoint = LaterCheckpoint{fork_note, fork_proof};
  EXPECT_EQ(Outcome(VerifyBothWays(jws_, inputs), "consistency"), CheckOutcome::kFailed);
  // The real note with a proof that does not hold: checked on every call.
  inputs.later_checkpoint = LaterCheckpoint{later_note_, fork_proof};
  EXPECT_EQ(Outcome(VerifyBothWays(jws_, inputs), "consistency"), CheckOutcome::kFailed);
}

TEST_F(VerifiedStateCacheTest, ADamagedLaterCheckpointIsRefusedAfterTheRealOne) {
  EXPECT_TRUE(VerifyBothWays(jws_, Inputs()).valid);
  VerificationInputs inputs = Inputs();
  std::string damaged = later_note_;
  damaged[damaged.find('\n') + 1] = '9';  // another tree size under the same signature
  inputs.later_checkpoint = LaterCheckpoint{damaged, later_proof_};
  EXPECT_EQ(Outcome(VerifyBothWays(jws_, inputs), "consistency"), CheckOutcome::kFailed);
}

TEST_F(VerifiedStateCacheTest, ACheckpointIsOpenedAgainWithAnotherKey) {
  ASSERT_OK_AND_ASSIGN(const tlog::NoteVerifierKey key, tlog::ParseNoteVerifierKey(bank_.log_key));
  ASSERT_OK(cache_.OpenCheckpoint(later_note_, key).status());
  ASSERT_OK_AND_ASSIGN(const tlog::NoteSigner other,
                       tlog::NoteSigner::Create(kSampleOrigin, std::string(32, '\x08')));
  EXPECT_FALSE(cache_.OpenCheckpoint(later_note_, other.verifier_key()).ok());
}

TEST_F(VerifiedStateCacheTest, ManyListsStayWithinTheBound) {
  // More lists than the cache keeps, each verified correctly in turn.
  for (size_t i = 0; i < VerifiedStateCache::kMaxCachedStatusLists + 3; ++i) {
    StatusListCredential list{kSampleListUrl, kSampleIssuerId, kStatusPurposeRevocation,
                              kSampleIssuedAt + static_cast<int64_t>(i),
                              kSampleIssuedAt + 86'400, {}};
    ASSERT_OK(list.bits.Set(kSampleStatusIndex, i % 2 == 1));
    VerificationInputs inputs = Inputs();
    ASSERT_OK_AND_ASSIGN(*inputs.status_list_jws,
                         SignStatusListCredential(list, *bank_.ec_key,
                                                  jose::JwsAlgorithm::kEs256, "ec-1"));
    EXPECT_EQ(VerifyBothWays(jws_, inputs).status, i % 2 == 1 ? "revoked" : "active") << i;
  }
}

}  // namespace
}  // namespace creditbank::domain::transcripts
