// MakeChannelCredentials: how a client (cbctl, cbbench, a service process
// reaching the core) connects: mTLS with its certificate from the bank's
// CA, TLS alone (a learner, who sends a bearer token instead), or
// plaintext to a development server on loopback.
//
//   ClientTlsFiles files{.ca = "tls/ca.crt", .certificate = "tls/operator-王芳.crt",
//                        .private_key = "tls/operator-王芳.key"};
//   ASSIGN_OR_RETURN(auto credentials, MakeChannelCredentials(files));
//   auto channel = grpc::CreateChannel("bank.example:50051", credentials);
#ifndef CREDITBANK_SERVICES_CHANNEL_CREDENTIALS_H_
#define CREDITBANK_SERVICES_CHANNEL_CREDENTIALS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/security/credentials.h"

namespace creditbank::services {

struct ClientTlsFiles {
  std::string ca;           // the bank's CA certificate; empty: plaintext
  std::string certificate;  // the client's certificate (with --tls_key), optional
  std::string private_key;
};

// INVALID_ARGUMENT when a certificate comes without its key (or the other
// way round) or without a CA; FAILED_PRECONDITION when a file cannot be
// read or a private key is readable by group or others.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const ClientTlsFiles& files);

// Reads a PEM file; `secret` files must not be readable by group or others.
absl::StatusOr<std::string> ReadPemFile(const std::string& path, const std::string& what,
                                        bool secret);

}  // namespace creditbank::services

#endif  // CREDITBANK_SERVICES_CHANNEL_CREDENTIALS_H_
