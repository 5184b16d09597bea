// Errors as absl::Status values that carry google.rpc details: a BadRequest
// naming each bad field, and an ErrorInfo with a stable machine-readable
// reason (docs/errors.md lists them). The services layer turns the
// payloads into grpc::Status details unchanged.
// (ErrorReason mirrors google.rpc.ErrorInfo, absent from Debian's googleapis.)
//
//   return FieldError(absl::StatusCode::kFailedPrecondition,
//                     reason::kAccountFrozen, "account_number",
//                     "account 6212345678901232 is frozen");
//
//   FieldViolations violations;
//   violations.Add("outcome.title", "must not be empty");
//   RETURN_IF_ERROR(violations.ToStatus());
#ifndef CREDITBANK_DOMAIN_ERRORS_H_
#define CREDITBANK_DOMAIN_ERRORS_H_

#include <string>
#include "absl/strings/string_view.h"
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "google/rpc/status.pb.h"

namespace creditbank::domain {

inline constexpr absl::string_view kErrorDomain = "creditbank";
inline constexpr absl::string_view kBadRequestTypeUrl =
    "type.googleapis.com/google.rpc.BadRequest";
inline constexpr absl::string_view kQuotaFailureTypeUrl =
    "type.googleapis.com/google.rpc.QuotaFailure";
inline constexpr absl::string_view kErrorReasonTypeUrl =
    "type.googleapis.com/creditbank.common.v1.ErrorReason";

// ErrorReason.reason values. Stable: clients branch on them.
namespace reason {
inline constexpr absl::string_view kInvalidField = "INVALID_FIELD";
inline constexpr absl::string_view kAccountNotFound = "ACCOUNT_NOT_FOUND";
inline constexpr absl::string_view kAccountFrozen = "ACCOUNT_FROZEN";
inline constexpr absl::string_view kAccountClosed = "ACCOUNT_CLOSED";
inline constexpr absl::string_view kInstitutionNotFound = "INSTITUTION_NOT_FOUND";
inline constexpr absl::string_view kInstitutionExists = "INSTITUTION_EXISTS";
inline constexpr absl::string_view kInstitutionNotAccredited = "INSTITUTION_NOT_ACCREDITED";
inline constexpr absl::string_view kInstitutionSuspended = "INSTITUTION_SUSPENDED";
inline constexpr absl::string_view kOutsideScope = "OUTSIDE_ACCREDITATION_SCOPE";
inline constexpr absl::string_view kRequestIdReused = "REQUEST_ID_REUSED";
inline constexpr absl::string_view kEntryNotFound = "ENTRY_NOT_FOUND";
inline constexpr absl::string_view kEntryAccountMismatch = "ENTRY_ACCOUNT_MISMATCH";
inline constexpr absl::string_view kNotRecordingInstitution = "NOT_RECORDING_INSTITUTION";
inline constexpr absl::string_view kEntryAlreadyReversed = "ENTRY_ALREADY_REVERSED";
inline constexpr absl::string_view kReversalNotReversible = "REVERSAL_NOT_REVERSIBLE";
inline constexpr absl::string_view kSourceEntryUnusable = "SOURCE_ENTRY_UNUSABLE";
inline constexpr absl::string_view kInvalidTransition = "INVALID_STATUS_TRANSITION";
inline constexpr absl::string_view kQuotaExceeded = "QUOTA_EXCEEDED";
// Rules and conversion.
inline constexpr absl::string_view kProgrammeNotFound = "PROGRAMME_NOT_FOUND";
inline constexpr absl::string_view kRuleNotFound = "RULE_NOT_FOUND";
inline constexpr absl::string_view kRuleTargetInUse = "RULE_TARGET_IN_USE";
inline constexpr absl::string_view kConversionRequestNotFound = "CONVERSION_REQUEST_NOT_FOUND";
inline constexpr absl::string_view kProposalChanged = "PROPOSAL_CHANGED";
inline constexpr absl::string_view kNothingToConvert = "NOTHING_TO_CONVERT";
inline constexpr absl::string_view kTooManyEntries = "TOO_MANY_ENTRIES";
// Transparency log.
inline constexpr absl::string_view kTreeSizeBeyondLog = "TREE_SIZE_BEYOND_LOG";
// Transcripts.
inline constexpr absl::string_view kTranscriptNotFound = "TRANSCRIPT_NOT_FOUND";
inline constexpr absl::string_view kEntryNotTranscribable = "ENTRY_NOT_TRANSCRIBABLE";
inline constexpr absl::string_view kStatusListNotFound = "STATUS_LIST_NOT_FOUND";
inline constexpr absl::string_view kNothingCounted = "NO_ENTRY_COUNTS_TOWARD_PROGRAMME";
inline constexpr absl::string_view kRulesServiceMissing = "RULES_SERVICE_NOT_CONFIGURED";
}  // namespace reason

// An error about one field: `code` with a BadRequest naming `field` and an
// ErrorReason carrying `reason`. The message is "<field>: <description>".
absl::Status FieldError(absl::StatusCode code, absl::string_view reason,
                        absl::string_view field, absl::string_view description);

// INVALID_ARGUMENT for one field (reason INVALID_FIELD).
absl::Status InvalidField(absl::string_view field, absl::string_view description);

// RESOURCE_EXHAUSTED with a google.rpc.QuotaFailure naming `subject` (the
// limit) and reason QUOTA_EXCEEDED.
absl::Status QuotaExceeded(absl::string_view subject, absl::string_view description);

// Collects the violations of one request, reported together.
class FieldViolations {
 public:
  void Add(absl::string_view field, absl::string_view description);
  void Merge(const FieldViolations& other);
  bool empty() const { return violations_.empty(); }
  size_t size() const { return violations_.size(); }
  // OK when empty, else INVALID_ARGUMENT listing every violation.
  absl::Status ToStatus() const;

 private:
  std::vector<std::pair<std::string, std::string>> violations_;
  size_t dropped_ = 0;
};

// The same error with every field path prefixed (e.g. "outcomes[3].").
absl::Status WithFieldPrefix(const absl::Status& status, absl::string_view prefix);

// The same code and details with a new message.
absl::Status WithMessage(const absl::Status& status, absl::string_view message);

// The google.rpc.Status form of a status, payloads as Any details. Used
// for per-item results and by the services layer's grpc::Status mapping.
google::rpc::Status ToRpcStatus(const absl::Status& status);
// The inverse: an absl::Status carrying the details as payloads.
absl::Status FromRpcStatus(const google::rpc::Status& status);

// The ErrorReason reason of a status, or "" when it has none.
std::string ErrorReason(const absl::Status& status);

// The field paths named by a status's BadRequest, in order.
std::vector<std::string> ErrorFields(const absl::Status& status);

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_ERRORS_H_
