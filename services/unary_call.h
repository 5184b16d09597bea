// One unary RPC as the bank's gRPC clients make it: a deadline, the
// caller's bearer token if any, and the answer as absl::StatusOr with the
// server's error details turned back into the domain's (status_conversion).
//
//   return UnaryCall(deadline_, bearer_token_, *stub_, &Stub::GetEntry, request);
#ifndef CREDITBANK_SERVICES_UNARY_CALL_H_
#define CREDITBANK_SERVICES_UNARY_CALL_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "services/status_conversion.h"

namespace creditbank::services {

// A bearer token (learners) goes in the "authorization" metadata.
inline void AddBearerToken(const std::string& bearer_token, grpc::ClientContext& context) {
  if (!bearer_token.empty()) context.AddMetadata("authorization", "Bearer " + bearer_token);
}

template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> UnaryCall(
    absl::Duration deadline, const std::string& bearer_token, Stub& stub,
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    const Request& request) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  AddBearerToken(bearer_token, context);
  Response response;
  grpc::Status status = (stub.*method)(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

}  // namespace creditbank::services

#endif  // CREDITBANK_SERVICES_UNARY_CALL_H_
