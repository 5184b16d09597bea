#include "services/call_guard.h"

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace creditbank::services {

GuardedCall::GuardedCall(const Security& security, const grpc::ServerContext& context,
                         absl::string_view method)
    : security_(security), policy_(domain::FindMethodPolicy(method)) {
  if (policy_ == nullptr) {
    // A handler whose method is missing from the table: refuse (default
    // deny) and say so loudly; tests/integration/policy_matrix_test.cc
    // keeps this from shipping.
    spdlog::error("no policy for RPC {}: refused", std::string(method));
    authorized_ = absl::PermissionDeniedError(absl::StrCat("no policy allows ", method));
    return;
  }
  absl::StatusOr<domain::Caller> caller = security_.identifier().Identify(context);
  if (!caller.ok()) {
    authorized_ = caller.status();
    return;
  }
  caller_ = *std::move(caller);
  absl::StatusOr<domain::Access> access = domain::Authorize(caller_, *policy_);
  if (!access.ok()) {
    authorized_ = access.status();
    return;
  }
  access_ = *access;
}

absl::Status GuardedCall::ScopeRecorder(std::string* institution_code) const {
  if (access_ != domain::Access::kOwnRows || caller_.role != domain::Role::kInstitution) {
    return CheckRow({*institution_code, ""});
  }
  if (institution_code->empty()) *institution_code = caller_.institution_code;
  return CheckRow({*institution_code, ""});
}

absl::Status GuardedCall::CheckRow(const domain::RowTarget& row) const {
  if (access_ == domain::Access::kAllRows) return absl::OkStatus();
  if (access_ != domain::Access::kOwnRows) {
    return absl::PermissionDeniedError("the call is not authorized");
  }
  return domain::CheckRow(caller_, row);
}

absl::Status GuardedCall::Admit(absl::string_view institution_code, size_t items) const {
  // Limits are per institution, as identified by its certificate; the
  // bank's own services and development mode are not limited.
  if (caller_.role != domain::Role::kInstitution) return absl::OkStatus();
  return security_.limits().Admit(institution_code, items);
}

admin::v1::AuditRecord GuardedCall::Record(const AuditFacts& facts) const {
  admin::v1::AuditRecord record;
  record.set_actor(caller_.name);
  record.set_role(std::string(domain::RoleName(caller_.role)));
  record.set_method(std::string(policy_->method));
  record.set_target(facts.target);
  record.set_request_id(facts.request_id);
  record.set_items(facts.items);
  return record;
}

void GuardedCall::AppendSeparately(const absl::Status& status, const AuditFacts& facts) const {
  if (policy_ == nullptr || !policy_->mutating) return;
  domain::Core* log = security_.core();
  if (log == nullptr) {
    spdlog::warn("audit log not open yet: a {} call was not audited", std::string(policy_->method));
    return;
  }
  admin::v1::AuditRecord record = Record(facts);
  record.set_result_code(static_cast<int32_t>(status.code()));
  absl::StatusOr<uint64_t> appended = log->AppendAudit(std::move(record));
  if (!appended.ok()) {
    // The refusal stands; the gap is logged for the operator. Storage that
    // cannot append has usually stopped writes altogether (see the
    // storage watcher).
    spdlog::error("could not append the audit record of a {} call: {}",
                  std::string(policy_->method), std::string(appended.status().message()));
  }
}

}  // namespace creditbank::services
