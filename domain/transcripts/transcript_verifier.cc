#include "domain/transcripts/transcript_verifier.h"

#include <openssl/evp.h>

#include <cmath>
#include <memory>
#include <optional>
#include <set>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "domain/jose/jws.h"
#include "domain/jose/strict_json.h"
#include "domain/tlog/checkpoint.h"
#include "domain/tlog/merkle.h"
#include "domain/transcripts/achievement.h"
#include "domain/transcripts/status_list.h"
#include "domain/transcripts/transcript.h"
#include "domain/transcripts/transcript_format.h"

namespace creditbank::domain::transcripts {
namespace {

using Json = nlohmann::json;

constexpr const char* kCheckNames[] = {"format",   "issuer_key", "signature",
                                       "credential", "validity", "status",
                                       "checkpoint", "inclusion", "consistency"};
enum CheckIndex {
  kFormat,
  kIssuerKey,
  kSignature,
  kCredential,
  kValidity,
  kStatus,
  kCheckpoint,
  kInclusion,
  kConsistency,
};

// The report under construction: every check starts skipped.
class Report {
 public:
  Report() {
    for (const char* name : kCheckNames) report_.checks.push_back({name, CheckOutcome::kSkipped, ""});
  }
  void Pass(CheckIndex check, std::string detail = "") {
    Set(check, CheckOutcome::kPassed, std::move(detail));
  }
  void Fail(CheckIndex check, std::string detail) {
    Set(check, CheckOutcome::kFailed, std::move(detail));
  }
  void Unknown(CheckIndex check, std::string detail) {
    Set(check, CheckOutcome::kUnknown, std::move(detail));
  }
  VerificationReport& report() { return report_; }

  VerificationReport Finish() && {
    bool valid = true;
    for (const CheckResult& check : report_.checks) {
      const bool optional_unknown =
          check.name == kCheckNames[kConsistency] && check.outcome == CheckOutcome::kUnknown;
      if (check.outcome != CheckOutcome::kPassed && !optional_unknown) valid = false;
    }
    report_.valid = valid;
    return std::move(report_);
  }

 private:
  void Set(CheckIndex check, CheckOutcome outcome, std::string detail) {
    report_.checks[check].outcome = outcome;
    report_.checks[check].detail = std::move(detail);
  }
  VerificationReport report_;
};

std::string Message(const absl::Status& status) { return std::string(status.message()); }

// A member of the expected JSON type, or nullptr.
const Json* Member(const Json& object, const char* name, Json::value_t type) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(name);
  if (it == object.end()) return nullptr;
  if (it->type() != type &&
      !(type == Json::value_t::number_integer && it->is_number_unsigned())) {
    return nullptr;
  }
  return &*it;
}

const std::string* StringOf(const Json& object, const char* name) {
  const Json* member = Member(object, name, Json::value_t::string);
  return member == nullptr ? nullptr : member->get_ptr<const std::string*>();
}

bool TypeIncludes(const Json& object, absl::string_view type) {
  const Json* types = Member(object, "type", Json::value_t::array);
  if (types == nullptr) return false;
  for (const Json& item : *types) {
    if (item.is_string() && item.get<std::string>() == type) return true;
  }
  return false;
}

std::optional<int64_t> ParseDateTime(const std::string& text) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(kDateTimeFormat, text, absl::UTCTimeZone(), &time, &error)) {
    return std::nullopt;
  }
  const int64_t seconds = absl::ToUnixSeconds(time);
  if (DateTimeText(seconds) != text) return std::nullopt;  // one spelling only
  return seconds;
}

// The member `name` of `object`, a JSON number of credits, in thousandths;
// nullopt when it is missing, not a number, or more than an achievement may
// show.
std::optional<int64_t> CreditsMilli(const Json& object, const char* name) {
  if (!object.is_object()) return std::nullopt;
  const auto member = object.find(name);
  if (member == object.end() || !member->is_number()) return std::nullopt;
  const double milli = member->get<double>() * 1000.0;
  if (!std::isfinite(milli) ||
      std::fabs(milli) > static_cast<double>(kMaxAchievementCreditsMilli)) {
    return std::nullopt;
  }
  return std::llround(milli);
}

// A transcript over a programme shows the entries that count toward it, so
// their credits add up to its earned + converted credits (docs/transcripts.md
// §2); the inclusion check then proves each achievement's credits against
// its leaf. What the programme requires is the bank's statement.
absl::Status CheckProgrammeProgress(const Json& subject, const Json& achievements) {
  const auto progress = subject.find("programmeProgress");
  if (progress == subject.end()) return absl::OkStatus();
  if (!progress->is_object()) {
    return absl::InvalidArgumentError("credentialSubject.programmeProgress is not an object");
  }
  const std::optional<int64_t> earned = CreditsMilli(*progress, "earnedCredits");
  const std::optional<int64_t> converted = CreditsMilli(*progress, "convertedCredits");
  if (!earned.has_value() || !converted.has_value()) {
    return absl::InvalidArgumentError(
        "programmeProgress.earnedCredits or convertedCredits is not a number of credits");
  }
  int64_t shown = 0;  // at most 200 x kMaxAchievementCreditsMilli: no overflow
  for (const Json& achievement : achievements) {
    const std::optional<int64_t> credits = CreditsMilli(achievement, "creditsEarned");
    if (!credits.has_value()) {
      return absl::InvalidArgumentError("an achievement of a programme transcript shows no credits");
    }
    shown += *credits;
  }
  if (shown != *earned + *converted) {
    return absl::InvalidArgumentError(
        "the achievements' credits do not add up to programmeProgress's earned + converted");
  }
  return absl::OkStatus();
}

// The credential's shape (docs/transcripts.md §2); the reason it is not a
// transcript otherwise.
absl::Status CheckCredentialShape(const Json& credential) {
  const Json* context = Member(credential, "@context", Json::value_t::array);
  if (context == nullptr || context->empty() || *context->begin() != std::string(kVcContext)) {
    return absl::InvalidArgumentError("@context does not begin with the VC 2.0 context");
  }
  if (!TypeIncludes(credential, "VerifiableCredential") ||
      !TypeIncludes(credential, "ClrCredential")) {
    return absl::InvalidArgumentError("type is not VerifiableCredential and ClrCredential");
  }
  const std::string* id = StringOf(credential, "id");
  const Json* issuer = Member(credential, "issuer", Json::value_t::object);
  const std::string* issuer_id = issuer == nullptr ? nullptr : StringOf(*issuer, "id");
  const Json* subject = Member(credential, "credentialSubject", Json::value_t::object);
  const std::string* subject_id = subject == nullptr ? nullptr : StringOf(*subject, "id");
  if (id == nullptr || issuer_id == nullptr || subject_id == nullptr) {
    return absl::InvalidArgumentError("id, issuer.id or credentialSubject.id is missing");
  }
  const std::string* iss = StringOf(credential, "iss");
  const std::string* jti = StringOf(credential, "jti");
  const std::string* sub = StringOf(credential, "sub");
  if (iss == nullptr || *iss != *issuer_id || jti == nullptr || *jti != *id || sub == nullptr ||
      *sub != *subject_id) {
    return absl::InvalidArgumentError("the JWT claims iss, jti, sub disagree with the credential");
  }
  const Json* achievements = Member(*subject, "achievement", Json::value_t::array);
  if (achievements == nullptr || achievements->empty() ||
      achievements->size() > kMaxTranscriptAchievements) {
    return absl::InvalidArgumentError(absl::StrCat(
        "credentialSubject.achievement is not a list of 1 to ", kMaxTranscriptAchievements));
  }
  RETURN_IF_ERROR(CheckProgrammeProgress(*subject, *achievements));
  if (Member(credential, kTransparencyLogMember, Json::value_t::object) == nullptr) {
    return absl::InvalidArgumentError("transparencyLog is missing");
  }
  if (Member(credential, "credentialStatus", Json::value_t::object) == nullptr) {
    return absl::InvalidArgumentError("credentialStatus is missing");
  }
  return absl::OkStatus();
}

// The seconds of `member`, an RFC 3339 UTC time equal to the integer
// member `claim` (validFrom and nbf, validUntil and exp); false when not.
bool ReadDateClaim(const Json& credential, const char* member, const char* claim,
                   int64_t& seconds) {
  const std::string* text = StringOf(credential, member);
  const std::optional<int64_t> parsed = text == nullptr ? std::nullopt : ParseDateTime(*text);
  const Json* integer = Member(credential, claim, Json::value_t::number_integer);
  if (!parsed.has_value() || integer == nullptr || integer->get<int64_t>() != *parsed) {
    return false;
  }
  seconds = *parsed;
  return true;
}

absl::Status CheckValidity(const Json& credential, absl::Time now) {
  int64_t from = 0;
  if (!ReadDateClaim(credential, "validFrom", "nbf", from)) {
    return absl::InvalidArgumentError("validFrom is not an RFC 3339 UTC time equal to nbf");
  }
  if (absl::FromUnixSeconds(from) > now + kClockSkew) {
    return absl::FailedPreconditionError("not valid yet (validFrom is in the future)");
  }
  if (StringOf(credential, "validUntil") != nullptr) {
    int64_t until = 0;
    if (!ReadDateClaim(credential, "validUntil", "exp", until)) {
      return absl::InvalidArgumentError("validUntil is not an RFC 3339 UTC time equal to exp");
    }
    if (absl::FromUnixSeconds(until) <= now) return absl::FailedPreconditionError("expired");
  } else if (credential.contains("validUntil") || credential.contains("exp")) {
    return absl::InvalidArgumentError("validUntil is not a string, or exp has no validUntil");
  }
  return absl::OkStatus();
}

// The 6-bit value of a standard base64 character, or -1 for any other.
int StandardBase64Sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Base64 of a 32-byte hash, padded: 43 characters and one '='.
constexpr size_t kEncodedHashChars = 44;

// `text` is exactly absl::Base64Escape of a 32-byte hash, which goes to
// `hash`: one spelling per hash, as re-encoding and comparing made sure,
// checked on the text itself. The last of the 43 characters holds 4 bits of
// the hash and 2 that must be zero.
bool DecodeProofHash(absl::string_view text, std::string& hash) {
  if (text.size() != kEncodedHashChars || text.back() != '=') return false;
  const absl::string_view data = text.substr(0, kEncodedHashChars - 1);
  for (const char c : data) {
    if (StandardBase64Sextet(c) < 0) return false;
  }
  if ((StandardBase64Sextet(data.back()) & 0x03) != 0) return false;
  return absl::Base64Unescape(text, &hash) && hash.size() == tlog::kHashBytes;
}

absl::StatusOr<std::vector<std::string>> DecodeHashes(const Json& list) {
  if (!list.is_array() || list.size() > tlog::kMaxProofHashes) {
    return absl::InvalidArgumentError(
        absl::StrCat("proof is not a list of at most ", tlog::kMaxProofHashes, " hashes"));
  }
  std::vector<std::string> hashes;
  hashes.reserve(list.size());
  for (const Json& item : list) {
    const std::string* text = item.get_ptr<const std::string*>();
    std::string hash;
    if (text == nullptr || !DecodeProofHash(*text, hash)) {
      return absl::InvalidArgumentError("a proof hash is not 32 bytes of base64");
    }
    hashes.push_back(std::move(hash));
  }
  return hashes;
}

// Whether `shown`, but for its ledgerEntry, is `rebuilt`: the same member
// names, each with an equal value (nlohmann's ==, as comparing a copy with
// ledgerEntry erased did). Compared in place: the copy cost more than the
// comparison, as ledgerEntry holds the leaf and its proof.
bool ShowsExactly(const Json& shown, const Json& rebuilt) {
  if (!shown.is_object() || !rebuilt.is_object()) return false;
  const size_t evidence_members = shown.contains(kLedgerEntryMember) ? 1 : 0;
  if (shown.size() != rebuilt.size() + evidence_members) return false;
  for (const auto& [name, value] : rebuilt.items()) {
    if (name == kLedgerEntryMember) return false;  // never rebuilt; shown's is the evidence
    const auto member = shown.find(name);
    if (member == shown.end() || *member != value) return false;
  }
  return true;
}

// One achievement: it shows what its leaf says, and the leaf is in the
// tree of `checkpoint`.
absl::Status CheckAchievement(const Json& achievement, const std::string& subject_id,
                              const tlog::Checkpoint& checkpoint) {
  const Json* evidence = Member(achievement, kLedgerEntryMember, Json::value_t::object);
  const std::string* leaf_bytes = evidence == nullptr ? nullptr : StringOf(*evidence, "leaf");
  const Json* leaf_index = evidence == nullptr
                               ? nullptr
                               : Member(*evidence, "leafIndex", Json::value_t::number_unsigned);
  const Json* entry_id =
      evidence == nullptr ? nullptr : Member(*evidence, "entryId", Json::value_t::number_unsigned);
  const Json* proof =
      evidence == nullptr ? nullptr : Member(*evidence, "inclusionProof", Json::value_t::array);
  if (leaf_bytes == nullptr || leaf_index == nullptr || entry_id == nullptr || proof == nullptr) {
    return absl::InvalidArgumentError("ledgerEntry is missing or incomplete");
  }
  absl::StatusOr<LedgerLeaf> leaf = ParseLedgerLeaf(*leaf_bytes);
  if (!leaf.ok()) return leaf.status();
  if (entry_id->get<uint64_t>() != leaf->entry_id ||
      leaf_index->get<uint64_t>() != leaf->entry_id - 1) {
    return absl::InvalidArgumentError("entryId or leafIndex is not the leaf's");
  }
  if (AccountUrn(leaf->account) != subject_id) {
    return absl::InvalidArgumentError("the leaf is another account's entry");
  }
  if (leaf->kind == "reversal") {
    return absl::InvalidArgumentError("the leaf is a reversal, not an achievement");
  }
  const Json* creator = Member(achievement, "creator", Json::value_t::object);
  const std::string* institution_name = creator == nullptr ? nullptr : StringOf(*creator, "name");
  if (institution_name == nullptr) return absl::InvalidArgumentError("creator.name is missing");
  if (!ShowsExactly(achievement, AchievementJson(*leaf, *institution_name))) {
    return absl::InvalidArgumentError("what it shows differs from its log leaf");
  }
  absl::StatusOr<std::vector<std::string>> hashes = DecodeHashes(*proof);
  if (!hashes.ok()) return hashes.status();
  return tlog::VerifyInclusion(tlog::LeafHash(*leaf_bytes), leaf->entry_id - 1,
                               checkpoint.tree_size, *hashes, checkpoint.root_hash);
}

// The status list, verified; through `cache` when there is one.
absl::StatusOr<std::shared_ptr<const StatusListCredential>> VerifiedStatusList(
    const VerificationInputs& inputs, const std::string& issuer_id, VerifiedStateCache* cache) {
  if (cache != nullptr) return cache->StatusList(*inputs.status_list_jws, *inputs.keys, issuer_id);
  absl::StatusOr<StatusListCredential> list =
      VerifyStatusListCredential(*inputs.status_list_jws, *inputs.keys, issuer_id);
  if (!list.ok()) return list.status();
  return std::make_shared<const StatusListCredential>(*std::move(list));
}

void CheckStatus(const Json& credential, const std::string& issuer_id,
                 const VerificationInputs& inputs, VerifiedStateCache* cache, Report& report) {
  VerificationReport& out = report.report();
  out.status = "unknown";
  absl::StatusOr<StatusListEntry> entry = StatusListEntryFromJson(credential["credentialStatus"]);
  if (!entry.ok()) return report.Fail(kStatus, Message(entry.status()));
  if (!inputs.status_list_jws.has_value()) {
    return report.Unknown(kStatus, "no status list given: status unknown, so not valid");
  }
  absl::StatusOr<std::shared_ptr<const StatusListCredential>> verified =
      VerifiedStatusList(inputs, issuer_id, cache);
  if (!verified.ok()) {
    return report.Unknown(kStatus, "status list refused: " + Message(verified.status()));
  }
  const std::shared_ptr<const StatusListCredential>& list = *verified;
  // A list speaks only for its validity window: an old one may predate a
  // revocation, and its holder may be the one revoked.
  if (absl::FromUnixSeconds(list->valid_until_unix_seconds) <= inputs.now) {
    return report.Unknown(kStatus, "the status list has expired: fetch a fresh one");
  }
  if (absl::FromUnixSeconds(list->valid_from_unix_seconds) > inputs.now + kClockSkew) {
    return report.Unknown(kStatus, "the status list is not valid yet");
  }
  absl::StatusOr<bool> set = StatusOfEntry(*list, *entry);
  if (!set.ok()) return report.Unknown(kStatus, Message(set.status()));
  if (!*set) {
    out.status = "active";
    return report.Pass(kStatus, "active");
  }
  out.status = entry->purpose == kStatusPurposeSuspension ? "suspended" : "revoked";
  report.Fail(kStatus, out.status);
}

absl::StatusOr<tlog::Checkpoint> OpenSignedCheckpoint(absl::string_view note,
                                                      const tlog::NoteVerifierKey& key) {
  absl::StatusOr<std::string> text = tlog::OpenNote(note, key);
  if (!text.ok()) return text.status();
  return tlog::ParseCheckpoint(*text, key.name);
}

void CheckLog(const Json& credential, const VerificationInputs& inputs, VerifiedStateCache* cache,
              Report& report) {
  const Json& log = credential[kTransparencyLogMember];
  const std::string* note = StringOf(log, "checkpoint");
  const std::string* key_text = StringOf(log, "verifierKey");
  if (note == nullptr || key_text == nullptr) {
    return report.Fail(kCheckpoint, "transparencyLog.checkpoint or verifierKey is missing");
  }
  if (inputs.pinned_log_key.has_value() && *inputs.pinned_log_key != *key_text) {
    return report.Fail(kCheckpoint, "the log key is not the pinned one");
  }
  absl::StatusOr<tlog::NoteVerifierKey> key = tlog::ParseNoteVerifierKey(*key_text);
  if (!key.ok()) return report.Fail(kCheckpoint, Message(key.status()));
  absl::StatusOr<tlog::Checkpoint> checkpoint = OpenSignedCheckpoint(*note, *key);
  if (!checkpoint.ok()) return report.Fail(kCheckpoint, Message(checkpoint.status()));
  report.report().checkpoint_tree_size = checkpoint->tree_size;
  if (inputs.pinned_log_key.has_value()) {
    report.Pass(kCheckpoint, absl::StrCat("signed by the pinned log key, tree size ",
                                          checkpoint->tree_size));
  } else {
    // Whoever signed the transcript chose the key it carries: without the
    // log's own key from elsewhere, the checkpoint proves nothing.
    report.Unknown(kCheckpoint,
                   "opens with the key the transcript carries, but no log key was pinned to "
                   "check that key against (the JWK Set's log_verifier_key, or --log_key)");
  }

  const Json& subject = credential["credentialSubject"];
  const std::string& subject_id = subject["id"].get_ref<const std::string&>();
  const Json& achievements = subject["achievement"];
  std::set<std::string> seen;  // an entry shown twice counts twice in a reader's sum
  for (size_t i = 0; i < achievements.size(); ++i) {
    absl::Status status = CheckAchievement(achievements[i], subject_id, *checkpoint);
    if (status.ok() && !seen.insert(achievements[i]["id"].get<std::string>()).second) {
      status = absl::InvalidArgumentError("repeats an entry shown before");
    }
    if (!status.ok()) {
      return report.Fail(kInclusion, absl::StrCat("achievement ", i, ": ", status.message()));
    }
  }
  report.Pass(kInclusion, absl::StrCat(achievements.size(), " achievements in the log"));

  if (!inputs.later_checkpoint.has_value()) {
    return report.Unknown(kConsistency, "no later checkpoint given");
  }
  // The later checkpoint is the verifier's, the same for every transcript
  // of a batch: worth remembering. The embedded one is the transcript's own.
  absl::StatusOr<tlog::Checkpoint> later =
      cache != nullptr ? cache->OpenCheckpoint(inputs.later_checkpoint->signed_note, *key)
                       : OpenSignedCheckpoint(inputs.later_checkpoint->signed_note, *key);
  if (!later.ok()) return report.Fail(kConsistency, "later checkpoint: " + Message(later.status()));
  if (later->tree_size < checkpoint->tree_size) {
    return report.Fail(kConsistency, "the later checkpoint is of a smaller tree");
  }
  absl::Status consistent = tlog::VerifyConsistency(
      checkpoint->tree_size, later->tree_size, checkpoint->root_hash, later->root_hash,
      inputs.later_checkpoint->consistency_proof);
  if (!consistent.ok()) return report.Fail(kConsistency, Message(consistent));
  report.Pass(kConsistency, absl::StrCat("a prefix of the log at tree size ", later->tree_size));
}

VerificationReport Verify(absl::string_view jws, const VerificationInputs& inputs,
                          VerifiedStateCache* cache) {
  Report report;
  VerificationReport& out = report.report();
  out.status = "unknown";
  absl::StatusOr<jose::ParsedJws> parsed = jose::ParseCompactJws(jws);
  if (!parsed.ok()) {
    report.Fail(kFormat, Message(parsed.status()));
    return std::move(report).Finish();
  }
  const auto typ = parsed->header.find("typ");
  if (typ == parsed->header.end() || *typ != std::string(kTranscriptJwsType)) {
    report.Fail(kFormat, "header typ is not vc+jwt");
    return std::move(report).Finish();
  }
  report.Pass(kFormat);

  out.key_id = parsed->kid;
  if (inputs.keys == nullptr) {
    report.Fail(kIssuerKey, "no JWK Set given");
    return std::move(report).Finish();
  }
  absl::StatusOr<const jose::PublicJwk*> key = jose::FindKey(*inputs.keys, parsed->kid);
  if (!key.ok()) {
    report.Fail(kIssuerKey, "kid is not in the bank's JWK Set");
    return std::move(report).Finish();
  }
  if (absl::Status signature = jose::VerifyJwsSignature(*parsed, **key); !signature.ok()) {
    report.Pass(kIssuerKey);
    report.Fail(kSignature, Message(signature));
    return std::move(report).Finish();
  }
  report.Pass(kSignature, std::string(jose::JwsAlgorithmName((*key)->algorithm)));

  // Only now is the payload worth reading.
  const std::optional<Json> credential = jose::ParseStrictJsonObject(parsed->payload);
  if (!credential.has_value()) {
    report.Pass(kIssuerKey);
    report.Fail(kCredential, "payload is not a JSON object");
    return std::move(report).Finish();
  }
  if (absl::Status shape = CheckCredentialShape(*credential); !shape.ok()) {
    report.Pass(kIssuerKey);
    report.Fail(kCredential, Message(shape));
    return std::move(report).Finish();
  }
  report.Pass(kCredential);
  out.transcript_id = (*credential)["id"].get<std::string>();
  out.subject_id = (*credential)["credentialSubject"]["id"].get<std::string>();
  out.achievements = (*credential)["credentialSubject"]["achievement"].size();

  absl::Status validity = CheckValidity(*credential, inputs.now);
  if (validity.ok()) {
    report.Pass(kValidity);
  } else {
    report.Fail(kValidity, Message(validity));
  }
  // A retired key vouches only for what it signed before it retired.
  if ((*key)->retired_at_unix_seconds.has_value()) {
    out.key_retired = true;
    const Json* nbf = Member(*credential, "nbf", Json::value_t::number_integer);
    // The second it retired still counts: nbf and retired_at are whole
    // seconds, and an issue in the second of a rotation is not forged.
    if (nbf == nullptr || nbf->get<int64_t>() > *(*key)->retired_at_unix_seconds) {
      report.Fail(kIssuerKey, "signed by a key that had already retired");
    } else {
      report.Pass(kIssuerKey, "retired key; the transcript is from before it retired");
    }
  } else {
    report.Pass(kIssuerKey, "current key");
  }

  const std::string& issuer_id = (*credential)["issuer"]["id"].get_ref<const std::string&>();
  CheckStatus(*credential, issuer_id, inputs, cache, report);
  CheckLog(*credential, inputs, cache, report);
  return std::move(report).Finish();
}

}  // namespace

absl::string_view CheckOutcomeName(CheckOutcome outcome) {
  switch (outcome) {
    case CheckOutcome::kPassed: return "passed";
    case CheckOutcome::kFailed: return "failed";
    case CheckOutcome::kUnknown: return "unknown";
    case CheckOutcome::kSkipped: return "skipped";
  }
  return "skipped";
}

absl::StatusOr<std::shared_ptr<const StatusListCredential>> VerifiedStateCache::StatusList(
    absl::string_view jws, const std::vector<jose::PublicJwk>& keys,
    absl::string_view expected_issuer_id) {
  {
    absl::MutexLock lock(&mutex_);
    for (const StatusListEntryInCache& entry : status_lists_) {
      if (entry.jws != jws || entry.issuer_id != expected_issuer_id) continue;
      // The same bytes verify the same way under the same key: the key its
      // kid names now must be the one that verified them.
      const absl::StatusOr<const jose::PublicJwk*> key = jose::FindKey(keys, entry.kid);
      if (key.ok() && (*key)->key != nullptr && (*key)->algorithm == entry.algorithm &&
          EVP_PKEY_eq((*key)->key.get(), entry.key.get()) == 1) {
        return entry.list;
      }
      break;  // another key by that name now: verify again
    }
  }
  absl::StatusOr<StatusListCredential> verified =
      VerifyStatusListCredential(jws, keys, expected_issuer_id);
  if (!verified.ok()) return verified.status();  // failures are not kept
  auto list = std::make_shared<const StatusListCredential>(*std::move(verified));
  // It verified, so it parses and its kid names a key in `keys`.
  const absl::StatusOr<jose::ParsedJws> parsed = jose::ParseCompactJws(jws);
  const absl::StatusOr<const jose::PublicJwk*> key =
      parsed.ok() ? jose::FindKey(keys, parsed->kid)
                  : absl::StatusOr<const jose::PublicJwk*>(parsed.status());
  if (!key.ok() || (*key)->key == nullptr) return list;
  // A reference of the cache's own, so the key outlives a refreshed key set.
  EVP_PKEY* const verified_by = (*key)->key.get();
  if (EVP_PKEY_up_ref(verified_by) != 1) return list;
  StatusListEntryInCache entry{std::string(jws), std::string(expected_issuer_id), parsed->kid,
                               (*key)->algorithm, EvpPkeyPtr(verified_by), list};
  absl::MutexLock lock(&mutex_);
  std::erase_if(status_lists_, [&](const StatusListEntryInCache& old) {
    return old.jws == entry.jws && old.issuer_id == entry.issuer_id;
  });
  if (status_lists_.size() >= kMaxCachedStatusLists) status_lists_.pop_front();
  status_lists_.push_back(std::move(entry));
  return list;
}

absl::StatusOr<tlog::Checkpoint> VerifiedStateCache::OpenCheckpoint(
    absl::string_view note, const tlog::NoteVerifierKey& key) {
  const auto same = [&](const CheckpointEntryInCache& entry) {
    return entry.note == note && entry.key.name == key.name && entry.key.key_id == key.key_id &&
           entry.key.public_key == key.public_key;
  };
  {
    absl::MutexLock lock(&mutex_);
    for (const CheckpointEntryInCache& entry : checkpoints_) {
      if (same(entry)) return entry.checkpoint;
    }
  }
  absl::StatusOr<tlog::Checkpoint> checkpoint = OpenSignedCheckpoint(note, key);
  if (!checkpoint.ok()) return checkpoint.status();  // failures are not kept
  absl::MutexLock lock(&mutex_);
  std::erase_if(checkpoints_, same);
  if (checkpoints_.size() >= kMaxCachedCheckpoints) checkpoints_.pop_front();
  checkpoints_.push_back({std::string(note), key, *checkpoint});
  return checkpoint;
}

VerificationReport VerifyTranscript(absl::string_view jws, const VerificationInputs& inputs) {
  return Verify(jws, inputs, nullptr);
}

VerificationReport VerifyTranscript(absl::string_view jws, const VerificationInputs& inputs,
                                    VerifiedStateCache& cache) {
  return Verify(jws, inputs, &cache);
}

std::optional<std::string> LogKeyFromJwks(absl::string_view jwks_text) {
  if (jwks_text.size() > jose::kMaxJwksBytes) return std::nullopt;
  const std::optional<Json> jwks = jose::ParseStrictJsonObject(jwks_text);
  if (!jwks.has_value()) return std::nullopt;
  const std::string* key = StringOf(*jwks, kJwksLogKeyMember);
  if (key == nullptr) return std::nullopt;
  return *key;
}

Json ReportToJson(const VerificationReport& report) {
  Json checks = Json::array();
  for (const CheckResult& check : report.checks) {
    checks.push_back({{"name", check.name},
                      {"outcome", CheckOutcomeName(check.outcome)},
                      {"detail", check.detail}});
  }
  return {{"valid", report.valid},
          {"checks", std::move(checks)},
          {"transcript_id", report.transcript_id},
          {"subject_id", report.subject_id},
          {"key_id", report.key_id},
          {"key_retired", report.key_retired},
          {"status", report.status},
          {"achievements", report.achievements},
          {"checkpoint_tree_size", report.checkpoint_tree_size}};
}

}  // namespace creditbank::domain::transcripts
