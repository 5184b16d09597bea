// How cbctl shows a failed call: the status code and message, each field
// violation ("field: description") and the machine-readable reason, on
// stderr; and which exit code the failure means (exit_codes.h).
//
//   absl::StatusOr<Institution> institution = core.GetInstitution(request);
//   if (!institution.ok()) return ReportError(err, institution.status());
//
//   cbctl: NOT_FOUND: code: no institution 4150013588
//     code: no institution 4150013588
//     reason: INSTITUTION_NOT_FOUND
#ifndef CREDITBANK_CLIENTS_CBCTL_ERROR_REPORT_H_
#define CREDITBANK_CLIENTS_CBCTL_ERROR_REPORT_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace creditbank::cbctl {

struct FieldProblem {
  std::string field;
  std::string description;
};

// The google.rpc.BadRequest field violations a status carries, in order.
std::vector<FieldProblem> FieldProblems(const absl::Status& status);

// kExitUnreachable for UNAVAILABLE and DEADLINE_EXCEEDED, kExitOk for OK,
// kExitRefused for anything else.
int ExitCodeFor(const absl::Status& status);

// The lines ReportError prints, each ending in '\n'.
std::string DescribeError(const absl::Status& status);

// Prints DescribeError(status) to `err` and returns ExitCodeFor(status).
int ReportError(std::ostream& err, const absl::Status& status);

}  // namespace creditbank::cbctl

#endif  // CREDITBANK_CLIENTS_CBCTL_ERROR_REPORT_H_
