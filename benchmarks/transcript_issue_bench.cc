// Durable transcript issuance: TranscriptsEngine::Issue on a real Core over
// a real RocksDB (synced writes), 20 entries a transcript, from 1 to 8
// threads at once. What one issue costs: reading the 20 entries, the
// checkpoint and 20 inclusion proofs (each checked against the committed
// tree before it is served), building and signing the credential, and
// committing the record, its account index and its idempotency key as one
// synced write that concurrent issues share (the sequencer batches them).
//
// The log is filled to --log_leaves entries first (default 100,000, as
// transcript_bench's in-memory figures assume), each learner's 20 entries
// spread across it, so proofs have their realistic length and share only
// their top nodes. Per-core figures: items_per_second divided by the
// cores the threads could use (min(threads, nproc)).
//
//   build/bin/transcript_issue_bench --log_leaves=100000 --benchmark_repetitions=3
//   TMPDIR=/path/on/the/real/disk build/bin/transcript_issue_bench
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "domain/transcripts_engine.h"
#include "tests/testing/fixtures.h"

namespace creditbank::domain {
namespace {

constexpr char kInstitution[] = "4150013588";
constexpr int kEntriesPerTranscript = 20;
// Learners with 20 entries each; issues go round them.
constexpr int kAccounts = 64;
// Outcomes per RecordOutcomes call while padding the log (the API's limit).
constexpr int kPaddingBatch = 1000;
constexpr uint64_t kDefaultLogLeaves = 100'000;
const TranscriptsConfig kConfig{"https://bank.example.cn", "重庆市终身学习学分银行"};

uint64_t log_leaves = kDefaultLogLeaves;

[[noreturn]] void Die(const absl::Status& status, absl::string_view what) {
  std::fprintf(stderr, "transcript_issue_bench: %s: %s\n", std::string(what).c_str(),
               status.ToString().c_str());
  std::exit(1);
}

// One Core and engine for the whole run: setting up 100,000 entries takes
// a while, and every benchmark issues against the same bank.
struct Bank {
  testing::CoreFixture fixture;
  std::unique_ptr<TranscriptsEngine> engine;
  std::vector<std::string> accounts;
  std::vector<std::vector<uint64_t>> entries;  // per account
  std::atomic<uint64_t> next_request{1};
  transcripts_api::SigningAlgorithm algorithm = transcripts_api::SIGNING_ALGORITHM_ES256;

  Bank() {
    fixture.AccreditedInstitution(kInstitution);
    for (int a = 0; a < kAccounts; ++a) accounts.push_back(fixture.OpenAccount(a + 1));
    entries.resize(kAccounts);
    // A learner's entries are years apart in a city's log, so their proofs
    // share few nodes: each round records one entry per learner, then a
    // twentieth of the other entries (on one more account).
    const std::string padding = fixture.OpenAccount(kAccounts + 1);
    const uint64_t learners_entries = uint64_t{kAccounts} * kEntriesPerTranscript;
    const uint64_t padding_per_round =
        log_leaves > learners_entries ? (log_leaves - learners_entries) / kEntriesPerTranscript
                                      : 0;
    for (int round = 0; round < kEntriesPerTranscript; ++round) {
      ledger::v1::RecordOutcomesRequest request;
      for (int a = 0; a < kAccounts; ++a) {
        *request.add_outcomes() = testing::CourseOutcome(
            accounts[a], absl::StrCat("a", a, "-", round), absl::StrCat("C", round));
      }
      const std::vector<uint64_t> ids = Record(request);
      for (int a = 0; a < kAccounts; ++a) entries[a].push_back(ids[a]);
      for (uint64_t done = 0; done < padding_per_round;) {
        const uint64_t batch = std::min<uint64_t>(kPaddingBatch, padding_per_round - done);
        ledger::v1::RecordOutcomesRequest pad;
        for (uint64_t i = 0; i < batch; ++i) {
          *pad.add_outcomes() = testing::CourseOutcome(
              padding, absl::StrCat("p", round, "-", done + i), absl::StrCat("P", i));
        }
        Record(pad);
        done += batch;
      }
    }
    absl::StatusOr<std::unique_ptr<TranscriptsEngine>> opened = TranscriptsEngine::Open(
        fixture.core(), fixture.core(), fixture.core().log(),
        fixture.core().transcript_key_encryption_key(), kConfig, fixture.clock());
    if (!opened.ok()) Die(opened.status(), "open the transcripts engine");
    engine = *std::move(opened);
  }

  // Records `request`'s outcomes in one atomic batch; their entry ids.
  std::vector<uint64_t> Record(ledger::v1::RecordOutcomesRequest& request) {
    request.set_institution_code(kInstitution);
    request.set_atomic(true);
    absl::StatusOr<ledger::v1::RecordOutcomesResponse> recorded =
        fixture.core().RecordOutcomes(request);
    if (!recorded.ok()) Die(recorded.status(), "record outcomes");
    std::vector<uint64_t> ids;
    for (const ledger::v1::ItemResult& item : recorded->results()) {
      if (item.entry_id() == 0) Die(absl::InternalError("an outcome was refused"), "record");
      ids.push_back(item.entry_id());
    }
    return ids;
  }
};

Bank& TheBank() {
  static Bank* bank = new Bank();  // lives until exit: threads of every benchmark use it
  return *bank;
}

// Makes `algorithm` the signing key's, rotating once when it is not (the
// engine starts with ES256).
void UseAlgorithm(Bank& bank, transcripts_api::SigningAlgorithm algorithm) {
  if (bank.algorithm == algorithm) return;
  transcripts_api::RotateSigningKeyRequest rotate;
  rotate.set_algorithm(algorithm);
  absl::StatusOr<transcripts_api::Jwks> rotated = bank.engine->RotateSigningKey(rotate);
  if (!rotated.ok()) Die(rotated.status(), "rotate the signing key");
  bank.algorithm = algorithm;
}

void IssueDurable(benchmark::State& state, transcripts_api::SigningAlgorithm algorithm) {
  Bank& bank = TheBank();
  // Before the loop: Google Benchmark starts every thread's loop together,
  // after thread 0 has rotated.
  if (state.thread_index() == 0) UseAlgorithm(bank, algorithm);
  size_t bytes = 0;
  for (auto _ : state) {
    const uint64_t n = bank.next_request.fetch_add(1);
    const size_t account = n % kAccounts;
    transcripts_api::IssueTranscriptRequest request;
    request.set_request_id(absl::StrCat("bench-", n));
    request.set_account_number(bank.accounts[account]);
    for (uint64_t id : bank.entries[account]) request.add_entry_ids(id);
    absl::StatusOr<transcripts_api::Transcript> issued = bank.engine->Issue(request);
    if (!issued.ok()) {
      state.SkipWithError(std::string(issued.status().message()).c_str());
      break;
    }
    bytes = issued->jws().size();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["jws_bytes"] =
      benchmark::Counter(static_cast<double>(bytes), benchmark::Counter::kAvgThreads);
}

void BM_IssueDurableEs256(benchmark::State& state) {
  IssueDurable(state, transcripts_api::SIGNING_ALGORITHM_ES256);
}
void BM_IssueDurableEdDsa(benchmark::State& state) {
  IssueDurable(state, transcripts_api::SIGNING_ALGORITHM_EDDSA);
}
BENCHMARK(BM_IssueDurableEs256)->ThreadRange(1, 8)->UseRealTime();
BENCHMARK(BM_IssueDurableEdDsa)->ThreadRange(1, 8)->UseRealTime();

}  // namespace
}  // namespace creditbank::domain

// --log_leaves=N is ours; the rest go to Google Benchmark.
int main(int argc, char** argv) {
  std::vector<char*> rest;
  constexpr absl::string_view kFlag = "--log_leaves=";
  for (int i = 0; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (i > 0 && absl::ConsumePrefix(&arg, kFlag)) {
      if (!absl::SimpleAtoi(arg, &creditbank::domain::log_leaves)) {
        std::fprintf(stderr, "transcript_issue_bench: --log_leaves takes a number\n");
        return 2;
      }
      continue;
    }
    rest.push_back(argv[i]);
  }
  int rest_count = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_count, rest.data());
  if (benchmark::ReportUnrecognizedArguments(rest_count, rest.data())) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
