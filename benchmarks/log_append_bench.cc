// What the transparency log adds to recording one entry, on the
// sequencer's applier thread: the entry's canonical leaf (RFC 8785 JSON
// with its HMAC salt), its leaf hash, and the frontier append with the
// node hashes it completes (about one per entry). Also the leaf alone and
// an inclusion proof's verification, for scale.
//
//   build/bin/log_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "domain/tlog/frontier.h"
#include "domain/tlog/leaf.h"
#include "domain/tlog/merkle.h"
#include "tests/testing/sample_entry.h"

namespace creditbank::domain::tlog {
namespace {

const LeafHasher& Hasher() {
  static const LeafHasher hasher(LeafSaltKey(std::string(32, 's')));
  return hasher;
}

void BM_LeafBytes(benchmark::State& state) {
  ledger::v1::Entry entry = testing::SampleCourseEntry(1);
  uint64_t id = 1;
  for (auto _ : state) {
    entry.set_entry_id(++id);
    benchmark::DoNotOptimize(Hasher().LeafBytes(entry));
  }
}
BENCHMARK(BM_LeafBytes);

// Per entry, as UnitOfWork::AppendEntry does it.
void BM_AppendEntryToLog(benchmark::State& state) {
  ledger::v1::Entry entry = testing::SampleCourseEntry(1);
  Frontier frontier;
  uint64_t nodes = 0;
  for (auto _ : state) {
    entry.set_entry_id(frontier.size() + 1);
    nodes += frontier.Append(Hasher().LeafHashOf(entry)).size();
  }
  state.counters["nodes_per_entry"] =
      benchmark::Counter(static_cast<double>(nodes) / static_cast<double>(state.iterations()));
}
BENCHMARK(BM_AppendEntryToLog);

// Checking one inclusion proof in a tree of a million leaves (20 hashes).
void BM_VerifyInclusion(benchmark::State& state) {
  MemoryTree tree;
  constexpr uint64_t kSize = uint64_t{1} << 20;
  for (uint64_t i = 0; i < kSize; ++i) tree.AppendLeafHash(LeafHash(absl::StrCat(i)));
  const absl::StatusOr<std::vector<std::string>> proof = InclusionProof(tree, 12345, kSize);
  const absl::StatusOr<std::string> root = RootHash(tree, kSize);
  const std::string leaf_hash = LeafHash("12345");
  for (auto _ : state) {
    benchmark::DoNotOptimize(VerifyInclusion(leaf_hash, 12345, kSize, *proof, *root));
  }
}
BENCHMARK(BM_VerifyInclusion);

}  // namespace
}  // namespace creditbank::domain::tlog

BENCHMARK_MAIN();
