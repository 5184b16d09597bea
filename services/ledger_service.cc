#include "services/ledger_service.h"

#include <deque>
#include <future>
#include <optional>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "domain/errors.h"

namespace creditbank::services {

using domain::CoreClient;

namespace {

// Chunks of one upload stream waiting to be answered; with the one being
// answered and the one just read, at most this + 2 are worked on at once.
// Two or more let a chunk join a group commit while another is syncing.
constexpr size_t kMaxChunksInFlightPerStream = 4;

ledger_v1::RecordOutcomesResponse AnswerChunk(CoreClient& core,
                                              const ledger_v1::RecordOutcomesRequest& chunk) {
  absl::StatusOr<ledger_v1::RecordOutcomesResponse> answer = core.RecordOutcomes(chunk);
  if (answer.ok()) return *std::move(answer);
  ledger_v1::RecordOutcomesResponse refused;
  *refused.mutable_error() = domain::ToRpcStatus(answer.status());
  return refused;
}

// The answers of one stream's chunks, in arrival order; at most
// `max_in_flight` are waited for at once.
class AnswerQueue {
 public:
  explicit AnswerQueue(size_t max_in_flight) : max_in_flight_(max_in_flight) {}

  // Blocks while the queue is full. False when the client is gone (the
  // answer is still waited for, by Next).
  bool Push(std::future<ledger_v1::RecordOutcomesResponse> answer) {
    absl::MutexLock lock(&mutex_);
    mutex_.Await(absl::Condition(this, &AnswerQueue::HasRoom));
    answers_.push_back(std::move(answer));
    return !client_gone_;
  }
  void Close() {
    absl::MutexLock lock(&mutex_);
    closed_ = true;
  }
  // The next answer once it is ready; nullopt when closed and drained.
  std::optional<ledger_v1::RecordOutcomesResponse> Next() {
    std::future<ledger_v1::RecordOutcomesResponse> next;
    {
      absl::MutexLock lock(&mutex_);
      mutex_.Await(absl::Condition(this, &AnswerQueue::HasAnswerOrClosed));
      if (answers_.empty()) return std::nullopt;
      next = std::move(answers_.front());
      answers_.pop_front();
    }
    return next.get();
  }
  void MarkClientGone() {
    absl::MutexLock lock(&mutex_);
    client_gone_ = true;
  }
  bool client_gone() const {
    absl::MutexLock lock(&mutex_);
    return client_gone_;
  }

 private:
  bool HasRoom() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    return answers_.size() < max_in_flight_ || client_gone_;
  }
  bool HasAnswerOrClosed() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    return !answers_.empty() || closed_;
  }

  const size_t max_in_flight_;
  mutable absl::Mutex mutex_;
  std::deque<std::future<ledger_v1::RecordOutcomesResponse>> answers_ ABSL_GUARDED_BY(mutex_);
  bool closed_ ABSL_GUARDED_BY(mutex_) = false;
  bool client_gone_ ABSL_GUARDED_BY(mutex_) = false;
};

}  // namespace

grpc::Status LedgerService::RecordOutcome(grpc::ServerContext*,
                                          const ledger_v1::RecordOutcomeRequest* request,
                                          ledger_v1::RecordOutcomeResponse* response) {
  return Answer(core_, &CoreClient::RecordOutcome, *request, response);
}

grpc::Status LedgerService::RecordOutcomes(grpc::ServerContext*,
                                           const ledger_v1::RecordOutcomesRequest* request,
                                           ledger_v1::RecordOutcomesResponse* response) {
  return Answer(core_, &CoreClient::RecordOutcomes, *request, response);
}

// This thread reads chunks and starts each on its own task; a writer
// thread answers them in arrival order as each becomes durable. Reading
// and writing a sync stream from two threads at once is allowed by gRPC.
// Every task is waited for before the call returns.
grpc::Status LedgerService::StreamOutcomes(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<ledger_v1::RecordOutcomesResponse,
                             ledger_v1::RecordOutcomesRequest>* stream) {
  CoreClient* core = core_.Get();
  if (core == nullptr) return NotReady();
  AnswerQueue answers(kMaxChunksInFlightPerStream);
  std::thread writer([&] {
    while (std::optional<ledger_v1::RecordOutcomesResponse> answer = answers.Next()) {
      if (!answers.client_gone() && !stream->Write(*answer)) answers.MarkClientGone();
    }
  });
  ledger_v1::RecordOutcomesRequest chunk;
  while (stream->Read(&chunk)) {
    auto task = std::async(std::launch::async, [core, chunk = std::move(chunk)] {
      return AnswerChunk(*core, chunk);
    });
    if (!answers.Push(std::move(task))) break;
    chunk = ledger_v1::RecordOutcomesRequest();
  }
  answers.Close();
  writer.join();
  if (answers.client_gone() || context->IsCancelled()) {
    // What was committed stays committed; request ids make a resumed
    // upload skip it.
    return grpc::Status(grpc::StatusCode::CANCELLED, "the client stopped the upload");
  }
  return grpc::Status::OK;
}

grpc::Status LedgerService::ReverseEntry(grpc::ServerContext*,
                                         const ledger_v1::ReverseEntryRequest* request,
                                         ledger_v1::RecordOutcomeResponse* response) {
  return Answer(core_, &CoreClient::ReverseEntry, *request, response);
}

grpc::Status LedgerService::GetEntry(grpc::ServerContext*,
                                     const ledger_v1::GetEntryRequest* request,
                                     ledger_v1::Entry* response) {
  return Answer(core_, &CoreClient::GetEntry, *request, response);
}

grpc::Status LedgerService::ListEntries(grpc::ServerContext*,
                                        const ledger_v1::ListEntriesRequest* request,
                                        ledger_v1::ListEntriesResponse* response) {
  return Answer(core_, &CoreClient::ListEntries, *request, response);
}

grpc::Status LedgerService::GetBalances(grpc::ServerContext*,
                                        const ledger_v1::GetBalancesRequest* request,
                                        ledger_v1::GetBalancesResponse* response) {
  return Answer(core_, &CoreClient::GetBalances, *request, response);
}

grpc::Status LedgerService::CheckConsistency(
    grpc::ServerContext*, const ledger_v1::CheckConsistencyRequest* request,
    ledger_v1::CheckConsistencyResponse* response) {
  return Answer(core_, &CoreClient::CheckConsistency, *request, response);
}

}  // namespace creditbank::services
