#include "domain/verification_engine.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"
#include "domain/errors.h"
#include "domain/jose/jws.h"
#include "domain/jose/strict_json.h"
#include "domain/transcripts/transcript_verifier.h"

namespace creditbank::domain {
namespace {

namespace verification_api = ::creditbank::verification::v1;
using Json = nlohmann::json;

constexpr absl::string_view kStatusPathMarker = "/status/";

// What the (not yet verified) transcript names, to know what to fetch:
// the status list it points at and its checkpoint's tree size. Nothing
// here is trusted; VerifyTranscript checks it all again.
struct Hints {
  std::string kid;
  bool signed_by_a_published_key = false;
  std::string status_list_url;
  std::optional<uint64_t> tree_size;
};

// `keys`: the published JWK Set; nullptr to learn only the kid. Nothing
// is read from the payload unless its signature verifies under one of
// them, so a caller without the bank's key makes the log do no work.
Hints ReadHints(absl::string_view jws, const std::vector<jose::PublicJwk>* keys) {
  Hints hints;
  absl::StatusOr<jose::ParsedJws> parsed = jose::ParseCompactJws(jws);
  if (!parsed.ok()) return hints;
  hints.kid = parsed->kid;
  if (keys == nullptr) return hints;
  absl::StatusOr<const jose::PublicJwk*> key = jose::FindKey(*keys, parsed->kid);
  if (!key.ok() || !jose::VerifyJwsSignature(*parsed, **key).ok()) return hints;
  hints.signed_by_a_published_key = true;
  const std::optional<Json> payload = jose::ParseStrictJsonObject(parsed->payload);
  if (!payload.has_value()) return hints;
  const Json status = payload->value("credentialStatus", Json());
  if (status.is_object() && status.value("statusListCredential", Json()).is_string()) {
    hints.status_list_url = status["statusListCredential"].get<std::string>();
  }
  const Json log = payload->value("transparencyLog", Json());
  if (log.is_object() && log.value("checkpoint", Json()).is_string()) {
    // A checkpoint's second line is its tree size.
    const std::vector<absl::string_view> lines =
        absl::StrSplit(log["checkpoint"].get_ref<const std::string&>(), absl::MaxSplits('\n', 2));
    uint64_t size = 0;
    if (lines.size() == 3 && absl::SimpleAtoi(lines[1], &size)) hints.tree_size = size;
  }
  return hints;
}

// The caller is anyone: a failure to read the log is told in one fixed
// sentence (a gRPC error can name internal addresses; the log's own
// DATA_LOSS is the bank's to see, in its checks and logs, not a stranger's).
absl::Status LogUnreachable(const absl::Status&) {
  return absl::UnavailableError(
      "the bank's transparency log cannot be read right now; try again shortly");
}

verification_api::CheckOutcome ToProto(transcripts::CheckOutcome outcome) {
  switch (outcome) {
    case transcripts::CheckOutcome::kPassed: return verification_api::CHECK_OUTCOME_PASSED;
    case transcripts::CheckOutcome::kFailed: return verification_api::CHECK_OUTCOME_FAILED;
    case transcripts::CheckOutcome::kUnknown: return verification_api::CHECK_OUTCOME_UNKNOWN;
    case transcripts::CheckOutcome::kSkipped: return verification_api::CHECK_OUTCOME_SKIPPED;
  }
  return verification_api::CHECK_OUTCOME_UNSPECIFIED;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const VerificationEngine::Keys>> VerificationEngine::CurrentKeys(
    absl::string_view kid) {
  const absl::Time now = clock_.Now();
  {
    absl::MutexLock lock(&mutex_);
    if (keys_ != nullptr && now - keys_->fetched < kPublishedStateTtl) {
      const bool known = kid.empty() || jose::FindKey(keys_->keys, kid).ok();
      if (known || now - keys_->fetched < kUnknownKeyRefetchInterval) return keys_;
    }
  }
  ASSIGN_OR_RETURN(const ::creditbank::transcripts::v1::Jwks jwks, publisher_.GetJwks());
  absl::StatusOr<std::vector<jose::PublicJwk>> parsed = jose::ParseJwks(jwks.json());
  if (!parsed.ok()) {
    return absl::UnavailableError(
        "the transcripts service published a JWK Set that does not parse");
  }
  auto keys = std::make_shared<const Keys>(Keys{*std::move(parsed), now});
  absl::MutexLock lock(&mutex_);
  keys_ = keys;
  return keys;
}

std::optional<std::string> VerificationEngine::StatusList(absl::string_view list_url) {
  const size_t marker = list_url.rfind(kStatusPathMarker);
  uint64_t list = 0;
  if (marker == absl::string_view::npos ||
      !absl::SimpleAtoi(list_url.substr(marker + kStatusPathMarker.size()), &list) || list == 0) {
    return std::nullopt;  // not a list of ours: status unknown
  }
  const absl::Time now = clock_.Now();
  {
    absl::MutexLock lock(&mutex_);
    if (auto cached = lists_.find(list);
        cached != lists_.end() && now - cached->second.fetched < kPublishedStateTtl) {
      return cached->second.jws;
    }
  }
  ::creditbank::transcripts::v1::GetStatusListRequest request;
  request.set_list(list);
  absl::StatusOr<::creditbank::transcripts::v1::StatusList> fetched =
      publisher_.GetStatusList(request);
  if (!fetched.ok()) return std::nullopt;
  absl::MutexLock lock(&mutex_);
  lists_[list] = List{fetched->jws(), now};
  return fetched->jws();
}

absl::StatusOr<verification::v1::VerificationReport> VerificationEngine::Verify(
    const verification::v1::VerifyTranscriptRequest& request) {
  if (request.jws().empty()) return InvalidField("jws", "is empty");
  if (request.jws().size() > jose::kMaxJwsBytes) {
    return InvalidField("jws", absl::StrCat("is longer than ", jose::kMaxJwsBytes, " bytes"));
  }
  ASSIGN_OR_RETURN(const std::shared_ptr<const Keys> keys,
                   CurrentKeys(ReadHints(request.jws(), nullptr).kid));
  const Hints hints = ReadHints(request.jws(), &keys->keys);
  transcripts::VerificationInputs inputs;
  inputs.keys = &keys->keys;
  inputs.now = clock_.Now();
  log::v1::Checkpoint latest;
  if (hints.signed_by_a_published_key) {
    // The bank signed it: now the published state is worth fetching.
    absl::StatusOr<log::v1::Checkpoint> head = log_.GetCheckpoint();
    if (!head.ok()) return LogUnreachable(head.status());
    latest = *std::move(head);
    inputs.status_list_jws = StatusList(hints.status_list_url);
    inputs.pinned_log_key = latest.verifier_key();
  }
  if (hints.signed_by_a_published_key && hints.tree_size.has_value() && *hints.tree_size >= 1) {
    transcripts::LaterCheckpoint later{latest.signed_note(), {}};
    if (*hints.tree_size <= latest.tree_size()) {
      log::v1::GetConsistencyProofRequest proof_request;
      proof_request.set_first_tree_size(*hints.tree_size);
      proof_request.set_second_tree_size(latest.tree_size());
      absl::StatusOr<log::v1::ConsistencyProof> proof = log_.GetConsistencyProof(proof_request);
      if (!proof.ok()) return LogUnreachable(proof.status());
      later.consistency_proof.assign(proof->hashes().begin(), proof->hashes().end());
    }
    // A tree larger than the log's is left with no proof: the check fails.
    inputs.later_checkpoint = std::move(later);
  }
  const transcripts::VerificationReport report =
      transcripts::VerifyTranscript(request.jws(), inputs, verified_state_);

  verification::v1::VerificationReport response;
  response.set_valid(report.valid);
  for (const transcripts::CheckResult& check : report.checks) {
    verification::v1::Check& out = *response.add_checks();
    out.set_name(check.name);
    out.set_outcome(ToProto(check.outcome));
    out.set_detail(check.detail);
  }
  response.set_transcript_id(report.transcript_id);
  response.set_subject_id(report.subject_id);
  response.set_key_id(report.key_id);
  response.set_key_retired(report.key_retired);
  response.set_status(report.status);
  response.set_achievements(static_cast<uint32_t>(report.achievements));
  response.set_checkpoint_tree_size(report.checkpoint_tree_size);
  response.set_latest_tree_size(latest.tree_size());
  return response;
}

}  // namespace creditbank::domain
