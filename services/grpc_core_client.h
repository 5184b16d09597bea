// GrpcCoreClient: domain::CoreClient over gRPC, for processes that reach
// the core in another process (and for cbctl). Errors come back as
// absl::Status with the same google.rpc details the core produced.
//
//   auto channel = grpc::CreateChannel("127.0.0.1:50051",
//                                      grpc::InsecureChannelCredentials());
//   GrpcCoreClient core(channel);
//   ASSIGN_OR_RETURN(auto entry, core.GetEntry(request));
#ifndef CREDITBANK_SERVICES_GRPC_CORE_CLIENT_H_
#define CREDITBANK_SERVICES_GRPC_CORE_CLIENT_H_

#include <memory>

#include "absl/time/time.h"
#include <string>

#include "creditbank/accounts/v1/accounts.grpc.pb.h"
#include "creditbank/admin/v1/admin.grpc.pb.h"
#include "creditbank/institutions/v1/institutions.grpc.pb.h"
#include "creditbank/ledger/v1/ledger.grpc.pb.h"
#include "domain/core_client.h"
#include "grpcpp/channel.h"

namespace creditbank::services {

// A call that takes longer fails DEADLINE_EXCEEDED; writes are idempotent
// on their request ids, so the caller may retry.
inline constexpr absl::Duration kDefaultCallDeadline = absl::Seconds(30);

class GrpcCoreClient : public domain::CoreClient {
 public:
  // `bearer_token`: a learner token sent with every call
  // ("authorization: Bearer ..."); empty for certificate callers.
  explicit GrpcCoreClient(std::shared_ptr<grpc::Channel> channel,
                          absl::Duration deadline = kDefaultCallDeadline,
                          std::string bearer_token = "");

  absl::StatusOr<accounts::v1::OpenAccountResponse> OpenAccount(
      const accounts::v1::OpenAccountRequest& request) override;
  absl::StatusOr<accounts::v1::Account> GetAccount(
      const accounts::v1::GetAccountRequest& request) override;
  absl::StatusOr<accounts::v1::Account> FreezeAccount(
      const accounts::v1::ChangeAccountStatusRequest& request) override;
  absl::StatusOr<accounts::v1::Account> UnfreezeAccount(
      const accounts::v1::ChangeAccountStatusRequest& request) override;
  absl::StatusOr<accounts::v1::Account> CloseAccount(
      const accounts::v1::ChangeAccountStatusRequest& request) override;

  absl::StatusOr<institutions::v1::Institution> RegisterInstitution(
      const institutions::v1::RegisterInstitutionRequest& request) override;
  absl::StatusOr<institutions::v1::Institution> AccreditInstitution(
      const institutions::v1::AccreditInstitutionRequest& request) override;
  absl::StatusOr<institutions::v1::Institution> SuspendInstitution(
      const institutions::v1::ChangeInstitutionStatusRequest& request) override;
  absl::StatusOr<institutions::v1::Institution> ReinstateInstitution(
      const institutions::v1::ChangeInstitutionStatusRequest& request) override;
  absl::StatusOr<institutions::v1::Institution> GetInstitution(
      const institutions::v1::GetInstitutionRequest& request) override;
  absl::StatusOr<institutions::v1::ListInstitutionsResponse> ListInstitutions(
      const institutions::v1::ListInstitutionsRequest& request) override;

  absl::StatusOr<ledger::v1::RecordOutcomeResponse> RecordOutcome(
      const ledger::v1::RecordOutcomeRequest& request) override;
  absl::StatusOr<ledger::v1::RecordOutcomesResponse> RecordOutcomes(
      const ledger::v1::RecordOutcomesRequest& request) override;
  absl::StatusOr<ledger::v1::RecordOutcomeResponse> ReverseEntry(
      const ledger::v1::ReverseEntryRequest& request) override;
  absl::StatusOr<ledger::v1::Entry> GetEntry(const ledger::v1::GetEntryRequest& request) override;
  absl::StatusOr<ledger::v1::ListEntriesResponse> ListEntries(
      const ledger::v1::ListEntriesRequest& request) override;
  absl::StatusOr<ledger::v1::GetBalancesResponse> GetBalances(
      const ledger::v1::GetBalancesRequest& request) override;
  absl::StatusOr<ledger::v1::CheckConsistencyResponse> CheckConsistency(
      const ledger::v1::CheckConsistencyRequest& request) override;

  // Administration (creditbank.admin.v1), not part of CoreClient.
  absl::StatusOr<admin::v1::IssueLearnerTokenResponse> IssueLearnerToken(
      const admin::v1::IssueLearnerTokenRequest& request);
  absl::StatusOr<admin::v1::QueryAuditResponse> QueryAudit(
      const admin::v1::QueryAuditRequest& request);
  absl::StatusOr<admin::v1::Backup> CreateBackup(const admin::v1::CreateBackupRequest& request);
  absl::StatusOr<admin::v1::ListBackupsResponse> ListBackups(
      const admin::v1::ListBackupsRequest& request);
  absl::StatusOr<admin::v1::ReencryptPersonalDetailsResponse> ReencryptPersonalDetails(
      const admin::v1::ReencryptPersonalDetailsRequest& request);
  absl::StatusOr<admin::v1::WhoAmIResponse> WhoAmI(const admin::v1::WhoAmIRequest& request);

  // For streaming uploads, which CoreClient does not cover: the stub, and
  // the caller's credentials for a context made by hand.
  ledger::v1::LedgerService::Stub& ledger_stub() { return *ledger_; }
  void AddCredentials(grpc::ClientContext& context) const;

 private:
  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> Call(Stub& stub,
                                grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                             const Request&, Response*),
                                const Request& request);

  const absl::Duration deadline_;
  const std::string bearer_token_;
  std::unique_ptr<accounts::v1::AccountService::Stub> accounts_;
  std::unique_ptr<institutions::v1::InstitutionService::Stub> institutions_;
  std::unique_ptr<ledger::v1::LedgerService::Stub> ledger_;
  std::unique_ptr<admin::v1::AdminService::Stub> admin_;
};

}  // namespace creditbank::services

#endif  // CREDITBANK_SERVICES_GRPC_CORE_CLIENT_H_
