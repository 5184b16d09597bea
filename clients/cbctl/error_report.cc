#include "clients/cbctl/error_report.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "clients/cbctl/exit_codes.h"
#include "domain/errors.h"
#include "google/rpc/error_details.pb.h"

namespace creditbank::cbctl {

std::vector<FieldProblem> FieldProblems(const absl::Status& status) {
  std::vector<FieldProblem> problems;
  absl::optional<absl::Cord> payload = status.GetPayload(domain::kBadRequestTypeUrl);
  google::rpc::BadRequest bad_request;
  if (!payload || !bad_request.ParseFromString(std::string(*payload))) return problems;
  for (const auto& violation : bad_request.field_violations()) {
    problems.push_back({violation.field(), violation.description()});
  }
  return problems;
}

int ExitCodeFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return kExitOk;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return kExitUnreachable;
    default:
      return kExitRefused;
  }
}

std::string DescribeError(const absl::Status& status) {
  std::string text = absl::StrCat("cbctl: ", absl::StatusCodeToString(status.code()), ": ",
                                  status.message(), "\n");
  if (ExitCodeFor(status) == kExitUnreachable) {
    absl::StrAppend(&text, "  (the server could not be reached or did not answer in time; "
                           "check --server and --timeout)\n");
  }
  for (const FieldProblem& problem : FieldProblems(status)) {
    absl::StrAppend(&text, "  ", problem.field, ": ", problem.description, "\n");
  }
  if (std::string reason = domain::ErrorReason(status); !reason.empty()) {
    absl::StrAppend(&text, "  reason: ", reason, "\n");
  }
  return text;
}

int ReportError(std::ostream& err, const absl::Status& status) {
  err << DescribeError(status);
  return ExitCodeFor(status);
}

}  // namespace creditbank::cbctl
