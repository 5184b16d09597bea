// The audit log through the Core on a real store: ids and times in order,
// filters, time ranges, pages, and records surviving a restart.
#include "domain/audit_log.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "domain/validation/dates.h"
#include "gtest/gtest.h"
#include "tests/testing/error_matchers.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/status_matchers.h"

namespace creditbank::domain {
namespace {

using ::creditbank::testing::CoreFixture;

admin::v1::AuditRecord Record(const std::string& actor, const std::string& target, int code) {
  admin::v1::AuditRecord record;
  record.set_actor(actor);
  record.set_role("institution");
  record.set_method("/creditbank.ledger.v1.LedgerService/RecordOutcome");
  record.set_target(target);
  record.set_result_code(code);
  record.set_request_id(absl::StrCat("req-", target));
  return record;
}

TEST(AuditLogTest, AppendsInOrderAndFiltersByActorTargetAndTime) {
  CoreFixture fixture;
  const absl::Time start = fixture.clock().Now();
  for (int i = 1; i <= 6; ++i) {
    ASSERT_OK_AND_ASSIGN(uint64_t id, fixture.core().AppendAudit(Record(
                                          i % 2 == 0 ? "4150013588" : "5150000001",
                                          absl::StrCat("62", i), i == 3 ? 7 : 0)));
    EXPECT_EQ(id, static_cast<uint64_t>(i));
    fixture.clock().Advance(absl::Minutes(10));
  }
  ASSERT_OK_AND_ASSIGN(auto all, fixture.core().QueryAudit(admin::v1::QueryAuditRequest()));
  ASSERT_EQ(all.records_size(), 6);
  EXPECT_EQ(all.records(2).result_code(), 7);
  EXPECT_EQ(FromTimestamp(all.records(0).time()), start);
  EXPECT_EQ(FromTimestamp(all.records(5).time()), start + absl::Minutes(50));

  admin::v1::QueryAuditRequest by_actor;
  by_actor.set_actor("4150013588");
  ASSERT_OK_AND_ASSIGN(auto even, fixture.core().QueryAudit(by_actor));
  ASSERT_EQ(even.records_size(), 3);
  EXPECT_EQ(even.records(0).audit_id(), 2u);

  admin::v1::QueryAuditRequest by_target;
  by_target.set_target("625");
  ASSERT_OK_AND_ASSIGN(auto one, fixture.core().QueryAudit(by_target));
  ASSERT_EQ(one.records_size(), 1);
  EXPECT_EQ(one.records(0).request_id(), "req-625");

  // [start+15 min, start+35 min): the records at 20 and 30 minutes.
  admin::v1::QueryAuditRequest range;
  *range.mutable_from() = ToTimestamp(start + absl::Minutes(15));
  *range.mutable_to() = ToTimestamp(start + absl::Minutes(35));
  ASSERT_OK_AND_ASSIGN(auto window, fixture.core().QueryAudit(range));
  ASSERT_EQ(window.records_size(), 2);
  EXPECT_EQ(window.records(0).audit_id(), 3u);
  EXPECT_EQ(window.records(1).audit_id(), 4u);
  // Exactly at a record's time: included from, excluded to.
  *range.mutable_from() = ToTimestamp(start + absl::Minutes(20));
  *range.mutable_to() = ToTimestamp(start + absl::Minutes(30));
  ASSERT_OK_AND_ASSIGN(window, fixture.core().QueryAudit(range));
  ASSERT_EQ(window.records_size(), 1);
  EXPECT_EQ(window.records(0).audit_id(), 3u);
}

TEST(AuditLogTest, PagesAndRestarts) {
  CoreFixture fixture;
  for (int i = 0; i < 25; ++i) {
    ASSERT_OK(fixture.core().AppendAudit(Record("4150013588", absl::StrCat(i), 0)).status());
  }
  fixture.Restart();
  ASSERT_OK_AND_ASSIGN(uint64_t next, fixture.core().AppendAudit(Record("ops", "x", 0)));
  EXPECT_EQ(next, 26u);  // the counter survived the restart
  admin::v1::QueryAuditRequest request;
  request.set_page_size(10);
  std::vector<uint64_t> ids;
  for (int page = 0; page < 10; ++page) {
    ASSERT_OK_AND_ASSIGN(auto answer, fixture.core().QueryAudit(request));
    for (const auto& record : answer.records()) ids.push_back(record.audit_id());
    if (answer.next_page_token().empty()) break;
    request.set_page_token(answer.next_page_token());
  }
  ASSERT_EQ(ids.size(), 26u);
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], i + 1);
  // A token is bound to its filters.
  admin::v1::QueryAuditRequest other;
  other.set_actor("ops");
  other.set_page_token(request.page_token());
  EXPECT_THAT(fixture.core().QueryAudit(other),
              ::creditbank::testing::StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(AuditLogTest, LongFieldsAreCutAtCharacterBoundaries) {
  CoreFixture fixture;
  std::string long_target;
  for (int i = 0; i < 100; ++i) long_target += "学";  // 3 bytes each
  ASSERT_OK(fixture.core().AppendAudit(Record("ops", long_target, 0)).status());
  ASSERT_OK_AND_ASSIGN(auto all, fixture.core().QueryAudit(admin::v1::QueryAuditRequest()));
  ASSERT_EQ(all.records_size(), 1);
  EXPECT_LE(all.records(0).target().size(), kMaxAuditFieldBytes);
  EXPECT_EQ(all.records(0).target().size() % 3, 0u);
}

}  // namespace
}  // namespace creditbank::domain
