// Stateless checks of the rules service's requests. Every bad field is
// reported at once, by its exact path as it appears in the request and in
// the JSON rule file (proto field names), e.g.
//   "rules[2].source.all_of.conditions[1].match.min_grade.score_milli".
// Checks that need stored state (does the programme exist, does a grant's
// course belong to it, does a level bound's framework exist) take that
// state as arguments.
#ifndef CREDITBANK_DOMAIN_RULES_RULE_CHECKS_H_
#define CREDITBANK_DOMAIN_RULES_RULE_CHECKS_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "creditbank/rules/v1/rules.pb.h"
#include "domain/errors.h"

namespace creditbank::domain::rules {

namespace rules_api = ::creditbank::rules::v1;

// INVALID_ARGUMENT naming every bad field (domain/errors.h), or OK.
absl::Status CheckPutFramework(const rules_api::PutFrameworkRequest& request,
                               const std::vector<rules_api::Framework>& known_frameworks);
absl::Status CheckPutProgramme(const rules_api::PutProgrammeRequest& request);
// `programme`: the stored programme the rules are for; `frameworks`: every
// stored framework (level bounds must name one, and the bank framework
// must have a crosswalk to it).
absl::Status CheckApplyRules(const rules_api::ApplyRulesRequest& request,
                             const rules_api::Programme& programme,
                             const std::vector<rules_api::Framework>& frameworks);
absl::Status CheckGetProgramme(const rules_api::GetProgrammeRequest& request);
absl::Status CheckListProgrammes(const rules_api::ListProgrammesRequest& request);
absl::Status CheckListRules(const rules_api::ListRulesRequest& request);
absl::Status CheckGetRule(const rules_api::GetRuleRequest& request);
absl::Status CheckEvaluate(const rules_api::EvaluateRequest& request);
absl::Status CheckGetProgress(const rules_api::GetProgressRequest& request);
absl::Status CheckCreateConversionRequest(
    const rules_api::CreateConversionRequestRequest& request);
absl::Status CheckDecideConversionRequest(const rules_api::DecideConversionRequest& request);
absl::Status CheckGetConversionRequest(const rules_api::GetConversionRequestRequest& request);
absl::Status CheckListConversionRequests(
    const rules_api::ListConversionRequestsRequest& request);

// A programme id as the rules service accepts it, for requests of other
// services that name one (a transcript over a programme).
void CheckProgrammeId(absl::string_view programme_id, absl::string_view field,
                      FieldViolations& violations);

}  // namespace creditbank::domain::rules

#endif  // CREDITBANK_DOMAIN_RULES_RULE_CHECKS_H_
