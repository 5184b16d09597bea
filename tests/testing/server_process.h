// ServerProcess: the real creditbankd binary as a child process on
// 127.0.0.1:0 over a data directory, for crash and fault tests.
//
//   ServerProcess server(dir.File("data"), dir.File("keys.json"), dir.path());
//   ASSERT_OK_AND_ASSIGN(std::string address, server.Start());
//   server.Kill();                       // kill -9
//   ASSERT_OK_AND_ASSIGN(int code, server.Terminate());  // SIGTERM, exit code
#ifndef CREDITBANK_TESTS_TESTING_SERVER_PROCESS_H_
#define CREDITBANK_TESTS_TESTING_SERVER_PROCESS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/testing/process.h"

namespace creditbank::testing {

class ServerProcess {
 public:
  // `work_dir` holds the port file and the server log (server.log).
  ServerProcess(std::string data_dir, std::string key_file, std::string work_dir);

  // Starts creditbankd and waits until storage is open; the address.
  absl::StatusOr<std::string> Start(const std::vector<std::string>& extra_environment = {});
  void Kill();
  // SIGTERM and the exit code (128 + signal when killed by one).
  absl::StatusOr<int> Terminate();
  bool running() const { return process_.has_value(); }
  const std::string& data_dir() const { return data_dir_; }
  std::string log_path() const { return work_dir_ + "/server.log"; }

  // creditbankd --check on the data directory (server stopped): exit code.
  absl::StatusOr<int> OfflineCheck() const;

 private:
  const std::string data_dir_;
  const std::string key_file_;
  const std::string work_dir_;
  std::optional<ChildProcess> process_;
};

}  // namespace creditbank::testing

#endif  // CREDITBANK_TESTS_TESTING_SERVER_PROCESS_H_
