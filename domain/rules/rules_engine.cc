#include "domain/rules/rules_engine.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "domain/crypto/primitives.h"
#include "domain/errors.h"
#include "domain/limits.h"
#include "domain/rules/frameworks.h"
#include "domain/rules/progress.h"
#include "domain/rules/rule_checks.h"
#include "domain/validation/dates.h"
#include "google/protobuf/util/message_differencer.h"
#include "storage/keys.h"

namespace creditbank::domain::rules {
namespace {

using storage::Table;
using Status = rules_api::ConversionStatus;

// A rule's content: what a publisher writes, without the server's fields.
rules_api::Rule Content(rules_api::Rule rule) {
  rule.clear_programme_id();
  rule.clear_version();
  rule.clear_owner();
  rule.clear_published_at();
  return rule;
}

bool SameGrant(const rules_api::ProposedGrant& a, const rules_api::ProposedGrant& b) {
  return a.rule_id() == b.rule_id() && a.rule_version() == b.rule_version() &&
         std::equal(a.source_entry_ids().begin(), a.source_entry_ids().end(),
                    b.source_entry_ids().begin(), b.source_entry_ids().end()) &&
         a.course() == b.course() && a.category() == b.category() &&
         a.credits_milli() == b.credits_milli();
}

bool IsOpen(const rules_api::ConversionRequest& request) {
  return request.status() == rules_api::CONVERSION_STATUS_PENDING ||
         request.status() == rules_api::CONVERSION_STATUS_APPROVING;
}

// Whether a ledger error means the approval cannot go through as it is
// (bad data, account frozen, ...) rather than "try again".
bool IsFinalRefusal(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kOutOfRange:
      return true;
    default:
      return false;
  }
}

absl::Status RequestNotFound(absl::string_view field, absl::string_view name) {
  return FieldError(absl::StatusCode::kNotFound, reason::kConversionRequestNotFound, field,
                    absl::StrCat("no conversion request ", name));
}

}  // namespace

absl::StatusOr<std::unique_ptr<RulesEngine>> RulesEngine::Open(Core& local, CoreClient& ledger,
                                                               const Clock& clock) {
  std::unique_ptr<RulesEngine> engine(new RulesEngine(local, ledger, clock));
  ASSIGN_OR_RETURN(std::vector<rules_api::Framework> stored, engine->reader_.Frameworks());
  if (stored.empty()) {
    const absl::Time now = clock.Now();
    RETURN_IF_ERROR(engine->Change([now](UnitOfWork& work) -> absl::Status {
      for (rules_api::Framework framework : DefaultFrameworks()) {
        *framework.mutable_updated_at() = ToTimestamp(now);
        PutMessage(work, Table::kRules, FrameworkKey(framework.id()), framework);
      }
      return absl::OkStatus();
    }));
  }
  return engine;
}

absl::Status RulesEngine::Change(RowsCommand::Body body) {
  RowsCommand command(std::move(body));
  RETURN_IF_ERROR(local_.Execute(command));
  return command.result();
}

absl::CivilDay RulesEngine::Today() const { return BankToday(clock_.Now()); }

void RulesEngine::ForgetCompiled(absl::string_view programme_id) {
  absl::MutexLock lock(&cache_mutex_);
  ++generation_;
  if (programme_id.empty()) {
    compiled_.clear();
  } else if (auto it = compiled_.find(programme_id); it != compiled_.end()) {
    compiled_.erase(it);
  }
}

absl::StatusOr<std::shared_ptr<const CompiledRules>> RulesEngine::Compiled(
    const rules_api::Programme& programme) {
  uint64_t generation;
  {
    absl::MutexLock lock(&cache_mutex_);
    if (auto it = compiled_.find(programme.id()); it != compiled_.end()) return it->second;
    generation = generation_;
  }
  ASSIGN_OR_RETURN(std::vector<rules_api::Framework> frameworks, reader_.Frameworks());
  ASSIGN_OR_RETURN(std::vector<rules_api::Rule> versions, reader_.Rules(programme.id()));
  ASSIGN_OR_RETURN(std::shared_ptr<const CompiledRules> compiled,
                   CompiledRules::Compile(programme, std::move(versions), frameworks));
  absl::MutexLock lock(&cache_mutex_);
  // A change committed while we read may have made this stale: keep it
  // only if nothing changed meanwhile.
  if (generation_ == generation) compiled_[programme.id()] = compiled;
  return compiled;
}

// ---------------------------------------------------------------- frameworks

absl::StatusOr<rules_api::Framework> RulesEngine::PutFramework(
    const rules_api::PutFrameworkRequest& request) {
  ASSIGN_OR_RETURN(std::vector<rules_api::Framework> known, reader_.Frameworks());
  RETURN_IF_ERROR(CheckPutFramework(request, known));
  rules_api::Framework framework = request.framework();
  *framework.mutable_updated_at() = ToTimestamp(clock_.Now());
  RETURN_IF_ERROR(Change([&](UnitOfWork& work) -> absl::Status {
    PutMessage(work, Table::kRules, FrameworkKey(framework.id()), framework);
    return absl::OkStatus();
  }));
  ForgetCompiled("");
  return framework;
}

absl::StatusOr<rules_api::ListFrameworksResponse> RulesEngine::ListFrameworks() const {
  ASSIGN_OR_RETURN(std::vector<rules_api::Framework> frameworks, reader_.Frameworks());
  rules_api::ListFrameworksResponse response;
  for (rules_api::Framework& framework : frameworks) {
    *response.add_frameworks() = std::move(framework);
  }
  return response;
}

// ---------------------------------------------------------------- programmes

absl::StatusOr<rules_api::Programme> RulesEngine::LoadProgramme(absl::string_view id,
                                                                absl::string_view field) const {
  ASSIGN_OR_RETURN(std::optional<rules_api::Programme> programme, reader_.Programme(id));
  if (!programme) {
    return FieldError(absl::StatusCode::kNotFound, reason::kProgrammeNotFound, field,
                      absl::StrCat("no programme ", id));
  }
  return *std::move(programme);
}

absl::StatusOr<rules_api::Programme> RulesEngine::PutProgramme(
    const rules_api::PutProgrammeRequest& request) {
  RETURN_IF_ERROR(CheckPutProgramme(request));
  rules_api::Programme programme = request.programme();
  // The awarding institution must be one the core knows.
  institutions::v1::GetInstitutionRequest lookup;
  lookup.set_code(programme.institution_code());
  absl::StatusOr<institutions::v1::Institution> institution = ledger_.GetInstitution(lookup);
  if (!institution.ok()) {
    return WithFieldPrefix(
        institution.status().code() == absl::StatusCode::kNotFound
            ? FieldError(absl::StatusCode::kNotFound, reason::kInstitutionNotFound,
                         "institution_code",
                         absl::StrCat("no institution ", programme.institution_code()))
            : institution.status(),
        "programme.");
  }
  ASSIGN_OR_RETURN(std::optional<rules_api::Programme> stored, reader_.Programme(programme.id()));
  if (stored && stored->institution_code() != programme.institution_code()) {
    return FieldError(absl::StatusCode::kFailedPrecondition, reason::kInvalidTransition,
                      "programme.institution_code",
                      absl::StrCat("programme ", programme.id(), " belongs to ",
                                   stored->institution_code(), "; it cannot move"));
  }
  // A course or category that a rule grants may not disappear.
  ASSIGN_OR_RETURN(std::vector<rules_api::Rule> rules, reader_.Rules(programme.id()));
  std::set<std::string> courses, categories;
  for (const auto& course : programme.courses()) courses.insert(course.code());
  for (const auto& category : programme.categories()) categories.insert(category.code());
  for (const rules_api::Rule& rule : rules) {
    const rules_api::Grant& grant = rule.grant();
    const bool kept = grant.target_case() == rules_api::Grant::kCourse
                          ? courses.count(grant.course()) > 0
                          : categories.count(grant.category()) > 0;
    if (!kept) {
      return FieldError(absl::StatusCode::kFailedPrecondition, reason::kRuleTargetInUse,
                        "programme.courses",
                        absl::StrFormat("rule %s version %d grants %s, which this programme "
                                        "no longer has; publish a rule version without it first",
                                        rule.id(), rule.version(),
                                        grant.course().empty() ? grant.category() : grant.course()));
    }
  }
  *programme.mutable_updated_at() = ToTimestamp(clock_.Now());
  RETURN_IF_ERROR(Change([&](UnitOfWork& work) -> absl::Status {
    PutMessage(work, Table::kRules, ProgrammeKey(programme.id()), programme);
    return absl::OkStatus();
  }));
  ForgetCompiled(programme.id());
  return programme;
}

absl::StatusOr<rules_api::Programme> RulesEngine::GetProgramme(
    const rules_api::GetProgrammeRequest& request) const {
  RETURN_IF_ERROR(CheckGetProgramme(request));
  return LoadProgramme(request.programme_id(), "programme_id");
}

absl::StatusOr<rules_api::ListProgrammesResponse> RulesEngine::ListProgrammes(
    const rules_api::ListProgrammesRequest& request) const {
  RETURN_IF_ERROR(CheckListProgrammes(request));
  ASSIGN_OR_RETURN(std::vector<rules_api::Programme> programmes, reader_.Programmes());
  rules_api::ListProgrammesResponse response;
  for (rules_api::Programme& programme : programmes) {
    if (!request.institution_code().empty() &&
        programme.institution_code() != request.institution_code()) {
      continue;
    }
    *response.add_programmes() = std::move(programme);
  }
  return response;
}

// --------------------------------------------------------------------- rules

absl::StatusOr<rules_api::ApplyRulesResponse> RulesEngine::ApplyRules(
    const rules_api::ApplyRulesRequest& request, absl::string_view owner) {
  ASSIGN_OR_RETURN(std::optional<rules_api::Programme> programme,
                   reader_.Programme(request.programme_id()));
  ASSIGN_OR_RETURN(std::vector<rules_api::Framework> frameworks, reader_.Frameworks());
  if (!programme) {
    // Still report every bad field. Grant targets cannot be judged without
    // the programme: a stand-in that has every target the rules name lets
    // them pass, so that a valid file for a mistyped programme id gets
    // NOT_FOUND rather than "not a course of programme" on each grant.
    rules_api::Programme stand_in;
    stand_in.set_id(request.programme_id());
    for (const rules_api::Rule& rule : request.rules()) {
      if (rule.grant().target_case() == rules_api::Grant::kCourse) {
        stand_in.add_courses()->set_code(rule.grant().course());
      } else if (rule.grant().target_case() == rules_api::Grant::kCategory) {
        stand_in.add_categories()->set_code(rule.grant().category());
      }
    }
    RETURN_IF_ERROR(CheckApplyRules(request, stand_in, frameworks));
    return LoadProgramme(request.programme_id(), "programme_id").status();
  }
  RETURN_IF_ERROR(CheckApplyRules(request, *programme, frameworks));
  // Compiling checks what the field checks cannot (crosswalks resolve).
  std::vector<rules_api::Rule> candidates(request.rules().begin(), request.rules().end());
  RETURN_IF_ERROR(CompiledRules::Compile(*programme, candidates, frameworks).status());

  const google::protobuf::Timestamp now = ToTimestamp(clock_.Now());
  rules_api::ApplyRulesResponse response;
  RETURN_IF_ERROR(Change([&](UnitOfWork& work) -> absl::Status {
    response.Clear();
    std::vector<rules_api::Rule> publish;
    for (const rules_api::Rule& rule : request.rules()) {
      // The latest version, as of this group (another apply may have just
      // staged one).
      uint32_t latest_version = 0;
      std::optional<rules_api::Rule> latest;
      for (uint32_t version = 1;; ++version) {
        ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                         work.FindRow(Table::kRules, RuleKey(programme->id(), rule.id(), version)));
        if (!bytes) break;
        ASSIGN_OR_RETURN(latest, ParseStored<rules_api::Rule>(*bytes, "rule"));
        latest_version = version;
      }
      if (latest && google::protobuf::util::MessageDifferencer::Equals(Content(*latest),
                                                                       Content(rule))) {
        response.add_unchanged(rule.id());
        continue;
      }
      rules_api::Rule version = Content(rule);
      version.set_programme_id(programme->id());
      version.set_version(latest_version + 1);
      version.set_owner(std::string(owner));
      *version.mutable_published_at() = now;
      publish.push_back(std::move(version));
    }
    for (const rules_api::Rule& version : publish) {
      PutMessage(work, Table::kRules, RuleKey(programme->id(), version.id(), version.version()),
                 version);
      *response.add_published() = version;
    }
    return absl::OkStatus();
  }));
  ForgetCompiled(programme->id());
  return response;
}

absl::StatusOr<rules_api::ListRulesResponse> RulesEngine::ListRules(
    const rules_api::ListRulesRequest& request) const {
  RETURN_IF_ERROR(CheckListRules(request));
  RETURN_IF_ERROR(LoadProgramme(request.programme_id(), "programme_id").status());
  ASSIGN_OR_RETURN(std::vector<rules_api::Rule> versions, reader_.Rules(request.programme_id()));
  rules_api::ListRulesResponse response;
  for (size_t i = 0; i < versions.size(); ++i) {
    const bool latest = i + 1 == versions.size() || versions[i + 1].id() != versions[i].id();
    if (request.all_versions() || latest) *response.add_rules() = versions[i];
  }
  return response;
}

absl::StatusOr<rules_api::GetRuleResponse> RulesEngine::GetRule(
    const rules_api::GetRuleRequest& request) const {
  RETURN_IF_ERROR(CheckGetRule(request));
  RETURN_IF_ERROR(LoadProgramme(request.programme_id(), "programme_id").status());
  ASSIGN_OR_RETURN(std::vector<rules_api::Rule> versions, reader_.Rules(request.programme_id()));
  rules_api::GetRuleResponse response;
  for (rules_api::Rule& version : versions) {
    if (version.id() == request.rule_id()) *response.add_versions() = std::move(version);
  }
  if (response.versions().empty()) {
    return FieldError(absl::StatusCode::kNotFound, reason::kRuleNotFound, "rule_id",
                      absl::StrCat("programme ", request.programme_id(), " has no rule ",
                                   request.rule_id()));
  }
  return response;
}

// ---------------------------------------------------------------- evaluation

absl::StatusOr<std::vector<ledger::v1::Entry>> RulesEngine::AccountEntries(
    absl::string_view account_number) {
  std::vector<ledger::v1::Entry> entries;
  ledger::v1::ListEntriesRequest list;
  list.set_account_number(std::string(account_number));
  list.set_page_size(kMaxPageSize);
  do {
    absl::StatusOr<ledger::v1::ListEntriesResponse> page = ledger_.ListEntries(list);
    if (!page.ok()) return page.status();
    for (ledger::v1::Entry& entry : *page->mutable_entries()) entries.push_back(std::move(entry));
    if (entries.size() > kMaxEntriesPerEvaluation) {
      return FieldError(absl::StatusCode::kResourceExhausted, reason::kTooManyEntries,
                        "account_number",
                        absl::StrCat("the account has more than ", kMaxEntriesPerEvaluation,
                                     " entries, more than one evaluation reads"));
    }
    list.set_page_token(page->next_page_token());
  } while (!list.page_token().empty());
  return entries;
}

absl::StatusOr<std::vector<rules_api::ConversionRequest>> RulesEngine::OpenRequests(
    absl::string_view account_number, absl::string_view programme_id, uint64_t except) const {
  std::vector<rules_api::ConversionRequest> open;
  const std::string prefix = absl::StrCat("a/", account_number, "/");
  uint64_t after = 0;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<uint64_t> serials,
                     reader_.Serials(prefix, after, static_cast<size_t>(kMaxPageSize)));
    for (uint64_t serial : serials) {
      ASSIGN_OR_RETURN(std::optional<rules_api::ConversionRequest> request,
                       reader_.Request(serial));
      if (request && serial != except && request->programme_id() == programme_id &&
          IsOpen(*request)) {
        open.push_back(*std::move(request));
      }
    }
    if (serials.size() < static_cast<size_t>(kMaxPageSize)) break;
    after = serials.back();
  }
  return open;
}

absl::StatusOr<rules_api::Proposal> RulesEngine::EvaluateAt(
    const rules_api::Programme& programme, absl::string_view account_number,
    absl::CivilDay as_of, const std::vector<ledger::v1::Entry>& entries, uint64_t except_request) {
  ASSIGN_OR_RETURN(std::shared_ptr<const CompiledRules> compiled, Compiled(programme));
  ASSIGN_OR_RETURN(std::vector<rules_api::ConversionRequest> open,
                   OpenRequests(account_number, programme.id(), except_request));
  EvaluationContext context;
  context.as_of = as_of;
  std::vector<std::string> names;
  for (const rules_api::ConversionRequest& request : open) {
    names.push_back(request.id());
    context.reserved.insert(context.reserved.end(), request.grants().begin(),
                            request.grants().end());
  }
  context.reserved_by = absl::StrCat("reserved by open request ", absl::StrJoin(names, ", "));
  rules_api::Proposal proposal = rules::Evaluate(*compiled, entries, context);
  proposal.set_account_number(std::string(account_number));
  proposal.mutable_progress()->set_account_number(std::string(account_number));
  proposal.set_digest(ProposalDigest(proposal));
  return proposal;
}

absl::StatusOr<rules_api::Proposal> RulesEngine::Evaluate(
    const rules_api::EvaluateRequest& request) {
  RETURN_IF_ERROR(CheckEvaluate(request));
  ASSIGN_OR_RETURN(rules_api::Programme programme,
                   LoadProgramme(request.programme_id(), "programme_id"));
  absl::CivilDay as_of = Today();
  if (IsDateSet(request.as_of())) as_of = ToCivilDay(request.as_of()).value_or(as_of);
  ASSIGN_OR_RETURN(std::vector<ledger::v1::Entry> entries,
                   AccountEntries(request.account_number()));
  RETURN_IF_ERROR(FlagReversed(request.account_number(), entries).status());
  return EvaluateAt(programme, request.account_number(), as_of, entries, 0);
}

absl::StatusOr<rules_api::Progress> RulesEngine::GetProgress(
    const rules_api::GetProgressRequest& request) {
  RETURN_IF_ERROR(CheckGetProgress(request));
  ASSIGN_OR_RETURN(rules_api::Programme programme,
                   LoadProgramme(request.programme_id(), "programme_id"));
  ASSIGN_OR_RETURN(std::vector<ledger::v1::Entry> entries,
                   AccountEntries(request.account_number()));
  RETURN_IF_ERROR(FlagReversed(request.account_number(), entries).status());
  rules_api::Progress progress = ComputeProgress(programme, entries, Today());
  progress.set_account_number(request.account_number());
  return progress;
}

// ---------------------------------------------------------------- requests

absl::StatusOr<rules_api::ConversionRequest> RulesEngine::LoadRequest(
    absl::string_view name, absl::string_view field) const {
  std::optional<uint64_t> serial = ParseRequestName(name);
  if (!serial) return RequestNotFound(field, name);
  ASSIGN_OR_RETURN(std::optional<rules_api::ConversionRequest> request, reader_.Request(*serial));
  if (!request) return RequestNotFound(field, name);
  return *std::move(request);
}

absl::StatusOr<rules_api::ConversionRequest> RulesEngine::CreateConversionRequest(
    const rules_api::CreateConversionRequestRequest& request, absl::string_view actor) {
  RETURN_IF_ERROR(CheckCreateConversionRequest(request));
  // A retry answers with the request made the first time.
  ASSIGN_OR_RETURN(std::optional<std::string> known,
                   local_.store().Get(Table::kConversions,
                                      RequestIdKey(request.account_number(), request.request_id())));
  if (known) {
    std::optional<uint64_t> serial = storage::ReadUint64Value(*known);
    if (!serial) return absl::DataLossError("a stored conversion request id is damaged");
    ASSIGN_OR_RETURN(std::optional<rules_api::ConversionRequest> earlier,
                     reader_.Request(*serial));
    if (!earlier) return absl::DataLossError("a conversion request id names no request");
    if (earlier->programme_id() != request.programme_id()) {
      return FieldError(absl::StatusCode::kAlreadyExists, reason::kRequestIdReused, "request_id",
                        absl::StrCat("request id ", request.request_id(), " was used for ",
                                     earlier->id(), " with another programme"));
    }
    return *std::move(earlier);
  }
  ASSIGN_OR_RETURN(rules_api::Programme programme,
                   LoadProgramme(request.programme_id(), "programme_id"));
  ASSIGN_OR_RETURN(std::vector<ledger::v1::Entry> entries,
                   AccountEntries(request.account_number()));
  const absl::CivilDay today = Today();
  ASSIGN_OR_RETURN(rules_api::Proposal proposal,
                   EvaluateAt(programme, request.account_number(), today, entries, 0));
  if (!request.proposal_digest().empty() && request.proposal_digest() != proposal.digest()) {
    return FieldError(absl::StatusCode::kFailedPrecondition, reason::kProposalChanged,
                      "proposal_digest",
                      "the proposal changed since it was made (the ledger, the rules or other "
                      "requests moved): evaluate again");
  }
  rules_api::ConversionRequest created;
  created.set_request_id(request.request_id());
  created.set_account_number(request.account_number());
  created.set_programme_id(programme.id());
  created.set_status(rules_api::CONVERSION_STATUS_PENDING);
  created.set_created_by(std::string(actor));
  *created.mutable_created_at() = ToTimestamp(clock_.Now());
  *created.mutable_as_of() = ToDate(today);
  const std::set<std::string> wanted(request.rule_ids().begin(), request.rule_ids().end());
  std::set<std::string> granted;
  for (const rules_api::ProposedGrant& grant : proposal.grants()) {
    granted.insert(grant.rule_id());
    if (wanted.empty() || wanted.count(grant.rule_id())) *created.add_grants() = grant;
  }
  for (int i = 0; i < request.rule_ids_size(); ++i) {
    if (!granted.count(request.rule_ids(i))) {
      return FieldError(absl::StatusCode::kFailedPrecondition, reason::kNothingToConvert,
                        absl::StrCat("rule_ids[", i, "]"),
                        absl::StrCat("rule ", request.rule_ids(i),
                                     " grants nothing in the current proposal"));
    }
  }
  if (created.grants().empty()) {
    return FieldError(absl::StatusCode::kFailedPrecondition, reason::kNothingToConvert,
                      "programme_id",
                      absl::StrCat("no rule of programme ", programme.id(),
                                   " grants anything for this account now"));
  }
  RETURN_IF_ERROR(Change([&](UnitOfWork& work) -> absl::Status {
    const std::string id_key = RequestIdKey(request.account_number(), request.request_id());
    ASSIGN_OR_RETURN(std::optional<std::string> raced, work.FindRow(Table::kConversions, id_key));
    if (raced) {
      return FieldError(absl::StatusCode::kAborted, reason::kRequestIdReused, "request_id",
                        "a request with this id was created at the same time; retry");
    }
    ASSIGN_OR_RETURN(std::optional<std::string> next,
                     work.FindRow(Table::kConversions, kNextRequestSerialKey));
    uint64_t serial = 1;
    if (next) {
      std::optional<uint64_t> stored = storage::ReadUint64Value(*next);
      if (!stored) return absl::DataLossError("the stored request serial is damaged");
      serial = *stored;
    }
    created.set_id(RequestName(serial));
    std::string serial_bytes;
    storage::AppendUint64(serial_bytes, serial);
    std::string next_bytes;
    storage::AppendUint64(next_bytes, serial + 1);
    work.PutRow(Table::kConversions, kNextRequestSerialKey, next_bytes);
    PutMessage(work, Table::kConversions, RequestKey(serial), created);
    work.PutRow(Table::kConversions, id_key, serial_bytes);
    work.PutRow(Table::kConversions, AccountIndexKey(created.account_number(), serial), "");
    work.PutRow(Table::kConversions, ProgrammeIndexKey(created.programme_id(), serial), "");
    return absl::OkStatus();
  }));
  return created;
}

absl::StatusOr<rules_api::ConversionRequest> RulesEngine::ApproveConversionRequest(
    const rules_api::DecideConversionRequest& request, absl::string_view actor) {
  RETURN_IF_ERROR(CheckDecideConversionRequest(request));
  absl::MutexLock lock(&approval_mutex_);
  ASSIGN_OR_RETURN(rules_api::ConversionRequest stored,
                   LoadRequest(request.conversion_request_id(), "conversion_request_id"));
  const uint64_t serial = *ParseRequestName(stored.id());
  switch (stored.status()) {
    case rules_api::CONVERSION_STATUS_APPROVED:
      return stored;  // a retry of an approval that went through
    case rules_api::CONVERSION_STATUS_APPROVING:
      return FinishApproval(serial, stored);  // a retry after a failure mid-way
    case rules_api::CONVERSION_STATUS_REJECTED:
      return FieldError(absl::StatusCode::kFailedPrecondition, reason::kInvalidTransition,
                        "conversion_request_id",
                        absl::StrCat(stored.id(), " was rejected; it cannot be approved"));
    default:
      break;
  }
  // Re-check: the grants must still be what the ledger and rules give now.
  ASSIGN_OR_RETURN(rules_api::Programme programme, LoadProgramme(stored.programme_id(), "programme_id"));
  ASSIGN_OR_RETURN(std::vector<ledger::v1::Entry> entries, AccountEntries(stored.account_number()));
  ASSIGN_OR_RETURN(rules_api::Proposal now,
                   EvaluateAt(programme, stored.account_number(), Today(), entries, serial));
  for (const rules_api::ProposedGrant& grant : stored.grants()) {
    const bool still = std::any_of(now.grants().begin(), now.grants().end(),
                                   [&](const auto& current) { return SameGrant(grant, current); });
    if (!still) {
      std::string why = "the rule no longer matches these entries";
      for (const rules_api::NearMiss& miss : now.near_misses()) {
        if (miss.rule_id() == grant.rule_id()) why = absl::StrJoin(miss.reasons(), "; ");
      }
      for (const rules_api::ProposedGrant& current : now.grants()) {
        if (current.rule_id() == grant.rule_id()) {
          why = absl::StrFormat("the rule now grants %d thousandths from entries %s",
                                current.credits_milli(),
                                absl::StrJoin(current.source_entry_ids(), ", "));
        }
      }
      return FieldError(absl::StatusCode::kFailedPrecondition, reason::kProposalChanged,
                        "conversion_request_id",
                        absl::StrFormat("%s: the grant of rule %s version %d no longer holds: "
                                        "%s. Reject it and create a new request.",
                                        stored.id(), grant.rule_id(), grant.rule_version(), why));
    }
  }
  stored.set_status(rules_api::CONVERSION_STATUS_APPROVING);
  stored.set_decided_by(std::string(actor));
  *stored.mutable_decided_at() = ToTimestamp(clock_.Now());
  stored.set_reason(request.reason());
  ASSIGN_OR_RETURN(std::vector<ledger::v1::Outcome> outcomes, PlanConversionOutcomes(stored));
  for (ledger::v1::Outcome& outcome : outcomes) *stored.add_conversion_outcomes() = std::move(outcome);
  RETURN_IF_ERROR(Change([&](UnitOfWork& work) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<rules_api::ConversionRequest> current, FindRequest(work, serial));
    if (!current || current->status() != rules_api::CONVERSION_STATUS_PENDING) {
      return absl::AbortedError(absl::StrCat(stored.id(), " was decided meanwhile; retry"));
    }
    PutMessage(work, Table::kConversions, RequestKey(serial), stored);
    return absl::OkStatus();
  }));
  return FinishApproval(serial, stored);
}

absl::StatusOr<std::vector<ledger::v1::Outcome>> RulesEngine::PlanConversionOutcomes(
    const rules_api::ConversionRequest& request) const {
  ASSIGN_OR_RETURN(rules_api::Programme programme,
                   LoadProgramme(request.programme_id(), "programme_id"));
  ASSIGN_OR_RETURN(std::vector<rules_api::Rule> versions, reader_.Rules(programme.id()));
  const common::v1::Date decided_on = ToDate(BankToday(FromTimestamp(request.decided_at())));
  std::vector<ledger::v1::Outcome> outcomes;
  for (int i = 0; i < request.grants_size(); ++i) {
    const rules_api::ProposedGrant& grant = request.grants(i);
    ledger::v1::Outcome& outcome = outcomes.emplace_back();
    outcome.set_request_id(absl::StrCat(request.id(), ".", i + 1));
    outcome.set_account_number(request.account_number());
    outcome.set_kind(common::v1::OUTCOME_KIND_CONVERSION);
    std::string title;
    for (const rules_api::Course& course : programme.courses()) {
      if (course.code() == grant.course()) title = course.title();
    }
    for (const rules_api::Category& category : programme.categories()) {
      if (title.empty() && category.code() == grant.category()) {
        title = absl::StrCat(category.name().empty() ? category.code() : category.name(),
                             " (converted)");
      }
    }
    outcome.set_code(grant.course().empty() ? grant.category() : grant.course());
    outcome.set_title(title.empty() ? outcome.code() : title);
    outcome.set_credits_milli(grant.credits_milli());
    outcome.set_framework_level(programme.framework_level());
    *outcome.mutable_completion_date() = decided_on;
    // The evidence is the rule version itself: its digest ties the entry
    // to exactly the rule text that granted it.
    for (const rules_api::Rule& version : versions) {
      if (version.id() == grant.rule_id() && version.version() == grant.rule_version()) {
        std::string bytes;
        version.SerializeToString(&bytes);  // stable: stored bytes, one process
        outcome.set_evidence_sha256(Sha256(bytes));
      }
    }
    for (uint64_t source : grant.source_entry_ids()) outcome.add_source_entry_ids(source);
  }
  return outcomes;
}

absl::StatusOr<rules_api::ConversionRequest> RulesEngine::FinishApproval(
    uint64_t serial, const rules_api::ConversionRequest& request) {
  ASSIGN_OR_RETURN(rules_api::Programme programme,
                   LoadProgramme(request.programme_id(), "programme_id"));
  ledger::v1::RecordOutcomesRequest batch;
  batch.set_institution_code(programme.institution_code());
  batch.set_atomic(true);
  // Exactly what the APPROVING mark fixed: a retry replays, never differs.
  *batch.mutable_outcomes() = request.conversion_outcomes();
  absl::StatusOr<ledger::v1::RecordOutcomesResponse> written = ledger_.RecordOutcomes(batch);
  if (!written.ok()) {
    if (IsFinalRefusal(written.status())) {
      // Back to pending: nothing was written, and a decision can be made
      // again once the cause is fixed (an account unfrozen, ...).
      rules_api::ConversionRequest back = request;
      back.set_status(rules_api::CONVERSION_STATUS_PENDING);
      back.clear_decided_by();
      back.clear_decided_at();
      back.clear_reason();
      back.clear_conversion_outcomes();
      RETURN_IF_ERROR(Change([&](UnitOfWork& work) -> absl::Status {
        PutMessage(work, Table::kConversions, RequestKey(serial), back);
        return absl::OkStatus();
      }));
    }
    return WithMessage(written.status(),
                       absl::StrCat("the ledger refused the conversion entries of ", request.id(),
                                    ": ", written.status().message()));
  }
  rules_api::ConversionRequest approved = request;
  approved.set_status(rules_api::CONVERSION_STATUS_APPROVED);
  for (const ledger::v1::ItemResult& result : written->results()) {
    approved.add_conversion_entry_ids(result.entry_id());
  }
  RETURN_IF_ERROR(Change([&](UnitOfWork& work) -> absl::Status {
    PutMessage(work, Table::kConversions, RequestKey(serial), approved);
    work.PutRow(Table::kConversions, WatchKey(serial), "");
    return absl::OkStatus();
  }));
  return approved;
}

absl::StatusOr<rules_api::ConversionRequest> RulesEngine::RejectConversionRequest(
    const rules_api::DecideConversionRequest& request, absl::string_view actor) {
  RETURN_IF_ERROR(CheckDecideConversionRequest(request));
  absl::MutexLock lock(&approval_mutex_);
  ASSIGN_OR_RETURN(rules_api::ConversionRequest stored,
                   LoadRequest(request.conversion_request_id(), "conversion_request_id"));
  if (stored.status() == rules_api::CONVERSION_STATUS_REJECTED) return stored;
  if (stored.status() != rules_api::CONVERSION_STATUS_PENDING) {
    return FieldError(absl::StatusCode::kFailedPrecondition, reason::kInvalidTransition,
                      "conversion_request_id",
                      absl::StrCat(stored.id(), " was approved; reverse its conversion entries "
                                                "instead"));
  }
  const uint64_t serial = *ParseRequestName(stored.id());
  stored.set_status(rules_api::CONVERSION_STATUS_REJECTED);
  stored.set_decided_by(std::string(actor));
  *stored.mutable_decided_at() = ToTimestamp(clock_.Now());
  stored.set_reason(request.reason());
  RETURN_IF_ERROR(Change([&](UnitOfWork& work) -> absl::Status {
    PutMessage(work, Table::kConversions, RequestKey(serial), stored);
    return absl::OkStatus();
  }));
  return stored;
}

absl::StatusOr<rules_api::ConversionRequest> RulesEngine::GetConversionRequest(
    const rules_api::GetConversionRequestRequest& request) const {
  RETURN_IF_ERROR(CheckGetConversionRequest(request));
  return LoadRequest(request.conversion_request_id(), "conversion_request_id");
}

absl::StatusOr<rules_api::ListConversionRequestsResponse> RulesEngine::ListConversionRequests(
    const rules_api::ListConversionRequestsRequest& request) const {
  RETURN_IF_ERROR(CheckListConversionRequests(request));
  const size_t page_size =
      request.page_size() == 0 ? kDefaultPageSize : static_cast<size_t>(request.page_size());
  uint64_t after = 0;
  if (!request.page_token().empty()) {
    std::optional<uint64_t> serial = ParseRequestName(request.page_token());
    if (!serial) return InvalidField("page_token", "is not a token this call returned");
    after = *serial;
  }
  std::string prefix = "q/";
  if (!request.account_number().empty()) {
    prefix = absl::StrCat("a/", request.account_number(), "/");
  } else if (!request.programme_id().empty()) {
    prefix = absl::StrCat("g/", request.programme_id(), "/");
  }
  rules_api::ListConversionRequestsResponse response;
  size_t scanned = 0;
  auto full = [&] { return static_cast<size_t>(response.requests_size()) >= page_size; };
  while (true) {
    ASSIGN_OR_RETURN(std::vector<uint64_t> serials,
                     reader_.Serials(prefix, after, static_cast<size_t>(kMaxPageSize)));
    for (uint64_t serial : serials) {
      after = serial;
      ++scanned;
      ASSIGN_OR_RETURN(std::optional<rules_api::ConversionRequest> stored, reader_.Request(serial));
      const bool wanted =
          stored.has_value() &&
          (request.programme_id().empty() || stored->programme_id() == request.programme_id()) &&
          (request.status() == rules_api::CONVERSION_STATUS_UNSPECIFIED ||
           stored->status() == request.status()) &&
          (!request.needs_review() || stored->needs_review());
      if (wanted) *response.add_requests() = *std::move(stored);
      if (full()) break;
    }
    if (full() || scanned >= kMaxRowsScannedPerPage) break;
    if (serials.size() < static_cast<size_t>(kMaxPageSize)) return response;  // the end
  }
  // No token when nothing follows (a page that happened to end full).
  ASSIGN_OR_RETURN(std::vector<uint64_t> more, reader_.Serials(prefix, after, 1));
  if (more.empty()) return response;
  response.set_next_page_token(RequestName(after));
  return response;
}

// ---------------------------------------------------------------- reversals

absl::StatusOr<std::vector<std::string>> RulesEngine::FlagReversed(
    absl::string_view account_number, const std::vector<ledger::v1::Entry>& entries) {
  absl::flat_hash_map<uint64_t, uint64_t> reversed_by;
  for (const ledger::v1::Entry& entry : entries) {
    if (entry.reversed_by_entry_id() != 0) reversed_by[entry.entry_id()] = entry.reversed_by_entry_id();
  }
  std::vector<std::string> flagged;
  if (reversed_by.empty()) return flagged;
  const std::string prefix = absl::StrCat("a/", account_number, "/");
  ASSIGN_OR_RETURN(std::vector<uint64_t> serials,
                   reader_.Serials(prefix, 0, kMaxRequestsPerReview));
  for (uint64_t serial : serials) {
    ASSIGN_OR_RETURN(std::optional<rules_api::ConversionRequest> stored, reader_.Request(serial));
    if (!stored || stored->status() != rules_api::CONVERSION_STATUS_APPROVED ||
        stored->needs_review()) {
      continue;
    }
    std::vector<uint64_t> reversed;
    for (const rules_api::ProposedGrant& grant : stored->grants()) {
      for (uint64_t source : grant.source_entry_ids()) {
        if (reversed_by.contains(source)) reversed.push_back(source);
      }
    }
    if (reversed.empty()) continue;
    RETURN_IF_ERROR(Change([&](UnitOfWork& work) -> absl::Status {
      ASSIGN_OR_RETURN(std::optional<rules_api::ConversionRequest> current, FindRequest(work, serial));
      if (!current || current->needs_review()) return absl::OkStatus();
      current->set_needs_review(true);
      for (uint64_t source : reversed) current->add_reversed_source_entry_ids(source);
      PutMessage(work, Table::kConversions, RequestKey(serial), *current);
      work.DeleteRow(Table::kConversions, WatchKey(serial));
      return absl::OkStatus();
    }));
    flagged.push_back(stored->id());
  }
  return flagged;
}

absl::StatusOr<rules_api::ReviewReversalsResponse> RulesEngine::ReviewReversals() {
  rules_api::ReviewReversalsResponse response;
  ASSIGN_OR_RETURN(std::vector<uint64_t> serials, reader_.Serials("v/", 0, kMaxRequestsPerReview));
  // One account's entries serve all of its requests.
  std::set<std::string> accounts;
  for (uint64_t serial : serials) {
    ASSIGN_OR_RETURN(std::optional<rules_api::ConversionRequest> stored, reader_.Request(serial));
    if (stored) accounts.insert(stored->account_number());
    response.set_requests_checked(response.requests_checked() + 1);
  }
  for (const std::string& account : accounts) {
    ASSIGN_OR_RETURN(std::vector<ledger::v1::Entry> entries, AccountEntries(account));
    ASSIGN_OR_RETURN(std::vector<std::string> flagged, FlagReversed(account, entries));
    for (std::string& id : flagged) response.add_newly_flagged(std::move(id));
  }
  return response;
}

}  // namespace creditbank::domain::rules
