// A real RocksDB store sized for tests: small caches and memtables.
//
//   std::unique_ptr<storage::Store> store = OpenOrDie(SmallOptions(dir.File("data")));
#ifndef CREDITBANK_TESTS_TESTING_SMALL_STORE_H_
#define CREDITBANK_TESTS_TESTING_SMALL_STORE_H_

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "storage/store.h"
#include "tests/testing/status_matchers.h"

namespace creditbank::testing {

inline storage::StoreOptions SmallOptions(const std::string& path) {
  storage::StoreOptions options;
  options.path = path;
  options.block_cache_bytes = 8 << 20;
  options.write_buffer_bytes = 4 << 20;
  return options;
}

// The opened store; a failed expectation and null when it does not open.
inline std::unique_ptr<storage::Store> OpenOrDie(const storage::StoreOptions& options) {
  absl::StatusOr<std::unique_ptr<storage::Store>> store = storage::Store::Open(options);
  EXPECT_THAT(store, IsOk());
  return store.ok() ? *std::move(store) : nullptr;
}

}  // namespace creditbank::testing

#endif  // CREDITBANK_TESTS_TESTING_SMALL_STORE_H_
