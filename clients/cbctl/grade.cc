#include "clients/cbctl/grade.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/types/span.h"
#include "clients/cbctl/decimal.h"
#include "domain/request_checks.h"

namespace creditbank::cbctl {
namespace {

constexpr absl::string_view kPassWords[] = {"pass", "passed", "通过"};
constexpr absl::string_view kFailWords[] = {"fail", "failed", "不通过"};

bool IsOneOf(absl::string_view text, absl::Span<const absl::string_view> words) {
  for (absl::string_view word : words) {
    if (text == word) return true;
  }
  return false;
}

absl::StatusOr<common::v1::Grade> ParseScore(absl::string_view text, size_t slash) {
  absl::StatusOr<int64_t> score = ParseThousandths(absl::StripAsciiWhitespace(text.substr(0, slash)));
  absl::StatusOr<int64_t> scale = ParseThousandths(absl::StripAsciiWhitespace(text.substr(slash + 1)));
  if (!score.ok() || !scale.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a score must be written like 85/100 or 85.5/100, got \"", text, "\""));
  }
  if (*scale == 0) return absl::InvalidArgumentError("a score's scale must be positive");
  if (*score > *scale) {
    return absl::InvalidArgumentError(absl::StrCat("score ", text, " is above its scale"));
  }
  common::v1::Grade grade;
  grade.mutable_score()->set_score_milli(*score);
  grade.mutable_score()->set_scale_milli(*scale);
  return grade;
}

}  // namespace

absl::StatusOr<common::v1::Grade> ParseGrade(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  common::v1::Grade grade;
  if (text.empty()) return grade;
  if (const size_t slash = text.find('/'); slash != absl::string_view::npos) {
    return ParseScore(text, slash);
  }
  const std::string lower = absl::AsciiStrToLower(text);
  if (IsOneOf(lower, kPassWords)) {
    grade.set_passed(true);
    return grade;
  }
  if (IsOneOf(lower, kFailWords)) {
    grade.set_passed(false);
    return grade;
  }
  // Letter grades are upper case in the API; "b+" is an obvious spelling.
  const std::string letter =
      text.size() <= 2 ? absl::AsciiStrToUpper(text) : std::string(text);
  if (domain::IsKnownLetterGrade(letter)) {
    grade.set_letter(letter);
    return grade;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "must be a score like 85/100, a letter grade (A+ A A- B+ B B- C+ C C- D+ D D- F "
      "优秀 良好 中等 及格 不及格), pass or fail; got \"",
      text, "\""));
}

std::string FormatGrade(const common::v1::Grade& grade) {
  switch (grade.value_case()) {
    case common::v1::Grade::kScore:
      return absl::StrCat(FormatThousandths(grade.score().score_milli()), "/",
                          FormatThousandths(grade.score().scale_milli()));
    case common::v1::Grade::kLetter:
      return grade.letter();
    case common::v1::Grade::kPassed:
      return grade.passed() ? "pass" : "fail";
    case common::v1::Grade::VALUE_NOT_SET:
      break;
  }
  return "";
}

}  // namespace creditbank::cbctl
