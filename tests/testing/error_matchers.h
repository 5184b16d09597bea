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

}  // namespace creditbank::testing

#endif  // CREDITBANK_TESTS_TESTING_ERROR_MATCHERS_H_
