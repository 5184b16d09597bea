#include "services/account_service.h"

namespace creditbank::services {

using domain::CoreClient;

namespace {
constexpr char kOpenAccount[] = "/creditbank.accounts.v1.AccountService/OpenAccount";
constexpr char kGetAccount[] = "/creditbank.accounts.v1.AccountService/GetAccount";
constexpr char kFreezeAccount[] = "/creditbank.accounts.v1.AccountService/FreezeAccount";
constexpr char kUnfreezeAccount[] = "/creditbank.accounts.v1.AccountService/UnfreezeAccount";
constexpr char kCloseAccount[] = "/creditbank.accounts.v1.AccountService/CloseAccount";
}  // namespace

grpc::Status AccountService::OpenAccount(grpc::ServerContext* context,
                                         const accounts::v1::OpenAccountRequest* request,
                                         accounts::v1::OpenAccountResponse* response) {
  GuardedCall call(security_, *context, kOpenAccount);
  // The target is the account number, known once opened: the identity
  // itself never goes into the audit log.
  return call.Run([&]() -> absl::Status {
    absl::Status status = AnswerInto(core_, &CoreClient::OpenAccount, *request, response);
    if (status.ok()) call.audit().target = response->account().account_number();
    return status;
  });
}

grpc::Status AccountService::GetAccount(grpc::ServerContext* context,
                                        const accounts::v1::GetAccountRequest* request,
                                        accounts::v1::Account* response) {
  GuardedCall call(security_, *context, kGetAccount);
  return call.Run([&]() -> absl::Status {
    // A learner names their own account by number (a look-up by identity
    // could probe whether someone else has an account).
    RETURN_IF_ERROR(call.CheckRow({"", request->account_number()}));
    return AnswerInto(core_, &CoreClient::GetAccount, *request, response);
  });
}

grpc::Status AccountService::ChangeStatus(
    grpc::ServerContext* context, const char* method,
    absl::StatusOr<accounts::v1::Account> (CoreClient::*change)(
        const accounts::v1::ChangeAccountStatusRequest&),
    const accounts::v1::ChangeAccountStatusRequest* request, accounts::v1::Account* response) {
  GuardedCall call(security_, *context, method);
  call.audit().target = request->account_number();
  return call.Run([&]() -> absl::Status { return AnswerInto(core_, change, *request, response); });
}

grpc::Status AccountService::FreezeAccount(grpc::ServerContext* context,
                                           const accounts::v1::ChangeAccountStatusRequest* request,
                                           accounts::v1::Account* response) {
  return ChangeStatus(context, kFreezeAccount, &CoreClient::FreezeAccount, request, response);
}

grpc::Status AccountService::UnfreezeAccount(
    grpc::ServerContext* context, const accounts::v1::ChangeAccountStatusRequest* request,
    accounts::v1::Account* response) {
  return ChangeStatus(context, kUnfreezeAccount, &CoreClient::UnfreezeAccount, request, response);
}

grpc::Status AccountService::CloseAccount(grpc::ServerContext* context,
                                          const accounts::v1::ChangeAccountStatusRequest* request,
                                          accounts::v1::Account* response) {
  return ChangeStatus(context, kCloseAccount, &CoreClient::CloseAccount, request, response);
}

}  // namespace creditbank::services
