// ToAbslStatus over every RocksDB status code (and the sub-codes that
// change the answer), per STYLE.md's "one table per error boundary".
#include "storage/rocksdb_status.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/status.h"

namespace creditbank::storage {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

struct Case {
  std::string name;
  rocksdb::Status status;
  absl::StatusCode expected;
};

TEST(RocksdbStatusTest, MapsEveryCode) {
  using rocksdb::Status;
  const std::vector<Case> cases = {
      {"NotFound", Status::NotFound("key"), absl::StatusCode::kNotFound},
      {"Corruption", Status::Corruption("block checksum mismatch"),
       absl::StatusCode::kDataLoss},
      {"NotSupported", Status::NotSupported("read-only"), absl::StatusCode::kUnimplemented},
      {"InvalidArgument", Status::InvalidArgument("bad option"),
       absl::StatusCode::kInvalidArgument},
      {"IOError", Status::IOError("write failed"), absl::StatusCode::kUnavailable},
      {"MergeInProgress", Status::MergeInProgress(), absl::StatusCode::kAborted},
      {"Incomplete", Status::Incomplete("partial read"), absl::StatusCode::kUnavailable},
      {"ShutdownInProgress", Status::ShutdownInProgress(), absl::StatusCode::kUnavailable},
      {"TimedOut", Status::TimedOut(), absl::StatusCode::kDeadlineExceeded},
      {"Aborted", Status::Aborted("conflict"), absl::StatusCode::kAborted},
      {"Busy", Status::Busy(), absl::StatusCode::kUnavailable},
      {"Expired", Status::Expired(), absl::StatusCode::kDeadlineExceeded},
      {"TryAgain", Status::TryAgain(), absl::StatusCode::kUnavailable},
      {"CompactionTooLarge", Status::CompactionTooLarge(),
       absl::StatusCode::kResourceExhausted},
      {"ColumnFamilyDropped", Status::ColumnFamilyDropped(), absl::StatusCode::kInternal},
      // Sub-codes: a full disk and a memory limit need an operator, not a
      // retry (rocksdb_status.cc's comment on RESOURCE_EXHAUSTED).
      {"NoSpace", Status::NoSpace("No space left on device"),
       absl::StatusCode::kResourceExhausted},
      {"MemoryLimit", Status::MemoryLimit("write buffer manager"),
       absl::StatusCode::kResourceExhausted},
      // Other IO sub-codes stay retryable IO errors.
      {"PathNotFound", Status::PathNotFound("/data/CURRENT"), absl::StatusCode::kUnavailable},
      // Other Aborted sub-codes stay ABORTED.
      {"LockLimit", Status::Aborted(Status::kLockLimit), absl::StatusCode::kAborted},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const absl::Status status = ToAbslStatus(c.status, "commit");
    EXPECT_EQ(status.code(), c.expected) << status;
    // The message names the operation and keeps RocksDB's own words.
    EXPECT_THAT(std::string(status.message()), StartsWith("storage commit: "));
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.status.ToString()));
  }
}

TEST(RocksdbStatusTest, OkIsOkWithoutMessage) {
  const absl::Status status = ToAbslStatus(rocksdb::Status::OK(), "get");
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.message(), "");
}

TEST(RocksdbStatusTest, MessageNamesTheOperation) {
  const absl::Status status =
      ToAbslStatus(rocksdb::Status::IOError("/srv/creditbank/data/000012.log", "EIO"),
                   "open /srv/creditbank/data");
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(status.message(),
            "storage open /srv/creditbank/data: IO error: "
            "/srv/creditbank/data/000012.log: EIO");
}

}  // namespace
}  // namespace creditbank::storage
