// Verifies a signed transcript with nothing but what the bank publishes:
// its JWK Set, a status list credential and, optionally, a later checkpoint
// with a consistency proof. The same code serves the public verification
// service (creditbank.verification.v1) and the offline `cbverify`, so both
// give the same report.
//
// Each check is reported on its own, in this order:
//   format       the JWS parses; typ is vc+jwt
//   issuer_key   its kid is in the JWK Set (a retired key: only for
//                transcripts valid from before it retired)
//   signature    verifies under that key, with that key's algorithm
//   credential   the payload is a transcript (docs/transcripts.md)
//   validity     validFrom <= now (with kClockSkew) < validUntil
//   status       the status list says active; revoked, suspended or
//                unknown (no list, a list not signed by the bank, another
//                list, an expired list) fails — the verdict fails closed
//   checkpoint   the embedded checkpoint opens with the log's key, pinned
//                (the JWK Set's log_verifier_key); unknown, and so not
//                valid, when no key is pinned
//   inclusion    every achievement is what its leaf says, and the leaf is
//                in the checkpoint's tree
//   consistency  the embedded checkpoint is a prefix of the later one;
//                unknown (and not a failure) when none is given
// A check that cannot run because one before it failed is "skipped". The
// verdict is valid only when every check passed (consistency may be
// unknown).
//
//   VerificationInputs inputs{.keys = &jwks, .now = absl::Now(), .status_list_jws = list};
//   VerificationReport report = VerifyTranscript(jws, inputs);
//   std::cout << ReportToJson(report).dump(2);
#ifndef CREDITBANK_DOMAIN_TRANSCRIPTS_TRANSCRIPT_VERIFIER_H_
#define CREDITBANK_DOMAIN_TRANSCRIPTS_TRANSCRIPT_VERIFIER_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "domain/jose/jwk.h"
#include "domain/tlog/checkpoint.h"
#include "domain/transcripts/status_list.h"
#include "nlohmann/json.hpp"

namespace creditbank::domain::transcripts {

// How far ahead of the verifier's clock a transcript's validFrom may be
// (the issuer's clock and the verifier's differ a little).
inline constexpr absl::Duration kClockSkew = absl::Minutes(5);

// A checkpoint newer than the transcript's, and PROOF(m, D[n]) from the
// transcript's tree size m to its size n (RFC 9162 §2.1.4).
struct LaterCheckpoint {
  std::string signed_note;
  std::vector<std::string> consistency_proof;  // 32-byte hashes
};

struct VerificationInputs {
  const std::vector<jose::PublicJwk>* keys = nullptr;  // the bank's JWK Set; required
  absl::Time now;
  // The bank's status list credential (a compact JWS); without it the
  // status is unknown, and the verdict fails.
  std::optional<std::string> status_list_jws;
  std::optional<LaterCheckpoint> later_checkpoint;
  // The log's note verifier key, from the bank's JWK Set (LogKeyFromJwks)
  // or out of band: the transcript's log key must be this one. Without it
  // the checkpoint is unknown and the verdict not valid.
  std::optional<std::string> pinned_log_key;
};

enum class CheckOutcome { kPassed, kFailed, kUnknown, kSkipped };

struct CheckResult {
  std::string name;
  CheckOutcome outcome = CheckOutcome::kSkipped;
  std::string detail;  // why, in words; never quotes the transcript's content
};

struct VerificationReport {
  bool valid = false;
  std::vector<CheckResult> checks;  // always all nine, in the order above
  // What the transcript says, once its signature verified.
  std::string transcript_id;
  std::string subject_id;
  std::string key_id;
  bool key_retired = false;
  std::string status;  // "active", "revoked", "suspended", "unknown"
  size_t achievements = 0;
  uint64_t checkpoint_tree_size = 0;
};

VerificationReport VerifyTranscript(absl::string_view jws, const VerificationInputs& inputs);

// What checking the published state a verifier is given found — the status
// list credential (a signature, strict JSON, GZIP) and the later checkpoint
// (an Ed25519 note) — kept, so that a verifier checking many transcripts
// against the same state (the verification service, a batch of cbverify)
// does that work once. Entries are keyed by the exact bytes checked and the
// exact key that checked them: other bytes, or another key under the same
// kid, are checked in full. Only successes are kept; what depends on the
// time (a list's validity window) or on the transcript (its entry's bit,
// the consistency proof) is checked on every call. Nothing the transcript
// itself carries is kept. Thread-safe.
class VerifiedStateCache {
 public:
  // The bank keeps one status list per 131,072 transcripts, and a verifier
  // follows one log: a few entries cover any real use. Bounds the memory
  // (a status list entry keeps its JWS and bits, at most about 1 MiB each).
  static constexpr size_t kMaxCachedStatusLists = 8;
  static constexpr size_t kMaxCachedCheckpoints = 8;

  VerifiedStateCache() = default;
  VerifiedStateCache(const VerifiedStateCache&) = delete;
  VerifiedStateCache& operator=(const VerifiedStateCache&) = delete;

  // VerifyStatusListCredential(jws, keys, expected_issuer_id), from memory
  // when these bytes verified for this issuer under the key their kid names
  // in `keys` (same algorithm, same public key).
  absl::StatusOr<std::shared_ptr<const StatusListCredential>> StatusList(
      absl::string_view jws, const std::vector<jose::PublicJwk>& keys,
      absl::string_view expected_issuer_id);

  // The checkpoint in the signed note `note`, opened with `key`
  // (tlog::OpenNote, then tlog::ParseCheckpoint of origin key.name), from
  // memory when these bytes opened with this key before.
  absl::StatusOr<tlog::Checkpoint> OpenCheckpoint(absl::string_view note,
                                                  const tlog::NoteVerifierKey& key);

 private:
  struct StatusListEntryInCache {
    std::string jws;
    std::string issuer_id;
    std::string kid;
    jose::JwsAlgorithm algorithm;
    EvpPkeyPtr key;  // a reference to the public key that verified it
    std::shared_ptr<const StatusListCredential> list;
  };
  struct CheckpointEntryInCache {
    std::string note;
    tlog::NoteVerifierKey key;
    tlog::Checkpoint checkpoint;
  };

  absl::Mutex mutex_;
  // Oldest first; the oldest goes when a new entry needs room.
  std::deque<StatusListEntryInCache> status_lists_ ABSL_GUARDED_BY(mutex_);
  std::deque<CheckpointEntryInCache> checkpoints_ ABSL_GUARDED_BY(mutex_);
};

// VerifyTranscript, with the published state in `inputs` checked through
// `cache`: the same report, every check run, for less work per transcript.
//
//   VerifiedStateCache cache;  // one per verifier, shared by its threads
//   for (const std::string& jws : batch) reports.push_back(VerifyTranscript(jws, inputs, cache));
VerificationReport VerifyTranscript(absl::string_view jws, const VerificationInputs& inputs,
                                    VerifiedStateCache& cache);

absl::string_view CheckOutcomeName(CheckOutcome outcome);  // "passed", ...

// The member of the bank's published JWK Set that carries its transparency
// log's note verifier key beside the transcript keys (RFC 7517 §5 lets a
// set have more members; JOSE libraries ignore it).
inline constexpr const char* kJwksLogKeyMember = "log_verifier_key";
// That key, or nullopt when `jwks_text` has none (or is no JSON object).
std::optional<std::string> LogKeyFromJwks(absl::string_view jwks_text);
// {"valid":true,"checks":[{"name":"format","outcome":"passed","detail":""},...],...}
nlohmann::json ReportToJson(const VerificationReport& report);

}  // namespace creditbank::domain::transcripts

#endif  // CREDITBANK_DOMAIN_TRANSCRIPTS_TRANSCRIPT_VERIFIER_H_
