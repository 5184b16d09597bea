// The StreamOutcomes call over gRPC, for import_runner.h, with an idle
// timeout: if neither a chunk goes out nor an answer comes back for
// `idle_timeout`, the call is cancelled and Finish reports
// DEADLINE_EXCEEDED. (A deadline on the whole call would have to grow with
// the file; what matters is that the server keeps making progress.)
//
//   GrpcChunkStream stream(core.ledger_stub(), absl::Seconds(30));
#ifndef CREDITBANK_CLIENTS_CBCTL_GRPC_CHUNK_STREAM_H_
#define CREDITBANK_CLIENTS_CBCTL_GRPC_CHUNK_STREAM_H_

#include <memory>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "clients/cbctl/import_runner.h"
#include "creditbank/ledger/v1/ledger.grpc.pb.h"
#include "grpcpp/client_context.h"

namespace creditbank::cbctl {

class GrpcChunkStream final : public OutcomeChunkStream {
 public:
  GrpcChunkStream(ledger::v1::LedgerService::StubInterface& stub, absl::Duration idle_timeout);
  ~GrpcChunkStream() override;

  bool Write(const ledger::v1::RecordOutcomesRequest& chunk) override;
  bool Read(ledger::v1::RecordOutcomesResponse* answer) override;
  void WritesDone() override;
  void Cancel() override;
  absl::Status Finish() override;

 private:
  void NoteProgress();
  void Watch();

  const absl::Duration idle_timeout_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriterInterface<ledger::v1::RecordOutcomesRequest,
                                                    ledger::v1::RecordOutcomesResponse>>
      stream_;

  absl::Mutex mutex_;
  absl::Time last_progress_ ABSL_GUARDED_BY(mutex_);
  bool finished_ ABSL_GUARDED_BY(mutex_) = false;
  bool timed_out_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread watchdog_;
};

}  // namespace creditbank::cbctl

#endif  // CREDITBANK_CLIENTS_CBCTL_GRPC_CHUNK_STREAM_H_
