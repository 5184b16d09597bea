// Faults the store must survive, on the real creditbankd binary:
//   - an fsync that fails with EIO (an LD_PRELOAD shim): no failed write is
//     acknowledged, writes stop for good (fail-stop) until a restart, and
//     after the restart every acknowledged entry is there;
//   - a full disk (a small tmpfs; needs root, skipped otherwise): writes are
//     refused, the process does not abort, nothing acknowledged is lost, and
//     writes resume by themselves once space returns;
//   - a torn or damaged WAL tail of a killed server: the restart recovers
//     the intact prefix and the consistency checks pass.
#include <sys/mount.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "services/grpc_core_client.h"
#include "tests/integration/server_fixture.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/process.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace creditbank {
namespace {

using ::creditbank::testing::CourseOutcome;
using ::creditbank::testing::OpenRequest;
using ::creditbank::testing::ResidentId;
using ::creditbank::testing::ServerProcess;
using ::creditbank::testing::TempDir;
namespace ledger_v1 = ::creditbank::ledger::v1;

constexpr char kInstitution[] = "5150019002";
constexpr int kAccounts = 8;
constexpr int kWriters = 4;
constexpr int kBatchSize = 50;

std::unique_ptr<services::GrpcCoreClient> Client(const std::string& address) {
  return std::make_unique<services::GrpcCoreClient>(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()), absl::Seconds(20));
}

std::vector<std::string> SetUpLedger(domain::CoreClient& client) {
  testing::AccreditOverGrpc(client, kInstitution);
  std::vector<std::string> accounts;
  for (int n = 0; n < kAccounts; ++n) {
    absl::StatusOr<accounts::v1::OpenAccountResponse> opened =
        client.OpenAccount(OpenRequest(ResidentId(300 + n), "钱伟"));
    EXPECT_TRUE(opened.ok()) << opened.status();
    if (opened.ok()) accounts.push_back(opened->account().account_number());
  }
  return accounts;
}

// Writers that record batches until told to stop or refused; remembers
// what was acknowledged (request id -> entry id) and how calls failed.
class Writers {
 public:
  Writers(std::string address, std::vector<std::string> accounts, std::string tag)
      : address_(std::move(address)), accounts_(std::move(accounts)), tag_(std::move(tag)) {}
  ~Writers() { StopAndJoin(); }

  void Start() {
    for (int w = 0; w < kWriters; ++w) threads_.emplace_back([this, w] { Run(w); });
  }
  // Writers stop by themselves at their first refused call, or here.
  void StopAndJoin() {
    stop_ = true;
    for (std::thread& thread : threads_) thread.join();
    threads_.clear();
  }
  std::map<std::string, uint64_t> acknowledged() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return acknowledged_;
  }
  std::vector<absl::StatusCode> failures() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return failures_;
  }
  size_t acknowledged_count() const { return count_; }

 private:
  void Run(int writer) {
    std::unique_ptr<services::GrpcCoreClient> client = Client(address_);
    for (int call = 0; !stop_; ++call) {
      ledger_v1::RecordOutcomesRequest request;
      request.set_institution_code(kInstitution);
      for (int i = 0; i < kBatchSize; ++i) {
        *request.add_outcomes() = CourseOutcome(
            accounts_[(writer + call + i) % accounts_.size()],
            absl::StrCat(tag_, "-w", writer, "-c", call, "-i", i), absl::StrCat("F", i % 40),
            "液压与气动技术");
      }
      absl::StatusOr<ledger_v1::RecordOutcomesResponse> response = client->RecordOutcomes(request);
      std::lock_guard<std::mutex> lock(mutex_);
      if (!response.ok()) {
        failures_.push_back(response.status().code());
        return;
      }
      for (const ledger_v1::ItemResult& result : response->results()) {
        if (result.has_error()) {
          failures_.push_back(static_cast<absl::StatusCode>(result.error().code()));
          return;
        }
        acknowledged_[request.outcomes(result.index()).request_id()] = result.entry_id();
        ++count_;
      }
    }
  }

  const std::string address_;
  const std::vector<std::string> accounts_;
  const std::string tag_;
  std::atomic<bool> stop_{false};
  std::atomic<size_t> count_{0};
  mutable std::mutex mutex_;
  std::map<std::string, uint64_t> acknowledged_;
  std::vector<absl::StatusCode> failures_;
  std::vector<std::thread> threads_;
};

// Every entry of the accounts: request id -> entry id, each request once.
std::map<std::string, uint64_t> RecordedEntries(domain::CoreClient& client,
                                                const std::vector<std::string>& accounts) {
  std::map<std::string, uint64_t> recorded;
  for (const std::string& account : accounts) {
    ledger_v1::ListEntriesRequest list;
    list.set_account_number(account);
    list.set_page_size(1000);
    do {
      absl::StatusOr<ledger_v1::ListEntriesResponse> page = client.ListEntries(list);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) return recorded;
      for (const ledger_v1::Entry& entry : page->entries()) {
        EXPECT_TRUE(recorded.emplace(entry.outcome().request_id(), entry.entry_id()).second)
            << "request " << entry.outcome().request_id() << " recorded twice";
      }
      list.set_page_token(page->next_page_token());
    } while (!list.page_token().empty());
  }
  return recorded;
}

void ExpectEveryAcknowledgedEntry(const std::map<std::string, uint64_t>& acknowledged,
                                  const std::map<std::string, uint64_t>& recorded) {
  for (const auto& [request_id, entry_id] : acknowledged) {
    auto it = recorded.find(request_id);
    ASSERT_NE(it, recorded.end()) << "acknowledged request " << request_id << " was lost";
    ASSERT_EQ(it->second, entry_id) << "request " << request_id << " changed entry id";
  }
}

void ExpectConsistent(domain::CoreClient& client) {
  absl::StatusOr<ledger_v1::CheckConsistencyResponse> report =
      client.CheckConsistency(ledger_v1::CheckConsistencyRequest());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->consistent()) << report->DebugString();
}

bool WaitUntil(const std::function<bool()>& condition, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (condition()) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return condition();
}

absl::Status RecordOne(domain::CoreClient& client, const std::string& account,
                       const std::string& request_id) {
  ledger_v1::RecordOutcomeRequest request;
  request.set_institution_code(kInstitution);
  *request.mutable_outcome() = CourseOutcome(account, request_id);
  return client.RecordOutcome(request).status();
}

TEST(StorageFaultTest, FailedFsyncStopsWritesForGoodAndLosesNothingAcknowledged) {
  TempDir dir;
  ServerProcess server(dir.File("data"), dir.File("keys.json"), dir.path());
  const std::string trigger = dir.File("fsync-fails-now");
  std::vector<std::string> environment = {
      "LD_PRELOAD=" + testing::BinaryPath("libcreditbank_fsync_fault_shim.so"),
      "CREDITBANK_FAULT_FSYNC_EIO=" + trigger,
      // A sanitizer build wants its runtime first; the shim is loaded first.
      "ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0"};
  ASSERT_OK_AND_ASSIGN(std::string address, server.Start(environment));
  std::unique_ptr<services::GrpcCoreClient> client = Client(address);
  const std::vector<std::string> accounts = SetUpLedger(*client);

  Writers writers(address, accounts, "fsync");
  writers.Start();
  ASSERT_TRUE(WaitUntil([&] { return writers.acknowledged_count() >= 2000; }, absl::Seconds(60)));
  std::ofstream(trigger) << "armed\n";
  writers.StopAndJoin();
  const std::map<std::string, uint64_t> acknowledged = writers.acknowledged();

  // Writes are refused, and stay refused once the disk "works" again.
  EXPECT_EQ(RecordOne(*client, accounts[0], "after-eio").code(), absl::StatusCode::kUnavailable);
  std::filesystem::remove(trigger);
  absl::SleepFor(services::kStorageRecoveryInterval + absl::Seconds(1));
  EXPECT_EQ(RecordOne(*client, accounts[0], "after-eio-2").code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(testing::CheckHealth(*grpc::CreateChannel(address, grpc::InsecureChannelCredentials()),
                                 ""),
            testing::Health::kNotServing);
  // Reads still work.
  ledger_v1::GetEntryRequest get;
  get.set_entry_id(1);
  EXPECT_TRUE(client->GetEntry(get).ok());
  client.reset();
  server.Kill();
  // The refusals came from the failed sync (the shim did its work).
  std::ifstream log(server.log_path());
  const std::string log_text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(log_text.find("Input/output error"), std::string::npos) << log_text;

  ASSERT_OK_AND_ASSIGN(address, server.Start());
  client = Client(address);
  ExpectEveryAcknowledgedEntry(acknowledged, RecordedEntries(*client, accounts));
  ExpectConsistent(*client);
  EXPECT_TRUE(RecordOne(*client, accounts[0], "after-restart").ok());
  client.reset();
  ASSERT_OK_AND_ASSIGN(int exit_code, server.Terminate());
  EXPECT_EQ(exit_code, 0);
  ASSERT_OK_AND_ASSIGN(int check, server.OfflineCheck());
  EXPECT_EQ(check, 0);
}

// A tmpfs mounted for the test, unmounted (lazily) when it goes away.
class SmallFilesystem {
 public:
  SmallFilesystem(std::string path, int size_mib) : path_(std::move(path)) {
    std::filesystem::create_directories(path_);
    mounted_ = ::mount("tmpfs", path_.c_str(), "tmpfs", 0,
                       absl::StrCat("size=", size_mib, "m").c_str()) == 0;
  }
  ~SmallFilesystem() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  bool Resize(int size_mib) {
    return ::mount("tmpfs", path_.c_str(), "tmpfs", MS_REMOUNT,
                   absl::StrCat("size=", size_mib, "m").c_str()) == 0;
  }

 private:
  std::string path_;
  bool mounted_ = false;
};

TEST(StorageFaultTest, FullDiskRefusesWritesThenResumesWhenSpaceReturns) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to mount a small tmpfs (CI runs as root)";
  TempDir dir;
  SmallFilesystem disk(dir.File("disk"), 40);
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount tmpfs here (no CAP_SYS_ADMIN?)";
  ServerProcess server(dir.File("disk") + "/data", dir.File("keys.json"), dir.path());
  ASSERT_OK_AND_ASSIGN(std::string address, server.Start());
  std::unique_ptr<services::GrpcCoreClient> client = Client(address);
  const std::vector<std::string> accounts = SetUpLedger(*client);

  // Record until the disk is full: every writer stops at its first refusal.
  Writers writers(address, accounts, "full");
  writers.Start();
  ASSERT_TRUE(WaitUntil([&] { return writers.failures().size() == kWriters; },
                        absl::Seconds(120)))
      << "the 40 MiB disk never filled";
  writers.StopAndJoin();
  for (absl::StatusCode code : writers.failures()) {
    EXPECT_TRUE(code == absl::StatusCode::kResourceExhausted ||
                code == absl::StatusCode::kUnavailable)
        << absl::StatusCodeToString(code);
  }
  const std::map<std::string, uint64_t> acknowledged = writers.acknowledged();
  ASSERT_GT(acknowledged.size(), 1000u);
  ASSERT_TRUE(server.running());
  EXPECT_FALSE(RecordOne(*client, accounts[0], "while-full").ok());
  ledger_v1::GetEntryRequest get;
  get.set_entry_id(1);
  EXPECT_TRUE(client->GetEntry(get).ok()) << "reads go on while the disk is full";

  // Space returns: writes resume by themselves, without a restart.
  ASSERT_TRUE(disk.Resize(400));
  EXPECT_TRUE(WaitUntil([&] { return RecordOne(*client, accounts[0], "space-back").ok(); },
                        absl::Seconds(30)))
      << "writes did not resume once space returned";
  ExpectEveryAcknowledgedEntry(acknowledged, RecordedEntries(*client, accounts));
  ExpectConsistent(*client);

  client.reset();
  ASSERT_OK_AND_ASSIGN(int exit_code, server.Terminate());
  EXPECT_EQ(exit_code, 0);
  ASSERT_OK_AND_ASSIGN(int check, server.OfflineCheck());
  EXPECT_EQ(check, 0);
}

// The newest WAL file of a data directory.
std::string NewestWal(const std::string& data_dir) {
  std::string newest;
  for (const auto& file : std::filesystem::directory_iterator(data_dir)) {
    if (file.path().extension() == ".log" && file.path().string() > newest) {
      newest = file.path().string();
    }
  }
  return newest;
}

enum class TailDamage { kTruncate, kCorrupt };

void CheckRecoveryAfterTailDamage(TailDamage damage) {
  TempDir dir;
  ServerProcess server(dir.File("data"), dir.File("keys.json"), dir.path());
  ASSERT_OK_AND_ASSIGN(std::string address, server.Start());
  std::unique_ptr<services::GrpcCoreClient> client = Client(address);
  const std::vector<std::string> accounts = SetUpLedger(*client);
  Writers writers(address, accounts, "tail");
  writers.Start();
  ASSERT_TRUE(WaitUntil([&] { return writers.acknowledged_count() >= 3000; }, absl::Seconds(60)));
  writers.StopAndJoin();
  const std::map<std::string, uint64_t> acknowledged = writers.acknowledged();
  client.reset();
  server.Kill();  // no flush: the entries live in the WAL only

  const std::string wal = NewestWal(dir.File("data"));
  ASSERT_FALSE(wal.empty());
  const uintmax_t size = std::filesystem::file_size(wal);
  ASSERT_GT(size, 4096u);
  constexpr uintmax_t kDamagedBytes = 100;
  if (damage == TailDamage::kTruncate) {
    std::filesystem::resize_file(wal, size - kDamagedBytes);
  } else {
    std::fstream file(wal, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(size - kDamagedBytes));
    for (uintmax_t i = 0; i < kDamagedBytes; ++i) file.put('\xa5');
  }

  ASSERT_OK_AND_ASSIGN(address, server.Start());
  client = Client(address);
  const std::map<std::string, uint64_t> recorded = RecordedEntries(*client, accounts);
  // What survives is a prefix of the ledger: entries 1..K with nothing
  // missing (the consistency check proves the ids are gap-free), and an
  // acknowledged entry is lost only if it lies after K, in the damaged
  // last record.
  uint64_t last_kept = 0;
  for (const auto& [request_id, entry_id] : recorded) last_kept = std::max(last_kept, entry_id);
  size_t lost = 0;
  for (const auto& [request_id, entry_id] : acknowledged) {
    auto it = recorded.find(request_id);
    if (it == recorded.end()) {
      EXPECT_GT(entry_id, last_kept) << "entry " << entry_id << " lost before the torn tail";
      ++lost;
    } else {
      EXPECT_EQ(it->second, entry_id);
    }
  }
  // The damaged bytes hold at most the last group's record.
  EXPECT_LT(lost, acknowledged.size() / 4) << "lost " << lost << " of " << acknowledged.size();
  ExpectConsistent(*client);
  EXPECT_TRUE(RecordOne(*client, accounts[0], "after-recovery").ok());
  client.reset();
  ASSERT_OK_AND_ASSIGN(int exit_code, server.Terminate());
  EXPECT_EQ(exit_code, 0);
  ASSERT_OK_AND_ASSIGN(int check, server.OfflineCheck());
  EXPECT_EQ(check, 0);
}

TEST(StorageFaultTest, TruncatedWalTailRecoversTheIntactPrefix) {
  CheckRecoveryAfterTailDamage(TailDamage::kTruncate);
}

TEST(StorageFaultTest, CorruptedWalTailRecoversTheIntactPrefix) {
  CheckRecoveryAfterTailDamage(TailDamage::kCorrupt);
}

}  // namespace
}  // namespace creditbank
