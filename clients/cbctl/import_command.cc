// cbctl import --institution CODE --file term.csv [--batch-size N] [--dry-run]
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "clients/cbctl/commands.h"
#include "clients/cbctl/file_reader.h"
#include "clients/cbctl/grpc_chunk_stream.h"
#include "clients/cbctl/import_runner.h"
#include "clients/cbctl/progress_bar.h"
#include "domain/validation/dates.h"
#include "nlohmann/json.hpp"

namespace creditbank::cbctl {
namespace {

// Files are read whole (the import reads them twice); a term-end upload
// of a million rows is about 200 MiB.
constexpr size_t kMaxImportFileBytes = size_t{1} << 30;

struct ImportFlags {
  std::string institution;
  std::string file;
  size_t batch_size = kDefaultImportBatchSize;
  bool dry_run = false;
};

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  return ReadWholeFile(path, kMaxImportFileBytes, "; split it into parts");
}

// Problems go to stderr as they come (above the progress bar), and are
// kept for the JSON summary.
class ConsoleObserver final : public ImportObserver {
 public:
  explicit ConsoleObserver(Session& session)
      : session_(session), bar_(session.err(), session.err_is_terminal()) {}

  void OnProblem(const ImportProblem& problem) override {
    bar_.Clear();
    session_.err() << FormatProblem(problem) << "\n";
    if (session_.json()) problems_.push_back(problem);
  }
  void OnProgress(size_t rows_done, size_t rows_total) override {
    bar_.Update(rows_done, rows_total);
  }
  void Done() { bar_.Clear(); }
  const std::vector<ImportProblem>& problems() const { return problems_; }

 private:
  Session& session_;
  ProgressBar bar_;
  std::vector<ImportProblem> problems_;
};

std::string SummaryText(const ImportFlags& flags, const ImportSummary& summary) {
  if (flags.dry_run) {
    return absl::StrCat("dry run of ", flags.file, ": ", summary.rows, " rows, ", summary.checked,
                        " pass the local checks, ", summary.failed,
                        " failed; nothing was sent\n");
  }
  return absl::StrCat(flags.file, ": ", summary.rows, " rows: recorded ", summary.recorded,
                      ", already recorded (replayed) ", summary.replayed, ", failed ",
                      summary.failed, "\n");
}

std::string SummaryJson(const ImportFlags& flags, const ImportSummary& summary,
                        const std::vector<ImportProblem>& problems) {
  nlohmann::json json = {
      {"file", flags.file},         {"institution_code", flags.institution},
      {"dry_run", flags.dry_run},   {"rows", summary.rows},
      {"recorded", summary.recorded}, {"replayed", summary.replayed},
      {"failed", summary.failed},   {"checked", summary.checked},
      {"problems", nlohmann::json::array()}};
  for (const ImportProblem& problem : problems) {
    json["problems"].push_back(
        {{"line", problem.line}, {"column", problem.column}, {"reason", problem.reason}});
  }
  if (!summary.stream_status.ok()) {
    json["stream_error"] = {
        {"code", absl::StatusCodeToString(summary.stream_status.code())},
        {"message", std::string(summary.stream_status.message())},
        {"last_committed_line", summary.last_committed_line},
        {"first_unconfirmed_line", summary.first_unconfirmed_line},
        {"unconfirmed", summary.unconfirmed}};
  }
  // Invalid UTF-8 from the file is replaced, not thrown on.
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

// Where an interrupted upload stands, so the operator knows what is
// recorded and that running the same import again is safe.
void ReportInterrupted(Session& session, const ImportSummary& summary) {
  ReportError(session.err(), summary.stream_status);
  std::ostream& err = session.err();
  err << "cbctl: the upload stopped early. ";
  if (summary.last_committed_line == 0) {
    err << "No chunk was confirmed committed. ";
  } else {
    err << "Every row up to line " << summary.last_committed_line
        << " has its result above (committed). ";
  }
  err << summary.unconfirmed << " rows";
  if (summary.first_unconfirmed_line != 0) {
    err << " from line " << summary.first_unconfirmed_line << " on";
  }
  err << " are not confirmed. "
      << (ExitCodeFor(summary.stream_status) == kExitUnreachable
              ? "Run the same import again to finish"
              : "Fix the cause above, then run the same import again")
      << ": rows already recorded are reported as replayed, never recorded twice.\n";
}

int Import(Session& session, const ImportFlags& flags) {
  absl::StatusOr<std::string> bytes = ReadFile(flags.file);
  if (!bytes.ok()) {
    session.err() << "cbctl: " << bytes.status().message() << "\n";
    return kExitUsage;
  }
  ImportOptions options;
  options.institution_code = flags.institution;
  options.batch_size = flags.batch_size;
  options.dry_run = flags.dry_run;
  options.today = domain::BankToday(absl::Now());
  OutcomeChunkStreamFactory open_stream = [&session]() -> std::unique_ptr<OutcomeChunkStream> {
    return std::make_unique<GrpcChunkStream>(session.core().ledger_stub(), session.timeout());
  };
  ConsoleObserver observer(session);
  absl::StatusOr<ImportSummary> summary = RunImport(*bytes, options, open_stream, observer);
  observer.Done();
  if (!summary.ok()) {
    session.err() << "cbctl: " << flags.file << ": " << summary.status().message()
                  << "\ncbctl: nothing was sent\n";
    return kExitUsage;
  }
  session.out() << (session.json() ? SummaryJson(flags, *summary, observer.problems())
                                   : SummaryText(flags, *summary));
  if (!summary->stream_status.ok()) {
    ReportInterrupted(session, *summary);
    return ExitCodeFor(summary->stream_status);
  }
  return summary->failed == 0 ? kExitOk : kExitRowsFailed;
}

}  // namespace

void AddImportCommand(CLI::App& app, Action& action) {
  auto flags = std::make_shared<ImportFlags>();
  CLI::App* import = app.add_subcommand(
      "import", "record a CSV file of outcomes (docs/import-csv.md); safe to re-run");
  import->add_option("--institution", flags->institution, "the recording institution's code")
      ->required();
  import->add_option("--file", flags->file, "the CSV file")->required()->check(CLI::ExistingFile);
  import->add_option("--batch-size", flags->batch_size, "rows per chunk")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, kMaxImportBatchSize));
  import->add_flag("--dry-run", flags->dry_run, "check the file locally and send nothing");
  import->callback([&action, flags] { action = [flags](Session& s) { return Import(s, *flags); }; });
}

}  // namespace creditbank::cbctl
