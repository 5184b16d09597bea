#include "domain/account_commands.h"

#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "domain/crypto/primitives.h"
#include "domain/errors.h"
#include "domain/limits.h"
#include "domain/validation/dates.h"
#include "domain/validation/identity.h"
#include "storage/keys.h"

namespace creditbank::domain {
namespace {

using accounts::v1::AccountStatus;

constexpr uint64_t kSmallestBody = 100'000'000'000'000;     // 15 digits
constexpr uint64_t kBodyRange = 900'000'000'000'000;        // 1e14 .. 1e15-1

// The status a transition leads to from `from`; nullopt when not allowed.
// Repeating a transition (freezing a frozen account) is allowed and
// changes nothing, so retries are harmless.
std::optional<AccountStatus> Target(AccountTransition transition, AccountStatus from) {
  switch (transition) {
    case AccountTransition::kFreeze:
      if (from == accounts::v1::ACCOUNT_STATUS_CLOSED) return std::nullopt;
      return accounts::v1::ACCOUNT_STATUS_FROZEN;
    case AccountTransition::kUnfreeze:
      if (from == accounts::v1::ACCOUNT_STATUS_CLOSED) return std::nullopt;
      return accounts::v1::ACCOUNT_STATUS_ACTIVE;
    case AccountTransition::kClose:
      return accounts::v1::ACCOUNT_STATUS_CLOSED;
  }
  return std::nullopt;
}

}  // namespace

uint64_t DeriveAccountNumber(absl::string_view number_key, uint64_t serial) {
  std::string serial_bytes;
  storage::AppendUint64(serial_bytes, serial);
  const std::string mac = HmacSha256(number_key, serial_bytes);
  const uint64_t body = kSmallestBody + *storage::ReadUint64(mac, 0) % kBodyRange;
  const std::string digits = absl::StrCat(body);
  return body * 10 + static_cast<uint64_t>(LuhnCheckDigit(digits) - '0');
}

OpenAccountCommand::OpenAccountCommand(std::string identity_hmac,
                                       storage::v1::EncryptedBlob details,
                                       std::string number_key)
    : identity_hmac_(std::move(identity_hmac)),
      details_(std::move(details)),
      number_key_(std::move(number_key)) {}

void OpenAccountCommand::Apply(UnitOfWork& work) {
  absl::StatusOr<std::optional<uint64_t>> existing = work.FindAccountByIdentity(identity_hmac_);
  if (!existing.ok()) {
    status_ = existing.status();
    return;
  }
  if (*existing) {
    absl::StatusOr<const storage::v1::AccountRecord*> account = work.FindAccount(**existing);
    if (!account.ok() || *account == nullptr) {
      status_ = account.ok() ? absl::DataLossError("identity index names a missing account")
                             : account.status();
      return;
    }
    account_ = **account;
    return;
  }
  for (int attempt = 0; attempt < kMaxAccountNumberAttempts; ++attempt) {
    const uint64_t number = DeriveAccountNumber(number_key_, work.AllocateAccountSerial());
    absl::StatusOr<const storage::v1::AccountRecord*> taken = work.FindAccount(number);
    if (!taken.ok()) {
      status_ = taken.status();
      return;
    }
    if (*taken != nullptr) continue;
    account_.set_account_number(FormatAccountNumber(number));
    account_.set_status(accounts::v1::ACCOUNT_STATUS_ACTIVE);
    *account_.mutable_opened_at() = ToTimestamp(work.now());
    account_.set_identity_hmac(identity_hmac_);
    *account_.mutable_details() = details_;
    work.PutAccount(number, account_);
    work.PutIdentity(identity_hmac_, number);
    created_ = true;
    return;
  }
  status_ = absl::InternalError("could not find a free account number");
}

ChangeAccountStatusCommand::ChangeAccountStatusCommand(uint64_t account_number,
                                                       AccountTransition transition,
                                                       std::string reason)
    : account_number_(account_number), transition_(transition), reason_(std::move(reason)) {}

void ChangeAccountStatusCommand::Apply(UnitOfWork& work) {
  absl::StatusOr<const storage::v1::AccountRecord*> found = work.FindAccount(account_number_);
  if (!found.ok()) {
    status_ = found.status();
    return;
  }
  const std::string number = FormatAccountNumber(account_number_);
  if (*found == nullptr) {
    status_ = FieldError(absl::StatusCode::kNotFound, reason::kAccountNotFound,
                         "account_number", absl::StrCat("no account ", number));
    return;
  }
  account_ = **found;
  std::optional<AccountStatus> target = Target(transition_, account_.status());
  if (!target) {
    status_ = FieldError(absl::StatusCode::kFailedPrecondition, reason::kInvalidTransition,
                         "account_number",
                         absl::StrCat("account ", number, " is closed; a closed account "
                                      "cannot change status"));
    return;
  }
  if (*target == account_.status()) return;  // already there: nothing to do
  accounts::v1::StatusChange* change = account_.add_status_history();
  change->set_from(account_.status());
  change->set_to(*target);
  change->set_reason(reason_);
  *change->mutable_changed_at() = ToTimestamp(work.now());
  account_.set_status(*target);
  work.PutAccount(account_number_, account_);
}

ResealAccountsCommand::ResealAccountsCommand(std::vector<ResealedDetails> resealed)
    : resealed_(std::move(resealed)) {}

void ResealAccountsCommand::Apply(UnitOfWork& work) {
  std::vector<std::pair<uint64_t, storage::v1::AccountRecord>> updates;
  for (const ResealedDetails& item : resealed_) {
    std::optional<uint64_t> number = ParseAccountNumber(item.account_number);
    if (!number.has_value()) {
      status_ = absl::DataLossError("a stored account number is malformed");
      return;
    }
    absl::StatusOr<const storage::v1::AccountRecord*> account = work.FindAccount(*number);
    if (!account.ok()) {
      status_ = account.status();
      return;  // check-then-stage: nothing staged yet
    }
    if (*account == nullptr || (*account)->details().nonce() != item.previous_nonce) continue;
    storage::v1::AccountRecord record = **account;
    *record.mutable_details() = item.details;
    updates.emplace_back(*number, std::move(record));
  }
  for (const auto& [account_number, record] : updates) work.PutAccount(account_number, record);
  replaced_ = updates.size();
}

}  // namespace creditbank::domain
