// Store over a real RocksDB in a temp dir: tables, atomic batches, cursors,
// snapshots, read-only and must-exist opens, and fail-stop after a commit
// that really failed (the WAL hits a file size limit).
#include "storage/store.h"
#include "tests/testing/small_store.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "creditbank/storage/v1/records.pb.h"
#include "storage/keys.h"
#include "storage/table.h"
#include "tests/testing/file_size_limit.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace creditbank::storage {
namespace {

using ::creditbank::testing::IsOk;
using ::creditbank::testing::StatusIs;
using ::creditbank::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;
using ::testing::Pair;

using ::creditbank::testing::OpenOrDie;
using ::creditbank::testing::SmallOptions;

std::vector<std::pair<std::string, std::string>> ReadAll(Cursor& cursor) {
  std::vector<std::pair<std::string, std::string>> rows;
  for (; cursor.Valid(); cursor.Next()) {
    rows.emplace_back(std::string(cursor.key()), std::string(cursor.value()));
  }
  EXPECT_THAT(cursor.status(), IsOk());
  return rows;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenOrDie(SmallOptions(path()));
    ASSERT_NE(store_, nullptr);
  }
  std::string path() const { return dir_.File("data"); }
  void Put(Table table, const std::string& key, const std::string& value) {
    WriteBatch batch = store_->NewBatch();
    batch.Put(table, key, value);
    ASSERT_THAT(store_->Commit(batch), IsOk());
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, GetOfAbsentKeyIsNullopt) {
  absl::StatusOr<std::optional<std::string>> value =
      store_->Get(Table::kAccounts, AccountKey(6217000000000014ULL));
  ASSERT_THAT(value, IsOk());
  EXPECT_EQ(*value, std::nullopt);
}

TEST_F(StoreTest, EveryTableKeepsItsOwnKeysAcrossReopen) {
  WriteBatch batch = store_->NewBatch();
  for (int t = 0; t < kTableCount; ++t) {
    batch.Put(static_cast<Table>(t), "same-key", absl::StrCat("value of ", kTableNames[t]));
  }
  EXPECT_EQ(batch.Count(), static_cast<size_t>(kTableCount));
  ASSERT_THAT(store_->Commit(batch), IsOk());

  store_.reset();
  store_ = OpenOrDie(SmallOptions(path()));
  ASSERT_NE(store_, nullptr);
  for (int t = 0; t < kTableCount; ++t) {
    absl::StatusOr<std::optional<std::string>> value =
        store_->Get(static_cast<Table>(t), "same-key");
    ASSERT_THAT(value, IsOk());
    EXPECT_THAT(*value, Optional(absl::StrCat("value of ", kTableNames[t])));
  }
}

TEST_F(StoreTest, BatchAppliesPutsAndDeletesTogether) {
  Put(Table::kInstitutions, "4150013588", "重庆工程职业技术学院");
  Put(Table::kInstitutions, "4150010617", "重庆大学");

  WriteBatch batch = store_->NewBatch();
  batch.Delete(Table::kInstitutions, "4150013588");
  batch.Put(Table::kInstitutions, "4150010635", "西南大学");
  batch.Put(Table::kInstitutions, "4150010617", "重庆大学（更名）");
  EXPECT_EQ(batch.Count(), 3u);
  EXPECT_GT(batch.ByteSize(), 0u);
  ASSERT_THAT(store_->Commit(batch), IsOk());

  std::unique_ptr<Cursor> cursor = store_->Scan(Table::kInstitutions, "", "");
  EXPECT_THAT(ReadAll(*cursor), ElementsAre(Pair("4150010617", "重庆大学（更名）"),
                                            Pair("4150010635", "西南大学")));
}

TEST_F(StoreTest, ClearedBatchWritesNothing) {
  WriteBatch batch = store_->NewBatch();
  batch.Put(Table::kEntries, EntryKey(1), "entry");
  batch.Clear();
  EXPECT_EQ(batch.Count(), 0u);
  ASSERT_THAT(store_->Commit(batch), IsOk());
  absl::StatusOr<std::optional<std::string>> value = store_->Get(Table::kEntries, EntryKey(1));
  ASSERT_THAT(value, IsOk());
  EXPECT_EQ(*value, std::nullopt);
}

TEST_F(StoreTest, MultiGetAnswersInKeyOrderWithGaps) {
  Put(Table::kEntries, EntryKey(1), "one");
  Put(Table::kEntries, EntryKey(3), "three");
  std::vector<absl::StatusOr<std::optional<std::string>>> values =
      store_->MultiGet(Table::kEntries, {EntryKey(3), EntryKey(2), EntryKey(1)});
  ASSERT_EQ(values.size(), 3u);
  ASSERT_THAT(values[0], IsOk());
  ASSERT_THAT(values[1], IsOk());
  ASSERT_THAT(values[2], IsOk());
  EXPECT_THAT(*values[0], Optional(std::string("three")));
  EXPECT_EQ(*values[1], std::nullopt);
  EXPECT_THAT(*values[2], Optional(std::string("one")));
  EXPECT_TRUE(store_->MultiGet(Table::kEntries, {}).empty());
}

TEST_F(StoreTest, ScanHonoursHalfOpenBoundsAndPrefixes) {
  const uint64_t first = 6217000000000014ULL;
  const uint64_t second = 6222021001123459ULL;
  WriteBatch batch = store_->NewBatch();
  for (uint64_t entry : {5, 1, 300, 2}) {
    batch.Put(Table::kAccountEntries, AccountEntryKey(first, entry), "");
  }
  batch.Put(Table::kAccountEntries, AccountEntryKey(second, 4), "");
  ASSERT_THAT(store_->Commit(batch), IsOk());

  // One account's rows, in entry-id order, none of the other account's.
  const std::string prefix = AccountPrefix(first);
  std::unique_ptr<Cursor> cursor =
      store_->Scan(Table::kAccountEntries, prefix, PrefixUpperBound(prefix));
  std::vector<uint64_t> ids;
  for (const auto& [key, value] : ReadAll(*cursor)) ids.push_back(*ReadUint64(key, 8));
  EXPECT_THAT(ids, ElementsAre(1, 2, 5, 300));

  // [lower, upper): lower included, upper excluded.
  cursor = store_->Scan(Table::kAccountEntries, AccountEntryKey(first, 2),
                        AccountEntryKey(first, 300));
  ids.clear();
  for (const auto& [key, value] : ReadAll(*cursor)) ids.push_back(*ReadUint64(key, 8));
  EXPECT_THAT(ids, ElementsAre(2, 5));

  // Empty upper: to the end of the table.
  cursor = store_->Scan(Table::kAccountEntries, AccountEntryKey(first, 301), "");
  std::vector<std::pair<std::string, std::string>> rows = ReadAll(*cursor);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].first, AccountEntryKey(second, 4));

  // Other tables are not visited.
  cursor = store_->Scan(Table::kExpiry, "", "");
  EXPECT_FALSE(cursor->Valid());
  EXPECT_THAT(cursor->status(), IsOk());
}

TEST_F(StoreTest, SnapshotHidesLaterWrites) {
  Put(Table::kBalances, "b1", "before");
  std::unique_ptr<Snapshot> snapshot = store_->TakeSnapshot();
  Put(Table::kBalances, "b1", "after");
  Put(Table::kBalances, "b2", "new");

  absl::StatusOr<std::optional<std::string>> old_value =
      store_->Get(Table::kBalances, "b1", snapshot.get());
  ASSERT_THAT(old_value, IsOk());
  EXPECT_THAT(*old_value, Optional(std::string("before")));
  absl::StatusOr<std::optional<std::string>> new_value = store_->Get(Table::kBalances, "b1");
  ASSERT_THAT(new_value, IsOk());
  EXPECT_THAT(*new_value, Optional(std::string("after")));

  std::unique_ptr<Cursor> cursor = store_->Scan(Table::kBalances, "", "", snapshot.get());
  EXPECT_THAT(ReadAll(*cursor), ElementsAre(Pair("b1", "before")));
  cursor = store_->Scan(Table::kBalances, "", "");
  EXPECT_THAT(ReadAll(*cursor), ElementsAre(Pair("b1", "after"), Pair("b2", "new")));
}

TEST_F(StoreTest, LastKeyIsTheLargestKeyOfTheTable) {
  absl::StatusOr<std::optional<std::string>> last = store_->LastKey(Table::kEntries);
  ASSERT_THAT(last, IsOk());
  EXPECT_EQ(*last, std::nullopt);

  Put(Table::kEntries, EntryKey(255), "a");
  Put(Table::kEntries, EntryKey(256), "b");
  Put(Table::kEntries, EntryKey(7), "c");
  Put(Table::kAccounts, EntryKey(100000), "other table");
  last = store_->LastKey(Table::kEntries);
  ASSERT_THAT(last, IsOk());
  EXPECT_THAT(*last, Optional(EntryKey(256)));
}

TEST_F(StoreTest, FlushedDataReadsBackFromTables) {
  WriteBatch batch = store_->NewBatch();
  for (uint64_t id = 1; id <= 2000; ++id) {
    batch.Put(Table::kEntries, EntryKey(id), absl::StrCat("高等数学（上） entry ", id));
  }
  ASSERT_THAT(store_->Commit(batch), IsOk());
  ASSERT_THAT(store_->Flush(), IsOk());
  store_.reset();
  store_ = OpenOrDie(SmallOptions(path()));
  ASSERT_NE(store_, nullptr);
  absl::StatusOr<std::optional<std::string>> value = store_->Get(Table::kEntries, EntryKey(1234));
  ASSERT_THAT(value, IsOk());
  EXPECT_THAT(*value, Optional(std::string("高等数学（上） entry 1234")));
  absl::StatusOr<std::optional<std::string>> last = store_->LastKey(Table::kEntries);
  ASSERT_THAT(last, IsOk());
  EXPECT_THAT(*last, Optional(EntryKey(2000)));
}

TEST_F(StoreTest, BatchOfAnotherStoreIsRefused) {
  std::unique_ptr<Store> other = OpenOrDie(SmallOptions(dir_.File("other")));
  ASSERT_NE(other, nullptr);
  WriteBatch foreign = other->NewBatch();
  foreign.Put(Table::kEntries, EntryKey(1), "x");
  EXPECT_THAT(store_->Commit(foreign), StatusIs(absl::StatusCode::kInternal));
  // A programming error: the store stops like after any failed commit, so
  // the sequencer and health see it (and it needs a restart).
  EXPECT_TRUE(store_->write_stopped());
  EXPECT_FALSE(store_->write_stop_recoverable());
  absl::StatusOr<std::optional<std::string>> value = store_->Get(Table::kEntries, EntryKey(1));
  ASSERT_THAT(value, IsOk());
  EXPECT_EQ(*value, std::nullopt);
  EXPECT_THAT(other->Commit(foreign), IsOk());
}

TEST_F(StoreTest, BalanceDeltasAddUpAcrossBatchesFlushesAndReopen) {
  const std::string key = BalanceKey(6212345678901232, 2, 6);
  auto merge = [&](int64_t credits, uint64_t entries) {
    v1::BalanceRecord delta;
    delta.set_recorded_credits_milli(credits);
    delta.set_entry_count(entries);
    WriteBatch batch = store_->NewBatch();
    batch.Merge(Table::kBalances, key, delta.SerializeAsString());
    ASSERT_THAT(store_->Commit(batch), IsOk());
  };
  auto read = [&] {
    absl::StatusOr<std::optional<std::string>> bytes = store_->Get(Table::kBalances, key);
    EXPECT_THAT(bytes, IsOk());
    v1::BalanceRecord total;
    EXPECT_TRUE(bytes.ok() && bytes->has_value() && total.ParseFromString(**bytes));
    return total;
  };
  merge(3000, 1);
  merge(2500, 1);
  EXPECT_EQ(read().recorded_credits_milli(), 5500);
  ASSERT_THAT(store_->Flush(), IsOk());
  merge(-500, 0);
  v1::BalanceRecord total = read();
  EXPECT_EQ(total.recorded_credits_milli(), 5000);
  EXPECT_EQ(total.entry_count(), 2u);
  store_.reset();
  store_ = OpenOrDie(SmallOptions(path()));
  EXPECT_EQ(read().recorded_credits_milli(), 5000);
}

TEST_F(StoreTest, UndecodableBalanceDeltaIsDataLoss) {
  WriteBatch batch = store_->NewBatch();
  batch.Merge(Table::kBalances, BalanceKey(1, 1, 1), "\xff\xff not a BalanceRecord");
  ASSERT_THAT(store_->Commit(batch), IsOk());
  EXPECT_THAT(store_->Get(Table::kBalances, BalanceKey(1, 1, 1)),
              StatusIs(absl::StatusCode::kDataLoss));
}

TEST(StoreOpenTest, RefusesAStoreOfAnotherSchemaVersion) {
  TempDir dir;
  {
    std::unique_ptr<Store> store = OpenOrDie(SmallOptions(dir.File("data")));
    ASSERT_NE(store, nullptr);
    absl::StatusOr<std::optional<std::string>> version =
        store->Get(Table::kMeta, kSchemaVersionKey);
    ASSERT_THAT(version, IsOk());
    EXPECT_THAT(*version, Optional(std::string(kSchemaVersion)));
    WriteBatch batch = store->NewBatch();
    batch.Put(Table::kMeta, kSchemaVersionKey, "99");
    ASSERT_THAT(store->Commit(batch), IsOk());
  }
  absl::StatusOr<std::unique_ptr<Store>> reopened = Store::Open(SmallOptions(dir.File("data")));
  EXPECT_THAT(reopened, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(reopened.status().message(), HasSubstr("schema version 99"));
}

TEST(StoreOpenTest, MustExistRefusesAnEmptyDirectory) {
  TempDir dir;
  StoreOptions options = SmallOptions(dir.File("missing"));
  options.must_exist = true;
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(options);
  EXPECT_THAT(store, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(store.status().message()),
              HasSubstr(absl::StrCat("storage open ", dir.File("missing"))));
  EXPECT_FALSE(std::filesystem::exists(dir.File("missing") + "/CURRENT"));
}

TEST(StoreOpenTest, MustExistOpensAnExistingStore) {
  TempDir dir;
  { ASSERT_NE(OpenOrDie(SmallOptions(dir.File("data"))), nullptr); }
  StoreOptions options = SmallOptions(dir.File("data"));
  options.must_exist = true;
  EXPECT_THAT(Store::Open(options), IsOk());
}

TEST(StoreOpenTest, ReadOnlyStoreReadsButNeverWrites) {
  TempDir dir;
  {
    std::unique_ptr<Store> store = OpenOrDie(SmallOptions(dir.File("data")));
    ASSERT_NE(store, nullptr);
    WriteBatch batch = store->NewBatch();
    batch.Put(Table::kInstitutions, "4150013588", "重庆工程职业技术学院");
    ASSERT_THAT(store->Commit(batch), IsOk());
  }
  StoreOptions options = SmallOptions(dir.File("data"));
  options.read_only = true;
  std::unique_ptr<Store> store = OpenOrDie(options);
  ASSERT_NE(store, nullptr);
  absl::StatusOr<std::optional<std::string>> value = store->Get(Table::kInstitutions, "4150013588");
  ASSERT_THAT(value, IsOk());
  EXPECT_THAT(*value, Optional(std::string("重庆工程职业技术学院")));
  EXPECT_TRUE(store->write_stopped());
  WriteBatch batch = store->NewBatch();
  batch.Put(Table::kInstitutions, "4150010617", "重庆大学");
  EXPECT_THAT(store->Commit(batch), StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(StoreOpenTest, ReadOnlyOfMissingDirectoryFailsWithoutCreatingIt) {
  TempDir dir;
  StoreOptions options = SmallOptions(dir.File("missing"));
  options.read_only = true;
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(options);
  // RocksDB reports a missing CURRENT file as an IO error (PathNotFound).
  EXPECT_THAT(store, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(std::string(store.status().message()), HasSubstr("storage open"));
  EXPECT_FALSE(std::filesystem::exists(dir.File("missing") + "/CURRENT"));
}

TEST(StoreFailStopTest, FailedCommitStopsWritesUntilReopen) {
  TempDir dir;
  const std::string path = dir.File("data");
  std::unique_ptr<Store> store = OpenOrDie(SmallOptions(path));
  ASSERT_NE(store, nullptr);
  WriteBatch first = store->NewBatch();
  first.Put(Table::kEntries, EntryKey(1), "durable");
  ASSERT_THAT(store->Commit(first), IsOk());
  ASSERT_FALSE(store->write_stopped());

  // A 2 MiB batch cannot fit in the WAL under a limit 256 KiB past the
  // largest file (room left for RocksDB's own LOG lines).
  WriteBatch big = store->NewBatch();
  big.Put(Table::kEntries, EntryKey(2), std::string(2 << 20, 'x'));
  absl::Status failed;
  {
    creditbank::testing::FileSizeLimit limit(
        creditbank::testing::LargestFileBytes(path) + (256 << 10));
    failed = store->Commit(big);
  }
  EXPECT_THAT(failed, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(std::string(failed.message()), HasSubstr("storage commit"));
  EXPECT_TRUE(store->write_stopped());

  // With the disk healthy again the store still refuses writes...
  WriteBatch small = store->NewBatch();
  small.Put(Table::kEntries, EntryKey(3), "after the failure");
  absl::Status refused = store->Commit(small);
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(std::string(refused.message()), HasSubstr("stopped accepting writes"));
  // ...but reads go on.
  absl::StatusOr<std::optional<std::string>> value = store->Get(Table::kEntries, EntryKey(1));
  ASSERT_THAT(value, IsOk());
  EXPECT_THAT(*value, Optional(std::string("durable")));

  // Reopened, it takes writes again; the failed batch is not there.
  store.reset();
  store = OpenOrDie(SmallOptions(path));
  ASSERT_NE(store, nullptr);
  EXPECT_FALSE(store->write_stopped());
  value = store->Get(Table::kEntries, EntryKey(1));
  ASSERT_THAT(value, IsOk());
  EXPECT_THAT(*value, Optional(std::string("durable")));
  value = store->Get(Table::kEntries, EntryKey(2));
  ASSERT_THAT(value, IsOk());
  EXPECT_EQ(*value, std::nullopt);
  WriteBatch again = store->NewBatch();
  again.Put(Table::kEntries, EntryKey(2), "retried");
  EXPECT_THAT(store->Commit(again), IsOk());
}

TEST(PrefixUpperBoundTest, IsTheSmallestKeyAfterThePrefix) {
  struct Case {
    std::string prefix;
    std::string upper;
  };
  const std::vector<Case> cases = {
      {"", ""},
      {"a", "b"},
      {std::string("\x00", 1), std::string("\x01", 1)},
      {"ab\xff", "ac"},
      {"a\xff\xff", "b"},
      {"\xff", ""},
      {"\xff\xff\xff", ""},
      {"\xfe\xff", "\xff"},
      // An entry-id prefix ending in 0xff carries into the byte before it.
      {EntryKey(0xff), std::string(6, '\0') + '\x01'},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(PrefixUpperBound(c.prefix), c.upper) << absl::CEscape(c.prefix);
  }
}

}  // namespace
}  // namespace creditbank::storage
