// ChildProcess: runs one of our binaries for end-to-end and crash tests;
// kills (SIGKILL) and reaps it on destruction if it is still running.
//
//   ASSERT_OK_AND_ASSIGN(ChildProcess server, ChildProcess::Start(
//       {BinaryPath("creditbankd"), "--listen=127.0.0.1:0", ...}, log_path));
//   ASSERT_OK_AND_ASSIGN(int port, WaitForPortFile(port_file, absl::Seconds(30)));
#ifndef CREDITBANK_TESTS_TESTING_PROCESS_H_
#define CREDITBANK_TESTS_TESTING_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace creditbank::testing {

// build/bin/<name>: from $CREDITBANK_BIN_DIR (set by ctest), else the
// directory of the running test binary.
std::string BinaryPath(const std::string& name);

class ChildProcess {
 public:
  // Starts argv[0] with stdout and stderr appended to `log_path`, with this
  // process's environment plus `extra_environment` ("NAME=value" each).
  static absl::StatusOr<ChildProcess> Start(
      const std::vector<std::string>& argv, const std::string& log_path,
      const std::vector<std::string>& extra_environment = {});
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  void Signal(int signal_number);
  // Waits for exit; returns the exit code, or 128 + signal when killed.
  // DEADLINE_EXCEEDED (and the process left running) after `timeout`.
  absl::StatusOr<int> Wait(absl::Duration timeout);
  // SIGKILL and reap.
  void Kill();

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
};

// Runs a command to completion and returns its exit code.
absl::StatusOr<int> RunCommand(const std::vector<std::string>& argv, const std::string& log_path,
                               absl::Duration timeout);

// Waits until `path` holds a port number (creditbankd --port_file).
absl::StatusOr<int> WaitForPortFile(const std::string& path, absl::Duration timeout);

}  // namespace creditbank::testing

#endif  // CREDITBANK_TESTS_TESTING_PROCESS_H_
