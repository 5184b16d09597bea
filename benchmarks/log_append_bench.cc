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

namespace creditbank::domain::tlog {
namespace {

// A typical course-credit entry: Chinese title, score grade, a level.
ledger::v1::Entry TypicalEntry(uint64_t entry_id) {
  ledger::v1::Entry entry;
  entry.set_entry_id(entry_id);
  entry.set_institution_code("4150013588");
  entry.mutable_recorded_at()->set_seconds(1'782'878'400 + static_cast<int64_t>(entry_id));
  entry.mutable_recorded_at()->set_nanos(123'456'000);
  ledger::v1::Outcome& outcome = *entry.mutable_outcome();
  outcome.set_request_id(absl::StrCat("2026S1-", entry_id));
  outcome.set_account_number("6212345678901232");
  outcome.set_kind(common::v1::OUTCOME_KIND_COURSE_CREDIT);
  outcome.set_code("MATH101");
  outcome.set_title("高等数学（上）");
  outcome.set_credits_milli(3500);
  outcome.set_study_hours(48);
  outcome.mutable_grade()->mutable_score()->set_score_milli(85'500);
  outcome.mutable_grade()->mutable_score()->set_scale_milli(100'000);
  outcome.set_framework_level(6);
  outcome.set_sector(common::v1::SECTOR_VOCATIONAL);
  outcome.mutable_completion_date()->set_year(2026);
  outcome.mutable_completion_date()->set_month(6);
  outcome.mutable_completion_date()->set_day(20);
  return entry;
}

const LeafHasher& Hasher() {
  static const LeafHasher hasher(LeafSaltKey(std::string(32, 's')));
  return hasher;
}

void BM_LeafBytes(benchmark::State& state) {
  ledger::v1::Entry entry = TypicalEntry(1);
  uint64_t id = 1;
  for (auto _ : state) {
    entry.set_entry_id(++id);
    benchmark::DoNotOptimize(Hasher().LeafBytes(entry));
  }
}
BENCHMARK(BM_LeafBytes);

// Per entry, as UnitOfWork::AppendEntry does it.
void BM_AppendEntryToLog(benchmark::State& state) {
  ledger::v1::Entry entry = TypicalEntry(1);
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
