// Grades as rules compare them: scores on a 100-point scale, letters by
// rank, and what counts as a pass.
#ifndef CREDITBANK_DOMAIN_RULES_GRADES_H_
#define CREDITBANK_DOMAIN_RULES_GRADES_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "creditbank/common/v1/types.pb.h"
#include "creditbank/rules/v1/rules.pb.h"

namespace creditbank::domain::rules {

// A score counts as a pass from 60 of 100; a letter from D (及格).
inline constexpr int64_t kPassScoreOutOf100Milli = 60'000;

// A+ = 13 down to F = 1. The Chinese five-level scale sits on the same
// ladder: 优秀 = A, 良好 = B, 中等 = C, 及格 = D, 不及格 = F. nullopt for a
// letter we do not know.
std::optional<int> LetterRank(absl::string_view letter);
inline constexpr int kPassRank = 3;  // D (D- is 2)

// One entry's grade, reduced to what rules compare.
struct GradeValue {
  std::optional<int64_t> score_out_of_100_milli;  // scores
  std::optional<int> rank;                        // letters
  bool passed = false;  // a pass, a passing letter or a passing score
  bool graded = false;  // false: the entry carries no grade
};
GradeValue ReadGrade(const common::v1::Grade& grade);

// A MinGrade, compiled.
struct GradeBound {
  enum class Kind { kNone, kScore, kLetter, kPass };
  Kind kind = Kind::kNone;
  int64_t min_score_out_of_100_milli = 0;
  int min_rank = 0;
  std::string text;  // "60", "B+", "a pass"
};
GradeBound CompileGradeBound(const ::creditbank::rules::v1::MinGrade& bound);

bool MeetsGrade(const GradeValue& grade, const GradeBound& bound);
// Why `grade` misses `bound`, in words ("score 55 below 60").
std::string GradeShortfall(const common::v1::Grade& grade, const GradeBound& bound);

}  // namespace creditbank::domain::rules

#endif  // CREDITBANK_DOMAIN_RULES_GRADES_H_
