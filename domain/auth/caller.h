// Caller: who is calling, as established from a verified client
// certificate or a verified learner token — never from a request field.
//
//   Caller caller = Caller::Institution("CQ001", "CQ001");
//   if (caller.role == Role::kInstitution) ... caller.institution_code ...
#ifndef CREDITBANK_DOMAIN_AUTH_CALLER_H_
#define CREDITBANK_DOMAIN_AUTH_CALLER_H_

#include <string>

#include "absl/strings/string_view.h"

namespace creditbank::domain {

enum class Role {
  kAnonymous,    // no certificate, no token
  kOperator,     // the credit bank's staff (client certificate, OU=operator)
  kInstitution,  // a recording institution (client certificate, OU=institution)
  kLearner,      // a citizen (bearer token for one account)
  kService,      // the bank's own processes (client certificate, OU=service)
  // Plaintext development mode (loopback only): no identities exist, every
  // call may do everything. Logged loudly at start-up and in the audit log.
  kDevelopment,
};

// Lower-case role names as they appear in certificates and audit records.
absl::string_view RoleName(Role role);

struct Caller {
  Role role = Role::kAnonymous;
  // The certificate's common name, the learner's account number, or
  // "development"/"anonymous".
  std::string name;
  std::string institution_code;  // kInstitution only
  std::string account_number;     // kLearner only

  static Caller Anonymous() { return {Role::kAnonymous, "anonymous", "", ""}; }
  static Caller Development() { return {Role::kDevelopment, "development", "", ""}; }
};

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_AUTH_CALLER_H_
