// Matchers over the google.rpc details of domain errors (domain/errors.h).
//
//   EXPECT_THAT(result, StatusIs(absl::StatusCode::kInvalidArgument,
//                                HasField("outcome.title")));
//   EXPECT_THAT(result, HasReason("ACCOUNT_FROZEN"));
#ifndef CREDITBANK_TESTS_TESTING_ERROR_MATCHERS_H_
#define CREDITBANK_TESTS_TESTING_ERROR_MATCHERS_H_

#include <string>
#include <vector>

#include "domain/errors.h"
#include "google/rpc/error_details.pb.h"
#include "tests/testing/status_matchers.h"

namespace creditbank::testing {

// Code, and the BadRequest field violations match `fields_matcher`
// (a matcher over std::vector<std::string>).
MATCHER_P2(StatusIs, code, fields_matcher,
           "has status code " + absl::StatusCodeToString(code) + " and matching fields") {
  const absl::Status& status = GetStatus(arg);
  *result_listener << "status is " << status.ToString();
  if (status.code() != code) return false;
  return ::testing::ExplainMatchResult(fields_matcher, domain::ErrorFields(status),
                                       result_listener);
}

// The status names `field` among its field violations.
inline auto HasField(const std::string& field) { return ::testing::Contains(field); }

// The status's ErrorReason.reason equals `reason`.
MATCHER_P(HasReason, reason, "has error reason " + std::string(reason)) {
  const absl::Status& status = GetStatus(arg);
  *result_listener << "status is " << status.ToString();
  return domain::ErrorReason(status) == reason;
}

// The field paths and descriptions a status's BadRequest reports, in order.
struct Reported {
  std::vector<std::string> fields;
  std::vector<std::string> descriptions;
};
inline Reported ReportOf(const absl::Status& status) {
  Reported reported;
  reported.fields = domain::ErrorFields(status);
  if (absl::optional<absl::Cord> payload = status.GetPayload(domain::kBadRequestTypeUrl)) {
    google::rpc::BadRequest bad_request;
    bad_request.ParseFromString(std::string(*payload));
    for (const auto& violation : bad_request.field_violations()) {
      reported.descriptions.push_back(violation.description());
    }
  }
  return reported;
}

// A string `times` times over (for limits on lengths).
inline std::string Repeat(const std::string& text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

}  // namespace creditbank::testing

#endif  // CREDITBANK_TESTS_TESTING_ERROR_MATCHERS_H_
