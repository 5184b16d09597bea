#include "storage/rocksdb_logger.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <string>
#include <string_view>

#include "rocksdb/env.h"
#include "spdlog/spdlog.h"

namespace creditbank::storage {
namespace {

// Longer RocksDB lines (compaction statistics) are cut here.
constexpr size_t kMaxLineBytes = 2048;

spdlog::level::level_enum LevelOf(rocksdb::InfoLogLevel level) {
  switch (level) {
    case rocksdb::InfoLogLevel::DEBUG_LEVEL: return spdlog::level::trace;
    case rocksdb::InfoLogLevel::INFO_LEVEL: return spdlog::level::debug;
    case rocksdb::InfoLogLevel::WARN_LEVEL: return spdlog::level::warn;
    case rocksdb::InfoLogLevel::ERROR_LEVEL: return spdlog::level::err;
    default: return spdlog::level::critical;
  }
}

class SpdlogLogger final : public rocksdb::Logger {
 public:
  // Lines below the server's log level are dropped inside RocksDB already.
  SpdlogLogger()
      : rocksdb::Logger(spdlog::should_log(spdlog::level::debug)
                            ? rocksdb::InfoLogLevel::INFO_LEVEL
                            : rocksdb::InfoLogLevel::WARN_LEVEL) {}

  void Logv(const char* format, va_list arguments) override {
    Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, arguments);
  }

  void Logv(const rocksdb::InfoLogLevel level, const char* format,
            va_list arguments) override {
    if (level < GetInfoLogLevel()) return;
    char line[kMaxLineBytes];
    int length = std::vsnprintf(line, sizeof(line), format, arguments);
    if (length < 0) return;
    size_t size = std::min(static_cast<size_t>(length), sizeof(line) - 1);
    while (size > 0 && (line[size - 1] == '\n' || line[size - 1] == ' ')) --size;
    spdlog::log(LevelOf(level), "rocksdb: {}", std::string_view(line, size));
  }
};

}  // namespace

std::shared_ptr<rocksdb::Logger> NewRocksDbLogger() {
  return std::make_shared<SpdlogLogger>();
}

}  // namespace creditbank::storage
