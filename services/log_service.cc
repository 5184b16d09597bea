#include "services/log_service.h"

#include <utility>

#include "common/status_macros.h"
#include "services/core_handle.h"

namespace creditbank::services {
namespace {

constexpr char kGetCheckpoint[] = "/creditbank.log.v1.LogService/GetCheckpoint";
constexpr char kGetInclusionProof[] = "/creditbank.log.v1.LogService/GetInclusionProof";
constexpr char kGetConsistencyProof[] = "/creditbank.log.v1.LogService/GetConsistencyProof";

}  // namespace

grpc::Status LogService::GetCheckpoint(grpc::ServerContext* context,
                                       const log_v1::GetCheckpointRequest*,
                                       log_v1::Checkpoint* response) {
  GuardedCall call(security_, *context, kGetCheckpoint);
  return call.Run([&]() -> absl::Status {
    ASSIGN_OR_RETURN(domain::Core * core, security_.LocalCore());
    return Into(core->log().GetCheckpoint(), response);
  });
}

grpc::Status LogService::GetInclusionProof(grpc::ServerContext* context,
                                           const log_v1::GetInclusionProofRequest* request,
                                           log_v1::InclusionProof* response) {
  GuardedCall call(security_, *context, kGetInclusionProof);
  return call.Run([&]() -> absl::Status {
    ASSIGN_OR_RETURN(domain::Core * core, security_.LocalCore());
    // The leaf is the entry: only who may read the entry gets its proof,
    // checked before any proof work is done for the caller.
    if (request->entry_id() != 0) {
      ledger::v1::GetEntryRequest lookup;
      lookup.set_entry_id(request->entry_id());
      absl::StatusOr<ledger::v1::Entry> entry = core->GetEntry(lookup);
      if (entry.ok()) {
        RETURN_IF_ERROR(
            call.CheckRow({entry->institution_code(), entry->outcome().account_number()}));
      } else if (entry.status().code() != absl::StatusCode::kNotFound) {
        return entry.status();
      }
    }
    return Into(core->log().GetInclusionProof(*request), response);
  });
}

grpc::Status LogService::GetConsistencyProof(grpc::ServerContext* context,
                                             const log_v1::GetConsistencyProofRequest* request,
                                             log_v1::ConsistencyProof* response) {
  GuardedCall call(security_, *context, kGetConsistencyProof);
  return call.Run([&]() -> absl::Status {
    ASSIGN_OR_RETURN(domain::Core * core, security_.LocalCore());
    return Into(core->log().GetConsistencyProof(*request), response);
  });
}

}  // namespace creditbank::services
