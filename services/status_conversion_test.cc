// absl::Status <-> grpc::Status over all 17 codes, with the google.rpc
// details (BadRequest, ErrorReason) carried in grpc-status-details-bin.
#include "services/status_conversion.h"

#include <string>
#include <vector>

#include "absl/strings/cord.h"
#include "creditbank/common/v1/error_details.pb.h"
#include "domain/errors.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace creditbank::services {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

struct CodePair {
  absl::StatusCode absl_code;
  grpc::StatusCode grpc_code;
};

const std::vector<CodePair>& AllCodes() {
  static const std::vector<CodePair> codes = {
      {absl::StatusCode::kOk, grpc::StatusCode::OK},
      {absl::StatusCode::kCancelled, grpc::StatusCode::CANCELLED},
      {absl::StatusCode::kUnknown, grpc::StatusCode::UNKNOWN},
      {absl::StatusCode::kInvalidArgument, grpc::StatusCode::INVALID_ARGUMENT},
      {absl::StatusCode::kDeadlineExceeded, grpc::StatusCode::DEADLINE_EXCEEDED},
      {absl::StatusCode::kNotFound, grpc::StatusCode::NOT_FOUND},
      {absl::StatusCode::kAlreadyExists, grpc::StatusCode::ALREADY_EXISTS},
      {absl::StatusCode::kPermissionDenied, grpc::StatusCode::PERMISSION_DENIED},
      {absl::StatusCode::kResourceExhausted, grpc::StatusCode::RESOURCE_EXHAUSTED},
      {absl::StatusCode::kFailedPrecondition, grpc::StatusCode::FAILED_PRECONDITION},
      {absl::StatusCode::kAborted, grpc::StatusCode::ABORTED},
      {absl::StatusCode::kOutOfRange, grpc::StatusCode::OUT_OF_RANGE},
      {absl::StatusCode::kUnimplemented, grpc::StatusCode::UNIMPLEMENTED},
      {absl::StatusCode::kInternal, grpc::StatusCode::INTERNAL},
      {absl::StatusCode::kUnavailable, grpc::StatusCode::UNAVAILABLE},
      {absl::StatusCode::kDataLoss, grpc::StatusCode::DATA_LOSS},
      {absl::StatusCode::kUnauthenticated, grpc::StatusCode::UNAUTHENTICATED},
  };
  return codes;
}

google::rpc::Status DetailsOf(const grpc::Status& status) {
  google::rpc::Status details;
  EXPECT_TRUE(details.ParseFromString(status.error_details()));
  return details;
}

TEST(StatusConversionTest, CoversAllSeventeenCodes) {
  EXPECT_EQ(AllCodes().size(), 17u);
}

TEST(StatusConversionTest, PlainStatusMapsCodeAndMessageBothWays) {
  for (const CodePair& pair : AllCodes()) {
    SCOPED_TRACE(absl::StatusCodeToString(pair.absl_code));
    const absl::Status status(pair.absl_code, "学分银行 message");
    const grpc::Status grpc_status = ToGrpcStatus(status);
    EXPECT_EQ(grpc_status.error_code(), pair.grpc_code);
    if (pair.absl_code == absl::StatusCode::kOk) {
      EXPECT_TRUE(grpc_status.ok());
      EXPECT_EQ(grpc_status.error_message(), "");
      EXPECT_EQ(grpc_status.error_details(), "");
      EXPECT_TRUE(FromGrpcStatus(grpc_status).ok());
      continue;
    }
    EXPECT_EQ(grpc_status.error_message(), "学分银行 message");
    const google::rpc::Status details = DetailsOf(grpc_status);
    EXPECT_EQ(details.code(), static_cast<int>(pair.grpc_code));
    EXPECT_EQ(details.message(), "学分银行 message");
    EXPECT_EQ(details.details_size(), 0);
    EXPECT_EQ(FromGrpcStatus(grpc_status), status);
  }
}

TEST(StatusConversionTest, DetailsSurviveBothWaysForEveryCode) {
  for (const CodePair& pair : AllCodes()) {
    if (pair.absl_code == absl::StatusCode::kOk) continue;
    SCOPED_TRACE(absl::StatusCodeToString(pair.absl_code));
    const absl::Status status =
        domain::FieldError(pair.absl_code, domain::reason::kAccountFrozen,
                           "outcomes[3].account_number",
                           "account 6217000000000014 is frozen and takes no new entries");
    const grpc::Status grpc_status = ToGrpcStatus(status);
    EXPECT_EQ(grpc_status.error_code(), pair.grpc_code);

    // Any gRPC client can read the standard details.
    const google::rpc::Status details = DetailsOf(grpc_status);
    EXPECT_EQ(details.code(), static_cast<int>(pair.grpc_code));
    ASSERT_EQ(details.details_size(), 2);
    bool saw_bad_request = false;
    bool saw_reason = false;
    for (const google::protobuf::Any& any : details.details()) {
      google::rpc::BadRequest bad_request;
      common::v1::ErrorReason reason;
      if (any.UnpackTo(&bad_request)) {
        saw_bad_request = true;
        ASSERT_EQ(bad_request.field_violations_size(), 1);
        EXPECT_EQ(bad_request.field_violations(0).field(), "outcomes[3].account_number");
      } else if (any.UnpackTo(&reason)) {
        saw_reason = true;
        EXPECT_EQ(reason.reason(), "ACCOUNT_FROZEN");
        EXPECT_EQ(reason.domain(), "creditbank");
      }
    }
    EXPECT_TRUE(saw_bad_request);
    EXPECT_TRUE(saw_reason);

    // And back: the same status, payloads included.
    const absl::Status back = FromGrpcStatus(grpc_status);
    EXPECT_EQ(back, status);
    EXPECT_EQ(domain::ErrorReason(back), "ACCOUNT_FROZEN");
    EXPECT_THAT(domain::ErrorFields(back), ElementsAre("outcomes[3].account_number"));
  }
}

TEST(StatusConversionTest, ManyViolationsSurvive) {
  domain::FieldViolations violations;
  violations.Add("outcome.title", "must not be empty");
  violations.Add("outcome.credits_milli", "must be 0..100000 (thousandths of a credit)");
  violations.Add("outcome.completion_date", "2026-07-02 is in the future (today is 2026-07-01)");
  const absl::Status back = FromGrpcStatus(ToGrpcStatus(violations.ToStatus()));
  EXPECT_EQ(back.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(domain::ErrorFields(back),
              ElementsAre("outcome.title", "outcome.credits_milli", "outcome.completion_date"));
  EXPECT_EQ(back, violations.ToStatus());
}

TEST(StatusConversionTest, GrpcStatusWithoutDetailsKeepsCodeAndMessage) {
  for (const CodePair& pair : AllCodes()) {
    if (pair.absl_code == absl::StatusCode::kOk) continue;
    SCOPED_TRACE(absl::StatusCodeToString(pair.absl_code));
    // As a proxy or the gRPC library itself reports errors.
    const grpc::Status grpc_status(pair.grpc_code, "failed to connect to all addresses");
    const absl::Status status = FromGrpcStatus(grpc_status);
    EXPECT_EQ(status.code(), pair.absl_code);
    EXPECT_EQ(status.message(), "failed to connect to all addresses");
    EXPECT_THAT(domain::ErrorFields(status), IsEmpty());
  }
}

TEST(StatusConversionTest, DetailsWithAnotherCodeAreIgnored) {
  google::rpc::Status details = domain::ToRpcStatus(
      domain::InvalidField("outcome.title", "must not be empty"));
  const grpc::Status grpc_status(grpc::StatusCode::UNAVAILABLE, "server restarting",
                                 details.SerializeAsString());
  const absl::Status status = FromGrpcStatus(grpc_status);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(status.message(), "server restarting");
  EXPECT_THAT(domain::ErrorFields(status), IsEmpty());
}

TEST(StatusConversionTest, UnparsableDetailsAreIgnored) {
  const grpc::Status grpc_status(grpc::StatusCode::NOT_FOUND, "no entry 42",
                                 std::string("\xff\xff\xff\x01", 4));
  const absl::Status status = FromGrpcStatus(grpc_status);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status.message(), "no entry 42");
  EXPECT_EQ(domain::ErrorReason(status), "");
}

TEST(StatusConversionTest, CodesOutsideTheCanonicalRangeBecomeUnknown) {
  // grpc::StatusCode has no fixed underlying type: only values that fit its
  // bits (0..31) are representable; others would be undefined behaviour
  // (UBSan says so) before our code ever sees them.
  for (int code : {17, 20, 31}) {
    const grpc::Status grpc_status(static_cast<grpc::StatusCode>(code), "from the future");
    const absl::Status status = FromGrpcStatus(grpc_status);
    EXPECT_EQ(status.code(), absl::StatusCode::kUnknown) << code;
    EXPECT_EQ(status.message(), "from the future") << code;
  }
}

TEST(StatusConversionTest, NonCanonicalAbslCodeTravelsAsUnknown) {
  const absl::Status status(static_cast<absl::StatusCode>(42), "odd code");
  const grpc::Status grpc_status = ToGrpcStatus(status);
  EXPECT_EQ(grpc_status.error_code(), grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(DetailsOf(grpc_status).code(), static_cast<int>(grpc::StatusCode::UNKNOWN));
  const absl::Status back = FromGrpcStatus(grpc_status);
  EXPECT_EQ(back.code(), absl::StatusCode::kUnknown);
  EXPECT_EQ(back.message(), "odd code");
}

TEST(StatusConversionTest, OkGrpcStatusIsOkWhateverItCarries) {
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
  EXPECT_TRUE(FromGrpcStatus(grpc::Status(grpc::StatusCode::OK, "fine")).ok());
}

}  // namespace
}  // namespace creditbank::services
