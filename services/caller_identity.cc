#include "services/caller_identity.h"

#include <string>

#include "absl/strings/match.h"
#include "common/status_macros.h"
#include "domain/auth/certificate_identity.h"
#include "grpcpp/security/auth_context.h"

namespace creditbank::services {
namespace {

constexpr absl::string_view kBearerPrefix = "Bearer ";
// gRPC's auth context property with the verified peer certificate.
constexpr char kPeerCertificateProperty[] = "x509_pem_cert";

}  // namespace

absl::StatusOr<domain::Caller> CallerIdentifier::Identify(
    const grpc::ServerContext& context) const {
  const auto& metadata = context.client_metadata();
  const auto authorization = metadata.find(kAuthorizationMetadata);
  const bool has_token = authorization != metadata.end();

  std::string certificate;
  if (tls_) {
    std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
    if (auth != nullptr) {
      std::vector<grpc::string_ref> values = auth->FindPropertyValues(kPeerCertificateProperty);
      if (!values.empty()) certificate.assign(values.front().data(), values.front().size());
    }
  }
  if (!certificate.empty() && has_token) {
    return absl::UnauthenticatedError(
        "present either a client certificate or a learner token, not both");
  }
  if (!certificate.empty()) return domain::CallerFromCertificate(certificate);
  if (has_token) {
    const absl::string_view value(authorization->second.data(), authorization->second.size());
    if (!absl::StartsWith(value, kBearerPrefix)) {
      return absl::UnauthenticatedError("the authorization header must be 'Bearer <token>'");
    }
    if (tokens_ == nullptr) return absl::UnauthenticatedError("this server takes no learner tokens");
    ASSIGN_OR_RETURN(domain::LearnerTokenClaims claims,
                     tokens_->Verify(value.substr(kBearerPrefix.size()), clock_));
    domain::Caller caller;
    caller.role = domain::Role::kLearner;
    caller.name = claims.account_number;
    caller.account_number = claims.account_number;
    return caller;
  }
  return tls_ ? domain::Caller::Anonymous() : domain::Caller::Development();
}

}  // namespace creditbank::services
