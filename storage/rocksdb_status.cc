#include "storage/rocksdb_status.h"

#include "absl/strings/str_cat.h"

namespace creditbank::storage {
namespace {

// Why each code: callers retry UNAVAILABLE; DATA_LOSS means stored bytes
// are damaged and must never be served; RESOURCE_EXHAUSTED is a full disk
// or a memory limit that an operator must fix.
absl::StatusCode CodeFor(const rocksdb::Status& status) {
  using rocksdb::Status;
  if (status.IsNoSpace() || status.IsMemoryLimit()) {
    return absl::StatusCode::kResourceExhausted;
  }
  switch (status.code()) {
    case Status::kOk: return absl::StatusCode::kOk;
    case Status::kNotFound: return absl::StatusCode::kNotFound;
    case Status::kCorruption: return absl::StatusCode::kDataLoss;
    case Status::kNotSupported: return absl::StatusCode::kUnimplemented;
    case Status::kInvalidArgument: return absl::StatusCode::kInvalidArgument;
    case Status::kIOError: return absl::StatusCode::kUnavailable;
    case Status::kMergeInProgress: return absl::StatusCode::kAborted;
    case Status::kIncomplete: return absl::StatusCode::kUnavailable;
    case Status::kShutdownInProgress: return absl::StatusCode::kUnavailable;
    case Status::kTimedOut: return absl::StatusCode::kDeadlineExceeded;
    case Status::kAborted: return absl::StatusCode::kAborted;
    case Status::kBusy: return absl::StatusCode::kUnavailable;
    case Status::kExpired: return absl::StatusCode::kDeadlineExceeded;
    case Status::kTryAgain: return absl::StatusCode::kUnavailable;
    case Status::kCompactionTooLarge: return absl::StatusCode::kResourceExhausted;
    case Status::kColumnFamilyDropped: return absl::StatusCode::kInternal;
    case Status::kMaxCode: break;
  }
  return absl::StatusCode::kInternal;
}

}  // namespace

absl::Status ToAbslStatus(const rocksdb::Status& status, absl::string_view what) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(CodeFor(status),
                      absl::StrCat("storage ", what, ": ", status.ToString()));
}

}  // namespace creditbank::storage
