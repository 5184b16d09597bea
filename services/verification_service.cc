#include "services/verification_service.h"

#include "services/core_handle.h"

namespace creditbank::services {

grpc::Status VerificationService::VerifyTranscript(
    grpc::ServerContext* context, const verification_v1::VerifyTranscriptRequest* request,
    verification_v1::VerificationReport* response) {
  GuardedCall call(security_, *context,
                   "/creditbank.verification.v1.VerificationService/VerifyTranscript");
  return call.Run([&]() -> absl::Status {
    domain::VerificationEngine* engine = engine_.Get();
    if (engine == nullptr) return absl::UnavailableError(kNotReadyMessage);
    return Into(engine->Verify(*request), response);
  });
}

}  // namespace creditbank::services
