// Backups through RocksDB's BackupEngine: BackupDatabase (behind
// Store::CreateBackup), ListBackups and RestoreLatestBackup.
//
// A backup directory is RocksDB's layout: meta/<id> lists each backup's
// files with their sizes and crc32c checksums; shared_checksum/ holds the
// table files, each stored once and shared by every backup that has it
// (this is what makes backups incremental); private/<id>/ holds each
// backup's MANIFEST, CURRENT, OPTIONS and WAL files.
//
//   ASSIGN_OR_RETURN(std::vector<BackupInfo> backups, ListBackups("/backup/creditbank"));
//   RETURN_IF_ERROR(RestoreLatestBackup("/backup/creditbank", "/var/lib/creditbank/data"));
#include "storage/backup.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <memory>
#include <system_error>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/status_macros.h"
#include "rocksdb/env.h"
#include "rocksdb/utilities/backup_engine.h"
#include "storage/rocksdb_logger.h"
#include "storage/rocksdb_status.h"

namespace creditbank::storage {
namespace {

namespace fs = std::filesystem;

// Files copied at a time. One: the machine has two cores, and the
// sequencer goes on committing while a backup runs.
constexpr int kBackupCopyThreads = 1;
// mkdtemp pattern appended to the data directory's path: the restore is
// staged beside it, on the same file system, so that one rename puts it in
// place.
constexpr absl::string_view kRestoreStagingSuffix = ".restoring-XXXXXX";
// RocksDB writes CURRENT when it creates a store: a directory that has one
// holds a store.
constexpr char kCurrentFileName[] = "CURRENT";

rocksdb::BackupEngineOptions EngineOptions(const std::string& backup_dir,
                                           rocksdb::Logger* info_log) {
  rocksdb::BackupEngineOptions options(backup_dir);
  // The store's log (spdlog), never a LOG file (see rocksdb_logger.h).
  options.info_log = info_log;
  // RocksDB's defaults, set here because our guarantees rest on them.
  // sync: every file of a backup, and of a restore, is fsynced before the
  // call returns OK, so a backup we report survives a power loss.
  options.sync = true;
  // Incremental backups; shared table files are named by their DB session
  // id and size, so two different files never share a name.
  options.share_table_files = true;
  options.share_files_with_checksum = true;
  options.max_background_operations = kBackupCopyThreads;
  return options;
}

BackupInfo FromRocksDb(const rocksdb::BackupInfo& info) {
  return BackupInfo{.backup_id = info.backup_id,
                    .timestamp_seconds = info.timestamp,
                    .size_bytes = info.size,
                    .number_files = info.number_files};
}

absl::Status FileSystemError(int error_number, absl::string_view what) {
  return absl::ErrnoToStatus(error_number, absl::StrCat("storage ", what));
}

// "/a/b/" and "/a/b" name the same directory; only the second has a
// filename, which the staging path and the rename need.
fs::path WithoutTrailingSlash(fs::path path) {
  while (path.has_relative_path() && !path.has_filename()) path = path.parent_path();
  return path;
}

// True when `inner` is `outer` or lies inside it, after resolving symbolic
// links and "..".
absl::StatusOr<bool> IsWithin(const fs::path& inner, const fs::path& outer) {
  std::error_code error;
  const fs::path inner_path = WithoutTrailingSlash(fs::weakly_canonical(inner, error));
  if (error) return FileSystemError(error.value(), absl::StrCat("resolve ", inner.string()));
  const fs::path outer_path = WithoutTrailingSlash(fs::weakly_canonical(outer, error));
  if (error) return FileSystemError(error.value(), absl::StrCat("resolve ", outer.string()));
  auto [outer_end, inner_next] = std::mismatch(outer_path.begin(), outer_path.end(),
                                               inner_path.begin(), inner_path.end());
  return outer_end == outer_path.end();
}

absl::Status SyncDirectory(const fs::path& path) {
  int descriptor = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (descriptor < 0) {
    return FileSystemError(errno, absl::StrCat("open directory ", path.string()));
  }
  int result = ::fsync(descriptor);
  int error_number = errno;
  ::close(descriptor);
  if (result != 0) return FileSystemError(error_number, absl::StrCat("sync ", path.string()));
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<rocksdb::BackupEngineReadOnly>> OpenForReading(
    const std::string& backup_dir, rocksdb::Logger* info_log) {
  rocksdb::BackupEngineReadOnly* engine = nullptr;
  rocksdb::IOStatus status = rocksdb::BackupEngineReadOnly::Open(
      EngineOptions(backup_dir, info_log), rocksdb::Env::Default(), &engine);
  // A missing directory, or one without meta/, holds no backups.
  if (status.IsNotFound() || status.IsPathNotFound()) {
    return absl::NotFoundError(absl::StrCat("storage backup: no backups in ", backup_dir));
  }
  if (!status.ok()) return ToAbslStatus(status, absl::StrCat("open backups in ", backup_dir));
  return std::unique_ptr<rocksdb::BackupEngineReadOnly>(engine);
}

// The latest backup. When the latest one RocksDB found is damaged (a meta
// file that does not parse, a file gone), nothing is restored: restoring
// the one before it in its place would silently lose what the latest holds.
absl::StatusOr<rocksdb::BackupID> LatestBackup(const rocksdb::BackupEngineReadOnly& engine,
                                               const std::string& backup_dir) {
  rocksdb::BackupInfo latest;
  rocksdb::Status status = engine.GetLatestBackupInfo(&latest);
  if (!status.ok() && !status.IsNotFound()) {
    return ToAbslStatus(status, absl::StrCat("read backups in ", backup_dir));
  }
  const rocksdb::BackupID latest_intact = status.ok() ? latest.backup_id : 0;
  std::vector<rocksdb::BackupID> damaged;
  engine.GetCorruptedBackups(&damaged);
  auto latest_damaged = std::max_element(damaged.begin(), damaged.end());
  if (latest_damaged != damaged.end() && *latest_damaged > latest_intact) {
    return absl::DataLossError(absl::StrCat(
        "storage restore: the latest backup (", *latest_damaged, ") in ", backup_dir,
        " is damaged; nothing was restored"));
  }
  if (latest_intact == 0) {
    return absl::NotFoundError(absl::StrCat("storage restore: no backups in ", backup_dir));
  }
  return latest_intact;
}

// Reads every file of the backup and compares its crc32c with the one the
// backup recorded.
absl::Status VerifyBackupFiles(const rocksdb::BackupEngineReadOnly& engine,
                               rocksdb::BackupID backup_id, const std::string& backup_dir) {
  rocksdb::IOStatus status = engine.VerifyBackup(backup_id, /*verify_with_checksum=*/true);
  if (status.ok()) return absl::OkStatus();
  // A missing file (NotFound) is as lost as a damaged one.
  if (status.IsCorruption() || status.IsNotFound()) {
    return absl::DataLossError(absl::StrCat("storage restore: backup ", backup_id, " in ",
                                            backup_dir, " failed verification; nothing was "
                                            "restored: ", status.ToString()));
  }
  return ToAbslStatus(status, absl::StrCat("verify backup ", backup_id, " in ", backup_dir));
}

// A restore goes into a missing or empty directory only. RocksDB would
// otherwise delete the files it finds there first.
absl::Status CheckRestoreTarget(const fs::path& data_dir) {
  std::error_code error;
  const fs::file_status status = fs::symlink_status(data_dir, error);
  if (status.type() == fs::file_type::not_found) return absl::OkStatus();
  if (error) return FileSystemError(error.value(), absl::StrCat("inspect ", data_dir.string()));
  if (fs::is_symlink(status)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "storage restore: ", data_dir.string(),
        " is a symbolic link; restore into the directory it points to"));
  }
  if (!fs::is_directory(status)) {
    return absl::FailedPreconditionError(
        absl::StrCat("storage restore: ", data_dir.string(), " is not a directory"));
  }
  if (fs::exists(data_dir / kCurrentFileName, error)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "storage restore: ", data_dir.string(),
        " already holds a store; a restore never overwrites one (move it away first)"));
  }
  const bool empty = fs::is_empty(data_dir, error);
  if (error) return FileSystemError(error.value(), absl::StrCat("list ", data_dir.string()));
  if (!empty) {
    return absl::FailedPreconditionError(absl::StrCat(
        "storage restore: ", data_dir.string(), " is not empty; restore into a new directory"));
  }
  return absl::OkStatus();
}

absl::StatusOr<fs::path> MakeStagingDirectory(const fs::path& data_dir) {
  const fs::path parent = data_dir.has_parent_path() ? data_dir.parent_path() : fs::path(".");
  std::error_code error;
  fs::create_directories(parent, error);
  if (error) return FileSystemError(error.value(), absl::StrCat("create ", parent.string()));
  std::string pattern = absl::StrCat(data_dir.string(), kRestoreStagingSuffix);
  if (::mkdtemp(pattern.data()) == nullptr) {
    return FileSystemError(errno, absl::StrCat("create ", pattern));
  }
  return fs::path(pattern);
}

// Restores into `staging`, then renames it to `data_dir`: the rename
// replaces a missing or empty directory in one step, and fails (changing
// nothing) when files appeared there meanwhile.
absl::Status RestoreInto(const rocksdb::BackupEngineReadOnly& engine, rocksdb::BackupID backup_id,
                         const fs::path& staging, const fs::path& data_dir) {
  rocksdb::IOStatus restored = engine.RestoreDBFromBackup(rocksdb::RestoreOptions(), backup_id,
                                                          staging.string(), staging.string());
  if (!restored.ok()) {
    return ToAbslStatus(restored, absl::StrCat("restore backup ", backup_id));
  }
  RETURN_IF_ERROR(SyncDirectory(staging));
  if (::rename(staging.c_str(), data_dir.c_str()) != 0) {
    const int error_number = errno;
    if (error_number == ENOTEMPTY || error_number == EEXIST || error_number == ENOTDIR) {
      return absl::FailedPreconditionError(absl::StrCat(
          "storage restore: ", data_dir.string(), " is no longer empty; nothing was restored"));
    }
    if (error_number == EXDEV || error_number == EBUSY) {
      return absl::FailedPreconditionError(absl::StrCat(
          "storage restore: ", data_dir.string(),
          " is a mount point; restore into a new directory inside it"));
    }
    return FileSystemError(error_number, absl::StrCat("rename ", staging.string(), " to ",
                                                      data_dir.string()));
  }
  return SyncDirectory(data_dir.has_parent_path() ? data_dir.parent_path() : fs::path("."));
}

}  // namespace

absl::StatusOr<BackupInfo> BackupDatabase(rocksdb::DB& db, const std::string& backup_dir) {
  // A backup must survive the loss of the data directory.
  ASSIGN_OR_RETURN(bool inside_data, IsWithin(backup_dir, db.GetName()));
  if (inside_data) {
    return absl::InvalidArgumentError(absl::StrCat(
        "storage backup: ", backup_dir, " is inside the data directory ", db.GetName()));
  }
  std::error_code error;
  fs::create_directories(backup_dir, error);
  if (error) return FileSystemError(error.value(), absl::StrCat("create ", backup_dir));

  const std::shared_ptr<rocksdb::Logger> info_log = db.GetDBOptions().info_log;
  rocksdb::BackupEngine* raw_engine = nullptr;
  rocksdb::IOStatus status = rocksdb::BackupEngine::Open(
      EngineOptions(backup_dir, info_log.get()), db.GetEnv(), &raw_engine);
  if (!status.ok()) return ToAbslStatus(status, absl::StrCat("open backups in ", backup_dir));
  std::unique_ptr<rocksdb::BackupEngine> engine(raw_engine);

  rocksdb::CreateBackupOptions create_options;
  // The WAL is copied too, so the backup is consistent either way; flushing
  // first puts the memtables into table files, which later backups share
  // instead of copying a WAL each time, and which a restore need not replay.
  create_options.flush_before_backup = true;
  rocksdb::BackupID backup_id = 0;
  status = engine->CreateNewBackup(create_options, &db, &backup_id);
  if (!status.ok()) return ToAbslStatus(status, absl::StrCat("backup to ", backup_dir));

  rocksdb::BackupInfo info;
  rocksdb::Status found = engine->GetBackupInfo(backup_id, &info);
  if (!found.ok()) {
    return ToAbslStatus(found, absl::StrCat("read backup ", backup_id, " in ", backup_dir));
  }
  return FromRocksDb(info);
}

absl::StatusOr<std::vector<BackupInfo>> ListBackups(const std::string& backup_dir) {
  const std::shared_ptr<rocksdb::Logger> info_log = NewRocksDbLogger();  // outlives the engine
  ASSIGN_OR_RETURN(std::unique_ptr<rocksdb::BackupEngineReadOnly> engine,
                   OpenForReading(backup_dir, info_log.get()));
  std::vector<rocksdb::BackupInfo> found;
  engine->GetBackupInfo(&found);
  std::vector<BackupInfo> backups;
  backups.reserve(found.size());
  for (const rocksdb::BackupInfo& info : found) backups.push_back(FromRocksDb(info));
  std::sort(backups.begin(), backups.end(), [](const BackupInfo& a, const BackupInfo& b) {
    return a.backup_id < b.backup_id;
  });
  return backups;
}

absl::Status RestoreLatestBackup(const std::string& backup_dir, const std::string& data_dir) {
  const fs::path target = WithoutTrailingSlash(data_dir);
  RETURN_IF_ERROR(CheckRestoreTarget(target));
  const std::shared_ptr<rocksdb::Logger> info_log = NewRocksDbLogger();  // outlives the engine
  ASSIGN_OR_RETURN(std::unique_ptr<rocksdb::BackupEngineReadOnly> engine,
                   OpenForReading(backup_dir, info_log.get()));
  ASSIGN_OR_RETURN(rocksdb::BackupID backup_id, LatestBackup(*engine, backup_dir));
  RETURN_IF_ERROR(VerifyBackupFiles(*engine, backup_id, backup_dir));

  ASSIGN_OR_RETURN(fs::path staging, MakeStagingDirectory(target));
  absl::Status restored = RestoreInto(*engine, backup_id, staging, target);
  if (!restored.ok()) {
    std::error_code ignored;  // already renamed when only the final sync failed
    fs::remove_all(staging, ignored);
  }
  return restored;
}

}  // namespace creditbank::storage
