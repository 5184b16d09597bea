// Core: the accounts, institutions and ledger over one embedded store, in
// process. It checks every request field, hands mutations to the Sequencer
// (group commit, one synced batch per group) and answers reads from the
// store directly. Implements CoreClient, the interface later services use.
//
//   ASSIGN_OR_RETURN(auto store, storage::Store::Open({.path = dir}));
//   ASSIGN_OR_RETURN(auto core, Core::Open(std::move(store), keys, clock));
//   ASSIGN_OR_RETURN(auto response, core->RecordOutcome(request));
#ifndef CREDITBANK_DOMAIN_CORE_H_
#define CREDITBANK_DOMAIN_CORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "creditbank/admin/v1/admin.pb.h"
#include "common/clock.h"
#include "domain/account_commands.h"
#include "domain/core_client.h"
#include "domain/crypto/key_ring.h"
#include "domain/institution_commands.h"
#include "domain/sequencer.h"
#include "domain/tlog/leaf.h"
#include "domain/transparency_log.h"
#include "storage/store.h"

namespace creditbank::domain {

class Core final : public CoreClient {
 public:
  // `log_origin`: the transparency log's name in its checkpoints.
  static absl::StatusOr<std::unique_ptr<Core>> Open(
      std::unique_ptr<storage::Store> store, KeyRing keys, const Clock& clock,
      std::string log_origin = std::string(kDefaultLogOrigin));
  ~Core() override;

  // Commits everything queued, then refuses writes (UNAVAILABLE). Reads go on.
  void StopWrites();
  // After storage stopped on a full disk: takes writes again once there is
  // space (see Sequencer::RecoverWrites). FAILED_PRECONDITION when the stop
  // needs a restart.
  absl::Status RecoverStorage() { return sequencer_->RecoverWrites(); }
  storage::Store& store() { return *store_; }
  // Runs a command of another service that shares this process's store
  // (the rules service's RowsCommand), with the audit record of the call
  // this thread serves. OK: durable; the command's own result says more.
  absl::Status Execute(Command& command) { return Run(command); }
  SequencerStats sequencer_stats() const { return sequencer_->stats(); }
  // The transparency log of this core's ledger (creditbank.log.v1).
  const TransparencyLog& log() const { return *log_; }
  const tlog::LeafHasher& leaf_hasher() const { return *leaf_hasher_; }
  // Seals the transcripts service's signing keys in this store.
  const std::string& transcript_key_encryption_key() const {
    return keys_.transcript_key_encryption_key;
  }

  absl::StatusOr<accounts::v1::OpenAccountResponse> OpenAccount(
      const accounts::v1::OpenAccountRequest& request) override;
  absl::StatusOr<accounts::v1::Account> GetAccount(
      const accounts::v1::GetAccountRequest& request) override;
  absl::StatusOr<accounts::v1::Account> FreezeAccount(
      const accounts::v1::ChangeAccountStatusRequest& request) override;
  absl::StatusOr<accounts::v1::Account> UnfreezeAccount(
      const accounts::v1::ChangeAccountStatusRequest& request) override;
  absl::StatusOr<accounts::v1::Account> CloseAccount(
      const accounts::v1::ChangeAccountStatusRequest& request) override;

  absl::StatusOr<institutions::v1::Institution> RegisterInstitution(
      const institutions::v1::RegisterInstitutionRequest& request) override;
  absl::StatusOr<institutions::v1::Institution> AccreditInstitution(
      const institutions::v1::AccreditInstitutionRequest& request) override;
  absl::StatusOr<institutions::v1::Institution> SuspendInstitution(
      const institutions::v1::ChangeInstitutionStatusRequest& request) override;
  absl::StatusOr<institutions::v1::Institution> ReinstateInstitution(
      const institutions::v1::ChangeInstitutionStatusRequest& request) override;
  absl::StatusOr<institutions::v1::Institution> GetInstitution(
      const institutions::v1::GetInstitutionRequest& request) override;
  absl::StatusOr<institutions::v1::ListInstitutionsResponse> ListInstitutions(
      const institutions::v1::ListInstitutionsRequest& request) override;

  absl::StatusOr<ledger::v1::RecordOutcomeResponse> RecordOutcome(
      const ledger::v1::RecordOutcomeRequest& request) override;
  absl::StatusOr<ledger::v1::RecordOutcomesResponse> RecordOutcomes(
      const ledger::v1::RecordOutcomesRequest& request) override;
  absl::StatusOr<ledger::v1::RecordOutcomeResponse> ReverseEntry(
      const ledger::v1::ReverseEntryRequest& request) override;
  absl::StatusOr<ledger::v1::Entry> GetEntry(const ledger::v1::GetEntryRequest& request) override;
  absl::StatusOr<ledger::v1::ListEntriesResponse> ListEntries(
      const ledger::v1::ListEntriesRequest& request) override;
  absl::StatusOr<ledger::v1::GetBalancesResponse> GetBalances(
      const ledger::v1::GetBalancesRequest& request) override;
  absl::StatusOr<ledger::v1::CheckConsistencyResponse> CheckConsistency(
      const ledger::v1::CheckConsistencyRequest& request) override;

  // Administration (core_admin.cc). In process only: each process keeps
  // its own audit log and backups.
  // Appends an audit record (durable on OK); returns its id.
  absl::StatusOr<uint64_t> AppendAudit(admin::v1::AuditRecord record);
  absl::StatusOr<admin::v1::QueryAuditResponse> QueryAudit(
      const admin::v1::QueryAuditRequest& request) const;
  // Seals again under the active key every account sealed with an older one.
  absl::StatusOr<admin::v1::ReencryptPersonalDetailsResponse> ReencryptPersonalDetails();

 private:
  Core(std::unique_ptr<storage::Store> store, KeyRing keys, const Clock& clock,
       std::unique_ptr<tlog::LeafHasher> leaf_hasher, std::unique_ptr<Sequencer> sequencer);

  // Hands `command` to the sequencer, with the audit record of the call
  // this thread serves, if any (ScopedAuditContext), so that the record
  // commits in the same batch.
  absl::Status Run(Command& command);

  absl::StatusOr<accounts::v1::Account> ChangeAccountStatus(
      const accounts::v1::ChangeAccountStatusRequest& request, AccountTransition transition);
  absl::StatusOr<institutions::v1::Institution> ChangeInstitution(
      const institutions::v1::ChangeInstitutionStatusRequest& request, InstitutionChange change);
  // The API view of a stored account, personal details decrypted.
  absl::StatusOr<accounts::v1::Account> ToAccount(const storage::v1::AccountRecord& record) const;
  // The account with this (valid) number; NOT_FOUND naming `field`.
  absl::StatusOr<storage::v1::AccountRecord> LoadAccount(
      uint64_t account_number, absl::string_view field,
      const storage::Snapshot* snapshot = nullptr) const;
  // Fills reversed_by_entry_id from the reversal index.
  absl::Status AddReversedBy(ledger::v1::Entry& entry, const storage::Snapshot* snapshot) const;

  std::unique_ptr<storage::Store> store_;
  const KeyRing keys_;
  const std::string account_number_key_;
  const Clock& clock_;
  // Before the sequencer, which uses it, so that it outlives it.
  const std::unique_ptr<tlog::LeafHasher> leaf_hasher_;
  std::unique_ptr<Sequencer> sequencer_;
  std::unique_ptr<TransparencyLog> log_;
};

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_CORE_H_
