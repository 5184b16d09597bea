// LoadGenerator: concurrent workers recording outcomes against a running
// server, each request with a fresh request id, timing every call.
//
//   BenchOptions options{.mode = BenchMode::kBatch, .concurrency = 4};
//   ASSIGN_OR_RETURN(BenchReport report, RunBenchmark(options));
#ifndef CREDITBANK_CLIENTS_CBBENCH_LOAD_GENERATOR_H_
#define CREDITBANK_CLIENTS_CBBENCH_LOAD_GENERATOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace creditbank::bench {

enum class BenchMode {
  kUnary,   // RecordOutcome, one outcome per call
  kBatch,   // RecordOutcomes, batch_size outcomes per call
  kStream,  // StreamOutcomes, batch_size outcomes per chunk, one stream per worker
};

struct BenchOptions {
  std::string server = "127.0.0.1:50051";
  BenchMode mode = BenchMode::kBatch;
  int concurrency = 4;          // workers, each with its own connection
  int batch_size = 1000;        // outcomes per call (batch, stream)
  bool atomic = false;          // atomic batches
  absl::Duration duration = absl::Seconds(10);
  absl::Duration warmup = absl::Seconds(2);  // run but not measured
  int accounts = 1000;          // learners to spread outcomes over
  std::string institution = "BENCH-0001";
  // Records per second across all workers; 0 means as fast as possible.
  double rate = 0;
};

struct LatencySummary {
  double p50_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

struct BenchReport {
  uint64_t calls = 0;
  uint64_t records = 0;
  uint64_t errors = 0;
  std::string first_error;
  double seconds = 0;
  double records_per_second = 0;
  LatencySummary latency;  // per call (per chunk for streams)
};

// Sets up the institution and accounts (idempotently), warms up, then
// measures for options.duration.
absl::StatusOr<BenchReport> RunBenchmark(const BenchOptions& options);

LatencySummary Summarize(std::vector<double> latencies_ms);

}  // namespace creditbank::bench

#endif  // CREDITBANK_CLIENTS_CBBENCH_LOAD_GENERATOR_H_
