// AccountService: creditbank.accounts.v1 over gRPC, answered by the core.
#ifndef CREDITBANK_SERVICES_ACCOUNT_SERVICE_H_
#define CREDITBANK_SERVICES_ACCOUNT_SERVICE_H_

#include "creditbank/accounts/v1/accounts.grpc.pb.h"
#include "services/core_handle.h"

namespace creditbank::services {

class AccountService final : public accounts::v1::AccountService::Service {
 public:
  explicit AccountService(const CoreHandle& core) : core_(core) {}

  grpc::Status OpenAccount(grpc::ServerContext*, const accounts::v1::OpenAccountRequest* request,
                           accounts::v1::OpenAccountResponse* response) override;
  grpc::Status GetAccount(grpc::ServerContext*, const accounts::v1::GetAccountRequest* request,
                          accounts::v1::Account* response) override;
  grpc::Status FreezeAccount(grpc::ServerContext*,
                             const accounts::v1::ChangeAccountStatusRequest* request,
                             accounts::v1::Account* response) override;
  grpc::Status UnfreezeAccount(grpc::ServerContext*,
                               const accounts::v1::ChangeAccountStatusRequest* request,
                               accounts::v1::Account* response) override;
  grpc::Status CloseAccount(grpc::ServerContext*,
                            const accounts::v1::ChangeAccountStatusRequest* request,
                            accounts::v1::Account* response) override;

 private:
  const CoreHandle& core_;
};

}  // namespace creditbank::services

#endif  // CREDITBANK_SERVICES_ACCOUNT_SERVICE_H_
