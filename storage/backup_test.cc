// Online backups and restores over a real RocksDB in a temp dir: incremental
// backups of every table (memtables included), restore into a fresh
// directory, refusal to restore over a store or into a non-empty directory,
// damaged backup files (DATA_LOSS), missing backups (NOT_FOUND), and
// concurrent backups of one store.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "creditbank/storage/v1/records.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/keys.h"
#include "storage/store.h"
#include "tests/testing/small_store.h"
#include "storage/table.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace creditbank::storage {
namespace {

namespace fs = std::filesystem;
using ::creditbank::testing::IsOk;
using ::creditbank::testing::StatusIs;
using ::creditbank::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Optional;

constexpr uint64_t kAccountNumber = 6217000000000014ULL;
constexpr uint32_t kVocationalSector = 2;
constexpr uint32_t kLevel = 6;
constexpr uint64_t kEntriesPerTerm = 1000;
constexpr int kConcurrentBackups = 3;

using ::creditbank::testing::OpenOrDie;
using ::creditbank::testing::SmallOptions;

std::string EntryValue(uint64_t entry_id) {
  return absl::StrCat("高等数学（上） 4 学分 entry ", entry_id);
}

std::optional<std::string> GetOrDie(const Store& store, Table table, const std::string& key) {
  absl::StatusOr<std::optional<std::string>> value = store.Get(table, key);
  EXPECT_THAT(value, IsOk());
  return value.ok() ? *value : std::nullopt;
}

std::vector<fs::path> FilesUnder(const fs::path& dir, const std::string& name_part) {
  std::vector<fs::path> files;
  if (!fs::exists(dir)) return files;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() &&
        entry.path().filename().string().find(name_part) != std::string::npos) {
      files.push_back(entry.path());
    }
  }
  return files;
}

// Damages one byte in the middle of the file; its size stays the same, so
// only a checksum can tell.
void FlipByte(const fs::path& file) {
  const uintmax_t size = fs::file_size(file);
  ASSERT_GT(size, 0u);
  std::fstream stream(file, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(stream.good()) << file;
  const std::streamoff offset = static_cast<std::streamoff>(size / 2);
  char byte = 0;
  stream.seekg(offset);
  stream.get(byte);
  stream.seekp(offset);
  stream.put(static_cast<char>(byte ^ 0x5a));
  ASSERT_TRUE(stream.good()) << file;
}

// Staging directories of failed restores, which must not be left behind.
std::vector<fs::path> StagingLeftovers(const fs::path& parent) {
  std::vector<fs::path> leftovers;
  for (const fs::directory_entry& entry : fs::directory_iterator(parent)) {
    if (entry.path().filename().string().find(".restoring-") != std::string::npos) {
      leftovers.push_back(entry.path());
    }
  }
  return leftovers;
}

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenOrDie(SmallOptions(data_dir()));
    ASSERT_NE(store_, nullptr);
  }
  std::string data_dir() const { return dir_.File("data"); }
  std::string backup_dir() const { return dir_.File("backups"); }

  void Put(Table table, const std::string& key, const std::string& value) {
    WriteBatch batch = store_->NewBatch();
    batch.Put(table, key, value);
    ASSERT_THAT(store_->Commit(batch), IsOk());
  }

  // One term's entries, their account index rows and a balance delta, in
  // one batch, as the sequencer writes them.
  void RecordTerm(uint64_t first_entry_id, int64_t credits_milli) {
    WriteBatch batch = store_->NewBatch();
    for (uint64_t id = first_entry_id; id < first_entry_id + kEntriesPerTerm; ++id) {
      batch.Put(Table::kEntries, EntryKey(id), EntryValue(id));
      batch.Put(Table::kAccountEntries, AccountEntryKey(kAccountNumber, id), "");
    }
    v1::BalanceRecord delta;
    delta.set_recorded_credits_milli(credits_milli);
    delta.set_entry_count(kEntriesPerTerm);
    batch.Merge(Table::kBalances, BalanceKey(kAccountNumber, kVocationalSector, kLevel),
                delta.SerializeAsString());
    ASSERT_THAT(store_->Commit(batch), IsOk());
  }

  absl::StatusOr<BackupInfo> BackUp() { return store_->CreateBackup(backup_dir()); }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(BackupTest, IncrementalBackupsRestoreEveryRowOfEveryTable) {
  Put(Table::kInstitutions, "4150013588", "重庆工程职业技术学院");
  Put(Table::kAccounts, AccountKey(kAccountNumber), "张伟 (sealed)");
  Put(Table::kIdentityIndex, "identity-hmac-of-11010519491231002X", AccountKey(kAccountNumber));
  RecordTerm(1, 250'000);  // in the memtable only: the backup flushes it
  const int64_t before_seconds = std::time(nullptr);
  absl::StatusOr<BackupInfo> first = BackUp();
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(first->backup_id, 1u);
  EXPECT_GE(first->timestamp_seconds, before_seconds);
  EXPECT_LE(first->timestamp_seconds, static_cast<int64_t>(std::time(nullptr)));
  EXPECT_GT(first->number_files, 0u);
  EXPECT_GT(first->size_bytes, 0u);

  Put(Table::kInstitutions, "5150000001", "重庆开放大学");
  RecordTerm(1 + kEntriesPerTerm, 180'500);
  absl::StatusOr<BackupInfo> second = BackUp();
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(second->backup_id, 2u);
  EXPECT_GT(second->size_bytes, first->size_bytes);
  // Written after the last backup: not in the restore.
  Put(Table::kEntries, EntryKey(2 * kEntriesPerTerm + 1), "after the backup");

  absl::StatusOr<std::vector<BackupInfo>> listed = ListBackups(backup_dir());
  ASSERT_THAT(listed, IsOk());
  EXPECT_THAT(*listed, ElementsAre(Field(&BackupInfo::backup_id, 1u),
                                   Field(&BackupInfo::backup_id, 2u)));
  EXPECT_EQ((*listed)[1].size_bytes, second->size_bytes);
  EXPECT_EQ((*listed)[1].number_files, second->number_files);
  // Incremental: the first backup's table files were not copied again.
  const size_t stored_files = FilesUnder(fs::path(backup_dir()) / "shared_checksum", "").size() +
                              FilesUnder(fs::path(backup_dir()) / "private", "").size();
  EXPECT_LT(stored_files, first->number_files + second->number_files);

  // Online: the store stays open and writable throughout.
  const std::string restored_dir = dir_.File("restored/data");
  ASSERT_THAT(RestoreLatestBackup(backup_dir(), restored_dir), IsOk());
  EXPECT_THAT(StagingLeftovers(dir_.File("restored")), IsEmpty());
  std::unique_ptr<Store> restored = OpenOrDie(SmallOptions(restored_dir));
  ASSERT_NE(restored, nullptr);
  EXPECT_THAT(GetOrDie(*restored, Table::kInstitutions, "4150013588"),
              Optional(std::string("重庆工程职业技术学院")));
  EXPECT_THAT(GetOrDie(*restored, Table::kInstitutions, "5150000001"),
              Optional(std::string("重庆开放大学")));
  EXPECT_THAT(GetOrDie(*restored, Table::kAccounts, AccountKey(kAccountNumber)),
              Optional(std::string("张伟 (sealed)")));
  EXPECT_THAT(GetOrDie(*restored, Table::kIdentityIndex, "identity-hmac-of-11010519491231002X"),
              Optional(AccountKey(kAccountNumber)));
  for (uint64_t id = 1; id <= 2 * kEntriesPerTerm; ++id) {
    ASSERT_THAT(GetOrDie(*restored, Table::kEntries, EntryKey(id)), Optional(EntryValue(id)))
        << "entry " << id;
    ASSERT_THAT(GetOrDie(*restored, Table::kAccountEntries, AccountEntryKey(kAccountNumber, id)),
                Optional(std::string()))
        << "entry " << id;
  }
  EXPECT_EQ(GetOrDie(*restored, Table::kEntries, EntryKey(2 * kEntriesPerTerm + 1)),
            std::nullopt);
  std::optional<std::string> balance = GetOrDie(
      *restored, Table::kBalances, BalanceKey(kAccountNumber, kVocationalSector, kLevel));
  ASSERT_TRUE(balance.has_value());
  v1::BalanceRecord total;
  ASSERT_TRUE(total.ParseFromString(*balance));
  EXPECT_EQ(total.recorded_credits_milli(), 430'500);
  EXPECT_EQ(total.entry_count(), 2 * kEntriesPerTerm);
  EXPECT_THAT(GetOrDie(*restored, Table::kMeta, std::string(kSchemaVersionKey)),
              Optional(std::string(kSchemaVersion)));

  // The restored store takes writes of its own.
  WriteBatch batch = restored->NewBatch();
  batch.Put(Table::kEntries, EntryKey(2 * kEntriesPerTerm + 1), EntryValue(2 * kEntriesPerTerm + 1));
  EXPECT_THAT(restored->Commit(batch), IsOk());
}

TEST_F(BackupTest, RestoreIntoAnExistingEmptyDirectory) {
  Put(Table::kInstitutions, "4150010617", "重庆大学");
  ASSERT_THAT(BackUp(), IsOk());
  const std::string target = dir_.File("empty");
  fs::create_directory(target);
  ASSERT_THAT(RestoreLatestBackup(backup_dir(), target + "/"), IsOk());
  std::unique_ptr<Store> restored = OpenOrDie(SmallOptions(target));
  ASSERT_NE(restored, nullptr);
  EXPECT_THAT(GetOrDie(*restored, Table::kInstitutions, "4150010617"),
              Optional(std::string("重庆大学")));
}

TEST_F(BackupTest, RestoreNeverOverwritesAStore) {
  ASSERT_THAT(BackUp(), IsOk());
  // The live store itself.
  absl::Status refused = RestoreLatestBackup(backup_dir(), data_dir());
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(std::string(refused.message()), HasSubstr("already holds a store"));

  // Another, closed store keeps its rows and gains none.
  const std::string other_dir = dir_.File("other");
  {
    std::unique_ptr<Store> other = OpenOrDie(SmallOptions(other_dir));
    ASSERT_NE(other, nullptr);
    WriteBatch batch = other->NewBatch();
    batch.Put(Table::kInstitutions, "4150010635", "西南大学");
    ASSERT_THAT(other->Commit(batch), IsOk());
  }
  Put(Table::kInstitutions, "4150013588", "重庆工程职业技术学院");
  ASSERT_THAT(BackUp(), IsOk());
  EXPECT_THAT(RestoreLatestBackup(backup_dir(), other_dir),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  std::unique_ptr<Store> other = OpenOrDie(SmallOptions(other_dir));
  ASSERT_NE(other, nullptr);
  EXPECT_THAT(GetOrDie(*other, Table::kInstitutions, "4150010635"),
              Optional(std::string("西南大学")));
  EXPECT_EQ(GetOrDie(*other, Table::kInstitutions, "4150013588"), std::nullopt);
  EXPECT_THAT(StagingLeftovers(dir_.path()), IsEmpty());
}

TEST_F(BackupTest, RestoreRefusesANonEmptyDirectoryAndLeavesItAlone) {
  ASSERT_THAT(BackUp(), IsOk());
  const fs::path target = dir_.File("notes");
  fs::create_directory(target);
  { std::ofstream(target / "README.txt") << "期末成绩备忘\n"; }
  absl::Status refused = RestoreLatestBackup(backup_dir(), target.string());
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(std::string(refused.message()), HasSubstr("not empty"));
  EXPECT_TRUE(fs::exists(target / "README.txt"));
  EXPECT_FALSE(fs::exists(target / "CURRENT"));

  const fs::path file_target = dir_.File("a-file");
  { std::ofstream(file_target) << "x"; }
  EXPECT_THAT(RestoreLatestBackup(backup_dir(), file_target.string()),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(StagingLeftovers(dir_.path()), IsEmpty());
}

TEST_F(BackupTest, DamagedTableFileIsDataLoss) {
  RecordTerm(1, 250'000);
  ASSERT_THAT(BackUp(), IsOk());
  std::vector<fs::path> tables = FilesUnder(fs::path(backup_dir()) / "shared_checksum", ".sst");
  ASSERT_FALSE(tables.empty());
  // The largest table file holds the entries.
  auto largest = std::max_element(tables.begin(), tables.end(), [](const auto& a, const auto& b) {
    return fs::file_size(a) < fs::file_size(b);
  });
  FlipByte(*largest);

  const std::string target = dir_.File("restored");
  absl::Status restored = RestoreLatestBackup(backup_dir(), target);
  EXPECT_THAT(restored, StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(std::string(restored.message()), HasSubstr("failed verification"));
  EXPECT_FALSE(fs::exists(target));
  EXPECT_THAT(StagingLeftovers(dir_.path()), IsEmpty());
}

TEST_F(BackupTest, DamagedManifestIsDataLoss) {
  RecordTerm(1, 250'000);
  ASSERT_THAT(BackUp(), IsOk());
  std::vector<fs::path> manifests = FilesUnder(fs::path(backup_dir()) / "private", "MANIFEST");
  ASSERT_EQ(manifests.size(), 1u);
  FlipByte(manifests[0]);
  absl::Status restored = RestoreLatestBackup(backup_dir(), dir_.File("restored"));
  EXPECT_THAT(restored, StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(std::string(restored.message()), HasSubstr("failed verification"));
  EXPECT_FALSE(fs::exists(dir_.File("restored")));
}

TEST_F(BackupTest, DamagedLatestBackupIsNotReplacedByAnOlderOne) {
  RecordTerm(1, 250'000);
  ASSERT_THAT(BackUp(), IsOk());
  RecordTerm(1 + kEntriesPerTerm, 180'500);
  ASSERT_THAT(BackUp(), IsOk());
  // A file of backup 2 is gone, which RocksDB sees when it opens the
  // backups: it would otherwise offer backup 1 as the latest.
  std::vector<fs::path> manifests =
      FilesUnder(fs::path(backup_dir()) / "private" / "2", "MANIFEST");
  ASSERT_EQ(manifests.size(), 1u);
  fs::remove(manifests[0]);
  absl::Status restored = RestoreLatestBackup(backup_dir(), dir_.File("restored"));
  EXPECT_THAT(restored, StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(std::string(restored.message()), HasSubstr("latest backup (2)"));
  EXPECT_FALSE(fs::exists(dir_.File("restored")));
  // Backup 1 is still listed, for an operator who chooses to fall back.
  absl::StatusOr<std::vector<BackupInfo>> listed = ListBackups(backup_dir());
  ASSERT_THAT(listed, IsOk());
  EXPECT_THAT(*listed, ElementsAre(Field(&BackupInfo::backup_id, 1u)));
}

TEST_F(BackupTest, NoBackupIsNotFound) {
  EXPECT_THAT(RestoreLatestBackup(dir_.File("missing"), dir_.File("restored")),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(ListBackups(dir_.File("missing")), StatusIs(absl::StatusCode::kNotFound));
  fs::create_directory(dir_.File("empty"));
  EXPECT_THAT(RestoreLatestBackup(dir_.File("empty"), dir_.File("restored")),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(ListBackups(dir_.File("empty")), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_FALSE(fs::exists(dir_.File("restored")));
  EXPECT_THAT(StagingLeftovers(dir_.path()), IsEmpty());
}

TEST_F(BackupTest, ConcurrentBackupsOfOneStoreAreSerialised) {
  RecordTerm(1, 250'000);
  std::atomic<bool> backing_up{true};
  // Writes go on while the backups run.
  std::thread writer([&] {
    for (uint64_t id = 1 + kEntriesPerTerm; backing_up.load(); ++id) {
      WriteBatch batch = store_->NewBatch();
      batch.Put(Table::kEntries, EntryKey(id), EntryValue(id));
      ASSERT_THAT(store_->Commit(batch), IsOk());
    }
  });
  std::vector<absl::StatusOr<BackupInfo>> results(kConcurrentBackups);
  std::vector<std::thread> threads;
  for (int i = 0; i < kConcurrentBackups; ++i) {
    threads.emplace_back([&, i] { results[i] = BackUp(); });
  }
  for (std::thread& thread : threads) thread.join();
  backing_up.store(false);
  writer.join();

  std::vector<uint32_t> ids;
  for (const absl::StatusOr<BackupInfo>& result : results) {
    ASSERT_THAT(result, IsOk());
    ids.push_back(result->backup_id);
  }
  std::sort(ids.begin(), ids.end());
  EXPECT_THAT(ids, ElementsAre(1u, 2u, 3u));
  absl::StatusOr<std::vector<BackupInfo>> listed = ListBackups(backup_dir());
  ASSERT_THAT(listed, IsOk());
  EXPECT_EQ(listed->size(), static_cast<size_t>(kConcurrentBackups));

  const std::string restored_dir = dir_.File("restored");
  ASSERT_THAT(RestoreLatestBackup(backup_dir(), restored_dir), IsOk());
  std::unique_ptr<Store> restored = OpenOrDie(SmallOptions(restored_dir));
  ASSERT_NE(restored, nullptr);
  EXPECT_THAT(GetOrDie(*restored, Table::kEntries, EntryKey(kEntriesPerTerm)),
              Optional(EntryValue(kEntriesPerTerm)));
}

TEST_F(BackupTest, BackupInsideTheDataDirectoryIsRefused) {
  EXPECT_THAT(store_->CreateBackup(dir_.File("data/backups")),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(store_->CreateBackup(dir_.File("data")),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(store_->CreateBackup(dir_.File("data/../data/")),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_FALSE(fs::exists(dir_.File("data/backups")));
}

TEST_F(BackupTest, ReadOnlyStoreRefusesABackup) {
  Put(Table::kInstitutions, "4150010617", "重庆大学");
  store_.reset();
  StoreOptions options = SmallOptions(data_dir());
  options.read_only = true;
  std::unique_ptr<Store> read_only = OpenOrDie(options);
  ASSERT_NE(read_only, nullptr);
  EXPECT_THAT(read_only->CreateBackup(backup_dir()),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_FALSE(fs::exists(backup_dir()));
}

}  // namespace
}  // namespace creditbank::storage
