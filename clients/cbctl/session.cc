#include "clients/cbctl/session.h"

#include "common/status_macros.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace creditbank::cbctl {

absl::Status Session::Connect() {
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::ChannelCredentials> credentials,
                   services::MakeChannelCredentials(options_.tls));
  // One channel (one connection) for every client: same server, same
  // credentials and deadline.
  std::shared_ptr<grpc::Channel> channel = grpc::CreateChannel(options_.server, credentials);
  core_ = std::make_unique<services::GrpcCoreClient>(channel, timeout(), options_.learner_token);
  rules_ = std::make_unique<services::GrpcRulesClient>(channel, timeout(), options_.learner_token);
  log_ = std::make_unique<services::GrpcLogClient>(channel, timeout(), options_.learner_token);
  transcripts_ = std::make_unique<services::GrpcTranscriptsClient>(channel, timeout(),
                                                                   options_.learner_token);
  return absl::OkStatus();
}

}  // namespace creditbank::cbctl
