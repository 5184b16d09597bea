// The ledger's commands: recording outcomes (one, a batch, atomic or not)
// and reversing an entry. Run by the Sequencer; see unit_of_work.h for the
// check-then-stage rule they follow.
#ifndef CREDITBANK_DOMAIN_LEDGER_COMMANDS_H_
#define CREDITBANK_DOMAIN_LEDGER_COMMANDS_H_

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "creditbank/ledger/v1/ledger.pb.h"
#include "domain/sequencer.h"

namespace creditbank::domain {

// One outcome, already checked field by field.
struct OutcomeItem {
  ledger::v1::Outcome outcome;
  uint64_t account_number = 0;
  std::string request_sha256;  // RequestDigest(outcome)
};

struct ItemResult {
  absl::Status status;  // field paths relative to the outcome
  uint64_t entry_id = 0;
  bool replayed = false;
};

// The digest that tells a retry (same content) from a reused request id.
std::string OutcomeDigest(const ledger::v1::Outcome& outcome);
std::string ReversalDigest(const ledger::v1::ReverseEntryRequest& request);

class RecordOutcomesCommand final : public Command {
 public:
  RecordOutcomesCommand(std::string institution_code, std::vector<OutcomeItem> items,
                        bool atomic);
  void Apply(UnitOfWork& work) override;
  size_t weight() const override { return items_.size(); }

  // Request-level error: the institution is unknown, or may not record and
  // no item was a retry, or (atomic) an item failed and nothing was
  // recorded. Item errors are in results().
  const absl::Status& status() const { return status_; }
  // The call's result for its audit record: the request-level error, else
  // OK (a batch reports item errors per item) — except for a single
  // outcome recorded by RecordOutcome, whose item error is the call's.
  absl::Status result() const override {
    if (!status_.ok() || !item_error_is_result_ || results_.size() != 1) return status_;
    return results_[0].status;
  }
  void ReportItemErrorAsResult() { item_error_is_result_ = true; }
  const std::vector<ItemResult>& results() const { return results_; }

 private:
  absl::Status CheckInstitution(UnitOfWork& work);
  ItemResult CheckItem(UnitOfWork& work, size_t index);
  void Stage(UnitOfWork& work, size_t index);

  const std::string institution_code_;
  std::vector<OutcomeItem> items_;
  const bool atomic_;
  const institutions::v1::Institution* institution_ = nullptr;
  absl::Status may_record_;  // whether the institution may record new outcomes
  absl::Status status_;
  bool item_error_is_result_ = false;
  std::vector<ItemResult> results_;
  // Items of this command that will be new entries, by request id: a
  // repeat inside the same batch replays the first.
  std::unordered_map<std::string, size_t> new_items_;
  std::vector<size_t> replay_of_;  // item index -> earlier item index, or npos
};

class ReverseEntryCommand final : public Command {
 public:
  ReverseEntryCommand(ledger::v1::ReverseEntryRequest request, uint64_t account_number);
  void Apply(UnitOfWork& work) override;

  const absl::Status& status() const { return status_; }
  absl::Status result() const override { return status_; }
  const ledger::v1::Entry& reversal() const { return reversal_; }
  bool replayed() const { return replayed_; }

 private:
  absl::Status Check(UnitOfWork& work, const ledger::v1::Entry** original);

  const ledger::v1::ReverseEntryRequest request_;
  const uint64_t account_number_;
  const std::string request_sha256_;
  absl::Status status_;
  ledger::v1::Entry reversal_;
  bool replayed_ = false;
};

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_LEDGER_COMMANDS_H_
