#include "domain/audit_log.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "common/status_macros.h"
#include "domain/errors.h"
#include "domain/limits.h"
#include "domain/page_token.h"
#include "domain/request_checks.h"
#include "domain/unit_of_work.h"
#include "domain/validation/dates.h"
#include "storage/keys.h"

namespace creditbank::domain {
namespace {

// Cuts `text` to at most kMaxAuditFieldBytes without splitting a UTF-8
// sequence.
void Bound(std::string* text) {
  if (text->size() <= kMaxAuditFieldBytes) return;
  size_t end = kMaxAuditFieldBytes;
  while (end > 0 && (static_cast<unsigned char>((*text)[end]) & 0xC0) == 0x80) --end;
  text->resize(end);
}

absl::StatusOr<std::optional<admin::v1::AuditRecord>> ReadRecord(
    const storage::Store& store, uint64_t audit_id, const storage::Snapshot* snapshot) {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                   store.Get(storage::Table::kAudit, storage::AuditKey(audit_id), snapshot));
  if (!bytes.has_value()) return std::nullopt;
  admin::v1::AuditRecord record;
  if (!record.ParseFromString(*bytes) || record.audit_id() != audit_id) {
    return absl::DataLossError(absl::StrCat("audit record ", audit_id, " is unreadable"));
  }
  return record;
}

// The first id whose record is at or after `from`. Ids are dense from 1 and
// times never decrease with the id, so a binary search over Gets finds it.
absl::StatusOr<uint64_t> FirstIdAtOrAfter(const storage::Store& store, absl::Time from,
                                          uint64_t last_id, const storage::Snapshot* snapshot) {
  uint64_t low = 1;
  uint64_t high = last_id + 1;  // answer in [low, high]
  while (low < high) {
    const uint64_t middle = low + (high - low) / 2;
    ASSIGN_OR_RETURN(std::optional<admin::v1::AuditRecord> record,
                     ReadRecord(store, middle, snapshot));
    if (!record.has_value()) {
      return absl::DataLossError(absl::StrCat("audit record ", middle, " is missing"));
    }
    if (FromTimestamp(record->time()) < from) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}

bool Matches(const admin::v1::QueryAuditRequest& request, const admin::v1::AuditRecord& record) {
  return (request.actor().empty() || request.actor() == record.actor()) &&
         (request.target().empty() || request.target() == record.target());
}

}  // namespace

void BoundAuditRecord(admin::v1::AuditRecord& record) {
  Bound(record.mutable_actor());
  Bound(record.mutable_role());
  Bound(record.mutable_method());
  Bound(record.mutable_target());
  Bound(record.mutable_request_id());
}

namespace {
thread_local ScopedAuditContext* current_audit_context = nullptr;
}  // namespace

ScopedAuditContext::ScopedAuditContext(std::function<admin::v1::AuditRecord()> make_record)
    : make_record_(std::move(make_record)), enclosing_(current_audit_context) {
  current_audit_context = this;
}

ScopedAuditContext::~ScopedAuditContext() { current_audit_context = enclosing_; }

ScopedAuditContext* ScopedAuditContext::Current() { return current_audit_context; }

void ScopedAuditContext::AttachTo(Command& command) {
  if (attached_) return;
  admin::v1::AuditRecord record = make_record_();
  BoundAuditRecord(record);
  command.AttachAudit(std::move(record));
  attached_ = true;
}

AppendAuditCommand::AppendAuditCommand(admin::v1::AuditRecord record)
    : record_(std::move(record)) {
  BoundAuditRecord(record_);
}

void AppendAuditCommand::Apply(UnitOfWork& work) { audit_id_ = work.AppendAudit(record_); }

absl::StatusOr<admin::v1::QueryAuditResponse> QueryAudit(
    const storage::Store& store, const admin::v1::QueryAuditRequest& request) {
  FieldViolations violations;
  CheckPageSizeField(static_cast<int>(std::min<uint32_t>(request.page_size(), 1'000'000)),
                     "page_size", violations);
  RETURN_IF_ERROR(violations.ToStatus());
  admin::v1::QueryAuditRequest filters = request;
  filters.clear_page_size();
  filters.clear_page_token();
  const std::string fingerprint = filters.SerializeAsString();
  ASSIGN_OR_RETURN(std::string last_key,
                   DecodePageToken(request.page_token(), fingerprint, "page_token"));
  std::unique_ptr<storage::Snapshot> snapshot = store.TakeSnapshot();
  ASSIGN_OR_RETURN(std::optional<std::string> last_stored,
                   store.LastKey(storage::Table::kAudit));
  admin::v1::QueryAuditResponse response;
  if (!last_stored.has_value()) return response;
  const uint64_t last_id = storage::ReadUint64Value(*last_stored).value_or(0);

  uint64_t next_id = 1;
  if (!last_key.empty()) {
    std::optional<uint64_t> previous = storage::ReadUint64Value(last_key);
    if (!previous.has_value() || *previous == std::numeric_limits<uint64_t>::max()) {
      return InvalidField("page_token", "is not a page token issued by this server");
    }
    next_id = *previous + 1;
  } else if (request.has_from()) {
    ASSIGN_OR_RETURN(next_id,
                     FirstIdAtOrAfter(store, FromTimestamp(request.from()), last_id,
                                      snapshot.get()));
  }
  const std::optional<absl::Time> to =
      request.has_to() ? std::optional<absl::Time>(FromTimestamp(request.to())) : std::nullopt;
  const size_t page_size = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  size_t scanned = 0;
  std::unique_ptr<storage::Cursor> cursor = store.Scan(
      storage::Table::kAudit, storage::AuditKey(next_id), "", snapshot.get());
  for (; cursor->Valid(); cursor->Next()) {
    if (static_cast<size_t>(response.records_size()) == page_size ||
        scanned == kMaxRowsScannedPerPage) {
      response.set_next_page_token(
          EncodePageToken(storage::AuditKey(next_id - 1), fingerprint));
      break;
    }
    ++scanned;
    admin::v1::AuditRecord record;
    if (!record.ParseFromArray(cursor->value().data(), static_cast<int>(cursor->value().size()))) {
      return absl::DataLossError("an audit record is unreadable");
    }
    if (to.has_value() && FromTimestamp(record.time()) >= *to) break;  // times only grow
    next_id = record.audit_id() + 1;
    if (Matches(request, record)) *response.add_records() = std::move(record);
  }
  RETURN_IF_ERROR(cursor->status());
  return response;
}

}  // namespace creditbank::domain
