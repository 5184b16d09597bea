// One row of an import CSV (docs/import-csv.md) -> one ledger Outcome.
// The header names the columns in any order; each row is parsed cell by
// cell, then checked with the same stateless checks the server runs, so
// that a bad row is reported with its line before anything is sent.
//
//   ASSIGN_OR_RETURN(ImportHeader header, ImportHeader::Parse(first_record));
//   ImportRow row = MapImportRow(record, header, today);
//   if (!row.ok()) for (const RowProblem& p : row.problems) Report(row.line, p);
#ifndef CREDITBANK_CLIENTS_CBCTL_IMPORT_ROW_H_
#define CREDITBANK_CLIENTS_CBCTL_IMPORT_ROW_H_

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "clients/cbctl/csv_parser.h"
#include "creditbank/ledger/v1/ledger.pb.h"

namespace creditbank::cbctl {

enum class ImportColumn {
  kRequestId,
  kAccountNumber,
  kKind,
  kCode,
  kTitle,
  kCredits,
  kStudyHours,
  kGrade,
  kFrameworkLevel,
  kSector,
  kCompletionDate,
  kValidUntil,
  kEvidenceSha256,
};
inline constexpr size_t kImportColumnCount = 13;

// Header names, in ImportColumn order.
inline constexpr std::array<absl::string_view, kImportColumnCount> kImportColumnNames = {
    "request_id",  "account_number",  "kind",        "code",           "title",
    "credits",     "study_hours",     "grade",       "framework_level", "sector",
    "completion_date", "valid_until", "evidence_sha256"};

// Columns a header must name: an outcome means nothing without them.
inline constexpr std::array<ImportColumn, 5> kRequiredImportColumns = {
    ImportColumn::kAccountNumber, ImportColumn::kKind, ImportColumn::kCode,
    ImportColumn::kTitle, ImportColumn::kCompletionDate};

// Request ids derived from a row's content (when its request_id is empty):
// the prefix and this many hex digits of a SHA-256 (96 bits).
inline constexpr absl::string_view kDerivedRequestIdPrefix = "csv-";
inline constexpr size_t kDerivedRequestIdHexDigits = 24;

class ImportHeader {
 public:
  // Names are matched case-insensitively after trimming spaces. Unknown,
  // repeated or empty names and missing required columns are errors.
  static absl::StatusOr<ImportHeader> Parse(const CsvRecord& header);

  // Number of columns in the file.
  size_t width() const { return width_; }
  bool Has(ImportColumn column) const { return index_[static_cast<size_t>(column)] >= 0; }
  // The cell of `column`, spaces trimmed; "" when the file has no such
  // column. `record` must have width() fields.
  absl::string_view Cell(const CsvRecord& record, ImportColumn column) const;

 private:
  ImportHeader() { index_.fill(-1); }

  std::array<int, kImportColumnCount> index_;
  size_t width_ = 0;
};

struct RowProblem {
  std::string column;  // a header name, or "" for the row as a whole
  std::string reason;
};

struct ImportRow {
  size_t line = 0;  // where the record starts in the file
  ledger::v1::Outcome outcome;
  bool request_id_derived = false;
  std::vector<RowProblem> problems;

  bool ok() const { return problems.empty(); }
};

// Maps and checks one data record. `today` is the bank's today (for the
// "completion date not in the future" check).
ImportRow MapImportRow(const CsvRecord& record, const ImportHeader& header, absl::CivilDay today);

// A request id that depends only on the outcome's content (request_id
// excluded): `prefix` + the first kDerivedRequestIdHexDigits hex digits of
// the SHA-256 of a canonical form, so "3.5" and "3.50" credits, or columns
// in another order, give the same id.
std::string DeriveRequestId(const ledger::v1::Outcome& outcome,
                            absl::string_view prefix = kDerivedRequestIdPrefix);

// The CSV column a server field path refers to: "outcomes[3].credits_milli"
// -> "credits", "outcome.grade.score.scale_milli" -> "grade".
std::string ColumnForField(absl::string_view field);

}  // namespace creditbank::cbctl

#endif  // CREDITBANK_CLIENTS_CBCTL_IMPORT_ROW_H_
