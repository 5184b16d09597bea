// Transcripts issued and verified end to end in memory: real keys, real
// log leaves of real entries, a real Merkle tree and signed checkpoint, a
// real signed status list. Every check of the verifier is made to fail on
// its own by the one thing it guards.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "domain/crypto/ec_p256.h"
#include "domain/crypto/ed25519.h"
#include "domain/jose/base64url.h"
#include "domain/jose/jws.h"
#include "domain/tlog/checkpoint.h"
#include "domain/tlog/leaf.h"
#include "domain/tlog/merkle.h"
#include "domain/transcripts/achievement.h"
#include "domain/transcripts/status_list.h"
#include "domain/transcripts/transcript.h"
#include "domain/transcripts/transcript_verifier.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/sample_entry.h"
#include "tests/testing/sample_transcript.h"
#include "tests/testing/status_matchers.h"

namespace creditbank::domain::transcripts {
namespace {

using ::creditbank::testing::SampleCourseEntry;
using ::creditbank::testing::StatusIs;
using ::testing::HasSubstr;
using Json = nlohmann::json;

using ::creditbank::testing::kSampleAccount;
using ::creditbank::testing::kSampleIssuedAt;
using ::creditbank::testing::kSampleIssuerId;
using ::creditbank::testing::kSampleListUrl;
using ::creditbank::testing::kSampleLogSize;
using ::creditbank::testing::kSampleOrigin;
using ::creditbank::testing::SampleTranscriptBank;

constexpr const char* kAccount = kSampleAccount;
constexpr const char* kIssuerId = kSampleIssuerId;
constexpr const char* kListUrl = kSampleListUrl;
constexpr const char* kOrigin = kSampleOrigin;
constexpr int64_t kIssuedAt = kSampleIssuedAt;
constexpr uint64_t kLogSize = kSampleLogSize;

class TranscriptTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(bank_.Open()); }

  TranscriptContent Content(std::vector<uint64_t> entry_ids) { return bank_.Content(entry_ids); }
  std::string StatusList(bool revoked) { return bank_.StatusList(revoked); }
  std::string Issue(const TranscriptContent& content) { return bank_.Issue(content); }

  VerificationInputs Inputs(bool with_status = true) {
    VerificationInputs inputs;
    inputs.keys = &bank_.jwks;
    inputs.now = absl::FromUnixSeconds(kIssuedAt) + absl::Hours(1);
    inputs.pinned_log_key = bank_.log_key;
    if (with_status) inputs.status_list_jws = StatusList(false);
    return inputs;
  }

  // Signs `credential` as the bank would, lies included.
  std::string SignRaw(const Json& credential) {
    absl::StatusOr<std::string> jws = jose::SignCompactJws(
        *bank_.ec_key, jose::JwsAlgorithm::kEs256, "ec-1", "vc+jwt", credential.dump());
    EXPECT_OK(jws.status());
    return jws.value_or("");
  }

  SampleTranscriptBank bank_;
  tlog::LeafHasher& hasher_ = bank_.hasher;
  std::vector<std::string>& leaves_ = bank_.leaves;
  tlog::MemoryTree& tree_ = bank_.tree;
  std::vector<jose::PublicJwk>& jwks_ = bank_.jwks;
};

const CheckResult& Check(const VerificationReport& report, absl::string_view name) {
  for (const CheckResult& check : report.checks) {
    if (check.name == name) return check;
  }
  ADD_FAILURE() << "no check " << name;
  return report.checks.front();
}

std::string Outcomes(const VerificationReport& report) {
  std::string text;
  for (const CheckResult& check : report.checks) {
    absl::StrAppend(&text, check.name, "=", CheckOutcomeName(check.outcome), " ");
  }
  return text;
}

TEST_F(TranscriptTest, IssuedTranscriptPassesEveryCheck) {
  const VerificationReport report = VerifyTranscript(Issue(Content({1, 2, 3, 8, 40})), Inputs());
  EXPECT_TRUE(report.valid) << ReportToJson(report).dump(1);
  EXPECT_EQ(Outcomes(report),
            "format=passed issuer_key=passed signature=passed credential=passed validity=passed "
            "status=passed checkpoint=passed inclusion=passed consistency=unknown ");
  EXPECT_EQ(report.transcript_id, "urn:creditbank:transcript:17");
  EXPECT_EQ(report.subject_id, AccountUrn(kAccount));
  EXPECT_EQ(report.status, "active");
  EXPECT_EQ(report.achievements, 5u);
  EXPECT_EQ(report.checkpoint_tree_size, kLogSize);
  EXPECT_EQ(report.key_id, "ec-1");
  EXPECT_FALSE(report.key_retired);
}

TEST_F(TranscriptTest, CredentialIsShapedAfterClrAndShowsTheLeaf) {
  ASSERT_OK_AND_ASSIGN(const Json credential, TranscriptCredential(Content({2})));
  EXPECT_EQ(credential["@context"][0], "https://www.w3.org/ns/credentials/v2");
  EXPECT_EQ(credential["type"], Json::array({"VerifiableCredential", "ClrCredential"}));
  EXPECT_EQ(credential["iss"], kIssuerId);
  EXPECT_EQ(credential["nbf"], kIssuedAt);
  EXPECT_EQ(credential["validFrom"], "2026-11-30T00:53:20Z");
  EXPECT_EQ(credential["credentialSubject"]["name"], "张伟");
  EXPECT_EQ(credential["credentialStatus"]["statusListIndex"], "4242");
  const Json& achievement = credential["credentialSubject"]["achievement"][0];
  EXPECT_EQ(achievement["id"], "urn:creditbank:entry:2");
  EXPECT_EQ(achievement["achievementType"], "Course");
  EXPECT_EQ(achievement["name"], "高等数学（上）");
  EXPECT_EQ(achievement["humanCode"], "C2");
  EXPECT_EQ(achievement["creditsEarned"], 3.5);
  EXPECT_EQ(achievement["result"], "85.5/100");
  EXPECT_EQ(achievement["level"], 6);
  EXPECT_EQ(achievement["sector"], "vocational");
  EXPECT_EQ(achievement["completionDate"], "2026-06-20");
  EXPECT_EQ(achievement["creator"]["id"], "urn:creditbank:institution:4150013588");
  EXPECT_EQ(achievement["ledgerEntry"]["leaf"], leaves_[1]);
  EXPECT_EQ(achievement["ledgerEntry"]["leafIndex"], 1);
}

TEST_F(TranscriptTest, SignedPayloadIsTheCredentialAsDumpWritesIt) {
  // The wire format: the payload is nlohmann's dump() of the credential,
  // byte for byte, though SignTranscript writes it with jose::DumpJson.
  const TranscriptContent content = Content({1, 2, 3, 4});
  ASSERT_OK_AND_ASSIGN(const Json credential, TranscriptCredential(content));
  const std::vector<std::string> parts = absl::StrSplit(Issue(content), '.');
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(jose::Base64UrlDecode(parts[1]), credential.dump());
}

TEST_F(TranscriptTest, ANameThatIsNotUtf8IsRefused) {
  TranscriptContent content = Content({1});
  content.achievements[0].institution_name = "重庆\xff";
  const absl::StatusOr<std::string> jws =
      SignTranscript(content, *bank_.ec_key, jose::JwsAlgorithm::kEs256, "ec-1");
  EXPECT_THAT(jws, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(jws.status().message(), HasSubstr("not valid UTF-8"));
}

TEST_F(TranscriptTest, LearnerMayWithholdTheirName) {
  TranscriptContent content = Content({1});
  content.learner_name.reset();
  ASSERT_OK_AND_ASSIGN(const Json credential, TranscriptCredential(content));
  EXPECT_FALSE(credential["credentialSubject"].contains("name"));
  EXPECT_TRUE(VerifyTranscript(Issue(content), Inputs()).valid);
}

// Over a programme the achievements are the entries that count: their
// credits must add up to the progress shown, at issue and at verification.
TEST_F(TranscriptTest, ProgrammeProgressMustAddUpToTheAchievementsShown) {
  TranscriptContent content = Content({1, 2, 3});  // 3.5 credits each
  ProgrammeProgress& programme = content.programme.emplace();
  programme.id = "CQGC-NET-2026";
  programme.title = "计算机网络技术";
  programme.institution_code = "4150013588";
  programme.institution_name = "重庆工程职业技术学院";
  programme.required_milli = 12'000;
  programme.earned_milli = 7'000;
  programme.converted_milli = 3'500;
  programme.missing_milli = 1'500;
  programme.categories.push_back({"MAJOR", 7'000, 3'500, 12'000, 1'500});
  const std::string jws = Issue(content);
  const VerificationReport report = VerifyTranscript(jws, Inputs());
  EXPECT_TRUE(report.valid) << ReportToJson(report).dump(1);
  ASSERT_OK_AND_ASSIGN(const jose::ParsedJws parsed, jose::ParseCompactJws(jws));
  Json credential = Json::parse(parsed.payload);
  EXPECT_EQ(credential["credentialSubject"]["programmeProgress"]["earnedCredits"], 7.0);
  EXPECT_EQ(credential["credentialSubject"]["programmeProgress"]["categories"][0]["minimumCredits"],
            12.0);

  // A progress the achievements do not add up to: the bank does not sign
  // it, and a verifier refuses one signed anyway.
  TranscriptContent wrong = content;
  wrong.programme->earned_milli = 8'000;
  EXPECT_THAT(TranscriptCredential(wrong).status(), StatusIs(absl::StatusCode::kInvalidArgument));
  for (const auto& [member, value] : {std::pair<const char*, Json>{"earnedCredits", 8.0},
                                      {"convertedCredits", "3.5"},
                                      {"earnedCredits", 1e300}}) {
    Json lie = credential;
    lie["credentialSubject"]["programmeProgress"][member] = value;
    const VerificationReport refused = VerifyTranscript(SignRaw(lie), Inputs());
    EXPECT_FALSE(refused.valid);
    EXPECT_EQ(Check(refused, "credential").outcome, CheckOutcome::kFailed) << member;
  }
}

TEST_F(TranscriptTest, EdDsaTranscriptVerifies) {
  ASSERT_OK_AND_ASSIGN(const std::string jws, SignTranscript(Content({1, 5}), *bank_.ed_key,
                                                             jose::JwsAlgorithm::kEdDsa, "ed-1"));
  const VerificationReport report = VerifyTranscript(jws, Inputs());
  EXPECT_TRUE(report.valid) << Outcomes(report);
  EXPECT_EQ(Check(report, "signature").detail, "EdDSA");
}

TEST_F(TranscriptTest, StatusUnknownFailsClosed) {
  const VerificationReport report = VerifyTranscript(Issue(Content({1})), Inputs(false));
  EXPECT_FALSE(report.valid);
  EXPECT_EQ(Check(report, "status").outcome, CheckOutcome::kUnknown);
  EXPECT_EQ(report.status, "unknown");
}

TEST_F(TranscriptTest, RevokedTranscriptFails) {
  VerificationInputs inputs = Inputs();
  inputs.status_list_jws = StatusList(true);
  const VerificationReport report = VerifyTranscript(Issue(Content({1})), inputs);
  EXPECT_FALSE(report.valid);
  EXPECT_EQ(Check(report, "status").outcome, CheckOutcome::kFailed);
  EXPECT_EQ(report.status, "revoked");
}

TEST_F(TranscriptTest, StatusListSignedByAStrangerIsUnknown) {
  ASSERT_OK_AND_ASSIGN(EvpPkeyPtr stranger, GenerateEcP256Key());
  StatusListCredential list{kListUrl, kIssuerId, kStatusPurposeRevocation, kIssuedAt,
                            kIssuedAt + 86'400, {}};
  ASSERT_OK_AND_ASSIGN(const std::string forged, SignStatusListCredential(
                                                     list, *stranger, jose::JwsAlgorithm::kEs256,
                                                     "ec-1"));
  VerificationInputs inputs = Inputs();
  inputs.status_list_jws = forged;
  const VerificationReport report = VerifyTranscript(Issue(Content({1})), inputs);
  EXPECT_FALSE(report.valid);
  EXPECT_EQ(Check(report, "status").outcome, CheckOutcome::kUnknown);
}

TEST_F(TranscriptTest, LaterCheckpointProvesTheEmbeddedOneAPrefix) {
  const std::string jws = Issue(Content({1}));
  for (uint64_t id = kLogSize + 1; id <= kLogSize + 25; ++id) {
    tree_.AppendLeafHash(tlog::LeafHash(hasher_.LeafBytes(SampleCourseEntry(id))));
  }
  const uint64_t later_size = kLogSize + 25;
  ASSERT_OK_AND_ASSIGN(const std::string later_root, tlog::RootHash(tree_, later_size));
  ASSERT_OK_AND_ASSIGN(const std::string later_note,
                       bank_.signer->Sign(tlog::CheckpointText({kOrigin, later_size, later_root})));
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> proof,
                       tlog::ConsistencyProof(tree_, kLogSize, later_size));

  VerificationInputs inputs = Inputs();
  inputs.later_checkpoint = LaterCheckpoint{later_note, proof};
  VerificationReport report = VerifyTranscript(jws, inputs);
  EXPECT_TRUE(report.valid) << Outcomes(report);
  EXPECT_EQ(Check(report, "consistency").outcome, CheckOutcome::kPassed);

  proof.pop_back();  // a truncated proof
  inputs.later_checkpoint = LaterCheckpoint{later_note, proof};
  report = VerifyTranscript(jws, inputs);
  EXPECT_FALSE(report.valid);
  EXPECT_EQ(Check(report, "consistency").outcome, CheckOutcome::kFailed);

  // A checkpoint of a forked log (entry 3 rewritten), though signed by the
  // log's key, is not consistent.
  tlog::MemoryTree fork;
  for (uint64_t i = 0; i < later_size; ++i) {
    fork.AppendLeafHash(i == 2 ? tlog::LeafHash("rewritten") : *tree_.Node(0, i));
  }
  ASSERT_OK_AND_ASSIGN(const std::string fork_root, tlog::RootHash(fork, later_size));
  ASSERT_OK_AND_ASSIGN(const std::string fork_note,
                       bank_.signer->Sign(tlog::CheckpointText({kOrigin, later_size, fork_root})));
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> fork_proof,
                       tlog::ConsistencyProof(fork, kLogSize, later_size));
  inputs.later_checkpoint = LaterCheckpoint{fork_note, fork_proof};
  EXPECT_EQ(Check(VerifyTranscript(jws, inputs), "consistency").outcome, CheckOutcome::kFailed);
}

TEST_F(TranscriptTest, UnknownKidFailsAndLaterChecksAreSkipped) {
  ASSERT_OK_AND_ASSIGN(EvpPkeyPtr stranger, GenerateEcP256Key());
  ASSERT_OK_AND_ASSIGN(const std::string jws, SignTranscript(Content({1}), *stranger,
                                                             jose::JwsAlgorithm::kEs256, "ec-9"));
  const VerificationReport report = VerifyTranscript(jws, Inputs());
  EXPECT_FALSE(report.valid);
  EXPECT_EQ(Outcomes(report),
            "format=passed issuer_key=failed signature=skipped credential=skipped "
            "validity=skipped status=skipped checkpoint=skipped inclusion=skipped "
            "consistency=skipped ");
}

TEST_F(TranscriptTest, ForgedSignatureUnderTheBanksKidFails) {
  ASSERT_OK_AND_ASSIGN(EvpPkeyPtr stranger, GenerateEcP256Key());
  ASSERT_OK_AND_ASSIGN(const std::string jws, SignTranscript(Content({1}), *stranger,
                                                             jose::JwsAlgorithm::kEs256, "ec-1"));
  const VerificationReport report = VerifyTranscript(jws, Inputs());
  EXPECT_FALSE(report.valid);
  EXPECT_EQ(Check(report, "signature").outcome, CheckOutcome::kFailed);
}

TEST_F(TranscriptTest, EditedPayloadFailsTheSignature) {
  const std::string jws = Issue(Content({1}));
  const std::vector<std::string> parts = absl::StrSplit(jws, '.');
  ASSERT_EQ(parts.size(), 3u);
  std::string payload = *jose::Base64UrlDecode(parts[1]);
  const size_t at = payload.find("\"creditsEarned\":3.5");
  ASSERT_NE(at, std::string::npos);
  payload.replace(at, 19, "\"creditsEarned\":9.5");
  const std::string edited =
      absl::StrCat(parts[0], ".", jose::Base64UrlEncode(payload), ".", parts[2]);
  const VerificationReport report = VerifyTranscript(edited, Inputs());
  EXPECT_FALSE(report.valid);
  EXPECT_EQ(Check(report, "signature").outcome, CheckOutcome::kFailed);
}

TEST_F(TranscriptTest, UnsignedAndHmacTranscriptsAreRefused) {
  const std::string jws = Issue(Content({1}));
  const std::vector<std::string> parts = absl::StrSplit(jws, '.');
  for (const char* alg : {"none", "HS256", "ES384"}) {
    const std::string header =
        jose::Base64UrlEncode(Json{{"alg", alg}, {"kid", "ec-1"}, {"typ", "vc+jwt"}}.dump());
    const std::string forged = absl::StrCat(header, ".", parts[1], ".", parts[2]);
    const VerificationReport report = VerifyTranscript(forged, Inputs());
    EXPECT_FALSE(report.valid) << alg;
    EXPECT_EQ(Check(report, "signature").outcome, CheckOutcome::kFailed) << alg;
  }
}

TEST_F(TranscriptTest, AchievementThatDiffersFromItsLeafFailsInclusion) {
  ASSERT_OK_AND_ASSIGN(Json credential, TranscriptCredential(Content({1, 2})));
  credential["credentialSubject"]["achievement"][1]["creditsEarned"] = 35.0;
  const VerificationReport report = VerifyTranscript(SignRaw(credential), Inputs());
  EXPECT_FALSE(report.valid);
  EXPECT_EQ(Check(report, "inclusion").outcome, CheckOutcome::kFailed);
  EXPECT_THAT(Check(report, "inclusion").detail, HasSubstr("achievement 1"));
  EXPECT_THAT(Check(report, "inclusion").detail, HasSubstr("differs from its log leaf"));
}

TEST_F(TranscriptTest, AchievementWithAMemberMoreOrLessFailsInclusion) {
  ASSERT_OK_AND_ASSIGN(const Json issued, TranscriptCredential(Content({1, 2})));
  const auto inclusion = [&](const std::function<void(Json&)>& edit) {
    Json credential = issued;
    edit(credential["credentialSubject"]["achievement"][1]);
    return Check(VerifyTranscript(SignRaw(credential), Inputs()), "inclusion");
  };
  EXPECT_EQ(inclusion([](Json&) {}).outcome, CheckOutcome::kPassed);
  for (const auto& edit : std::vector<std::function<void(Json&)>>{
           [](Json& a) { a["honours"] = "first class"; },  // a member the leaf does not say
           [](Json& a) { a.erase("result"); },             // a member it says, withheld
           [](Json& a) { a.erase("result"); a["grade"] = "85.5/100"; },  // same count, renamed
           [](Json& a) { a["creditsEarned"] = "3.5"; }}) {  // a number as a string
    const CheckResult result = inclusion(edit);
    EXPECT_EQ(result.outcome, CheckOutcome::kFailed);
    EXPECT_THAT(result.detail, HasSubstr("achievement 1: what it shows differs from its log leaf"));
  }
}

TEST_F(TranscriptTest, AProofHashSpelledAnotherWayFailsInclusion) {
  ASSERT_OK_AND_ASSIGN(Json credential, TranscriptCredential(Content({5})));
  Json& hash = credential["credentialSubject"]["achievement"][0]["ledgerEntry"]["inclusionProof"][0];
  std::string text = hash.get<std::string>();
  ASSERT_EQ(text.size(), 44u);
  // The last character before '=' carries 2 bits nothing reads: setting
  // one spells the same 32 bytes another way, which is refused.
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  text[42] = alphabet[alphabet.find(text[42]) ^ 1];
  hash = text;
  const VerificationReport report = VerifyTranscript(SignRaw(credential), Inputs());
  EXPECT_EQ(Check(report, "inclusion").outcome, CheckOutcome::kFailed);
  EXPECT_THAT(Check(report, "inclusion").detail, HasSubstr("not 32 bytes of base64"));
  hash = text.substr(0, 43);  // no padding
  EXPECT_EQ(Check(VerifyTranscript(SignRaw(credential), Inputs()), "inclusion").outcome,
            CheckOutcome::kFailed);
}

TEST_F(TranscriptTest, AnEntryShownTwiceFailsInclusion) {
  ASSERT_OK_AND_ASSIGN(Json credential, TranscriptCredential(Content({1, 2})));
  Json& achievements = credential["credentialSubject"]["achievement"];
  achievements.push_back(achievements[0]);
  const VerificationReport report = VerifyTranscript(SignRaw(credential), Inputs());
  EXPECT_FALSE(report.valid);
  EXPECT_THAT(Check(report, "inclusion").detail, HasSubstr("achievement 2: repeats an entry"));
}

TEST_F(TranscriptTest, LeafNotInTheLogFailsInclusion) {
  TranscriptContent content = Content({3});
  ledger::v1::Entry entry = SampleCourseEntry(3);
  entry.mutable_outcome()->set_code("C3");
  entry.mutable_outcome()->set_credits_milli(9000);  // not what was logged
  content.achievements[0].leaf = hasher_.LeafBytes(entry);
  const VerificationReport report = VerifyTranscript(Issue(content), Inputs());
  EXPECT_FALSE(report.valid);
  EXPECT_EQ(Check(report, "inclusion").outcome, CheckOutcome::kFailed);
}

TEST_F(TranscriptTest, TruncatedOrDamagedProofFailsInclusion) {
  TranscriptContent truncated = Content({5});
  truncated.achievements[0].inclusion_proof.pop_back();
  EXPECT_EQ(Check(VerifyTranscript(Issue(truncated), Inputs()), "inclusion").outcome,
            CheckOutcome::kFailed);
  ASSERT_OK_AND_ASSIGN(Json credential, TranscriptCredential(Content({5})));
  credential["credentialSubject"]["achievement"][0]["ledgerEntry"]["inclusionProof"][0] = "AAAA";
  const VerificationReport report = VerifyTranscript(SignRaw(credential), Inputs());
  EXPECT_EQ(Check(report, "inclusion").outcome, CheckOutcome::kFailed);
  EXPECT_THAT(Check(report, "inclusion").detail, HasSubstr("not 32 bytes"));
}

TEST_F(TranscriptTest, CheckpointNotSignedByTheLogKeyFails) {
  ASSERT_OK_AND_ASSIGN(tlog::NoteSigner other,
                       tlog::NoteSigner::Create(kOrigin, std::string(32, '\x08')));
  TranscriptContent content = Content({1});
  ASSERT_OK_AND_ASSIGN(content.checkpoint_note,
                       other.Sign(tlog::CheckpointText({kOrigin, kLogSize, *tlog::RootHash(
                                                                               tree_, kLogSize)})));
  const VerificationReport report = VerifyTranscript(Issue(content), Inputs());
  EXPECT_EQ(Check(report, "checkpoint").outcome, CheckOutcome::kFailed);
  EXPECT_EQ(Check(report, "inclusion").outcome, CheckOutcome::kSkipped);

  VerificationInputs pinned = Inputs();
  pinned.pinned_log_key = tlog::FormatNoteVerifierKey(other.verifier_key());
  EXPECT_THAT(Check(VerifyTranscript(Issue(Content({1})), pinned), "checkpoint").detail,
              HasSubstr("not the pinned one"));
}

TEST_F(TranscriptTest, WithoutThePinnedLogKeyTheCheckpointProvesNothing) {
  VerificationInputs inputs = Inputs();
  inputs.pinned_log_key.reset();
  const VerificationReport report = VerifyTranscript(Issue(Content({1})), inputs);
  EXPECT_FALSE(report.valid);
  EXPECT_EQ(Check(report, "checkpoint").outcome, CheckOutcome::kUnknown);
  EXPECT_THAT(Check(report, "checkpoint").detail, HasSubstr("no log key was pinned"));
  // The bank publishes it with its keys.
  ASSERT_OK_AND_ASSIGN(Json jwks, jose::JwksToJson(bank_.jwks));
  EXPECT_EQ(LogKeyFromJwks(jwks.dump()), std::nullopt);
  jwks[kJwksLogKeyMember] = bank_.log_key;
  EXPECT_EQ(LogKeyFromJwks(jwks.dump()), bank_.log_key);
  EXPECT_EQ(jose::ParseJwks(jwks.dump())->size(), 2u);  // JWK readers ignore it
}

TEST_F(TranscriptTest, AnExpiredOrFutureStatusListIsUnknown) {
  VerificationInputs inputs = Inputs();
  inputs.now = absl::FromUnixSeconds(kIssuedAt + ::creditbank::testing::kSampleStatusListSeconds);
  const VerificationReport expired = VerifyTranscript(Issue(Content({1})), inputs);
  EXPECT_FALSE(expired.valid);
  EXPECT_THAT(Check(expired, "status").detail, HasSubstr("expired"));
  inputs.now = absl::FromUnixSeconds(kIssuedAt) - absl::Hours(1);
  EXPECT_THAT(Check(VerifyTranscript(Issue(Content({1})), inputs), "status").detail,
              HasSubstr("not valid yet"));
}

TEST_F(TranscriptTest, ValidityDatesAreChecked) {
  TranscriptContent content = Content({1});
  content.valid_until_unix_seconds = kIssuedAt + 3600 * 24;
  const std::string jws = Issue(content);
  VerificationInputs inputs = Inputs();
  EXPECT_TRUE(VerifyTranscript(jws, inputs).valid);
  inputs.now = absl::FromUnixSeconds(kIssuedAt + 3600 * 24);
  EXPECT_THAT(Check(VerifyTranscript(jws, inputs), "validity").detail, HasSubstr("expired"));
  inputs.now = absl::FromUnixSeconds(kIssuedAt) - absl::Hours(1);
  EXPECT_THAT(Check(VerifyTranscript(jws, inputs), "validity").detail, HasSubstr("not valid yet"));
}

TEST_F(TranscriptTest, RetiredKeyVouchesOnlyForWhatItSignedBefore) {
  const std::string jws = Issue(Content({1}));
  jwks_[0].retired_at_unix_seconds = kIssuedAt + 60;
  VerificationReport report = VerifyTranscript(jws, Inputs());
  EXPECT_TRUE(report.valid) << Outcomes(report);
  EXPECT_TRUE(report.key_retired);
  jwks_[0].retired_at_unix_seconds = kIssuedAt - 60;
  report = VerifyTranscript(jws, Inputs());
  EXPECT_FALSE(report.valid);
  EXPECT_EQ(Check(report, "issuer_key").outcome, CheckOutcome::kFailed);
}

TEST_F(TranscriptTest, IssuanceRefusesWhatIsNotTheLearnersAchievement) {
  EXPECT_THAT(TranscriptCredential(Content({})), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(TranscriptCredential(Content({7})).status().message(),
              HasSubstr("another account's"));
  EXPECT_THAT(TranscriptCredential(Content({2, 2})).status().message(),
              HasSubstr("repeats an entry"));
  TranscriptContent wrong_index = Content({2});
  wrong_index.achievements[0].leaf_index = 5;
  EXPECT_THAT(TranscriptCredential(wrong_index).status().message(), HasSubstr("leaf index"));

  ledger::v1::Entry reversal = SampleCourseEntry(41);
  reversal.mutable_outcome()->set_kind(common::v1::OUTCOME_KIND_REVERSAL);
  reversal.set_reverses_entry_id(2);
  TranscriptContent with_reversal = Content({1});
  with_reversal.achievements[0].leaf = hasher_.LeafBytes(reversal);
  with_reversal.achievements[0].leaf_index = 40;
  EXPECT_THAT(TranscriptCredential(with_reversal).status().message(), HasSubstr("reversal"));

  TranscriptContent too_many = Content({1});
  too_many.achievements.resize(kMaxTranscriptAchievements + 1, too_many.achievements[0]);
  EXPECT_THAT(TranscriptCredential(too_many).status().message(), HasSubstr("at most"));
  TranscriptContent long_name = Content({1});
  long_name.learner_name = std::string(kMaxLearnerNameBytes + 1, 'a');
  EXPECT_THAT(TranscriptCredential(long_name), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(TranscriptTest, GarbageIsAFormatFailureNeverACrash) {
  const std::string jws = Issue(Content({1}));
  for (const std::string& input :
       {std::string(), std::string("a.b.c"), std::string(jose::kMaxJwsBytes + 1, 'a'),
        jws.substr(0, jws.size() / 2), std::string("\0\xff.\x01", 4),
        jws + "." + jws}) {
    const VerificationReport report = VerifyTranscript(input, Inputs());
    EXPECT_FALSE(report.valid);
    EXPECT_NE(Check(report, "format").outcome, CheckOutcome::kPassed);
  }
  // Signed but not a transcript: the bank's key over some other JSON.
  const VerificationReport report =
      VerifyTranscript(SignRaw(Json{{"hello", "world"}}), Inputs());
  EXPECT_EQ(Check(report, "credential").outcome, CheckOutcome::kFailed);
}

TEST_F(TranscriptTest, ReportJsonListsEveryCheck) {
  const Json json = ReportToJson(VerifyTranscript(Issue(Content({1})), Inputs()));
  EXPECT_EQ(json["valid"], true);
  ASSERT_EQ(json["checks"].size(), 9u);
  EXPECT_EQ(json["checks"][0]["name"], "format");
  EXPECT_EQ(json["checks"][8]["outcome"], "unknown");
}

}  // namespace
}  // namespace creditbank::domain::transcripts
