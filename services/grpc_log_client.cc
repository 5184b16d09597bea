#include "services/grpc_log_client.h"

#include <utility>

#include "services/unary_call.h"

namespace creditbank::services {

using Stub = log::v1::LogService::Stub;

GrpcLogClient::GrpcLogClient(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline,
                             std::string bearer_token)
    : deadline_(deadline),
      bearer_token_(std::move(bearer_token)),
      stub_(log::v1::LogService::NewStub(channel)) {}

absl::StatusOr<log::v1::Checkpoint> GrpcLogClient::GetCheckpoint() const {
  return UnaryCall(deadline_, bearer_token_, *stub_, &Stub::GetCheckpoint,
                   log::v1::GetCheckpointRequest());
}

absl::StatusOr<log::v1::InclusionProof> GrpcLogClient::GetInclusionProof(
    const log::v1::GetInclusionProofRequest& request) const {
  return UnaryCall(deadline_, bearer_token_, *stub_, &Stub::GetInclusionProof, request);
}

absl::StatusOr<log::v1::ConsistencyProof> GrpcLogClient::GetConsistencyProof(
    const log::v1::GetConsistencyProofRequest& request) const {
  return UnaryCall(deadline_, bearer_token_, *stub_, &Stub::GetConsistencyProof, request);
}

}  // namespace creditbank::services
