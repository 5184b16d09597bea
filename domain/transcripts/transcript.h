// Signed transcripts: a W3C Verifiable Credential (Data Model 2.0) shaped
// after 1EdTech CLR 2.0 / Open Badges 3.0, secured as a compact JWS
// (VC-JOSE-COSE "vc+jwt": the JWS payload is the credential itself, with
// the JWT claims iss, sub, jti, nbf and exp beside its members).
// docs/transcripts.md describes every member.
//
// What makes it checkable without us: each achievement embeds its log leaf
// and an inclusion proof against the signed checkpoint the transcript
// embeds, so a verifier holding only the bank's JWK Set checks the
// signature, rebuilds every achievement from its leaf (achievement.h), and
// proves the leaf is in the log the bank published.
//
//   ASSIGN_OR_RETURN(std::string jws, SignTranscript(content, *key, JwsAlgorithm::kEs256, kid));
#ifndef CREDITBANK_DOMAIN_TRANSCRIPTS_TRANSCRIPT_H_
#define CREDITBANK_DOMAIN_TRANSCRIPTS_TRANSCRIPT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "domain/jose/jwk.h"
#include "domain/transcripts/status_list.h"
#include "nlohmann/json.hpp"

namespace creditbank::domain::transcripts {

// The JWS "typ" of a transcript (VC-JOSE-COSE §3.1.1).
inline constexpr absl::string_view kTranscriptJwsType = "vc+jwt";
// A transcript of a long learning life: up to a couple of hundred entries.
// Bounds the work of issuing and verifying one, and keeps the JWS under
// jose::kMaxJwsBytes: an achievement is about 3 KiB with its leaf and a
// proof into a log of millions of entries (20-odd hashes), 4 KiB once
// base64url-encoded, so 200 make about 800 KiB.
inline constexpr size_t kMaxTranscriptAchievements = 200;
// Credits one achievement may show, in thousandths: far above any entry
// (the ledger allows 100 credits), and low enough that sums of
// kMaxTranscriptAchievements of them cannot overflow.
inline constexpr int64_t kMaxAchievementCreditsMilli = int64_t{1'000'000'000'000};
// A learner's name as they choose to show it.
inline constexpr size_t kMaxLearnerNameBytes = 256;

// The bank as the credential's issuer (an OB 3.0 Profile).
struct IssuerProfile {
  std::string id;    // a URL, e.g. "https://creditbank.cq.gov.cn"
  std::string name;  // e.g. "重庆市终身学习学分银行"
};

// One entry shown: its log leaf, the name of the institution that recorded
// it, and PATH(leaf_index, D[checkpoint size]).
struct TranscriptAchievement {
  std::string leaf;
  std::string institution_name;
  uint64_t leaf_index = 0;
  std::vector<std::string> inclusion_proof;  // 32-byte hashes, leaf to root
};

// A programme's progress as the rules service computed it when the
// transcript was issued: the achievements shown are the entries that count
// toward it, so their credits add up to earned + converted. Credits in
// thousandths, as the ledger keeps them.
struct ProgrammeCategoryProgress {
  std::string category;  // the programme's category code
  int64_t earned_milli = 0;
  int64_t converted_milli = 0;
  int64_t min_milli = 0;
  int64_t missing_milli = 0;
};
struct ProgrammeProgress {
  std::string id;     // the rules service's programme id
  std::string title;  // e.g. "计算机网络技术"
  std::string institution_code;
  std::string institution_name;
  uint64_t framework_level = 0;
  int64_t required_milli = 0;
  int64_t earned_milli = 0;
  int64_t converted_milli = 0;
  int64_t missing_milli = 0;
  bool requirements_met = false;
  std::vector<ProgrammeCategoryProgress> categories;
};

struct TranscriptContent {
  uint64_t transcript_number = 0;  // the bank's, from 1: id urn:creditbank:transcript:<n>
  IssuerProfile issuer;
  std::string account_number;
  std::optional<std::string> learner_name;  // shown only if the learner chose to
  int64_t valid_from_unix_seconds = 0;
  std::optional<int64_t> valid_until_unix_seconds;
  std::string checkpoint_note;   // the signed checkpoint every proof reaches
  std::string log_verifier_key;  // its note verifier key (tlog/checkpoint.h)
  StatusListEntry status;        // where its revocation bit lives
  std::vector<TranscriptAchievement> achievements;
  // Set when the transcript is issued over a programme's progress.
  std::optional<ProgrammeProgress> programme;
};

// "urn:creditbank:transcript:<n>".
std::string TranscriptUrn(uint64_t transcript_number);

// The credential (the JWS payload). INVALID_ARGUMENT, naming what is wrong,
// when there are no achievements or more than kMaxTranscriptAchievements, a
// leaf does not parse, is another account's, is a reversal, repeats an
// entry, or its index is not its entry id - 1; or the name is too long.
absl::StatusOr<nlohmann::json> TranscriptCredential(const TranscriptContent& content);

// TranscriptCredential signed as a compact JWS, typ "vc+jwt".
absl::StatusOr<std::string> SignTranscript(const TranscriptContent& content,
                                           const EVP_PKEY& private_key,
                                           jose::JwsAlgorithm algorithm, absl::string_view kid);

// RFC 3339 UTC with seconds, "2026-12-06T08:00:00Z", as validFrom uses.
std::string DateTimeText(int64_t unix_seconds);

}  // namespace creditbank::domain::transcripts

#endif  // CREDITBANK_DOMAIN_TRANSCRIPTS_TRANSCRIPT_H_
