// What cbctl prints for the rules service (frameworks, programmes, rules,
// evaluations, progress, conversion requests), and the JSON rule file:
// reading JSON files into messages and the `rules export` form. Kept apart
// from views.{h,cc}, which hold the core's views.
//
//   rules::v1::ApplyRulesRequest file;
//   RETURN_IF_ERROR(ParseJsonMessage(text, "web.json", file));
//   std::cout << ProposalView(proposal);
#ifndef CREDITBANK_CLIENTS_CBCTL_RULES_VIEWS_H_
#define CREDITBANK_CLIENTS_CBCTL_RULES_VIEWS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "creditbank/rules/v1/rules.pb.h"
#include "google/protobuf/message.h"

namespace creditbank::cbctl {

// ---------------------------------------------------------------- JSON files

// Fills `message` from proto3 JSON (proto field names or their lowerCamel
// forms; unknown fields are an error, so a misspelt field is not silently
// ignored). INVALID_ARGUMENT "SOURCE: <the parser's message>" otherwise.
absl::Status ParseJsonMessage(absl::string_view json, absl::string_view source,
                              google::protobuf::Message& message);

// `rule` with the fields the server sets (programme_id, version, owner,
// published_at) cleared: what a rule file holds.
rules::v1::Rule WithoutServerFields(const rules::v1::Rule& rule);

// The rule file of a programme's latest rule versions: applying it again
// publishes nothing.
rules::v1::ApplyRulesRequest ExportRuleFile(absl::string_view programme_id,
                                            const rules::v1::ListRulesResponse& latest);

// `message` as an indented JSON document with proto field names and
// without default values (a file people read and edit), ending in '\n'.
std::string JsonDocument(const google::protobuf::Message& message);

// ------------------------------------------------------------------- names

// "pending", "approving", "approved", "rejected".
std::string ConversionStatusName(int status);
absl::StatusOr<rules::v1::ConversionStatus> ParseConversionStatus(absl::string_view text);

// ------------------------------------------------------------------- rules

// A condition in words, one line per matcher and per group heading; at
// `indent` > 0 each line is a "- " item indented 2 * indent spaces, and a
// group's conditions sit one level deeper:
//   all of:
//     - certificate, code 1X-WEB-M, level >= 5
//     - 2 of:
//       - ...
std::string ConditionText(const rules::v1::Condition& condition, int indent = 0);
// "course WEB201: the course's credits", "category ELEC: 1 credit per 16
// hours, at most 4".
std::string GrantText(const rules::v1::Grant& grant);

std::string FrameworkView(const rules::v1::Framework& framework);
std::string FrameworkListView(const rules::v1::ListFrameworksResponse& response);
std::string ProgrammeView(const rules::v1::Programme& programme);
std::string ProgrammeTable(const rules::v1::ListProgrammesResponse& response);

std::string ApplyRulesView(const rules::v1::ApplyRulesResponse& response);
std::string RuleTable(const rules::v1::ListRulesResponse& response);
// Every version of one rule, oldest first: effective dates, owner, what it
// asks and grants.
std::string RuleVersionsView(const rules::v1::GetRuleResponse& response);

// ------------------------------------------------------ evaluation, progress

// Grants (rule@version, sources, target, credits uncapped -> capped,
// notes), near misses with their reasons, the progress the grants would
// give, and the digest to pass to `requests create --digest`.
std::string ProposalView(const rules::v1::Proposal& proposal);
std::string ProgressView(const rules::v1::Progress& progress);

// ------------------------------------------------------------------ requests

std::string ConversionRequestView(const rules::v1::ConversionRequest& request);
std::string ConversionRequestTable(const rules::v1::ListConversionRequestsResponse& response);
std::string ReviewReversalsView(const rules::v1::ReviewReversalsResponse& response);

}  // namespace creditbank::cbctl

#endif  // CREDITBANK_CLIENTS_CBCTL_RULES_VIEWS_H_
