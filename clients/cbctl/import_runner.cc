#include "clients/cbctl/import_runner.h"

#include <deque>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "clients/cbctl/csv_parser.h"
#include "clients/cbctl/error_report.h"
#include "clients/cbctl/import_row.h"
#include "clients/cbctl/text_table.h"
#include "domain/errors.h"

namespace creditbank::cbctl {
namespace {

using ledger::v1::RecordOutcomesRequest;
using ledger::v1::RecordOutcomesResponse;

struct FileShape {
  CsvRecord header;
  size_t rows = 0;
};

// The first pass: structure, header and row count.
absl::StatusOr<FileShape> CheckFile(absl::string_view csv) {
  CsvReader reader(csv);
  FileShape shape;
  absl::StatusOr<bool> more = reader.Next(&shape.header);
  if (!more.ok()) return more.status();
  if (!*more) return absl::InvalidArgumentError("the file is empty (a header row is required)");
  CsvRecord record;
  while (true) {
    more = reader.Next(&record);
    if (!more.ok()) return more.status();
    if (!*more) return shape;
    ++shape.rows;
  }
}

// The problems of one item the server did not record.
std::vector<ImportProblem> ItemProblems(size_t line, const google::rpc::Status& error) {
  const absl::Status status = domain::FromRpcStatus(error);
  const std::string reason = domain::ErrorReason(status);
  const std::string suffix =
      reason.empty() || reason == domain::reason::kInvalidField ? "" : absl::StrCat(" [", reason, "]");
  std::vector<ImportProblem> problems;
  for (const FieldProblem& field : FieldProblems(status)) {
    problems.push_back({line, ColumnForField(field.field), field.description + suffix});
  }
  if (problems.empty()) {
    problems.push_back({line, "", absl::StrCat(absl::StatusCodeToString(status.code()), ": ",
                                               status.message(), suffix)});
  }
  return problems;
}

// The second pass: rows in, chunks out, answers back.
class Importer {
 public:
  Importer(const ImportOptions& options, const OutcomeChunkStreamFactory& open_stream,
           ImportObserver& observer, ImportSummary& summary)
      : options_(options), open_stream_(open_stream), observer_(observer), summary_(summary) {
    pending_.set_institution_code(options.institution_code);
  }

  // False once the stream has ended early: stop feeding rows.
  bool running() const { return summary_.stream_status.ok(); }

  void Add(ImportRow row);
  // Sends what is left and waits for every answer.
  void Finish();
  // The first line not known to be committed (0: none).
  size_t first_unconfirmed_line() const;

 private:
  bool IsDuplicate(const ImportRow& row);
  void Fail(size_t line, std::vector<ImportProblem> problems);
  void Send();
  bool ReadAnswer();
  bool Tally(const RecordOutcomesResponse& answer, const std::vector<size_t>& lines);
  void Stop(bool all_sent);

  const ImportOptions& options_;
  const OutcomeChunkStreamFactory& open_stream_;
  ImportObserver& observer_;
  ImportSummary& summary_;
  std::unique_ptr<OutcomeChunkStream> stream_;
  RecordOutcomesRequest pending_;
  std::vector<size_t> pending_lines_;
  std::deque<std::vector<size_t>> in_flight_;  // lines of each unanswered chunk
  size_t rows_done_ = 0;
  // request id -> the line that used it first.
  absl::flat_hash_map<std::string, size_t> request_lines_;
};

bool Importer::IsDuplicate(const ImportRow& row) {
  auto [earlier, inserted] = request_lines_.emplace(row.outcome.request_id(), row.line);
  if (inserted) return false;
  if (row.request_id_derived) {
    Fail(row.line, {{row.line, "", absl::StrCat("repeats line ", earlier->second,
                                                " exactly (the same outcome twice)")}});
  } else {
    Fail(row.line, {{row.line, "request_id",
                     absl::StrCat("\"", row.outcome.request_id(), "\" is also used on line ",
                                  earlier->second)}});
  }
  return true;
}

void Importer::Fail(size_t line, std::vector<ImportProblem> problems) {
  ++summary_.failed;
  for (ImportProblem& problem : problems) {
    problem.line = line;
    observer_.OnProblem(problem);
  }
}

void Importer::Add(ImportRow row) {
  if (!row.ok()) {
    std::vector<ImportProblem> problems;
    for (RowProblem& problem : row.problems) {
      problems.push_back({row.line, std::move(problem.column), std::move(problem.reason)});
    }
    Fail(row.line, std::move(problems));
  } else if (!IsDuplicate(row)) {
    if (options_.dry_run) {
      ++summary_.checked;
    } else {
      *pending_.add_outcomes() = std::move(row.outcome);
      pending_lines_.push_back(row.line);
    }
  }
  ++rows_done_;
  if (pending_lines_.size() >= options_.batch_size) Send();
  observer_.OnProgress(rows_done_, summary_.rows);
}

void Importer::Send() {
  if (!stream_) stream_ = open_stream_();
  if (!stream_->Write(pending_)) {
    Stop(/*all_sent=*/false);  // the call has ended; Finish says why
    return;
  }
  in_flight_.push_back(std::move(pending_lines_));
  pending_lines_.clear();
  pending_.clear_outcomes();
  while (in_flight_.size() >= kMaxChunksInFlight && running()) {
    if (!ReadAnswer()) Stop(/*all_sent=*/false);
  }
}

bool Importer::ReadAnswer() {
  RecordOutcomesResponse answer;
  if (!stream_->Read(&answer)) return false;
  const std::vector<size_t> lines = std::move(in_flight_.front());
  in_flight_.pop_front();
  if (answer.has_error() && answer.error().code() != 0) {
    // The chunk was refused as a whole (an unknown or suspended
    // institution, ...): every later chunk would be too, so stop here and
    // report it as the upload's error. Nothing of this chunk was recorded:
    // its rows count among the unconfirmed ones, from its first line.
    summary_.stream_status = domain::FromRpcStatus(answer.error());
    in_flight_.push_front(lines);
    stream_->Cancel();
    return false;
  }
  if (!Tally(answer, lines)) {
    summary_.stream_status = absl::InternalError(absl::StrCat(
        "the server answered a chunk of ", lines.size(), " outcomes with ",
        answer.results_size(), " results"));
    stream_->Cancel();
    return false;
  }
  summary_.last_committed_line = lines.back();
  return true;
}

bool Importer::Tally(const RecordOutcomesResponse& answer, const std::vector<size_t>& lines) {
  if (static_cast<size_t>(answer.results_size()) != lines.size()) return false;
  for (size_t i = 0; i < lines.size(); ++i) {
    const ledger::v1::ItemResult& result = answer.results(static_cast<int>(i));
    if (result.has_error() && result.error().code() != 0) {
      Fail(lines[i], ItemProblems(lines[i], result.error()));
    } else if (result.replayed()) {
      ++summary_.replayed;
    } else {
      ++summary_.recorded;
    }
  }
  return true;
}

// The call has ended, early or not: read what was answered before the
// end, then take the call's status. An early end is an error even if the
// server called it OK: rows are left unconfirmed.
void Importer::Stop(bool all_sent) {
  while (!in_flight_.empty() && running() && ReadAnswer()) {
  }
  absl::Status status = stream_->Finish();
  if (!summary_.stream_status.ok()) return;  // the first error explains best
  if (status.ok() && (!all_sent || !in_flight_.empty())) {
    status = absl::UnavailableError(absl::StrCat(
        "the server ended the upload early, with ", in_flight_.size(), " chunks unanswered"));
  }
  summary_.stream_status = status;
}

void Importer::Finish() {
  if (!running()) return;
  if (!pending_lines_.empty()) Send();
  if (!stream_ || !running()) return;
  stream_->WritesDone();
  Stop(/*all_sent=*/true);
}

size_t Importer::first_unconfirmed_line() const {
  if (!in_flight_.empty()) return in_flight_.front().front();
  if (!pending_lines_.empty()) return pending_lines_.front();
  return 0;
}

}  // namespace

std::string FormatProblem(const ImportProblem& problem) {
  // Reasons quote cells of the file: keep them short and free of control
  // characters that would act on the terminal.
  const std::string reason = Printable(Abbreviate(problem.reason, kMaxProblemReasonBytes));
  if (problem.column.empty()) return absl::StrCat("line ", problem.line, ": ", reason);
  return absl::StrCat("line ", problem.line, ": ", problem.column, ": ", reason);
}

absl::StatusOr<ImportSummary> RunImport(absl::string_view csv, const ImportOptions& options,
                                        const OutcomeChunkStreamFactory& open_stream,
                                        ImportObserver& observer) {
  if (options.batch_size == 0 || options.batch_size > kMaxImportBatchSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("the batch size must be 1..", kMaxImportBatchSize));
  }
  absl::StatusOr<FileShape> shape = CheckFile(csv);
  if (!shape.ok()) return shape.status();
  absl::StatusOr<ImportHeader> header = ImportHeader::Parse(shape->header);
  if (!header.ok()) return header.status();

  ImportSummary summary;
  summary.rows = shape->rows;
  Importer importer(options, open_stream, observer, summary);
  CsvReader reader(csv);
  CsvRecord record;
  (void)reader.Next(&record);  // the header, checked above
  size_t next_line = 0;  // the first row not handed to the importer
  while (true) {
    absl::StatusOr<bool> more = reader.Next(&record);
    if (!more.ok() || !*more) break;  // the first pass saw no error
    if (!importer.running()) {
      next_line = record.line;
      break;
    }
    importer.Add(MapImportRow(record, *header, options.today));
  }
  importer.Finish();
  if (!summary.stream_status.ok()) {
    summary.unconfirmed = summary.rows - summary.recorded - summary.replayed - summary.failed;
    summary.first_unconfirmed_line = importer.first_unconfirmed_line();
    if (summary.first_unconfirmed_line == 0) summary.first_unconfirmed_line = next_line;
  }
  return summary;
}

}  // namespace creditbank::cbctl
