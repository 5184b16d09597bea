// The service boundary's one check: every RPC handler runs inside a
// GuardedCall, which identifies the caller (CallerIdentifier), asks the
// policy table whether the caller's role may call this RPC, gives the
// handler the row-level rules and the institution limits to apply, and,
// for mutating RPCs, appends an audit record with the result — for
// refused calls too.
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
#include "domain/auth/caller.h"
#include "domain/auth/institution_limits.h"
#include "domain/auth/policy.h"
#include "domain/core.h"
#include "grpcpp/server_context.h"
#include "services/caller_identity.h"

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
  // body's status as a grpc::Status, auditing mutating RPCs either way.
  template <typename Body>
  grpc::Status Run(Body&& body) {
    if (!authorized_.ok()) return Finish(authorized_);
    return Finish(body());
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
  // Audits the result of one part of a call (a chunk of an upload stream)
  // as if it were a call of its own.
  void AuditPart(const absl::Status& status, const AuditFacts& facts) const;

 private:
  grpc::Status Finish(const absl::Status& status);

  const Security& security_;
  const domain::MethodPolicy* policy_ = nullptr;
  domain::Caller caller_ = domain::Caller::Anonymous();
  domain::Access access_ = domain::Access::kDenied;
  absl::Status authorized_;
  AuditFacts audit_;
};

}  // namespace creditbank::services

#endif  // CREDITBANK_SERVICES_CALL_GUARD_H_
