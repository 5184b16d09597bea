// TranscriptsService: creditbank.transcripts.v1 over gRPC. Row rules: a
// learner issues, reads, lists and revokes only their own account's
// transcripts; operators any. The JWK Set and status lists are public.
#ifndef CREDITBANK_SERVICES_TRANSCRIPTS_SERVICE_H_
#define CREDITBANK_SERVICES_TRANSCRIPTS_SERVICE_H_

#include <atomic>

#include "creditbank/transcripts/v1/transcripts.grpc.pb.h"
#include "domain/transcripts_engine.h"
#include "services/call_guard.h"

namespace creditbank::services {

namespace transcripts_v1 = ::creditbank::transcripts::v1;

// Where the service finds the engine: null while storage opens.
class TranscriptsHandle {
 public:
  void Set(domain::TranscriptsEngine* engine) {
    engine_.store(engine, std::memory_order_release);
  }
  domain::TranscriptsEngine* Get() const { return engine_.load(std::memory_order_acquire); }

 private:
  std::atomic<domain::TranscriptsEngine*> engine_{nullptr};
};

class TranscriptsService final : public transcripts_v1::TranscriptService::Service {
 public:
  TranscriptsService(const TranscriptsHandle& engine, const Security& security)
      : engine_(engine), security_(security) {}

  grpc::Status IssueTranscript(grpc::ServerContext* context,
                               const transcripts_v1::IssueTranscriptRequest* request,
                               transcripts_v1::Transcript* response) override;
  grpc::Status GetTranscript(grpc::ServerContext* context,
                             const transcripts_v1::GetTranscriptRequest* request,
                             transcripts_v1::Transcript* response) override;
  grpc::Status ListTranscripts(grpc::ServerContext* context,
                               const transcripts_v1::ListTranscriptsRequest* request,
                               transcripts_v1::ListTranscriptsResponse* response) override;
  grpc::Status RevokeTranscript(grpc::ServerContext* context,
                                const transcripts_v1::RevokeTranscriptRequest* request,
                                transcripts_v1::Transcript* response) override;
  grpc::Status GetJwks(grpc::ServerContext* context, const transcripts_v1::GetJwksRequest* request,
                       transcripts_v1::Jwks* response) override;
  grpc::Status GetStatusList(grpc::ServerContext* context,
                             const transcripts_v1::GetStatusListRequest* request,
                             transcripts_v1::StatusList* response) override;
  grpc::Status RotateSigningKey(grpc::ServerContext* context,
                                const transcripts_v1::RotateSigningKeyRequest* request,
                                transcripts_v1::Jwks* response) override;

 private:
  template <typename Body>
  grpc::Status Guarded(grpc::ServerContext* context, const char* method, AuditFacts facts,
                       Body&& body);

  const TranscriptsHandle& engine_;
  const Security& security_;
};

}  // namespace creditbank::services

#endif  // CREDITBANK_SERVICES_TRANSCRIPTS_SERVICE_H_
