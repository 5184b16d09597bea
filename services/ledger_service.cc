#include "services/ledger_service.h"

#include <atomic>
#include <deque>
#include <new>
#include <system_error>
#include <future>
#include <optional>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
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

// One chunk of an upload, under the stream's guard: scoped to the
// caller's institution, within its limits, audited as a call of its own.
ledger_v1::RecordOutcomesResponse AnswerChunk(CoreClient& core, const GuardedCall& call,
                                              ledger_v1::RecordOutcomesRequest& chunk) {
  ledger_v1::RecordOutcomesResponse answer;
  AuditFacts facts{chunk.institution_code(), "", static_cast<uint32_t>(chunk.outcomes_size())};
  absl::Status status;
  try {
    status = call.Audited(facts, [&]() -> absl::Status {
      RETURN_IF_ERROR(call.ScopeRecorder(chunk.mutable_institution_code()));
      facts.target = chunk.institution_code();
      RETURN_IF_ERROR(call.Admit(chunk.institution_code(), chunk.outcomes_size()));
      ASSIGN_OR_RETURN(answer, core.RecordOutcomes(chunk));
      return absl::OkStatus();
    });
  } catch (const std::bad_alloc&) {
    status = absl::ResourceExhaustedError("out of memory while recording the chunk");
  }
  if (status.ok()) return answer;
  ledger_v1::RecordOutcomesResponse refused;
  *refused.mutable_error() = domain::ToRpcStatus(status);
  return refused;
}

// The chunk's answer: on a task of its own when the server has room for
// one, else right here (same answer, only without overlap).
std::future<ledger_v1::RecordOutcomesResponse> StartChunk(
    CoreClient& core, const GuardedCall& call, ledger_v1::RecordOutcomesRequest chunk) {
  if (chunk_tasks.fetch_add(1) < kMaxChunkTasks) {
    try {
      return std::async(std::launch::async, [&core, &call, chunk = std::move(chunk)]() mutable {
        ledger_v1::RecordOutcomesResponse answer = AnswerChunk(core, call, chunk);
        chunk_tasks.fetch_sub(1);
        return answer;
      });
    } catch (const std::system_error&) {
      // No thread to be had (a process or container limit): go on inline.
    }
  }
  chunk_tasks.fetch_sub(1);
  std::promise<ledger_v1::RecordOutcomesResponse> answered;
  answered.set_value(AnswerChunk(core, call, chunk));
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

namespace {
constexpr char kRecordOutcome[] = "/creditbank.ledger.v1.LedgerService/RecordOutcome";
constexpr char kRecordOutcomes[] = "/creditbank.ledger.v1.LedgerService/RecordOutcomes";
constexpr char kStreamOutcomes[] = "/creditbank.ledger.v1.LedgerService/StreamOutcomes";
constexpr char kReverseEntry[] = "/creditbank.ledger.v1.LedgerService/ReverseEntry";
constexpr char kGetEntry[] = "/creditbank.ledger.v1.LedgerService/GetEntry";
constexpr char kListEntries[] = "/creditbank.ledger.v1.LedgerService/ListEntries";
constexpr char kGetBalances[] = "/creditbank.ledger.v1.LedgerService/GetBalances";
constexpr char kCheckConsistency[] = "/creditbank.ledger.v1.LedgerService/CheckConsistency";

// `request` with its recording institution scoped to the caller (see
// GuardedCall::ScopeRecorder); copied only when the field must be filled.
template <typename Request>
absl::StatusOr<const Request*> ScopedToRecorder(const GuardedCall& call, const Request* request,
                                                Request& copy) {
  std::string code = request->institution_code();
  RETURN_IF_ERROR(call.ScopeRecorder(&code));
  if (code == request->institution_code()) return request;
  copy = *request;
  copy.set_institution_code(std::move(code));
  return &copy;
}
}  // namespace

grpc::Status LedgerService::RecordOutcome(grpc::ServerContext* context,
                                          const ledger_v1::RecordOutcomeRequest* request,
                                          ledger_v1::RecordOutcomeResponse* response) {
  GuardedCall call(security_, *context, kRecordOutcome);
  call.audit() = {request->outcome().account_number(), request->outcome().request_id(), 1};
  return call.Run([&]() -> absl::Status {
    ledger_v1::RecordOutcomeRequest copy;
    ASSIGN_OR_RETURN(const ledger_v1::RecordOutcomeRequest* scoped,
                     ScopedToRecorder(call, request, copy));
    RETURN_IF_ERROR(call.Admit(scoped->institution_code(), 1));
    return AnswerInto(core_, &CoreClient::RecordOutcome, *scoped, response);
  });
}

grpc::Status LedgerService::RecordOutcomes(grpc::ServerContext* context,
                                           const ledger_v1::RecordOutcomesRequest* request,
                                           ledger_v1::RecordOutcomesResponse* response) {
  GuardedCall call(security_, *context, kRecordOutcomes);
  call.audit() = {request->institution_code(), "",
                  static_cast<uint32_t>(request->outcomes_size())};
  return call.Run([&]() -> absl::Status {
    ledger_v1::RecordOutcomesRequest copy;
    ASSIGN_OR_RETURN(const ledger_v1::RecordOutcomesRequest* scoped,
                     ScopedToRecorder(call, request, copy));
    call.audit().target = scoped->institution_code();
    RETURN_IF_ERROR(call.Admit(scoped->institution_code(), scoped->outcomes_size()));
    return AnswerInto(core_, &CoreClient::RecordOutcomes, *scoped, response);
  });
}

// This thread reads chunks and starts each on its own task; a writer
// thread answers them in arrival order as each becomes durable. Reading
// and writing a sync stream from two threads at once is allowed by gRPC.
// Every task is waited for before the call returns. The caller is
// authorized once for the stream; each chunk is scoped, limited and
// audited on its own.
grpc::Status LedgerService::StreamOutcomes(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<ledger_v1::RecordOutcomesResponse,
                             ledger_v1::RecordOutcomesRequest>* stream) {
  GuardedCall call(security_, *context, kStreamOutcomes);
  return call.Run([&]() -> absl::Status { return Upload(*context, call, *stream); });
}

absl::Status LedgerService::Upload(
    grpc::ServerContext& context, const GuardedCall& call,
    grpc::ServerReaderWriter<ledger_v1::RecordOutcomesResponse,
                             ledger_v1::RecordOutcomesRequest>& stream) {
  CoreClient* core = core_.Get();
  if (core == nullptr) return absl::UnavailableError(kNotReadyMessage);
  AnswerQueue answers(kMaxChunksInFlightPerStream);
  std::thread writer;
  try {
    writer = std::thread([&] {
      while (std::optional<ledger_v1::RecordOutcomesResponse> answer = answers.Next()) {
        if (!answers.client_gone() && !stream.Write(*answer)) answers.MarkClientGone();
      }
    });
  } catch (const std::system_error&) {
    return absl::ResourceExhaustedError(
        "the server cannot start another upload now; retry with backoff");
  }
  ledger_v1::RecordOutcomesRequest chunk;
  while (stream.Read(&chunk)) {
    if (!answers.Push(StartChunk(*core, call, std::move(chunk)))) break;
    chunk = ledger_v1::RecordOutcomesRequest();
  }
  answers.Close();
  writer.join();
  if (answers.client_gone() || context.IsCancelled()) {
    // What was committed stays committed; request ids make a resumed
    // upload skip it.
    return absl::CancelledError("the client stopped the upload");
  }
  return absl::OkStatus();
}

grpc::Status LedgerService::ReverseEntry(grpc::ServerContext* context,
                                         const ledger_v1::ReverseEntryRequest* request,
                                         ledger_v1::RecordOutcomeResponse* response) {
  GuardedCall call(security_, *context, kReverseEntry);
  call.audit() = {absl::StrCat(request->entry_id()), request->request_id(), 1};
  return call.Run([&]() -> absl::Status {
    ledger_v1::ReverseEntryRequest copy;
    ASSIGN_OR_RETURN(const ledger_v1::ReverseEntryRequest* scoped,
                     ScopedToRecorder(call, request, copy));
    RETURN_IF_ERROR(call.Admit(scoped->institution_code(), 1));
    return AnswerInto(core_, &CoreClient::ReverseEntry, *scoped, response);
  });
}

grpc::Status LedgerService::GetEntry(grpc::ServerContext* context,
                                     const ledger_v1::GetEntryRequest* request,
                                     ledger_v1::Entry* response) {
  GuardedCall call(security_, *context, kGetEntry);
  return call.Run([&]() -> absl::Status {
    RETURN_IF_ERROR(AnswerInto(core_, &CoreClient::GetEntry, *request, response));
    absl::Status visible =
        call.CheckRow({response->institution_code(), response->outcome().account_number()});
    if (!visible.ok()) response->Clear();
    return visible;
  });
}

grpc::Status LedgerService::ListEntries(grpc::ServerContext* context,
                                        const ledger_v1::ListEntriesRequest* request,
                                        ledger_v1::ListEntriesResponse* response) {
  GuardedCall call(security_, *context, kListEntries);
  return call.Run([&]() -> absl::Status {
    // An institution lists only what it recorded: its code becomes the
    // filter. A learner lists only their own account.
    ledger_v1::ListEntriesRequest scoped = *request;
    if (call.caller().role == domain::Role::kInstitution) {
      RETURN_IF_ERROR(call.ScopeRecorder(scoped.mutable_institution_code()));
    } else {
      RETURN_IF_ERROR(call.CheckRow({"", scoped.account_number()}));
    }
    return AnswerInto(core_, &CoreClient::ListEntries, scoped, response);
  });
}

grpc::Status LedgerService::GetBalances(grpc::ServerContext* context,
                                        const ledger_v1::GetBalancesRequest* request,
                                        ledger_v1::GetBalancesResponse* response) {
  GuardedCall call(security_, *context, kGetBalances);
  return call.Run([&]() -> absl::Status {
    RETURN_IF_ERROR(call.CheckRow({"", request->account_number()}));
    return AnswerInto(core_, &CoreClient::GetBalances, *request, response);
  });
}

grpc::Status LedgerService::CheckConsistency(
    grpc::ServerContext* context, const ledger_v1::CheckConsistencyRequest* request,
    ledger_v1::CheckConsistencyResponse* response) {
  GuardedCall call(security_, *context, kCheckConsistency);
  return call.Run([&]() -> absl::Status {
    return AnswerInto(core_, &CoreClient::CheckConsistency, *request, response);
  });
}

}  // namespace creditbank::services
