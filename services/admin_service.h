// AdminService: creditbank.admin.v1 — learner tokens, the audit log,
// backups, re-encryption after a PII key rotation, and WhoAmI. Runs only
// in the process that holds the core's storage (the audit log and backups
// are local to it).
#ifndef CREDITBANK_SERVICES_ADMIN_SERVICE_H_
#define CREDITBANK_SERVICES_ADMIN_SERVICE_H_

#include <string>

#include "common/clock.h"
#include "creditbank/admin/v1/admin.grpc.pb.h"
#include "domain/auth/learner_token.h"
#include "services/call_guard.h"

namespace creditbank::services {

namespace admin_v1 = ::creditbank::admin::v1;

class AdminService final : public admin_v1::AdminService::Service {
 public:
  // `backup_dir` may be empty: backups are then refused with a hint.
  AdminService(const Security& security, const domain::LearnerTokenSigner& signer,
               std::string backup_dir, const Clock& clock)
      : security_(security), signer_(signer), backup_dir_(std::move(backup_dir)), clock_(clock) {}

  grpc::Status IssueLearnerToken(grpc::ServerContext* context,
                                 const admin_v1::IssueLearnerTokenRequest* request,
                                 admin_v1::IssueLearnerTokenResponse* response) override;
  grpc::Status QueryAudit(grpc::ServerContext* context, const admin_v1::QueryAuditRequest* request,
                          admin_v1::QueryAuditResponse* response) override;
  grpc::Status CreateBackup(grpc::ServerContext* context,
                            const admin_v1::CreateBackupRequest* request,
                            admin_v1::Backup* response) override;
  grpc::Status ListBackups(grpc::ServerContext* context,
                           const admin_v1::ListBackupsRequest* request,
                           admin_v1::ListBackupsResponse* response) override;
  grpc::Status ReencryptPersonalDetails(
      grpc::ServerContext* context, const admin_v1::ReencryptPersonalDetailsRequest* request,
      admin_v1::ReencryptPersonalDetailsResponse* response) override;
  grpc::Status WhoAmI(grpc::ServerContext* context, const admin_v1::WhoAmIRequest* request,
                      admin_v1::WhoAmIResponse* response) override;

 private:
  absl::Status IssueToken(const admin_v1::IssueLearnerTokenRequest& request,
                          admin_v1::IssueLearnerTokenResponse& response);

  const Security& security_;
  const domain::LearnerTokenSigner& signer_;
  const std::string backup_dir_;
  const Clock& clock_;
};

}  // namespace creditbank::services

#endif  // CREDITBANK_SERVICES_ADMIN_SERVICE_H_
