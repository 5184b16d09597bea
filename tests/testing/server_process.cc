#include "tests/testing/server_process.h"

#include <signal.h>

#include <filesystem>

#include "absl/strings/str_cat.h"

namespace creditbank::testing {

// Time for a server to open storage (a sanitizer build is slow to start).
constexpr absl::Duration kStartTimeout = absl::Seconds(60);
constexpr absl::Duration kStopTimeout = absl::Seconds(30);

ServerProcess::ServerProcess(std::string data_dir, std::string key_file, std::string work_dir)
    : data_dir_(std::move(data_dir)), key_file_(std::move(key_file)),
      work_dir_(std::move(work_dir)) {}

absl::StatusOr<std::string> ServerProcess::Start(
    const std::vector<std::string>& extra_environment) {
  const std::string port_file = work_dir_ + "/port";
  std::filesystem::remove(port_file);
  absl::StatusOr<ChildProcess> process = ChildProcess::Start(
      {BinaryPath("creditbankd"), "--listen=127.0.0.1:0", "--port_file=" + port_file,
       "--data_dir=" + data_dir_, "--key_file=" + key_file_, "--block_cache_mb=16",
       "--log_level=info"},
      log_path(), extra_environment);
  if (!process.ok()) return process.status();
  process_.emplace(*std::move(process));
  absl::StatusOr<int> port = WaitForPortFile(port_file, kStartTimeout);
  if (!port.ok()) return port.status();
  return absl::StrCat("127.0.0.1:", *port);
}

void ServerProcess::Kill() {
  if (process_) process_->Kill();
  process_.reset();
}

absl::StatusOr<int> ServerProcess::Terminate() {
  if (!process_) return absl::FailedPreconditionError("no server running");
  process_->Signal(SIGTERM);
  absl::StatusOr<int> code = process_->Wait(kStopTimeout);
  process_.reset();
  return code;
}

absl::StatusOr<int> ServerProcess::OfflineCheck() const {
  return RunCommand({BinaryPath("creditbankd"), "--check", "--data_dir=" + data_dir_},
                    work_dir_ + "/check.log", absl::Seconds(300));
}

}  // namespace creditbank::testing
