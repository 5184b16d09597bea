// Policy: the one table that says which role may call which RPC, and the
// row-level rules that narrow "may call" to "may touch this row".
// docs/security.md prints the table; tests/integration/policy_matrix_test.cc
// checks every role against every RPC over real mTLS connections.
//
//   const MethodPolicy* policy = FindMethodPolicy(method);  // null: unknown
//   ASSIGN_OR_RETURN(Access access, Authorize(caller, *policy));
//   if (access == Access::kOwnRows) RETURN_IF_ERROR(CheckRow(caller, row));
#ifndef CREDITBANK_DOMAIN_AUTH_POLICY_H_
#define CREDITBANK_DOMAIN_AUTH_POLICY_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "domain/auth/caller.h"

namespace creditbank::domain {

enum class Access {
  kDenied,
  kAllRows,  // any row
  kOwnRows,  // institution: rows it recorded; learner: their own account
};

struct MethodPolicy {
  absl::string_view method;  // full gRPC method name
  bool mutating;             // mutating RPCs are audited, allowed or refused
  Access operator_access;
  Access institution_access;
  Access learner_access;
  Access service_access;
  // Callers with neither a certificate nor a token: only for what is
  // published to everyone (the transparency log's heads and proofs of
  // consistency, the transcript keys and status lists, verification),
  // never rows.
  Access anonymous_access = Access::kDenied;
};

// Every RPC of every service the server hosts; anything not listed is
// refused (default deny). Health checking and reflection are gRPC's own
// services, public, and not in this table.
absl::Span<const MethodPolicy> AllMethodPolicies();
const MethodPolicy* FindMethodPolicy(absl::string_view method);

// The access `caller` has to `policy`'s RPC. UNAUTHENTICATED for an
// anonymous caller (unless the RPC is public), PERMISSION_DENIED (naming
// role and RPC) when the role has no access.
absl::StatusOr<Access> Authorize(const Caller& caller, const MethodPolicy& policy);

// The row an RPC touches, as far as the row-level rules care.
struct RowTarget {
  std::string institution_code;  // the recording institution
  std::string account_number;    // the learner's account
};

// For kOwnRows: an institution may touch only rows it recorded, a learner
// only their own account. PERMISSION_DENIED otherwise, and when the row
// field the rule needs is empty.
absl::Status CheckRow(const Caller& caller, const RowTarget& row);

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_AUTH_POLICY_H_
