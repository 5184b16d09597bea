#include "services/channel_credentials.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace creditbank::services {

absl::StatusOr<std::string> ReadPemFile(const std::string& path, const std::string& what,
                                        bool secret) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(what, ": cannot read ", path));
  }
  if (secret && (info.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        what, ": ", path, " may be read by group or others; chmod 600 ", path));
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  if (!in || contents.str().empty()) {
    return absl::FailedPreconditionError(absl::StrCat(what, ": cannot read ", path));
  }
  return contents.str();
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const ClientTlsFiles& files) {
  if (files.certificate.empty() != files.private_key.empty()) {
    return absl::InvalidArgumentError("--tls_cert and --tls_key go together");
  }
  if (files.ca.empty()) {
    if (!files.certificate.empty()) {
      return absl::InvalidArgumentError("a client certificate needs --tls_ca (the bank's CA)");
    }
    return grpc::InsecureChannelCredentials();
  }
  grpc::SslCredentialsOptions ssl;
  ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadPemFile(files.ca, "--tls_ca", false));
  if (!files.certificate.empty()) {
    ASSIGN_OR_RETURN(ssl.pem_cert_chain, ReadPemFile(files.certificate, "--tls_cert", false));
    ASSIGN_OR_RETURN(ssl.pem_private_key, ReadPemFile(files.private_key, "--tls_key", true));
  }
  return grpc::SslCredentials(ssl);
}

}  // namespace creditbank::services
