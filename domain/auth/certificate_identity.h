// CallerFromCertificate: the caller a verified client certificate names.
// The TLS handshake has already checked the chain against the bank's CA;
// this reads who the certificate is for. Certificates made by
// deploy/tls/make-client-cert.sh carry the role in the subject's
// organizational unit and the name in its common name:
//   /O=Credit Bank/OU=institution/CN=CQ001   -> institution CQ001
//   /O=Credit Bank/OU=operator/CN=王芳       -> operator 王芳
//   /O=Credit Bank/OU=service/CN=rules-1     -> service rules-1
//
//   ASSIGN_OR_RETURN(Caller caller, CallerFromCertificate(pem));
#ifndef CREDITBANK_DOMAIN_AUTH_CERTIFICATE_IDENTITY_H_
#define CREDITBANK_DOMAIN_AUTH_CERTIFICATE_IDENTITY_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "domain/auth/caller.h"

namespace creditbank::domain {

// UNAUTHENTICATED when the PEM does not parse, the subject has not exactly
// one OU and one CN, the OU is not a client role (a server certificate is
// not a client identity), or an institution's CN is not an institution code.
absl::StatusOr<Caller> CallerFromCertificate(absl::string_view pem);

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_AUTH_CERTIFICATE_IDENTITY_H_
