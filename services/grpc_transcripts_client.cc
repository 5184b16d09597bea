#include "services/grpc_transcripts_client.h"

#include <utility>

#include "services/unary_call.h"

namespace creditbank::services {

using Stub = transcripts::v1::TranscriptService::Stub;
using VerificationStub = verification::v1::VerificationService::Stub;

GrpcTranscriptsClient::GrpcTranscriptsClient(std::shared_ptr<grpc::Channel> channel,
                                             absl::Duration deadline, std::string bearer_token)
    : deadline_(deadline),
      bearer_token_(std::move(bearer_token)),
      stub_(transcripts::v1::TranscriptService::NewStub(channel)),
      verification_stub_(verification::v1::VerificationService::NewStub(channel)) {}

absl::StatusOr<transcripts::v1::Transcript> GrpcTranscriptsClient::IssueTranscript(
    const transcripts::v1::IssueTranscriptRequest& request) const {
  return UnaryCall(deadline_, bearer_token_, *stub_, &Stub::IssueTranscript, request);
}

absl::StatusOr<transcripts::v1::Transcript> GrpcTranscriptsClient::GetTranscript(
    const transcripts::v1::GetTranscriptRequest& request) const {
  return UnaryCall(deadline_, bearer_token_, *stub_, &Stub::GetTranscript, request);
}

absl::StatusOr<transcripts::v1::ListTranscriptsResponse> GrpcTranscriptsClient::ListTranscripts(
    const transcripts::v1::ListTranscriptsRequest& request) const {
  return UnaryCall(deadline_, bearer_token_, *stub_, &Stub::ListTranscripts, request);
}

absl::StatusOr<transcripts::v1::Transcript> GrpcTranscriptsClient::RevokeTranscript(
    const transcripts::v1::RevokeTranscriptRequest& request) const {
  return UnaryCall(deadline_, bearer_token_, *stub_, &Stub::RevokeTranscript, request);
}

absl::StatusOr<transcripts::v1::Jwks> GrpcTranscriptsClient::GetJwks() const {
  return UnaryCall(deadline_, bearer_token_, *stub_, &Stub::GetJwks,
                   transcripts::v1::GetJwksRequest());
}

absl::StatusOr<transcripts::v1::StatusList> GrpcTranscriptsClient::GetStatusList(
    const transcripts::v1::GetStatusListRequest& request) const {
  return UnaryCall(deadline_, bearer_token_, *stub_, &Stub::GetStatusList, request);
}

absl::StatusOr<transcripts::v1::Jwks> GrpcTranscriptsClient::RotateSigningKey(
    const transcripts::v1::RotateSigningKeyRequest& request) const {
  return UnaryCall(deadline_, bearer_token_, *stub_, &Stub::RotateSigningKey, request);
}

absl::StatusOr<verification::v1::VerificationReport> GrpcTranscriptsClient::VerifyTranscript(
    const verification::v1::VerifyTranscriptRequest& request) const {
  return UnaryCall(deadline_, bearer_token_, *verification_stub_,
                   &VerificationStub::VerifyTranscript, request);
}

}  // namespace creditbank::services
