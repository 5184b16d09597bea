// Account commands: open (idempotent per identity) and status changes.
#ifndef CREDITBANK_DOMAIN_ACCOUNT_COMMANDS_H_
#define CREDITBANK_DOMAIN_ACCOUNT_COMMANDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "creditbank/storage/v1/records.pb.h"
#include "domain/sequencer.h"

namespace creditbank::domain {

// The account number for a serial: 15 digits derived from HMAC(key, serial)
// (first digit non-zero) and a Luhn check digit. Deterministic, so a replay
// of the command stream assigns the same numbers, yet not guessable from
// the count of accounts.
uint64_t DeriveAccountNumber(absl::string_view number_key, uint64_t serial);

class OpenAccountCommand final : public Command {
 public:
  // `details` is already sealed (AES-256-GCM with the identity HMAC as
  // associated data), so applying the command involves no randomness.
  OpenAccountCommand(std::string identity_hmac, storage::v1::EncryptedBlob details,
                     std::string number_key);
  void Apply(UnitOfWork& work) override;

  const absl::Status& status() const { return status_; }
  absl::Status result() const override { return status_; }
  const storage::v1::AccountRecord& account() const { return account_; }
  bool created() const { return created_; }
  // The account number, not the identity, goes into the audit log.
  std::string audit_target() const override { return account_.account_number(); }

 private:
  const std::string identity_hmac_;
  const storage::v1::EncryptedBlob details_;
  const std::string number_key_;
  absl::Status status_;
  storage::v1::AccountRecord account_;
  bool created_ = false;
};

enum class AccountTransition { kFreeze, kUnfreeze, kClose };

class ChangeAccountStatusCommand final : public Command {
 public:
  ChangeAccountStatusCommand(uint64_t account_number, AccountTransition transition,
                             std::string reason);
  void Apply(UnitOfWork& work) override;

  const absl::Status& status() const { return status_; }
  absl::Status result() const override { return status_; }
  const storage::v1::AccountRecord& account() const { return account_; }

 private:
  const uint64_t account_number_;
  const AccountTransition transition_;
  const std::string reason_;
  absl::Status status_;
  storage::v1::AccountRecord account_;
};

// Personal details sealed again under the active PII key, for one account.
struct ResealedDetails {
  std::string account_number;  // as stored: 16 digits
  std::string previous_nonce;  // of the blob it replaces
  storage::v1::EncryptedBlob details;
};

// Replaces accounts' sealed personal details (after a key rotation). An
// account whose details changed since they were read (another nonce) is
// left alone; the next run picks it up.
class ResealAccountsCommand final : public Command {
 public:
  explicit ResealAccountsCommand(std::vector<ResealedDetails> resealed);
  void Apply(UnitOfWork& work) override;
  const absl::Status& status() const { return status_; }
  absl::Status result() const override { return status_; }
  uint64_t replaced() const { return replaced_; }

 private:
  const std::vector<ResealedDetails> resealed_;
  absl::Status status_;
  uint64_t replaced_ = 0;
};

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_ACCOUNT_COMMANDS_H_
