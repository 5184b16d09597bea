// Walking a rule's source condition tree.
#ifndef CREDITBANK_DOMAIN_RULES_CONDITIONS_H_
#define CREDITBANK_DOMAIN_RULES_CONDITIONS_H_

#include "creditbank/rules/v1/rules.pb.h"

namespace creditbank::domain::rules {

// The conditions directly inside a group (all_of, any_of, k_of); null for
// a matcher or an empty condition.
inline const google::protobuf::RepeatedPtrField<::creditbank::rules::v1::Condition>*
GroupConditions(const ::creditbank::rules::v1::Condition& condition) {
  using ::creditbank::rules::v1::Condition;
  switch (condition.kind_case()) {
    case Condition::kAllOf:
      return &condition.all_of().conditions();
    case Condition::kAnyOf:
      return &condition.any_of().conditions();
    case Condition::kKOf:
      return &condition.k_of().conditions();
    case Condition::kMatch:
    case Condition::KIND_NOT_SET:
      break;
  }
  return nullptr;
}

}  // namespace creditbank::domain::rules

#endif  // CREDITBANK_DOMAIN_RULES_CONDITIONS_H_
