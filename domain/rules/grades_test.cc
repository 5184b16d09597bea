// Grades as rules compare them: the letter ladder (with the Chinese
// five-level scale on it), scores normalised to 100 points, what a pass
// is, and the words a near miss uses. Also FormatMilli, which those words
// are made of.
#include "domain/rules/grades.h"

#include <cstdint>
#include <limits>
#include <string>

#include "domain/rules/milli.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace creditbank::domain::rules {
namespace {

namespace common = ::creditbank::common::v1;
namespace rules_api = ::creditbank::rules::v1;
using ::testing::Optional;

common::Grade Score(int64_t score_milli, int64_t scale_milli) {
  common::Grade grade;
  grade.mutable_score()->set_score_milli(score_milli);
  grade.mutable_score()->set_scale_milli(scale_milli);
  return grade;
}

common::Grade Letter(const std::string& letter) {
  common::Grade grade;
  grade.set_letter(letter);
  return grade;
}

common::Grade Passed(bool passed) {
  common::Grade grade;
  grade.set_passed(passed);
  return grade;
}

GradeBound MinScore(int64_t score_milli) {
  rules_api::MinGrade bound;
  bound.set_score_milli(score_milli);
  return CompileGradeBound(bound);
}

GradeBound MinLetter(const std::string& letter) {
  rules_api::MinGrade bound;
  bound.set_letter(letter);
  return CompileGradeBound(bound);
}

GradeBound MinPass() {
  rules_api::MinGrade bound;
  bound.set_pass(true);
  return CompileGradeBound(bound);
}

bool Meets(const common::Grade& grade, const GradeBound& bound) {
  return MeetsGrade(ReadGrade(grade), bound);
}

TEST(GradesTest, LettersRankFromAPlusDownToF) {
  const char* ladder[] = {"F", "D-", "D", "D+", "C-", "C", "C+", "B-", "B", "B+", "A-", "A", "A+"};
  for (int rank = 1; rank <= 13; ++rank) {
    EXPECT_THAT(LetterRank(ladder[rank - 1]), Optional(rank)) << ladder[rank - 1];
  }
}

TEST(GradesTest, TheChineseFiveLevelScaleSitsOnTheSameLadder) {
  EXPECT_EQ(LetterRank("优秀"), LetterRank("A"));
  EXPECT_EQ(LetterRank("良好"), LetterRank("B"));
  EXPECT_EQ(LetterRank("中等"), LetterRank("C"));
  EXPECT_EQ(LetterRank("及格"), LetterRank("D"));
  EXPECT_EQ(LetterRank("不及格"), LetterRank("F"));
}

TEST(GradesTest, UnknownLettersHaveNoRank) {
  EXPECT_EQ(LetterRank("E"), std::nullopt);
  EXPECT_EQ(LetterRank("b+"), std::nullopt);  // letters are upper case
  EXPECT_EQ(LetterRank(""), std::nullopt);
  EXPECT_EQ(LetterRank("A++"), std::nullopt);
}

TEST(GradesTest, ThePassRankIsD) {
  // "pass accepts a letter of D/及格 or better": the constant must say the
  // same as the ladder.
  EXPECT_THAT(LetterRank("D"), Optional(kPassRank));
  EXPECT_THAT(LetterRank("及格"), Optional(kPassRank));
}

TEST(GradesTest, ScoresAreReadOnAHundredPointScale) {
  GradeValue value = ReadGrade(Score(4'500, 5'000));  // 4.5 of 5
  EXPECT_TRUE(value.graded);
  EXPECT_THAT(value.score_out_of_100_milli, Optional(90'000));
  EXPECT_TRUE(value.passed);
  EXPECT_EQ(value.rank, std::nullopt);

  value = ReadGrade(Score(59'999, 100'000));
  EXPECT_THAT(value.score_out_of_100_milli, Optional(59'999));
  EXPECT_FALSE(value.passed);
  EXPECT_TRUE(ReadGrade(Score(60'000, 100'000)).passed);
  // 90 of 150 is 60 of 100.
  EXPECT_THAT(ReadGrade(Score(90'000, 150'000)).score_out_of_100_milli, Optional(60'000));
  // 2 of 3 is 66.666…, rounded down to a thousandth.
  EXPECT_THAT(ReadGrade(Score(2'000, 3'000)).score_out_of_100_milli, Optional(66'666));
}

TEST(GradesTest, ScoresWithoutAUsableScaleReadAsNoScore) {
  for (const common::Grade& grade :
       {Score(80'000, 0), Score(80'000, -100'000), Score(-1, 100'000)}) {
    const GradeValue value = ReadGrade(grade);
    EXPECT_TRUE(value.graded) << grade.ShortDebugString();
    EXPECT_EQ(value.score_out_of_100_milli, std::nullopt) << grade.ShortDebugString();
    EXPECT_FALSE(value.passed) << grade.ShortDebugString();
    EXPECT_FALSE(Meets(grade, MinScore(0))) << grade.ShortDebugString();
  }
}

TEST(GradesTest, LettersPassFromD) {
  EXPECT_TRUE(ReadGrade(Letter("D")).passed);
  EXPECT_TRUE(ReadGrade(Letter("及格")).passed);
  EXPECT_TRUE(ReadGrade(Letter("A+")).passed);
  EXPECT_FALSE(ReadGrade(Letter("D-")).passed);
  EXPECT_FALSE(ReadGrade(Letter("F")).passed);
  EXPECT_FALSE(ReadGrade(Letter("不及格")).passed);
  const GradeValue unknown = ReadGrade(Letter("E"));
  EXPECT_TRUE(unknown.graded);
  EXPECT_EQ(unknown.rank, std::nullopt);
  EXPECT_FALSE(unknown.passed);
}

TEST(GradesTest, PassFailAndUngradedEntries) {
  EXPECT_TRUE(ReadGrade(Passed(true)).passed);
  EXPECT_FALSE(ReadGrade(Passed(false)).passed);
  EXPECT_TRUE(ReadGrade(Passed(false)).graded);
  const GradeValue none = ReadGrade(common::Grade());
  EXPECT_FALSE(none.graded);
  EXPECT_FALSE(none.passed);
}

TEST(GradesTest, BoundsCompileWithTheirWords) {
  EXPECT_EQ(MinScore(60'000).kind, GradeBound::Kind::kScore);
  EXPECT_EQ(MinScore(60'000).text, "60");
  EXPECT_EQ(MinScore(62'500).text, "62.5");
  EXPECT_EQ(MinLetter("B+").kind, GradeBound::Kind::kLetter);
  EXPECT_EQ(MinLetter("B+").min_rank, 10);
  EXPECT_EQ(MinLetter("良好").min_rank, 9);
  EXPECT_EQ(MinPass().kind, GradeBound::Kind::kPass);
  EXPECT_EQ(MinPass().text, "a pass");
  EXPECT_EQ(CompileGradeBound(rules_api::MinGrade()).kind, GradeBound::Kind::kNone);
}

TEST(GradesTest, WhatMeetsEachKindOfBound) {
  // No bound: anything, even no grade.
  EXPECT_TRUE(Meets(common::Grade(), CompileGradeBound(rules_api::MinGrade())));
  // Scores: compared on 100 points; letters and pass/fail never meet one.
  EXPECT_TRUE(Meets(Score(60'000, 100'000), MinScore(60'000)));
  EXPECT_FALSE(Meets(Score(59'999, 100'000), MinScore(60'000)));
  EXPECT_TRUE(Meets(Score(3'000, 5'000), MinScore(60'000)));
  EXPECT_FALSE(Meets(Letter("A+"), MinScore(60'000)));
  EXPECT_FALSE(Meets(Passed(true), MinScore(60'000)));
  // Letters: by rank; scores never meet one.
  EXPECT_TRUE(Meets(Letter("B+"), MinLetter("B+")));
  EXPECT_TRUE(Meets(Letter("A-"), MinLetter("B+")));
  EXPECT_FALSE(Meets(Letter("B"), MinLetter("B+")));
  EXPECT_TRUE(Meets(Letter("良好"), MinLetter("中等")));
  EXPECT_FALSE(Meets(Letter("中等"), MinLetter("良好")));
  EXPECT_TRUE(Meets(Letter("优秀"), MinLetter("A")));
  EXPECT_FALSE(Meets(Score(100'000, 100'000), MinLetter("F")));
  EXPECT_FALSE(Meets(Letter("E"), MinLetter("F")));
  // Pass: a pass, a passing letter, a passing score.
  EXPECT_TRUE(Meets(Passed(true), MinPass()));
  EXPECT_TRUE(Meets(Letter("及格"), MinPass()));
  EXPECT_TRUE(Meets(Score(60'000, 100'000), MinPass()));
  EXPECT_FALSE(Meets(Passed(false), MinPass()));
  EXPECT_FALSE(Meets(Letter("D-"), MinPass()));
  EXPECT_FALSE(Meets(Score(59'000, 100'000), MinPass()));
  EXPECT_FALSE(Meets(common::Grade(), MinPass()));
}

TEST(GradesTest, ShortfallsInWords) {
  EXPECT_EQ(GradeShortfall(Score(55'000, 100'000), MinScore(60'000)), "score 55 of 100 below 60");
  EXPECT_EQ(GradeShortfall(Score(2'500, 5'000), MinScore(60'000)), "score 50 of 100 below 60");
  EXPECT_EQ(GradeShortfall(Score(62'500, 100'000), MinScore(70'000)), "score 62.5 of 100 below 70");
  EXPECT_EQ(GradeShortfall(Score(59'000, 100'000), MinPass()),
            "score 59 of 100 below the pass mark 60");
  EXPECT_EQ(GradeShortfall(Score(95'000, 100'000), MinLetter("B+")),
            "scored, not graded by letter (needs B+)");
  EXPECT_EQ(GradeShortfall(Letter("B"), MinScore(60'000)), "graded B, not scored (needs 60)");
  EXPECT_EQ(GradeShortfall(Letter("B"), MinLetter("B+")), "grade B below B+");
  EXPECT_EQ(GradeShortfall(Letter("中等"), MinLetter("良好")), "grade 中等 below 良好");
  EXPECT_EQ(GradeShortfall(Letter("不及格"), MinPass()), "grade 不及格 below a pass");
  EXPECT_EQ(GradeShortfall(Passed(false), MinPass()), "not passed");
  EXPECT_EQ(GradeShortfall(Passed(true), MinScore(60'000)), "pass/fail grade (needs 60)");
  EXPECT_EQ(GradeShortfall(Passed(false), MinLetter("B")), "not passed (needs B)");
  EXPECT_EQ(GradeShortfall(common::Grade(), MinScore(60'000)), "no grade (needs 60)");
  EXPECT_EQ(GradeShortfall(common::Grade(), MinPass()), "no grade (needs a pass)");
}

TEST(MilliTest, ThousandthsInWords) {
  EXPECT_EQ(FormatMilli(0), "0");
  EXPECT_EQ(FormatMilli(3'500), "3.5");
  EXPECT_EQ(FormatMilli(60'000), "60");
  EXPECT_EQ(FormatMilli(5'333), "5.333");
  EXPECT_EQ(FormatMilli(50), "0.05");
  EXPECT_EQ(FormatMilli(1), "0.001");
  EXPECT_EQ(FormatMilli(-1'500), "-1.5");
  EXPECT_EQ(FormatMilli(std::numeric_limits<int64_t>::min()), "-9223372036854775.808");
  EXPECT_EQ(FormatMilli(std::numeric_limits<int64_t>::max()), "9223372036854775.807");
}

}  // namespace
}  // namespace creditbank::domain::rules
