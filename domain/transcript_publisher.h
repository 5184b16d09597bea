// TranscriptPublisher: what the transcripts service publishes to everyone —
// its JWK Set and its status lists — as the verification service reads it:
// from the TranscriptsEngine in process, or over gRPC from a transcripts
// process (services::GrpcTranscriptsClient).
#ifndef CREDITBANK_DOMAIN_TRANSCRIPT_PUBLISHER_H_
#define CREDITBANK_DOMAIN_TRANSCRIPT_PUBLISHER_H_

#include "absl/status/statusor.h"
#include "creditbank/transcripts/v1/transcripts.pb.h"

namespace creditbank::domain {

class TranscriptPublisher {
 public:
  virtual ~TranscriptPublisher() = default;
  virtual absl::StatusOr<::creditbank::transcripts::v1::Jwks> GetJwks() const = 0;
  virtual absl::StatusOr<::creditbank::transcripts::v1::StatusList> GetStatusList(
      const ::creditbank::transcripts::v1::GetStatusListRequest& request) const = 0;
};

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_TRANSCRIPT_PUBLISHER_H_
