// TranscriptsEngine: the transcripts service's logic (creditbank.transcripts.v1,
// docs/transcripts.md). Transcripts, signing keys and status lists live in
// this process's store (`local`, written through its sequencer, table
// `transcripts`); entries and institutions are read from the core, and
// checkpoints and inclusion proofs from the log — in process, or over gRPC
// (creditbankd --services=transcripts --core=HOST:PORT).
//
// Issuing does the slow parts — reading entries, fetching proofs, building
// and signing the credential — before and outside the sequencer, and then
// commits the record (transcript, account index, idempotency key) as one
// command, so concurrent issues share one synced write. Transcript numbers
// are reserved from memory (the engine is the table's only writer); a
// number whose command found its request id already used is simply never
// stored.
//
// Store layout (table transcripts; numbers u64 big-endian):
//   c                         -> the current signing key's kid
//   k/<kid>                   -> storage.v1.TranscriptKeyRecord (sealed)
//   n                         -> the highest number stored
//   t/<number>                -> transcripts.v1.Transcript
//   a/<account>/<number>      -> ""   (an account's transcripts)
//   i/<account>/<request id>  -> number (idempotency)
//   s/<list>                  -> status list bits (16 KiB per 131,072 transcripts)
//
//   ASSIGN_OR_RETURN(auto engine, TranscriptsEngine::Open(local, core, log, keys.kek, config, clock));
//   ASSIGN_OR_RETURN(transcripts::v1::Transcript t, engine->Issue(request));
#ifndef CREDITBANK_DOMAIN_TRANSCRIPTS_ENGINE_H_
#define CREDITBANK_DOMAIN_TRANSCRIPTS_ENGINE_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "creditbank/transcripts/v1/transcripts.pb.h"
#include "domain/core.h"
#include "domain/core_client.h"
#include "domain/log_client.h"
#include "domain/programme_source.h"
#include "domain/transcript_keys.h"
#include "domain/transcript_publisher.h"
#include "domain/transcripts/transcript.h"

namespace creditbank::domain {

namespace transcripts_api = ::creditbank::transcripts::v1;

// Transcripts per ListTranscripts page.
inline constexpr uint32_t kDefaultTranscriptPageSize = 50;
inline constexpr uint32_t kMaxTranscriptPageSize = 500;
// Fifty years: longer than any validity a transcript needs.
inline constexpr int64_t kMaxTranscriptValidSeconds = int64_t{50} * 366 * 24 * 3600;
// Active transcripts one ReviewReversals call looks at (it resumes where it
// stopped next time).
inline constexpr size_t kMaxTranscriptsPerReview = 10'000;
// A signed status list is valid this long (its validUntil): a verifier
// must not use an older one, so a revocation reaches every verifier within
// it, and a holder cannot keep showing a list from before their
// revocation. The service signs a fresh one when its copy is older than
// kStatusListRefresh, so what it hands out has most of a day to run.
inline constexpr absl::Duration kStatusListValidity = absl::Hours(24);
inline constexpr absl::Duration kStatusListRefresh = absl::Hours(1);
// Signing keys the JWK Set may hold (jose::kMaxJwksKeys).
inline constexpr size_t kMaxTranscriptSigningKeys = 64;

struct TranscriptsConfig {
  // The issuer's id, an https URL ("https://creditbank.cq.gov.cn"); status
  // lists are published as <issuer_id>/status/<list>.
  std::string issuer_id;
  std::string issuer_name;
};

class TranscriptsEngine final : public TranscriptPublisher {
 public:
  // Loads (or, on first start, creates) the signing keys. DATA_LOSS when a
  // stored key does not open with `key_encryption_key`. `programmes`: the
  // rules service, for transcripts over a programme's progress; null: this
  // deployment has none (such requests are FAILED_PRECONDITION).
  static absl::StatusOr<std::unique_ptr<TranscriptsEngine>> Open(
      Core& local, CoreClient& core, const LogClient& log, std::string key_encryption_key,
      TranscriptsConfig config, const Clock& clock, ProgrammeSource* programmes = nullptr);

  absl::StatusOr<transcripts_api::Transcript> Issue(
      const transcripts_api::IssueTranscriptRequest& request);
  // NOT_FOUND (TRANSCRIPT_NOT_FOUND) naming "number".
  absl::StatusOr<transcripts_api::Transcript> Get(uint64_t number) const;
  absl::StatusOr<transcripts_api::ListTranscriptsResponse> List(
      const transcripts_api::ListTranscriptsRequest& request) const;
  absl::StatusOr<transcripts_api::Transcript> Revoke(
      const transcripts_api::RevokeTranscriptRequest& request);
  absl::StatusOr<transcripts_api::Jwks> GetJwks() const override;
  absl::StatusOr<transcripts_api::StatusList> GetStatusList(
      const transcripts_api::GetStatusListRequest& request) const override;
  absl::StatusOr<transcripts_api::Jwks> RotateSigningKey(
      const transcripts_api::RotateSigningKeyRequest& request);
  // Flags active transcripts holding an entry reversed since they were
  // issued (needs_review); returns how many were newly flagged.
  absl::StatusOr<size_t> ReviewReversals();

  const TranscriptsConfig& config() const { return config_; }

 private:
  TranscriptsEngine(Core& local, CoreClient& core, const LogClient& log, std::string kek,
                    TranscriptsConfig config, const Clock& clock, ProgrammeSource* programmes)
      : local_(local),
        core_(core),
        log_(log),
        kek_(std::move(kek)),
        config_(std::move(config)),
        clock_(clock),
        programmes_(programmes) {}

  // What a transcript shows: the entries, and the programme's progress
  // when issued over one.
  struct Selection {
    std::vector<uint64_t> entry_ids;
    std::optional<transcripts::ProgrammeProgress> programme;
  };
  absl::StatusOr<Selection> Select(const transcripts_api::IssueTranscriptRequest& request);

  absl::Status LoadKeys();
  absl::Status CreateFirstKey();
  // The current key (shared: rotation swaps it while issues sign).
  std::shared_ptr<const SigningKey> CurrentKey() const;
  absl::StatusOr<transcripts_api::Jwks> JwksLocked() const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(keys_mutex_);
  // The log's note verifier key, published in the JWK Set.
  absl::StatusOr<std::string> LogKey() const;
  absl::StatusOr<transcripts_api::Transcript> Build(
      const transcripts_api::IssueTranscriptRequest& request, Selection selection,
      uint64_t number);
  absl::Status Change(std::function<absl::Status(UnitOfWork&)> body);
  std::string StatusListUrl(uint64_t list) const;

  Core& local_;
  CoreClient& core_;
  const LogClient& log_;
  const std::string kek_;
  const TranscriptsConfig config_;
  const Clock& clock_;
  ProgrammeSource* const programmes_;

  mutable absl::Mutex keys_mutex_;
  std::vector<std::shared_ptr<const SigningKey>> keys_ ABSL_GUARDED_BY(keys_mutex_);
  std::shared_ptr<const SigningKey> current_ ABSL_GUARDED_BY(keys_mutex_);

  std::atomic<uint64_t> next_number_{1};

  mutable absl::Mutex log_key_mutex_;
  mutable std::string log_key_ ABSL_GUARDED_BY(log_key_mutex_);

  mutable absl::Mutex status_mutex_;
  // Signed status lists, until a revocation or key rotation changes them.
  struct SignedList {
    transcripts_api::StatusList list;
    absl::Time signed_at;
  };
  mutable std::map<uint64_t, SignedList> signed_lists_ ABSL_GUARDED_BY(status_mutex_);

  absl::Mutex review_mutex_;
  uint64_t review_after_ ABSL_GUARDED_BY(review_mutex_) = 0;
};

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_TRANSCRIPTS_ENGINE_H_
