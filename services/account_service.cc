#include "services/account_service.h"

namespace creditbank::services {

using domain::CoreClient;

grpc::Status AccountService::OpenAccount(grpc::ServerContext*,
                                         const accounts::v1::OpenAccountRequest* request,
                                         accounts::v1::OpenAccountResponse* response) {
  return Answer(core_, &CoreClient::OpenAccount, *request, response);
}

grpc::Status AccountService::GetAccount(grpc::ServerContext*,
                                        const accounts::v1::GetAccountRequest* request,
                                        accounts::v1::Account* response) {
  return Answer(core_, &CoreClient::GetAccount, *request, response);
}

grpc::Status AccountService::FreezeAccount(grpc::ServerContext*,
                                           const accounts::v1::ChangeAccountStatusRequest* request,
                                           accounts::v1::Account* response) {
  return Answer(core_, &CoreClient::FreezeAccount, *request, response);
}

grpc::Status AccountService::UnfreezeAccount(
    grpc::ServerContext*, const accounts::v1::ChangeAccountStatusRequest* request,
    accounts::v1::Account* response) {
  return Answer(core_, &CoreClient::UnfreezeAccount, *request, response);
}

grpc::Status AccountService::CloseAccount(grpc::ServerContext*,
                                          const accounts::v1::ChangeAccountStatusRequest* request,
                                          accounts::v1::Account* response) {
  return Answer(core_, &CoreClient::CloseAccount, *request, response);
}

}  // namespace creditbank::services
