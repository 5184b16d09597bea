#include "clients/cbctl/import_row.h"

#include <set>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "clients/cbctl/decimal.h"
#include "clients/cbctl/enum_names.h"
#include "clients/cbctl/error_report.h"
#include "clients/cbctl/grade.h"
#include "clients/cbctl/value_parsers.h"
#include "domain/crypto/primitives.h"
#include "domain/errors.h"
#include "domain/limits.h"
#include "domain/request_checks.h"
#include "domain/validation/dates.h"

namespace creditbank::cbctl {
namespace {

using ledger::v1::Outcome;

absl::string_view ColumnName(ImportColumn column) {
  return kImportColumnNames[static_cast<size_t>(column)];
}

// Collects the problems of one row, at most one per column.
class RowProblems {
 public:
  void Add(absl::string_view column, absl::string_view reason) {
    if (!column.empty() && !columns_.insert(std::string(column)).second) return;
    problems_.push_back({std::string(column), std::string(reason)});
  }
  // Adds the error of a parse, if any; true when the parse succeeded.
  template <typename T>
  bool Check(ImportColumn column, const absl::StatusOr<T>& parsed) {
    if (!parsed.ok()) Add(ColumnName(column), parsed.status().message());
    return parsed.ok();
  }
  std::vector<RowProblem> Take() { return std::move(problems_); }

 private:
  std::set<std::string> columns_;
  std::vector<RowProblem> problems_;
};

std::string CanonicalGrade(const common::v1::Grade& grade) {
  switch (grade.value_case()) {
    case common::v1::Grade::kScore:
      return absl::StrCat("score:", grade.score().score_milli(), "/",
                          grade.score().scale_milli());
    case common::v1::Grade::kLetter:
      return absl::StrCat("letter:", grade.letter());
    case common::v1::Grade::kPassed:
      return absl::StrCat("passed:", grade.passed() ? 1 : 0);
    case common::v1::Grade::VALUE_NOT_SET:
      break;
  }
  return "none";
}

// The cells that are plain numbers, enums or dates; empty optional cells
// leave the field unset.
void MapValueCells(const CsvRecord& record, const ImportHeader& header, Outcome& outcome,
                   RowProblems& problems) {
  auto cell = [&](ImportColumn column) { return header.Cell(record, column); };
  if (cell(ImportColumn::kKind).empty()) {
    problems.Add(ColumnName(ImportColumn::kKind), "must be set");
  } else if (auto kind = ParseOutcomeKind(cell(ImportColumn::kKind));
             problems.Check(ImportColumn::kKind, kind)) {
    outcome.set_kind(*kind);
  }
  if (!cell(ImportColumn::kCredits).empty()) {
    if (auto credits = ParseThousandths(cell(ImportColumn::kCredits));
        problems.Check(ImportColumn::kCredits, credits)) {
      outcome.set_credits_milli(*credits);
    }
  }
  if (!cell(ImportColumn::kStudyHours).empty()) {
    if (auto hours = ParseUnsigned(cell(ImportColumn::kStudyHours), domain::kMaxStudyHoursPerEntry);
        problems.Check(ImportColumn::kStudyHours, hours)) {
      outcome.set_study_hours(static_cast<uint32_t>(*hours));
    }
  }
  if (auto grade = ParseGrade(cell(ImportColumn::kGrade));
      problems.Check(ImportColumn::kGrade, grade)) {
    *outcome.mutable_grade() = *grade;
  }
  if (!cell(ImportColumn::kFrameworkLevel).empty()) {
    if (auto level = ParseUnsigned(cell(ImportColumn::kFrameworkLevel), domain::kMaxFrameworkLevel);
        problems.Check(ImportColumn::kFrameworkLevel, level)) {
      outcome.set_framework_level(static_cast<uint32_t>(*level));
    }
  }
  if (!cell(ImportColumn::kSector).empty()) {
    if (auto sector = ParseSector(cell(ImportColumn::kSector));
        problems.Check(ImportColumn::kSector, sector)) {
      outcome.set_sector(*sector);
    }
  }
  if (cell(ImportColumn::kCompletionDate).empty()) {
    problems.Add(ColumnName(ImportColumn::kCompletionDate), "must be set");
  } else if (auto date = ParseDate(cell(ImportColumn::kCompletionDate));
             problems.Check(ImportColumn::kCompletionDate, date)) {
    *outcome.mutable_completion_date() = *date;
  }
  if (!cell(ImportColumn::kValidUntil).empty()) {
    if (auto date = ParseDate(cell(ImportColumn::kValidUntil));
        problems.Check(ImportColumn::kValidUntil, date)) {
      *outcome.mutable_valid_until() = *date;
    }
  }
  if (!cell(ImportColumn::kEvidenceSha256).empty()) {
    if (auto digest = ParseSha256Hex(cell(ImportColumn::kEvidenceSha256));
        problems.Check(ImportColumn::kEvidenceSha256, digest)) {
      outcome.set_evidence_sha256(*digest);
    }
  }
}

}  // namespace

absl::StatusOr<ImportHeader> ImportHeader::Parse(const CsvRecord& header) {
  ImportHeader parsed;
  parsed.width_ = header.fields.size();
  for (size_t i = 0; i < header.fields.size(); ++i) {
    const std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(header.fields[i]));
    size_t column = 0;
    while (column < kImportColumnCount && kImportColumnNames[column] != name) ++column;
    if (column == kImportColumnCount) {
      return absl::InvalidArgumentError(absl::StrCat(
          "line ", header.line, ": unknown column \"", header.fields[i],
          "\" in the header; the columns are: ", absl::StrJoin(kImportColumnNames, ",")));
    }
    if (parsed.index_[column] >= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", header.line, ": column \"", name, "\" appears twice"));
    }
    parsed.index_[column] = static_cast<int>(i);
  }
  for (ImportColumn required : kRequiredImportColumns) {
    if (!parsed.Has(required)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "line ", header.line, ": the header has no \"", ColumnName(required),
          "\" column (the header row is required; see docs/import-csv.md)"));
    }
  }
  return parsed;
}

absl::string_view ImportHeader::Cell(const CsvRecord& record, ImportColumn column) const {
  const int index = index_[static_cast<size_t>(column)];
  if (index < 0 || static_cast<size_t>(index) >= record.fields.size()) return "";
  return absl::StripAsciiWhitespace(record.fields[index]);
}

ImportRow MapImportRow(const CsvRecord& record, const ImportHeader& header,
                       absl::CivilDay today) {
  ImportRow row;
  row.line = record.line;
  if (record.fields.size() != header.width()) {
    row.problems.push_back({"", absl::StrCat("has ", record.fields.size(),
                                             " fields, the header has ", header.width())});
    return row;
  }
  RowProblems problems;
  Outcome& outcome = row.outcome;
  outcome.set_request_id(std::string(header.Cell(record, ImportColumn::kRequestId)));
  outcome.set_account_number(std::string(header.Cell(record, ImportColumn::kAccountNumber)));
  outcome.set_code(std::string(header.Cell(record, ImportColumn::kCode)));
  outcome.set_title(std::string(header.Cell(record, ImportColumn::kTitle)));
  MapValueCells(record, header, outcome, problems);
  if (outcome.request_id().empty()) {
    outcome.set_request_id(DeriveRequestId(outcome));
    row.request_id_derived = true;
  }
  // The server's own stateless checks; columns that already failed to
  // parse are not reported twice.
  domain::FieldViolations violations;
  domain::CheckOutcome(outcome, today, "", violations);
  for (const FieldProblem& problem : FieldProblems(violations.ToStatus())) {
    problems.Add(ColumnForField(problem.field), problem.description);
  }
  row.problems = problems.Take();
  return row;
}

std::string DeriveRequestId(const Outcome& outcome, absl::string_view prefix) {
  // Length-prefixed values, so no value can imitate a separator. The
  // version tag lets a future form coexist with ids already recorded.
  std::string canonical = "cbctl-outcome-v1";
  auto add = [&canonical](absl::string_view name, absl::string_view value) {
    absl::StrAppend(&canonical, "\n", name, "=", value.size(), ":", value);
  };
  add("account_number", outcome.account_number());
  add("kind", absl::StrCat(outcome.kind()));
  add("code", outcome.code());
  add("title", outcome.title());
  add("credits_milli", absl::StrCat(outcome.credits_milli()));
  add("study_hours", absl::StrCat(outcome.study_hours()));
  add("grade", CanonicalGrade(outcome.grade()));
  add("framework_level", absl::StrCat(outcome.framework_level()));
  add("sector", absl::StrCat(outcome.sector()));
  add("completion_date", domain::FormatDate(outcome.completion_date()));
  add("valid_until", domain::IsDateSet(outcome.valid_until())
                         ? domain::FormatDate(outcome.valid_until())
                         : "");
  add("evidence_sha256", domain::HexEncode(outcome.evidence_sha256()));
  for (uint64_t source : outcome.source_entry_ids()) add("source_entry_id", absl::StrCat(source));
  return absl::StrCat(
      prefix,
      domain::HexEncode(domain::Sha256(canonical)).substr(0, kDerivedRequestIdHexDigits));
}

std::string ColumnForField(absl::string_view field) {
  if (absl::StartsWith(field, "outcomes[")) {
    const size_t close = field.find("].");
    if (close != absl::string_view::npos) field.remove_prefix(close + 2);
  }
  absl::ConsumePrefix(&field, "outcome.");
  if (field == "credits_milli") return "credits";
  if (field == "grade" || absl::StartsWith(field, "grade.")) return "grade";
  // Only conversions name source entries, and a CSV cannot.
  if (field == "source_entry_ids") return "kind";
  return std::string(field);
}

}  // namespace creditbank::cbctl
