#include "clients/cbctl/session.h"

#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace creditbank::cbctl {

services::GrpcCoreClient& Session::core() {
  if (!core_) {
    // Plaintext, as creditbankd serves today (development mode); mTLS
    // flags belong here once the server takes certificates.
    core_ = std::make_unique<services::GrpcCoreClient>(
        grpc::CreateChannel(options_.server, grpc::InsecureChannelCredentials()), timeout());
  }
  return *core_;
}

}  // namespace creditbank::cbctl
