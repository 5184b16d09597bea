#include "clients/cbbench/load_generator.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "common/status_macros.h"
#include "domain/validation/dates.h"
#include "domain/validation/identity.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "services/grpc_core_client.h"
#include "services/status_conversion.h"

namespace creditbank::bench {
namespace {

namespace common = ::creditbank::common::v1;
namespace ledger_v1 = ::creditbank::ledger::v1;

// Each worker gets its own HTTP/2 connection, as separate clients would.
std::shared_ptr<grpc::Channel> NewChannel(const std::string& server) {
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  arguments.SetMaxReceiveMessageSize(16 << 20);
  return grpc::CreateCustomChannel(server, grpc::InsecureChannelCredentials(), arguments);
}

// Set-up calls are retried while the server is briefly unavailable (a
// fresh connection under load), as any client would.
constexpr int kSetUpAttempts = 5;
constexpr absl::Duration kSetUpBackoff = absl::Milliseconds(200);

template <typename Call>
auto WithRetries(Call call) -> decltype(call()) {
  auto result = call();
  for (int attempt = 1; attempt < kSetUpAttempts && !result.ok() &&
                        result.status().code() == absl::StatusCode::kUnavailable;
       ++attempt) {
    absl::SleepFor(kSetUpBackoff * attempt);
    result = call();
  }
  return result;
}

std::string BenchResidentId(int n) {
  const absl::CivilDay birth = absl::CivilDay(1960, 1, 1) + n % 15000;
  std::string body = absl::StrFormat("500103%04d%02d%02d%03d", birth.year(), birth.month(),
                                     birth.day(), (n / 15000) % 1000);
  return body + *domain::ResidentIdCheckCharacter(body);
}

absl::Status SetUpInstitution(domain::CoreClient& core, const std::string& code) {
  institutions::v1::RegisterInstitutionRequest registration;
  registration.set_code(code);
  registration.set_name("性能测试职业学院");
  registration.set_sector(common::SECTOR_VOCATIONAL);
  absl::StatusOr<institutions::v1::Institution> registered =
      WithRetries([&] { return core.RegisterInstitution(registration); });
  if (!registered.ok()) return registered.status();
  if (registered->status() == institutions::v1::INSTITUTION_STATUS_ACCREDITED) {
    return absl::OkStatus();
  }
  institutions::v1::AccreditInstitutionRequest accreditation;
  accreditation.set_code(code);
  accreditation.mutable_scope()->add_kinds(common::OUTCOME_KIND_COURSE_CREDIT);
  accreditation.mutable_scope()->add_sectors(common::SECTOR_VOCATIONAL);
  accreditation.mutable_scope()->set_max_framework_level(6);
  accreditation.set_reason("cbbench");
  return core.AccreditInstitution(accreditation).status();
}

// Opens (or finds) the accounts, `concurrency` at a time.
absl::StatusOr<std::vector<std::string>> SetUpAccounts(const BenchOptions& options) {
  std::vector<std::string> numbers(options.accounts);
  std::atomic<int> next{0};
  absl::Mutex mutex;
  absl::Status failure;
  std::vector<std::thread> workers;
  for (int w = 0; w < options.concurrency; ++w) {
    workers.emplace_back([&] {
      services::GrpcCoreClient core(NewChannel(options.server));
      for (int n = next++; n < options.accounts; n = next++) {
        accounts::v1::OpenAccountRequest request;
        request.mutable_identity()->set_resident_id(BenchResidentId(n));
        request.mutable_details()->set_name(absl::StrCat("测试学员", n));
        absl::StatusOr<accounts::v1::OpenAccountResponse> opened =
            WithRetries([&] { return core.OpenAccount(request); });
        if (!opened.ok()) {
          absl::MutexLock lock(&mutex);
          failure = opened.status();
          return;
        }
        numbers[n] = opened->account().account_number();
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  if (!failure.ok()) return failure;
  return numbers;
}

struct WorkerResult {
  uint64_t calls = 0;
  uint64_t records = 0;
  uint64_t errors = 0;
  std::string first_error;
  std::vector<double> latencies_ms;
};

class Worker {
 public:
  Worker(const BenchOptions& options, const std::vector<std::string>& accounts,
         std::string run_id, int index, absl::Time measure_from, absl::Time end)
      : options_(options), accounts_(accounts), run_id_(std::move(run_id)), index_(index),
        measure_from_(measure_from), end_(end),
        channel_(NewChannel(options.server)),
        stub_(ledger_v1::LedgerService::NewStub(channel_)),
        completed_(domain::ToDate(domain::BankToday(absl::Now()) - 30)) {}

  WorkerResult Run() {
    const int per_call = options_.mode == BenchMode::kUnary ? 1 : options_.batch_size;
    const absl::Duration pace = options_.rate > 0
        ? absl::Seconds(per_call * options_.concurrency / options_.rate)
        : absl::ZeroDuration();
    absl::Time next_call = absl::Now();
    if (options_.mode == BenchMode::kStream) {
      RunStream(pace);
    } else {
      while (absl::Now() < end_) {
        if (pace > absl::ZeroDuration()) {
          absl::SleepFor(next_call - absl::Now());
          next_call += pace;
        }
        options_.mode == BenchMode::kUnary ? CallUnary() : CallBatch();
      }
    }
    return std::move(result_);
  }

 private:
  void Fill(ledger_v1::Outcome& outcome) {
    const uint64_t n = sequence_++;
    outcome.set_request_id(absl::StrCat(run_id_, "-", index_, "-", n));
    outcome.set_account_number(accounts_[(n * 7919 + index_) % accounts_.size()]);
    outcome.set_kind(common::OUTCOME_KIND_COURSE_CREDIT);
    outcome.set_code(absl::StrCat("BENCH", n % 1000));
    outcome.set_title("数控技术基础与实训");
    outcome.set_credits_milli(2000);
    outcome.set_study_hours(32);
    outcome.mutable_grade()->mutable_score()->set_score_milli(80000);
    outcome.mutable_grade()->mutable_score()->set_scale_milli(100000);
    outcome.set_framework_level(5);
    outcome.set_sector(common::SECTOR_VOCATIONAL);
    *outcome.mutable_completion_date() = completed_;
  }

  void Count(absl::Time started, uint64_t records, uint64_t errors, const std::string& error) {
    const absl::Time finished = absl::Now();
    if (started < measure_from_ || finished > end_) return;
    ++result_.calls;
    result_.records += records;
    result_.errors += errors;
    if (errors > 0 && result_.first_error.empty()) result_.first_error = error;
    result_.latencies_ms.push_back(absl::ToDoubleMilliseconds(finished - started));
  }

  void CallUnary() {
    ledger_v1::RecordOutcomeRequest request;
    request.set_institution_code(options_.institution);
    Fill(*request.mutable_outcome());
    ledger_v1::RecordOutcomeResponse response;
    grpc::ClientContext context;
    const absl::Time started = absl::Now();
    grpc::Status status = stub_->RecordOutcome(&context, request, &response);
    Count(started, status.ok() ? 1 : 0, status.ok() ? 0 : 1, status.error_message());
  }

  ledger_v1::RecordOutcomesRequest NewBatch() {
    ledger_v1::RecordOutcomesRequest request;
    request.set_institution_code(options_.institution);
    request.set_atomic(options_.atomic);
    for (int i = 0; i < options_.batch_size; ++i) Fill(*request.add_outcomes());
    return request;
  }

  void CountBatch(absl::Time started, const grpc::Status& status,
                  const ledger_v1::RecordOutcomesResponse& response) {
    if (!status.ok()) {
      Count(started, 0, options_.batch_size, status.error_message());
      return;
    }
    if (response.has_error() && response.error().code() != 0) {  // refused chunk
      Count(started, 0, options_.batch_size, response.error().message());
      return;
    }
    uint64_t failed = 0;
    std::string error;
    for (const ledger_v1::ItemResult& item : response.results()) {
      if (item.has_error()) {
        ++failed;
        if (error.empty()) error = item.error().message();
      }
    }
    Count(started, response.results_size() - failed, failed, error);
  }

  void CallBatch() {
    ledger_v1::RecordOutcomesRequest request = NewBatch();
    ledger_v1::RecordOutcomesResponse response;
    grpc::ClientContext context;
    const absl::Time started = absl::Now();
    grpc::Status status = stub_->RecordOutcomes(&context, request, &response);
    CountBatch(started, status, response);
  }

  void RunStream(absl::Duration pace) {
    grpc::ClientContext context;
    auto stream = stub_->StreamOutcomes(&context);
    absl::Time next_call = absl::Now();
    while (absl::Now() < end_) {
      if (pace > absl::ZeroDuration()) {
        absl::SleepFor(next_call - absl::Now());
        next_call += pace;
      }
      ledger_v1::RecordOutcomesRequest chunk = NewBatch();
      ledger_v1::RecordOutcomesResponse response;
      const absl::Time started = absl::Now();
      if (!stream->Write(chunk) || !stream->Read(&response)) break;
      CountBatch(started, grpc::Status::OK, response);
    }
    stream->WritesDone();
    grpc::Status status = stream->Finish();
    if (!status.ok() && result_.first_error.empty()) {
      ++result_.errors;
      result_.first_error = status.error_message();
    }
  }

  const BenchOptions& options_;
  const std::vector<std::string>& accounts_;
  const std::string run_id_;
  const int index_;
  const absl::Time measure_from_;
  const absl::Time end_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<ledger_v1::LedgerService::Stub> stub_;
  const common::Date completed_;
  uint64_t sequence_ = 0;
  WorkerResult result_;
};

}  // namespace

LatencySummary Summarize(std::vector<double> latencies_ms) {
  LatencySummary summary;
  if (latencies_ms.empty()) return summary;
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto at = [&](double quantile) {
    size_t index = static_cast<size_t>(quantile * (latencies_ms.size() - 1) + 0.5);
    return latencies_ms[std::min(index, latencies_ms.size() - 1)];
  };
  summary.p50_ms = at(0.50);
  summary.p99_ms = at(0.99);
  summary.max_ms = latencies_ms.back();
  return summary;
}

absl::StatusOr<BenchReport> RunBenchmark(const BenchOptions& options) {
  {
    services::GrpcCoreClient core(NewChannel(options.server));
    RETURN_IF_ERROR(SetUpInstitution(core, options.institution));
  }
  ASSIGN_OR_RETURN(std::vector<std::string> accounts, SetUpAccounts(options));
  const std::string run_id = absl::StrCat("b", absl::ToUnixMicros(absl::Now()));
  const absl::Time measure_from = absl::Now() + options.warmup;
  const absl::Time end = measure_from + options.duration;

  std::vector<WorkerResult> results(options.concurrency);
  std::vector<std::thread> threads;
  for (int w = 0; w < options.concurrency; ++w) {
    threads.emplace_back([&, w] {
      Worker worker(options, accounts, run_id, w, measure_from, end);
      results[w] = worker.Run();
    });
  }
  for (std::thread& thread : threads) thread.join();

  BenchReport report;
  std::vector<double> latencies;
  for (WorkerResult& result : results) {
    report.calls += result.calls;
    report.records += result.records;
    report.errors += result.errors;
    if (report.first_error.empty()) report.first_error = result.first_error;
    latencies.insert(latencies.end(), result.latencies_ms.begin(), result.latencies_ms.end());
  }
  report.seconds = absl::ToDoubleSeconds(options.duration);
  report.records_per_second = report.records / report.seconds;
  report.latency = Summarize(std::move(latencies));
  return report;
}

}  // namespace creditbank::bench
