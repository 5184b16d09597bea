// Grades as people write them, both ways:
//   "85/100", "85.5/100"     a score on a scale (thousandths, exact);
//   "A-", "优秀", "不及格"     a letter grade the ledger knows (a-f may be
//                            written in lower case);
//   "pass", "fail"           pass/fail (also 通过 / 不通过);
//   ""                       no grade.
//
//   ASSIGN_OR_RETURN(common::v1::Grade grade, ParseGrade("85/100"));
//   FormatGrade(grade);  // "85/100"
#ifndef CREDITBANK_CLIENTS_CBCTL_GRADE_H_
#define CREDITBANK_CLIENTS_CBCTL_GRADE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "creditbank/common/v1/types.pb.h"

namespace creditbank::cbctl {

absl::StatusOr<common::v1::Grade> ParseGrade(absl::string_view text);

// The inverse of ParseGrade ("" for no grade).
std::string FormatGrade(const common::v1::Grade& grade);

}  // namespace creditbank::cbctl

#endif  // CREDITBANK_CLIENTS_CBCTL_GRADE_H_
