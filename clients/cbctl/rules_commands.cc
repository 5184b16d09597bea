// cbctl framework list|put, programme put|show|list,
// rules apply|export|list|show, evaluate, progress,
// requests create|approve|reject|show|list|review
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/cbctl/commands.h"
#include "clients/cbctl/file_reader.h"
#include "clients/cbctl/flag_values.h"
#include "clients/cbctl/rules_views.h"
#include "clients/cbctl/value_parsers.h"
#include "domain/limits.h"

namespace creditbank::cbctl {
namespace {

namespace rules_v1 = ::creditbank::rules::v1;

// A rule file of 1,000 rules is well under 1 MiB; anything much larger is
// not a rule file.
constexpr size_t kMaxJsonFileBytes = size_t{16} << 20;

struct RulesFlags {
  std::string file;
  std::string output;
  std::string id;  // programme, rule or conversion request, as a positional
  std::string institution;
  std::string programme;
  std::string account_number;
  std::string as_of;
  bool all_versions = false;
  std::string request_id;
  std::vector<std::string> rule_ids;
  std::string digest;
  std::string reason;
  std::string status;
  bool needs_review = false;
  int page_size = 0;
  std::string page_token;
  bool all_pages = false;
};

absl::StatusOr<std::string> ReadSmallFile(const std::string& path) {
  return ReadWholeFile(path, kMaxJsonFileBytes);
}

// Fills `message` from the JSON file `path`; false (after saying why on
// stderr) when the file cannot be read or is not such a message. Nothing
// is sent then, so it is a usage error.
bool ReadJsonFile(Session& session, const std::string& path,
                  google::protobuf::Message& message) {
  absl::StatusOr<std::string> text = ReadSmallFile(path);
  absl::Status parsed =
      text.ok() ? ParseJsonMessage(*text, path, message) : text.status();
  if (parsed.ok()) return true;
  session.err() << "cbctl: " << parsed.message() << "\n";
  return false;
}

CLI::Option* AddFile(CLI::App& command, RulesFlags& flags, const std::string& what) {
  return command.add_option("-f,--file", flags.file, what)->required();
}

CLI::Option* AddProgramme(CLI::App& command, RulesFlags& flags) {
  return command.add_option("--programme", flags.programme, "programme id")->required();
}

CLI::Option* AddAccount(CLI::App& command, RulesFlags& flags) {
  return command.add_option("--account", flags.account_number, "16-digit account number")
      ->required();
}

// Sets the action run once parsing has succeeded (commands.h).
template <typename Run>
void OnChosen(CLI::App& command, Action& action, std::shared_ptr<RulesFlags> flags, Run run) {
  command.callback([&action, flags, run] {
    action = [flags, run](Session& session) { return run(session, *flags); };
  });
}

// ---------------------------------------------------------------- frameworks

int PutFramework(Session& session, const RulesFlags& flags) {
  rules_v1::PutFrameworkRequest request;
  if (!ReadJsonFile(session, flags.file, *request.mutable_framework())) return kExitUsage;
  return Show(session, session.rules().PutFramework(request), FrameworkView);
}

int ListFrameworks(Session& session, const RulesFlags&) {
  return Show(session, session.rules().ListFrameworks(rules_v1::ListFrameworksRequest()),
              FrameworkListView);
}

void AddFrameworkCommands(CLI::App& app, Action& action) {
  auto flags = std::make_shared<RulesFlags>();
  CLI::App* group = app.add_subcommand("framework", "qualification frameworks and crosswalks");
  group->require_subcommand(1);
  OnChosen(*group->add_subcommand("list", "every framework with its levels and crosswalks"),
           action, flags, ListFrameworks);
  CLI::App* put = group->add_subcommand("put", "create or replace a framework");
  AddFile(*put, *flags, "JSON of a creditbank.rules.v1.Framework");
  OnChosen(*put, action, flags, PutFramework);
}

// ---------------------------------------------------------------- programmes

int PutProgramme(Session& session, const RulesFlags& flags) {
  rules_v1::PutProgrammeRequest request;
  if (!ReadJsonFile(session, flags.file, *request.mutable_programme())) return kExitUsage;
  return Show(session, session.rules().PutProgramme(request), ProgrammeView);
}

int ShowProgramme(Session& session, const RulesFlags& flags) {
  rules_v1::GetProgrammeRequest request;
  request.set_programme_id(flags.id);
  return Show(session, session.rules().GetProgramme(request), ProgrammeView);
}

int ListProgrammes(Session& session, const RulesFlags& flags) {
  rules_v1::ListProgrammesRequest request;
  request.set_institution_code(flags.institution);
  return Show(session, session.rules().ListProgrammes(request), ProgrammeTable);
}

void AddProgrammeCommands(CLI::App& app, Action& action) {
  auto flags = std::make_shared<RulesFlags>();
  CLI::App* group = app.add_subcommand("programme", "programmes: target qualifications");
  group->require_subcommand(1);
  CLI::App* put = group->add_subcommand("put", "create or replace a programme");
  AddFile(*put, *flags, "JSON of a creditbank.rules.v1.Programme");
  OnChosen(*put, action, flags, PutProgramme);

  CLI::App* show = group->add_subcommand("show", "one programme: categories, courses, caps");
  show->add_option("programme", flags->id, "programme id")->required();
  OnChosen(*show, action, flags, ShowProgramme);

  CLI::App* list = group->add_subcommand("list", "programmes in id order");
  list->add_option("--institution", flags->institution, "only this awarding institution");
  OnChosen(*list, action, flags, ListProgrammes);
}

// --------------------------------------------------------------------- rules

int ApplyRules(Session& session, const RulesFlags& flags) {
  rules_v1::ApplyRulesRequest request;
  if (!ReadJsonFile(session, flags.file, request)) return kExitUsage;
  return Show(session, session.rules().ApplyRules(request), ApplyRulesView);
}

absl::StatusOr<rules_v1::ListRulesResponse> ListRulesCall(Session& session,
                                                          const std::string& programme,
                                                          bool all_versions) {
  rules_v1::ListRulesRequest request;
  request.set_programme_id(programme);
  request.set_all_versions(all_versions);
  return session.rules().ListRules(request);
}

int ListRules(Session& session, const RulesFlags& flags) {
  return Show(session, ListRulesCall(session, flags.programme, flags.all_versions), RuleTable);
}

bool WriteTextFile(Session& session, const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (out) return true;
  session.err() << "cbctl: cannot write " << path << "\n";
  return false;
}

// The rule file is JSON already, so --json changes nothing here.
int ExportRules(Session& session, const RulesFlags& flags) {
  absl::StatusOr<rules_v1::ListRulesResponse> latest =
      ListRulesCall(session, flags.programme, /*all_versions=*/false);
  if (!latest.ok()) return ReportError(session.err(), latest.status());
  const std::string file = JsonDocument(ExportRuleFile(flags.programme, *latest));
  if (flags.output.empty()) {
    session.out() << file;
    return kExitOk;
  }
  if (!WriteTextFile(session, flags.output, file)) return kExitUsage;
  session.out() << "wrote " << latest->rules_size() << " rules of programme " << flags.programme
                << " to " << flags.output << "\n";
  return kExitOk;
}

int ShowRule(Session& session, const RulesFlags& flags) {
  rules_v1::GetRuleRequest request;
  request.set_programme_id(flags.programme);
  request.set_rule_id(flags.id);
  return Show(session, session.rules().GetRule(request), RuleVersionsView);
}

void AddRuleCommands(CLI::App& app, Action& action) {
  auto flags = std::make_shared<RulesFlags>();
  CLI::App* group = app.add_subcommand("rules", "a programme's equivalence rules");
  group->require_subcommand(1);
  CLI::App* apply = group->add_subcommand(
      "apply", "publish a rule file: a new version of each rule that changed, nothing for the "
               "others");
  AddFile(*apply, *flags, "the rule file: JSON of a creditbank.rules.v1.ApplyRulesRequest");
  OnChosen(*apply, action, flags, ApplyRules);

  CLI::App* exported = group->add_subcommand(
      "export", "the rule file of a programme's latest rule versions (applying it changes "
                "nothing)");
  AddProgramme(*exported, *flags);
  exported->add_option("-o,--output", flags->output, "write it to this file (default: stdout)");
  OnChosen(*exported, action, flags, ExportRules);

  CLI::App* list = group->add_subcommand("list", "the latest version of each rule");
  AddProgramme(*list, *flags);
  list->add_flag("--all-versions", flags->all_versions, "every version, not only the latest");
  OnChosen(*list, action, flags, ListRules);

  CLI::App* show = group->add_subcommand("show", "every version of one rule");
  AddProgramme(*show, *flags);
  show->add_option("rule", flags->id, "rule id")->required();
  OnChosen(*show, action, flags, ShowRule);
}

// --------------------------------------------------------- evaluate, progress

int Evaluate(Session& session, const RulesFlags& flags) {
  rules_v1::EvaluateRequest request;
  request.set_account_number(flags.account_number);
  request.set_programme_id(flags.programme);
  // Passed its validator; unset means today (the server's).
  if (!flags.as_of.empty()) *request.mutable_as_of() = ParseDate(flags.as_of).value();
  return Show(session, session.rules().Evaluate(request), ProposalView);
}

int Progress(Session& session, const RulesFlags& flags) {
  rules_v1::GetProgressRequest request;
  request.set_account_number(flags.account_number);
  request.set_programme_id(flags.programme);
  return Show(session, session.rules().GetProgress(request), ProgressView);
}

void AddEvaluationCommands(CLI::App& app, Action& action) {
  auto flags = std::make_shared<RulesFlags>();
  CLI::App* evaluate = app.add_subcommand(
      "evaluate", "what an account's entries would convert to in a programme (writes nothing)");
  AddAccount(*evaluate, *flags);
  AddProgramme(*evaluate, *flags);
  evaluate->add_option("--as-of", flags->as_of, "judge rules and recency on this day, YYYY-MM-DD "
                                                "(default: today)")
      ->check(DateFlag());
  OnChosen(*evaluate, action, flags, Evaluate);

  CLI::App* progress = app.add_subcommand(
      "progress", "earned and converted credits per category, and what is missing");
  AddAccount(*progress, *flags);
  AddProgramme(*progress, *flags);
  OnChosen(*progress, action, flags, Progress);
}

// ------------------------------------------------------------------ requests

int CreateRequest(Session& session, const RulesFlags& flags) {
  rules_v1::CreateConversionRequestRequest request;
  request.set_request_id(flags.request_id);
  request.set_account_number(flags.account_number);
  request.set_programme_id(flags.programme);
  for (const std::string& rule_id : flags.rule_ids) request.add_rule_ids(rule_id);
  // Passed its validator.
  if (!flags.digest.empty()) request.set_proposal_digest(ParseSha256Hex(flags.digest).value());
  return Show(session, session.rules().CreateConversionRequest(request), ConversionRequestView);
}

rules_v1::DecideConversionRequest Decision(const RulesFlags& flags) {
  rules_v1::DecideConversionRequest request;
  request.set_conversion_request_id(flags.id);
  request.set_reason(flags.reason);
  return request;
}

int Approve(Session& session, const RulesFlags& flags) {
  return Show(session, session.rules().ApproveConversionRequest(Decision(flags)),
              ConversionRequestView);
}

int Reject(Session& session, const RulesFlags& flags) {
  return Show(session, session.rules().RejectConversionRequest(Decision(flags)),
              ConversionRequestView);
}

int ShowRequest(Session& session, const RulesFlags& flags) {
  rules_v1::GetConversionRequestRequest request;
  request.set_conversion_request_id(flags.id);
  return Show(session, session.rules().GetConversionRequest(request), ConversionRequestView);
}

rules_v1::ListConversionRequestsRequest ListRequest(const RulesFlags& flags) {
  rules_v1::ListConversionRequestsRequest request;
  request.set_account_number(flags.account_number);
  request.set_programme_id(flags.programme);
  // Passed its validator.
  if (!flags.status.empty()) request.set_status(ParseConversionStatus(flags.status).value());
  request.set_needs_review(flags.needs_review);
  request.set_page_size(flags.page_size);
  request.set_page_token(flags.page_token);
  return request;
}

// One page, or with --all every page merged into one answer.
absl::StatusOr<rules_v1::ListConversionRequestsResponse> ListPages(Session& session,
                                                                   const RulesFlags& flags) {
  rules_v1::ListConversionRequestsRequest request = ListRequest(flags);
  rules_v1::ListConversionRequestsResponse merged;
  while (true) {
    absl::StatusOr<rules_v1::ListConversionRequestsResponse> page =
        session.rules().ListConversionRequests(request);
    if (!page.ok()) return page.status();
    merged.mutable_requests()->MergeFrom(page->requests());
    merged.set_next_page_token(page->next_page_token());
    // A token equal to the last one would loop forever.
    if (!flags.all_pages || page->next_page_token().empty() ||
        page->next_page_token() == request.page_token()) {
      return merged;
    }
    request.set_page_token(page->next_page_token());
  }
}

int ListRequests(Session& session, const RulesFlags& flags) {
  return Show(session, ListPages(session, flags), ConversionRequestTable);
}

int Review(Session& session, const RulesFlags&) {
  return Show(session, session.rules().ReviewReversals(rules_v1::ReviewReversalsRequest()),
              ReviewReversalsView);
}

CLI::Validator ConversionStatusFlag() { return ParsedBy(ParseConversionStatus, "STATUS"); }

void AddDecisionCommand(CLI::App& group, Action& action, const std::string& name,
                        const std::string& description, int (*run)(Session&, const RulesFlags&)) {
  auto flags = std::make_shared<RulesFlags>();
  CLI::App* command = group.add_subcommand(name, description);
  command->add_option("request", flags->id, "conversion request, e.g. CR-12")->required();
  command->add_option("--reason", flags->reason, "why (1-500 characters), kept on record")
      ->required();
  OnChosen(*command, action, flags, run);
}

void AddCreateCommand(CLI::App& group, Action& action) {
  auto flags = std::make_shared<RulesFlags>();
  CLI::App* create = group.add_subcommand(
      "create", "ask for an evaluation's grants to be converted (pending until approved)");
  create->add_option("--request-id", flags->request_id,
                     "idempotency key: the same id again returns the same request")
      ->required();
  AddAccount(*create, *flags);
  AddProgramme(*create, *flags);
  create->add_option("--rule", flags->rule_ids,
                     "only this rule's grant (repeat for several; default: every grant)")
      ->delimiter(',');
  create->add_option("--digest", flags->digest,
                     "the digest `cbctl evaluate` printed: fail if the proposal changed since")
      ->check(DigestFlag());
  OnChosen(*create, action, flags, CreateRequest);
}

void AddRequestReadCommands(CLI::App& group, Action& action) {
  auto flags = std::make_shared<RulesFlags>();
  CLI::App* show = group.add_subcommand("show", "one conversion request");
  show->add_option("request", flags->id, "conversion request, e.g. CR-12")->required();
  OnChosen(*show, action, flags, ShowRequest);

  CLI::App* list = group.add_subcommand("list", "conversion requests in id order");
  list->add_option("--account", flags->account_number, "only this account's");
  list->add_option("--programme", flags->programme, "only this programme's");
  list->add_option("--status", flags->status, "only this status: pending, approving, approved, "
                                              "rejected")
      ->check(ConversionStatusFlag());
  list->add_flag("--needs-review", flags->needs_review,
                 "only approved requests whose sources were reversed since");
  list->add_option("--page-size", flags->page_size, "requests per page (default 100)")
      ->check(CLI::Range(1, domain::kMaxPageSize));
  list->add_option("--page-token", flags->page_token, "continue from a previous page");
  list->add_flag("--all", flags->all_pages, "fetch every page");
  OnChosen(*list, action, flags, ListRequests);

  OnChosen(*group.add_subcommand(
               "review", "flag approved requests whose source entries were reversed since"),
           action, flags, Review);
}

void AddRequestCommands(CLI::App& app, Action& action) {
  CLI::App* group = app.add_subcommand("requests", "conversion requests: create, decide, read");
  group->require_subcommand(1);
  AddCreateCommand(*group, action);
  AddDecisionCommand(*group, action, "approve",
                     "approve: re-check the grants and write their conversion entries", Approve);
  AddDecisionCommand(*group, action, "reject", "reject: nothing is written to the ledger",
                     Reject);
  AddRequestReadCommands(*group, action);
}

}  // namespace

void AddRulesCommands(CLI::App& app, Action& action) {
  AddFrameworkCommands(app, action);
  AddProgrammeCommands(app, action);
  AddRuleCommands(app, action);
  AddEvaluationCommands(app, action);
  AddRequestCommands(app, action);
}

}  // namespace creditbank::cbctl
