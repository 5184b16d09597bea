// A small bank in memory for tests of transcripts: two signing keys (ES256
// "ec-1", EdDSA "ed-1") and their JWK Set, a log of kSampleLogSize real
// entry leaves with a signed checkpoint, a signed status list, and the
// content of a transcript over chosen entries of one account. Entry 7 is
// another account's.
#ifndef CREDITBANK_TESTS_TESTING_SAMPLE_TRANSCRIPT_H_
#define CREDITBANK_TESTS_TESTING_SAMPLE_TRANSCRIPT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "domain/crypto/ec_p256.h"
#include "domain/crypto/ed25519.h"
#include "domain/jose/jwk.h"
#include "domain/tlog/checkpoint.h"
#include "domain/tlog/leaf.h"
#include "domain/tlog/merkle.h"
#include "domain/transcripts/status_list.h"
#include "domain/transcripts/transcript.h"
#include "gtest/gtest.h"
#include "tests/testing/sample_entry.h"

namespace creditbank::testing {

inline constexpr char kSampleAccount[] = "6212345678901232";
inline constexpr char kSampleOtherAccount[] = "6212345678901240";
inline constexpr char kSampleIssuerId[] = "https://bank.example.cn";
inline constexpr char kSampleListUrl[] = "https://bank.example.cn/status/1";
inline constexpr char kSampleOrigin[] = "bank.example.cn/log";
inline constexpr int64_t kSampleIssuedAt = 1'796'000'000;  // 2026-11-30T00:53:20Z
inline constexpr uint64_t kSampleLogSize = 40;
inline constexpr uint64_t kSampleStatusIndex = 4242;
inline constexpr int64_t kSampleStatusListSeconds = 86'400;  // the list's validity

class SampleTranscriptBank {
 public:
  // Call from SetUp (ASSERTs).
  void Open() {
    using domain::jose::JwsAlgorithm;
    ec_key = *domain::GenerateEcP256Key();
    ed_key = *domain::GenerateEd25519Key();
    jwks.push_back(*domain::jose::PublicJwkFromPrivateKey(*ec_key, JwsAlgorithm::kEs256, "ec-1"));
    jwks.push_back(*domain::jose::PublicJwkFromPrivateKey(*ed_key, JwsAlgorithm::kEdDsa, "ed-1"));
    for (uint64_t id = 1; id <= kSampleLogSize; ++id) {
      ledger::v1::Entry entry = SampleCourseEntry(id);
      entry.mutable_outcome()->set_code(absl::StrCat("C", id));
      if (id == 7) entry.mutable_outcome()->set_account_number(kSampleOtherAccount);
      leaves.push_back(hasher.LeafBytes(entry));
      tree.AppendLeafHash(domain::tlog::LeafHash(leaves.back()));
    }
    absl::StatusOr<domain::tlog::NoteSigner> created =
        domain::tlog::NoteSigner::Create(kSampleOrigin, std::string(32, '\x07'));
    ASSERT_TRUE(created.ok()) << created.status();
    signer = std::make_unique<domain::tlog::NoteSigner>(*std::move(created));
    log_key = domain::tlog::FormatNoteVerifierKey(signer->verifier_key());
    checkpoint = SignCheckpoint(kSampleLogSize);
  }

  std::string SignCheckpoint(uint64_t size) const {
    const std::string root = *domain::tlog::RootHash(tree, size);
    return *signer->Sign(domain::tlog::CheckpointText({kSampleOrigin, size, root}));
  }

  domain::transcripts::TranscriptContent Content(const std::vector<uint64_t>& entry_ids) const {
    domain::transcripts::TranscriptContent content;
    content.transcript_number = 17;
    content.issuer = {kSampleIssuerId, "重庆市终身学习学分银行"};
    content.account_number = kSampleAccount;
    content.learner_name = "张伟";
    content.valid_from_unix_seconds = kSampleIssuedAt;
    content.checkpoint_note = checkpoint;
    content.log_verifier_key = log_key;
    content.status = {kSampleListUrl, kSampleStatusIndex,
                      domain::transcripts::kStatusPurposeRevocation};
    for (const uint64_t id : entry_ids) {
      domain::transcripts::TranscriptAchievement achievement;
      achievement.leaf = leaves[id - 1];
      achievement.institution_name = "重庆工程职业技术学院";
      achievement.leaf_index = id - 1;
      achievement.inclusion_proof = *domain::tlog::InclusionProof(tree, id - 1, kSampleLogSize);
      content.achievements.push_back(std::move(achievement));
    }
    return content;
  }

  std::string StatusList(bool revoked) const {
    domain::transcripts::StatusListCredential list{
        kSampleListUrl, kSampleIssuerId, domain::transcripts::kStatusPurposeRevocation,
        kSampleIssuedAt, kSampleIssuedAt + kSampleStatusListSeconds, {}};
    EXPECT_TRUE(list.bits.Set(kSampleStatusIndex, revoked).ok());
    absl::StatusOr<std::string> jws = domain::transcripts::SignStatusListCredential(
        list, *ec_key, domain::jose::JwsAlgorithm::kEs256, "ec-1");
    EXPECT_TRUE(jws.ok()) << jws.status();
    return jws.value_or("");
  }

  std::string Issue(const domain::transcripts::TranscriptContent& content) const {
    absl::StatusOr<std::string> jws = domain::transcripts::SignTranscript(
        content, *ec_key, domain::jose::JwsAlgorithm::kEs256, "ec-1");
    EXPECT_TRUE(jws.ok()) << jws.status();
    return jws.value_or("");
  }

  domain::tlog::LeafHasher hasher{std::string(32, 's')};
  std::vector<std::string> leaves;
  domain::tlog::MemoryTree tree;
  std::unique_ptr<domain::tlog::NoteSigner> signer;
  std::string log_key;
  std::string checkpoint;
  domain::EvpPkeyPtr ec_key;
  domain::EvpPkeyPtr ed_key;
  std::vector<domain::jose::PublicJwk> jwks;
};

}  // namespace creditbank::testing

#endif  // CREDITBANK_TESTS_TESTING_SAMPLE_TRANSCRIPT_H_
