#include "clients/cbctl/import_runner.h"

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "domain/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace creditbank::cbctl {
namespace {

using ::creditbank::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr absl::CivilDay kToday(2026, 7, 1);
constexpr char kHeader[] =
    "request_id,account_number,kind,code,title,credits,completion_date\r\n";

// A row per call, line 2 onwards; `n` makes each distinct.
std::string Row(int n, const std::string& credits = "3") {
  return absl::StrCat(",6217000000000014,course_credit,C", n, ",\"课程 ", n, ", 第一部分\",",
                      credits, ",2026-06-20\r\n");
}

std::string Csv(int rows) {
  std::string csv = kHeader;
  for (int n = 0; n < rows; ++n) csv += Row(n);
  return csv;
}

// A scripted server: answers each chunk (every item recorded, or as told),
// and can end the call after a number of chunks.
struct FakeServer {
  std::vector<ledger::v1::RecordOutcomesRequest> chunks;  // as received
  std::set<std::string> recorded;                         // request ids
  // Items whose request id is here are refused with this error.
  std::map<std::string, absl::Status> refusals;
  // Answer this many chunks, take one more without answering, then end the
  // call with `end_status`.
  size_t answer_limit = SIZE_MAX;
  absl::Status end_status = absl::UnavailableError("Socket closed");
  bool wrong_result_count = false;
  // Chunks from this one on (0-based) are refused as a whole, in band.
  size_t refuse_chunks_from = SIZE_MAX;
  absl::Status chunk_refusal;
  int streams_opened = 0;
};

class FakeStream final : public OutcomeChunkStream {
 public:
  explicit FakeStream(FakeServer& server) : server_(server) {}

  bool Write(const ledger::v1::RecordOutcomesRequest& chunk) override {
    if (ended()) return false;
    server_.chunks.push_back(chunk);
    if (ended()) return true;  // taken, never answered
    ledger::v1::RecordOutcomesResponse answer;
    if (server_.chunks.size() > server_.refuse_chunks_from) {
      *answer.mutable_error() = domain::ToRpcStatus(server_.chunk_refusal);
      answers_.push_back(answer);
      return true;
    }
    for (int i = 0; i < chunk.outcomes_size(); ++i) {
      const std::string& id = chunk.outcomes(i).request_id();
      ledger::v1::ItemResult* result = answer.add_results();
      result->set_index(i);
      if (auto refusal = server_.refusals.find(id); refusal != server_.refusals.end()) {
        *result->mutable_error() = domain::ToRpcStatus(
            domain::WithFieldPrefix(refusal->second, absl::StrCat("outcomes[", i, "].")));
        continue;
      }
      result->set_entry_id(1);
      result->set_replayed(!server_.recorded.insert(id).second);
    }
    if (server_.wrong_result_count) answer.add_results();
    answers_.push_back(answer);
    return true;
  }
  bool Read(ledger::v1::RecordOutcomesResponse* answer) override {
    if (read_ >= answers_.size()) return false;
    *answer = answers_[read_++];
    return true;
  }
  void WritesDone() override {}
  void Cancel() override { cancelled_ = true; }
  absl::Status Finish() override {
    return ended() && !cancelled_ ? server_.end_status
                                  : (cancelled_ ? absl::CancelledError("cancelled") : absl::OkStatus());
  }

 private:
  bool ended() const { return server_.chunks.size() > server_.answer_limit; }

  FakeServer& server_;
  std::vector<ledger::v1::RecordOutcomesResponse> answers_;
  size_t read_ = 0;
  bool cancelled_ = false;
};

class RecordingObserver final : public ImportObserver {
 public:
  void OnProblem(const ImportProblem& problem) override { problems.push_back(FormatProblem(problem)); }
  void OnProgress(size_t done, size_t total) override {
    last_done = done;
    last_total = total;
  }
  std::vector<std::string> problems;
  size_t last_done = 0;
  size_t last_total = 0;
};

class ImportRunnerTest : public ::testing::Test {
 protected:
  absl::StatusOr<ImportSummary> Run(const std::string& csv, size_t batch_size = 500,
                                    bool dry_run = false) {
    ImportOptions options;
    options.institution_code = "4150013588";
    options.batch_size = batch_size;
    options.dry_run = dry_run;
    options.today = kToday;
    return RunImport(csv, options, open_, observer_);
  }

  FakeServer server_;
  RecordingObserver observer_;
  OutcomeChunkStreamFactory open_ = [this]() -> std::unique_ptr<OutcomeChunkStream> {
    ++server_.streams_opened;
    return std::make_unique<FakeStream>(server_);
  };
};

TEST_F(ImportRunnerTest, SendsChunksOfTheBatchSizeAndCountsResults) {
  ASSERT_OK_AND_ASSIGN(ImportSummary summary, Run(Csv(1234), 500));
  EXPECT_EQ(summary.rows, 1234u);
  EXPECT_EQ(summary.recorded, 1234u);
  EXPECT_EQ(summary.replayed, 0u);
  EXPECT_EQ(summary.failed, 0u);
  EXPECT_TRUE(summary.all_recorded());
  ASSERT_EQ(server_.chunks.size(), 3u);
  EXPECT_EQ(server_.chunks[0].outcomes_size(), 500);
  EXPECT_EQ(server_.chunks[2].outcomes_size(), 234);
  EXPECT_EQ(server_.chunks[0].institution_code(), "4150013588");
  EXPECT_EQ(server_.chunks[0].outcomes(0).title(), "课程 0, 第一部分");
  EXPECT_FALSE(server_.chunks[0].atomic());
  EXPECT_EQ(observer_.last_done, 1234u);
  EXPECT_EQ(observer_.last_total, 1234u);
}

TEST_F(ImportRunnerTest, SecondRunIsAllReplayedWithTheSameRequestIds) {
  ASSERT_OK_AND_ASSIGN(ImportSummary first, Run(Csv(700), 300));
  ASSERT_OK_AND_ASSIGN(ImportSummary second, Run(Csv(700), 300));
  EXPECT_EQ(first.recorded, 700u);
  EXPECT_EQ(second.recorded, 0u);
  EXPECT_EQ(second.replayed, 700u);
  EXPECT_EQ(server_.recorded.size(), 700u);
}

TEST_F(ImportRunnerTest, BadRowsAreReportedByLineAndOthersStillSent) {
  std::string csv = kHeader;
  csv += Row(0);
  csv += Row(1, "3.1415");                                       // line 3
  csv += ",6217000000000014,course_credit,C2,\"two\nlines\",1,2026-06-20\r\n";  // lines 4-5
  csv += Row(3, "-2");                                           // line 6
  csv += Row(0);                                                 // line 7: repeats line 2
  ASSERT_OK_AND_ASSIGN(ImportSummary summary, Run(csv));
  EXPECT_EQ(summary.rows, 5u);
  EXPECT_EQ(summary.recorded, 1u);
  EXPECT_EQ(summary.failed, 4u);
  EXPECT_THAT(observer_.problems,
              ElementsAre("line 3: credits: has more than 3 decimal places, got \"3.1415\"",
                          HasSubstr("line 4: title: "),
                          "line 6: credits: must not be negative, got \"-2\"",
                          "line 7: repeats line 2 exactly (the same outcome twice)"));
  EXPECT_FALSE(summary.all_recorded());
}

TEST_F(ImportRunnerTest, ServerRefusalsAreReportedWithTheirLineColumnAndReason) {
  ASSERT_OK_AND_ASSIGN(ImportSummary dry, Run(Csv(3), 500, /*dry_run=*/true));
  ASSERT_EQ(server_.streams_opened, 0);
  // Refuse the row on line 3 (the second data row) by its derived id.
  std::string csv = Csv(3);
  std::string second_id;
  {
    ASSERT_OK_AND_ASSIGN(ImportSummary probe, Run(csv));
    second_id = server_.chunks.back().outcomes(1).request_id();
  }
  server_.recorded.clear();
  server_.refusals[second_id] = domain::FieldError(
      absl::StatusCode::kFailedPrecondition, domain::reason::kAccountFrozen, "account_number",
      "account 6217000000000014 is frozen");
  ASSERT_OK_AND_ASSIGN(ImportSummary summary, Run(csv));
  EXPECT_EQ(summary.recorded, 2u);
  EXPECT_EQ(summary.failed, 1u);
  EXPECT_THAT(observer_.problems,
              ElementsAre("line 3: account_number: account 6217000000000014 is frozen "
                          "[ACCOUNT_FROZEN]"));
}

TEST_F(ImportRunnerTest, DryRunChecksEverythingAndSendsNothing) {
  std::string csv = Csv(10) + Row(10, "abc");
  ASSERT_OK_AND_ASSIGN(ImportSummary summary, Run(csv, 500, /*dry_run=*/true));
  EXPECT_EQ(server_.streams_opened, 0);
  EXPECT_EQ(summary.checked, 10u);
  EXPECT_EQ(summary.failed, 1u);
  EXPECT_EQ(summary.recorded, 0u);
  EXPECT_THAT(observer_.problems, ElementsAre(HasSubstr("line 12: credits: ")));
}

TEST_F(ImportRunnerTest, BrokenFileSendsNothing) {
  EXPECT_THAT(Run(Csv(5) + ",\"unterminated\n"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Run("account_number,kind,code,title,completion_date,bogus\n"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Run(""), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Run(Csv(5), 0), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Run(Csv(5), kMaxImportBatchSize + 1), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(server_.streams_opened, 0);
}

TEST_F(ImportRunnerTest, HeaderOnlyFileContactsNoServer) {
  ASSERT_OK_AND_ASSIGN(ImportSummary summary, Run(kHeader));
  EXPECT_EQ(summary.rows, 0u);
  EXPECT_TRUE(summary.all_recorded());
  EXPECT_EQ(server_.streams_opened, 0);
}

TEST_F(ImportRunnerTest, StreamEndingEarlySaysWhatWasCommitted) {
  server_.answer_limit = 2;  // two chunks answered, the third lost in flight
  ASSERT_OK_AND_ASSIGN(ImportSummary summary, Run(Csv(1000), 100));
  EXPECT_THAT(summary.stream_status, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(summary.recorded, 200u);
  // Data rows start on line 2: row 200 is on line 201.
  EXPECT_EQ(summary.last_committed_line, 201u);
  EXPECT_EQ(summary.first_unconfirmed_line, 202u);
  EXPECT_EQ(summary.unconfirmed, 800u);
  EXPECT_FALSE(summary.all_recorded());

  // The re-run finishes the job: committed rows come back replayed.
  server_.answer_limit = SIZE_MAX;
  server_.chunks.clear();
  ASSERT_OK_AND_ASSIGN(ImportSummary rerun, Run(Csv(1000), 100));
  EXPECT_EQ(rerun.replayed, 200u);
  EXPECT_EQ(rerun.recorded, 800u);
  EXPECT_TRUE(rerun.all_recorded());
}

TEST_F(ImportRunnerTest, ServerEndingTheCallEarlyWithOkIsStillAnError) {
  server_.answer_limit = 1;
  server_.end_status = absl::OkStatus();
  ASSERT_OK_AND_ASSIGN(ImportSummary summary, Run(Csv(100), 10));
  EXPECT_THAT(summary.stream_status, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(summary.recorded, 10u);
  EXPECT_EQ(summary.last_committed_line, 11u);
  EXPECT_EQ(summary.first_unconfirmed_line, 12u);
  EXPECT_EQ(summary.unconfirmed, 90u);
}

TEST_F(ImportRunnerTest, StreamRefusedAtOnceCommitsNothing) {
  server_.answer_limit = 0;
  server_.end_status = domain::FieldError(absl::StatusCode::kNotFound,
                                          domain::reason::kInstitutionNotFound,
                                          "institution_code", "no institution 4150013588");
  ASSERT_OK_AND_ASSIGN(ImportSummary summary, Run(Csv(50), 20));
  EXPECT_THAT(summary.stream_status, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(summary.last_committed_line, 0u);
  EXPECT_EQ(summary.first_unconfirmed_line, 2u);
  EXPECT_EQ(summary.unconfirmed, 50u);
}

TEST_F(ImportRunnerTest, ChunkRefusedInBandStopsTheUploadAtItsFirstLine) {
  server_.refuse_chunks_from = 2;  // the third chunk: lines 42..61
  server_.chunk_refusal = domain::FieldError(absl::StatusCode::kFailedPrecondition,
                                             domain::reason::kInstitutionSuspended,
                                             "institution_code", "institution 4150013588 is suspended");
  ASSERT_OK_AND_ASSIGN(ImportSummary summary, Run(Csv(100), 20));
  EXPECT_THAT(summary.stream_status, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(summary.recorded, 40u);
  EXPECT_EQ(summary.last_committed_line, 41u);
  EXPECT_EQ(summary.first_unconfirmed_line, 42u);
  EXPECT_EQ(summary.unconfirmed, 60u);
}

TEST_F(ImportRunnerTest, AnswerWithTheWrongResultCountStopsTheUpload) {
  server_.wrong_result_count = true;
  ASSERT_OK_AND_ASSIGN(ImportSummary summary, Run(Csv(30), 10));
  EXPECT_THAT(summary.stream_status, StatusIs(absl::StatusCode::kInternal));
  EXPECT_EQ(summary.recorded, 0u);
  EXPECT_EQ(summary.unconfirmed, 30u);
}

TEST(FormatProblemTest, WithAndWithoutColumn) {
  EXPECT_EQ(FormatProblem({12, "credits", "bad"}), "line 12: credits: bad");
  EXPECT_EQ(FormatProblem({3, "", "has 2 fields, the header has 13"}),
            "line 3: has 2 fields, the header has 13");
}

TEST(FormatProblemTest, QuotedCellsAreMadeHarmless) {
  EXPECT_EQ(FormatProblem({4, "kind", "unknown outcome kind \"\x1b[2Jx\""}),
            "line 4: kind: unknown outcome kind \"?[2Jx\"");
  const std::string long_reason = "got \"" + std::string(1000, 'x') + "\"";
  EXPECT_EQ(FormatProblem({5, "credits", long_reason}).size(),
            std::string("line 5: credits: ").size() + kMaxProblemReasonBytes + 3);
}

}  // namespace
}  // namespace creditbank::cbctl
