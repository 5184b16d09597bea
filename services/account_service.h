// AccountService: creditbank.accounts.v1 over gRPC, answered by the core.
#ifndef CREDITBANK_SERVICES_ACCOUNT_SERVICE_H_
#define CREDITBANK_SERVICES_ACCOUNT_SERVICE_H_

#include "creditbank/accounts/v1/accounts.grpc.pb.h"
#include "common/status_macros.h"
#include "services/call_guard.h"
#include "services/core_handle.h"

namespace creditbank::services {

class AccountService final : public accounts::v1::AccountService::Service {
 public:
  AccountService(const CoreHandle& core, const Security& security)
      : core_(core), security_(security) {}

  grpc::Status OpenAccount(grpc::ServerContext* context, const accounts::v1::OpenAccountRequest* request,
                           accounts::v1::OpenAccountResponse* response) override;
  grpc::Status GetAccount(grpc::ServerContext* context, const accounts::v1::GetAccountRequest* request,
                          accounts::v1::Account* response) override;
  grpc::Status FreezeAccount(grpc::ServerContext* context,
                             const accounts::v1::ChangeAccountStatusRequest* request,
                             accounts::v1::Account* response) override;
  grpc::Status UnfreezeAccount(grpc::ServerContext* context,
                               const accounts::v1::ChangeAccountStatusRequest* request,
                               accounts::v1::Account* response) override;
  grpc::Status CloseAccount(grpc::ServerContext* context,
                            const accounts::v1::ChangeAccountStatusRequest* request,
                            accounts::v1::Account* response) override;

 private:
  grpc::Status ChangeStatus(grpc::ServerContext* context, const char* method,
                            absl::StatusOr<accounts::v1::Account> (domain::CoreClient::*change)(
                                const accounts::v1::ChangeAccountStatusRequest&),
                            const accounts::v1::ChangeAccountStatusRequest* request,
                            accounts::v1::Account* response);

  const CoreHandle& core_;
  const Security& security_;
};

}  // namespace creditbank::services

#endif  // CREDITBANK_SERVICES_ACCOUNT_SERVICE_H_
