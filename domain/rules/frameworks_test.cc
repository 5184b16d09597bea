// Qualification frameworks: the defaults a store starts with, and how a
// level bound in any framework becomes the set of bank levels reaching it.
#include "domain/rules/frameworks.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace creditbank::domain::rules {
namespace {

using ::creditbank::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;

// The bank levels set in a mask, lowest first.
std::vector<uint32_t> Levels(uint32_t mask) {
  std::vector<uint32_t> levels;
  for (uint32_t level = 0; level < 32; ++level) {
    if (mask & (uint32_t{1} << level)) levels.push_back(level);
  }
  return levels;
}

rules_api::LevelBound Bound(const std::string& framework, uint32_t level) {
  rules_api::LevelBound bound;
  bound.set_framework(framework);
  bound.set_level(level);
  return bound;
}

// The bank levels reaching `framework` `level`; nullopt when that fails.
std::optional<std::vector<uint32_t>> Reaching(
    const std::string& framework, uint32_t level,
    const std::vector<rules_api::Framework>& frameworks = DefaultFrameworks()) {
  absl::StatusOr<uint32_t> mask = BankLevelsReaching(Bound(framework, level), frameworks);
  if (!mask.ok()) return std::nullopt;
  return Levels(*mask);
}

absl::Status ReachingStatus(
    const std::string& framework, uint32_t level,
    const std::vector<rules_api::Framework>& frameworks = DefaultFrameworks()) {
  return BankLevelsReaching(Bound(framework, level), frameworks).status();
}

TEST(FrameworksTest, DefaultsAreTheBankFrameworkAndEqf) {
  const std::vector<rules_api::Framework> frameworks = DefaultFrameworks();
  ASSERT_EQ(frameworks.size(), 2u);
  const rules_api::Framework& bank = frameworks[0];
  const rules_api::Framework& eqf = frameworks[1];
  EXPECT_EQ(bank.id(), "cn-ncb");
  EXPECT_EQ(bank.id(), kBankFrameworkId);
  EXPECT_EQ(eqf.id(), "eqf");
  ASSERT_EQ(bank.levels_size(), 10);
  for (int i = 0; i < bank.levels_size(); ++i) {
    EXPECT_EQ(bank.levels(i).level(), static_cast<uint32_t>(i + 1));
    EXPECT_FALSE(bank.levels(i).name().empty());
  }
  ASSERT_EQ(eqf.levels_size(), 8);
  EXPECT_EQ(eqf.levels(7).level(), 8u);
  EXPECT_TRUE(eqf.crosswalk().empty());
  // Bank 1..8 are EQF 1..8; 9 and 10 sit at EQF 8, its top.
  std::vector<uint32_t> to_eqf;
  for (const rules_api::CrosswalkEntry& row : bank.crosswalk()) {
    EXPECT_EQ(row.to_framework(), "eqf");
    EXPECT_EQ(row.from_level(), to_eqf.size() + 1);
    to_eqf.push_back(row.to_level());
  }
  EXPECT_THAT(to_eqf, ElementsAre(1, 2, 3, 4, 5, 6, 7, 8, 8, 8));
}

TEST(FrameworksTest, BankLevelsReachTheBankBoundAndAbove) {
  EXPECT_THAT(Reaching("cn-ncb", 4), Optional(ElementsAre(4, 5, 6, 7, 8, 9, 10)));
  // No framework named: the bank's.
  EXPECT_THAT(Reaching("", 4), Optional(ElementsAre(4, 5, 6, 7, 8, 9, 10)));
  EXPECT_THAT(Reaching("", 10), Optional(ElementsAre(10)));
  EXPECT_THAT(Reaching("", 1), Optional(ElementsAre(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)));
  // Level 0 means none in particular: every level.
  EXPECT_THAT(Reaching("", 0), Optional(ElementsAre(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)));
}

TEST(FrameworksTest, EqfBoundsGoThroughTheCrosswalk) {
  EXPECT_THAT(Reaching("eqf", 5), Optional(ElementsAre(5, 6, 7, 8, 9, 10)));
  EXPECT_THAT(Reaching("eqf", 8), Optional(ElementsAre(8, 9, 10)));
  EXPECT_THAT(Reaching("eqf", 1), Optional(ElementsAre(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)));
  // Above EQF's top: no bank level reaches it.
  EXPECT_THAT(Reaching("eqf", 9), Optional(ElementsAre()));
}

TEST(FrameworksTest, UnknownFrameworkIsNotFound) {
  const absl::Status status = ReachingStatus("aqf", 5);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(std::string(status.message()), HasSubstr("\"aqf\""));
}

TEST(FrameworksTest, MissingBankFrameworkIsNotFound) {
  const std::vector<rules_api::Framework> only_eqf = {DefaultFrameworks()[1]};
  EXPECT_THAT(ReachingStatus("eqf", 5, only_eqf), StatusIs(absl::StatusCode::kNotFound));
  // The bank's own bounds need no stored framework at all.
  EXPECT_THAT(Reaching("cn-ncb", 5, only_eqf), Optional(ElementsAre(5, 6, 7, 8, 9, 10)));
}

TEST(FrameworksTest, KnownFrameworkWithoutCrosswalkIsFailedPrecondition) {
  std::vector<rules_api::Framework> frameworks = DefaultFrameworks();
  rules_api::Framework isced;
  isced.set_id("isced");
  isced.set_name("ISCED 2011");
  for (uint32_t level = 1; level <= 8; ++level) isced.add_levels()->set_level(level);
  frameworks.push_back(isced);
  EXPECT_THAT(ReachingStatus("isced", 5, frameworks),
              StatusIs(absl::StatusCode::kFailedPrecondition));

  // Once the bank framework has rows for it, those rows decide; bank
  // levels without a row never reach it.
  rules_api::CrosswalkEntry* row = frameworks[0].add_crosswalk();
  row->set_to_framework("isced");
  row->set_from_level(5);
  row->set_to_level(5);
  row = frameworks[0].add_crosswalk();
  row->set_to_framework("isced");
  row->set_from_level(6);
  row->set_to_level(6);
  EXPECT_THAT(Reaching("isced", 6, frameworks), Optional(ElementsAre(6)));
  EXPECT_THAT(Reaching("isced", 5, frameworks), Optional(ElementsAre(5, 6)));
  EXPECT_THAT(Reaching("isced", 7, frameworks), Optional(ElementsAre()));
}

}  // namespace
}  // namespace creditbank::domain::rules
