// cbctl ledger record|reverse|get|list|balances
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/cbctl/commands.h"
#include "clients/cbctl/decimal.h"
#include "clients/cbctl/enum_names.h"
#include "clients/cbctl/flag_values.h"
#include "clients/cbctl/grade.h"
#include "clients/cbctl/import_row.h"
#include "clients/cbctl/value_parsers.h"
#include "domain/limits.h"

namespace creditbank::cbctl {
namespace {

namespace ledger_v1 = ::creditbank::ledger::v1;

// Request ids cbctl makes up when --request-id is not given: derived from
// the content, so running the same command twice records it once.
constexpr absl::string_view kRecordRequestIdPrefix = "cli-";
constexpr absl::string_view kReverseRequestIdPrefix = "cli-reverse-";

struct LedgerFlags {
  std::string institution;
  std::string account_number;
  std::string request_id;
  std::string kind;
  std::string code;
  std::string title;
  std::string credits;
  uint32_t study_hours = 0;
  std::string grade;
  uint32_t framework_level = 0;
  std::string sector;
  std::string completed;
  std::string valid_until;
  std::string evidence;
  std::vector<uint64_t> source_entries;
  uint64_t entry_id = 0;
  std::string reason;
  std::string completed_from;
  std::string completed_to;
  int page_size = 0;
  std::string page_token;
  bool all_pages = false;
};

ledger_v1::Outcome OutcomeFromFlags(const LedgerFlags& flags) {
  ledger_v1::Outcome outcome;
  outcome.set_account_number(flags.account_number);
  outcome.set_kind(ParseOutcomeKind(flags.kind).value());
  outcome.set_code(flags.code);
  outcome.set_title(flags.title);
  if (!flags.credits.empty()) outcome.set_credits_milli(ParseThousandths(flags.credits).value());
  outcome.set_study_hours(flags.study_hours);
  *outcome.mutable_grade() = ParseGrade(flags.grade).value();
  outcome.set_framework_level(flags.framework_level);
  if (!flags.sector.empty()) outcome.set_sector(ParseSector(flags.sector).value());
  *outcome.mutable_completion_date() = ParseDate(flags.completed).value();
  if (!flags.valid_until.empty()) *outcome.mutable_valid_until() = ParseDate(flags.valid_until).value();
  if (!flags.evidence.empty()) outcome.set_evidence_sha256(ParseSha256Hex(flags.evidence).value());
  for (uint64_t id : flags.source_entries) outcome.add_source_entry_ids(id);
  outcome.set_request_id(flags.request_id.empty()
                             ? DeriveRequestId(outcome, kRecordRequestIdPrefix)
                             : flags.request_id);
  return outcome;
}

std::string RecordedView(const ledger_v1::RecordOutcomeResponse& response) {
  return absl::StrCat(EntryView(response.entry()),
                      response.replayed() ? "(already recorded: the earlier entry is shown)\n"
                                          : "(recorded)\n");
}

int Record(Session& session, const LedgerFlags& flags) {
  ledger_v1::RecordOutcomeRequest request;
  request.set_institution_code(flags.institution);
  *request.mutable_outcome() = OutcomeFromFlags(flags);
  return Show(session, session.core().RecordOutcome(request), RecordedView);
}

int Reverse(Session& session, const LedgerFlags& flags) {
  ledger_v1::ReverseEntryRequest request;
  request.set_institution_code(flags.institution);
  request.set_account_number(flags.account_number);
  request.set_entry_id(flags.entry_id);
  request.set_reason(flags.reason);
  request.set_request_id(flags.request_id.empty()
                             ? absl::StrCat(kReverseRequestIdPrefix, flags.entry_id)
                             : flags.request_id);
  return Show(session, session.core().ReverseEntry(request), RecordedView);
}

int Get(Session& session, const LedgerFlags& flags) {
  ledger_v1::GetEntryRequest request;
  request.set_entry_id(flags.entry_id);
  return Show(session, session.core().GetEntry(request), EntryView);
}

ledger_v1::ListEntriesRequest ListRequest(const LedgerFlags& flags) {
  ledger_v1::ListEntriesRequest request;
  request.set_account_number(flags.account_number);
  request.set_page_size(flags.page_size);
  request.set_page_token(flags.page_token);
  if (!flags.kind.empty()) request.set_kind(ParseOutcomeKind(flags.kind).value());
  if (!flags.sector.empty()) request.set_sector(ParseSector(flags.sector).value());
  request.set_institution_code(flags.institution);
  if (!flags.completed_from.empty()) {
    *request.mutable_completed_from() = ParseDate(flags.completed_from).value();
  }
  if (!flags.completed_to.empty()) {
    *request.mutable_completed_to() = ParseDate(flags.completed_to).value();
  }
  return request;
}

// One page, or with --all every page merged into one answer.
absl::StatusOr<ledger_v1::ListEntriesResponse> ListPages(Session& session,
                                                         const LedgerFlags& flags) {
  ledger_v1::ListEntriesRequest request = ListRequest(flags);
  ledger_v1::ListEntriesResponse merged;
  while (true) {
    absl::StatusOr<ledger_v1::ListEntriesResponse> page = session.core().ListEntries(request);
    if (!page.ok()) return page.status();
    merged.mutable_entries()->MergeFrom(page->entries());
    merged.set_next_page_token(page->next_page_token());
    // A token equal to the last one would loop forever.
    if (!flags.all_pages || page->next_page_token().empty() ||
        page->next_page_token() == request.page_token()) {
      return merged;
    }
    request.set_page_token(page->next_page_token());
  }
}

std::string ListView(const ledger_v1::ListEntriesResponse& page) {
  std::string text = EntryTable(page.entries());
  if (!page.next_page_token().empty()) {
    absl::StrAppend(&text, "(more: --page-token ", page.next_page_token(), ", or --all)\n");
  }
  return text;
}

int Balances(Session& session, const LedgerFlags& flags) {
  ledger_v1::GetBalancesRequest request;
  request.set_account_number(flags.account_number);
  return Show(session, session.core().GetBalances(request), BalancesView);
}

CLI::Option* AddAccount(CLI::App& command, LedgerFlags& flags) {
  return command.add_option("--account", flags.account_number, "16-digit account number")
      ->required();
}

CLI::Option* AddInstitution(CLI::App& command, LedgerFlags& flags) {
  // Optional: an institution's certificate names its institution, and the
  // server fills it in (and refuses any other).
  return command.add_option("--institution", flags.institution,
                            "the recording institution's code (default: the one your "
                            "institution certificate names)");
}

void AddRecordCommand(CLI::App& group, Action& action) {
  auto flags = std::make_shared<LedgerFlags>();
  CLI::App* record = group.add_subcommand("record", "record one learning outcome");
  AddInstitution(*record, *flags);
  AddAccount(*record, *flags);
  record->add_option("--kind", flags->kind, "course_credit, certificate, training_hours, exam, ...")
      ->required()
      ->check(OutcomeKindFlag());
  record->add_option("--code", flags->code, "course or certificate code")->required();
  record->add_option("--title", flags->title, "title, e.g. 高等数学（上）")->required();
  record->add_option("--credits", flags->credits, "credits, up to 3 decimals, e.g. 3.5")
      ->check(CreditsFlag());
  record->add_option("--hours", flags->study_hours, "study hours")
      ->check(CLI::Range(0u, domain::kMaxStudyHoursPerEntry));
  record->add_option("--grade", flags->grade, "85/100, A-, 优秀, pass or fail")->check(GradeFlag());
  record->add_option("--level", flags->framework_level, "framework level (0: none)")
      ->check(CLI::Range(0u, domain::kMaxFrameworkLevel));
  record->add_option("--sector", flags->sector, "sector (default: the institution's)")
      ->check(SectorFlag());
  record->add_option("--completed", flags->completed, "completion date, YYYY-MM-DD")
      ->required()
      ->check(DateFlag());
  record->add_option("--valid-until", flags->valid_until, "last valid day, YYYY-MM-DD")
      ->check(DateFlag());
  record->add_option("--evidence", flags->evidence, "SHA-256 of the evidence, 64 hex digits")
      ->check(DigestFlag());
  record->add_option("--sources", flags->source_entries, "conversions: source entry ids, e.g. 12,15")
      ->delimiter(',');
  record->add_option("--request-id", flags->request_id,
                     "idempotency key (default: derived from the content)");
  record->callback([&action, flags] { action = [flags](Session& s) { return Record(s, *flags); }; });
}

void AddReverseCommand(CLI::App& group, Action& action) {
  auto flags = std::make_shared<LedgerFlags>();
  CLI::App* reverse = group.add_subcommand("reverse", "cancel an entry with a reversal entry");
  AddInstitution(*reverse, *flags);
  AddAccount(*reverse, *flags);
  reverse->add_option("--entry", flags->entry_id, "the entry to cancel")->required();
  reverse->add_option("--reason", flags->reason, "why (1-500 characters)")->required();
  reverse->add_option("--request-id", flags->request_id,
                      "idempotency key (default: cli-reverse-ENTRY)");
  reverse->callback(
      [&action, flags] { action = [flags](Session& s) { return Reverse(s, *flags); }; });
}

void AddReadCommands(CLI::App& group, Action& action) {
  auto flags = std::make_shared<LedgerFlags>();
  CLI::App* get = group.add_subcommand("get", "show one entry");
  get->add_option("--entry", flags->entry_id, "entry id")->required();
  get->callback([&action, flags] { action = [flags](Session& s) { return Get(s, *flags); }; });

  CLI::App* list = group.add_subcommand("list", "list an account's entries");
  AddAccount(*list, *flags);
  list->add_option("--kind", flags->kind, "only this kind")->check(OutcomeKindFlag());
  list->add_option("--sector", flags->sector, "only this sector")->check(SectorFlag());
  list->add_option("--institution", flags->institution, "only this recording institution");
  list->add_option("--from", flags->completed_from, "completed on or after, YYYY-MM-DD")
      ->check(DateFlag());
  list->add_option("--to", flags->completed_to, "completed on or before, YYYY-MM-DD")
      ->check(DateFlag());
  list->add_option("--page-size", flags->page_size, "entries per page (default 100)")
      ->check(CLI::Range(1, domain::kMaxPageSize));
  list->add_option("--page-token", flags->page_token, "continue from a previous page");
  list->add_flag("--all", flags->all_pages, "fetch every page");
  list->callback([&action, flags] {
    action = [flags](Session& s) { return Show(s, ListPages(s, *flags), ListView); };
  });

  CLI::App* balances = group.add_subcommand("balances", "credits by sector and level");
  AddAccount(*balances, *flags);
  balances->callback(
      [&action, flags] { action = [flags](Session& s) { return Balances(s, *flags); }; });
}

}  // namespace

void AddLedgerCommands(CLI::App& app, Action& action) {
  CLI::App* group = app.add_subcommand("ledger", "record, reverse and read learning outcomes");
  group->require_subcommand(1);
  AddRecordCommand(*group, action);
  AddReverseCommand(*group, action);
  AddReadCommands(*group, action);
}

}  // namespace creditbank::cbctl
