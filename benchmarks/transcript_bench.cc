// Transcript issuance and offline verification per second on one core,
// next to the raw signature operations they are built on, for the speed
// targets of the transcripts issue (scripts/transcript_speed.sh sets them
// beside `openssl speed ecdsap256 ed25519`):
//   BM_SignTranscript/<alg>    SignTranscript of 20 entries: the credential
//                              JSON (each leaf parsed and shown again), its
//                              dump, base64url and the signature;
//   BM_VerifyTranscript/<alg>  VerifyTranscript with every check running:
//                              a status list signed with the same algorithm
//                              and a later checkpoint with its consistency
//                              proof, as an offline verifier is given them;
//   BM_VerifyTranscriptCached/<alg>  the same through a VerifiedStateCache,
//                              as a verifier of many transcripts against one
//                              published state runs it;
//   BM_RawSign/<alg>, BM_RawVerify/<alg>  Es256Sign/Ed25519Sign and their
//                              verifies over the transcript's own signing
//                              input (same bytes, so same hashing work);
//   BM_Raw*Short/<alg>         the same over 20 bytes, the message `openssl
//                              speed` signs, to tell wrapper overhead apart
//                              from hashing a long message.
// The rest take a verification apart, to show where its time goes.
//
//   build/bin/transcript_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only
#include <benchmark/benchmark.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/status_macros.h"
#include "domain/crypto/ec_p256.h"
#include "domain/crypto/ed25519.h"
#include "domain/jose/jwk.h"
#include "domain/jose/jws.h"
#include "domain/jose/strict_json.h"
#include "domain/tlog/checkpoint.h"
#include "domain/tlog/leaf.h"
#include "domain/tlog/merkle.h"
#include "domain/transcripts/achievement.h"
#include "domain/transcripts/status_list.h"
#include "domain/transcripts/transcript.h"
#include "domain/transcripts/transcript_verifier.h"
#include "tests/testing/sample_entry.h"

namespace creditbank::domain::transcripts {
namespace {

using jose::JwsAlgorithm;

// The transcript: 20 entries.
constexpr size_t kTranscriptEntries = 20;
// The transcript's checkpoint: a log of a realistic order of size, so each
// inclusion proof has 16 or 17 hashes (a 2^20 log would have 20, but takes
// too long to build for a benchmark that CI also runs).
constexpr uint64_t kLogSize = 100'000;
// The verifier's later checkpoint, and the consistency proof up to it.
constexpr uint64_t kLaterLogSize = 120'000;
// The learner's entries lie this far apart in the log, so their proofs
// share few nodes (as a learner's entries of different years would).
constexpr uint64_t kLearnerEntryStride = kLogSize / kTranscriptEntries;
constexpr char kLearnerAccount[] = "6212345678901232";
constexpr char kOtherAccount[] = "6212345678901240";
constexpr char kIssuerId[] = "https://bank.example.cn";
constexpr char kListUrl[] = "https://bank.example.cn/status/1";
constexpr char kLogOrigin[] = "bank.example.cn/log";
constexpr uint64_t kStatusIndex = 4242;
// One transcript in this many is revoked on the list, so the list is not
// all zeros (a little more to inflate, as a real one would be).
constexpr uint64_t kRevokedEvery = 97;
constexpr int64_t kIssuedAt = 1'796'000'000;  // 2026-11-30T00:53:20Z
// The verifier checks a day after issuance.
constexpr absl::Duration kCheckedAfter = absl::Hours(24);
// `openssl speed` signs and verifies 20 bytes.
constexpr size_t kOpensslSpeedMessageBytes = 20;

// What one signing key of the bank issues: a status list and a transcript,
// both signed with it.
struct Issuer {
  JwsAlgorithm algorithm;
  std::string kid;
  EvpPkeyPtr key;
  std::string public_key_raw;  // Ed25519 only: what Ed25519Verify takes
  std::string status_list_jws;
  std::string transcript_jws;
  std::string signing_input;  // the transcript's, what its signature covers
};

// The bank as an offline verifier sees it, plus what it issues from.
struct Bank {
  TranscriptContent content;
  std::vector<jose::PublicJwk> jwks;
  LaterCheckpoint later;
  Issuer es256;
  Issuer eddsa;
  double proof_hashes_per_entry = 0;

  const Issuer& For(JwsAlgorithm algorithm) const {
    return algorithm == JwsAlgorithm::kEs256 ? es256 : eddsa;
  }
  VerificationInputs Inputs(const Issuer& issuer) const {
    return {.keys = &jwks,
            .now = absl::FromUnixSeconds(kIssuedAt) + kCheckedAfter,
            .status_list_jws = issuer.status_list_jws,
            .later_checkpoint = later,
            .pinned_log_key = content.log_verifier_key};
  }
};

// Real leaves of the learner's entries (every kLearnerEntryStride-th) and
// of other accounts' entries in between, as the sequencer makes them.
tlog::MemoryTree BuildLog(std::vector<std::string>& learner_leaves) {
  const tlog::LeafHasher hasher(tlog::LeafSaltKey(std::string(32, 's')));
  tlog::MemoryTree tree;
  ledger::v1::Entry entry = testing::SampleCourseEntry(1);
  for (uint64_t id = 1; id <= kLaterLogSize; ++id) {
    const bool learners = (id - 1) % kLearnerEntryStride == 0 && id <= kLogSize;
    entry.set_entry_id(id);
    entry.mutable_outcome()->set_code(absl::StrCat("C", id));
    entry.mutable_outcome()->set_account_number(learners ? kLearnerAccount : kOtherAccount);
    std::string leaf = hasher.LeafBytes(entry);
    tree.AppendLeafHash(tlog::LeafHash(leaf));
    if (learners) learner_leaves.push_back(std::move(leaf));
  }
  return tree;
}

absl::Status AddIssuer(Issuer& issuer, JwsAlgorithm algorithm, std::string kid,
                       const TranscriptContent& content, std::vector<jose::PublicJwk>& jwks) {
  issuer.algorithm = algorithm;
  issuer.kid = std::move(kid);
  if (algorithm == JwsAlgorithm::kEs256) {
    ASSIGN_OR_RETURN(issuer.key, GenerateEcP256Key());
  } else {
    ASSIGN_OR_RETURN(issuer.key, GenerateEd25519Key());
    ASSIGN_OR_RETURN(issuer.public_key_raw, Ed25519PublicKey(*issuer.key));
  }
  ASSIGN_OR_RETURN(jose::PublicJwk jwk,
                   jose::PublicJwkFromPrivateKey(*issuer.key, algorithm, issuer.kid));
  jwks.push_back(std::move(jwk));

  // Signed when the verifier checks (status lists expire after a day).
  const int64_t signed_at = kIssuedAt + absl::ToInt64Seconds(kCheckedAfter);
  StatusListCredential list{kListUrl, kIssuerId, kStatusPurposeRevocation, signed_at,
                            signed_at + 86'400, {}};
  for (uint64_t index = 0; index < list.bits.size(); index += kRevokedEvery) {
    RETURN_IF_ERROR(list.bits.Set(index, true));
  }
  RETURN_IF_ERROR(list.bits.Set(kStatusIndex, false));  // this transcript is active
  ASSIGN_OR_RETURN(issuer.status_list_jws,
                   SignStatusListCredential(list, *issuer.key, algorithm, issuer.kid));
  ASSIGN_OR_RETURN(issuer.transcript_jws,
                   SignTranscript(content, *issuer.key, algorithm, issuer.kid));
  issuer.signing_input = issuer.transcript_jws.substr(0, issuer.transcript_jws.rfind('.'));
  return absl::OkStatus();
}

absl::StatusOr<Bank> BuildBank() {
  Bank bank;
  std::vector<std::string> leaves;
  const tlog::MemoryTree tree = BuildLog(leaves);
  ASSIGN_OR_RETURN(tlog::NoteSigner signer,
                   tlog::NoteSigner::Create(kLogOrigin, std::string(32, '\x07')));
  ASSIGN_OR_RETURN(const std::string root, tlog::RootHash(tree, kLogSize));
  ASSIGN_OR_RETURN(const std::string later_root, tlog::RootHash(tree, kLaterLogSize));
  ASSIGN_OR_RETURN(const std::string checkpoint,
                   signer.Sign(tlog::CheckpointText({kLogOrigin, kLogSize, root})));
  ASSIGN_OR_RETURN(bank.later.signed_note,
                   signer.Sign(tlog::CheckpointText({kLogOrigin, kLaterLogSize, later_root})));
  ASSIGN_OR_RETURN(bank.later.consistency_proof,
                   tlog::ConsistencyProof(tree, kLogSize, kLaterLogSize));

  TranscriptContent& content = bank.content;
  content.transcript_number = 17;
  content.issuer = {kIssuerId, "重庆市终身学习学分银行"};
  content.account_number = kLearnerAccount;
  content.learner_name = "张伟";
  content.valid_from_unix_seconds = kIssuedAt;
  content.checkpoint_note = checkpoint;
  content.log_verifier_key = tlog::FormatNoteVerifierKey(signer.verifier_key());
  content.status = {kListUrl, kStatusIndex, kStatusPurposeRevocation};
  size_t proof_hashes = 0;
  for (size_t i = 0; i < leaves.size(); ++i) {
    TranscriptAchievement achievement;
    achievement.leaf = std::move(leaves[i]);
    achievement.institution_name = "重庆工程职业技术学院";
    achievement.leaf_index = i * kLearnerEntryStride;
    ASSIGN_OR_RETURN(achievement.inclusion_proof,
                     tlog::InclusionProof(tree, achievement.leaf_index, kLogSize));
    proof_hashes += achievement.inclusion_proof.size();
    content.achievements.push_back(std::move(achievement));
  }
  bank.proof_hashes_per_entry =
      static_cast<double>(proof_hashes) / static_cast<double>(leaves.size());
  RETURN_IF_ERROR(AddIssuer(bank.es256, JwsAlgorithm::kEs256, "ec-1", content, bank.jwks));
  RETURN_IF_ERROR(AddIssuer(bank.eddsa, JwsAlgorithm::kEdDsa, "ed-1", content, bank.jwks));
  return bank;
}

// Built once, on first use, outside any timed loop.
const absl::StatusOr<Bank>& TheBank() {
  static const auto* const bank = new absl::StatusOr<Bank>(BuildBank());
  return *bank;
}

// The bank, or nullptr with the benchmark skipped: a benchmark without its
// data would measure nothing.
const Bank* BankOrSkip(benchmark::State& state) {
  const absl::StatusOr<Bank>& bank = TheBank();
  if (bank.ok()) return &*bank;
  state.SkipWithError(absl::StrCat("building the bank: ", bank.status().ToString()).c_str());
  return nullptr;
}

void Count(benchmark::State& state, const Issuer& issuer) {
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["transcript_bytes"] = static_cast<double>(issuer.transcript_jws.size());
  state.counters["message_bytes"] = static_cast<double>(issuer.signing_input.size());
}

void BM_SignTranscript(benchmark::State& state, JwsAlgorithm algorithm) {
  const Bank* bank = BankOrSkip(state);
  if (bank == nullptr) return;
  const Issuer& issuer = bank->For(algorithm);
  for (auto _ : state) {
    absl::StatusOr<std::string> jws =
        SignTranscript(bank->content, *issuer.key, algorithm, issuer.kid);
    if (!jws.ok()) return state.SkipWithError(jws.status().ToString().c_str());
    benchmark::DoNotOptimize(jws);
  }
  Count(state, issuer);
  state.counters["entries"] = static_cast<double>(bank->content.achievements.size());
  state.counters["proof_hashes_per_entry"] = bank->proof_hashes_per_entry;
}
BENCHMARK_CAPTURE(BM_SignTranscript, ES256, JwsAlgorithm::kEs256);
BENCHMARK_CAPTURE(BM_SignTranscript, EdDSA, JwsAlgorithm::kEdDsa);

// Whether every check of `report` passed; else the benchmark is skipped
// with the first check that did not.
bool EveryCheckPassed(benchmark::State& state, const VerificationReport& report) {
  for (const CheckResult& check : report.checks) {
    if (check.outcome != CheckOutcome::kPassed) {
      state.SkipWithError(absl::StrCat("check ", check.name, " ", CheckOutcomeName(check.outcome),
                                       ": ", check.detail)
                              .c_str());
      return false;
    }
  }
  if (!report.valid) {
    state.SkipWithError("every check passed, yet the report is not valid");
    return false;
  }
  return true;
}

void BM_VerifyTranscript(benchmark::State& state, JwsAlgorithm algorithm) {
  const Bank* bank = BankOrSkip(state);
  if (bank == nullptr) return;
  const Issuer& issuer = bank->For(algorithm);
  const VerificationInputs inputs = bank->Inputs(issuer);
  // Every check must pass (consistency included): timing a verification
  // that stops early would flatter the verifier.
  if (!EveryCheckPassed(state, VerifyTranscript(issuer.transcript_jws, inputs))) return;
  for (auto _ : state) {
    benchmark::DoNotOptimize(VerifyTranscript(issuer.transcript_jws, inputs));
  }
  Count(state, issuer);
}
BENCHMARK_CAPTURE(BM_VerifyTranscript, ES256, JwsAlgorithm::kEs256);
BENCHMARK_CAPTURE(BM_VerifyTranscript, EdDSA, JwsAlgorithm::kEdDsa);

// As a verifier of many transcripts against the same published state does
// it (the verification service, a cbverify batch): through a
// VerifiedStateCache, so the status list and the later checkpoint are
// checked once, not per transcript. Every check still runs and must pass.
void BM_VerifyTranscriptCached(benchmark::State& state, JwsAlgorithm algorithm) {
  const Bank* bank = BankOrSkip(state);
  if (bank == nullptr) return;
  const Issuer& issuer = bank->For(algorithm);
  const VerificationInputs inputs = bank->Inputs(issuer);
  VerifiedStateCache cache;
  if (!EveryCheckPassed(state, VerifyTranscript(issuer.transcript_jws, inputs, cache))) return;
  for (auto _ : state) {
    benchmark::DoNotOptimize(VerifyTranscript(issuer.transcript_jws, inputs, cache));
  }
  Count(state, issuer);
}
BENCHMARK_CAPTURE(BM_VerifyTranscriptCached, ES256, JwsAlgorithm::kEs256);
BENCHMARK_CAPTURE(BM_VerifyTranscriptCached, EdDSA, JwsAlgorithm::kEdDsa);

absl::StatusOr<std::string> RawSign(const Issuer& issuer, absl::string_view message) {
  return issuer.algorithm == JwsAlgorithm::kEs256 ? Es256Sign(*issuer.key, message)
                                                  : Ed25519Sign(*issuer.key, message);
}

bool RawVerify(const Issuer& issuer, absl::string_view message, absl::string_view signature) {
  return issuer.algorithm == JwsAlgorithm::kEs256
             ? Es256Verify(*issuer.key, message, signature)
             : Ed25519Verify(issuer.public_key_raw, message, signature);
}

// The transcript's signing input, or `openssl speed`'s 20 bytes.
std::string RawMessage(const Issuer& issuer, bool short_message) {
  return short_message ? std::string(kOpensslSpeedMessageBytes, 'm') : issuer.signing_input;
}

void RunRawSign(benchmark::State& state, JwsAlgorithm algorithm, bool short_message) {
  const Bank* bank = BankOrSkip(state);
  if (bank == nullptr) return;
  const Issuer& issuer = bank->For(algorithm);
  const std::string message = RawMessage(issuer, short_message);
  for (auto _ : state) {
    absl::StatusOr<std::string> signature = RawSign(issuer, message);
    if (!signature.ok()) return state.SkipWithError(signature.status().ToString().c_str());
    benchmark::DoNotOptimize(signature);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["message_bytes"] = static_cast<double>(message.size());
}
void BM_RawSign(benchmark::State& state, JwsAlgorithm algorithm) {
  RunRawSign(state, algorithm, false);
}
void BM_RawSignShort(benchmark::State& state, JwsAlgorithm algorithm) {
  RunRawSign(state, algorithm, true);
}
BENCHMARK_CAPTURE(BM_RawSign, ES256, JwsAlgorithm::kEs256);
BENCHMARK_CAPTURE(BM_RawSign, EdDSA, JwsAlgorithm::kEdDsa);
BENCHMARK_CAPTURE(BM_RawSignShort, ES256, JwsAlgorithm::kEs256);
BENCHMARK_CAPTURE(BM_RawSignShort, EdDSA, JwsAlgorithm::kEdDsa);

void RunRawVerify(benchmark::State& state, JwsAlgorithm algorithm, bool short_message) {
  const Bank* bank = BankOrSkip(state);
  if (bank == nullptr) return;
  const Issuer& issuer = bank->For(algorithm);
  const std::string message = RawMessage(issuer, short_message);
  const absl::StatusOr<std::string> signature = RawSign(issuer, message);
  if (!signature.ok() || !RawVerify(issuer, message, *signature)) {
    return state.SkipWithError("the raw signature does not verify");
  }
  for (auto _ : state) benchmark::DoNotOptimize(RawVerify(issuer, message, *signature));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["message_bytes"] = static_cast<double>(message.size());
}
void BM_RawVerify(benchmark::State& state, JwsAlgorithm algorithm) {
  RunRawVerify(state, algorithm, false);
}
void BM_RawVerifyShort(benchmark::State& state, JwsAlgorithm algorithm) {
  RunRawVerify(state, algorithm, true);
}
BENCHMARK_CAPTURE(BM_RawVerify, ES256, JwsAlgorithm::kEs256);
BENCHMARK_CAPTURE(BM_RawVerify, EdDSA, JwsAlgorithm::kEdDsa);
BENCHMARK_CAPTURE(BM_RawVerifyShort, ES256, JwsAlgorithm::kEs256);
BENCHMARK_CAPTURE(BM_RawVerifyShort, EdDSA, JwsAlgorithm::kEdDsa);

// ---- Parts of a verification (and of issuance), through the same public
// APIs the verifier calls, to say where the time goes.

// Once per transcript today: signature, strict JSON, and 16 KiB inflated.
void BM_PartStatusList(benchmark::State& state, JwsAlgorithm algorithm) {
  const Bank* bank = BankOrSkip(state);
  if (bank == nullptr) return;
  const Issuer& issuer = bank->For(algorithm);
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        VerifyStatusListCredential(issuer.status_list_jws, bank->jwks, kIssuerId));
  }
}
BENCHMARK_CAPTURE(BM_PartStatusList, ES256, JwsAlgorithm::kEs256);
BENCHMARK_CAPTURE(BM_PartStatusList, EdDSA, JwsAlgorithm::kEdDsa);

// The transcript's checkpoint, as the verifier opens it.
absl::StatusOr<tlog::Checkpoint> OpenCheckpoint(const TranscriptContent& content) {
  ASSIGN_OR_RETURN(const tlog::NoteVerifierKey key,
                   tlog::ParseNoteVerifierKey(content.log_verifier_key));
  ASSIGN_OR_RETURN(const std::string text, tlog::OpenNote(content.checkpoint_note, key));
  return tlog::ParseCheckpoint(text, key.name);
}

// Twice per transcript: its checkpoint and the later one (Ed25519 notes).
void BM_PartOpenCheckpoint(benchmark::State& state) {
  const Bank* bank = BankOrSkip(state);
  if (bank == nullptr) return;
  if (!OpenCheckpoint(bank->content).ok()) return state.SkipWithError("the checkpoint is refused");
  for (auto _ : state) benchmark::DoNotOptimize(OpenCheckpoint(bank->content));
}
BENCHMARK(BM_PartOpenCheckpoint);

// The JWS split and base64url-decoded (the payload is most of it).
void BM_PartParseJws(benchmark::State& state) {
  const Bank* bank = BankOrSkip(state);
  if (bank == nullptr) return;
  for (auto _ : state) benchmark::DoNotOptimize(jose::ParseCompactJws(bank->es256.transcript_jws));
}
BENCHMARK(BM_PartParseJws);

// The payload parsed as strict JSON.
void BM_PartParsePayload(benchmark::State& state) {
  const Bank* bank = BankOrSkip(state);
  if (bank == nullptr) return;
  const absl::StatusOr<jose::ParsedJws> parsed = jose::ParseCompactJws(bank->es256.transcript_jws);
  if (!parsed.ok()) return state.SkipWithError(parsed.status().ToString().c_str());
  for (auto _ : state) benchmark::DoNotOptimize(jose::ParseStrictJsonObject(parsed->payload));
  state.counters["payload_bytes"] = static_cast<double>(parsed->payload.size());
}
BENCHMARK(BM_PartParsePayload);

// Every leaf parsed and its achievement built again (compared, in the
// verifier, with what the transcript shows).
void BM_PartRebuildAchievements(benchmark::State& state) {
  const Bank* bank = BankOrSkip(state);
  if (bank == nullptr) return;
  for (auto _ : state) {
    for (const TranscriptAchievement& item : bank->content.achievements) {
      absl::StatusOr<LedgerLeaf> leaf = ParseLedgerLeaf(item.leaf);
      benchmark::DoNotOptimize(AchievementJson(*leaf, item.institution_name));
    }
  }
}
BENCHMARK(BM_PartRebuildAchievements);

// Every leaf hashed and its inclusion proof checked.
void BM_PartInclusionProofs(benchmark::State& state) {
  const Bank* bank = BankOrSkip(state);
  if (bank == nullptr) return;
  const absl::StatusOr<tlog::Checkpoint> checkpoint = OpenCheckpoint(bank->content);
  if (!checkpoint.ok()) return state.SkipWithError(checkpoint.status().ToString().c_str());
  for (auto _ : state) {
    for (const TranscriptAchievement& item : bank->content.achievements) {
      benchmark::DoNotOptimize(tlog::VerifyInclusion(tlog::LeafHash(item.leaf), item.leaf_index,
                                                     kLogSize, item.inclusion_proof,
                                                     checkpoint->root_hash));
    }
  }
}
BENCHMARK(BM_PartInclusionProofs);

// The credential serialised, as SignTranscript does it (jose::DumpJson,
// the bytes nlohmann's dump() writes).
void BM_PartDumpCredential(benchmark::State& state) {
  const Bank* bank = BankOrSkip(state);
  if (bank == nullptr) return;
  const absl::StatusOr<nlohmann::json> credential = TranscriptCredential(bank->content);
  if (!credential.ok()) return state.SkipWithError(credential.status().ToString().c_str());
  for (auto _ : state) benchmark::DoNotOptimize(jose::DumpJson(*credential));
}
BENCHMARK(BM_PartDumpCredential);

// Issuance without the signature and serialisation: the credential JSON.
void BM_PartTranscriptCredential(benchmark::State& state) {
  const Bank* bank = BankOrSkip(state);
  if (bank == nullptr) return;
  for (auto _ : state) benchmark::DoNotOptimize(TranscriptCredential(bank->content));
}
BENCHMARK(BM_PartTranscriptCredential);

}  // namespace
}  // namespace creditbank::domain::transcripts

BENCHMARK_MAIN();
