#include "clients/cbctl/views.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "clients/cbctl/decimal.h"
#include "clients/cbctl/enum_names.h"
#include "clients/cbctl/grade.h"
#include "clients/cbctl/text_table.h"
#include "domain/crypto/primitives.h"
#include "domain/validation/dates.h"
#include "google/protobuf/util/json_util.h"

namespace creditbank::cbctl {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

std::string OptionalDate(const common::v1::Date& date) {
  return domain::IsDateSet(date) ? domain::FormatDate(date) : "";
}

std::string ScopeText(const institutions::v1::AccreditationScope& scope) {
  if (scope.kinds().empty()) return "";
  std::vector<std::string> kinds;
  for (int kind : scope.kinds()) kinds.push_back(OutcomeKindName(kind));
  std::vector<std::string> sectors;
  for (int sector : scope.sectors()) sectors.push_back(SectorName(sector));
  return absl::StrCat(absl::StrJoin(kinds, ","), " in ", absl::StrJoin(sectors, ","),
                      ", levels up to ", scope.max_framework_level());
}

// Reversal links, for the NOTE column and the entry view.
std::string EntryNote(const ledger::v1::Entry& entry) {
  if (entry.reverses_entry_id() != 0) {
    return absl::StrCat("reverses #", entry.reverses_entry_id(), ": ", entry.reversal_reason());
  }
  if (entry.reversed_by_entry_id() != 0) {
    return absl::StrCat("reversed by #", entry.reversed_by_entry_id());
  }
  return "";
}

std::vector<std::string> BalanceCells(std::string sector, std::string level,
                                      const ledger::v1::Balance& balance) {
  return {std::move(sector),
          std::move(level),
          FormatThousandths(balance.recorded_credits_milli()),
          FormatThousandths(balance.converted_credits_milli()),
          FormatThousandths(balance.reversed_credits_milli()),
          FormatThousandths(balance.expired_credits_milli()),
          FormatThousandths(balance.available_credits_milli()),
          absl::StrCat(balance.recorded_study_hours() - balance.reversed_study_hours()),
          absl::StrCat(balance.entry_count()),
          absl::StrCat(balance.reversal_count())};
}

}  // namespace

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string json;
  // Printing a well-formed message cannot fail; an empty object is shown
  // if it ever does rather than nothing.
  if (!google::protobuf::util::MessageToJsonString(message, &json, options).ok()) json = "{}";
  return json + "\n";
}

std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp) {
  if (timestamp.seconds() == 0 && timestamp.nanos() == 0) return "";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S %Ez", domain::FromTimestamp(timestamp),
                          domain::BankTimeZone());
}

std::string InstitutionView(const institutions::v1::Institution& institution) {
  return RenderFields({
      {"code", institution.code()},
      {"name", institution.name()},
      {"sector", SectorName(institution.sector())},
      {"status", InstitutionStatusName(institution.status())},
      {"scope", ScopeText(institution.scope())},
      {"status reason", institution.status_reason()},
      {"registered at", FormatTimestamp(institution.registered_at())},
      {"status changed at", FormatTimestamp(institution.status_changed_at())},
  });
}

std::string InstitutionTable(
    const google::protobuf::RepeatedPtrField<institutions::v1::Institution>& institutions) {
  TextTable table({"CODE", "NAME", "SECTOR", "STATUS", "SCOPE"});
  for (const auto& institution : institutions) {
    table.AddRow({institution.code(), institution.name(), SectorName(institution.sector()),
                  InstitutionStatusName(institution.status()), ScopeText(institution.scope())});
  }
  return table.Render();
}

std::string AccountView(const accounts::v1::Account& account) {
  std::string view = RenderFields({
      {"account number", account.account_number()},
      {"status", AccountStatusName(account.status())},
      {"name", account.details().name()},
      {"phone", account.details().phone()},
      {"email", account.details().email()},
      {"opened at", FormatTimestamp(account.opened_at())},
  });
  if (account.status_history().empty()) return view;
  TextTable history({"CHANGED AT", "FROM", "TO", "REASON"});
  for (const auto& change : account.status_history()) {
    history.AddRow({FormatTimestamp(change.changed_at()), AccountStatusName(change.from()),
                    AccountStatusName(change.to()), change.reason()});
  }
  return absl::StrCat(view, "\nstatus history:\n", history.Render());
}

std::string EntryView(const ledger::v1::Entry& entry) {
  const ledger::v1::Outcome& outcome = entry.outcome();
  std::vector<std::string> sources;
  for (uint64_t id : outcome.source_entry_ids()) sources.push_back(absl::StrCat("#", id));
  return RenderFields({
      {"entry", absl::StrCat(entry.entry_id())},
      {"institution", entry.institution_code()},
      {"request id", outcome.request_id()},
      {"account number", outcome.account_number()},
      {"kind", OutcomeKindName(outcome.kind())},
      {"code", outcome.code()},
      {"title", outcome.title()},
      {"credits", FormatThousandths(outcome.credits_milli())},
      {"study hours", absl::StrCat(outcome.study_hours())},
      {"grade", FormatGrade(outcome.grade())},
      {"framework level", absl::StrCat(outcome.framework_level())},
      {"sector", SectorName(outcome.sector())},
      {"completed", OptionalDate(outcome.completion_date())},
      {"valid until", OptionalDate(outcome.valid_until())},
      {"evidence sha256", domain::HexEncode(outcome.evidence_sha256())},
      {"sources", absl::StrJoin(sources, " ")},
      {"recorded at", FormatTimestamp(entry.recorded_at())},
      {"note", EntryNote(entry)},
  });
}

std::string EntryTable(const google::protobuf::RepeatedPtrField<ledger::v1::Entry>& entries) {
  TextTable table({"ENTRY", "COMPLETED", "KIND", "CODE", "TITLE", "CREDITS", "HOURS", "GRADE",
                   "LEVEL", "SECTOR", "INSTITUTION", "NOTE"});
  for (size_t column : {0, 5, 6, 8}) table.AlignRight(column);
  for (const auto& entry : entries) {
    const ledger::v1::Outcome& outcome = entry.outcome();
    table.AddRow({absl::StrCat(entry.entry_id()), OptionalDate(outcome.completion_date()),
                  OutcomeKindName(outcome.kind()), outcome.code(), outcome.title(),
                  FormatThousandths(outcome.credits_milli()), absl::StrCat(outcome.study_hours()),
                  FormatGrade(outcome.grade()), absl::StrCat(outcome.framework_level()),
                  SectorName(outcome.sector()), entry.institution_code(), EntryNote(entry)});
  }
  return table.Render();
}

std::string BalancesView(const ledger::v1::GetBalancesResponse& balances) {
  TextTable table({"SECTOR", "LEVEL", "RECORDED", "CONVERTED", "REVERSED", "EXPIRED",
                   "AVAILABLE", "HOURS", "ENTRIES", "REVERSALS"});
  for (size_t column = 1; column < table.column_count(); ++column) table.AlignRight(column);
  for (const auto& balance : balances.balances()) {
    table.AddRow(BalanceCells(SectorName(balance.sector()),
                              absl::StrCat(balance.framework_level()), balance));
  }
  table.AddRow(BalanceCells("total", "", balances.total()));
  return absl::StrCat("account ", balances.account_number(), ", credits as of ",
                      OptionalDate(balances.as_of()), "\n", table.Render());
}

std::string ConsistencyView(const ledger::v1::CheckConsistencyResponse& report) {
  std::string view = RenderFields({
      {"entries checked", absl::StrCat(report.entries_checked())},
      {"accounts checked", absl::StrCat(report.accounts_checked())},
      {"result", report.consistent() ? "consistent" : "INCONSISTENT"},
  });
  for (const std::string& difference : report.differences()) {
    absl::StrAppend(&view, "DIFFERENCE: ", difference, "\n");
  }
  return view;
}

}  // namespace creditbank::cbctl
