#include "clients/cbctl/error_report.h"

#include <sstream>

#include "clients/cbctl/exit_codes.h"
#include "domain/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace creditbank::cbctl {
namespace {

using ::testing::HasSubstr;

TEST(ExitCodeForTest, EveryStatusCode) {
  struct Case {
    absl::StatusCode code;
    int exit_code;
  };
  for (const Case& c : {Case{absl::StatusCode::kOk, kExitOk},
                        Case{absl::StatusCode::kCancelled, kExitRefused},
                        Case{absl::StatusCode::kUnknown, kExitRefused},
                        Case{absl::StatusCode::kInvalidArgument, kExitRefused},
                        Case{absl::StatusCode::kDeadlineExceeded, kExitUnreachable},
                        Case{absl::StatusCode::kNotFound, kExitRefused},
                        Case{absl::StatusCode::kAlreadyExists, kExitRefused},
                        Case{absl::StatusCode::kPermissionDenied, kExitRefused},
                        Case{absl::StatusCode::kResourceExhausted, kExitRefused},
                        Case{absl::StatusCode::kFailedPrecondition, kExitRefused},
                        Case{absl::StatusCode::kAborted, kExitRefused},
                        Case{absl::StatusCode::kOutOfRange, kExitRefused},
                        Case{absl::StatusCode::kUnimplemented, kExitRefused},
                        Case{absl::StatusCode::kInternal, kExitRefused},
                        Case{absl::StatusCode::kUnavailable, kExitUnreachable},
                        Case{absl::StatusCode::kDataLoss, kExitRefused},
                        Case{absl::StatusCode::kUnauthenticated, kExitRefused}}) {
    const absl::Status status =
        c.code == absl::StatusCode::kOk ? absl::OkStatus() : absl::Status(c.code, "x");
    EXPECT_EQ(ExitCodeFor(status), c.exit_code) << absl::StatusCodeToString(c.code);
  }
}

TEST(DescribeErrorTest, ListsViolationsAndReason) {
  domain::FieldViolations violations;
  violations.Add("outcome.credits_milli", "must be 0..100000 (thousandths of a credit)");
  violations.Add("outcome.title", "must not be empty");
  const std::string text = DescribeError(violations.ToStatus());
  EXPECT_THAT(text, HasSubstr("cbctl: INVALID_ARGUMENT: outcome.credits_milli: must be 0..100000"));
  EXPECT_THAT(text, HasSubstr("\n  outcome.credits_milli: must be 0..100000 (thousandths of a credit)\n"));
  EXPECT_THAT(text, HasSubstr("\n  outcome.title: must not be empty\n"));
  EXPECT_THAT(text, HasSubstr("\n  reason: INVALID_FIELD\n"));
}

TEST(DescribeErrorTest, ReasonWithoutViolations) {
  absl::Status status = domain::FieldError(absl::StatusCode::kFailedPrecondition,
                                           domain::reason::kAccountFrozen, "account_number",
                                           "account 6217000000000012 is frozen");
  std::ostringstream err;
  EXPECT_EQ(ReportError(err, status), kExitRefused);
  EXPECT_THAT(err.str(), HasSubstr("reason: ACCOUNT_FROZEN"));
  ASSERT_EQ(FieldProblems(status).size(), 1u);
  EXPECT_EQ(FieldProblems(status)[0].field, "account_number");
}

TEST(DescribeErrorTest, UnreachableSaysWhatToCheck) {
  std::ostringstream err;
  EXPECT_EQ(ReportError(err, absl::UnavailableError("failed to connect")), kExitUnreachable);
  EXPECT_THAT(err.str(), HasSubstr("cbctl: UNAVAILABLE: failed to connect"));
  EXPECT_THAT(err.str(), HasSubstr("check --server and --timeout"));
  EXPECT_TRUE(FieldProblems(absl::UnavailableError("x")).empty());
}

}  // namespace
}  // namespace creditbank::cbctl
