// Core: construction and the accounts service. The institutions and ledger
// parts are in core_institutions.cc, core_ledger.cc and core_reads.cc.
#include "domain/core.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "domain/audit_log.h"
#include "domain/crypto/primitives.h"
#include "domain/errors.h"
#include "domain/request_checks.h"
#include "domain/validation/dates.h"
#include "domain/validation/identity.h"
#include "storage/keys.h"

namespace creditbank::domain {
namespace {

// Derived from the identity secret under its own label, so account numbers
// reveal nothing about identity HMACs.
constexpr absl::string_view kAccountNumberKeyLabel = "creditbank account number v1";

}  // namespace

absl::StatusOr<std::unique_ptr<Core>> Core::Open(std::unique_ptr<storage::Store> store,
                                                 KeyRing keys, const Clock& clock,
                                                 std::string log_origin) {
  if (keys.log_signing_seed.empty()) {
    return absl::FailedPreconditionError(
        "the key file has no log_signing_key (load it with LoadOrCreateKeyRing, which adds one)");
  }
  auto leaf_hasher =
      std::make_unique<tlog::LeafHasher>(tlog::LeafSaltKey(keys.identity_hmac_secret));
  ASSIGN_OR_RETURN(std::unique_ptr<Sequencer> sequencer,
                   Sequencer::Start(*store, clock, *leaf_hasher));
  const std::string log_seed = keys.log_signing_seed;
  std::unique_ptr<Core> core(new Core(std::move(store), std::move(keys), clock,
                                      std::move(leaf_hasher), std::move(sequencer)));
  Sequencer* committed = core->sequencer_.get();
  ASSIGN_OR_RETURN(core->log_,
                   TransparencyLog::Create(*core->store_, *core->leaf_hasher_,
                                           std::move(log_origin), log_seed,
                                           [committed] { return committed->state(); }));
  return core;
}

Core::Core(std::unique_ptr<storage::Store> store, KeyRing keys, const Clock& clock,
           std::unique_ptr<tlog::LeafHasher> leaf_hasher, std::unique_ptr<Sequencer> sequencer)
    : store_(std::move(store)),
      keys_(std::move(keys)),
      account_number_key_(HmacSha256(keys_.identity_hmac_secret, kAccountNumberKeyLabel)),
      clock_(clock),
      leaf_hasher_(std::move(leaf_hasher)),
      sequencer_(std::move(sequencer)) {}

Core::~Core() { StopWrites(); }

void Core::StopWrites() { sequencer_->Stop(); }

absl::Status Core::Run(Command& command) {
  ScopedAuditContext* audit = ScopedAuditContext::Current();
  const bool attaches = audit != nullptr && !audit->attached();
  if (attaches) audit->AttachTo(command);
  absl::Status status = sequencer_->Execute(command);
  if (attaches) audit->NoteRecordedCode(status.ok() ? command.result().code() : status.code());
  return status;
}

absl::StatusOr<accounts::v1::Account> Core::ToAccount(
    const storage::v1::AccountRecord& record) const {
  accounts::v1::Account account;
  account.set_account_number(record.account_number());
  account.set_status(record.status());
  *account.mutable_opened_at() = record.opened_at();
  *account.mutable_status_history() = record.status_history();
  const storage::v1::EncryptedBlob& blob = record.details();
  auto key = keys_.pii_keys.find(blob.key_id());
  if (key == keys_.pii_keys.end()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "personal details of account ", record.account_number(), " are sealed with key ",
        blob.key_id(), ", which is not in the key file"));
  }
  ASSIGN_OR_RETURN(std::string plain,
                   Aes256GcmOpen(key->second, SealedBytes{blob.nonce(), blob.ciphertext()},
                                 record.identity_hmac()));
  if (!account.mutable_details()->ParseFromString(plain)) {
    return absl::DataLossError("decrypted personal details do not parse");
  }
  return account;
}

absl::StatusOr<storage::v1::AccountRecord> Core::LoadAccount(
    uint64_t account_number, absl::string_view field, const storage::Snapshot* snapshot) const {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                   store_->Get(storage::Table::kAccounts, storage::AccountKey(account_number),
                               snapshot));
  if (!bytes) {
    return FieldError(absl::StatusCode::kNotFound, reason::kAccountNotFound, field,
                      absl::StrCat("no account ", FormatAccountNumber(account_number)));
  }
  storage::v1::AccountRecord record;
  if (!record.ParseFromString(*bytes)) return absl::DataLossError("stored account does not parse");
  return record;
}

absl::StatusOr<accounts::v1::OpenAccountResponse> Core::OpenAccount(
    const accounts::v1::OpenAccountRequest& request) {
  FieldViolations violations;
  accounts::v1::PersonIdentity identity = NormalizeAndCheckIdentity(
      request.identity(), BankToday(clock_.Now()), "identity", violations);
  CheckPersonalDetails(request.details(), "details", violations);
  RETURN_IF_ERROR(violations.ToStatus());

  std::string identity_hmac = HmacSha256(keys_.identity_hmac_secret, CanonicalIdentity(identity));
  accounts::v1::PersonalDetails details = request.details();
  details.DiscardUnknownFields();
  ASSIGN_OR_RETURN(SealedBytes sealed, Aes256GcmSeal(keys_.active_pii_key(),
                                                     details.SerializeAsString(), identity_hmac));
  storage::v1::EncryptedBlob blob;
  blob.set_key_id(keys_.active_pii_key_id);
  blob.set_nonce(std::move(sealed.nonce));
  blob.set_ciphertext(std::move(sealed.ciphertext));

  OpenAccountCommand command(std::move(identity_hmac), std::move(blob), account_number_key_);
  RETURN_IF_ERROR(Run(command));
  RETURN_IF_ERROR(command.status());
  accounts::v1::OpenAccountResponse response;
  ASSIGN_OR_RETURN(*response.mutable_account(), ToAccount(command.account()));
  response.set_created(command.created());
  return response;
}

absl::StatusOr<accounts::v1::Account> Core::GetAccount(const accounts::v1::GetAccountRequest& request) {
  FieldViolations violations;
  switch (request.key_case()) {
    case accounts::v1::GetAccountRequest::kAccountNumber: {
      CheckAccountNumberField(request.account_number(), "account_number", violations);
      RETURN_IF_ERROR(violations.ToStatus());
      ASSIGN_OR_RETURN(storage::v1::AccountRecord record,
                       LoadAccount(*ParseAccountNumber(request.account_number()),
                                   "account_number"));
      return ToAccount(record);
    }
    case accounts::v1::GetAccountRequest::kIdentity: {
      accounts::v1::PersonIdentity identity = NormalizeAndCheckIdentity(
          request.identity(), BankToday(clock_.Now()), "identity", violations);
      RETURN_IF_ERROR(violations.ToStatus());
      const std::string hmac =
          HmacSha256(keys_.identity_hmac_secret, CanonicalIdentity(identity));
      ASSIGN_OR_RETURN(std::optional<std::string> number,
                       store_->Get(storage::Table::kIdentityIndex, hmac));
      std::optional<uint64_t> account_number;
      if (number) {
        account_number = storage::ReadUint64Value(*number);
        if (!account_number) return absl::DataLossError("stored identity index entry is damaged");
      }
      if (!account_number) {
        return FieldError(absl::StatusCode::kNotFound, reason::kAccountNotFound, "identity",
                          "no account for this identity");
      }
      absl::StatusOr<storage::v1::AccountRecord> record =
          LoadAccount(*account_number, "identity");
      if (record.status().code() == absl::StatusCode::kNotFound) {
        return absl::DataLossError("the identity index names a missing account");
      }
      if (!record.ok()) return record.status();
      return ToAccount(*record);
    }
    case accounts::v1::GetAccountRequest::KEY_NOT_SET:
      break;
  }
  return InvalidField("key", "give an account_number or an identity");
}

absl::StatusOr<accounts::v1::Account> Core::ChangeAccountStatus(
    const accounts::v1::ChangeAccountStatusRequest& request, AccountTransition transition) {
  FieldViolations violations;
  CheckAccountNumberField(request.account_number(), "account_number", violations);
  CheckReasonField(request.reason(), "reason", violations);
  RETURN_IF_ERROR(violations.ToStatus());
  ChangeAccountStatusCommand command(*ParseAccountNumber(request.account_number()), transition,
                                     request.reason());
  RETURN_IF_ERROR(Run(command));
  RETURN_IF_ERROR(command.status());
  return ToAccount(command.account());
}

absl::StatusOr<accounts::v1::Account> Core::FreezeAccount(
    const accounts::v1::ChangeAccountStatusRequest& request) {
  return ChangeAccountStatus(request, AccountTransition::kFreeze);
}

absl::StatusOr<accounts::v1::Account> Core::UnfreezeAccount(
    const accounts::v1::ChangeAccountStatusRequest& request) {
  return ChangeAccountStatus(request, AccountTransition::kUnfreeze);
}

absl::StatusOr<accounts::v1::Account> Core::CloseAccount(
    const accounts::v1::ChangeAccountStatusRequest& request) {
  return ChangeAccountStatus(request, AccountTransition::kClose);
}

}  // namespace creditbank::domain
