// A commit that really fails (the WAL cannot grow past a file size limit)
// stops the server taking writes: the failed call and every later write
// are UNAVAILABLE, health turns NOT_SERVING, reads still work, and after a
// restart on a healthy disk every acknowledged entry is there.
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/integration/server_fixture.h"
#include "tests/testing/error_matchers.h"
#include "tests/testing/file_size_limit.h"
#include "tests/testing/fixtures.h"

namespace creditbank {
namespace {

using ::creditbank::testing::AccreditOverGrpc;
using ::creditbank::testing::CourseOutcome;
using ::creditbank::testing::FileSizeLimit;
using ::creditbank::testing::LargestFileBytes;
using ::creditbank::testing::OpenRequest;
using ::creditbank::testing::ResidentId;
using ::creditbank::testing::ServerFixture;
using ::creditbank::testing::StatusIs;
namespace ledger_v1 = ::creditbank::ledger::v1;

ledger_v1::RecordOutcomesRequest BigBatch(const std::string& account, const std::string& prefix) {
  ledger_v1::RecordOutcomesRequest batch;
  batch.set_institution_code("5150013001");
  for (int i = 0; i < 1000; ++i) {
    std::string title;
    for (int k = 0; k < 190; ++k) title += "学";
    *batch.add_outcomes() = CourseOutcome(account, absl::StrCat(prefix, i), "BIG", title);
  }
  return batch;
}

// The storage watcher polls every kStorageWatchInterval.
bool BecomesNotServing(grpc::Channel& channel) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (testing::CheckHealth(channel, "") == testing::Health::kNotServing) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return false;
}

TEST(FailStopTest, FailedCommitStopsWritesUntilRestartAndLosesNothingAcknowledged) {
  ServerFixture fixture;
  AccreditOverGrpc(fixture.client(), "5150013001");
  ASSERT_OK_AND_ASSIGN(accounts::v1::OpenAccountResponse opened,
                       fixture.client().OpenAccount(OpenRequest(ResidentId(21), "周杰")));
  const std::string account = opened.account().account_number();
  ASSERT_EQ(testing::CheckHealth(*fixture.NewChannel(), ""), testing::Health::kServing);
  ledger_v1::RecordOutcomeRequest acknowledged;
  acknowledged.set_institution_code("5150013001");
  *acknowledged.mutable_outcome() = CourseOutcome(account, "before-failure");
  ASSERT_OK_AND_ASSIGN(ledger_v1::RecordOutcomeResponse first,
                       fixture.client().RecordOutcome(acknowledged));

  {
    FileSizeLimit limit(LargestFileBytes(fixture.data_dir()) + (256 << 10));
    absl::StatusOr<ledger_v1::RecordOutcomesResponse> failed =
        fixture.client().RecordOutcomes(BigBatch(account, "big-"));
    EXPECT_FALSE(failed.ok());
  }
  // The limit is lifted, but the store stays stopped until restarted.
  EXPECT_THAT(fixture.client().RecordOutcome(acknowledged),
              StatusIs(absl::StatusCode::kUnavailable));
  ledger_v1::RecordOutcomeRequest later = acknowledged;
  later.mutable_outcome()->set_request_id("after-failure");
  absl::StatusOr<ledger_v1::RecordOutcomeResponse> refused = fixture.client().RecordOutcome(later);
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_NE(refused.status().message().find("restart"), absl::string_view::npos);
  EXPECT_TRUE(BecomesNotServing(*fixture.NewChannel()));

  // Reads go on.
  ledger_v1::GetEntryRequest get;
  get.set_entry_id(first.entry().entry_id());
  EXPECT_TRUE(fixture.client().GetEntry(get).ok());

  fixture.Restart();
  ASSERT_OK_AND_ASSIGN(ledger_v1::RecordOutcomeResponse replay,
                       fixture.client().RecordOutcome(acknowledged));
  EXPECT_TRUE(replay.replayed());
  EXPECT_EQ(replay.entry().entry_id(), first.entry().entry_id());
  ASSERT_OK_AND_ASSIGN(ledger_v1::RecordOutcomeResponse after,
                       fixture.client().RecordOutcome(later));
  EXPECT_FALSE(after.replayed());
  ledger_v1::CheckConsistencyRequest check;
  ASSERT_OK_AND_ASSIGN(ledger_v1::CheckConsistencyResponse report,
                       fixture.client().CheckConsistency(check));
  EXPECT_TRUE(report.consistent()) << report.DebugString();
}

}  // namespace
}  // namespace creditbank
