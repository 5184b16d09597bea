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

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "domain/jose/jwk.h"
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
