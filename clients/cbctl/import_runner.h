// cbctl import: a CSV file streamed into the ledger in chunks over the
// bidirectional StreamOutcomes call, with per-row results.
//
// The file is read twice. The first pass checks the CSV structure and the
// header and counts the rows, so a broken file sends nothing. The second
// maps each row (import_row.h); bad rows are reported and skipped, good
// rows go out in chunks of `batch_size`. Up to kMaxChunksInFlight chunks
// are unanswered at a time, so the server is kept busy while cbctl reads
// the answers, and memory stays bounded. Each answer lists the chunk's
// items in order; a chunk is committed once answered.
//
//   ImportOptions options{.institution_code = "4150013588"};
//   ASSIGN_OR_RETURN(ImportSummary summary,
//                    RunImport(csv_bytes, options, open_stream, observer));
#ifndef CREDITBANK_CLIENTS_CBCTL_IMPORT_RUNNER_H_
#define CREDITBANK_CLIENTS_CBCTL_IMPORT_RUNNER_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "creditbank/ledger/v1/ledger.pb.h"
#include "domain/limits.h"

namespace creditbank::cbctl {

inline constexpr size_t kDefaultImportBatchSize = 500;
inline constexpr size_t kMaxImportBatchSize = domain::kMaxOutcomesPerBatch;
// Chunks sent and not yet answered. Four keeps the server's pipeline full
// (one chunk is being committed while the next arrives) and bounds what an
// interrupted upload leaves unconfirmed.
inline constexpr size_t kMaxChunksInFlight = 4;

// One StreamOutcomes call, as the runner needs it (grpc_chunk_stream.h is
// the gRPC one; tests use fakes). Same contract as gRPC's synchronous
// ClientReaderWriter: Write/Read return false once the call has ended,
// and Finish, called once after Read returned false, gives its status.
class OutcomeChunkStream {
 public:
  virtual ~OutcomeChunkStream() = default;
  virtual bool Write(const ledger::v1::RecordOutcomesRequest& chunk) = 0;
  virtual bool Read(ledger::v1::RecordOutcomesResponse* answer) = 0;
  virtual void WritesDone() = 0;
  // Ends the call early; Read then returns false.
  virtual void Cancel() = 0;
  virtual absl::Status Finish() = 0;
};

// Opens the stream when the first chunk is ready (so a file with nothing
// to send never contacts the server).
using OutcomeChunkStreamFactory = std::function<std::unique_ptr<OutcomeChunkStream>()>;

struct ImportProblem {
  size_t line = 0;     // where the row starts in the file
  std::string column;  // "" for the row as a whole
  std::string reason;
};

// Longest reason FormatProblem prints; reasons quote cells, which may be
// up to a field's limit long.
inline constexpr size_t kMaxProblemReasonBytes = 300;

// "line 12: credits: has more than 3 decimal places, got \"3.1415\""
std::string FormatProblem(const ImportProblem& problem);

class ImportObserver {
 public:
  virtual ~ImportObserver() = default;
  // A row that was not recorded; one call per problem (a row may have
  // several), in file order for local problems.
  virtual void OnProblem(const ImportProblem& problem) = 0;
  // Rows handled so far (sent, or failed locally) of `total`.
  virtual void OnProgress(size_t rows_done, size_t rows_total) = 0;
};

struct ImportOptions {
  std::string institution_code;
  size_t batch_size = kDefaultImportBatchSize;
  // Only parse and check locally; nothing is sent.
  bool dry_run = false;
  // The bank's today, for the "completion date not in the future" check.
  absl::CivilDay today;
};

struct ImportSummary {
  size_t rows = 0;      // data rows in the file
  size_t recorded = 0;  // new entries
  size_t replayed = 0;  // already recorded by an earlier run
  size_t failed = 0;    // rejected locally or by the server
  size_t checked = 0;   // dry run: rows that passed every local check

  // OK unless the upload stopped early. Then every row up to and including
  // last_committed_line (0: none) has its result above, and `unconfirmed`
  // rows, starting at first_unconfirmed_line, may or may not be recorded;
  // running the same import again finishes the job.
  absl::Status stream_status;
  size_t last_committed_line = 0;
  size_t first_unconfirmed_line = 0;
  size_t unconfirmed = 0;

  bool all_recorded() const { return failed == 0 && stream_status.ok(); }
};

// Runs the import. An error status means the file cannot be used at all
// (CSV structure, header) and nothing was sent; problems with rows and the
// stream are in the summary. `open_stream` is not called on a dry run.
absl::StatusOr<ImportSummary> RunImport(absl::string_view csv, const ImportOptions& options,
                                        const OutcomeChunkStreamFactory& open_stream,
                                        ImportObserver& observer);

}  // namespace creditbank::cbctl

#endif  // CREDITBANK_CLIENTS_CBCTL_IMPORT_RUNNER_H_
