// CallerIdentifier: who is calling, from what gRPC verified — the client
// certificate of an mTLS connection, or a learner's bearer token — and
// never from request fields.
//
//   CallerIdentifier identifier(/*tls=*/true, &token_verifier, clock);
//   ASSIGN_OR_RETURN(domain::Caller caller, identifier.Identify(*context));
#ifndef CREDITBANK_SERVICES_CALLER_IDENTITY_H_
#define CREDITBANK_SERVICES_CALLER_IDENTITY_H_

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "domain/auth/caller.h"
#include "domain/auth/learner_token.h"
#include "grpcpp/server_context.h"

namespace creditbank::services {

// The metadata key of learner tokens: "authorization: Bearer <token>".
inline constexpr char kAuthorizationMetadata[] = "authorization";

class CallerIdentifier {
 public:
  // `tls`: the server requires TLS and verifies client certificates; when
  // false (plaintext development mode, loopback only), a call without a
  // token is the development role, which may do everything.
  CallerIdentifier(bool tls, const domain::LearnerTokenVerifier* tokens, const Clock& clock)
      : tls_(tls), tokens_(tokens), clock_(clock) {}

  // UNAUTHENTICATED for a bad, expired or foreign token, for a certificate
  // that names no client role, and for a call that presents both a
  // certificate and a token (one identity per call). An anonymous caller
  // (TLS, neither) is not an error here: the policy refuses it.
  absl::StatusOr<domain::Caller> Identify(const grpc::ServerContext& context) const;

 private:
  const bool tls_;
  const domain::LearnerTokenVerifier* const tokens_;
  const Clock& clock_;
};

}  // namespace creditbank::services

#endif  // CREDITBANK_SERVICES_CALLER_IDENTITY_H_
