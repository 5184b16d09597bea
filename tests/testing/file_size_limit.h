// FileSizeLimit: makes file writes past `bytes` fail with EFBIG for as long
// as it lives (RLIMIT_FSIZE, with SIGXFSZ ignored so the process survives).
// Tests use it to make a RocksDB commit fail for real, without mocks.
//
//   {
//     FileSizeLimit limit(LargestFileBytes(data_dir) + (256 << 10));
//     EXPECT_FALSE(store->Commit(batch_of_2_mib).ok());
//   }  // limit lifted
//
// The limit is process-wide and applies to every file, RocksDB's info LOG
// included (whose writer asserts after a failed write in Debian's build),
// so leave headroom above every existing file and keep the scope short.
#ifndef CREDITBANK_TESTS_TESTING_FILE_SIZE_LIMIT_H_
#define CREDITBANK_TESTS_TESTING_FILE_SIZE_LIMIT_H_

#include <signal.h>
#include <sys/resource.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace creditbank::testing {

class FileSizeLimit {
 public:
  explicit FileSizeLimit(uint64_t bytes) {
    if (::getrlimit(RLIMIT_FSIZE, &saved_) != 0) std::abort();
    previous_handler_ = ::signal(SIGXFSZ, SIG_IGN);
    struct rlimit limited = saved_;
    limited.rlim_cur = static_cast<rlim_t>(bytes);
    if (::setrlimit(RLIMIT_FSIZE, &limited) != 0) std::abort();
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    ::signal(SIGXFSZ, previous_handler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  struct rlimit saved_;
  sighandler_t previous_handler_;
};

// The size of the largest regular file directly in `dir`.
inline uint64_t LargestFileBytes(const std::string& dir) {
  uint64_t largest = 0;
  for (const auto& file : std::filesystem::directory_iterator(dir)) {
    if (file.is_regular_file() && file.file_size() > largest) largest = file.file_size();
  }
  return largest;
}

}  // namespace creditbank::testing

#endif  // CREDITBANK_TESTS_TESTING_FILE_SIZE_LIMIT_H_
