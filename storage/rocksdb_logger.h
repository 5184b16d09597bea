// RocksDB's own log (flushes, compactions, errors) goes to the server's log
// through spdlog instead of the LOG file RocksDB keeps in the data
// directory. Besides keeping one log, this keeps a full disk from taking
// the process down: Debian's RocksDB is built with assertions on, and its
// file logger asserts when a write to LOG fails.
#ifndef CREDITBANK_STORAGE_ROCKSDB_LOGGER_H_
#define CREDITBANK_STORAGE_ROCKSDB_LOGGER_H_

#include <memory>

namespace rocksdb {
class Logger;
}

namespace creditbank::storage {

// RocksDB INFO lines become spdlog debug lines (RocksDB is chatty), WARN and
// above keep their level.
std::shared_ptr<rocksdb::Logger> NewRocksDbLogger();

}  // namespace creditbank::storage

#endif  // CREDITBANK_STORAGE_ROCKSDB_LOGGER_H_
