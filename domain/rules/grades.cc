#include "domain/rules/grades.h"

#include <array>
#include <utility>

#include "absl/strings/str_cat.h"
#include "domain/rules/milli.h"

namespace creditbank::domain::rules {
namespace {

constexpr std::array<std::pair<absl::string_view, int>, 18> kRanks = {{
    {"A+", 13}, {"A", 12}, {"A-", 11}, {"B+", 10}, {"B", 9}, {"B-", 8}, {"C+", 7},
    {"C", 6}, {"C-", 5}, {"D+", 4}, {"D", 3}, {"D-", 2}, {"F", 1},
    {"优秀", 12}, {"良好", 9}, {"中等", 6}, {"及格", 3}, {"不及格", 1},
}};

std::optional<int64_t> OutOf100(const common::v1::Score& score) {
  if (score.scale_milli() <= 0 || score.score_milli() < 0) return std::nullopt;
  // Scores and scales are at most 10^6 thousandths: no overflow.
  return score.score_milli() * 100'000 / score.scale_milli();
}

}  // namespace

std::optional<int> LetterRank(absl::string_view letter) {
  for (const auto& [name, rank] : kRanks) {
    if (name == letter) return rank;
  }
  return std::nullopt;
}

GradeValue ReadGrade(const common::v1::Grade& grade) {
  GradeValue value;
  switch (grade.value_case()) {
    case common::v1::Grade::kScore:
      value.graded = true;
      value.score_out_of_100_milli = OutOf100(grade.score());
      value.passed = value.score_out_of_100_milli.has_value() &&
                     *value.score_out_of_100_milli >= kPassScoreOutOf100Milli;
      break;
    case common::v1::Grade::kLetter:
      value.graded = true;
      value.rank = LetterRank(grade.letter());
      value.passed = value.rank.has_value() && *value.rank >= kPassRank;
      break;
    case common::v1::Grade::kPassed:
      value.graded = true;
      value.passed = grade.passed();
      break;
    case common::v1::Grade::VALUE_NOT_SET:
      break;
  }
  return value;
}

GradeBound CompileGradeBound(const ::creditbank::rules::v1::MinGrade& bound) {
  GradeBound compiled;
  switch (bound.bound_case()) {
    case ::creditbank::rules::v1::MinGrade::kScoreMilli:
      compiled.kind = GradeBound::Kind::kScore;
      compiled.min_score_out_of_100_milli = bound.score_milli();
      compiled.text = FormatMilli(bound.score_milli());
      break;
    case ::creditbank::rules::v1::MinGrade::kLetter:
      compiled.kind = GradeBound::Kind::kLetter;
      compiled.min_rank = LetterRank(bound.letter()).value_or(0);
      compiled.text = bound.letter();
      break;
    case ::creditbank::rules::v1::MinGrade::kPass:
      compiled.kind = GradeBound::Kind::kPass;
      compiled.text = "a pass";
      break;
    case ::creditbank::rules::v1::MinGrade::BOUND_NOT_SET:
      break;
  }
  return compiled;
}

bool MeetsGrade(const GradeValue& grade, const GradeBound& bound) {
  switch (bound.kind) {
    case GradeBound::Kind::kNone:
      return true;
    case GradeBound::Kind::kScore:
      return grade.score_out_of_100_milli.has_value() &&
             *grade.score_out_of_100_milli >= bound.min_score_out_of_100_milli;
    case GradeBound::Kind::kLetter:
      return grade.rank.has_value() && *grade.rank >= bound.min_rank;
    case GradeBound::Kind::kPass:
      return grade.passed;
  }
  return false;
}

std::string GradeShortfall(const common::v1::Grade& grade, const GradeBound& bound) {
  switch (grade.value_case()) {
    case common::v1::Grade::kScore: {
      if (bound.kind == GradeBound::Kind::kLetter) {
        return absl::StrCat("scored, not graded by letter (needs ", bound.text, ")");
      }
      std::optional<int64_t> out_of_100 = OutOf100(grade.score());
      return absl::StrCat("score ", FormatMilli(out_of_100.value_or(0)), " of 100 below ",
                          bound.kind == GradeBound::Kind::kPass ? "the pass mark 60" : bound.text);
    }
    case common::v1::Grade::kLetter:
      if (bound.kind == GradeBound::Kind::kScore) {
        return absl::StrCat("graded ", grade.letter(), ", not scored (needs ", bound.text, ")");
      }
      return absl::StrCat("grade ", grade.letter(), " below ",
                          bound.kind == GradeBound::Kind::kPass ? "a pass" : bound.text);
    case common::v1::Grade::kPassed:
      if (bound.kind == GradeBound::Kind::kPass) return "not passed";
      return absl::StrCat(grade.passed() ? "pass/fail grade" : "not passed", " (needs ",
                          bound.text, ")");
    case common::v1::Grade::VALUE_NOT_SET:
      break;
  }
  return absl::StrCat("no grade (needs ", bound.text, ")");
}

}  // namespace creditbank::domain::rules
