#include "services/institution_service.h"

namespace creditbank::services {

using domain::CoreClient;

grpc::Status InstitutionService::RegisterInstitution(
    grpc::ServerContext*, const institutions_v1::RegisterInstitutionRequest* request,
    institutions_v1::Institution* response) {
  return Answer(core_, &CoreClient::RegisterInstitution, *request, response);
}

grpc::Status InstitutionService::AccreditInstitution(
    grpc::ServerContext*, const institutions_v1::AccreditInstitutionRequest* request,
    institutions_v1::Institution* response) {
  return Answer(core_, &CoreClient::AccreditInstitution, *request, response);
}

grpc::Status InstitutionService::SuspendInstitution(
    grpc::ServerContext*, const institutions_v1::ChangeInstitutionStatusRequest* request,
    institutions_v1::Institution* response) {
  return Answer(core_, &CoreClient::SuspendInstitution, *request, response);
}

grpc::Status InstitutionService::ReinstateInstitution(
    grpc::ServerContext*, const institutions_v1::ChangeInstitutionStatusRequest* request,
    institutions_v1::Institution* response) {
  return Answer(core_, &CoreClient::ReinstateInstitution, *request, response);
}

grpc::Status InstitutionService::GetInstitution(
    grpc::ServerContext*, const institutions_v1::GetInstitutionRequest* request,
    institutions_v1::Institution* response) {
  return Answer(core_, &CoreClient::GetInstitution, *request, response);
}

grpc::Status InstitutionService::ListInstitutions(
    grpc::ServerContext*, const institutions_v1::ListInstitutionsRequest* request,
    institutions_v1::ListInstitutionsResponse* response) {
  return Answer(core_, &CoreClient::ListInstitutions, *request, response);
}

}  // namespace creditbank::services
