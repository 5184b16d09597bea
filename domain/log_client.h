// LogClient: the transparency log's read API (creditbank.log.v1) to those
// that embed checkpoints and proofs, such as the transcripts service. Two
// implementations, as for CoreClient (core_client.h):
//   - domain::TransparencyLog, in process (creditbankd --services=all);
//   - services::GrpcLogClient, over gRPC to the core (--core=HOST:PORT).
#ifndef CREDITBANK_DOMAIN_LOG_CLIENT_H_
#define CREDITBANK_DOMAIN_LOG_CLIENT_H_

#include "absl/status/statusor.h"
#include "creditbank/log/v1/log.pb.h"

namespace creditbank::domain {

class LogClient {
 public:
  virtual ~LogClient() = default;
  virtual absl::StatusOr<log::v1::Checkpoint> GetCheckpoint() const = 0;
  virtual absl::StatusOr<log::v1::InclusionProof> GetInclusionProof(
      const log::v1::GetInclusionProofRequest& request) const = 0;
  virtual absl::StatusOr<log::v1::ConsistencyProof> GetConsistencyProof(
      const log::v1::GetConsistencyProofRequest& request) const = 0;
};

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_LOG_CLIENT_H_
