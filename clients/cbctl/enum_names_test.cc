#include "clients/cbctl/enum_names.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace creditbank::cbctl {
namespace {

using ::creditbank::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
namespace common = ::creditbank::common::v1;

TEST(EnumNamesTest, FriendlyNamesDropThePrefix) {
  EXPECT_EQ(SectorName(common::SECTOR_VOCATIONAL), "vocational");
  EXPECT_EQ(SectorName(common::SECTOR_OPEN_UNIVERSITY), "open_university");
  EXPECT_EQ(OutcomeKindName(common::OUTCOME_KIND_COURSE_CREDIT), "course_credit");
  EXPECT_EQ(InstitutionStatusName(institutions::v1::INSTITUTION_STATUS_SUSPENDED), "suspended");
  EXPECT_EQ(AccountStatusName(accounts::v1::ACCOUNT_STATUS_FROZEN), "frozen");
  EXPECT_EQ(SectorName(common::SECTOR_UNSPECIFIED), "unspecified");
  EXPECT_EQ(SectorName(99), "99");
}

TEST(EnumNamesTest, ParsesEveryFriendlyNameBack) {
  for (const std::string& name : FriendlyEnumNames(*common::Sector_descriptor())) {
    ASSERT_OK_AND_ASSIGN(common::Sector sector, ParseSector(name));
    EXPECT_EQ(SectorName(sector), name);
  }
  EXPECT_EQ(FriendlyEnumNames(*common::Sector_descriptor()).size(), 8u);
}

TEST(EnumNamesTest, ParsingIgnoresCaseAndHyphens) {
  ASSERT_OK_AND_ASSIGN(common::OutcomeKind kind, ParseOutcomeKind("Course-Credit"));
  EXPECT_EQ(kind, common::OUTCOME_KIND_COURSE_CREDIT);
}

TEST(EnumNamesTest, UnknownAndUnspecifiedAreRejectedWithTheChoices) {
  absl::StatusOr<common::Sector> unknown = ParseSector("university");
  EXPECT_THAT(unknown, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(unknown.status().message()),
              HasSubstr("unknown sector \"university\"; one of: general_higher, vocational"));
  EXPECT_THAT(ParseSector("unspecified"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(ParseOutcomeKind("x").status().message()),
              HasSubstr("unknown outcome kind"));
}

TEST(EnumNamesTest, Lists) {
  ASSERT_OK_AND_ASSIGN(auto kinds, ParseOutcomeKinds("course_credit,certificate"));
  EXPECT_THAT(kinds, ElementsAre(common::OUTCOME_KIND_COURSE_CREDIT, common::OUTCOME_KIND_CERTIFICATE));
  EXPECT_THAT(ParseOutcomeKinds("course_credit,course_credit"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseSectors("vocational,"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseSectors(""), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace creditbank::cbctl
