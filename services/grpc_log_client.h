// GrpcLogClient: creditbank.log.v1 over a gRPC channel, for cbctl, the
// tests, and (later) services in other processes that embed proofs.
//
//   GrpcLogClient log(channel, absl::Seconds(30));
//   ASSIGN_OR_RETURN(log::v1::Checkpoint head, log.GetCheckpoint());
#ifndef CREDITBANK_SERVICES_GRPC_LOG_CLIENT_H_
#define CREDITBANK_SERVICES_GRPC_LOG_CLIENT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "creditbank/log/v1/log.grpc.pb.h"
#include "domain/log_client.h"
#include "grpcpp/channel.h"

namespace creditbank::services {

class GrpcLogClient final : public domain::LogClient {
 public:
  // `bearer_token`: a learner token, sent with every call; empty for
  // callers identified by their certificate, and for anonymous ones.
  GrpcLogClient(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline,
                std::string bearer_token = "");

  absl::StatusOr<log::v1::Checkpoint> GetCheckpoint() const override;
  absl::StatusOr<log::v1::InclusionProof> GetInclusionProof(
      const log::v1::GetInclusionProofRequest& request) const override;
  absl::StatusOr<log::v1::ConsistencyProof> GetConsistencyProof(
      const log::v1::GetConsistencyProofRequest& request) const override;

 private:
  const absl::Duration deadline_;
  const std::string bearer_token_;
  std::unique_ptr<log::v1::LogService::Stub> stub_;
};

}  // namespace creditbank::services

#endif  // CREDITBANK_SERVICES_GRPC_LOG_CLIENT_H_
