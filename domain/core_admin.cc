// Core: administration — the audit log, re-encryption of personal details
// after a key rotation, backups and learner tokens.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "domain/account_commands.h"
#include "domain/audit_log.h"
#include "domain/core.h"
#include "domain/crypto/primitives.h"
#include "storage/keys.h"

namespace creditbank::domain {
namespace {

// Accounts re-sealed per sequencer command: big enough to share fsyncs,
// small enough that a group stays short for the writers queued behind it.
constexpr size_t kResealBatchSize = 256;

}  // namespace

absl::StatusOr<uint64_t> Core::AppendAudit(admin::v1::AuditRecord record) {
  AppendAuditCommand command(std::move(record));
  RETURN_IF_ERROR(sequencer_->Execute(command));
  return command.audit_id();
}

absl::StatusOr<admin::v1::QueryAuditResponse> Core::QueryAudit(
    const admin::v1::QueryAuditRequest& request) const {
  return domain::QueryAudit(*store_, request);
}

absl::StatusOr<admin::v1::ReencryptPersonalDetailsResponse> Core::ReencryptPersonalDetails() {
  admin::v1::ReencryptPersonalDetailsResponse response;
  response.set_active_key_id(keys_.active_pii_key_id);
  std::vector<ResealedDetails> pending;
  auto flush = [&]() -> absl::Status {
    if (pending.empty()) return absl::OkStatus();
    ResealAccountsCommand command(std::move(pending));
    pending.clear();
    RETURN_IF_ERROR(Run(command));
    RETURN_IF_ERROR(command.status());
    response.set_accounts_reencrypted(response.accounts_reencrypted() + command.replaced());
    return absl::OkStatus();
  };
  std::unique_ptr<storage::Snapshot> snapshot = store_->TakeSnapshot();
  std::unique_ptr<storage::Cursor> cursor =
      store_->Scan(storage::Table::kAccounts, "", "", snapshot.get());
  for (; cursor->Valid(); cursor->Next()) {
    storage::v1::AccountRecord record;
    if (!record.ParseFromArray(cursor->value().data(), static_cast<int>(cursor->value().size()))) {
      return absl::DataLossError("a stored account does not parse");
    }
    response.set_accounts_checked(response.accounts_checked() + 1);
    if (record.details().key_id() == keys_.active_pii_key_id) continue;
    ASSIGN_OR_RETURN(accounts::v1::Account account, ToAccount(record));  // opens with the old key
    ASSIGN_OR_RETURN(SealedBytes sealed,
                     Aes256GcmSeal(keys_.active_pii_key(), account.details().SerializeAsString(),
                                   record.identity_hmac()));
    ResealedDetails item;
    item.account_number = record.account_number();
    item.previous_nonce = record.details().nonce();
    item.details.set_key_id(keys_.active_pii_key_id);
    item.details.set_nonce(std::move(sealed.nonce));
    item.details.set_ciphertext(std::move(sealed.ciphertext));
    pending.push_back(std::move(item));
    if (pending.size() == kResealBatchSize) RETURN_IF_ERROR(flush());
  }
  RETURN_IF_ERROR(cursor->status());
  RETURN_IF_ERROR(flush());
  return response;
}

}  // namespace creditbank::domain
