#include "services/admin_service.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "domain/errors.h"
#include "domain/validation/dates.h"
#include "domain/validation/identity.h"
#include "services/core_handle.h"

namespace creditbank::services {
namespace {

constexpr char kIssueLearnerToken[] = "/creditbank.admin.v1.AdminService/IssueLearnerToken";
constexpr char kQueryAudit[] = "/creditbank.admin.v1.AdminService/QueryAudit";
constexpr char kCreateBackup[] = "/creditbank.admin.v1.AdminService/CreateBackup";
constexpr char kListBackups[] = "/creditbank.admin.v1.AdminService/ListBackups";
constexpr char kReencrypt[] = "/creditbank.admin.v1.AdminService/ReencryptPersonalDetails";
constexpr char kWhoAmI[] = "/creditbank.admin.v1.AdminService/WhoAmI";

admin_v1::Backup ToBackup(const storage::BackupInfo& info) {
  admin_v1::Backup backup;
  backup.set_backup_id(info.backup_id);
  *backup.mutable_created_at() = domain::ToTimestamp(absl::FromUnixSeconds(info.timestamp_seconds));
  backup.set_size_bytes(info.size_bytes);
  backup.set_file_count(info.number_files);
  return backup;
}

}  // namespace

absl::Status AdminService::IssueToken(const admin_v1::IssueLearnerTokenRequest& request,
                                      admin_v1::IssueLearnerTokenResponse& response) {
  domain::FieldViolations violations;
  if (std::string problem = domain::CheckAccountNumber(request.account_number());
      !problem.empty()) {
    violations.Add("account_number", problem);
  }
  const absl::Duration lifetime = request.lifetime_seconds() == 0
                                      ? domain::kDefaultLearnerTokenLifetime
                                      : absl::Seconds(request.lifetime_seconds());
  if (lifetime > domain::kMaxLearnerTokenLifetime) {
    violations.Add("lifetime_seconds",
                   absl::StrCat("must be at most ",
                                absl::ToInt64Seconds(domain::kMaxLearnerTokenLifetime),
                                " (0 for the default)"));
  }
  RETURN_IF_ERROR(violations.ToStatus());
  ASSIGN_OR_RETURN(domain::Core * core, security_.LocalCore());
  accounts::v1::GetAccountRequest lookup;
  lookup.set_account_number(request.account_number());
  ASSIGN_OR_RETURN(accounts::v1::Account account, core->GetAccount(lookup));
  if (account.status() == accounts::v1::ACCOUNT_STATUS_CLOSED) {
    return domain::FieldError(absl::StatusCode::kFailedPrecondition, domain::reason::kAccountClosed,
                              "account_number", "the account is closed");
  }
  const absl::Time now = clock_.Now();
  ASSIGN_OR_RETURN(std::string token, signer_.Issue(request.account_number(), lifetime, clock_));
  response.set_token(std::move(token));
  *response.mutable_expires_at() = domain::ToTimestamp(now + lifetime);
  return absl::OkStatus();
}

grpc::Status AdminService::IssueLearnerToken(grpc::ServerContext* context,
                                             const admin_v1::IssueLearnerTokenRequest* request,
                                             admin_v1::IssueLearnerTokenResponse* response) {
  GuardedCall call(security_, *context, kIssueLearnerToken);
  call.audit().target = request->account_number();
  return call.Run([&]() -> absl::Status { return IssueToken(*request, *response); });
}

grpc::Status AdminService::QueryAudit(grpc::ServerContext* context,
                                      const admin_v1::QueryAuditRequest* request,
                                      admin_v1::QueryAuditResponse* response) {
  GuardedCall call(security_, *context, kQueryAudit);
  return call.Run([&]() -> absl::Status {
    ASSIGN_OR_RETURN(domain::Core * core, security_.LocalCore());
    ASSIGN_OR_RETURN(*response, core->QueryAudit(*request));
    return absl::OkStatus();
  });
}

grpc::Status AdminService::CreateBackup(grpc::ServerContext* context,
                                        const admin_v1::CreateBackupRequest*,
                                        admin_v1::Backup* response) {
  GuardedCall call(security_, *context, kCreateBackup);
  return call.Run([&]() -> absl::Status {
    if (backup_dir_.empty()) {
      return absl::FailedPreconditionError(
          "this server has no backup directory: start it with --backup_dir");
    }
    ASSIGN_OR_RETURN(domain::Core * core, security_.LocalCore());
    ASSIGN_OR_RETURN(storage::BackupInfo info, core->store().CreateBackup(backup_dir_));
    *response = ToBackup(info);
    call.audit().target = absl::StrCat("backup ", info.backup_id);
    return absl::OkStatus();
  });
}

grpc::Status AdminService::ListBackups(grpc::ServerContext* context,
                                       const admin_v1::ListBackupsRequest*,
                                       admin_v1::ListBackupsResponse* response) {
  GuardedCall call(security_, *context, kListBackups);
  return call.Run([&]() -> absl::Status {
    if (backup_dir_.empty()) {
      return absl::FailedPreconditionError(
          "this server has no backup directory: start it with --backup_dir");
    }
    absl::StatusOr<std::vector<storage::BackupInfo>> backups = storage::ListBackups(backup_dir_);
    // No backup taken yet is an empty list, not an error.
    if (backups.status().code() == absl::StatusCode::kNotFound) return absl::OkStatus();
    if (!backups.ok()) return backups.status();
    for (const storage::BackupInfo& info : *backups) *response->add_backups() = ToBackup(info);
    return absl::OkStatus();
  });
}

grpc::Status AdminService::ReencryptPersonalDetails(
    grpc::ServerContext* context, const admin_v1::ReencryptPersonalDetailsRequest*,
    admin_v1::ReencryptPersonalDetailsResponse* response) {
  GuardedCall call(security_, *context, kReencrypt);
  return call.Run([&]() -> absl::Status {
    ASSIGN_OR_RETURN(domain::Core * core, security_.LocalCore());
    ASSIGN_OR_RETURN(*response, core->ReencryptPersonalDetails());
    return absl::OkStatus();
  });
}

grpc::Status AdminService::WhoAmI(grpc::ServerContext* context, const admin_v1::WhoAmIRequest*,
                                  admin_v1::WhoAmIResponse* response) {
  GuardedCall call(security_, *context, kWhoAmI);
  return call.Run([&]() -> absl::Status {
    const domain::Caller& caller = call.caller();
    response->set_role(std::string(domain::RoleName(caller.role)));
    response->set_name(caller.name);
    response->set_institution_code(caller.institution_code);
    response->set_account_number(caller.account_number);
    return absl::OkStatus();
  });
}

}  // namespace creditbank::services
