// Errors with google.rpc details: FieldError, FieldViolations,
// WithFieldPrefix, WithMessage, and the google.rpc.Status round trip.
#include "domain/errors.h"

#include <string>
#include <vector>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "creditbank/common/v1/error_details.pb.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"
#include "tests/testing/error_matchers.h"

namespace creditbank::domain {
namespace {

using ::creditbank::testing::HasReason;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

google::rpc::BadRequest BadRequestOf(const absl::Status& status) {
  google::rpc::BadRequest bad_request;
  absl::optional<absl::Cord> payload = status.GetPayload(kBadRequestTypeUrl);
  EXPECT_TRUE(payload.has_value()) << status;
  if (payload) {
    EXPECT_TRUE(bad_request.ParseFromString(std::string(*payload)));
  }
  return bad_request;
}

TEST(FieldErrorTest, CarriesCodeFieldDescriptionAndReason) {
  const absl::Status status =
      FieldError(absl::StatusCode::kFailedPrecondition, reason::kAccountFrozen,
                 "account_number", "account 6217000000000014 is frozen");
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(), "account_number: account 6217000000000014 is frozen");
  const google::rpc::BadRequest bad_request = BadRequestOf(status);
  ASSERT_EQ(bad_request.field_violations_size(), 1);
  EXPECT_EQ(bad_request.field_violations(0).field(), "account_number");
  EXPECT_EQ(bad_request.field_violations(0).description(), "account 6217000000000014 is frozen");
  EXPECT_EQ(ErrorReason(status), "ACCOUNT_FROZEN");
  EXPECT_THAT(ErrorFields(status), ElementsAre("account_number"));

  common::v1::ErrorReason info;
  ASSERT_TRUE(info.ParseFromString(std::string(*status.GetPayload(kErrorReasonTypeUrl))));
  EXPECT_EQ(info.domain(), "creditbank");
}

TEST(FieldErrorTest, InvalidFieldIsInvalidArgumentWithInvalidFieldReason) {
  const absl::Status status = InvalidField("outcome.title", "must not be empty");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "outcome.title: must not be empty");
  EXPECT_THAT(status, HasReason("INVALID_FIELD"));
  EXPECT_THAT(ErrorFields(status), ElementsAre("outcome.title"));
}

TEST(FieldViolationsTest, EmptyIsOk) {
  FieldViolations violations;
  EXPECT_TRUE(violations.empty());
  EXPECT_EQ(violations.size(), 0u);
  EXPECT_TRUE(violations.ToStatus().ok());
}

TEST(FieldViolationsTest, ReportsEveryViolationInOrder) {
  FieldViolations violations;
  violations.Add("outcome.title", "must not be empty");
  violations.Add("outcome.credits_milli", "must be 0..100000 (thousandths of a credit)");
  violations.Add("outcome.completion_date", "must be set");
  EXPECT_EQ(violations.size(), 3u);
  const absl::Status status = violations.ToStatus();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "outcome.title: must not be empty (and 2 more invalid fields)");
  EXPECT_THAT(status, HasReason("INVALID_FIELD"));
  EXPECT_THAT(ErrorFields(status), ElementsAre("outcome.title", "outcome.credits_milli",
                                               "outcome.completion_date"));
  const google::rpc::BadRequest bad_request = BadRequestOf(status);
  EXPECT_EQ(bad_request.field_violations(1).description(),
            "must be 0..100000 (thousandths of a credit)");
}

TEST(FieldViolationsTest, SingleViolationHasNoSummary) {
  FieldViolations violations;
  violations.Add("details.name", "must not be empty");
  EXPECT_EQ(violations.ToStatus().message(), "details.name: must not be empty");
}

TEST(FieldViolationsTest, KeepsAtMostOneHundredAndCountsTheRest) {
  FieldViolations violations;
  for (int i = 0; i < 150; ++i) {
    violations.Add(absl::StrCat("outcomes[", i, "].title"), "must not be empty");
  }
  EXPECT_EQ(violations.size(), 100u);
  const absl::Status status = violations.ToStatus();
  EXPECT_EQ(status.message(), "outcomes[0].title: must not be empty (and 149 more invalid fields)");
  const std::vector<std::string> fields = ErrorFields(status);
  ASSERT_EQ(fields.size(), 100u);
  EXPECT_EQ(fields.back(), "outcomes[99].title");
}

TEST(FieldViolationsTest, MergeKeepsOrderAndDroppedCounts) {
  FieldViolations first;
  first.Add("outcomes[0].title", "must not be empty");
  FieldViolations second;
  for (int i = 0; i < 101; ++i) second.Add(absl::StrCat("outcomes[1].f", i), "bad");
  EXPECT_EQ(second.size(), 100u);
  first.Merge(second);
  EXPECT_EQ(first.size(), 100u);
  const std::vector<std::string> fields = ErrorFields(first.ToStatus());
  EXPECT_EQ(fields.front(), "outcomes[0].title");
  EXPECT_EQ(fields.back(), "outcomes[1].f98");
  // 1 + 101 violations, 100 kept: "and 101 more".
  EXPECT_EQ(first.ToStatus().message(), "outcomes[0].title: must not be empty (and 101 more invalid fields)");
}

TEST(WithFieldPrefixTest, PrefixesMessageAndEveryField) {
  FieldViolations violations;
  violations.Add("title", "must not be empty");
  violations.Add("code", "must not be empty");
  const absl::Status prefixed = WithFieldPrefix(violations.ToStatus(), "outcomes[3].");
  EXPECT_EQ(prefixed.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(prefixed.message(), "outcomes[3].title: must not be empty (and 1 more invalid fields)");
  EXPECT_THAT(ErrorFields(prefixed), ElementsAre("outcomes[3].title", "outcomes[3].code"));
  EXPECT_THAT(prefixed, HasReason("INVALID_FIELD"));
}

TEST(WithFieldPrefixTest, KeepsTheReasonOfStateErrors) {
  const absl::Status status =
      FieldError(absl::StatusCode::kFailedPrecondition, reason::kOutsideScope, "sector",
                 "4150013588 is not accredited for SECTOR_ELDERLY");
  const absl::Status prefixed = WithFieldPrefix(status, "outcome.");
  EXPECT_EQ(prefixed.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(ErrorFields(prefixed), ElementsAre("outcome.sector"));
  EXPECT_THAT(prefixed, HasReason("OUTSIDE_ACCREDITATION_SCOPE"));
}

TEST(WithFieldPrefixTest, OkStaysOk) {
  EXPECT_TRUE(WithFieldPrefix(absl::OkStatus(), "outcome.").ok());
}

TEST(WithFieldPrefixTest, StatusWithoutDetailsKeepsNoDetails) {
  const absl::Status prefixed = WithFieldPrefix(absl::UnavailableError("disk"), "outcome.");
  EXPECT_EQ(prefixed.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(ErrorFields(prefixed), IsEmpty());
  EXPECT_EQ(ErrorReason(prefixed), "");
}

TEST(WithMessageTest, KeepsCodeAndPayloads) {
  const absl::Status status = InvalidField("outcomes[2].kind", "must be a known outcome kind");
  const absl::Status changed = WithMessage(status, "new words");
  EXPECT_EQ(changed.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(changed.message(), "new words");
  EXPECT_THAT(ErrorFields(changed), ElementsAre("outcomes[2].kind"));
  EXPECT_THAT(changed, HasReason("INVALID_FIELD"));
}

TEST(RpcStatusTest, ToRpcStatusCarriesCodeMessageAndDetails) {
  const absl::Status status = FieldError(absl::StatusCode::kAlreadyExists,
                                         reason::kRequestIdReused, "request_id",
                                         "request id r-1 was already used");
  const google::rpc::Status rpc = ToRpcStatus(status);
  EXPECT_EQ(rpc.code(), 6);
  EXPECT_EQ(rpc.message(), "request_id: request id r-1 was already used");
  ASSERT_EQ(rpc.details_size(), 2);
  std::vector<std::string> type_urls;
  for (const auto& detail : rpc.details()) type_urls.push_back(detail.type_url());
  EXPECT_THAT(type_urls, ::testing::UnorderedElementsAre(std::string(kBadRequestTypeUrl),
                                                         std::string(kErrorReasonTypeUrl)));
  for (const auto& detail : rpc.details()) {
    if (detail.type_url() != kBadRequestTypeUrl) continue;
    google::rpc::BadRequest bad_request;
    ASSERT_TRUE(detail.UnpackTo(&bad_request));
    EXPECT_EQ(bad_request.field_violations(0).field(), "request_id");
  }
}

TEST(RpcStatusTest, OkBecomesCodeZeroWithoutDetails) {
  const google::rpc::Status rpc = ToRpcStatus(absl::OkStatus());
  EXPECT_EQ(rpc.code(), 0);
  EXPECT_EQ(rpc.message(), "");
  EXPECT_EQ(rpc.details_size(), 0);
  EXPECT_TRUE(FromRpcStatus(rpc).ok());
}

TEST(RpcStatusTest, RoundTripsEveryCodeWithDetails) {
  for (int code = 1; code <= 16; ++code) {
    const absl::StatusCode status_code = static_cast<absl::StatusCode>(code);
    const absl::Status status =
        FieldError(status_code, reason::kEntryNotFound, "entry_id", "no entry 42");
    const absl::Status back = FromRpcStatus(ToRpcStatus(status));
    EXPECT_EQ(back, status) << absl::StatusCodeToString(status_code);
    EXPECT_EQ(back.code(), status_code);
    EXPECT_EQ(back.message(), "entry_id: no entry 42");
    EXPECT_THAT(ErrorFields(back), ElementsAre("entry_id"));
    EXPECT_EQ(ErrorReason(back), "ENTRY_NOT_FOUND");
  }
}

TEST(RpcStatusTest, UnknownCodesBecomeUnknownNeverOk) {
  for (int code : {-1, 17, 100}) {
    google::rpc::Status rpc;
    rpc.set_code(code);
    rpc.set_message("from a newer server");
    const absl::Status status = FromRpcStatus(rpc);
    EXPECT_EQ(status.code(), absl::StatusCode::kUnknown) << code;
    EXPECT_EQ(status.message(), "from a newer server");
  }
}

TEST(ErrorReasonTest, EmptyWithoutOrWithDamagedPayload) {
  EXPECT_EQ(ErrorReason(absl::InternalError("x")), "");
  absl::Status damaged = absl::InternalError("x");
  damaged.SetPayload(kErrorReasonTypeUrl, absl::Cord("\xff\xff\xff"));
  EXPECT_EQ(ErrorReason(damaged), "");
  absl::Status damaged_fields = absl::InternalError("x");
  damaged_fields.SetPayload(kBadRequestTypeUrl, absl::Cord("\xff\xff\xff"));
  EXPECT_THAT(ErrorFields(damaged_fields), IsEmpty());
}

}  // namespace
}  // namespace creditbank::domain
