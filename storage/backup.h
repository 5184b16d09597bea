// BackupDatabase: an online backup of the store's RocksDB through RocksDB's
// BackupEngine. Internal to the storage layer: the public API is
// Store::CreateBackup, ListBackups and RestoreLatestBackup in store.h.
//
//   absl::MutexLock lock(&backup_mutex_);  // one backup of a store at a time
//   ASSIGN_OR_RETURN(BackupInfo info, BackupDatabase(*db_, "/backup/creditbank"));
#ifndef CREDITBANK_STORAGE_BACKUP_H_
#define CREDITBANK_STORAGE_BACKUP_H_

#include <string>

#include "absl/status/statusor.h"
#include "rocksdb/db.h"
#include "storage/store.h"

namespace creditbank::storage {

// Flushes the memtables and copies every live file not yet in `backup_dir`
// (created when missing) into it, synced. The caller serialises calls.
absl::StatusOr<BackupInfo> BackupDatabase(rocksdb::DB& db, const std::string& backup_dir);

}  // namespace creditbank::storage

#endif  // CREDITBANK_STORAGE_BACKUP_H_
