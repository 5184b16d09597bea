#include "domain/transcripts/transcript.h"

#include <optional>
#include <set>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/status_macros.h"
#include "domain/jose/jws.h"
#include "domain/jose/strict_json.h"
#include "domain/transcripts/achievement.h"
#include "domain/transcripts/transcript_format.h"

namespace creditbank::domain::transcripts {
namespace {

using Json = nlohmann::json;

absl::Status Refused(size_t index, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat("achievement ", index, ": ", reason));
}

Json ProofJson(const std::vector<std::string>& hashes) {
  Json proof = Json::array();
  for (const std::string& hash : hashes) proof.push_back(absl::Base64Escape(hash));
  return proof;
}

absl::StatusOr<Json> AchievementsJson(const TranscriptContent& content) {
  if (content.achievements.empty()) {
    return absl::InvalidArgumentError("a transcript needs at least one achievement");
  }
  if (content.achievements.size() > kMaxTranscriptAchievements) {
    return absl::InvalidArgumentError(
        absl::StrCat("a transcript holds at most ", kMaxTranscriptAchievements, " achievements"));
  }
  Json achievements = Json::array();
  std::set<uint64_t> seen;
  int64_t credits_milli = 0;  // at most 200 x kMaxAchievementCreditsMilli: no overflow
  for (size_t i = 0; i < content.achievements.size(); ++i) {
    const TranscriptAchievement& item = content.achievements[i];
    absl::StatusOr<LedgerLeaf> leaf = ParseLedgerLeaf(item.leaf);
    if (!leaf.ok()) return Refused(i, leaf.status().message());
    if (leaf->account != content.account_number) return Refused(i, "is another account's entry");
    if (leaf->kind == "reversal") return Refused(i, "is a reversal, not an achievement");
    if (!seen.insert(leaf->entry_id).second) return Refused(i, "repeats an entry");
    if (item.leaf_index != leaf->entry_id - 1) return Refused(i, "leaf index is not entry id - 1");
    if (leaf->credits_milli < -kMaxAchievementCreditsMilli ||
        leaf->credits_milli > kMaxAchievementCreditsMilli) {
      return Refused(i, "credits out of range");
    }
    credits_milli += leaf->credits_milli;
    Json achievement = AchievementJson(*leaf, item.institution_name);
    achievement[kLedgerEntryMember] = {
        {"entryId", leaf->entry_id},
        {"leafIndex", item.leaf_index},
        {"leaf", item.leaf},
        {"inclusionProof", ProofJson(item.inclusion_proof)},
    };
    achievements.push_back(std::move(achievement));
  }
  // Over a programme the achievements are the entries that count: a
  // progress they do not add up to would be a signed contradiction.
  if (content.programme.has_value() &&
      credits_milli != content.programme->earned_milli + content.programme->converted_milli) {
    return absl::InvalidArgumentError(
        "the achievements' credits do not add up to the programme's earned + converted credits");
  }
  return achievements;
}

// Credits as Open Badges shows creditsEarned: a number of credits.
double Credits(int64_t milli) { return static_cast<double>(milli) / 1000.0; }

// credentialSubject.programmeProgress (docs/transcripts.md §2).
Json ProgrammeProgressJson(const ProgrammeProgress& programme) {
  Json categories = Json::array();
  for (const ProgrammeCategoryProgress& category : programme.categories) {
    categories.push_back({{"category", category.category},
                          {"earnedCredits", Credits(category.earned_milli)},
                          {"convertedCredits", Credits(category.converted_milli)},
                          {"minimumCredits", Credits(category.min_milli)},
                          {"missingCredits", Credits(category.missing_milli)}});
  }
  Json json = {{"type", Json::array({"ProgrammeProgress"})},
               {"programmeId", programme.id},
               {"title", programme.title},
               {"institution",
                {{"id", InstitutionUrn(programme.institution_code)},
                 {"type", Json::array({"Profile"})},
                 {"name", programme.institution_name}}},
               {"requiredCredits", Credits(programme.required_milli)},
               {"earnedCredits", Credits(programme.earned_milli)},
               {"convertedCredits", Credits(programme.converted_milli)},
               {"missingCredits", Credits(programme.missing_milli)},
               {"requirementsMet", programme.requirements_met},
               {"categories", std::move(categories)}};
  if (programme.framework_level != 0) json["level"] = programme.framework_level;
  return json;
}

}  // namespace

std::string TranscriptUrn(uint64_t transcript_number) {
  return absl::StrCat("urn:creditbank:transcript:", transcript_number);
}

std::string DateTimeText(int64_t unix_seconds) {
  return absl::FormatTime(kDateTimeFormat, absl::FromUnixSeconds(unix_seconds),
                          absl::UTCTimeZone());
}

absl::StatusOr<Json> TranscriptCredential(const TranscriptContent& content) {
  if (content.learner_name.has_value() && content.learner_name->size() > kMaxLearnerNameBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("learner name is longer than ", kMaxLearnerNameBytes, " bytes"));
  }
  if (content.valid_until_unix_seconds.has_value() &&
      *content.valid_until_unix_seconds <= content.valid_from_unix_seconds) {
    return absl::InvalidArgumentError("valid until must be after valid from");
  }
  ASSIGN_OR_RETURN(Json achievements, AchievementsJson(content));
  ASSIGN_OR_RETURN(Json status, StatusListEntryToJson(content.status));
  const std::string id = TranscriptUrn(content.transcript_number);
  const std::string subject_id = AccountUrn(content.account_number);

  Json subject = {{"id", subject_id},
                  {"type", Json::array({"ClrSubject"})},
                  {"achievement", std::move(achievements)}};
  if (content.learner_name.has_value()) subject["name"] = *content.learner_name;
  if (content.programme.has_value()) {
    subject["programmeProgress"] = ProgrammeProgressJson(*content.programme);
  }

  Json credential = {
      {"@context", Json::array({kVcContext, kClrContext})},
      {"id", id},
      {"type", Json::array({"VerifiableCredential", "ClrCredential"})},
      {"name", kTranscriptName},
      {"issuer",
       {{"id", content.issuer.id},
        {"type", Json::array({"Profile"})},
        {"name", content.issuer.name}}},
      {"validFrom", DateTimeText(content.valid_from_unix_seconds)},
      {"credentialSubject", std::move(subject)},
      {"credentialStatus", std::move(status)},
      {kTransparencyLogMember,
       {{"checkpoint", content.checkpoint_note}, {"verifierKey", content.log_verifier_key}}},
      // The JWT claims (RFC 7519 §4.1) that JOSE tooling reads.
      {"iss", content.issuer.id},
      {"sub", subject_id},
      {"jti", id},
      {"nbf", content.valid_from_unix_seconds},
  };
  if (content.valid_until_unix_seconds.has_value()) {
    credential["validUntil"] = DateTimeText(*content.valid_until_unix_seconds);
    credential["exp"] = *content.valid_until_unix_seconds;
  }
  return credential;
}

absl::StatusOr<std::string> SignTranscript(const TranscriptContent& content,
                                           const EVP_PKEY& private_key,
                                           jose::JwsAlgorithm algorithm, absl::string_view kid) {
  ASSIGN_OR_RETURN(const Json credential, TranscriptCredential(content));
  // The bytes credential.dump() writes, written faster (strict_json.h).
  const std::optional<std::string> payload = jose::DumpJson(credential);
  if (!payload.has_value()) {  // only a string that is not UTF-8
    return absl::InvalidArgumentError("a name in the transcript is not valid UTF-8");
  }
  return jose::SignCompactJws(private_key, algorithm, kid, kTranscriptJwsType, *payload);
}

}  // namespace creditbank::domain::transcripts
