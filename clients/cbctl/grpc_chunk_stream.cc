#include "clients/cbctl/grpc_chunk_stream.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/status_conversion.h"

namespace creditbank::cbctl {

GrpcChunkStream::GrpcChunkStream(ledger::v1::LedgerService::StubInterface& stub,
                                 absl::Duration idle_timeout)
    : idle_timeout_(idle_timeout), last_progress_(absl::Now()) {
  // Watching first: starting the call waits for a connection, and a server
  // that accepts connections but never answers must not hang us here.
  watchdog_ = std::thread([this] { Watch(); });
  stream_ = stub.StreamOutcomes(&context_);
}

GrpcChunkStream::~GrpcChunkStream() {
  {
    absl::MutexLock lock(&mutex_);
    finished_ = true;
  }
  watchdog_.join();
}

void GrpcChunkStream::NoteProgress() {
  absl::MutexLock lock(&mutex_);
  last_progress_ = absl::Now();
}

void GrpcChunkStream::Watch() {
  absl::MutexLock lock(&mutex_);
  while (!finished_) {
    const absl::Time deadline = last_progress_ + idle_timeout_;
    if (absl::Now() >= deadline) {
      timed_out_ = true;
      context_.TryCancel();  // every blocked Write/Read returns false
      return;
    }
    mutex_.AwaitWithDeadline(absl::Condition(&finished_), deadline);
  }
}

bool GrpcChunkStream::Write(const ledger::v1::RecordOutcomesRequest& chunk) {
  const bool written = stream_->Write(chunk);
  if (written) NoteProgress();
  return written;
}

bool GrpcChunkStream::Read(ledger::v1::RecordOutcomesResponse* answer) {
  const bool read = stream_->Read(answer);
  if (read) NoteProgress();
  return read;
}

void GrpcChunkStream::WritesDone() { stream_->WritesDone(); }

void GrpcChunkStream::Cancel() { context_.TryCancel(); }

absl::Status GrpcChunkStream::Finish() {
  const grpc::Status status = stream_->Finish();
  absl::MutexLock lock(&mutex_);
  finished_ = true;
  if (timed_out_) {
    return absl::DeadlineExceededError(absl::StrCat(
        "the server made no progress on the upload for ", absl::FormatDuration(idle_timeout_)));
  }
  return services::FromGrpcStatus(status);
}

}  // namespace creditbank::cbctl
