#include "domain/sequencer.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "domain/limits.h"
#include "domain/validation/dates.h"
#include "storage/keys.h"

namespace creditbank::domain {
namespace {

// Reads the counters and checks them against the entries actually stored:
// they are written in the same batch, so any disagreement is damage.
absl::StatusOr<storage::v1::SequencerState> LoadState(const storage::Store& store) {
  storage::v1::SequencerState state;
  ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                   store.Get(storage::Table::kMeta, storage::kSequencerStateKey));
  if (bytes && !state.ParseFromString(*bytes)) {
    return absl::DataLossError("stored sequencer state does not parse");
  }
  if (state.next_entry_id() == 0) state.set_next_entry_id(1);
  if (state.next_account_serial() == 0) state.set_next_account_serial(1);
  ASSIGN_OR_RETURN(std::optional<std::string> last_key,
                   store.LastKey(storage::Table::kEntries));
  const uint64_t last_entry_id = last_key ? storage::ReadUint64(*last_key, 0).value_or(0) : 0;
  if (last_entry_id + 1 != state.next_entry_id()) {
    return absl::DataLossError(absl::StrCat(
        "sequencer state says the next entry id is ", state.next_entry_id(),
        " but the last stored entry is ", last_entry_id));
  }
  return state;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Sequencer>> Sequencer::Start(storage::Store& store,
                                                            const Clock& clock) {
  ASSIGN_OR_RETURN(storage::v1::SequencerState state, LoadState(store));
  return std::unique_ptr<Sequencer>(new Sequencer(store, clock, std::move(state)));
}

Sequencer::Sequencer(storage::Store& store, const Clock& clock,
                     storage::v1::SequencerState state)
    : store_(store), clock_(clock), state_(std::move(state)) {
  writer_ = std::thread([this] { Run(); });
}

Sequencer::~Sequencer() { Stop(); }

void Sequencer::Stop() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  if (writer_.joinable()) writer_.join();
}

absl::Status Sequencer::Execute(Command& command) {
  if (store_.write_stopped()) {
    return absl::UnavailableError(
        "the ledger stopped accepting writes after a storage failure; an operator must "
        "restart the server once the disk is healthy");
  }
  {
    absl::MutexLock lock(&mutex_);
    if (stopping_) return absl::UnavailableError("the server is shutting down");
    if (queue_.size() >= kMaxQueuedCommands) {
      return absl::UnavailableError("the ledger is overloaded; retry with backoff");
    }
    queue_.push_back(&command);
  }
  command.done_.WaitForNotification();
  return command.commit_status_;
}

SequencerStats Sequencer::stats() const {
  absl::MutexLock lock(&mutex_);
  return stats_;
}

storage::v1::SequencerState Sequencer::state() const {
  absl::MutexLock lock(&mutex_);
  return state_;
}

void Sequencer::Run() {
  for (;;) {
    std::deque<Command*> group;
    {
      absl::MutexLock lock(&mutex_);
      mutex_.Await(absl::Condition(
          +[](Sequencer* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mutex_) {
            return !self->queue_.empty() || self->stopping_;
          },
          this));
      if (queue_.empty()) return;  // stopping, and everything queued is done
      size_t entries = 0;
      while (!queue_.empty() && group.size() < kMaxCommandsPerGroup) {
        const size_t weight = queue_.front()->weight();
        if (!group.empty() && entries + weight > kMaxEntriesPerGroup) break;
        entries += weight;
        group.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    RunGroup(group);
  }
}

void Sequencer::RunGroup(std::deque<Command*>& group) {
  storage::v1::SequencerState state;
  {
    absl::MutexLock lock(&mutex_);
    state = state_;
  }
  // Never earlier than the last commit, so recorded_at follows entry order.
  const absl::Time now = std::max(clock_.Now(), FromTimestamp(state.last_commit_at()));
  storage::WriteBatch batch = store_.NewBatch();
  UnitOfWork work(store_, batch, state, now);
  for (Command* command : group) command->Apply(work);
  work.Finish();

  absl::Status status = absl::OkStatus();
  if (batch.Count() > 0) status = store_.Commit(batch);
  {
    absl::MutexLock lock(&mutex_);
    if (status.ok()) {
      state_ = work.state();
      ++stats_.groups_committed;
      stats_.commands_applied += group.size();
    }
  }
  for (Command* command : group) {
    command->commit_status_ = status;
    command->done_.Notify();
  }
}

}  // namespace creditbank::domain
