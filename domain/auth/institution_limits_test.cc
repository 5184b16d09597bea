#include "domain/auth/institution_limits.h"

#include "domain/errors.h"
#include "gtest/gtest.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/status_matchers.h"

namespace creditbank::domain {
namespace {

using ::creditbank::testing::IsOk;
using ::creditbank::testing::StatusIs;

TEST(InstitutionLimitsTest, BurstThenRefillAtTheRate) {
  FakeClock clock(::creditbank::testing::FixtureNow());
  InstitutionLimits limits({.requests_per_second = 10, .burst = 3, .max_batch_items = 1000}, clock);
  for (int i = 0; i < 3; ++i) EXPECT_THAT(limits.Admit("4150013588", 1), IsOk());
  absl::Status over = limits.Admit("4150013588", 1);
  EXPECT_THAT(over, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_EQ(ErrorReason(over), "QUOTA_EXCEEDED");
  // Another institution has its own bucket.
  EXPECT_THAT(limits.Admit("5150000001", 1), IsOk());
  clock.Advance(absl::Milliseconds(100));  // one token at 10/s
  EXPECT_THAT(limits.Admit("4150013588", 1), IsOk());
  EXPECT_THAT(limits.Admit("4150013588", 1), StatusIs(absl::StatusCode::kResourceExhausted));
  clock.Advance(absl::Hours(1));  // never more than the burst
  for (int i = 0; i < 3; ++i) EXPECT_THAT(limits.Admit("4150013588", 1), IsOk());
  EXPECT_THAT(limits.Admit("4150013588", 1), StatusIs(absl::StatusCode::kResourceExhausted));
}

TEST(InstitutionLimitsTest, BatchSizeAndOverrides) {
  FakeClock clock(::creditbank::testing::FixtureNow());
  InstitutionLimits limits({.requests_per_second = 0, .burst = 0, .max_batch_items = 500}, clock);
  EXPECT_THAT(limits.Admit("4150013588", 500), IsOk());
  EXPECT_THAT(limits.Admit("4150013588", 501), StatusIs(absl::StatusCode::kResourceExhausted));
  for (int i = 0; i < 1000; ++i) ASSERT_THAT(limits.Admit("4150013588", 1), IsOk());  // no rate
  limits.Override("5150000001", {.requests_per_second = 1, .burst = 1, .max_batch_items = 1000});
  EXPECT_THAT(limits.Admit("5150000001", 1000), IsOk());
  EXPECT_THAT(limits.Admit("5150000001", 1), StatusIs(absl::StatusCode::kResourceExhausted));
}

}  // namespace
}  // namespace creditbank::domain
