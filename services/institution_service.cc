#include "services/institution_service.h"

namespace creditbank::services {

using domain::CoreClient;

namespace {
constexpr char kRegister[] = "/creditbank.institutions.v1.InstitutionService/RegisterInstitution";
constexpr char kAccredit[] = "/creditbank.institutions.v1.InstitutionService/AccreditInstitution";
constexpr char kSuspend[] = "/creditbank.institutions.v1.InstitutionService/SuspendInstitution";
constexpr char kReinstate[] =
    "/creditbank.institutions.v1.InstitutionService/ReinstateInstitution";
constexpr char kGet[] = "/creditbank.institutions.v1.InstitutionService/GetInstitution";
constexpr char kList[] = "/creditbank.institutions.v1.InstitutionService/ListInstitutions";
}  // namespace

// Every institution RPC acts on the institution its request names; the
// registry is public information, so there are no row-level rules here.
template <typename Request, typename Response>
grpc::Status InstitutionService::Guarded(
    grpc::ServerContext* context, const char* method,
    absl::StatusOr<Response> (CoreClient::*call_core)(const Request&), const Request& request,
    Response* response, std::string target) {
  GuardedCall call(security_, *context, method);
  call.audit().target = std::move(target);
  return call.Run(
      [&]() -> absl::Status { return AnswerInto(core_, call_core, request, response); });
}

grpc::Status InstitutionService::RegisterInstitution(
    grpc::ServerContext* context, const institutions_v1::RegisterInstitutionRequest* request,
    institutions_v1::Institution* response) {
  return Guarded(context, kRegister, &CoreClient::RegisterInstitution, *request, response,
                 request->code());
}

grpc::Status InstitutionService::AccreditInstitution(
    grpc::ServerContext* context, const institutions_v1::AccreditInstitutionRequest* request,
    institutions_v1::Institution* response) {
  return Guarded(context, kAccredit, &CoreClient::AccreditInstitution, *request, response,
                 request->code());
}

grpc::Status InstitutionService::SuspendInstitution(
    grpc::ServerContext* context, const institutions_v1::ChangeInstitutionStatusRequest* request,
    institutions_v1::Institution* response) {
  return Guarded(context, kSuspend, &CoreClient::SuspendInstitution, *request, response,
                 request->code());
}

grpc::Status InstitutionService::ReinstateInstitution(
    grpc::ServerContext* context, const institutions_v1::ChangeInstitutionStatusRequest* request,
    institutions_v1::Institution* response) {
  return Guarded(context, kReinstate, &CoreClient::ReinstateInstitution, *request, response,
                 request->code());
}

grpc::Status InstitutionService::GetInstitution(
    grpc::ServerContext* context, const institutions_v1::GetInstitutionRequest* request,
    institutions_v1::Institution* response) {
  return Guarded(context, kGet, &CoreClient::GetInstitution, *request, response, request->code());
}

grpc::Status InstitutionService::ListInstitutions(
    grpc::ServerContext* context, const institutions_v1::ListInstitutionsRequest* request,
    institutions_v1::ListInstitutionsResponse* response) {
  return Guarded(context, kList, &CoreClient::ListInstitutions, *request, response, "");
}

}  // namespace creditbank::services
