// One achievement of a transcript, and the log leaf it comes from.
//
// A transcript shows each ledger entry as an Achievement shaped after Open
// Badges 3.0 / CLR 2.0 (docs/transcripts.md §3). Every member shown is a
// pure function of the entry's log leaf (tlog/leaf.h) — which the
// transcript embeds — plus the issuing institution's name, which the leaf
// does not hold. So a verifier parses the embedded leaf, builds the
// achievement again with AchievementJson and compares: what the transcript
// shows is what the log committed to, and the inclusion proof ties that
// leaf to a signed checkpoint.
//
//   ASSIGN_OR_RETURN(LedgerLeaf leaf, ParseLedgerLeaf(proof.leaf()));
//   nlohmann::json shown = AchievementJson(leaf, "重庆工程职业技术学院");
#ifndef CREDITBANK_DOMAIN_TRANSCRIPTS_ACHIEVEMENT_H_
#define CREDITBANK_DOMAIN_TRANSCRIPTS_ACHIEVEMENT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace creditbank::domain::transcripts {

// A log leaf is one entry's JSON, a few hundred bytes; a title and a
// reversal reason are bounded far below this.
inline constexpr size_t kMaxLeafBytes = 16 * 1024;

// The members of a leaf a transcript shows (docs/transparency-log.md §2).
struct LedgerLeaf {
  uint64_t entry_id = 0;
  std::string account;
  std::string institution;  // the recording institution's code
  std::string kind;         // "course_credit", ... (frozen spellings)
  std::string sector;
  std::string code;
  std::string title;
  std::string completion_date;  // YYYY-MM-DD, or empty
  int64_t credits_milli = 0;
  uint64_t framework_level = 0;
  uint64_t study_hours = 0;
  nlohmann::json grade;  // {} | {"letter"} | {"passed"} | {"scale_milli","score_milli"}
  uint64_t reverses_entry_id = 0;
};

// The leaf in `leaf_bytes`: a strict JSON object (jose/strict_json.h) of
// format "creditbank.leaf.v1" with every member of the right type.
// INVALID_ARGUMENT naming the member at fault, never quoting a value.
absl::StatusOr<LedgerLeaf> ParseLedgerLeaf(absl::string_view leaf_bytes);

// The Achievement shown for `leaf` (without its "ledgerEntry" evidence,
// which the transcript adds). `institution_name` is the recording
// institution's name as the bank knows it.
nlohmann::json AchievementJson(const LedgerLeaf& leaf, absl::string_view institution_name);

// "urn:creditbank:entry:<id>", "urn:creditbank:account:<number>",
// "urn:creditbank:institution:<code>": the ids a transcript uses.
std::string EntryUrn(uint64_t entry_id);
std::string AccountUrn(absl::string_view account_number);
std::string InstitutionUrn(absl::string_view institution_code);

}  // namespace creditbank::domain::transcripts

#endif  // CREDITBANK_DOMAIN_TRANSCRIPTS_ACHIEVEMENT_H_
