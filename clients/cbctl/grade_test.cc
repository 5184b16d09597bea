#include "clients/cbctl/grade.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace creditbank::cbctl {
namespace {

using ::creditbank::testing::StatusIs;
using common::v1::Grade;

TEST(ParseGradeTest, ScoreOnAScaleInThousandths) {
  ASSERT_OK_AND_ASSIGN(Grade grade, ParseGrade("85/100"));
  ASSERT_EQ(grade.value_case(), Grade::kScore);
  EXPECT_EQ(grade.score().score_milli(), 85000);
  EXPECT_EQ(grade.score().scale_milli(), 100000);
  ASSERT_OK_AND_ASSIGN(Grade half, ParseGrade(" 85.5 / 100 "));
  EXPECT_EQ(half.score().score_milli(), 85500);
}

TEST(ParseGradeTest, LetterGrades) {
  ASSERT_OK_AND_ASSIGN(Grade a_minus, ParseGrade("A-"));
  EXPECT_EQ(a_minus.letter(), "A-");
  ASSERT_OK_AND_ASSIGN(Grade lower, ParseGrade("b+"));
  EXPECT_EQ(lower.letter(), "B+");
  ASSERT_OK_AND_ASSIGN(Grade excellent, ParseGrade("优秀"));
  EXPECT_EQ(excellent.letter(), "优秀");
  ASSERT_OK_AND_ASSIGN(Grade failing, ParseGrade("不及格"));
  EXPECT_EQ(failing.letter(), "不及格");
}

TEST(ParseGradeTest, PassFail) {
  ASSERT_OK_AND_ASSIGN(Grade pass, ParseGrade("pass"));
  ASSERT_EQ(pass.value_case(), Grade::kPassed);
  EXPECT_TRUE(pass.passed());
  ASSERT_OK_AND_ASSIGN(Grade fail, ParseGrade("FAIL"));
  ASSERT_EQ(fail.value_case(), Grade::kPassed);
  EXPECT_FALSE(fail.passed());
  ASSERT_OK_AND_ASSIGN(Grade chinese_pass, ParseGrade("通过"));
  EXPECT_TRUE(chinese_pass.passed());
}

TEST(ParseGradeTest, EmptyMeansNoGrade) {
  ASSERT_OK_AND_ASSIGN(Grade grade, ParseGrade("  "));
  EXPECT_EQ(grade.value_case(), Grade::VALUE_NOT_SET);
}

TEST(ParseGradeTest, BadGradesAreRejected) {
  for (const char* text : {"101/100", "85/0", "85/", "/100", "-5/100", "85.1234/100", "E", "A++",
                           "excellent", "好", "85"}) {
    EXPECT_THAT(ParseGrade(text), StatusIs(absl::StatusCode::kInvalidArgument)) << text;
  }
}

TEST(FormatGradeTest, InverseOfParse) {
  for (const char* text : {"85/100", "85.5/100", "4.5/5", "A-", "优秀", "pass", "fail", ""}) {
    ASSERT_OK_AND_ASSIGN(Grade grade, ParseGrade(text));
    EXPECT_EQ(FormatGrade(grade), text);
  }
}

}  // namespace
}  // namespace creditbank::cbctl
