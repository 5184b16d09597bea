// GrpcTranscriptsClient: creditbank.transcripts.v1 and
// creditbank.verification.v1 over a gRPC channel, for cbctl, the tests, and
// a verification process reading a transcripts process's published state
// (as a domain::TranscriptPublisher).
//
//   GrpcTranscriptsClient transcripts(channel, absl::Seconds(30));
//   ASSIGN_OR_RETURN(transcripts::v1::Jwks jwks, transcripts.GetJwks());
#ifndef CREDITBANK_SERVICES_GRPC_TRANSCRIPTS_CLIENT_H_
#define CREDITBANK_SERVICES_GRPC_TRANSCRIPTS_CLIENT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "creditbank/transcripts/v1/transcripts.grpc.pb.h"
#include "creditbank/verification/v1/verification.grpc.pb.h"
#include "domain/transcript_publisher.h"
#include "grpcpp/channel.h"

namespace creditbank::services {

class GrpcTranscriptsClient final : public domain::TranscriptPublisher {
 public:
  // `bearer_token`: a learner token sent with every call; empty for callers
  // identified by their certificate, and for anonymous ones.
  GrpcTranscriptsClient(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline,
                        std::string bearer_token = "");

  absl::StatusOr<transcripts::v1::Transcript> IssueTranscript(
      const transcripts::v1::IssueTranscriptRequest& request) const;
  absl::StatusOr<transcripts::v1::Transcript> GetTranscript(
      const transcripts::v1::GetTranscriptRequest& request) const;
  absl::StatusOr<transcripts::v1::ListTranscriptsResponse> ListTranscripts(
      const transcripts::v1::ListTranscriptsRequest& request) const;
  absl::StatusOr<transcripts::v1::Transcript> RevokeTranscript(
      const transcripts::v1::RevokeTranscriptRequest& request) const;
  absl::StatusOr<transcripts::v1::Jwks> GetJwks() const override;
  absl::StatusOr<transcripts::v1::StatusList> GetStatusList(
      const transcripts::v1::GetStatusListRequest& request) const override;
  absl::StatusOr<transcripts::v1::Jwks> RotateSigningKey(
      const transcripts::v1::RotateSigningKeyRequest& request) const;
  absl::StatusOr<verification::v1::VerificationReport> VerifyTranscript(
      const verification::v1::VerifyTranscriptRequest& request) const;

 private:
  const absl::Duration deadline_;
  const std::string bearer_token_;
  std::unique_ptr<transcripts::v1::TranscriptService::Stub> stub_;
  std::unique_ptr<verification::v1::VerificationService::Stub> verification_stub_;
};

}  // namespace creditbank::services

#endif  // CREDITBANK_SERVICES_GRPC_TRANSCRIPTS_CLIENT_H_
