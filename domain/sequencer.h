// Sequencer: the single writer. Every mutation is a Command; concurrent
// callers' commands are grouped, applied one after another in arrival order
// against one UnitOfWork, and committed as one synced WriteBatch (group
// commit). Only after the batch is durable does any caller learn its result.
//
// Two threads form a pipeline: the applier applies group N+1 while the
// committer writes and syncs group N. Group N+1 reads N's staged writes
// through its UnitOfWork; the applier starts N+2 only once N is committed,
// so at most one group is ever uncommitted behind the one being applied.
// Groups commit in order; once a commit fails, every later group fails
// too (even one with nothing to write, which may have answered a retry
// from the failed group's writes) until RecoverWrites succeeds.
//
// Applying a group is deterministic: its outcome depends only on the stored
// state, the commands in order and the group's timestamp (taken once per
// group, never earlier than the last commit's), so the command stream could
// be replayed on a replica. Entry ids are the global sequence: 1, 2, 3, ...
// with no gaps.
//
//   RecordOutcomesCommand command(...);
//   RETURN_IF_ERROR(sequencer.Execute(command));  // durable on OK
//   ... command.results() ...
#ifndef CREDITBANK_DOMAIN_SEQUENCER_H_
#define CREDITBANK_DOMAIN_SEQUENCER_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "common/clock.h"
#include "creditbank/admin/v1/admin.pb.h"
#include "creditbank/storage/v1/records.pb.h"
#include "domain/tlog/leaf.h"
#include "domain/unit_of_work.h"
#include "storage/store.h"

namespace creditbank::domain {

class Command {
 public:
  virtual ~Command() = default;
  // Checks the command against `work`, then stages its writes. A command
  // that fails records its error in itself and stages nothing.
  virtual void Apply(UnitOfWork& work) = 0;
  // How many entries the command may write; bounds a group's size.
  virtual size_t weight() const { return 1; }
  // What the command decided (after Apply), for its audit record.
  virtual absl::Status result() const { return absl::OkStatus(); }
  // What it acted on, for an audit record that does not say yet (an
  // account opened: its number).
  virtual std::string audit_target() const { return ""; }

  // An audit record to append in the same group and batch, right after the
  // command is applied, with the command's result code: the audit record
  // of a change is durable exactly when the change is (audit_log.h).
  void AttachAudit(admin::v1::AuditRecord record) { audit_ = std::move(record); }

 private:
  friend class Sequencer;
  absl::Notification done_;
  absl::Status commit_status_;
  std::optional<admin::v1::AuditRecord> audit_;
};

struct SequencerStats {
  uint64_t groups_committed = 0;
  uint64_t commands_applied = 0;
};

class Sequencer {
 public:
  // Loads the counters, brings the transparency log up to the stored
  // entries (log_catch_up.h) and starts the applier and committer threads.
  // `leaf_hasher` makes every new entry's log leaf; it must outlive the
  // sequencer.
  static absl::StatusOr<std::unique_ptr<Sequencer>> Start(storage::Store& store,
                                                          const Clock& clock,
                                                          const tlog::LeafHasher& leaf_hasher);
  ~Sequencer();
  Sequencer(const Sequencer&) = delete;
  Sequencer& operator=(const Sequencer&) = delete;

  // Runs `command` in the next group and waits until the group is durable.
  // OK: the command was applied (its own result says whether it succeeded)
  // and everything it staged is durable. Not OK: the command's writes were
  // not acknowledged. UNAVAILABLE when stopping, overloaded or after an
  // earlier storage failure: nothing was written. The storage error when
  // this group's commit failed, or one before it (a group applied behind a
  // failed one gets that failure's status): the outcome is unknown (a WAL
  // record whose sync failed may still be replayed at restart), but the
  // store then refuses all writes, so nothing is built on it; a retry with
  // the same request id after the restart finds out which.
  absl::Status Execute(Command& command);

  // Applies and commits every queued command, then refuses new ones.
  void Stop();

  // After a failed commit that storage can recover from (a full disk whose
  // space returned): waits until every group in flight has been failed,
  // resumes storage writes and starts again from the last committed state,
  // so entry ids stay gap-free. OK when nothing had failed; the storage
  // error when it cannot resume yet.
  absl::Status RecoverWrites();

  SequencerStats stats() const;
  // The counters of the last committed group.
  storage::v1::SequencerState state() const;

 private:
  struct Group;

  Sequencer(storage::Store& store, const Clock& clock, const tlog::LeafHasher& leaf_hasher,
            storage::v1::SequencerState state);
  // The next group's commands; empty once stopping and the queue is drained.
  std::deque<Command*> TakeCommands();
  void ApplyLoop();
  void CommitLoop();

  storage::Store& store_;
  const Clock& clock_;
  const tlog::LeafHasher& leaf_hasher_;
  mutable absl::Mutex mutex_;
  std::deque<Command*> queue_ ABSL_GUARDED_BY(mutex_);
  size_t queued_entries_ ABSL_GUARDED_BY(mutex_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  // Applied groups waiting for the committer, oldest first.
  std::deque<std::shared_ptr<Group>> to_commit_ ABSL_GUARDED_BY(mutex_);
  uint64_t groups_applied_ ABSL_GUARDED_BY(mutex_) = 0;
  uint64_t groups_done_ ABSL_GUARDED_BY(mutex_) = 0;  // committed or failed
  bool applier_done_ ABSL_GUARDED_BY(mutex_) = false;
  absl::Status first_failure_ ABSL_GUARDED_BY(mutex_);
  // Bumped by RecoverWrites: the applier restarts from state_.
  uint64_t generation_ ABSL_GUARDED_BY(mutex_) = 0;
  // True while the applier applies a group it has not handed on yet.
  bool applying_ ABSL_GUARDED_BY(mutex_) = false;
  storage::v1::SequencerState state_ ABSL_GUARDED_BY(mutex_);
  SequencerStats stats_ ABSL_GUARDED_BY(mutex_);
  std::thread applier_;
  std::thread committer_;
};

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_SEQUENCER_H_
