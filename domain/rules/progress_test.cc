// Programme progress from ledger entries: what the programme's institution
// recorded for its courses (earned), conversion entries into the programme
// (converted), what is missing, and conversions that must not count
// because a source was reversed.
#include "domain/rules/progress.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/rule_builders.h"

namespace creditbank::domain::rules {
namespace {

namespace common = ::creditbank::common::v1;
using ::creditbank::testing::CategoryTexts;
using ::creditbank::testing::EntryBuilder;
using ::creditbank::testing::kTestAccount;
using ::creditbank::testing::TotalText;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

using common::OUTCOME_KIND_CERTIFICATE;
using common::OUTCOME_KIND_CONVERSION;
using common::OUTCOME_KIND_COURSE_CREDIT;
using common::OUTCOME_KIND_REVERSAL;

constexpr char kCollege[] = "4150013588";     // 重庆工程职业技术学院 (owns the programme)
constexpr char kUniversity[] = "4150010611";  // 重庆大学
constexpr char kCertBody[] = "CB-1X-0001";    // a 1+X certificate evaluation organisation
constexpr absl::CivilDay kToday(2026, 7, 1);

// A small network-engineering programme: 16 credits, 6 general and 8 major.
rules_api::Programme NetworkProgramme() {
  rules_api::Programme programme;
  programme.set_id("CQGC-NET-2026");
  programme.set_institution_code(kCollege);
  programme.set_title("计算机网络技术");
  programme.set_framework_level(5);
  programme.set_required_credits_milli(16'000);
  struct CategoryRow {
    const char* code;
    int64_t min;
  };
  for (const CategoryRow& row : {CategoryRow{"GEN", 6'000}, CategoryRow{"MAJOR", 8'000}}) {
    rules_api::Category* category = programme.add_categories();
    category->set_code(row.code);
    category->set_min_credits_milli(row.min);
  }
  struct CourseRow {
    const char* code;
    const char* category;
    int64_t credits;
  };
  for (const CourseRow& row :
       {CourseRow{"MATH", "GEN", 4'000}, CourseRow{"ENG", "GEN", 3'000},
        CourseRow{"NET", "MAJOR", 4'000}, CourseRow{"SEC", "MAJOR", 4'000}}) {
    rules_api::Course* course = programme.add_courses();
    course->set_code(row.code);
    course->set_title(row.code);
    course->set_category(row.category);
    course->set_credits_milli(row.credits);
  }
  return programme;
}

EntryBuilder CollegeCourse(uint64_t id, const std::string& code, int64_t credits) {
  return EntryBuilder(id, kCollege, OUTCOME_KIND_COURSE_CREDIT, code)
      .Credits(credits)
      .Score(80'000);
}

EntryBuilder Conversion(uint64_t id, const std::string& code, int64_t credits,
                        std::vector<uint64_t> sources, const std::string& institution = kCollege) {
  return EntryBuilder(id, institution, OUTCOME_KIND_CONVERSION, code)
      .Credits(credits)
      .Sources(sources);
}

EntryBuilder Certificate(uint64_t id) {
  return EntryBuilder(id, kCertBody, OUTCOME_KIND_CERTIFICATE, "1X-NET-M").Level(4).Passed(true);
}

TEST(ProgressTest, EarnedAndConvertedPerCategoryWithWhatIsMissing) {
  const std::vector<ledger::v1::Entry> entries = {
      CollegeCourse(1, "MATH", 3'500),  // a first attempt recorded with fewer credits
      CollegeCourse(2, "MATH", 4'000),  // counted once, at its best
      EntryBuilder(3, kUniversity, OUTCOME_KIND_COURSE_CREDIT, "ENG").Credits(3'000),  // not here
      Certificate(4),
      Conversion(5, "NET", 4'000, {4}),
      Conversion(6, "GEN", 2'000, {3}),               // a category conversion
      Conversion(7, "SEC", 4'000, {4}, kUniversity),  // the university's own programme
      CollegeCourse(8, "ENG", 3'000).ReversedBy(9),
      EntryBuilder(9, kCollege, OUTCOME_KIND_REVERSAL, "ENG").Reverses(8),
      CollegeCourse(10, "SEC", 4'000).ValidUntil(2026, 6, 30),
  };
  const rules_api::Progress progress = ComputeProgress(NetworkProgramme(), entries, kToday);
  EXPECT_EQ(progress.account_number(), kTestAccount);
  EXPECT_EQ(progress.programme_id(), "CQGC-NET-2026");
  EXPECT_THAT(CategoryTexts(progress),
              ElementsAre("GEN earned 4000 converted 2000 of 6000 missing 0 courses [ENG]",
                          "MAJOR earned 0 converted 4000 of 8000 missing 4000 courses [SEC]"));
  EXPECT_EQ(TotalText(progress), "earned 4000 converted 6000 of 16000 missing 6000 met=false");
  EXPECT_THAT(progress.flagged_conversion_entry_ids(), IsEmpty());
  // MATH at its best (2, not 1), and the two conversions into this
  // programme; not the university's entries, the reversed or expired ones.
  EXPECT_THAT(progress.counted_entry_ids(), ElementsAre(2u, 5u, 6u));

  // The day before SEC's validity ended it still counted.
  const rules_api::Progress earlier =
      ComputeProgress(NetworkProgramme(), entries, absl::CivilDay(2026, 6, 30));
  EXPECT_EQ(CategoryTexts(earlier)[1],
            "MAJOR earned 4000 converted 4000 of 8000 missing 0 courses []");
  EXPECT_THAT(earlier.counted_entry_ids(), ElementsAre(2u, 5u, 6u, 10u));
}

// The counted entries add up to exactly the earned and converted credits:
// a transcript over the programme shows them, and a reader can add them up.
TEST(ProgressTest, CountedEntriesAddUpToEarnedAndConverted) {
  const std::vector<ledger::v1::Entry> entries = {
      CollegeCourse(1, "MATH", 4'000),
      CollegeCourse(2, "MATH", 4'000),  // an equal retake: the first one counts
      CollegeCourse(3, "NET", 3'000),
      CollegeCourse(4, "NET", 4'000),  // a better one later: it counts instead
      Certificate(5),
      Conversion(6, "NET", 4'000, {5}),  // NET was earned: adds nothing
      Conversion(7, "SEC", 4'000, {5}),
      Conversion(8, "SEC", 4'000, {5}),  // SEC converted already: adds nothing
      Conversion(9, "GEN", 1'500, {5}),
  };
  const rules_api::Progress progress = ComputeProgress(NetworkProgramme(), entries, kToday);
  EXPECT_THAT(progress.counted_entry_ids(), ElementsAre(1u, 4u, 7u, 9u));
  int64_t sum = 0;
  for (uint64_t id : progress.counted_entry_ids()) {
    sum += entries[id - 1].outcome().credits_milli();
  }
  EXPECT_EQ(sum, progress.earned_credits_milli() + progress.converted_credits_milli());
  EXPECT_THAT(ComputeProgress(NetworkProgramme(), {}, kToday).counted_entry_ids(), IsEmpty());
}

TEST(ProgressTest, RequirementsMetNeedsEveryCategoryAndTheTotal) {
  std::vector<ledger::v1::Entry> entries = {
      CollegeCourse(1, "MATH", 4'000), CollegeCourse(2, "ENG", 3'000),
      CollegeCourse(3, "NET", 4'000), CollegeCourse(4, "SEC", 4'000)};
  // Every category has its minimum, the total (15) does not reach 16.
  rules_api::Progress progress = ComputeProgress(NetworkProgramme(), entries, kToday);
  EXPECT_EQ(TotalText(progress), "earned 15000 converted 0 of 16000 missing 1000 met=false");

  entries.push_back(Certificate(5));
  entries.push_back(Conversion(6, "GEN", 1'000, {5}));
  progress = ComputeProgress(NetworkProgramme(), entries, kToday);
  EXPECT_EQ(TotalText(progress), "earned 15000 converted 1000 of 16000 missing 0 met=true");

  // The total reached, but the major category short: not met.
  const std::vector<ledger::v1::Entry> lopsided = {
      CollegeCourse(1, "MATH", 4'000), CollegeCourse(2, "ENG", 3'000),
      CollegeCourse(3, "NET", 4'000), Certificate(4), Conversion(5, "GEN", 5'000, {4})};
  progress = ComputeProgress(NetworkProgramme(), lopsided, kToday);
  EXPECT_EQ(TotalText(progress), "earned 11000 converted 5000 of 16000 missing 0 met=false");
  EXPECT_EQ(CategoryTexts(progress)[1],
            "MAJOR earned 4000 converted 0 of 8000 missing 4000 courses [SEC]");
}

TEST(ProgressTest, ACourseCountsOnceEarnedBeforeConverted) {
  const std::vector<ledger::v1::Entry> entries = {
      CollegeCourse(1, "NET", 4'000),
      Certificate(2),
      Conversion(3, "NET", 4'000, {2}),  // the course was also earned: adds nothing
      Certificate(4),
      Conversion(5, "SEC", 4'000, {4}),
      Conversion(6, "SEC", 4'000, {2}),  // a second conversion of SEC adds nothing
  };
  const rules_api::Progress progress = ComputeProgress(NetworkProgramme(), entries, kToday);
  EXPECT_EQ(CategoryTexts(progress)[1],
            "MAJOR earned 4000 converted 4000 of 8000 missing 0 courses []");
}

TEST(ProgressTest, ConversionWhoseSourceWasReversedIsFlaggedAndNotCounted) {
  const std::vector<ledger::v1::Entry> entries = {
      Certificate(1).ReversedBy(3),
      Conversion(2, "NET", 4'000, {1}),
      EntryBuilder(3, kCertBody, OUTCOME_KIND_REVERSAL, "1X-NET-M").Reverses(1),
      Certificate(4),
      Conversion(5, "SEC", 4'000, {4}),
  };
  const rules_api::Progress progress = ComputeProgress(NetworkProgramme(), entries, kToday);
  EXPECT_THAT(progress.flagged_conversion_entry_ids(), ElementsAre(2u));
  EXPECT_EQ(CategoryTexts(progress)[1],
            "MAJOR earned 0 converted 4000 of 8000 missing 4000 courses [NET]");
  EXPECT_EQ(progress.converted_credits_milli(), 4'000);

  // A reversed conversion is simply gone: not counted, not flagged.
  const std::vector<ledger::v1::Entry> reversed_conversion = {
      Certificate(1), Conversion(2, "NET", 4'000, {1}).ReversedBy(3),
      EntryBuilder(3, kCollege, OUTCOME_KIND_REVERSAL, "NET").Reverses(2)};
  const rules_api::Progress after =
      ComputeProgress(NetworkProgramme(), reversed_conversion, kToday);
  EXPECT_THAT(after.flagged_conversion_entry_ids(), IsEmpty());
  EXPECT_EQ(after.converted_credits_milli(), 0);
}

TEST(ProgressTest, ExtraGrantsCountAsIfConverted) {
  rules_api::ProposedGrant course;
  course.set_course("SEC");
  course.set_category("MAJOR");
  course.set_credits_milli(4'000);
  rules_api::ProposedGrant category;
  category.set_category("GEN");
  category.set_credits_milli(1'500);
  rules_api::ProposedGrant earned_already;
  earned_already.set_course("NET");
  earned_already.set_category("MAJOR");
  earned_already.set_credits_milli(4'000);
  const std::vector<rules_api::ProposedGrant> extra = {course, category, earned_already};
  const rules_api::Progress progress =
      ComputeProgress(NetworkProgramme(), {CollegeCourse(1, "NET", 4'000).Build()}, kToday, extra);
  EXPECT_THAT(CategoryTexts(progress),
              ElementsAre("GEN earned 0 converted 1500 of 6000 missing 4500 courses [MATH,ENG]",
                          "MAJOR earned 4000 converted 4000 of 8000 missing 0 courses []"));
}

TEST(ProgressTest, ConversionIntoACodeTheProgrammeDoesNotHaveIsIgnored) {
  const std::vector<ledger::v1::Entry> entries = {Certificate(1),
                                                  Conversion(2, "CLOUD", 4'000, {1})};
  const rules_api::Progress progress = ComputeProgress(NetworkProgramme(), entries, kToday);
  EXPECT_EQ(progress.converted_credits_milli(), 0);
  EXPECT_FALSE(IsConversionInto(entries[1], NetworkProgramme()));
}

TEST(ProgressTest, NoEntriesMeansEverythingMissing) {
  const rules_api::Progress progress = ComputeProgress(NetworkProgramme(), {}, kToday);
  EXPECT_EQ(progress.account_number(), "");
  EXPECT_THAT(CategoryTexts(progress),
              ElementsAre("GEN earned 0 converted 0 of 6000 missing 6000 courses [MATH,ENG]",
                          "MAJOR earned 0 converted 0 of 8000 missing 8000 courses [NET,SEC]"));
  EXPECT_EQ(TotalText(progress), "earned 0 converted 0 of 16000 missing 16000 met=false");
}

TEST(ProgressTest, LivenessConversionAndReversedSourcePredicates) {
  const ledger::v1::Entry live = CollegeCourse(1, "NET", 4'000).ValidUntil(2026, 7, 1);
  EXPECT_TRUE(IsLive(live, kToday));  // valid_until is inclusive
  EXPECT_FALSE(IsLive(live, absl::CivilDay(2026, 7, 2)));
  EXPECT_FALSE(IsLive(CollegeCourse(1, "NET", 4'000).ReversedBy(2), kToday));
  EXPECT_FALSE(IsLive(EntryBuilder(2, kCollege, OUTCOME_KIND_REVERSAL, "NET").Reverses(1), kToday));

  EXPECT_TRUE(IsConversionInto(Conversion(3, "NET", 4'000, {1}), NetworkProgramme()));
  EXPECT_TRUE(IsConversionInto(Conversion(3, "MAJOR", 4'000, {1}), NetworkProgramme()));
  EXPECT_FALSE(IsConversionInto(Conversion(3, "NET", 4'000, {1}, kUniversity), NetworkProgramme()));
  EXPECT_FALSE(IsConversionInto(CollegeCourse(3, "NET", 4'000), NetworkProgramme()));

  const ledger::v1::Entry reversed_source = Certificate(1).ReversedBy(9);
  const ledger::v1::Entry kept_source = Certificate(2);
  const absl::flat_hash_map<uint64_t, const ledger::v1::Entry*> by_id = {{1, &reversed_source},
                                                                         {2, &kept_source}};
  EXPECT_TRUE(HasReversedSource(Conversion(3, "NET", 4'000, {2, 1}), by_id));
  EXPECT_FALSE(HasReversedSource(Conversion(3, "NET", 4'000, {2}), by_id));
  // A source not among the account's entries is not known to be reversed.
  EXPECT_FALSE(HasReversedSource(Conversion(3, "NET", 4'000, {77}), by_id));
}

}  // namespace
}  // namespace creditbank::domain::rules
