#include "domain/sequencer.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "domain/limits.h"
#include "domain/log_catch_up.h"
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
  if (state.next_audit_id() == 0) state.set_next_audit_id(1);
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
                                                            const Clock& clock,
                                                            const tlog::LeafHasher& leaf_hasher) {
  ASSIGN_OR_RETURN(storage::v1::SequencerState state, LoadState(store));
  if (!store.write_stopped()) {  // a read-only store is never caught up
    ASSIGN_OR_RETURN(state, CatchUpLog(store, leaf_hasher, std::move(state)));
  }
  return std::unique_ptr<Sequencer>(new Sequencer(store, clock, leaf_hasher, std::move(state)));
}

// An applied group on its way to the committer.
struct Sequencer::Group {
  Group(std::deque<Command*> commands, storage::WriteBatch batch, uint64_t generation)
      : commands(std::move(commands)), batch(std::move(batch)), generation(generation) {}
  std::deque<Command*> commands;
  storage::WriteBatch batch;
  // The RecoverWrites generation it was applied in; a group applied before
  // a recovery is never committed after it.
  uint64_t generation;
  std::unique_ptr<UnitOfWork> work;
};

Sequencer::Sequencer(storage::Store& store, const Clock& clock,
                     const tlog::LeafHasher& leaf_hasher, storage::v1::SequencerState state)
    : store_(store), clock_(clock), leaf_hasher_(leaf_hasher), state_(state) {
  applier_ = std::thread([this] { ApplyLoop(); });
  committer_ = std::thread([this] { CommitLoop(); });
}

Sequencer::~Sequencer() { Stop(); }

void Sequencer::Stop() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  if (applier_.joinable()) applier_.join();
  if (committer_.joinable()) committer_.join();
}

static absl::Status StoppedError(const storage::Store& store) {
  if (store.write_stop_recoverable()) {
    return absl::UnavailableError(
        "the ledger's disk is full: writes resume by themselves once space is freed; "
        "retry with backoff");
  }
  return absl::UnavailableError(
      "the ledger stopped accepting writes after a storage failure; an operator must "
      "restart the server once the disk is healthy");
}

absl::Status Sequencer::Execute(Command& command) {
  if (store_.write_stopped()) return StoppedError(store_);
  {
    absl::MutexLock lock(&mutex_);
    if (stopping_) return absl::UnavailableError("the server is shutting down");
    if (!first_failure_.ok()) return StoppedError(store_);
    if (queued_entries_ + command.weight() > kMaxQueuedEntries && !queue_.empty()) {
      return absl::UnavailableError("the ledger is overloaded; retry with backoff");
    }
    queued_entries_ += command.weight();
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

std::deque<Command*> Sequencer::TakeCommands() {
  std::deque<Command*> commands;
  absl::MutexLock lock(&mutex_);
  mutex_.Await(absl::Condition(
      +[](Sequencer* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mutex_) {
        return !self->queue_.empty() || self->stopping_;
      },
      this));
  size_t entries = 0;
  while (!queue_.empty() && commands.size() < kMaxCommandsPerGroup) {
    const size_t weight = queue_.front()->weight();
    if (!commands.empty() && entries + weight > kMaxEntriesPerGroup) break;
    entries += weight;
    queued_entries_ -= weight;
    commands.push_back(queue_.front());
    queue_.pop_front();
  }
  return commands;
}

void Sequencer::ApplyLoop() {
  std::shared_ptr<Group> previous;
  storage::v1::SequencerState state;
  uint64_t generation = 0;
  bool started = false;
  for (std::deque<Command*> commands = TakeCommands(); !commands.empty();
       commands = TakeCommands()) {
    bool previous_uncommitted;
    absl::Status failure;
    {
      // At most one group (the previous) may still be committing.
      absl::MutexLock lock(&mutex_);
      mutex_.Await(absl::Condition(
          +[](Sequencer* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mutex_) {
            return self->groups_done_ + 1 >= self->groups_applied_;
          },
          this));
      previous_uncommitted = groups_done_ < groups_applied_;
      failure = first_failure_;
      // RecoverWrites waits for this group to reach the committer, so it
      // can never resume storage underneath a group built before a failure.
      applying_ = failure.ok();
      if (!started || generation != generation_) {
        // First group, or after RecoverWrites: from the last committed
        // state (failed groups' ids are never used, so no gaps).
        started = true;
        generation = generation_;
        state = state_;
        previous.reset();
        previous_uncommitted = false;
      }
    }
    if (!failure.ok()) {
      // Storage stopped: nothing can commit until it recovers.
      for (Command* command : commands) {
        command->commit_status_ = failure;
        command->done_.Notify();
      }
      continue;
    }
    auto group = std::make_shared<Group>(std::move(commands), store_.NewBatch(), generation);
    // Never earlier than the last group, so recorded_at follows entry order.
    const absl::Time now = std::max(clock_.Now(), FromTimestamp(state.last_commit_at()));
    group->work = std::make_unique<UnitOfWork>(
        store_, group->batch, state, now, leaf_hasher_,
        previous_uncommitted ? previous->work.get() : nullptr);
    for (Command* command : group->commands) {
      command->Apply(*group->work);
      if (command->audit_.has_value()) {
        admin::v1::AuditRecord record = *std::move(command->audit_);
        command->audit_.reset();
        record.set_result_code(static_cast<int32_t>(command->result().code()));
        if (record.target().empty()) record.set_target(command->audit_target());
        group->work->AppendAudit(std::move(record));
      }
    }
    group->work->Finish();
    state = group->work->state();
    {
      absl::MutexLock lock(&mutex_);
      to_commit_.push_back(group);
      ++groups_applied_;
      applying_ = false;
    }
    previous = std::move(group);
  }
  absl::MutexLock lock(&mutex_);
  applier_done_ = true;
}

absl::Status Sequencer::RecoverWrites() {
  absl::MutexLock lock(&mutex_);
  if (first_failure_.ok() && !store_.write_stopped()) return absl::OkStatus();
  // Every group applied before or after the failure — including one the
  // applier is applying right now — has reached the committer and failed.
  mutex_.Await(absl::Condition(
      +[](Sequencer* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mutex_) {
        return self->groups_done_ == self->groups_applied_ && !self->applying_;
      },
      this));
  // Still holding the lock (RocksDB's Resume flushes the memtables, which
  // can take a few seconds): no group can be applied or handed to the
  // committer while storage resumes.
  absl::Status resumed = store_.ResumeWrites();
  if (!resumed.ok()) return resumed;
  first_failure_ = absl::OkStatus();
  ++generation_;
  return absl::OkStatus();
}

void Sequencer::CommitLoop() {
  for (;;) {
    std::shared_ptr<Group> group;
    absl::Status status;
    {
      absl::MutexLock lock(&mutex_);
      mutex_.Await(absl::Condition(
          +[](Sequencer* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mutex_) {
            return !self->to_commit_.empty() || self->applier_done_;
          },
          this));
      if (to_commit_.empty()) return;  // the applier is done and so are we
      group = std::move(to_commit_.front());
      to_commit_.pop_front();
      status = first_failure_;
      if (status.ok() && group->generation != generation_) {
        // Cannot happen (RecoverWrites waits for the applier); never commit
        // a group built on state from before a recovery.
        status = absl::InternalError("a group from before a storage recovery was discarded");
      }
    }
    if (status.ok() && group->batch.Count() > 0) status = store_.Commit(group->batch);
    {
      absl::MutexLock lock(&mutex_);
      if (status.ok()) {
        state_ = group->work->state();
        ++stats_.groups_committed;
        stats_.commands_applied += group->commands.size();
      } else if (first_failure_.ok()) {
        first_failure_ = status;
      }
      ++groups_done_;
    }
    for (Command* command : group->commands) {
      command->commit_status_ = status;
      command->done_.Notify();
    }
  }
}

}  // namespace creditbank::domain
