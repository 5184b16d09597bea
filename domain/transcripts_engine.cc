#include "domain/transcripts_engine.h"

#include <algorithm>
#include <set>
#include <tuple>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "domain/errors.h"
#include "domain/limits.h"
#include "domain/page_token.h"
#include "domain/request_checks.h"
#include "domain/rows_command.h"
#include "domain/rules/rule_checks.h"
#include "domain/transcripts/status_list.h"
#include "domain/transcripts/transcript.h"
#include "domain/validation/dates.h"
#include "domain/validation/text.h"
#include "domain/crypto/primitives.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "openssl/evp.h"
#include "storage/keys.h"

namespace creditbank::domain {
namespace {

using storage::Table;
using transcripts_api::Transcript;

constexpr absl::string_view kCurrentKeyKey = "c";
constexpr absl::string_view kHighestNumberKey = "n";
constexpr absl::string_view kKeyPrefix = "k/";
constexpr absl::string_view kTranscriptPrefix = "t/";

std::string WithNumber(std::string prefix, uint64_t number) {
  storage::AppendUint64(prefix, number);
  return prefix;
}
std::string KeyRecordKey(absl::string_view kid) { return absl::StrCat(kKeyPrefix, kid); }
std::string TranscriptKey(uint64_t number) {
  return WithNumber(std::string(kTranscriptPrefix), number);
}
std::string AccountPrefix(absl::string_view account) { return absl::StrCat("a/", account, "/"); }
std::string RequestKey(absl::string_view account, absl::string_view request_id) {
  return absl::StrCat("i/", account, "/", request_id);
}
std::string StatusListKey(uint64_t list) { return WithNumber("s/", list); }

// Transcript n's bit: list (n-1) / bits + 1, index (n-1) % bits.
uint64_t ListOf(uint64_t number) { return (number - 1) / transcripts::kStatusListBits + 1; }
uint64_t IndexOf(uint64_t number) { return (number - 1) % transcripts::kStatusListBits; }

absl::Status TranscriptNotFound(uint64_t number) {
  return FieldError(absl::StatusCode::kNotFound, reason::kTranscriptNotFound, "number",
                    absl::StrCat("no transcript ", number));
}

absl::StatusOr<std::optional<Transcript>> FindTranscript(UnitOfWork& work, uint64_t number) {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                   work.FindRow(Table::kTranscripts, TranscriptKey(number)));
  if (!bytes.has_value()) return std::nullopt;
  return ParseStored<Transcript>(*bytes, "transcript");
}

absl::StatusOr<transcripts::StatusBitstring> LoadBits(std::optional<std::string> bytes) {
  if (!bytes.has_value()) return transcripts::StatusBitstring();
  absl::StatusOr<transcripts::StatusBitstring> bits =
      transcripts::StatusBitstring::FromBytes(*std::move(bytes));
  if (!bits.ok()) return absl::DataLossError("a stored status list is damaged");
  return bits;
}

absl::Status CheckIssueRequest(const transcripts_api::IssueTranscriptRequest& request) {
  FieldViolations violations;
  CheckRequestIdField(request.request_id(), "request_id", violations);
  CheckAccountNumberField(request.account_number(), "account_number", violations);
  if (!request.programme_id().empty()) {
    if (!request.entry_ids().empty()) {
      violations.Add("entry_ids", "must be empty when programme_id is given (the programme's "
                                  "counted entries are shown)");
    }
    rules::CheckProgrammeId(request.programme_id(), "programme_id", violations);
  } else if (request.entry_ids().empty() ||
             static_cast<size_t>(request.entry_ids_size()) >
                 transcripts::kMaxTranscriptAchievements) {
    violations.Add("entry_ids", absl::StrCat("must list 1 to ",
                                             transcripts::kMaxTranscriptAchievements,
                                             " entries, or give programme_id instead"));
  }
  std::set<uint64_t> seen;
  for (int i = 0; i < request.entry_ids_size(); ++i) {
    if (request.entry_ids(i) == 0) {
      violations.Add(absl::StrCat("entry_ids[", i, "]"), "must be an entry id (from 1)");
    } else if (!seen.insert(request.entry_ids(i)).second) {
      violations.Add(absl::StrCat("entry_ids[", i, "]"), "repeats an entry");
    }
  }
  if (request.valid_seconds() < 0 || request.valid_seconds() > kMaxTranscriptValidSeconds) {
    violations.Add("valid_seconds",
                   absl::StrCat("must be 0 (no end) to ", kMaxTranscriptValidSeconds));
  }
  return violations.ToStatus();
}

// What a retry must repeat exactly: the whole request.
std::string RequestDigest(const transcripts_api::IssueTranscriptRequest& request) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  request.SerializeToCodedStream(&coded);
  coded.Trim();
  return Sha256(bytes);
}

// The transcript a request id already made: the same one for a retry,
// REQUEST_ID_REUSED for a request that differs in anything.
absl::StatusOr<Transcript> Replay(const Transcript& stored,
                                  const transcripts_api::IssueTranscriptRequest& request) {
  if (stored.request_sha256() != RequestDigest(request)) {
    return FieldError(absl::StatusCode::kAlreadyExists, reason::kRequestIdReused, "request_id",
                      "already issued a transcript for a different request");
  }
  return stored;
}

}  // namespace

absl::StatusOr<std::unique_ptr<TranscriptsEngine>> TranscriptsEngine::Open(
    Core& local, CoreClient& core, const LogClient& log, std::string key_encryption_key,
    TranscriptsConfig config, const Clock& clock, ProgrammeSource* programmes) {
  if (config.issuer_name.empty()) {
    return absl::InvalidArgumentError("the transcript issuer needs a name");
  }
  // Status lists live under the issuer id, so it must make a valid list URL.
  if (!transcripts::StatusListEntryToJson({absl::StrCat(config.issuer_id, "/status/1"), 0})
           .ok()) {
    return absl::InvalidArgumentError(
        "the transcript issuer id must be an https URL (e.g. https://creditbank.cq.gov.cn) "
        "without '#'");
  }
  std::unique_ptr<TranscriptsEngine> engine(new TranscriptsEngine(
      local, core, log, std::move(key_encryption_key), std::move(config), clock, programmes));
  RETURN_IF_ERROR(engine->LoadKeys());
  ASSIGN_OR_RETURN(std::optional<std::string> highest,
                   local.store().Get(Table::kTranscripts, kHighestNumberKey));
  if (highest.has_value()) {
    std::optional<uint64_t> number = storage::ReadUint64Value(*highest);
    if (!number.has_value()) return absl::DataLossError("the stored transcript count is damaged");
    engine->next_number_ = *number + 1;
  }
  return engine;
}

absl::Status TranscriptsEngine::Change(std::function<absl::Status(UnitOfWork&)> body) {
  RowsCommand command(std::move(body));
  RETURN_IF_ERROR(local_.Execute(command));
  return command.result();
}

absl::Status TranscriptsEngine::LoadKeys() {
  const storage::Store& store = local_.store();
  std::vector<std::shared_ptr<const SigningKey>> keys;
  std::unique_ptr<storage::Cursor> cursor =
      store.Scan(Table::kTranscripts, kKeyPrefix, storage::PrefixUpperBound(kKeyPrefix));
  for (; cursor->Valid(); cursor->Next()) {
    ASSIGN_OR_RETURN(const storage::v1::TranscriptKeyRecord record,
                     ParseStored<storage::v1::TranscriptKeyRecord>(cursor->value(),
                                                                   "transcript key"));
    ASSIGN_OR_RETURN(SigningKey key, UnsealSigningKey(record, kek_));
    keys.push_back(std::make_shared<const SigningKey>(std::move(key)));
  }
  RETURN_IF_ERROR(cursor->status());
  if (keys.empty()) return CreateFirstKey();
  // Oldest first, as rotation appends: the JWK Set reads the same after a restart.
  std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
    return std::tie(a->created_at, a->kid) < std::tie(b->created_at, b->kid);
  });
  ASSIGN_OR_RETURN(std::optional<std::string> current,
                   store.Get(Table::kTranscripts, kCurrentKeyKey));
  absl::MutexLock lock(&keys_mutex_);
  for (const auto& key : keys) {
    if (current.has_value() && key->kid == *current) current_ = key;
  }
  if (current_ == nullptr) return absl::DataLossError("the current transcript key is missing");
  keys_ = std::move(keys);
  return absl::OkStatus();
}

absl::Status TranscriptsEngine::CreateFirstKey() {
  ASSIGN_OR_RETURN(SigningKey key, GenerateSigningKey(jose::JwsAlgorithm::kEs256, clock_.Now()));
  ASSIGN_OR_RETURN(const storage::v1::TranscriptKeyRecord record, SealSigningKey(key, kek_));
  RETURN_IF_ERROR(Change([&](UnitOfWork& work) -> absl::Status {
    PutMessage(work, Table::kTranscripts, KeyRecordKey(key.kid), record);
    work.PutRow(Table::kTranscripts, kCurrentKeyKey, key.kid);
    return absl::OkStatus();
  }));
  auto shared = std::make_shared<const SigningKey>(std::move(key));
  absl::MutexLock lock(&keys_mutex_);
  keys_ = {shared};
  current_ = shared;
  return absl::OkStatus();
}

std::shared_ptr<const SigningKey> TranscriptsEngine::CurrentKey() const {
  absl::MutexLock lock(&keys_mutex_);
  return current_;
}

std::string TranscriptsEngine::StatusListUrl(uint64_t list) const {
  return absl::StrCat(config_.issuer_id, "/status/", list);
}

absl::StatusOr<TranscriptsEngine::Selection> TranscriptsEngine::Select(
    const transcripts_api::IssueTranscriptRequest& request) {
  Selection selection;
  if (request.programme_id().empty()) {
    selection.entry_ids.assign(request.entry_ids().begin(), request.entry_ids().end());
    return selection;
  }
  if (programmes_ == nullptr) {
    return FieldError(absl::StatusCode::kFailedPrecondition, reason::kRulesServiceMissing,
                      "programme_id",
                      "this transcripts service has no rules service to compute progress with "
                      "(creditbankd --rules=HOST:PORT)");
  }
  programmes_api::GetProgrammeRequest programme_request;
  programme_request.set_programme_id(request.programme_id());
  ASSIGN_OR_RETURN(const programmes_api::Programme programme,
                   programmes_->GetProgramme(programme_request));
  programmes_api::GetProgressRequest progress_request;
  progress_request.set_account_number(request.account_number());
  progress_request.set_programme_id(request.programme_id());
  ASSIGN_OR_RETURN(const programmes_api::Progress progress,
                   programmes_->GetProgress(progress_request));
  if (progress.counted_entry_ids().empty()) {
    return FieldError(absl::StatusCode::kFailedPrecondition, reason::kNothingCounted,
                      "programme_id", "no entry of the account counts toward this programme yet");
  }
  if (static_cast<size_t>(progress.counted_entry_ids_size()) >
      transcripts::kMaxTranscriptAchievements) {
    return FieldError(absl::StatusCode::kResourceExhausted, reason::kTooManyEntries,
                      "programme_id",
                      absl::StrCat(progress.counted_entry_ids_size(),
                                   " entries count toward this programme; a transcript shows at "
                                   "most ",
                                   transcripts::kMaxTranscriptAchievements));
  }
  selection.entry_ids.assign(progress.counted_entry_ids().begin(),
                             progress.counted_entry_ids().end());
  transcripts::ProgrammeProgress& shown = selection.programme.emplace();
  shown.id = programme.id();
  shown.title = programme.title();
  shown.institution_code = programme.institution_code();
  institutions::v1::GetInstitutionRequest institution_request;
  institution_request.set_code(programme.institution_code());
  ASSIGN_OR_RETURN(const institutions::v1::Institution institution,
                   core_.GetInstitution(institution_request));
  shown.institution_name = institution.name();
  shown.framework_level = programme.framework_level();
  shown.required_milli = progress.required_credits_milli();
  shown.earned_milli = progress.earned_credits_milli();
  shown.converted_milli = progress.converted_credits_milli();
  shown.missing_milli = progress.missing_credits_milli();
  shown.requirements_met = progress.requirements_met();
  for (const programmes_api::CategoryProgress& line : progress.categories()) {
    shown.categories.push_back({line.category(), line.earned_credits_milli(),
                                line.converted_credits_milli(), line.min_credits_milli(),
                                line.missing_credits_milli()});
  }
  return selection;
}

absl::StatusOr<Transcript> TranscriptsEngine::Build(
    const transcripts_api::IssueTranscriptRequest& request, Selection selection,
    uint64_t number) {
  // Entries before the checkpoint: a committed entry's leaf is in every
  // checkpoint signed after it.
  std::vector<ledger::v1::Entry> entries;
  for (size_t i = 0; i < selection.entry_ids.size(); ++i) {
    // A programme's entries were chosen by the bank: a refusal names the
    // programme (the entry changed since progress was computed; retry).
    const std::string field = request.programme_id().empty()
                                  ? absl::StrCat("entry_ids[", i, "]")
                                  : std::string("programme_id");
    ledger::v1::GetEntryRequest lookup;
    lookup.set_entry_id(selection.entry_ids[i]);
    absl::StatusOr<ledger::v1::Entry> entry = core_.GetEntry(lookup);
    if (absl::IsNotFound(entry.status())) {
      return FieldError(absl::StatusCode::kNotFound, reason::kEntryNotFound, field,
                        absl::StrCat("no entry ", selection.entry_ids[i]));
    }
    if (!entry.ok()) return entry.status();
    if (entry->outcome().account_number() != request.account_number()) {
      return FieldError(absl::StatusCode::kFailedPrecondition, reason::kEntryAccountMismatch,
                        field, "is another account's entry");
    }
    if (entry->reversed_by_entry_id() != 0) {
      return FieldError(absl::StatusCode::kFailedPrecondition, reason::kEntryAlreadyReversed,
                        field, "has been reversed");
    }
    if (entry->reverses_entry_id() != 0) {
      return FieldError(absl::StatusCode::kFailedPrecondition, reason::kEntryNotTranscribable,
                        field, "is a reversal, not an achievement");
    }
    entries.push_back(*std::move(entry));
  }
  ASSIGN_OR_RETURN(const log::v1::Checkpoint checkpoint, log_.GetCheckpoint());

  // The time before the key: a rotation in between then retires the key
  // after this transcript's validFrom, never before it.
  const absl::Time now = clock_.Now();
  const std::shared_ptr<const SigningKey> key = CurrentKey();
  transcripts::TranscriptContent content;
  content.transcript_number = number;
  content.issuer = {config_.issuer_id, config_.issuer_name};
  content.account_number = request.account_number();
  if (request.show_name()) {
    // The name on record, never one the caller typed: the bank signs it.
    accounts::v1::GetAccountRequest lookup;
    lookup.set_account_number(request.account_number());
    ASSIGN_OR_RETURN(const accounts::v1::Account account, core_.GetAccount(lookup));
    if (!account.details().name().empty()) content.learner_name = account.details().name();
  }
  content.valid_from_unix_seconds = absl::ToUnixSeconds(now);
  if (request.valid_seconds() > 0) {
    content.valid_until_unix_seconds = content.valid_from_unix_seconds + request.valid_seconds();
  }
  content.checkpoint_note = checkpoint.signed_note();
  content.log_verifier_key = checkpoint.verifier_key();
  content.status = {StatusListUrl(ListOf(number)), IndexOf(number),
                    transcripts::kStatusPurposeRevocation};
  content.programme = std::move(selection.programme);

  std::map<std::string, std::string> institution_names;
  for (const ledger::v1::Entry& entry : entries) {
    auto [name, inserted] = institution_names.try_emplace(entry.institution_code());
    if (inserted) {
      institutions::v1::GetInstitutionRequest lookup;
      lookup.set_code(entry.institution_code());
      ASSIGN_OR_RETURN(const institutions::v1::Institution institution,
                       core_.GetInstitution(lookup));
      name->second = institution.name();
    }
    log::v1::GetInclusionProofRequest proof_request;
    proof_request.set_entry_id(entry.entry_id());
    proof_request.set_tree_size(checkpoint.tree_size());
    ASSIGN_OR_RETURN(log::v1::InclusionProof proof, log_.GetInclusionProof(proof_request));
    transcripts::TranscriptAchievement achievement;
    achievement.leaf = std::move(*proof.mutable_leaf());
    achievement.institution_name = name->second;
    achievement.leaf_index = proof.leaf_index();
    achievement.inclusion_proof.assign(proof.hashes().begin(), proof.hashes().end());
    content.achievements.push_back(std::move(achievement));
  }
  ASSIGN_OR_RETURN(std::string jws, transcripts::SignTranscript(content, *key->private_key,
                                                                key->algorithm, key->kid));
  Transcript transcript;
  transcript.set_transcript_id(transcripts::TranscriptUrn(number));
  transcript.set_number(number);
  transcript.set_account_number(request.account_number());
  transcript.mutable_entry_ids()->Assign(selection.entry_ids.begin(), selection.entry_ids.end());
  transcript.set_programme_id(request.programme_id());
  *transcript.mutable_issued_at() = ToTimestamp(absl::FromUnixSeconds(absl::ToUnixSeconds(now)));
  transcript.set_key_id(key->kid);
  transcript.set_jws(std::move(jws));
  transcript.set_state(transcripts_api::TRANSCRIPT_STATE_ACTIVE);
  transcript.set_status_list_url(content.status.list_url);
  transcript.set_status_list_index(content.status.index);
  transcript.set_request_id(request.request_id());
  transcript.set_request_sha256(RequestDigest(request));
  return transcript;
}

absl::StatusOr<Transcript> TranscriptsEngine::Issue(
    const transcripts_api::IssueTranscriptRequest& request) {
  RETURN_IF_ERROR(CheckIssueRequest(request));
  const std::string request_key = RequestKey(request.account_number(), request.request_id());
  // A retry is answered from the store, before any work.
  ASSIGN_OR_RETURN(std::optional<std::string> earlier,
                   local_.store().Get(Table::kTranscripts, request_key));
  if (earlier.has_value()) {
    std::optional<uint64_t> number = storage::ReadUint64Value(*earlier);
    if (!number.has_value()) return absl::DataLossError("a stored transcript index is damaged");
    ASSIGN_OR_RETURN(const Transcript stored, Get(*number));
    return Replay(stored, request);
  }
  ASSIGN_OR_RETURN(Selection selection, Select(request));
  const uint64_t number = next_number_.fetch_add(1);
  ASSIGN_OR_RETURN(const Transcript built, Build(request, std::move(selection), number));

  Transcript result;
  RETURN_IF_ERROR(Change([&](UnitOfWork& work) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<std::string> raced, work.FindRow(Table::kTranscripts,
                                                                    request_key));
    if (raced.has_value()) {  // the same request id committed meanwhile
      std::optional<uint64_t> other = storage::ReadUint64Value(*raced);
      if (!other.has_value()) return absl::DataLossError("a stored transcript index is damaged");
      ASSIGN_OR_RETURN(std::optional<Transcript> stored, FindTranscript(work, *other));
      if (!stored.has_value()) return absl::DataLossError("an indexed transcript is missing");
      ASSIGN_OR_RETURN(result, Replay(*stored, request));
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(std::optional<std::string> highest,
                     work.FindRow(Table::kTranscripts, kHighestNumberKey));
    const uint64_t stored_highest =
        highest.has_value() ? storage::ReadUint64Value(*highest).value_or(0) : 0;
    std::string number_bytes;
    storage::AppendUint64(number_bytes, number);
    PutMessage(work, Table::kTranscripts, TranscriptKey(number), built);
    work.PutRow(Table::kTranscripts, WithNumber(AccountPrefix(request.account_number()), number),
                "");
    work.PutRow(Table::kTranscripts, request_key, number_bytes);
    if (number > stored_highest) work.PutRow(Table::kTranscripts, kHighestNumberKey, number_bytes);
    result = built;
    return absl::OkStatus();
  }));
  return result;
}

absl::StatusOr<Transcript> TranscriptsEngine::Get(uint64_t number) const {
  if (number == 0) return InvalidField("number", "must be a transcript number (from 1)");
  ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                   local_.store().Get(Table::kTranscripts, TranscriptKey(number)));
  if (!bytes.has_value()) return TranscriptNotFound(number);
  return ParseStored<Transcript>(*bytes, "transcript");
}

absl::StatusOr<transcripts_api::ListTranscriptsResponse> TranscriptsEngine::List(
    const transcripts_api::ListTranscriptsRequest& request) const {
  FieldViolations violations;
  CheckAccountNumberField(request.account_number(), "account_number", violations);
  if (request.page_size() > kMaxTranscriptPageSize) {
    violations.Add("page_size", absl::StrCat("must be 0..", kMaxTranscriptPageSize, " (0 means ",
                                             kDefaultTranscriptPageSize, ")"));
  }
  RETURN_IF_ERROR(violations.ToStatus());
  const uint32_t page_size =
      request.page_size() == 0 ? kDefaultTranscriptPageSize : request.page_size();
  const std::string prefix = AccountPrefix(request.account_number());
  ASSIGN_OR_RETURN(std::string last_key,
                   DecodePageToken(request.page_token(), prefix, "page_token"));
  const std::string start = last_key.empty() ? prefix : last_key + std::string(1, '\0');
  if (!last_key.empty() && !absl::StartsWith(last_key, prefix)) {
    return InvalidField("page_token", "is not a token of this listing");
  }
  transcripts_api::ListTranscriptsResponse response;
  std::unique_ptr<storage::Cursor> cursor =
      local_.store().Scan(Table::kTranscripts, start, storage::PrefixUpperBound(prefix));
  std::string last;
  for (; cursor->Valid(); cursor->Next()) {
    if (static_cast<uint32_t>(response.transcripts_size()) == page_size) {
      response.set_next_page_token(EncodePageToken(last, prefix));
      break;
    }
    std::optional<uint64_t> number = storage::ReadUint64(cursor->key(), prefix.size());
    if (!number.has_value()) return absl::DataLossError("a stored transcript index is damaged");
    ASSIGN_OR_RETURN(*response.add_transcripts(), Get(*number));
    last = std::string(cursor->key());
  }
  RETURN_IF_ERROR(cursor->status());
  return response;
}

absl::StatusOr<Transcript> TranscriptsEngine::Revoke(
    const transcripts_api::RevokeTranscriptRequest& request) {
  FieldViolations violations;
  if (request.number() == 0) violations.Add("number", "must be a transcript number (from 1)");
  CheckReasonField(request.reason(), "reason", violations);
  RETURN_IF_ERROR(violations.ToStatus());
  const uint64_t number = request.number();
  Transcript result;
  RETURN_IF_ERROR(Change([&](UnitOfWork& work) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<Transcript> stored, FindTranscript(work, number));
    if (!stored.has_value()) return TranscriptNotFound(number);
    result = *std::move(stored);
    if (result.state() == transcripts_api::TRANSCRIPT_STATE_REVOKED) return absl::OkStatus();
    ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                     work.FindRow(Table::kTranscripts, StatusListKey(ListOf(number))));
    ASSIGN_OR_RETURN(transcripts::StatusBitstring bits, LoadBits(std::move(bytes)));
    RETURN_IF_ERROR(bits.Set(IndexOf(number), true));
    result.set_state(transcripts_api::TRANSCRIPT_STATE_REVOKED);
    result.set_revocation_reason(request.reason());
    *result.mutable_revoked_at() = ToTimestamp(work.now());
    PutMessage(work, Table::kTranscripts, TranscriptKey(number), result);
    work.PutRow(Table::kTranscripts, StatusListKey(ListOf(number)), bits.bytes());
    return absl::OkStatus();
  }));
  absl::MutexLock lock(&status_mutex_);
  signed_lists_.erase(ListOf(number));
  return result;
}

absl::StatusOr<transcripts_api::Jwks> TranscriptsEngine::GetJwks() const {
  absl::MutexLock lock(&keys_mutex_);
  return JwksLocked();
}

absl::StatusOr<std::string> TranscriptsEngine::LogKey() const {
  {
    absl::MutexLock lock(&log_key_mutex_);
    if (!log_key_.empty()) return log_key_;
  }
  // Asked of the log once: its key does not change while the bank runs.
  ASSIGN_OR_RETURN(const log::v1::Checkpoint checkpoint, log_.GetCheckpoint());
  absl::MutexLock lock(&log_key_mutex_);
  log_key_ = checkpoint.verifier_key();
  return log_key_;
}

absl::StatusOr<transcripts_api::Jwks> TranscriptsEngine::JwksLocked() const {
  ASSIGN_OR_RETURN(const std::string log_key, LogKey());
  std::vector<const SigningKey*> keys;
  for (const auto& key : keys_) keys.push_back(key.get());
  transcripts_api::Jwks jwks;
  ASSIGN_OR_RETURN(*jwks.mutable_json(), PublishedJwks(keys, log_key));
  jwks.set_current_key_id(current_->kid);
  return jwks;
}

absl::StatusOr<transcripts_api::StatusList> TranscriptsEngine::GetStatusList(
    const transcripts_api::GetStatusListRequest& request) const {
  const uint64_t lists = ListOf(std::max<uint64_t>(next_number_.load(), 2) - 1);
  if (request.list() == 0 || request.list() > lists) {
    return FieldError(absl::StatusCode::kNotFound, reason::kStatusListNotFound, "list",
                      absl::StrCat("status lists are numbered 1 to ", lists));
  }
  // The key before status_mutex_: RotateSigningKey takes keys_mutex_ and
  // then status_mutex_, so taking them the other way round here deadlocks
  // (absl aborts the process on the cycle). A list signed by a key that
  // retires meanwhile stays cached until it is refreshed; verifiers accept
  // any published key's.
  const std::shared_ptr<const SigningKey> key = CurrentKey();
  const absl::Time now = clock_.Now();
  absl::MutexLock lock(&status_mutex_);
  if (auto cached = signed_lists_.find(request.list());
      cached != signed_lists_.end() && now - cached->second.signed_at < kStatusListRefresh) {
    return cached->second.list;
  }
  ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                   local_.store().Get(Table::kTranscripts, StatusListKey(request.list())));
  ASSIGN_OR_RETURN(transcripts::StatusBitstring bits, LoadBits(std::move(bytes)));
  transcripts::StatusListCredential credential{
      StatusListUrl(request.list()), config_.issuer_id, transcripts::kStatusPurposeRevocation,
      absl::ToUnixSeconds(now), absl::ToUnixSeconds(now + kStatusListValidity), std::move(bits)};
  transcripts_api::StatusList list;
  list.set_url(credential.list_url);
  ASSIGN_OR_RETURN(*list.mutable_jws(), transcripts::SignStatusListCredential(
                                            credential, *key->private_key, key->algorithm,
                                            key->kid));
  signed_lists_[request.list()] = SignedList{list, now};
  return list;
}

absl::StatusOr<transcripts_api::Jwks> TranscriptsEngine::RotateSigningKey(
    const transcripts_api::RotateSigningKeyRequest& request) {
  const jose::JwsAlgorithm algorithm =
      request.algorithm() == transcripts_api::SIGNING_ALGORITHM_EDDSA ? jose::JwsAlgorithm::kEdDsa
                                                                      : jose::JwsAlgorithm::kEs256;
  if (request.algorithm() != transcripts_api::SIGNING_ALGORITHM_UNSPECIFIED &&
      request.algorithm() != transcripts_api::SIGNING_ALGORITHM_ES256 &&
      request.algorithm() != transcripts_api::SIGNING_ALGORITHM_EDDSA) {
    return InvalidField("algorithm", "must be ES256 or EDDSA");
  }
  const absl::Time now = clock_.Now();
  ASSIGN_OR_RETURN(SigningKey fresh, GenerateSigningKey(algorithm, now));
  ASSIGN_OR_RETURN(const storage::v1::TranscriptKeyRecord fresh_record,
                   SealSigningKey(fresh, kek_));
  absl::MutexLock lock(&keys_mutex_);  // one rotation at a time
  if (keys_.size() >= kMaxTranscriptSigningKeys) {
    return QuotaExceeded("transcript signing keys",
                         absl::StrCat("the JWK Set holds at most ", kMaxTranscriptSigningKeys,
                                      " keys"));
  }
  // The same private key (another reference to it), now with its retirement time.
  SigningKey retired{current_->kid, current_->algorithm, nullptr, current_->created_at, now};
  EVP_PKEY_up_ref(current_->private_key.get());
  retired.private_key.reset(current_->private_key.get());
  ASSIGN_OR_RETURN(const storage::v1::TranscriptKeyRecord retired_record,
                   SealSigningKey(retired, kek_));
  RETURN_IF_ERROR(Change([&](UnitOfWork& work) -> absl::Status {
    PutMessage(work, Table::kTranscripts, KeyRecordKey(retired.kid), retired_record);
    PutMessage(work, Table::kTranscripts, KeyRecordKey(fresh.kid), fresh_record);
    work.PutRow(Table::kTranscripts, kCurrentKeyKey, fresh.kid);
    return absl::OkStatus();
  }));
  auto retired_shared = std::make_shared<const SigningKey>(std::move(retired));
  auto fresh_shared = std::make_shared<const SigningKey>(std::move(fresh));
  for (auto& key : keys_) {
    if (key->kid == retired_shared->kid) key = retired_shared;
  }
  keys_.push_back(fresh_shared);
  current_ = fresh_shared;
  {
    absl::MutexLock status_lock(&status_mutex_);
    signed_lists_.clear();  // signed by the retired key
  }
  return JwksLocked();
}

absl::StatusOr<size_t> TranscriptsEngine::ReviewReversals() {
  absl::MutexLock lock(&review_mutex_);
  std::vector<Transcript> to_flag;
  size_t looked_at = 0;
  std::unique_ptr<storage::Cursor> cursor =
      local_.store().Scan(Table::kTranscripts, TranscriptKey(review_after_ + 1),
                          storage::PrefixUpperBound(kTranscriptPrefix));
  for (; cursor->Valid() && looked_at < kMaxTranscriptsPerReview; cursor->Next(), ++looked_at) {
    ASSIGN_OR_RETURN(Transcript transcript, ParseStored<Transcript>(cursor->value(), "transcript"));
    review_after_ = transcript.number();
    if (transcript.state() != transcripts_api::TRANSCRIPT_STATE_ACTIVE) continue;
    std::set<uint64_t> reversed(transcript.reversed_entry_ids().begin(),
                                transcript.reversed_entry_ids().end());
    const size_t before = reversed.size();
    for (const uint64_t entry_id : transcript.entry_ids()) {
      ledger::v1::GetEntryRequest lookup;
      lookup.set_entry_id(entry_id);
      ASSIGN_OR_RETURN(const ledger::v1::Entry entry, core_.GetEntry(lookup));
      if (entry.reversed_by_entry_id() != 0) reversed.insert(entry_id);
    }
    if (reversed.size() == before) continue;
    transcript.set_needs_review(true);
    transcript.mutable_reversed_entry_ids()->Assign(reversed.begin(), reversed.end());
    to_flag.push_back(std::move(transcript));
  }
  RETURN_IF_ERROR(cursor->status());
  if (looked_at < kMaxTranscriptsPerReview) review_after_ = 0;  // the end: start over next time
  if (to_flag.empty()) return 0;
  RETURN_IF_ERROR(Change([&](UnitOfWork& work) -> absl::Status {
    for (Transcript& flagged : to_flag) {
      // Re-read: a revocation may have committed since the scan.
      ASSIGN_OR_RETURN(std::optional<Transcript> stored, FindTranscript(work, flagged.number()));
      if (!stored.has_value()) return absl::DataLossError("a scanned transcript is missing");
      stored->set_needs_review(true);
      *stored->mutable_reversed_entry_ids() = flagged.reversed_entry_ids();
      PutMessage(work, Table::kTranscripts, TranscriptKey(flagged.number()), *stored);
    }
    return absl::OkStatus();
  }));
  return to_flag.size();
}

}  // namespace creditbank::domain
