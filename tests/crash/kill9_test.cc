// Crash safety: stream records into the real creditbankd, kill -9 it at
// random moments (many times), restart it, and check that every write it
// acknowledged is there exactly once and the consistency check passes.
#include <signal.h>

#include <atomic>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "services/grpc_core_client.h"
#include "tests/integration/server_fixture.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace creditbank {
namespace {

using ::creditbank::testing::BinaryPath;
using ::creditbank::testing::ChildProcess;
using ::creditbank::testing::CourseOutcome;
using ::creditbank::testing::OpenRequest;
using ::creditbank::testing::ResidentId;
using ::creditbank::testing::TempDir;
namespace ledger_v1 = ::creditbank::ledger::v1;

constexpr int kCrashRounds = 24;
constexpr int kWritersPerRound = 4;
constexpr int kAccounts = 16;
constexpr int kBatchSize = 40;
constexpr char kInstitution[] = "5150019001";

// The request for (round, writer, call, item): deterministic, so it can be
// sent again after the crash to see whether it was recorded.
ledger_v1::Outcome OutcomeFor(const std::vector<std::string>& accounts, int round, int writer,
                              int call, int item) {
  const int account = (round * 7 + writer * 3 + call + item) % accounts.size();
  return CourseOutcome(accounts[account], absl::StrCat("r", round, "-w", writer, "-c", call,
                                                       "-i", item),
                       absl::StrCat("K", (call + item) % 50), "机械制图与CAD");
}

// What the server acknowledged: request id -> entry id.
using Acknowledged = std::map<std::string, uint64_t>;

class CrashTest : public ::testing::Test {
 protected:
  absl::StatusOr<std::string> StartServer() {
    std::filesystem::remove(port_file());
    absl::StatusOr<ChildProcess> process = ChildProcess::Start(
        {BinaryPath("creditbankd"), "--listen=127.0.0.1:0", "--port_file=" + port_file(),
         "--data_dir=" + dir_.File("data"), "--key_file=" + dir_.File("keys.json"),
         "--block_cache_mb=16", "--log_level=warn"},
        dir_.File("server.log"));
    if (!process.ok()) return process.status();
    server_.emplace(*std::move(process));
    absl::StatusOr<int> port = testing::WaitForPortFile(port_file(), absl::Seconds(60));
    if (!port.ok()) return port.status();
    return absl::StrCat("127.0.0.1:", *port);
  }
  std::string port_file() const { return dir_.File("port"); }

  TempDir dir_;
  std::optional<ChildProcess> server_;
};

// One writer: alternates unary records, non-atomic and atomic batches until
// the server dies; remembers every acknowledged request.
void Write(const std::string& address, const std::vector<std::string>& accounts, int round,
           int writer, Acknowledged& acknowledged) {
  services::GrpcCoreClient client(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()), absl::Seconds(10));
  for (int call = 0;; ++call) {
    if (call % 3 == 0) {
      ledger_v1::RecordOutcomeRequest request;
      request.set_institution_code(kInstitution);
      *request.mutable_outcome() = OutcomeFor(accounts, round, writer, call, 0);
      absl::StatusOr<ledger_v1::RecordOutcomeResponse> response = client.RecordOutcome(request);
      if (!response.ok()) return;
      acknowledged[request.outcome().request_id()] = response->entry().entry_id();
      continue;
    }
    ledger_v1::RecordOutcomesRequest request;
    request.set_institution_code(kInstitution);
    request.set_atomic(call % 3 == 2);
    for (int item = 0; item < kBatchSize; ++item) {
      *request.add_outcomes() = OutcomeFor(accounts, round, writer, call, item);
    }
    absl::StatusOr<ledger_v1::RecordOutcomesResponse> response = client.RecordOutcomes(request);
    if (!response.ok()) return;
    for (const ledger_v1::ItemResult& result : response->results()) {
      ASSERT_FALSE(result.has_error()) << result.error().message();
      acknowledged[request.outcomes(result.index()).request_id()] = result.entry_id();
    }
  }
}

TEST_F(CrashTest, EveryAcknowledgedEntrySurvivesKillNine) {
  std::vector<std::string> accounts;
  {
    ASSERT_OK_AND_ASSIGN(std::string address, StartServer());
    services::GrpcCoreClient client(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
    testing::AccreditOverGrpc(client, kInstitution);
    for (int n = 0; n < kAccounts; ++n) {
      ASSERT_OK_AND_ASSIGN(accounts::v1::OpenAccountResponse opened,
                           client.OpenAccount(OpenRequest(ResidentId(n), "赵磊")));
      accounts.push_back(opened.account().account_number());
    }
  }

  std::mt19937 random(20261125);  // fixed seed: a failure can be replayed
  std::uniform_int_distribution<int> delay_ms(20, 400);
  std::vector<std::vector<Acknowledged>> acknowledged(
      kCrashRounds, std::vector<Acknowledged>(kWritersPerRound));
  for (int round = 0; round < kCrashRounds; ++round) {
    if (round > 0) {
      ASSERT_OK_AND_ASSIGN(std::string restarted, StartServer());
      (void)restarted;
    }
    const std::string address = absl::StrCat(
        "127.0.0.1:", *testing::WaitForPortFile(port_file(), absl::Seconds(1)));
    std::vector<std::thread> writers;
    for (int w = 0; w < kWritersPerRound; ++w) {
      writers.emplace_back(Write, address, std::cref(accounts), round, w,
                           std::ref(acknowledged[round][w]));
    }
    absl::SleepFor(absl::Milliseconds(delay_ms(random)));
    server_->Signal(SIGKILL);
    for (std::thread& writer : writers) writer.join();
    ASSERT_OK_AND_ASSIGN(int exit_code, server_->Wait(absl::Seconds(10)));
    ASSERT_EQ(exit_code, 128 + SIGKILL) << "round " << round;
  }

  ASSERT_OK_AND_ASSIGN(std::string address, StartServer());
  services::GrpcCoreClient client(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()),
                                  absl::Seconds(60));
  // Exactly once: no request id appears twice across every account's entries.
  std::map<std::string, uint64_t> recorded;  // request id -> entry id
  for (const std::string& account : accounts) {
    ledger_v1::ListEntriesRequest list;
    list.set_account_number(account);
    list.set_page_size(1000);
    do {
      ASSERT_OK_AND_ASSIGN(ledger_v1::ListEntriesResponse page, client.ListEntries(list));
      for (const ledger_v1::Entry& entry : page.entries()) {
        EXPECT_TRUE(recorded.emplace(entry.outcome().request_id(), entry.entry_id()).second)
            << "request " << entry.outcome().request_id() << " recorded twice";
      }
      list.set_page_token(page.next_page_token());
    } while (!list.page_token().empty());
  }
  // Every acknowledged request is recorded, under the entry id it was given.
  size_t total_acknowledged = 0;
  for (int round = 0; round < kCrashRounds; ++round) {
    for (int w = 0; w < kWritersPerRound; ++w) {
      for (const auto& [request_id, entry_id] : acknowledged[round][w]) {
        ++total_acknowledged;
        auto it = recorded.find(request_id);
        ASSERT_NE(it, recorded.end()) << "acknowledged request " << request_id << " is lost";
        ASSERT_EQ(it->second, entry_id) << "request " << request_id << " changed entry id";
      }
    }
  }
  EXPECT_GT(total_acknowledged, 1000u) << "the crash test wrote too little to mean much";
  EXPECT_GE(recorded.size(), total_acknowledged);
  std::cerr << "acknowledged " << total_acknowledged << " writes over " << kCrashRounds
            << " kill -9 rounds; " << recorded.size() - total_acknowledged
            << " more were committed but not acknowledged\n";
  const uint64_t entries = recorded.size();

  ledger_v1::CheckConsistencyRequest check;
  ASSERT_OK_AND_ASSIGN(ledger_v1::CheckConsistencyResponse report, client.CheckConsistency(check));
  EXPECT_TRUE(report.consistent()) << report.DebugString();
  EXPECT_EQ(report.entries_checked(), entries);

  // A clean stop, then the offline check of the same data directory.
  server_->Signal(SIGTERM);
  ASSERT_OK_AND_ASSIGN(int exit_code, server_->Wait(absl::Seconds(30)));
  EXPECT_EQ(exit_code, 0);
  ASSERT_OK_AND_ASSIGN(int check_exit,
                       testing::RunCommand({BinaryPath("creditbankd"), "--check",
                                            "--data_dir=" + dir_.File("data")},
                                           dir_.File("check.log"), absl::Seconds(120)));
  EXPECT_EQ(check_exit, 0);
}

}  // namespace
}  // namespace creditbank
