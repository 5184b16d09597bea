// LogService: creditbank.log.v1 — the ledger's transparency log: signed
// checkpoints, inclusion proofs and consistency proofs. Runs in the process
// that holds the core's storage (the log is written with the entries).
// Checkpoints and consistency proofs are public (anyone may check that the
// ledger only grows); an inclusion proof carries its entry's leaf, so it
// follows GetEntry's row rules.
#ifndef CREDITBANK_SERVICES_LOG_SERVICE_H_
#define CREDITBANK_SERVICES_LOG_SERVICE_H_

#include "creditbank/log/v1/log.grpc.pb.h"
#include "services/call_guard.h"

namespace creditbank::services {

namespace log_v1 = ::creditbank::log::v1;

class LogService final : public log_v1::LogService::Service {
 public:
  explicit LogService(const Security& security) : security_(security) {}

  grpc::Status GetCheckpoint(grpc::ServerContext* context,
                             const log_v1::GetCheckpointRequest* request,
                             log_v1::Checkpoint* response) override;
  grpc::Status GetInclusionProof(grpc::ServerContext* context,
                                 const log_v1::GetInclusionProofRequest* request,
                                 log_v1::InclusionProof* response) override;
  grpc::Status GetConsistencyProof(grpc::ServerContext* context,
                                   const log_v1::GetConsistencyProofRequest* request,
                                   log_v1::ConsistencyProof* response) override;

 private:
  const Security& security_;
};

}  // namespace creditbank::services

#endif  // CREDITBANK_SERVICES_LOG_SERVICE_H_
