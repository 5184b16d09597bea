// The audit log: one append-only record per mutating RPC, allowed or
// refused (who, which RPC, on what, when, with what result). A change's
// record rides on its command (ScopedAuditContext) and commits in the same
// batch; other records go through the sequencer as commands of their own.
// Either way they share group commits and are durable before the call is
// answered; the group's time stamps them, so time never decreases with
// the id.
//
//   AppendAuditCommand command(record);
//   RETURN_IF_ERROR(sequencer.Execute(command));
//   ASSIGN_OR_RETURN(auto page, QueryAudit(store, request));
#ifndef CREDITBANK_DOMAIN_AUDIT_LOG_H_
#define CREDITBANK_DOMAIN_AUDIT_LOG_H_

#include <cstdint>
#include <functional>
#include <optional>

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

// Cuts the record's text fields to kMaxAuditFieldBytes.
void BoundAuditRecord(admin::v1::AuditRecord& record);

// The audit record of the call the current thread is serving. While one
// is in scope, the Core attaches the record (made on demand, so it can
// reflect what the call learned by then) to the first command it hands
// the sequencer, and it commits in the same batch as the change; a call
// that never reaches the sequencer (refused before) is audited with its
// own AppendAuditCommand. Contexts nest; each thread has its own.
//
//   ScopedAuditContext context([&] { return MakeRecord(facts); });
//   absl::Status status = core.RecordOutcome(request);  // record attached
//   if (!context.attached()) AppendAudit(record with status);
class ScopedAuditContext {
 public:
  explicit ScopedAuditContext(std::function<admin::v1::AuditRecord()> make_record);
  ~ScopedAuditContext();
  ScopedAuditContext(const ScopedAuditContext&) = delete;
  ScopedAuditContext& operator=(const ScopedAuditContext&) = delete;

  // The innermost context of this thread, or null.
  static ScopedAuditContext* Current();
  // Gives `command` the record, unless a command already has it.
  void AttachTo(Command& command);
  bool attached() const { return attached_; }
  // The result code the attached record carries (the command's result),
  // once its group committed. A call whose final status differs (a second
  // step failed after the first change committed: an approval whose
  // ledger batch was refused) needs a record of its own as well.
  void NoteRecordedCode(absl::StatusCode code) { recorded_code_ = code; }
  std::optional<absl::StatusCode> recorded_code() const { return recorded_code_; }

 private:
  std::function<admin::v1::AuditRecord()> make_record_;
  bool attached_ = false;
  std::optional<absl::StatusCode> recorded_code_;
  ScopedAuditContext* const enclosing_;
};

// Records oldest first, filtered by actor, target and time range, one page
// at a time. A page stops early (with a token) after scanning
// kMaxRowsScannedPerPage records, so every call is bounded.
absl::StatusOr<admin::v1::QueryAuditResponse> QueryAudit(
    const storage::Store& store, const admin::v1::QueryAuditRequest& request);

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_AUDIT_LOG_H_
