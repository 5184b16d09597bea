// gMock matchers for absl::Status / StatusOr, which Debian's abseil lacks.
//
//   EXPECT_THAT(core->GetEntry(request), IsOk());
//   EXPECT_THAT(result, StatusIs(absl::StatusCode::kNotFound));
//   ASSERT_OK_AND_ASSIGN(auto account, core->OpenAccount(request));
#ifndef CREDITBANK_TESTS_TESTING_STATUS_MATCHERS_H_
#define CREDITBANK_TESTS_TESTING_STATUS_MATCHERS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"

namespace creditbank::testing {

inline const absl::Status& GetStatus(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

MATCHER(IsOk, "is OK") {
  const absl::Status& status = GetStatus(arg);
  if (!status.ok()) *result_listener << "status is " << status.ToString();
  return status.ok();
}

MATCHER_P(StatusIs, code, "has status code " + absl::StatusCodeToString(code)) {
  const absl::Status& status = GetStatus(arg);
  *result_listener << "status is " << status.ToString();
  return status.code() == code;
}

}  // namespace creditbank::testing

#define CREDITBANK_TEST_CONCAT_INNER_(a, b) a##b
#define CREDITBANK_TEST_CONCAT_(a, b) CREDITBANK_TEST_CONCAT_INNER_(a, b)

#define ASSERT_OK(expr) ASSERT_THAT((expr), ::creditbank::testing::IsOk())
#define EXPECT_OK(expr) EXPECT_THAT((expr), ::creditbank::testing::IsOk())

#define ASSERT_OK_AND_ASSIGN(lhs, expr) \
  ASSERT_OK_AND_ASSIGN_IMPL_(CREDITBANK_TEST_CONCAT_(statusor_, __LINE__), lhs, expr)
#define ASSERT_OK_AND_ASSIGN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                               \
  ASSERT_THAT(statusor.status(), ::creditbank::testing::IsOk()); \
  lhs = std::move(statusor).value()

#endif  // CREDITBANK_TESTS_TESTING_STATUS_MATCHERS_H_
