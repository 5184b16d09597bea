// The service boundary's one check: every RPC handler runs inside a
// GuardedCall, which identifies the caller (CallerIdentifier), asks the
// policy table whether the caller's role may call this RPC, gives the
// handler the row-level rules and the institution limits to apply, and,
// for mutating RPCs, has an audit record written with the result — in the
// same batch as the change, or on its own for refused calls.
//
//   GuardedCall call(security_, *context, kRecordOutcome);
//   call.audit().target = request->outcome().account_number();
//   return call.Run([&]() -> absl::Status {
//     RETURN_IF_ERROR(call.ScopeRecorder(scoped.mutable_institution_code()));
//     RETURN_IF_ERROR(call.Admit(scoped.institution_code(), 1));
//     return AnswerInto(core_, &CoreClient::RecordOutcome, scoped, response);
//   });
#ifndef CREDITBANK_SERVICES_CALL_GUARD_H_
#define CREDITBANK_SERVICES_CALL_GUARD_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "domain/audit_log.h"
#include "domain/auth/caller.h"
#include "domain/auth/institution_limits.h"
#include "domain/auth/policy.h"
#include "domain/core.h"
#include "grpcpp/server_context.h"
#include "services/caller_identity.h"
#include "services/core_handle.h"
#include "services/status_conversion.h"

namespace creditbank::services {

// What every guarded call shares: how callers are identified, the
// institution limits and (once storage is open) the core with its audit log.
class Security {
 public:
  Security(CallerIdentifier identifier, domain::InstitutionLimits& limits)
      : identifier_(std::move(identifier)), limits_(limits) {}

  // The core of this process (its audit log, administration); null until
  // storage is open.
  void SetCore(domain::Core* core) { core_.store(core, std::memory_order_release); }
  domain::Core* core() const { return core_.load(std::memory_order_acquire); }
  // The core, or UNAVAILABLE while storage opens (services that need the
  // local core: admin, log).
  absl::StatusOr<domain::Core*> LocalCore() const {
    domain::Core* core = this->core();
    if (core == nullptr) {
      return absl::UnavailableError(kNotReadyMessage);
    }
    return core;
  }
  const CallerIdentifier& identifier() const { return identifier_; }
  domain::InstitutionLimits& limits() const { return limits_; }

 private:
  const CallerIdentifier identifier_;
  domain::InstitutionLimits& limits_;
  std::atomic<domain::Core*> core_{nullptr};
};

// What the audit record says the call acted on; handlers fill it in.
struct AuditFacts {
  std::string target;
  std::string request_id;
  uint32_t items = 0;
};

class GuardedCall {
 public:
  // Identifies the caller and authorizes the RPC `method` (a full gRPC
  // method name from the policy table).
  GuardedCall(const Security& security, const grpc::ServerContext& context,
              absl::string_view method);

  const domain::Caller& caller() const { return caller_; }
  AuditFacts& audit() { return audit_; }

  // Runs `body` if the caller may call the RPC; returns the refusal or the
  // body's status as a grpc::Status, auditing mutating RPCs either way
  // (with audit() as it is when the record is made).
  template <typename Body>
  grpc::Status Run(Body&& body) {
    if (!authorized_.ok()) {
      AppendSeparately(authorized_, audit_);
      return ToGrpcStatus(authorized_);
    }
    return ToGrpcStatus(Audited(audit_, body));
  }

  // Runs `body` — a change, or one part of the call (a chunk of an upload)
  // — so that its audit record, made from `facts` when the core first
  // hands a command to the sequencer, commits in the same batch as the
  // change. A body refused before that (bad fields, limits, row rules) is
  // audited with a record of its own. Non-mutating RPCs just run it.
  template <typename Body>
  absl::Status Audited(const AuditFacts& facts, Body&& body) const {
    if (policy_ == nullptr || !policy_->mutating) return body();
    domain::ScopedAuditContext context([this, &facts] { return Record(facts); });
    absl::Status status = body();
    // Refused before any change, or failed in a later step than the one
    // whose batch carries the record: the final result gets its own.
    if (!context.attached() || context.recorded_code() != status.code()) {
      AppendSeparately(status, facts);
    }
    return status;
  }

  // Row-level rules for the caller's access (kAllRows: always OK).
  // The recording institution of a write: an institution caller's own code
  // fills an empty field; naming another institution is PERMISSION_DENIED.
  absl::Status ScopeRecorder(std::string* institution_code) const;
  // Whether the caller may see or touch `row`.
  absl::Status CheckRow(const domain::RowTarget& row) const;
  // An institution caller's limits: batch size and request rate (other
  // roles are not limited).
  absl::Status Admit(absl::string_view institution_code, size_t items) const;

 private:
  // The audit record of this call, without its result code.
  admin::v1::AuditRecord Record(const AuditFacts& facts) const;
  // Appends the record of a call (or part) that wrote nothing itself.
  void AppendSeparately(const absl::Status& status, const AuditFacts& facts) const;

  const Security& security_;
  const domain::MethodPolicy* policy_ = nullptr;
  domain::Caller caller_ = domain::Caller::Anonymous();
  domain::Access access_ = domain::Access::kDenied;
  absl::Status authorized_;
  AuditFacts audit_;
};

}  // namespace creditbank::services

#endif  // CREDITBANK_SERVICES_CALL_GUARD_H_
