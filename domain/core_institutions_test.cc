// Core institutions: idempotent registration, accreditation with scope,
// suspend / reinstate, who may record, and listing with filters and pages.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "domain/core.h"
#include "domain/validation/dates.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/error_matchers.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/requests.h"

namespace creditbank::domain {
namespace {

namespace common = ::creditbank::common::v1;
using ::creditbank::testing::AccreditRequest;
using ::creditbank::testing::BroadScope;
using ::creditbank::testing::CoreFixture;
using ::creditbank::testing::CourseOutcome;
using ::creditbank::testing::FixtureNow;
using ::creditbank::testing::HasReason;
using ::creditbank::testing::InstitutionStatusRequest;
using ::creditbank::testing::IsOk;
using ::creditbank::testing::RecordRequest;
using ::creditbank::testing::RegisterRequest;
using ::creditbank::testing::ReverseRequest;
using ::creditbank::testing::Scope;
using ::creditbank::testing::StatusIs;
using ::creditbank::institutions::v1::INSTITUTION_STATUS_ACCREDITED;
using ::creditbank::institutions::v1::INSTITUTION_STATUS_REGISTERED;
using ::creditbank::institutions::v1::INSTITUTION_STATUS_SUSPENDED;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

institutions::v1::GetInstitutionRequest GetRequest(const std::string& code) {
  institutions::v1::GetInstitutionRequest request;
  request.set_code(code);
  return request;
}

std::vector<std::string> Codes(const institutions::v1::ListInstitutionsResponse& response) {
  std::vector<std::string> codes;
  for (const auto& institution : response.institutions()) codes.push_back(institution.code());
  return codes;
}

TEST(CoreInstitutionsTest, RegisterCreatesARegisteredInstitution) {
  CoreFixture fixture;
  ASSERT_OK_AND_ASSIGN(institutions::v1::Institution institution,
                       fixture.core().RegisterInstitution(RegisterRequest(
                           "4150010617", "重庆大学", common::SECTOR_GENERAL_HIGHER)));
  EXPECT_EQ(institution.code(), "4150010617");
  EXPECT_EQ(institution.name(), "重庆大学");
  EXPECT_EQ(institution.sector(), common::SECTOR_GENERAL_HIGHER);
  EXPECT_EQ(institution.status(), INSTITUTION_STATUS_REGISTERED);
  EXPECT_FALSE(institution.has_scope());
  EXPECT_EQ(FromTimestamp(institution.registered_at()), FixtureNow());
  EXPECT_EQ(FromTimestamp(institution.status_changed_at()), FixtureNow());
  ASSERT_OK_AND_ASSIGN(institutions::v1::Institution stored,
                       fixture.core().GetInstitution(GetRequest("4150010617")));
  EXPECT_EQ(stored.SerializeAsString(), institution.SerializeAsString());
}

TEST(CoreInstitutionsTest, RegisterIsIdempotentForTheSameContent) {
  CoreFixture fixture;
  ASSERT_OK_AND_ASSIGN(institutions::v1::Institution first,
                       fixture.core().RegisterInstitution(RegisterRequest(
                           "4150013588", "重庆工程职业技术学院", common::SECTOR_VOCATIONAL)));
  fixture.clock().Advance(absl::Hours(1));
  ASSERT_OK_AND_ASSIGN(institutions::v1::Institution again,
                       fixture.core().RegisterInstitution(RegisterRequest(
                           "4150013588", "重庆工程职业技术学院", common::SECTOR_VOCATIONAL)));
  EXPECT_EQ(again.SerializeAsString(), first.SerializeAsString());
  EXPECT_EQ(FromTimestamp(again.registered_at()), FixtureNow());
}

TEST(CoreInstitutionsTest, RegisterWithOtherContentIsAlreadyExists) {
  CoreFixture fixture;
  ASSERT_THAT(fixture.core().RegisterInstitution(RegisterRequest(
                  "4150013588", "重庆工程职业技术学院", common::SECTOR_VOCATIONAL)),
              IsOk());
  for (const auto& request :
       {RegisterRequest("4150013588", "重庆工程学院", common::SECTOR_VOCATIONAL),
        RegisterRequest("4150013588", "重庆工程职业技术学院", common::SECTOR_CONTINUING)}) {
    absl::StatusOr<institutions::v1::Institution> result =
        fixture.core().RegisterInstitution(request);
    EXPECT_THAT(result, StatusIs(absl::StatusCode::kAlreadyExists, ElementsAre("code")));
    EXPECT_THAT(result, HasReason("INSTITUTION_EXISTS"));
  }
  ASSERT_OK_AND_ASSIGN(institutions::v1::Institution stored,
                       fixture.core().GetInstitution(GetRequest("4150013588")));
  EXPECT_EQ(stored.name(), "重庆工程职业技术学院");
  EXPECT_EQ(stored.sector(), common::SECTOR_VOCATIONAL);
}

TEST(CoreInstitutionsTest, RegisterChecksEveryField) {
  CoreFixture fixture;
  struct Case {
    std::string name;
    institutions::v1::RegisterInstitutionRequest request;
    std::vector<std::string> fields;
  };
  const std::vector<Case> cases = {
      {"lower-case code", RegisterRequest("cqu", "重庆大学", 1), {"code"}},
      {"one-character code", RegisterRequest("C", "重庆大学", 1), {"code"}},
      {"empty name", RegisterRequest("4150010617", "", 1), {"name"}},
      {"no sector", RegisterRequest("4150010617", "重庆大学", 0), {"sector"}},
      {"unknown sector", RegisterRequest("4150010617", "重庆大学", 12), {"sector"}},
      {"everything", RegisterRequest("", " 重庆大学", 0), {"code", "name", "sector"}},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(fixture.core().RegisterInstitution(c.request),
                StatusIs(absl::StatusCode::kInvalidArgument, ::testing::Eq(c.fields)))
        << c.name;
  }
  ASSERT_OK_AND_ASSIGN(institutions::v1::ListInstitutionsResponse listed,
                       fixture.core().ListInstitutions({}));
  EXPECT_EQ(listed.institutions_size(), 0);
}

TEST(CoreInstitutionsTest, AccreditSetsANormalisedScope) {
  CoreFixture fixture;
  ASSERT_THAT(fixture.core().RegisterInstitution(RegisterRequest(
                  "4150013588", "重庆工程职业技术学院", common::SECTOR_VOCATIONAL)),
              IsOk());
  fixture.clock().Advance(absl::Hours(2));
  ASSERT_OK_AND_ASSIGN(
      institutions::v1::Institution accredited,
      fixture.core().AccreditInstitution(AccreditRequest(
          "4150013588", Scope({3, 1, 2, 1}, {3, 2, 3}, 6), "渝教职成〔2026〕12号")));
  EXPECT_EQ(accredited.status(), INSTITUTION_STATUS_ACCREDITED);
  EXPECT_EQ(accredited.status_reason(), "渝教职成〔2026〕12号");
  EXPECT_EQ(FromTimestamp(accredited.status_changed_at()), FixtureNow() + absl::Hours(2));
  EXPECT_EQ(FromTimestamp(accredited.registered_at()), FixtureNow());
  EXPECT_THAT(accredited.scope().kinds(),
              ElementsAre(common::OUTCOME_KIND_COURSE_CREDIT, common::OUTCOME_KIND_CERTIFICATE,
                          common::OUTCOME_KIND_TRAINING_HOURS));
  EXPECT_THAT(accredited.scope().sectors(),
              ElementsAre(common::SECTOR_VOCATIONAL, common::SECTOR_CONTINUING));
  EXPECT_EQ(accredited.scope().max_framework_level(), 6u);

  // Accrediting again replaces the scope.
  ASSERT_OK_AND_ASSIGN(institutions::v1::Institution narrowed,
                       fixture.core().AccreditInstitution(AccreditRequest(
                           "4150013588", Scope({1}, {2}, 4), "渝教职成〔2026〕30号")));
  EXPECT_THAT(narrowed.scope().kinds(), ElementsAre(common::OUTCOME_KIND_COURSE_CREDIT));
  EXPECT_EQ(narrowed.scope().max_framework_level(), 4u);
  EXPECT_EQ(narrowed.status_reason(), "渝教职成〔2026〕30号");
}

TEST(CoreInstitutionsTest, AccreditErrors) {
  CoreFixture fixture;
  absl::StatusOr<institutions::v1::Institution> missing =
      fixture.core().AccreditInstitution(AccreditRequest("4150010617", BroadScope()));
  EXPECT_THAT(missing, StatusIs(absl::StatusCode::kNotFound, ElementsAre("code")));
  EXPECT_THAT(missing, HasReason("INSTITUTION_NOT_FOUND"));
  EXPECT_THAT(fixture.core().AccreditInstitution(AccreditRequest("4150010617", BroadScope(), "")),
              StatusIs(absl::StatusCode::kInvalidArgument, ElementsAre("reason")));
  EXPECT_THAT(fixture.core().AccreditInstitution(
                  AccreditRequest("4150010617", Scope({7}, {}, 11))),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ElementsAre("scope.kinds[0]", "scope.sectors",
                                   "scope.max_framework_level")));
}

TEST(CoreInstitutionsTest, SuspendAndReinstate) {
  CoreFixture fixture;
  fixture.AccreditedInstitution("4150013588");
  fixture.clock().Advance(absl::Hours(1));
  ASSERT_OK_AND_ASSIGN(institutions::v1::Institution suspended,
                       fixture.core().SuspendInstitution(
                           InstitutionStatusRequest("4150013588", "违规颁发证书，暂停记录")));
  EXPECT_EQ(suspended.status(), INSTITUTION_STATUS_SUSPENDED);
  EXPECT_EQ(suspended.status_reason(), "违规颁发证书，暂停记录");
  EXPECT_EQ(FromTimestamp(suspended.status_changed_at()), FixtureNow() + absl::Hours(1));

  // Suspending again changes nothing, not even the reason.
  fixture.clock().Advance(absl::Hours(1));
  ASSERT_OK_AND_ASSIGN(institutions::v1::Institution again,
                       fixture.core().SuspendInstitution(
                           InstitutionStatusRequest("4150013588", "再次暂停")));
  EXPECT_EQ(again.status_reason(), "违规颁发证书，暂停记录");
  EXPECT_EQ(FromTimestamp(again.status_changed_at()), FixtureNow() + absl::Hours(1));

  // A suspended institution must be reinstated before it is accredited.
  absl::StatusOr<institutions::v1::Institution> accredit =
      fixture.core().AccreditInstitution(AccreditRequest("4150013588", BroadScope()));
  EXPECT_THAT(accredit, StatusIs(absl::StatusCode::kFailedPrecondition, ElementsAre("code")));
  EXPECT_THAT(accredit, HasReason("INVALID_STATUS_TRANSITION"));

  ASSERT_OK_AND_ASSIGN(institutions::v1::Institution reinstated,
                       fixture.core().ReinstateInstitution(
                           InstitutionStatusRequest("4150013588", "整改完成")));
  EXPECT_EQ(reinstated.status(), INSTITUTION_STATUS_ACCREDITED);
  EXPECT_EQ(reinstated.status_reason(), "整改完成");
  EXPECT_EQ(reinstated.scope().SerializeAsString(), suspended.scope().SerializeAsString());

  // Reinstating an institution that is not suspended changes nothing.
  ASSERT_OK_AND_ASSIGN(institutions::v1::Institution unchanged,
                       fixture.core().ReinstateInstitution(
                           InstitutionStatusRequest("4150013588", "无需恢复")));
  EXPECT_EQ(unchanged.status_reason(), "整改完成");
}

TEST(CoreInstitutionsTest, ReinstatingANeverAccreditedInstitutionLeavesItRegistered) {
  CoreFixture fixture;
  ASSERT_THAT(fixture.core().RegisterInstitution(RegisterRequest(
                  "CQ-ELDERLY-01", "重庆市老年大学", common::SECTOR_ELDERLY)),
              IsOk());
  ASSERT_THAT(fixture.core().SuspendInstitution(
                  InstitutionStatusRequest("CQ-ELDERLY-01", "资质审查")),
              IsOk());
  ASSERT_OK_AND_ASSIGN(institutions::v1::Institution reinstated,
                       fixture.core().ReinstateInstitution(
                           InstitutionStatusRequest("CQ-ELDERLY-01", "审查通过")));
  EXPECT_EQ(reinstated.status(), INSTITUTION_STATUS_REGISTERED);
}

TEST(CoreInstitutionsTest, StatusChangeErrors) {
  CoreFixture fixture;
  EXPECT_THAT(fixture.core().SuspendInstitution(InstitutionStatusRequest("4150013588", "暂停")),
              StatusIs(absl::StatusCode::kNotFound, ElementsAre("code")));
  EXPECT_THAT(fixture.core().ReinstateInstitution(InstitutionStatusRequest("4150013588", "")),
              StatusIs(absl::StatusCode::kInvalidArgument, ElementsAre("reason")));
  EXPECT_THAT(fixture.core().SuspendInstitution(InstitutionStatusRequest("bad code", "暂停")),
              StatusIs(absl::StatusCode::kInvalidArgument, ElementsAre("code")));
}

TEST(CoreInstitutionsTest, OnlyAccreditedInstitutionsRecord) {
  CoreFixture fixture;
  const std::string account = fixture.OpenAccount(1, "李娜");
  ASSERT_THAT(fixture.core().RegisterInstitution(RegisterRequest(
                  "4150013588", "重庆工程职业技术学院", common::SECTOR_VOCATIONAL)),
              IsOk());
  const auto record = [&](const std::string& code, const std::string& request_id) {
    return fixture.core().RecordOutcome(RecordRequest(code, CourseOutcome(account, request_id)));
  };

  absl::StatusOr<ledger::v1::RecordOutcomeResponse> unknown = record("4150010617", "r-1");
  EXPECT_THAT(unknown, StatusIs(absl::StatusCode::kNotFound, ElementsAre("institution_code")));
  EXPECT_THAT(unknown, HasReason("INSTITUTION_NOT_FOUND"));

  absl::StatusOr<ledger::v1::RecordOutcomeResponse> registered = record("4150013588", "r-1");
  EXPECT_THAT(registered,
              StatusIs(absl::StatusCode::kFailedPrecondition, ElementsAre("institution_code")));
  EXPECT_THAT(registered, HasReason("INSTITUTION_NOT_ACCREDITED"));

  ASSERT_THAT(fixture.core().AccreditInstitution(AccreditRequest("4150013588", BroadScope())),
              IsOk());
  ASSERT_THAT(record("4150013588", "r-1"), IsOk());

  ASSERT_THAT(fixture.core().SuspendInstitution(
                  InstitutionStatusRequest("4150013588", "违规颁发证书，暂停记录")),
              IsOk());
  absl::StatusOr<ledger::v1::RecordOutcomeResponse> suspended = record("4150013588", "r-2");
  EXPECT_THAT(suspended,
              StatusIs(absl::StatusCode::kFailedPrecondition, ElementsAre("institution_code")));
  EXPECT_THAT(suspended, HasReason("INSTITUTION_SUSPENDED"));
  EXPECT_THAT(std::string(suspended.status().message()), HasSubstr("违规颁发证书，暂停记录"));
  // Nor may it reverse what it recorded.
  EXPECT_THAT(fixture.core().ReverseEntry(ReverseRequest("4150013588", "fix-1", account, 1)),
              HasReason("INSTITUTION_SUSPENDED"));

  ASSERT_THAT(fixture.core().ReinstateInstitution(
                  InstitutionStatusRequest("4150013588", "整改完成")),
              IsOk());
  ASSERT_OK_AND_ASSIGN(ledger::v1::RecordOutcomeResponse recorded, record("4150013588", "r-2"));
  EXPECT_EQ(recorded.entry().entry_id(), 2u);
}

TEST(CoreInstitutionsTest, GetInstitutionErrors) {
  CoreFixture fixture;
  absl::StatusOr<institutions::v1::Institution> missing =
      fixture.core().GetInstitution(GetRequest("4150010617"));
  EXPECT_THAT(missing, StatusIs(absl::StatusCode::kNotFound, ElementsAre("code")));
  EXPECT_THAT(missing, HasReason("INSTITUTION_NOT_FOUND"));
  EXPECT_THAT(fixture.core().GetInstitution(GetRequest("")),
              StatusIs(absl::StatusCode::kInvalidArgument, ElementsAre("code")));
}

class ListInstitutionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Register("4150010617", "重庆大学", common::SECTOR_GENERAL_HIGHER);
    Register("4150010635", "西南大学", common::SECTOR_GENERAL_HIGHER);
    Register("4150013588", "重庆工程职业技术学院", common::SECTOR_VOCATIONAL);
    Register("5150000001", "重庆开放大学", common::SECTOR_OPEN_UNIVERSITY);
    Register("CQ-ELDERLY-01", "重庆市老年大学", common::SECTOR_ELDERLY);
    Register("CQ-YZ-COMMUNITY", "渝中区社区教育学院", common::SECTOR_COMMUNITY);
    ASSERT_THAT(fixture_.core().AccreditInstitution(AccreditRequest("4150010617", BroadScope())),
                IsOk());
    ASSERT_THAT(fixture_.core().AccreditInstitution(AccreditRequest("4150013588", BroadScope())),
                IsOk());
    ASSERT_THAT(fixture_.core().SuspendInstitution(
                    InstitutionStatusRequest("4150010635", "资质审查")),
                IsOk());
  }
  void Register(const std::string& code, const std::string& name, common::Sector sector) {
    ASSERT_THAT(fixture_.core().RegisterInstitution(RegisterRequest(code, name, sector)), IsOk());
  }
  institutions::v1::ListInstitutionsRequest Request(int page_size, int sector, int status) {
    institutions::v1::ListInstitutionsRequest request;
    request.set_page_size(page_size);
    request.set_sector(static_cast<common::Sector>(sector));
    request.set_status(static_cast<institutions::v1::InstitutionStatus>(status));
    return request;
  }
  CoreFixture fixture_;
};

TEST_F(ListInstitutionsTest, ListsInCodeOrderWithFilters) {
  struct Case {
    std::string name;
    int sector;
    int status;
    std::vector<std::string> codes;
  };
  const std::vector<Case> cases = {
      {"all", 0, 0,
       {"4150010617", "4150010635", "4150013588", "5150000001", "CQ-ELDERLY-01",
        "CQ-YZ-COMMUNITY"}},
      {"general higher", common::SECTOR_GENERAL_HIGHER, 0, {"4150010617", "4150010635"}},
      {"accredited", 0, INSTITUTION_STATUS_ACCREDITED, {"4150010617", "4150013588"}},
      {"registered", 0, INSTITUTION_STATUS_REGISTERED,
       {"5150000001", "CQ-ELDERLY-01", "CQ-YZ-COMMUNITY"}},
      {"suspended general higher", common::SECTOR_GENERAL_HIGHER, INSTITUTION_STATUS_SUSPENDED,
       {"4150010635"}},
      {"none", common::SECTOR_ENTERPRISE_TRAINING, 0, {}},
  };
  for (const Case& c : cases) {
    ASSERT_OK_AND_ASSIGN(institutions::v1::ListInstitutionsResponse response,
                         fixture_.core().ListInstitutions(Request(0, c.sector, c.status)));
    EXPECT_EQ(Codes(response), c.codes) << c.name;
    EXPECT_EQ(response.next_page_token(), "") << c.name;
  }
}

TEST_F(ListInstitutionsTest, PagesThroughEverything) {
  std::vector<std::string> all;
  std::string token;
  int pages = 0;
  do {
    institutions::v1::ListInstitutionsRequest request = Request(4, 0, 0);
    request.set_page_token(token);
    ASSERT_OK_AND_ASSIGN(institutions::v1::ListInstitutionsResponse page,
                         fixture_.core().ListInstitutions(request));
    EXPECT_LE(page.institutions_size(), 4);
    for (const std::string& code : Codes(page)) all.push_back(code);
    token = page.next_page_token();
    ASSERT_LT(++pages, 10);
  } while (!token.empty());
  EXPECT_EQ(pages, 2);
  EXPECT_THAT(all, ElementsAre("4150010617", "4150010635", "4150013588", "5150000001",
                               "CQ-ELDERLY-01", "CQ-YZ-COMMUNITY"));
}

TEST_F(ListInstitutionsTest, PagesWithAFilter) {
  ASSERT_OK_AND_ASSIGN(institutions::v1::ListInstitutionsResponse first,
                       fixture_.core().ListInstitutions(
                           Request(2, 0, INSTITUTION_STATUS_REGISTERED)));
  EXPECT_THAT(Codes(first), ElementsAre("5150000001", "CQ-ELDERLY-01"));
  ASSERT_FALSE(first.next_page_token().empty());
  institutions::v1::ListInstitutionsRequest next = Request(2, 0, INSTITUTION_STATUS_REGISTERED);
  next.set_page_token(first.next_page_token());
  ASSERT_OK_AND_ASSIGN(institutions::v1::ListInstitutionsResponse second,
                       fixture_.core().ListInstitutions(next));
  EXPECT_THAT(Codes(second), ElementsAre("CQ-YZ-COMMUNITY"));
  EXPECT_EQ(second.next_page_token(), "");
}

TEST_F(ListInstitutionsTest, TokenOfOtherFiltersIsRefused) {
  ASSERT_OK_AND_ASSIGN(institutions::v1::ListInstitutionsResponse first,
                       fixture_.core().ListInstitutions(Request(2, 0, 0)));
  ASSERT_FALSE(first.next_page_token().empty());
  institutions::v1::ListInstitutionsRequest other =
      Request(2, common::SECTOR_GENERAL_HIGHER, 0);
  other.set_page_token(first.next_page_token());
  EXPECT_THAT(fixture_.core().ListInstitutions(other),
              StatusIs(absl::StatusCode::kInvalidArgument, ElementsAre("page_token")));
  // A different page size is not a different filter.
  institutions::v1::ListInstitutionsRequest bigger = Request(3, 0, 0);
  bigger.set_page_token(first.next_page_token());
  ASSERT_OK_AND_ASSIGN(institutions::v1::ListInstitutionsResponse second,
                       fixture_.core().ListInstitutions(bigger));
  EXPECT_THAT(Codes(second), ElementsAre("4150013588", "5150000001", "CQ-ELDERLY-01"));
}

TEST_F(ListInstitutionsTest, BadRequestsNameTheField) {
  EXPECT_THAT(fixture_.core().ListInstitutions(Request(1001, 0, 0)),
              StatusIs(absl::StatusCode::kInvalidArgument, ElementsAre("page_size")));
  EXPECT_THAT(fixture_.core().ListInstitutions(Request(0, 42, 0)),
              StatusIs(absl::StatusCode::kInvalidArgument, ElementsAre("sector")));
  EXPECT_THAT(fixture_.core().ListInstitutions(Request(0, 0, 9)),
              StatusIs(absl::StatusCode::kInvalidArgument, ElementsAre("status")));
  institutions::v1::ListInstitutionsRequest garbage = Request(0, 0, 0);
  garbage.set_page_token("not-a-token");
  EXPECT_THAT(fixture_.core().ListInstitutions(garbage),
              StatusIs(absl::StatusCode::kInvalidArgument, ElementsAre("page_token")));
}

TEST_F(ListInstitutionsTest, SurvivesARestart) {
  fixture_.Restart();
  ASSERT_OK_AND_ASSIGN(institutions::v1::ListInstitutionsResponse response,
                       fixture_.core().ListInstitutions(
                           Request(0, 0, INSTITUTION_STATUS_ACCREDITED)));
  EXPECT_THAT(Codes(response), ElementsAre("4150010617", "4150013588"));
  EXPECT_EQ(response.institutions(1).scope().max_framework_level(), 8u);
}

}  // namespace
}  // namespace creditbank::domain
