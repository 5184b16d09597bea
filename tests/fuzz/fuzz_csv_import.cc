// fuzz_csv_import: a CSV file for `cbctl import` as untrusted bytes, through
// the parser (csv_parser.h), the row mapping (import_row.h) and the import
// runner (import_runner.h) with an in-memory stream. The first byte picks
// the CSV limits (the defaults, or small ones that the fuzzer can reach).
// Invariants, or abort:
//   - ParseCsv and CsvReader agree; a parsed file written back with every
//     field quoted parses to the same fields;
//   - a row that maps without problems has a request id (derived ones are
//     DeriveRequestId of the outcome) and passes the server's own checks;
//   - every problem names a column of the CSV format, or none;
//   - the runner accounts for every row: a dry run checks or fails each,
//     a real run records or fails each, and the stream ends cleanly.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "clients/cbctl/csv_parser.h"
#include "clients/cbctl/import_row.h"
#include "clients/cbctl/import_runner.h"
#include "domain/errors.h"
#include "domain/request_checks.h"

namespace creditbank::cbctl {
namespace {

const absl::CivilDay kToday(2026, 7, 1);
constexpr size_t kMaxRowsMapped = 500;

[[noreturn]] void Fail(absl::string_view what) {
  std::fprintf(stderr, "\n==creditbank fuzz invariant broken== %.*s\n",
               static_cast<int>(what.size()), what.data());
  std::abort();
}

bool IsColumnName(absl::string_view name) {
  return name.empty() || absl::c_linear_search(kImportColumnNames, name);
}

std::string WriteQuoted(const std::vector<CsvRecord>& records) {
  std::string out;
  for (const CsvRecord& record : records) {
    for (size_t i = 0; i < record.fields.size(); ++i) {
      if (i > 0) out += ',';
      absl::StrAppend(&out, "\"", absl::StrReplaceAll(record.fields[i], {{"\"", "\"\""}}), "\"");
    }
    out += "\r\n";
  }
  return out;
}

std::vector<CsvRecord> CheckParser(absl::string_view bytes, const CsvLimits& limits) {
  absl::StatusOr<std::vector<CsvRecord>> records = ParseCsv(bytes, limits);
  CsvReader reader(bytes, limits);
  CsvRecord record;
  size_t count = 0;
  absl::StatusOr<bool> more;
  while ((more = reader.Next(&record)).ok() && *more) {
    if (!records.ok() || count >= records->size() || (*records)[count].fields != record.fields ||
        (*records)[count].line != record.line) {
      if (records.ok()) Fail("CsvReader and ParseCsv disagree on a record");
    }
    ++count;
  }
  if (more.ok() != records.ok() || (records.ok() && count != records->size())) {
    Fail("CsvReader and ParseCsv disagree on the end");
  }
  if (!records.ok()) {
    if (records.status().code() != absl::StatusCode::kInvalidArgument) Fail("a non-CSV error");
    return {};
  }
  absl::StatusOr<std::vector<CsvRecord>> again = ParseCsv(WriteQuoted(*records), limits);
  if (!again.ok()) Fail(absl::StrCat("quoted back, the file fails: ", again.status().ToString()));
  if (again->size() != records->size()) Fail("quoted back, the record count changed");
  for (size_t i = 0; i < records->size(); ++i) {
    if ((*again)[i].fields != (*records)[i].fields) Fail("quoted back, a record changed");
  }
  return *std::move(records);
}

void CheckRows(const std::vector<CsvRecord>& records) {
  if (records.empty()) return;
  absl::StatusOr<ImportHeader> header = ImportHeader::Parse(records[0]);
  if (!header.ok()) return;
  for (size_t i = 1; i < records.size() && i <= kMaxRowsMapped; ++i) {
    const ImportRow row = MapImportRow(records[i], *header, kToday);
    for (const RowProblem& problem : row.problems) {
      if (!IsColumnName(problem.column)) Fail(absl::StrCat("a problem names column ", problem.column));
    }
    if (row.line != records[i].line) Fail("a row reports another line");
    if (!row.ok()) continue;
    if (row.outcome.request_id().empty() ||
        (row.request_id_derived && DeriveRequestId(row.outcome) != row.outcome.request_id())) {
      Fail("a good row has no (or a wrong derived) request id");
    }
    domain::FieldViolations violations;
    domain::CheckOutcome(row.outcome, kToday, "outcome", violations);
    if (!violations.empty()) {
      Fail(absl::StrCat("a good row fails the server's checks: ",
                        violations.ToStatus().ToString()));
    }
  }
}

// Answers every chunk at once, recording each outcome as a new entry.
class RecordingStream final : public OutcomeChunkStream {
 public:
  bool Write(const ledger::v1::RecordOutcomesRequest& chunk) override {
    if (chunk.outcomes_size() == 0 || chunk.outcomes_size() > static_cast<int>(kMaxImportBatchSize)) {
      Fail(absl::StrCat("the runner sent a chunk of ", chunk.outcomes_size()));
    }
    ledger::v1::RecordOutcomesResponse answer;
    for (int i = 0; i < chunk.outcomes_size(); ++i) {
      ledger::v1::ItemResult* result = answer.add_results();
      result->set_index(static_cast<uint32_t>(i));
      result->set_entry_id(++entries_);
    }
    answers_.push_back(std::move(answer));
    return true;
  }
  bool Read(ledger::v1::RecordOutcomesResponse* answer) override {
    if (answers_.empty()) return false;
    *answer = std::move(answers_.front());
    answers_.pop_front();
    return true;
  }
  void WritesDone() override {}
  void Cancel() override { Fail("the runner cancelled a healthy stream"); }
  absl::Status Finish() override { return absl::OkStatus(); }

 private:
  std::deque<ledger::v1::RecordOutcomesResponse> answers_;
  uint64_t entries_ = 0;
};

class CountingObserver final : public ImportObserver {
 public:
  void OnProblem(const ImportProblem& problem) override {
    if (!IsColumnName(problem.column)) Fail(absl::StrCat("a problem names column ", problem.column));
    (void)FormatProblem(problem);
  }
  void OnProgress(size_t, size_t) override {}
};

void CheckRunner(absl::string_view bytes, size_t batch_size) {
  ImportOptions options;
  options.institution_code = "4150013588";
  options.batch_size = batch_size;
  options.today = kToday;
  size_t streams = 0;
  OutcomeChunkStreamFactory open = [&streams]() -> std::unique_ptr<OutcomeChunkStream> {
    ++streams;
    return std::make_unique<RecordingStream>();
  };
  CountingObserver observer;
  options.dry_run = true;
  absl::StatusOr<ImportSummary> dry = RunImport(bytes, options, open, observer);
  if (!dry.ok()) return;  // the file cannot be used at all: nothing is sent
  if (streams != 0 || dry->checked + dry->failed != dry->rows) {
    Fail(absl::StrCat("a dry run of ", dry->rows, " rows checked ", dry->checked, " and failed ",
                      dry->failed));
  }
  options.dry_run = false;
  absl::StatusOr<ImportSummary> real = RunImport(bytes, options, open, observer);
  if (!real.ok() || !real->stream_status.ok() || real->replayed != 0 ||
      real->recorded + real->failed != real->rows || real->recorded != dry->checked ||
      streams > 1) {
    Fail(absl::StrCat("an import of ", dry->rows, " rows recorded ",
                      real.ok() ? real->recorded : 0, " and failed ", real.ok() ? real->failed : 0));
  }
}

}  // namespace
}  // namespace creditbank::cbctl

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace creditbank::cbctl;
  if (size < 1) return 0;
  const absl::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  CsvLimits limits;
  if (data[0] & 1) {  // small limits, so the fuzzer reaches them
    limits.max_field_bytes = 1 + data[0] / 16;
    limits.max_record_bytes = 4 + data[0] / 4;
    limits.max_fields_per_record = 1 + data[0] % 16;
  }
  const std::vector<CsvRecord> records = CheckParser(bytes, limits);
  CheckRows(records);
  CheckRunner(bytes, 1 + data[0] % 7);
  return 0;
}
