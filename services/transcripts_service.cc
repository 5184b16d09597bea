#include "services/transcripts_service.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "services/core_handle.h"

namespace creditbank::services {

using domain::TranscriptsEngine;

#define TRANSCRIPTS_METHOD(name) "/creditbank.transcripts.v1.TranscriptService/" #name

template <typename Body>
grpc::Status TranscriptsService::Guarded(grpc::ServerContext* context, const char* method,
                                         AuditFacts facts, Body&& body) {
  GuardedCall call(security_, *context, method);
  call.audit() = std::move(facts);
  return call.Run([&]() -> absl::Status {
    TranscriptsEngine* engine = engine_.Get();
    if (engine == nullptr) return absl::UnavailableError(kNotReadyMessage);
    return body(call, *engine);
  });
}

grpc::Status TranscriptsService::IssueTranscript(
    grpc::ServerContext* context, const transcripts_v1::IssueTranscriptRequest* request,
    transcripts_v1::Transcript* response) {
  AuditFacts facts{request->account_number(), request->request_id(),
                   static_cast<uint32_t>(request->entry_ids_size())};
  return Guarded(context, TRANSCRIPTS_METHOD(IssueTranscript), std::move(facts),
                 [&](GuardedCall& call, TranscriptsEngine& engine) -> absl::Status {
                   RETURN_IF_ERROR(call.CheckRow({"", request->account_number()}));
                   return Into(engine.Issue(*request), response);
                 });
}

grpc::Status TranscriptsService::GetTranscript(grpc::ServerContext* context,
                                               const transcripts_v1::GetTranscriptRequest* request,
                                               transcripts_v1::Transcript* response) {
  return Guarded(context, TRANSCRIPTS_METHOD(GetTranscript),
                 {absl::StrCat(request->number()), "", 0},
                 [&](GuardedCall& call, TranscriptsEngine& engine) -> absl::Status {
                   ASSIGN_OR_RETURN(transcripts_v1::Transcript transcript,
                                    engine.Get(request->number()));
                   RETURN_IF_ERROR(call.CheckRow({"", transcript.account_number()}));
                   *response = std::move(transcript);
                   return absl::OkStatus();
                 });
}

grpc::Status TranscriptsService::ListTranscripts(
    grpc::ServerContext* context, const transcripts_v1::ListTranscriptsRequest* request,
    transcripts_v1::ListTranscriptsResponse* response) {
  return Guarded(context, TRANSCRIPTS_METHOD(ListTranscripts), {request->account_number(), "", 0},
                 [&](GuardedCall& call, TranscriptsEngine& engine) -> absl::Status {
                   RETURN_IF_ERROR(call.CheckRow({"", request->account_number()}));
                   return Into(engine.List(*request), response);
                 });
}

grpc::Status TranscriptsService::RevokeTranscript(
    grpc::ServerContext* context, const transcripts_v1::RevokeTranscriptRequest* request,
    transcripts_v1::Transcript* response) {
  return Guarded(context, TRANSCRIPTS_METHOD(RevokeTranscript),
                 {absl::StrCat(request->number()), "", 1},
                 [&](GuardedCall& call, TranscriptsEngine& engine) -> absl::Status {
                   // The row is the transcript's account, checked before
                   // anything changes.
                   if (request->number() != 0) {
                     absl::StatusOr<transcripts_v1::Transcript> target =
                         engine.Get(request->number());
                     if (!target.ok()) return target.status();
                     RETURN_IF_ERROR(call.CheckRow({"", target->account_number()}));
                   }
                   return Into(engine.Revoke(*request), response);
                 });
}

grpc::Status TranscriptsService::GetJwks(grpc::ServerContext* context,
                                         const transcripts_v1::GetJwksRequest*,
                                         transcripts_v1::Jwks* response) {
  return Guarded(context, TRANSCRIPTS_METHOD(GetJwks), {"", "", 0},
                 [&](GuardedCall&, TranscriptsEngine& engine) {
                   return Into(engine.GetJwks(), response);
                 });
}

grpc::Status TranscriptsService::GetStatusList(grpc::ServerContext* context,
                                               const transcripts_v1::GetStatusListRequest* request,
                                               transcripts_v1::StatusList* response) {
  return Guarded(context, TRANSCRIPTS_METHOD(GetStatusList), {"", "", 0},
                 [&](GuardedCall&, TranscriptsEngine& engine) {
                   return Into(engine.GetStatusList(*request), response);
                 });
}

grpc::Status TranscriptsService::RotateSigningKey(
    grpc::ServerContext* context, const transcripts_v1::RotateSigningKeyRequest* request,
    transcripts_v1::Jwks* response) {
  return Guarded(context, TRANSCRIPTS_METHOD(RotateSigningKey), {"transcript signing key", "", 1},
                 [&](GuardedCall&, TranscriptsEngine& engine) {
                   return Into(engine.RotateSigningKey(*request), response);
                 });
}

}  // namespace creditbank::services
