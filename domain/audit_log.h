// The audit log: one append-only record per mutating RPC, allowed or
// refused (who, which RPC, on what, when, with what result). Records go
// through the sequencer like every other write, so they share its group
// commits (one fsync for many) and are durable before the call is answered;
// the group's time stamps them, so time never decreases with the id.
//
//   AppendAuditCommand command(record);
//   RETURN_IF_ERROR(sequencer.Execute(command));
//   ASSIGN_OR_RETURN(auto page, QueryAudit(store, request));
#ifndef CREDITBANK_DOMAIN_AUDIT_LOG_H_
#define CREDITBANK_DOMAIN_AUDIT_LOG_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "creditbank/admin/v1/admin.pb.h"
#include "domain/sequencer.h"
#include "storage/store.h"

namespace creditbank::domain {

// Bounds on the fields of a record (they come from certificates, request
// fields and method names; longer values are cut, never refused, so that a
// hostile request is still audited).
inline constexpr size_t kMaxAuditFieldBytes = 128;

class AppendAuditCommand final : public Command {
 public:
  explicit AppendAuditCommand(admin::v1::AuditRecord record);
  void Apply(UnitOfWork& work) override;
  uint64_t audit_id() const { return audit_id_; }

 private:
  admin::v1::AuditRecord record_;
  uint64_t audit_id_ = 0;
};

// Records oldest first, filtered by actor, target and time range, one page
// at a time. A page stops early (with a token) after scanning
// kMaxRowsScannedPerPage records, so every call is bounded.
absl::StatusOr<admin::v1::QueryAuditResponse> QueryAudit(
    const storage::Store& store, const admin::v1::QueryAuditRequest& request);

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_AUDIT_LOG_H_
