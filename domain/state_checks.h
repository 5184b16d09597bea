// Checks against stored state shared by several commands: does the account
// exist and take entries, may the institution record.
#ifndef CREDITBANK_DOMAIN_STATE_CHECKS_H_
#define CREDITBANK_DOMAIN_STATE_CHECKS_H_

#include <cstdint>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "creditbank/institutions/v1/institutions.pb.h"
#include "domain/unit_of_work.h"

namespace creditbank::domain {

// NOT_FOUND when absent; FAILED_PRECONDITION when frozen or closed.
absl::Status RequireOpenAccount(UnitOfWork& work, uint64_t account_number,
                                absl::string_view field);

// NOT_FOUND when absent; FAILED_PRECONDITION when closed.
absl::Status RequireAccountNotClosed(UnitOfWork& work, uint64_t account_number,
                                     absl::string_view field);

// NOT_FOUND when the institution is not registered.
absl::StatusOr<const institutions::v1::Institution*> RequireInstitution(
    UnitOfWork& work, absl::string_view code, absl::string_view field);

// FAILED_PRECONDITION unless accredited (suspended or only registered).
absl::Status RequireAccredited(const institutions::v1::Institution& institution,
                               absl::string_view field);

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_STATE_CHECKS_H_
