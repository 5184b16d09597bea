#include "storage/store.h"

#include <atomic>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "rocksdb/transaction_log.h"
#include "rocksdb/utilities/options_util.h"
#include "rocksdb/write_batch.h"
#include "rocksdb/write_buffer_manager.h"
#include "storage/backup.h"
#include "storage/balance_merge.h"
#include "storage/keys.h"
#include "storage/rocksdb_logger.h"
#include "storage/rocksdb_status.h"

namespace creditbank::storage {

struct WriteBatch::Impl {
  rocksdb::WriteBatch batch;
  // The column family of each table, owned by the store that made the batch.
  const std::vector<rocksdb::ColumnFamilyHandle*>* families;
};

namespace {

// Bits per key of the bloom filters: point lookups of absent keys (every
// new idempotency key) then cost about one memtable probe.
constexpr double kBloomBitsPerKey = 10.0;
// Background flush and compaction threads; the machine has two cores.
constexpr int kBackgroundJobs = 2;

class RocksSnapshot final : public Snapshot {
 public:
  RocksSnapshot(rocksdb::DB* db, const rocksdb::Snapshot* snapshot)
      : db_(db), snapshot_(snapshot) {}
  ~RocksSnapshot() override { db_->ReleaseSnapshot(snapshot_); }
  const rocksdb::Snapshot* get() const { return snapshot_; }

 private:
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snapshot_;
};

class RocksCursor final : public Cursor {
 public:
  RocksCursor(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family,
              std::string lower, std::string upper,
              const rocksdb::Snapshot* snapshot)
      : lower_(std::move(lower)), upper_(std::move(upper)) {
    rocksdb::ReadOptions read_options;
    read_options.snapshot = snapshot;
    if (!upper_.empty()) {
      upper_slice_ = rocksdb::Slice(upper_);
      read_options.iterate_upper_bound = &upper_slice_;
    }
    iterator_.reset(db->NewIterator(read_options, family));
    iterator_->Seek(lower_);
  }
  bool Valid() const override { return iterator_->Valid(); }
  void Next() override { iterator_->Next(); }
  absl::string_view key() const override {
    rocksdb::Slice key = iterator_->key();
    return {key.data(), key.size()};
  }
  absl::string_view value() const override {
    rocksdb::Slice value = iterator_->value();
    return {value.data(), value.size()};
  }
  absl::Status status() const override {
    return ToAbslStatus(iterator_->status(), "scan");
  }

 private:
  std::string lower_;
  std::string upper_;
  rocksdb::Slice upper_slice_;
  std::unique_ptr<rocksdb::Iterator> iterator_;
};

rocksdb::ColumnFamilyOptions TableOptions(const StoreOptions& options,
                                          std::shared_ptr<rocksdb::Cache> cache) {
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = std::move(cache);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(kBloomBitsPerKey));
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  // Detect damaged blocks on every read (DATA_LOSS, never served).
  table.checksum = rocksdb::kXXH3;

  rocksdb::ColumnFamilyOptions family;
  family.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  family.write_buffer_size = options.write_buffer_bytes;
  family.compression = rocksdb::kLZ4Compression;
  family.bottommost_compression = rocksdb::kZSTD;
  // Memtable bloom: most idempotency lookups are for new keys.
  family.memtable_whole_key_filtering = true;
  family.memtable_prefix_bloom_size_ratio = 0.05;
  family.level_compaction_dynamic_level_bytes = true;
  return family;
}

}  // namespace

class RocksStore final : public Store {
 public:
  RocksStore(std::unique_ptr<rocksdb::DB> db,
             std::vector<rocksdb::ColumnFamilyHandle*> families,
             bool read_only)
      : db_(std::move(db)), families_(std::move(families)),
        read_only_(read_only), write_stopped_(read_only) {}

  ~RocksStore() override {
    for (rocksdb::ColumnFamilyHandle* family : families_) {
      db_->DestroyColumnFamilyHandle(family).PermitUncheckedError();
    }
    db_->Close().PermitUncheckedError();
  }

  absl::StatusOr<std::optional<std::string>> Get(
      Table table, absl::string_view key,
      const Snapshot* snapshot) const override {
    rocksdb::ReadOptions read_options;
    read_options.snapshot = SnapshotOf(snapshot);
    std::string value;
    rocksdb::Status status =
        db_->Get(read_options, Family(table), rocksdb::Slice(key.data(), key.size()), &value);
    if (status.IsNotFound()) return std::nullopt;
    if (!status.ok()) return ToAbslStatus(status, "get");
    return value;
  }

  std::vector<absl::StatusOr<std::optional<std::string>>> MultiGet(
      Table table, const std::vector<std::string>& keys) const override {
    std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
    std::vector<rocksdb::PinnableSlice> values(keys.size());
    std::vector<rocksdb::Status> statuses(keys.size());
    db_->MultiGet(rocksdb::ReadOptions(), Family(table), slices.size(),
                  slices.data(), values.data(), statuses.data());
    std::vector<absl::StatusOr<std::optional<std::string>>> results;
    results.reserve(keys.size());
    for (size_t i = 0; i < keys.size(); ++i) {
      if (statuses[i].IsNotFound()) {
        results.emplace_back(std::nullopt);
      } else if (!statuses[i].ok()) {
        results.emplace_back(ToAbslStatus(statuses[i], "multiget"));
      } else {
        results.emplace_back(values[i].ToString());
      }
    }
    return results;
  }

  std::unique_ptr<Cursor> Scan(Table table, absl::string_view lower,
                               absl::string_view upper,
                               const Snapshot* snapshot) const override {
    return std::make_unique<RocksCursor>(db_.get(), Family(table),
                                         std::string(lower), std::string(upper),
                                         SnapshotOf(snapshot));
  }

  absl::StatusOr<std::optional<std::string>> LastKey(Table table) const override {
    std::unique_ptr<rocksdb::Iterator> iterator(
        db_->NewIterator(rocksdb::ReadOptions(), Family(table)));
    iterator->SeekToLast();
    if (!iterator->status().ok()) return ToAbslStatus(iterator->status(), "seek");
    if (!iterator->Valid()) return std::nullopt;
    return iterator->key().ToString();
  }

  std::unique_ptr<Snapshot> TakeSnapshot() const override {
    return std::make_unique<RocksSnapshot>(db_.get(), db_->GetSnapshot());
  }

  WriteBatch NewBatch() const override {
    auto impl = std::make_unique<WriteBatch::Impl>();
    impl->families = &families_;
    return WriteBatch(std::move(impl));
  }

  absl::Status Commit(WriteBatch& batch) override {
    if (read_only_) {
      return absl::FailedPreconditionError("storage commit: the store was opened read-only");
    }
    if (write_stopped_.load(std::memory_order_acquire)) {
      return absl::UnavailableError(
          "storage stopped accepting writes after an earlier write failure; "
          "restart the server once the disk is healthy");
    }
    if (batch.impl_->families != &families_) {
      // A programming error; stop like any failed commit, so that nothing
      // half-understood goes on.
      stop_recoverable_.store(false, std::memory_order_release);
      write_stopped_.store(true, std::memory_order_release);
      return absl::InternalError("storage commit: batch made by another store");
    }
    rocksdb::WriteOptions write_options;
    write_options.sync = true;
    rocksdb::Status status = db_->Write(write_options, &batch.impl_->batch);
    if (!status.ok()) {
      // Fail-stop: a failed sync may have left the WAL in a state where a
      // later successful write would be acknowledged on top of lost data.
      // Only a full disk (the write never got in) may be resumed, and only
      // if we know which WAL held the failed write (see ResumeWrites).
      failed_wal_number_ = CurrentWalNumber();
      stop_recoverable_.store(status.IsNoSpace() && failed_wal_number_.has_value(),
                              std::memory_order_release);
      write_stopped_.store(true, std::memory_order_release);
      return ToAbslStatus(status, "commit");
    }
    return absl::OkStatus();
  }

  bool write_stop_recoverable() const override {
    return write_stopped() && !read_only_ && stop_recoverable_.load(std::memory_order_acquire);
  }

  absl::Status ResumeWrites() override {
    if (!write_stopped()) return absl::OkStatus();
    if (!write_stop_recoverable()) {
      return absl::FailedPreconditionError(
          "storage stopped after a failure that needs a restart, not only free space");
    }
    // RocksDB flushes every memtable and switches to a new WAL, so the WAL
    // holding the failed write is retired, never appended to again.
    rocksdb::Status status = db_->Resume();
    if (!status.ok()) return ToAbslStatus(status, "resume writes");
    // Never append behind the failed write: if RocksDB kept the same WAL
    // (nothing to flush, so no switch), only a restart is safe.
    std::optional<uint64_t> wal_number = CurrentWalNumber();
    if (!wal_number || wal_number == failed_wal_number_) {
      stop_recoverable_.store(false, std::memory_order_release);
      return absl::FailedPreconditionError(
          "storage resumed on the WAL that holds the failed write; restart the server");
    }
    write_stopped_.store(false, std::memory_order_release);
    return absl::OkStatus();
  }

  std::optional<uint64_t> CurrentWalNumber() const {
    std::unique_ptr<rocksdb::LogFile> wal;
    if (!db_->GetCurrentWalFile(&wal).ok() || wal == nullptr) return std::nullopt;
    return wal->LogNumber();
  }

  // A new store is stamped with kSchemaVersion; an existing one must carry
  // it, so a build never misreads data written in a format it predates.
  absl::Status CheckSchemaVersion() {
    absl::StatusOr<std::optional<std::string>> stored = Get(Table::kMeta, kSchemaVersionKey, nullptr);
    if (!stored.ok()) return stored.status();
    if (*stored) {
      if (**stored == kSchemaVersion) return absl::OkStatus();
      return absl::FailedPreconditionError(absl::StrCat(
          "storage open: the data directory has schema version ", **stored,
          "; this build reads version ", kSchemaVersion));
    }
    if (read_only_) return absl::OkStatus();  // an empty store, nothing to misread
    rocksdb::WriteOptions write_options;
    write_options.sync = true;
    return ToAbslStatus(
        db_->Put(write_options, Family(Table::kMeta),
                 rocksdb::Slice(kSchemaVersionKey.data(), kSchemaVersionKey.size()),
                 rocksdb::Slice(kSchemaVersion.data(), kSchemaVersion.size())),
        "write schema version");
  }

  bool write_stopped() const override {
    return write_stopped_.load(std::memory_order_acquire);
  }

  absl::Status Flush() override {
    rocksdb::FlushOptions flush_options;
    flush_options.wait = true;
    return ToAbslStatus(db_->Flush(flush_options, families_), "flush");
  }

  absl::StatusOr<BackupInfo> CreateBackup(const std::string& backup_dir) override {
    if (read_only_) {
      // A backup flushes the memtables first, which a read-only store cannot.
      return absl::FailedPreconditionError(
          "storage backup: the store was opened read-only; back up a writable store");
    }
    // BackupEngine objects on one directory must not append at the same
    // time (RocksDB leaves the outcome unspecified).
    absl::MutexLock lock(&backup_mutex_);
    return BackupDatabase(*db_, backup_dir);
  }

 private:
  rocksdb::ColumnFamilyHandle* Family(Table table) const {
    return families_[static_cast<int>(table)];
  }
  static const rocksdb::Snapshot* SnapshotOf(const Snapshot* snapshot) {
    if (snapshot == nullptr) return nullptr;
    return static_cast<const RocksSnapshot*>(snapshot)->get();
  }

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> families_;
  const bool read_only_;
  std::atomic<bool> write_stopped_;
  std::atomic<bool> stop_recoverable_{false};
  // The WAL that was current when the (recoverable) commit failed; written
  // by the committer, read by ResumeWrites once the sequencer is drained.
  std::optional<uint64_t> failed_wal_number_;
  // Held for the whole of a backup: one at a time per store.
  absl::Mutex backup_mutex_;
};

WriteBatch::WriteBatch(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WriteBatch::~WriteBatch() = default;
WriteBatch::WriteBatch(WriteBatch&&) noexcept = default;
WriteBatch& WriteBatch::operator=(WriteBatch&&) noexcept = default;

void WriteBatch::Put(Table table, absl::string_view key, absl::string_view value) {
  impl_->batch
      .Put((*impl_->families)[static_cast<int>(table)], rocksdb::Slice(key.data(), key.size()),
           rocksdb::Slice(value.data(), value.size()))
      .PermitUncheckedError();
}

void WriteBatch::Merge(Table table, absl::string_view key, absl::string_view value) {
  impl_->batch
      .Merge((*impl_->families)[static_cast<int>(table)], rocksdb::Slice(key.data(), key.size()),
             rocksdb::Slice(value.data(), value.size()))
      .PermitUncheckedError();
}

void WriteBatch::Delete(Table table, absl::string_view key) {
  impl_->batch.Delete((*impl_->families)[static_cast<int>(table)], rocksdb::Slice(key.data(), key.size()))
      .PermitUncheckedError();
}

size_t WriteBatch::Count() const { return impl_->batch.Count(); }
size_t WriteBatch::ByteSize() const { return impl_->batch.GetDataSize(); }
void WriteBatch::Clear() { impl_->batch.Clear(); }

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = !options.must_exist && !options.read_only;
  db_options.create_missing_column_families = !options.read_only;
  db_options.max_background_jobs = kBackgroundJobs;
  db_options.bytes_per_sync = 1 << 20;
  // After a crash, recover every write whose WAL record is intact and stop
  // at the first torn or damaged record: acknowledged writes were synced
  // and so precede any torn tail.
  db_options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  db_options.paranoid_checks = true;
  db_options.info_log = NewRocksDbLogger();
  // Bounds memory (all memtables together) and recovery time (WAL to
  // replay after a crash): past either, the oldest memtables are flushed.
  db_options.write_buffer_manager =
      std::make_shared<rocksdb::WriteBufferManager>(options.memtable_budget_bytes);
  db_options.max_total_wal_size = options.max_wal_bytes;

  std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (absl::string_view name : kTableNames) {
    descriptors.emplace_back(std::string(name), TableOptions(options, cache));
  }
  descriptors[static_cast<int>(Table::kBalances)].options.merge_operator =
      NewBalanceMergeOperator();

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw_db = nullptr;
  rocksdb::Status status =
      options.read_only
          ? rocksdb::DB::OpenForReadOnly(db_options, options.path, descriptors,
                                         &handles, &raw_db)
          : rocksdb::DB::Open(db_options, options.path, descriptors, &handles,
                              &raw_db);
  if (!status.ok()) {
    return ToAbslStatus(status, absl::StrCat("open ", options.path));
  }
  std::unique_ptr<rocksdb::DB> db(raw_db);
  auto store = std::unique_ptr<RocksStore>(
      new RocksStore(std::move(db), std::move(handles), options.read_only));
  absl::Status schema = store->CheckSchemaVersion();
  if (!schema.ok()) return schema;
  return std::unique_ptr<Store>(std::move(store));
}

std::string PrefixUpperBound(absl::string_view prefix) {
  std::string upper(prefix);
  while (!upper.empty()) {
    unsigned char last = static_cast<unsigned char>(upper.back());
    if (last != 0xff) {
      upper.back() = static_cast<char>(last + 1);
      return upper;
    }
    upper.pop_back();
  }
  return upper;
}

}  // namespace creditbank::storage
