// CoreHandle: where the gRPC services find the core. Empty while the
// server starts (storage still opening), so calls made then are answered
// UNAVAILABLE instead of waiting; set once storage is open.
//
//   return AnswerInto(handle, &domain::CoreClient::GetEntry, request, response);
#ifndef CREDITBANK_SERVICES_CORE_HANDLE_H_
#define CREDITBANK_SERVICES_CORE_HANDLE_H_

#include <atomic>
#include <utility>

#include "domain/core_client.h"
#include "grpcpp/support/status.h"
#include "services/status_conversion.h"

namespace creditbank::services {

class CoreHandle {
 public:
  void Set(domain::CoreClient* core) { core_.store(core, std::memory_order_release); }
  domain::CoreClient* Get() const { return core_.load(std::memory_order_acquire); }

 private:
  std::atomic<domain::CoreClient*> core_{nullptr};
};

inline constexpr char kNotReadyMessage[] =
    "the server is still opening its storage; retry shortly";

inline grpc::Status NotReady() {
  return grpc::Status(grpc::StatusCode::UNAVAILABLE, kNotReadyMessage);
}

// Calls `method` on the core and stores its answer in `response`; the
// core's error otherwise (for handlers inside a GuardedCall).
template <typename Request, typename Response>
absl::Status AnswerInto(const CoreHandle& handle,
                        absl::StatusOr<Response> (domain::CoreClient::*method)(const Request&),
                        const Request& request, Response* response) {
  domain::CoreClient* core = handle.Get();
  if (core == nullptr) return absl::UnavailableError(kNotReadyMessage);
  absl::StatusOr<Response> result = (core->*method)(request);
  if (!result.ok()) return result.status();
  *response = *std::move(result);
  return absl::OkStatus();
}

// Stores `answer` in `response`, or returns its error.
template <typename Message>
absl::Status Into(absl::StatusOr<Message> answer, Message* response) {
  if (!answer.ok()) return answer.status();
  *response = *std::move(answer);
  return absl::OkStatus();
}

}  // namespace creditbank::services

#endif  // CREDITBANK_SERVICES_CORE_HANDLE_H_
