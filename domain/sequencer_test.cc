// The single writer: group commit, gap-free entry ids under concurrency,
// monotonic group time, stop, counters checked at start, fail-stop after a
// commit that really failed.
#include "domain/sequencer.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <numeric>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/clock.h"
#include "domain/validation/dates.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/keys.h"
#include "storage/store.h"
#include "tests/testing/file_size_limit.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace creditbank::domain {
namespace {

using ::creditbank::testing::FixtureNow;
using ::creditbank::testing::IsOk;
using ::creditbank::testing::StatusIs;
using ::creditbank::testing::TempDir;
using ::testing::HasSubstr;

constexpr uint64_t kAccount = 6217000000000014ULL;

// Appends `count` entries (each `padding_bytes` long) to one account and
// remembers their ids and the group's time.
class AppendCommand final : public Command {
 public:
  explicit AppendCommand(int count = 1, size_t padding_bytes = 0)
      : count_(count), padding_bytes_(padding_bytes) {}
  void Apply(UnitOfWork& work) override {
    now_ = work.now();
    for (int i = 0; i < count_; ++i) {
      ledger::v1::Entry entry;
      entry.set_institution_code("4150013588");
      entry.mutable_outcome()->set_account_number("6217000000000014");
      entry.mutable_outcome()->set_title(std::string(padding_bytes_, 'x'));
      ids_.push_back(work.AppendEntry(kAccount, std::move(entry)));
    }
  }
  size_t weight() const override { return count_; }
  const std::vector<uint64_t>& ids() const { return ids_; }
  absl::Time now() const { return now_; }

 private:
  const int count_;
  const size_t padding_bytes_;
  std::vector<uint64_t> ids_;
  absl::Time now_;
};

// Blocks the writer inside Apply until released.
class GateCommand final : public Command {
 public:
  void Apply(UnitOfWork& work) override {
    entered_.Notify();
    release_.WaitForNotification();
    append_.Apply(work);
  }
  absl::Notification entered_;
  absl::Notification release_;
  AppendCommand append_;
};

// Stages nothing.
class NoopCommand final : public Command {
 public:
  void Apply(UnitOfWork&) override { applied_ = true; }
  bool applied_ = false;
};

// Each Now() is one second after the previous one, so each group (which
// reads the clock once) gets its own time.
class TickingClock final : public Clock {
 public:
  absl::Time Now() const override { return FixtureNow() + absl::Seconds(ticks_++); }

 private:
  mutable std::atomic<int64_t> ticks_{0};
};

class SequencerTest : public ::testing::Test {
 protected:
  void SetUp() override { OpenStore(); }
  void OpenStore() {
    storage::StoreOptions options;
    options.path = dir_.File("data");
    options.block_cache_bytes = 8 << 20;
    options.write_buffer_bytes = 4 << 20;
    ASSERT_OK_AND_ASSIGN(store_, storage::Store::Open(options));
  }
  std::unique_ptr<Sequencer> StartOrDie(const Clock& clock) {
    absl::StatusOr<std::unique_ptr<Sequencer>> sequencer = Sequencer::Start(*store_, clock, leaf_hasher_);
    EXPECT_THAT(sequencer, IsOk());
    return sequencer.ok() ? *std::move(sequencer) : nullptr;
  }
  std::vector<uint64_t> StoredEntryIds() {
    std::vector<uint64_t> ids;
    std::unique_ptr<storage::Cursor> cursor = store_->Scan(storage::Table::kEntries, "", "");
    for (; cursor->Valid(); cursor->Next()) ids.push_back(*storage::ReadUint64(cursor->key(), 0));
    return ids;
  }
  void PutState(const std::string& bytes) {
    storage::WriteBatch batch = store_->NewBatch();
    batch.Put(storage::Table::kMeta, storage::kSequencerStateKey, bytes);
    ASSERT_THAT(store_->Commit(batch), IsOk());
  }

  TempDir dir_;
  FakeClock clock_{FixtureNow()};
  tlog::LeafHasher leaf_hasher_{std::string(32, 'k')};
  std::unique_ptr<storage::Store> store_;
};

TEST_F(SequencerTest, FirstEntryIsOneAndCountersPersist) {
  {
    std::unique_ptr<Sequencer> sequencer = StartOrDie(clock_);
    ASSERT_NE(sequencer, nullptr);
    EXPECT_EQ(sequencer->state().next_entry_id(), 1u);
    EXPECT_EQ(sequencer->state().next_account_serial(), 1u);
    AppendCommand command(3);
    ASSERT_THAT(sequencer->Execute(command), IsOk());
    EXPECT_EQ(command.ids(), (std::vector<uint64_t>{1, 2, 3}));
    EXPECT_EQ(command.now(), FixtureNow());
    EXPECT_EQ(sequencer->state().next_entry_id(), 4u);
    EXPECT_EQ(FromTimestamp(sequencer->state().last_commit_at()), FixtureNow());
  }
  EXPECT_EQ(StoredEntryIds(), (std::vector<uint64_t>{1, 2, 3}));
  absl::StatusOr<std::optional<std::string>> indexed = store_->Get(
      storage::Table::kAccountEntries, storage::AccountEntryKey(kAccount, 2));
  ASSERT_THAT(indexed, IsOk());
  EXPECT_TRUE(indexed->has_value());

  // A new sequencer over the same store continues the sequence.
  std::unique_ptr<Sequencer> restarted = StartOrDie(clock_);
  ASSERT_NE(restarted, nullptr);
  EXPECT_EQ(restarted->state().next_entry_id(), 4u);
  AppendCommand next;
  ASSERT_THAT(restarted->Execute(next), IsOk());
  EXPECT_EQ(next.ids(), (std::vector<uint64_t>{4}));
}

TEST_F(SequencerTest, ConcurrentCommandsGetUniqueGapFreeIds) {
  std::unique_ptr<Sequencer> sequencer = StartOrDie(clock_);
  ASSERT_NE(sequencer, nullptr);
  constexpr int kThreads = 8;
  constexpr int kCommandsPerThread = 40;
  std::vector<std::vector<std::unique_ptr<AppendCommand>>> commands(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCommandsPerThread; ++i) {
        auto command = std::make_unique<AppendCommand>(1 + (t + i) % 3);
        EXPECT_THAT(sequencer->Execute(*command), IsOk());
        commands[t].push_back(std::move(command));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  std::vector<uint64_t> all;
  for (const auto& per_thread : commands) {
    uint64_t previous_last = 0;
    for (const auto& command : per_thread) {
      const std::vector<uint64_t>& ids = command->ids();
      ASSERT_FALSE(ids.empty());
      // A command's entries are consecutive...
      for (size_t k = 1; k < ids.size(); ++k) EXPECT_EQ(ids[k], ids[k - 1] + 1);
      // ...and one caller's later command comes after its earlier one.
      EXPECT_GT(ids.front(), previous_last);
      previous_last = ids.back();
      all.insert(all.end(), ids.begin(), ids.end());
    }
  }
  std::sort(all.begin(), all.end());
  std::vector<uint64_t> expected(all.size());
  std::iota(expected.begin(), expected.end(), 1);
  EXPECT_EQ(all, expected);  // unique and gap-free
  EXPECT_EQ(StoredEntryIds(), expected);
  EXPECT_EQ(sequencer->state().next_entry_id(), all.size() + 1);
  EXPECT_EQ(sequencer->stats().commands_applied, uint64_t{kThreads * kCommandsPerThread});
}

TEST_F(SequencerTest, CommandsQueuedBehindABusyGroupCommitTogether) {
  TickingClock clock;
  std::unique_ptr<Sequencer> sequencer = StartOrDie(clock);
  ASSERT_NE(sequencer, nullptr);
  GateCommand gate;
  std::thread gate_thread([&] { EXPECT_THAT(sequencer->Execute(gate), IsOk()); });
  gate.entered_.WaitForNotification();

  constexpr int kWaiting = 6;
  std::vector<AppendCommand> waiting(kWaiting);
  std::atomic<int> started{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kWaiting; ++i) {
    threads.emplace_back([&, i] {
      started.fetch_add(1);
      EXPECT_THAT(sequencer->Execute(waiting[i]), IsOk());
    });
  }
  while (started.load() < kWaiting) absl::SleepFor(absl::Milliseconds(1));
  // Time for each thread to get from `started` into the queue (a few
  // instructions); generous for a loaded two-core machine.
  absl::SleepFor(absl::Milliseconds(200));
  gate.release_.Notify();
  gate_thread.join();
  for (std::thread& thread : threads) thread.join();

  EXPECT_EQ(gate.append_.ids(), (std::vector<uint64_t>{1}));
  std::set<absl::Time> group_times;
  std::vector<uint64_t> ids;
  for (const AppendCommand& command : waiting) {
    group_times.insert(command.now());
    ids.push_back(command.ids()[0]);
  }
  EXPECT_EQ(group_times.size(), 1u) << "the waiting commands should share one group";
  EXPECT_GT(*group_times.begin(), gate.append_.now());
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<uint64_t>{2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(sequencer->stats().groups_committed, 2u);
  EXPECT_EQ(sequencer->stats().commands_applied, uint64_t{kWaiting + 1});
}

TEST_F(SequencerTest, GroupTimeNeverGoesBackwards) {
  {
    std::unique_ptr<Sequencer> sequencer = StartOrDie(clock_);
    ASSERT_NE(sequencer, nullptr);
    AppendCommand first;
    ASSERT_THAT(sequencer->Execute(first), IsOk());
    EXPECT_EQ(first.now(), FixtureNow());

    clock_.Advance(-absl::Hours(1));  // the wall clock steps back
    AppendCommand second;
    ASSERT_THAT(sequencer->Execute(second), IsOk());
    EXPECT_EQ(second.now(), FixtureNow());
  }
  // Also across a restart: last_commit_at is stored.
  std::unique_ptr<Sequencer> restarted = StartOrDie(clock_);
  ASSERT_NE(restarted, nullptr);
  AppendCommand third;
  ASSERT_THAT(restarted->Execute(third), IsOk());
  EXPECT_EQ(third.now(), FixtureNow());

  clock_.Set(FixtureNow() + absl::Minutes(5));
  AppendCommand fourth;
  ASSERT_THAT(restarted->Execute(fourth), IsOk());
  EXPECT_EQ(fourth.now(), FixtureNow() + absl::Minutes(5));
}

TEST_F(SequencerTest, GroupThatStagesNothingWritesNothing) {
  std::unique_ptr<Sequencer> sequencer = StartOrDie(clock_);
  ASSERT_NE(sequencer, nullptr);
  NoopCommand noop;
  ASSERT_THAT(sequencer->Execute(noop), IsOk());
  EXPECT_TRUE(noop.applied_);
  absl::StatusOr<std::optional<std::string>> state =
      store_->Get(storage::Table::kMeta, storage::kSequencerStateKey);
  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(*state, std::nullopt);
}

TEST_F(SequencerTest, StopFinishesQueuedWorkThenRefuses) {
  std::unique_ptr<Sequencer> sequencer = StartOrDie(clock_);
  ASSERT_NE(sequencer, nullptr);
  GateCommand gate;
  std::thread gate_thread([&] { EXPECT_THAT(sequencer->Execute(gate), IsOk()); });
  gate.entered_.WaitForNotification();
  std::thread stopper([&] { sequencer->Stop(); });
  // Stop waits for the group in progress.
  absl::SleepFor(absl::Milliseconds(50));
  gate.release_.Notify();
  stopper.join();
  gate_thread.join();
  EXPECT_EQ(gate.append_.ids(), (std::vector<uint64_t>{1}));
  EXPECT_EQ(StoredEntryIds(), (std::vector<uint64_t>{1}));

  AppendCommand late;
  const absl::Status status = sequencer->Execute(late);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(std::string(status.message()), HasSubstr("shutting down"));
  EXPECT_TRUE(late.ids().empty());
  sequencer->Stop();  // a second Stop is harmless
}

TEST_F(SequencerTest, StartRefusesCountersThatDisagreeWithTheEntries) {
  storage::v1::SequencerState state;
  state.set_next_entry_id(5);  // but no entries are stored
  PutState(state.SerializeAsString());
  absl::StatusOr<std::unique_ptr<Sequencer>> sequencer = Sequencer::Start(*store_, clock_, leaf_hasher_);
  EXPECT_THAT(sequencer, StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(std::string(sequencer.status().message()),
              HasSubstr("the next entry id is 5 but the last stored entry is 0"));
}

TEST_F(SequencerTest, StartRefusesAnEntryWrittenBehindItsBack) {
  {
    std::unique_ptr<Sequencer> sequencer = StartOrDie(clock_);
    ASSERT_NE(sequencer, nullptr);
    AppendCommand command(2);
    ASSERT_THAT(sequencer->Execute(command), IsOk());
  }
  storage::WriteBatch batch = store_->NewBatch();
  batch.Put(storage::Table::kEntries, storage::EntryKey(3), "stray");
  ASSERT_THAT(store_->Commit(batch), IsOk());
  EXPECT_THAT(Sequencer::Start(*store_, clock_, leaf_hasher_), StatusIs(absl::StatusCode::kDataLoss));
}

TEST_F(SequencerTest, StartRefusesADamagedState) {
  PutState("\xff\xff\xff\xff");
  EXPECT_THAT(Sequencer::Start(*store_, clock_, leaf_hasher_), StatusIs(absl::StatusCode::kDataLoss));
}

TEST_F(SequencerTest, FailedCommitFailsTheGroupAndStopsWrites) {
  const std::string path = dir_.File("data");
  std::unique_ptr<Sequencer> sequencer = StartOrDie(clock_);
  ASSERT_NE(sequencer, nullptr);
  AppendCommand first;
  ASSERT_THAT(sequencer->Execute(first), IsOk());

  AppendCommand big(1, 2 << 20);  // a 2 MiB entry
  absl::Status failed;
  {
    creditbank::testing::FileSizeLimit limit(creditbank::testing::LargestFileBytes(path) +
                                             (256 << 10));
    failed = sequencer->Execute(big);
  }
  EXPECT_THAT(failed, StatusIs(absl::StatusCode::kUnavailable));
  // The failed group did not move the counters.
  EXPECT_EQ(sequencer->state().next_entry_id(), 2u);

  AppendCommand after;
  const absl::Status refused = sequencer->Execute(after);
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(std::string(refused.message()), HasSubstr("stopped accepting writes"));
  EXPECT_TRUE(after.ids().empty());

  // After a restart the sequence continues where the durable data ends.
  sequencer.reset();
  store_.reset();
  OpenStore();
  sequencer = StartOrDie(clock_);
  ASSERT_NE(sequencer, nullptr);
  EXPECT_EQ(StoredEntryIds(), (std::vector<uint64_t>{1}));
  AppendCommand retried;
  ASSERT_THAT(sequencer->Execute(retried), IsOk());
  EXPECT_EQ(retried.ids(), (std::vector<uint64_t>{2}));
}

// A real store whose next commit fails as a full disk would (recoverable),
// optionally only once `fail_when` is notified; ResumeWrites undoes it.
class FullDiskStore final : public storage::Store {
 public:
  explicit FullDiskStore(storage::Store& real) : real_(real) {}
  absl::StatusOr<std::optional<std::string>> Get(storage::Table table, absl::string_view key,
                                                 const storage::Snapshot* snapshot) const override {
    return real_.Get(table, key, snapshot);
  }
  std::vector<absl::StatusOr<std::optional<std::string>>> MultiGet(
      storage::Table table, const std::vector<std::string>& keys) const override {
    return real_.MultiGet(table, keys);
  }
  std::unique_ptr<storage::Cursor> Scan(storage::Table table, absl::string_view lower,
                                        absl::string_view upper,
                                        const storage::Snapshot* snapshot) const override {
    return real_.Scan(table, lower, upper, snapshot);
  }
  absl::StatusOr<std::optional<std::string>> LastKey(storage::Table table) const override {
    return real_.LastKey(table);
  }
  std::unique_ptr<storage::Snapshot> TakeSnapshot() const override {
    return real_.TakeSnapshot();
  }
  storage::WriteBatch NewBatch() const override { return real_.NewBatch(); }
  absl::Status Flush() override { return real_.Flush(); }
  absl::StatusOr<storage::BackupInfo> CreateBackup(const std::string& backup_dir) override {
    return real_.CreateBackup(backup_dir);
  }

  absl::Status Commit(storage::WriteBatch& batch) override {
    if (fail_next_.exchange(false)) {
      failing_commit_entered_.Notify();
      if (fail_when_ != nullptr) fail_when_->WaitForNotification();
      stopped_ = true;
      return absl::ResourceExhaustedError("storage commit: no space left on device (test)");
    }
    if (stopped_) return absl::UnavailableError("storage stopped (test)");
    return real_.Commit(batch);
  }
  bool write_stopped() const override { return stopped_; }
  bool write_stop_recoverable() const override { return stopped_; }
  absl::Status ResumeWrites() override {
    stopped_ = false;
    return absl::OkStatus();
  }

  void FailNextCommit(absl::Notification* when) {
    fail_when_ = when;
    fail_next_ = true;
  }
  absl::Notification failing_commit_entered_;

 private:
  storage::Store& real_;
  std::atomic<bool> fail_next_{false};
  std::atomic<bool> stopped_{false};
  absl::Notification* fail_when_ = nullptr;
};

// Group N fails on a full disk while group N+1, built on N's staged
// writes, is still being applied; a recovery attempted meanwhile must wait
// for N+1 to reach the committer and fail, so that nothing built on the
// failed group is ever committed and entry ids stay gap-free.
TEST_F(SequencerTest, RecoveryNeverCommitsAGroupBuiltOnAFailedOne) {
  FullDiskStore store(*store_);
  absl::StatusOr<std::unique_ptr<Sequencer>> started = Sequencer::Start(store, clock_, leaf_hasher_);
  ASSERT_THAT(started, IsOk());
  std::unique_ptr<Sequencer> sequencer = *std::move(started);

  absl::Notification second_group_applying;
  store.FailNextCommit(&second_group_applying);
  AppendCommand first;
  absl::Status first_status;
  std::thread first_writer([&] { first_status = sequencer->Execute(first); });
  store.failing_commit_entered_.WaitForNotification();  // the first group is committing
  GateCommand second;  // applied on top of the first while it commits
  absl::Status second_status;
  std::thread second_writer([&] { second_status = sequencer->Execute(second); });
  second.entered_.WaitForNotification();
  second_group_applying.Notify();  // now the first group's commit fails
  first_writer.join();
  EXPECT_THAT(first_status, StatusIs(absl::StatusCode::kResourceExhausted));

  std::atomic<bool> recovered{false};
  absl::Status recovery;
  std::thread recoverer([&] {
    recovery = sequencer->RecoverWrites();
    recovered = true;
  });
  absl::SleepFor(absl::Milliseconds(200));
  EXPECT_FALSE(recovered) << "recovery ran while a group built on the failed one was applying";
  second.release_.Notify();
  second_writer.join();
  recoverer.join();
  EXPECT_THAT(recovery, IsOk());
  EXPECT_THAT(second_status, StatusIs(absl::StatusCode::kResourceExhausted));

  // After recovery the ids of the failed groups are used again: no gap.
  AppendCommand third;
  ASSERT_THAT(sequencer->Execute(third), IsOk());
  EXPECT_EQ(third.ids(), (std::vector<uint64_t>{1}));
  sequencer.reset();
  EXPECT_EQ(StoredEntryIds(), (std::vector<uint64_t>{1}));
}

}  // namespace
}  // namespace creditbank::domain
