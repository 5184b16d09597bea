// InstitutionService: creditbank.institutions.v1 over gRPC.
#ifndef CREDITBANK_SERVICES_INSTITUTION_SERVICE_H_
#define CREDITBANK_SERVICES_INSTITUTION_SERVICE_H_

#include "creditbank/institutions/v1/institutions.grpc.pb.h"
#include "services/core_handle.h"

namespace creditbank::services {

namespace institutions_v1 = ::creditbank::institutions::v1;

class InstitutionService final : public institutions_v1::InstitutionService::Service {
 public:
  explicit InstitutionService(const CoreHandle& core) : core_(core) {}

  grpc::Status RegisterInstitution(grpc::ServerContext*,
                                   const institutions_v1::RegisterInstitutionRequest* request,
                                   institutions_v1::Institution* response) override;
  grpc::Status AccreditInstitution(grpc::ServerContext*,
                                   const institutions_v1::AccreditInstitutionRequest* request,
                                   institutions_v1::Institution* response) override;
  grpc::Status SuspendInstitution(grpc::ServerContext*,
                                  const institutions_v1::ChangeInstitutionStatusRequest* request,
                                  institutions_v1::Institution* response) override;
  grpc::Status ReinstateInstitution(
      grpc::ServerContext*, const institutions_v1::ChangeInstitutionStatusRequest* request,
      institutions_v1::Institution* response) override;
  grpc::Status GetInstitution(grpc::ServerContext*,
                              const institutions_v1::GetInstitutionRequest* request,
                              institutions_v1::Institution* response) override;
  grpc::Status ListInstitutions(grpc::ServerContext*,
                                const institutions_v1::ListInstitutionsRequest* request,
                                institutions_v1::ListInstitutionsResponse* response) override;

 private:
  const CoreHandle& core_;
};

}  // namespace creditbank::services

#endif  // CREDITBANK_SERVICES_INSTITUTION_SERVICE_H_
