#include "services/status_conversion.h"

#include <string>

#include "domain/errors.h"
#include "google/rpc/status.pb.h"

namespace creditbank::services {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  google::rpc::Status details = domain::ToRpcStatus(status);
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()), details.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  google::rpc::Status details;
  if (!status.error_details().empty() && details.ParseFromString(status.error_details()) &&
      details.code() == static_cast<int>(status.error_code())) {
    return domain::FromRpcStatus(details);
  }
  const int code = static_cast<int>(status.error_code());
  return absl::Status(code >= 1 && code <= 16 ? static_cast<absl::StatusCode>(code)
                                              : absl::StatusCode::kUnknown,
                      status.error_message());
}

}  // namespace creditbank::services
