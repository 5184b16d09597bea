#include "services/grpc_core_client.h"

#include <chrono>

#include "grpcpp/client_context.h"
#include "services/unary_call.h"

namespace creditbank::services {

namespace accounts_v1 = ::creditbank::accounts::v1;
namespace institutions_v1 = ::creditbank::institutions::v1;
namespace ledger_v1 = ::creditbank::ledger::v1;

namespace admin_v1 = ::creditbank::admin::v1;

GrpcCoreClient::GrpcCoreClient(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline,
                               std::string bearer_token)
    : deadline_(deadline),
      bearer_token_(std::move(bearer_token)),
      accounts_(accounts_v1::AccountService::NewStub(channel)),
      institutions_(institutions_v1::InstitutionService::NewStub(channel)),
      ledger_(ledger_v1::LedgerService::NewStub(channel)),
      admin_(admin_v1::AdminService::NewStub(channel)) {}

void GrpcCoreClient::AddCredentials(grpc::ClientContext& context) const {
  AddBearerToken(bearer_token_, context);
}

template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> GrpcCoreClient::Call(
    Stub& stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    const Request& request) {
  return UnaryCall(deadline_, bearer_token_, stub, method, request);
}

absl::StatusOr<accounts_v1::OpenAccountResponse> GrpcCoreClient::OpenAccount(
    const accounts_v1::OpenAccountRequest& request) {
  return Call(*accounts_, &accounts_v1::AccountService::Stub::OpenAccount, request);
}
absl::StatusOr<accounts_v1::Account> GrpcCoreClient::GetAccount(
    const accounts_v1::GetAccountRequest& request) {
  return Call(*accounts_, &accounts_v1::AccountService::Stub::GetAccount, request);
}
absl::StatusOr<accounts_v1::Account> GrpcCoreClient::FreezeAccount(
    const accounts_v1::ChangeAccountStatusRequest& request) {
  return Call(*accounts_, &accounts_v1::AccountService::Stub::FreezeAccount, request);
}
absl::StatusOr<accounts_v1::Account> GrpcCoreClient::UnfreezeAccount(
    const accounts_v1::ChangeAccountStatusRequest& request) {
  return Call(*accounts_, &accounts_v1::AccountService::Stub::UnfreezeAccount, request);
}
absl::StatusOr<accounts_v1::Account> GrpcCoreClient::CloseAccount(
    const accounts_v1::ChangeAccountStatusRequest& request) {
  return Call(*accounts_, &accounts_v1::AccountService::Stub::CloseAccount, request);
}

absl::StatusOr<institutions_v1::Institution> GrpcCoreClient::RegisterInstitution(
    const institutions_v1::RegisterInstitutionRequest& request) {
  return Call(*institutions_, &institutions_v1::InstitutionService::Stub::RegisterInstitution,
              request);
}
absl::StatusOr<institutions_v1::Institution> GrpcCoreClient::AccreditInstitution(
    const institutions_v1::AccreditInstitutionRequest& request) {
  return Call(*institutions_, &institutions_v1::InstitutionService::Stub::AccreditInstitution,
              request);
}
absl::StatusOr<institutions_v1::Institution> GrpcCoreClient::SuspendInstitution(
    const institutions_v1::ChangeInstitutionStatusRequest& request) {
  return Call(*institutions_, &institutions_v1::InstitutionService::Stub::SuspendInstitution,
              request);
}
absl::StatusOr<institutions_v1::Institution> GrpcCoreClient::ReinstateInstitution(
    const institutions_v1::ChangeInstitutionStatusRequest& request) {
  return Call(*institutions_, &institutions_v1::InstitutionService::Stub::ReinstateInstitution,
              request);
}
absl::StatusOr<institutions_v1::Institution> GrpcCoreClient::GetInstitution(
    const institutions_v1::GetInstitutionRequest& request) {
  return Call(*institutions_, &institutions_v1::InstitutionService::Stub::GetInstitution,
              request);
}
absl::StatusOr<institutions_v1::ListInstitutionsResponse> GrpcCoreClient::ListInstitutions(
    const institutions_v1::ListInstitutionsRequest& request) {
  return Call(*institutions_, &institutions_v1::InstitutionService::Stub::ListInstitutions,
              request);
}

absl::StatusOr<ledger_v1::RecordOutcomeResponse> GrpcCoreClient::RecordOutcome(
    const ledger_v1::RecordOutcomeRequest& request) {
  return Call(*ledger_, &ledger_v1::LedgerService::Stub::RecordOutcome, request);
}
absl::StatusOr<ledger_v1::RecordOutcomesResponse> GrpcCoreClient::RecordOutcomes(
    const ledger_v1::RecordOutcomesRequest& request) {
  return Call(*ledger_, &ledger_v1::LedgerService::Stub::RecordOutcomes, request);
}
absl::StatusOr<ledger_v1::RecordOutcomeResponse> GrpcCoreClient::ReverseEntry(
    const ledger_v1::ReverseEntryRequest& request) {
  return Call(*ledger_, &ledger_v1::LedgerService::Stub::ReverseEntry, request);
}
absl::StatusOr<ledger_v1::Entry> GrpcCoreClient::GetEntry(
    const ledger_v1::GetEntryRequest& request) {
  return Call(*ledger_, &ledger_v1::LedgerService::Stub::GetEntry, request);
}
absl::StatusOr<ledger_v1::ListEntriesResponse> GrpcCoreClient::ListEntries(
    const ledger_v1::ListEntriesRequest& request) {
  return Call(*ledger_, &ledger_v1::LedgerService::Stub::ListEntries, request);
}
absl::StatusOr<ledger_v1::GetBalancesResponse> GrpcCoreClient::GetBalances(
    const ledger_v1::GetBalancesRequest& request) {
  return Call(*ledger_, &ledger_v1::LedgerService::Stub::GetBalances, request);
}
absl::StatusOr<ledger_v1::CheckConsistencyResponse> GrpcCoreClient::CheckConsistency(
    const ledger_v1::CheckConsistencyRequest& request) {
  return Call(*ledger_, &ledger_v1::LedgerService::Stub::CheckConsistency, request);
}

absl::StatusOr<admin_v1::IssueLearnerTokenResponse> GrpcCoreClient::IssueLearnerToken(
    const admin_v1::IssueLearnerTokenRequest& request) {
  return Call(*admin_, &admin_v1::AdminService::Stub::IssueLearnerToken, request);
}
absl::StatusOr<admin_v1::QueryAuditResponse> GrpcCoreClient::QueryAudit(
    const admin_v1::QueryAuditRequest& request) {
  return Call(*admin_, &admin_v1::AdminService::Stub::QueryAudit, request);
}
absl::StatusOr<admin_v1::Backup> GrpcCoreClient::CreateBackup(
    const admin_v1::CreateBackupRequest& request) {
  return Call(*admin_, &admin_v1::AdminService::Stub::CreateBackup, request);
}
absl::StatusOr<admin_v1::ListBackupsResponse> GrpcCoreClient::ListBackups(
    const admin_v1::ListBackupsRequest& request) {
  return Call(*admin_, &admin_v1::AdminService::Stub::ListBackups, request);
}
absl::StatusOr<admin_v1::ReencryptPersonalDetailsResponse>
GrpcCoreClient::ReencryptPersonalDetails(
    const admin_v1::ReencryptPersonalDetailsRequest& request) {
  return Call(*admin_, &admin_v1::AdminService::Stub::ReencryptPersonalDetails, request);
}
absl::StatusOr<admin_v1::WhoAmIResponse> GrpcCoreClient::WhoAmI(
    const admin_v1::WhoAmIRequest& request) {
  return Call(*admin_, &admin_v1::AdminService::Stub::WhoAmI, request);
}

}  // namespace creditbank::services
