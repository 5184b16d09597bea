// VerificationService: creditbank.verification.v1 over gRPC. Public: anyone
// may ask whether a transcript they were handed is genuine.
#ifndef CREDITBANK_SERVICES_VERIFICATION_SERVICE_H_
#define CREDITBANK_SERVICES_VERIFICATION_SERVICE_H_

#include <atomic>

#include "creditbank/verification/v1/verification.grpc.pb.h"
#include "domain/verification_engine.h"
#include "services/call_guard.h"

namespace creditbank::services {

namespace verification_v1 = ::creditbank::verification::v1;

// Where the service finds the engine: null while the server starts.
class VerificationHandle {
 public:
  void Set(domain::VerificationEngine* engine) {
    engine_.store(engine, std::memory_order_release);
  }
  domain::VerificationEngine* Get() const { return engine_.load(std::memory_order_acquire); }

 private:
  std::atomic<domain::VerificationEngine*> engine_{nullptr};
};

class VerificationService final : public verification_v1::VerificationService::Service {
 public:
  VerificationService(const VerificationHandle& engine, const Security& security)
      : engine_(engine), security_(security) {}

  grpc::Status VerifyTranscript(grpc::ServerContext* context,
                                const verification_v1::VerifyTranscriptRequest* request,
                                verification_v1::VerificationReport* response) override;

 private:
  const VerificationHandle& engine_;
  const Security& security_;
};

}  // namespace creditbank::services

#endif  // CREDITBANK_SERVICES_VERIFICATION_SERVICE_H_
