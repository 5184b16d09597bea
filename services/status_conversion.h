// The one place absl::Status becomes grpc::Status, and back (for clients).
// Codes map one to one (absl's codes are gRPC's); the details travel as a
// serialized google.rpc.Status in the grpc-status-details-bin trailer, the
// standard "richer error model", so any gRPC client can read the
// google.rpc.BadRequest field violations.
#ifndef CREDITBANK_SERVICES_STATUS_CONVERSION_H_
#define CREDITBANK_SERVICES_STATUS_CONVERSION_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace creditbank::services {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace creditbank::services

#endif  // CREDITBANK_SERVICES_STATUS_CONVERSION_H_
