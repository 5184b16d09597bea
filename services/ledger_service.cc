#include "services/ledger_service.h"

#include <atomic>
#include <deque>
#include <new>
#include <system_error>
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

// Chunk tasks (threads) running at once across every stream of the
// server; past it a stream answers its chunks one at a time on its own
// thread instead of starting more.
constexpr int kMaxChunkTasks = 256;
std::atomic<int> chunk_tasks{0};

ledger_v1::RecordOutcomesResponse AnswerChunk(CoreClient& core,
                                              const ledger_v1::RecordOutcomesRequest& chunk) {
  ledger_v1::RecordOutcomesResponse refused;
  try {
    absl::StatusOr<ledger_v1::RecordOutcomesResponse> answer = core.RecordOutcomes(chunk);
    if (answer.ok()) return *std::move(answer);
    *refused.mutable_error() = domain::ToRpcStatus(answer.status());
  } catch (const std::bad_alloc&) {
    *refused.mutable_error() = domain::ToRpcStatus(
        absl::ResourceExhaustedError("out of memory while recording the chunk"));
  }
  return refused;
}

// The chunk's answer: on a task of its own when the server has room for
// one, else right here (same answer, only without overlap).
std::future<ledger_v1::RecordOutcomesResponse> StartChunk(
    CoreClient& core, ledger_v1::RecordOutcomesRequest chunk) {
  if (chunk_tasks.fetch_add(1) < kMaxChunkTasks) {
    try {
      return std::async(std::launch::async, [&core, chunk = std::move(chunk)] {
        ledger_v1::RecordOutcomesResponse answer = AnswerChunk(core, chunk);
        chunk_tasks.fetch_sub(1);
        return answer;
      });
    } catch (const std::system_error&) {
      // No thread to be had (a process or container limit): go on inline.
    }
  }
  chunk_tasks.fetch_sub(1);
  std::promise<ledger_v1::RecordOutcomesResponse> answered;
  answered.set_value(AnswerChunk(core, chunk));
  return answered.get_future();
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
  std::thread writer;
  try {
    writer = std::thread([&] {
      while (std::optional<ledger_v1::RecordOutcomesResponse> answer = answers.Next()) {
        if (!answers.client_gone() && !stream->Write(*answer)) answers.MarkClientGone();
      }
    });
  } catch (const std::system_error&) {
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                        "the server cannot start another upload now; retry with backoff");
  }
  ledger_v1::RecordOutcomesRequest chunk;
  while (stream->Read(&chunk)) {
    if (!answers.Push(StartChunk(*core, std::move(chunk)))) break;
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
