#include "domain/auth/policy.h"

#include <set>
#include <string>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace creditbank::domain {
namespace {

using ::creditbank::testing::IsOk;
using ::creditbank::testing::StatusIs;

Caller Institution(const std::string& code) { return {Role::kInstitution, code, code, ""}; }
Caller Learner(const std::string& account) { return {Role::kLearner, account, "", account}; }

TEST(PolicyTest, UnknownMethodsHaveNoPolicy) {
  EXPECT_EQ(FindMethodPolicy("/creditbank.ledger.v1.LedgerService/DeleteEntry"), nullptr);
  EXPECT_EQ(FindMethodPolicy(""), nullptr);
  EXPECT_NE(FindMethodPolicy("/creditbank.ledger.v1.LedgerService/RecordOutcome"), nullptr);
}

TEST(PolicyTest, EveryMethodIsListedOnceAndNamedInFull) {
  std::set<std::string> seen;
  for (const MethodPolicy& policy : AllMethodPolicies()) {
    EXPECT_TRUE(seen.insert(std::string(policy.method)).second) << policy.method;
    EXPECT_EQ(policy.method.substr(0, 12), "/creditbank.") << policy.method;
  }
}

// Anonymous callers reach only what is published to everyone: the
// transparency log's checkpoints and consistency proofs, never a row.
TEST(PolicyTest, AnonymousIsUnauthenticatedExceptForPublishedDataAndDevelopmentMayDoAll) {
  const std::set<std::string> published = {
      "/creditbank.log.v1.LogService/GetCheckpoint",
      "/creditbank.log.v1.LogService/GetConsistencyProof",
      "/creditbank.transcripts.v1.TranscriptService/GetJwks",
      "/creditbank.transcripts.v1.TranscriptService/GetStatusList",
      "/creditbank.verification.v1.VerificationService/VerifyTranscript"};
  for (const MethodPolicy& policy : AllMethodPolicies()) {
    if (published.contains(std::string(policy.method))) {
      auto anonymous = Authorize(Caller::Anonymous(), policy);
      ASSERT_TRUE(anonymous.ok()) << policy.method;
      EXPECT_EQ(*anonymous, Access::kAllRows) << policy.method;
      EXPECT_FALSE(policy.mutating) << policy.method;
    } else {
      EXPECT_THAT(Authorize(Caller::Anonymous(), policy),
                  StatusIs(absl::StatusCode::kUnauthenticated))
          << policy.method;
    }
    auto development = Authorize(Caller::Development(), policy);
    ASSERT_TRUE(development.ok());
    EXPECT_EQ(*development, Access::kAllRows);
  }
}

TEST(PolicyTest, RefusalNamesTheRoleAndRpc) {
  const MethodPolicy* open = FindMethodPolicy("/creditbank.accounts.v1.AccountService/OpenAccount");
  ASSERT_NE(open, nullptr);
  absl::StatusOr<Access> refused = Authorize(Learner("6212345678901232"), *open);
  ASSERT_THAT(refused, StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_NE(refused.status().message().find("learner"), absl::string_view::npos);
  EXPECT_NE(refused.status().message().find("OpenAccount"), absl::string_view::npos);
}

TEST(PolicyTest, RowRules) {
  EXPECT_THAT(CheckRow(Institution("4150013588"), {"4150013588", ""}), IsOk());
  EXPECT_THAT(CheckRow(Institution("4150013588"), {"5150000001", ""}),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(CheckRow(Institution("4150013588"), {"", ""}),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(CheckRow(Learner("6212345678901232"), {"", "6212345678901232"}), IsOk());
  EXPECT_THAT(CheckRow(Learner("6212345678901232"), {"", "6212345678901240"}),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(CheckRow(Learner("6212345678901232"), {"", ""}),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(CheckRow({Role::kOperator, "ops", "", ""}, {"x", "y"}), IsOk());
  EXPECT_THAT(CheckRow(Caller::Anonymous(), {"", ""}),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

}  // namespace
}  // namespace creditbank::domain
