// CoreClient: what the core services (accounts, institutions, ledger) offer
// to everything above them. Two implementations share this interface:
//   - domain::Core, the core itself, in process (creditbankd --services=all);
//   - services::GrpcCoreClient, the same calls over gRPC to a core running
//     in another process (later services started with --core=HOST:PORT).
// Errors are absl::Status with google.rpc details (domain/errors.h), the
// same whichever implementation answered.
#ifndef CREDITBANK_DOMAIN_CORE_CLIENT_H_
#define CREDITBANK_DOMAIN_CORE_CLIENT_H_

#include "absl/status/statusor.h"
#include "creditbank/accounts/v1/accounts.pb.h"
#include "creditbank/institutions/v1/institutions.pb.h"
#include "creditbank/ledger/v1/ledger.pb.h"

namespace creditbank::domain {


class CoreClient {
 public:
  virtual ~CoreClient() = default;

  // Accounts.
  virtual absl::StatusOr<accounts::v1::OpenAccountResponse> OpenAccount(
      const accounts::v1::OpenAccountRequest& request) = 0;
  virtual absl::StatusOr<accounts::v1::Account> GetAccount(
      const accounts::v1::GetAccountRequest& request) = 0;
  virtual absl::StatusOr<accounts::v1::Account> FreezeAccount(
      const accounts::v1::ChangeAccountStatusRequest& request) = 0;
  virtual absl::StatusOr<accounts::v1::Account> UnfreezeAccount(
      const accounts::v1::ChangeAccountStatusRequest& request) = 0;
  virtual absl::StatusOr<accounts::v1::Account> CloseAccount(
      const accounts::v1::ChangeAccountStatusRequest& request) = 0;

  // Institutions.
  virtual absl::StatusOr<institutions::v1::Institution> RegisterInstitution(
      const institutions::v1::RegisterInstitutionRequest& request) = 0;
  virtual absl::StatusOr<institutions::v1::Institution> AccreditInstitution(
      const institutions::v1::AccreditInstitutionRequest& request) = 0;
  virtual absl::StatusOr<institutions::v1::Institution> SuspendInstitution(
      const institutions::v1::ChangeInstitutionStatusRequest& request) = 0;
  virtual absl::StatusOr<institutions::v1::Institution> ReinstateInstitution(
      const institutions::v1::ChangeInstitutionStatusRequest& request) = 0;
  virtual absl::StatusOr<institutions::v1::Institution> GetInstitution(
      const institutions::v1::GetInstitutionRequest& request) = 0;
  virtual absl::StatusOr<institutions::v1::ListInstitutionsResponse> ListInstitutions(
      const institutions::v1::ListInstitutionsRequest& request) = 0;

  // Ledger.
  virtual absl::StatusOr<ledger::v1::RecordOutcomeResponse> RecordOutcome(
      const ledger::v1::RecordOutcomeRequest& request) = 0;
  virtual absl::StatusOr<ledger::v1::RecordOutcomesResponse> RecordOutcomes(
      const ledger::v1::RecordOutcomesRequest& request) = 0;
  virtual absl::StatusOr<ledger::v1::RecordOutcomeResponse> ReverseEntry(
      const ledger::v1::ReverseEntryRequest& request) = 0;
  virtual absl::StatusOr<ledger::v1::Entry> GetEntry(const ledger::v1::GetEntryRequest& request) = 0;
  virtual absl::StatusOr<ledger::v1::ListEntriesResponse> ListEntries(
      const ledger::v1::ListEntriesRequest& request) = 0;
  virtual absl::StatusOr<ledger::v1::GetBalancesResponse> GetBalances(
      const ledger::v1::GetBalancesRequest& request) = 0;
  virtual absl::StatusOr<ledger::v1::CheckConsistencyResponse> CheckConsistency(
      const ledger::v1::CheckConsistencyRequest& request) = 0;
};

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_CORE_CLIENT_H_
