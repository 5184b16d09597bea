// Store: the credit bank's embedded RocksDB, seen through tables, atomic
// batches, cursors and snapshots. No RocksDB type appears here.
//
//   ASSIGN_OR_RETURN(auto store, Store::Open({.path = "./data"}));
//   WriteBatch batch = store->NewBatch();
//   batch.Put(Table::kEntries, EntryKey(7), bytes);
//   RETURN_IF_ERROR(store->Commit(batch));  // durable (WAL synced) on OK
//
// Durability: Commit writes the whole batch atomically and syncs the WAL
// before it returns OK. When a commit fails the store fails stop: it accepts
// no more writes, because nothing may be appended behind a write that
// failed. Reads go on. A full disk (RESOURCE_EXHAUSTED) is recoverable:
// once space returns, ResumeWrites has RocksDB flush its memtables and
// start a new WAL, and writes go on. Any other failure (a sync that
// returned EIO: the WAL may have lost data we can no longer account for)
// stops writes until the store is reopened.
//
// Backups: CreateBackup copies the live store into a backup directory,
// online and incrementally; RestoreLatestBackup brings the latest one back
// into an empty data directory (server stopped).
//
//   ASSIGN_OR_RETURN(BackupInfo backup, store->CreateBackup("/backup/creditbank"));
//   RETURN_IF_ERROR(RestoreLatestBackup("/backup/creditbank", "./data"));
#ifndef CREDITBANK_STORAGE_STORE_H_
#define CREDITBANK_STORAGE_STORE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/table.h"

namespace creditbank::storage {

struct StoreOptions {
  std::string path;  // the data directory; created when missing
  // Shared block cache for all tables; bounds read memory.
  size_t block_cache_bytes = size_t{256} << 20;
  // Memtable size per table before a flush.
  size_t write_buffer_bytes = size_t{64} << 20;
  // All memtables together; past it the oldest memtable is flushed.
  size_t memtable_budget_bytes = size_t{256} << 20;
  // Write-ahead log kept before old memtables are flushed: bounds the time
  // a restart spends replaying it.
  uint64_t max_wal_bytes = uint64_t{1} << 30;
  // Fail when the data directory does not hold a store yet (--check).
  bool must_exist = false;
  // Open read-only (consistency checks of a stopped server's data).
  bool read_only = false;
};

// One backup in a backup directory.
struct BackupInfo {
  uint32_t backup_id = 0;         // 1, 2, 3, ... in the order they were taken
  int64_t timestamp_seconds = 0;  // when it was taken, Unix time
  // All of its files, including those it shares with earlier backups (the
  // space the directory holds is less: shared files are stored once).
  uint64_t size_bytes = 0;
  uint32_t number_files = 0;
};

// A set of writes that Store::Commit applies all together or not at all.
// Made by Store::NewBatch, committed to the same store.
class WriteBatch {
 public:
  ~WriteBatch();
  WriteBatch(WriteBatch&&) noexcept;
  WriteBatch& operator=(WriteBatch&&) noexcept;

  void Put(Table table, absl::string_view key, absl::string_view value);
  void Delete(Table table, absl::string_view key);
  // Adds a delta to a row of a table with a merge operator (kBalances).
  void Merge(Table table, absl::string_view key, absl::string_view value);
  size_t Count() const;
  size_t ByteSize() const;
  void Clear();

 private:
  friend class RocksStore;
  struct Impl;
  explicit WriteBatch(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A consistent point-in-time view for reads that span several keys.
class Snapshot {
 public:
  virtual ~Snapshot() = default;
};

// Iterates the keys of one table in [lower, upper) in byte order.
class Cursor {
 public:
  virtual ~Cursor() = default;
  virtual bool Valid() const = 0;
  virtual void Next() = 0;
  virtual absl::string_view key() const = 0;
  virtual absl::string_view value() const = 0;
  // Not OK when iteration stopped on an error rather than at the end.
  virtual absl::Status status() const = 0;
};

class Store {
 public:
  static absl::StatusOr<std::unique_ptr<Store>> Open(const StoreOptions& options);
  virtual ~Store() = default;

  // nullopt when the key is absent. `snapshot` may be null (latest state).
  virtual absl::StatusOr<std::optional<std::string>> Get(
      Table table, absl::string_view key,
      const Snapshot* snapshot = nullptr) const = 0;

  // One result per key, in order, from the latest state; cheaper than Gets
  // one by one.
  virtual std::vector<absl::StatusOr<std::optional<std::string>>> MultiGet(
      Table table, const std::vector<std::string>& keys) const = 0;

  // Keys in [lower, upper); an empty `upper` means to the end of the table.
  virtual std::unique_ptr<Cursor> Scan(
      Table table, absl::string_view lower, absl::string_view upper,
      const Snapshot* snapshot = nullptr) const = 0;

  // The last key of the table in the latest state, or nullopt when empty.
  virtual absl::StatusOr<std::optional<std::string>> LastKey(Table table) const = 0;

  virtual std::unique_ptr<Snapshot> TakeSnapshot() const = 0;

  virtual WriteBatch NewBatch() const = 0;

  // Atomic, synced write. See the durability note at the top.
  [[nodiscard]] virtual absl::Status Commit(WriteBatch& batch) = 0;

  // True once a commit has failed (every later Commit is UNAVAILABLE), and
  // for a store opened read-only (Commit is FAILED_PRECONDITION).
  virtual bool write_stopped() const = 0;
  // True when writes stopped because the disk was full, which ResumeWrites
  // can undo once there is space again.
  virtual bool write_stop_recoverable() const = 0;
  // After a recoverable stop: flushes the memtables into SST files, starts
  // a new WAL and takes writes again. The caller makes sure no commit runs
  // meanwhile. FAILED_PRECONDITION for a stop that needs a restart; the
  // storage error while the disk is still full.
  [[nodiscard]] virtual absl::Status ResumeWrites() = 0;

  // Writes memtables to SST files (tests, and before backups).
  [[nodiscard]] virtual absl::Status Flush() = 0;

  // Takes a consistent backup of every table while writes go on: flushes
  // the memtables, then copies the live table files, MANIFEST and WAL into
  // `backup_dir` (created when missing). Incremental: table files already
  // there from an earlier backup are not copied again. Every file is synced
  // before it returns OK. Calls on one store run one at a time; the backup
  // directory must belong to one store (one process) only, and may not be
  // the data directory or inside it. FAILED_PRECONDITION for a read-only
  // store, INVALID_ARGUMENT for a backup directory inside the data.
  [[nodiscard]] virtual absl::StatusOr<BackupInfo> CreateBackup(
      const std::string& backup_dir) = 0;
};

// The backups in `backup_dir` that RocksDB can load, oldest first (damaged
// ones are left out; RestoreLatestBackup checks every byte). NOT_FOUND
// when the directory is missing or no backup was ever taken into it.
absl::StatusOr<std::vector<BackupInfo>> ListBackups(const std::string& backup_dir);

// Restores the latest backup of `backup_dir` into `data_dir` (the server
// stopped), which must be missing or empty: a restore never overwrites a
// store (FAILED_PRECONDITION). Every file of the backup is checked against
// its checksum first: DATA_LOSS when one does not match, or when the latest
// backup is damaged (an older one is not restored in its place). NOT_FOUND
// when there is no backup. The backup is restored into a sibling directory
// `<data_dir>.restoring-XXXXXX`, synced, and renamed to `data_dir` in one
// step, so a crash never leaves a half-restored store behind (only that
// sibling, to delete). For that rename `data_dir` may be neither a
// symbolic link nor a mount point (FAILED_PRECONDITION).
[[nodiscard]] absl::Status RestoreLatestBackup(const std::string& backup_dir,
                                               const std::string& data_dir);

// The smallest key greater than every key starting with `prefix`, for use
// as a Scan upper bound; empty when no such key exists (prefix all 0xff).
std::string PrefixUpperBound(absl::string_view prefix);

}  // namespace creditbank::storage

#endif  // CREDITBANK_STORAGE_STORE_H_
