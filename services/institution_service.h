// InstitutionService: creditbank.institutions.v1 over gRPC.
#ifndef CREDITBANK_SERVICES_INSTITUTION_SERVICE_H_
#define CREDITBANK_SERVICES_INSTITUTION_SERVICE_H_

#include "creditbank/institutions/v1/institutions.grpc.pb.h"
#include <string>

#include "services/call_guard.h"
#include "services/core_handle.h"

namespace creditbank::services {

namespace institutions_v1 = ::creditbank::institutions::v1;

class InstitutionService final : public institutions_v1::InstitutionService::Service {
 public:
  InstitutionService(const CoreHandle& core, const Security& security)
      : core_(core), security_(security) {}

  grpc::Status RegisterInstitution(grpc::ServerContext* context,
                                   const institutions_v1::RegisterInstitutionRequest* request,
                                   institutions_v1::Institution* response) override;
  grpc::Status AccreditInstitution(grpc::ServerContext* context,
                                   const institutions_v1::AccreditInstitutionRequest* request,
                                   institutions_v1::Institution* response) override;
  grpc::Status SuspendInstitution(grpc::ServerContext* context,
                                  const institutions_v1::ChangeInstitutionStatusRequest* request,
                                  institutions_v1::Institution* response) override;
  grpc::Status ReinstateInstitution(
      grpc::ServerContext* context, const institutions_v1::ChangeInstitutionStatusRequest* request,
      institutions_v1::Institution* response) override;
  grpc::Status GetInstitution(grpc::ServerContext* context,
                              const institutions_v1::GetInstitutionRequest* request,
                              institutions_v1::Institution* response) override;
  grpc::Status ListInstitutions(grpc::ServerContext* context,
                                const institutions_v1::ListInstitutionsRequest* request,
                                institutions_v1::ListInstitutionsResponse* response) override;

 private:
  template <typename Request, typename Response>
  grpc::Status Guarded(grpc::ServerContext* context, const char* method,
                       absl::StatusOr<Response> (domain::CoreClient::*call_core)(const Request&),
                       const Request& request, Response* response, std::string target);

  const CoreHandle& core_;
  const Security& security_;
};

}  // namespace creditbank::services

#endif  // CREDITBANK_SERVICES_INSTITUTION_SERVICE_H_
