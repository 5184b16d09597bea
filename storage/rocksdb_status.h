// ToAbslStatus: the one place RocksDB errors become absl::Status codes.
// Internal to the storage layer.
#ifndef CREDITBANK_STORAGE_ROCKSDB_STATUS_H_
#define CREDITBANK_STORAGE_ROCKSDB_STATUS_H_

#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "rocksdb/status.h"

namespace creditbank::storage {

// `what` names the operation for the message ("commit", "open ./data").
absl::Status ToAbslStatus(const rocksdb::Status& status, absl::string_view what);

}  // namespace creditbank::storage

#endif  // CREDITBANK_STORAGE_ROCKSDB_STATUS_H_
