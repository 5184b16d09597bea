#include "domain/auth/policy.h"

#include <array>

#include "absl/strings/str_cat.h"

namespace creditbank::domain {
namespace {

constexpr Access D = Access::kDenied;
constexpr Access A = Access::kAllRows;
constexpr Access O = Access::kOwnRows;
constexpr bool kMutates = true;
constexpr bool kReads = false;

// The policy. Columns: operator, institution, learner, service.
// Institutions record, reverse and list only their own entries and see no
// personal data (no GetAccount, no balances built from other institutions'
// records); learners read only their own account; operators administer
// but do not record outcomes in an institution's name (they may reverse,
// to correct, and every reversal is audited); the bank's own processes
// (rules, transcripts) read and record through the core.
constexpr std::array kPolicies = {
    // creditbank.accounts.v1
    MethodPolicy{"/creditbank.accounts.v1.AccountService/OpenAccount", kMutates, A, D, D, D},
    MethodPolicy{"/creditbank.accounts.v1.AccountService/GetAccount", kReads, A, D, O, A},
    MethodPolicy{"/creditbank.accounts.v1.AccountService/FreezeAccount", kMutates, A, D, D, D},
    MethodPolicy{"/creditbank.accounts.v1.AccountService/UnfreezeAccount", kMutates, A, D, D, D},
    MethodPolicy{"/creditbank.accounts.v1.AccountService/CloseAccount", kMutates, A, D, D, D},
    // creditbank.institutions.v1
    MethodPolicy{"/creditbank.institutions.v1.InstitutionService/RegisterInstitution", kMutates,
                 A, D, D, D},
    MethodPolicy{"/creditbank.institutions.v1.InstitutionService/AccreditInstitution", kMutates,
                 A, D, D, D},
    MethodPolicy{"/creditbank.institutions.v1.InstitutionService/SuspendInstitution", kMutates,
                 A, D, D, D},
    MethodPolicy{"/creditbank.institutions.v1.InstitutionService/ReinstateInstitution", kMutates,
                 A, D, D, D},
    MethodPolicy{"/creditbank.institutions.v1.InstitutionService/GetInstitution", kReads, A, A, A,
                 A},
    MethodPolicy{"/creditbank.institutions.v1.InstitutionService/ListInstitutions", kReads, A, A,
                 A, A},
    // creditbank.ledger.v1
    MethodPolicy{"/creditbank.ledger.v1.LedgerService/RecordOutcome", kMutates, D, O, D, A},
    MethodPolicy{"/creditbank.ledger.v1.LedgerService/RecordOutcomes", kMutates, D, O, D, A},
    MethodPolicy{"/creditbank.ledger.v1.LedgerService/StreamOutcomes", kMutates, D, O, D, A},
    MethodPolicy{"/creditbank.ledger.v1.LedgerService/ReverseEntry", kMutates, A, O, D, D},
    MethodPolicy{"/creditbank.ledger.v1.LedgerService/GetEntry", kReads, A, O, O, A},
    MethodPolicy{"/creditbank.ledger.v1.LedgerService/ListEntries", kReads, A, O, O, A},
    MethodPolicy{"/creditbank.ledger.v1.LedgerService/GetBalances", kReads, A, D, O, A},
    MethodPolicy{"/creditbank.ledger.v1.LedgerService/CheckConsistency", kReads, A, D, D, D},
    // creditbank.admin.v1
    MethodPolicy{"/creditbank.admin.v1.AdminService/IssueLearnerToken", kMutates, A, D, D, D},
    MethodPolicy{"/creditbank.admin.v1.AdminService/QueryAudit", kReads, A, D, D, D},
    MethodPolicy{"/creditbank.admin.v1.AdminService/CreateBackup", kMutates, A, D, D, D},
    MethodPolicy{"/creditbank.admin.v1.AdminService/ListBackups", kReads, A, D, D, D},
    MethodPolicy{"/creditbank.admin.v1.AdminService/ReencryptPersonalDetails", kMutates, A, D, D,
                 D},
    MethodPolicy{"/creditbank.admin.v1.AdminService/WhoAmI", kReads, A, A, A, A},
    // creditbank.rules.v1: frameworks, programmes and rules are published
    // (anyone reads them); an institution writes and decides for its own
    // programmes; a learner evaluates and requests for their own account.
    MethodPolicy{"/creditbank.rules.v1.RulesService/PutFramework", kMutates, A, D, D, D},
    MethodPolicy{"/creditbank.rules.v1.RulesService/ListFrameworks", kReads, A, A, A, A},
    MethodPolicy{"/creditbank.rules.v1.RulesService/PutProgramme", kMutates, A, O, D, D},
    MethodPolicy{"/creditbank.rules.v1.RulesService/GetProgramme", kReads, A, A, A, A},
    MethodPolicy{"/creditbank.rules.v1.RulesService/ListProgrammes", kReads, A, A, A, A},
    MethodPolicy{"/creditbank.rules.v1.RulesService/ApplyRules", kMutates, A, O, D, D},
    MethodPolicy{"/creditbank.rules.v1.RulesService/ListRules", kReads, A, A, A, A},
    MethodPolicy{"/creditbank.rules.v1.RulesService/GetRule", kReads, A, A, A, A},
    MethodPolicy{"/creditbank.rules.v1.RulesService/Evaluate", kReads, A, O, O, D},
    // The transcripts service reads progress for a transcript over a programme.
    MethodPolicy{"/creditbank.rules.v1.RulesService/GetProgress", kReads, A, O, O, A},
    MethodPolicy{"/creditbank.rules.v1.RulesService/CreateConversionRequest", kMutates, A, O, O,
                 D},
    MethodPolicy{"/creditbank.rules.v1.RulesService/ApproveConversionRequest", kMutates, A, O, D,
                 D},
    MethodPolicy{"/creditbank.rules.v1.RulesService/RejectConversionRequest", kMutates, A, O, D,
                 D},
    MethodPolicy{"/creditbank.rules.v1.RulesService/GetConversionRequest", kReads, A, O, O, D},
    MethodPolicy{"/creditbank.rules.v1.RulesService/ListConversionRequests", kReads, A, O, O, D},
    MethodPolicy{"/creditbank.rules.v1.RulesService/ReviewReversals", kMutates, A, D, D, A},
    // creditbank.log.v1: heads and consistency proofs are public, so that
    // anyone can hold the bank to its history; an inclusion proof carries
    // its entry (the leaf), so it is read like GetEntry.
    MethodPolicy{"/creditbank.log.v1.LogService/GetCheckpoint", kReads, A, A, A, A, A},
    MethodPolicy{"/creditbank.log.v1.LogService/GetInclusionProof", kReads, A, O, O, A},
    MethodPolicy{"/creditbank.log.v1.LogService/GetConsistencyProof", kReads, A, A, A, A, A},
    // creditbank.transcripts.v1: a learner's transcripts are theirs to
    // issue, read and revoke; the keys and status lists that verify them
    // are published to everyone.
    MethodPolicy{"/creditbank.transcripts.v1.TranscriptService/IssueTranscript", kMutates, A, D,
                 O, D},
    MethodPolicy{"/creditbank.transcripts.v1.TranscriptService/GetTranscript", kReads, A, D, O,
                 D},
    MethodPolicy{"/creditbank.transcripts.v1.TranscriptService/ListTranscripts", kReads, A, D, O,
                 D},
    MethodPolicy{"/creditbank.transcripts.v1.TranscriptService/RevokeTranscript", kMutates, A, D,
                 O, D},
    MethodPolicy{"/creditbank.transcripts.v1.TranscriptService/GetJwks", kReads, A, A, A, A, A},
    MethodPolicy{"/creditbank.transcripts.v1.TranscriptService/GetStatusList", kReads, A, A, A,
                 A, A},
    MethodPolicy{"/creditbank.transcripts.v1.TranscriptService/RotateSigningKey", kMutates, A, D,
                 D, D},
    // creditbank.verification.v1: anyone handed a transcript may check it.
    MethodPolicy{"/creditbank.verification.v1.VerificationService/VerifyTranscript", kReads, A,
                 A, A, A, A},
};

Access RoleAccess(Role role, const MethodPolicy& policy) {
  switch (role) {
    case Role::kOperator:
      return policy.operator_access;
    case Role::kInstitution:
      return policy.institution_access;
    case Role::kLearner:
      return policy.learner_access;
    case Role::kService:
      return policy.service_access;
    case Role::kDevelopment:
      return Access::kAllRows;
    case Role::kAnonymous:
      return policy.anonymous_access;
  }
  return Access::kDenied;
}

}  // namespace

absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAnonymous:
      return "anonymous";
    case Role::kOperator:
      return "operator";
    case Role::kInstitution:
      return "institution";
    case Role::kLearner:
      return "learner";
    case Role::kService:
      return "service";
    case Role::kDevelopment:
      return "development";
  }
  return "unknown";
}

absl::Span<const MethodPolicy> AllMethodPolicies() { return kPolicies; }

const MethodPolicy* FindMethodPolicy(absl::string_view method) {
  for (const MethodPolicy& policy : kPolicies) {
    if (policy.method == method) return &policy;
  }
  return nullptr;
}

absl::StatusOr<Access> Authorize(const Caller& caller, const MethodPolicy& policy) {
  if (caller.role == Role::kAnonymous && policy.anonymous_access == Access::kDenied) {
    return absl::UnauthenticatedError(
        absl::StrCat(policy.method,
                     " needs a client certificate from the bank's CA or a learner token"));
  }
  const Access access = RoleAccess(caller.role, policy);
  if (access == Access::kDenied) {
    return absl::PermissionDeniedError(
        absl::StrCat("the ", RoleName(caller.role), " role may not call ", policy.method));
  }
  return access;
}

absl::Status CheckRow(const Caller& caller, const RowTarget& row) {
  switch (caller.role) {
    case Role::kInstitution:
      if (row.institution_code != caller.institution_code) {
        return absl::PermissionDeniedError(absl::StrCat(
            "institution ", caller.institution_code,
            " may act only on entries it records itself, not on those of institution '",
            row.institution_code, "'"));
      }
      return absl::OkStatus();
    case Role::kLearner:
      if (row.account_number != caller.account_number) {
        return absl::PermissionDeniedError(
            "a learner token gives access to its own account only");
      }
      return absl::OkStatus();
    case Role::kOperator:
    case Role::kService:
    case Role::kDevelopment:
      return absl::OkStatus();
    case Role::kAnonymous:
      break;
  }
  return absl::UnauthenticatedError("the caller is not authenticated");
}

}  // namespace creditbank::domain
