// VerificationEngine: the public verification service's logic
// (creditbank.verification.v1). It runs the same checks as the offline
// cbverify (transcripts/transcript_verifier.h) with what the bank publishes
// right now: the JWK Set and the transcript's status list from the
// transcripts service, and the log's latest checkpoint with a consistency
// proof from the transcript's checkpoint to it. The log key is pinned to
// the log's own, so a transcript carrying a checkpoint of another log
// fails.
//
// It needs no storage and no secrets, so it scales out: published state is
// cached for kPublishedStateTtl (a revocation shows within that long; a
// key new since the last fetch is fetched at once).
#ifndef CREDITBANK_DOMAIN_VERIFICATION_ENGINE_H_
#define CREDITBANK_DOMAIN_VERIFICATION_ENGINE_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "creditbank/verification/v1/verification.pb.h"
#include "domain/jose/jwk.h"
#include "domain/log_client.h"
#include "domain/transcript_publisher.h"
#include "domain/transcripts/transcript_verifier.h"

namespace creditbank::domain {

inline constexpr absl::Duration kPublishedStateTtl = absl::Seconds(5);
// A transcript naming a key the cached JWK Set lacks (signed just after a
// rotation) fetches the set again, at most this often.
inline constexpr absl::Duration kUnknownKeyRefetchInterval = absl::Seconds(1);

class VerificationEngine {
 public:
  VerificationEngine(const TranscriptPublisher& publisher, const LogClient& log,
                     const Clock& clock)
      : publisher_(publisher), log_(log), clock_(clock) {}

  // INVALID_ARGUMENT for an empty or oversized transcript; otherwise the
  // report, whatever it says (UNAVAILABLE only when the published state
  // cannot be fetched at all).
  absl::StatusOr<verification::v1::VerificationReport> Verify(
      const verification::v1::VerifyTranscriptRequest& request);

 private:
  struct Keys {
    std::vector<jose::PublicJwk> keys;
    absl::Time fetched;
  };
  struct List {
    std::string jws;
    absl::Time fetched;
  };
  // The cached JWK Set, fetched again when older than kPublishedStateTtl,
  // or than kUnknownKeyRefetchInterval when it lacks `kid`.
  absl::StatusOr<std::shared_ptr<const Keys>> CurrentKeys(absl::string_view kid);
  std::optional<std::string> StatusList(absl::string_view list_url);

  const TranscriptPublisher& publisher_;
  const LogClient& log_;
  const Clock& clock_;
  absl::Mutex mutex_;
  std::shared_ptr<const Keys> keys_ ABSL_GUARDED_BY(mutex_);
  std::map<uint64_t, List> lists_ ABSL_GUARDED_BY(mutex_);
  // Status lists and later checkpoints already checked (bounded, keyed by
  // their exact bytes and key, thread-safe): each request then checks only
  // what its own transcript carries.
  transcripts::VerifiedStateCache verified_state_;
};

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_VERIFICATION_ENGINE_H_
