// cbbench: load generator for a running creditbankd.
//
//   cbbench --mode=batch --concurrency=4 --batch_size=1000 --duration=20
//   cbbench --mode=unary --concurrency=32 --duration=20
//   cbbench --mode=stream --rate=20000 --duration=1800   # steady load (soak)
#include <iostream>

#include "CLI/CLI.hpp"
#include "absl/strings/str_format.h"
#include "clients/cbbench/load_generator.h"

int main(int argc, char** argv) {
  using creditbank::bench::BenchMode;
  creditbank::bench::BenchOptions options;
  std::string mode = "batch";
  double duration_seconds = 10;
  double warmup_seconds = 2;
  bool json = false;

  CLI::App app{"cbbench: record outcomes against a running creditbankd and report "
               "records/s and latency"};
  app.add_option("--server", options.server, "creditbankd address")->capture_default_str();
  app.add_option("--mode", mode, "unary, batch or stream")
      ->check(CLI::IsMember({"unary", "batch", "stream"}))
      ->capture_default_str();
  app.add_option("--concurrency", options.concurrency, "concurrent clients")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  app.add_option("--batch_size", options.batch_size, "outcomes per call or chunk")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_flag("--atomic", options.atomic, "atomic batches");
  app.add_option("--duration", duration_seconds, "seconds measured")->capture_default_str();
  app.add_option("--warmup", warmup_seconds, "seconds run before measuring")
      ->capture_default_str();
  app.add_option("--accounts", options.accounts, "learner accounts used")
      ->check(CLI::Range(1, 10'000'000))
      ->capture_default_str();
  app.add_option("--institution", options.institution, "institution code used")
      ->capture_default_str();
  app.add_option("--rate", options.rate, "records per second in total (0: as fast as possible)")
      ->capture_default_str();
  app.add_flag("--json", json, "print the report as one JSON object");
  CLI11_PARSE(app, argc, argv);

  options.mode = mode == "unary" ? BenchMode::kUnary
                 : mode == "stream" ? BenchMode::kStream
                                    : BenchMode::kBatch;
  options.duration = absl::Seconds(duration_seconds);
  options.warmup = absl::Seconds(warmup_seconds);
  auto report = creditbank::bench::RunBenchmark(options);
  if (!report.ok()) {
    std::cerr << "cbbench: " << report.status().message() << "\n";
    return 1;
  }
  const int per_call = options.mode == BenchMode::kUnary ? 1 : options.batch_size;
  if (json) {
    std::cout << absl::StrFormat(
        "{\"mode\":\"%s\",\"concurrency\":%d,\"batch_size\":%d,\"seconds\":%.1f,"
        "\"calls\":%d,\"records\":%d,\"errors\":%d,\"records_per_second\":%.0f,"
        "\"latency_ms\":{\"p50\":%.3f,\"p99\":%.3f,\"max\":%.3f}}\n",
        mode, options.concurrency, per_call, report->seconds, report->calls, report->records,
        report->errors, report->records_per_second, report->latency.p50_ms,
        report->latency.p99_ms, report->latency.max_ms);
  } else {
    std::cout << absl::StrFormat(
        "mode=%s concurrency=%d per_call=%d seconds=%.1f\n"
        "records=%d calls=%d errors=%d\n"
        "records/s=%.0f  latency per call: p50=%.2f ms  p99=%.2f ms  max=%.2f ms\n",
        mode, options.concurrency, per_call, report->seconds, report->records, report->calls,
        report->errors, report->records_per_second, report->latency.p50_ms,
        report->latency.p99_ms, report->latency.max_ms);
    if (report->errors > 0) std::cout << "first error: " << report->first_error << "\n";
  }
  return report->errors == 0 ? 0 : 1;
}
