#include "domain/state_checks.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "domain/errors.h"
#include "domain/validation/identity.h"

namespace creditbank::domain {

namespace {

// Checks the account exists and, unless `frozen_is_fine`, that it is active.
absl::Status RequireAccountStatus(UnitOfWork& work, uint64_t account_number,
                                  absl::string_view field, bool frozen_is_fine) {
  ASSIGN_OR_RETURN(const storage::v1::AccountRecord* account,
                   work.FindAccount(account_number));
  const std::string number = FormatAccountNumber(account_number);
  if (account == nullptr) {
    return FieldError(absl::StatusCode::kNotFound, reason::kAccountNotFound, field,
                      absl::StrCat("no account ", number));
  }
  switch (account->status()) {
    case accounts::v1::ACCOUNT_STATUS_ACTIVE:
      return absl::OkStatus();
    case accounts::v1::ACCOUNT_STATUS_FROZEN:
      if (frozen_is_fine) return absl::OkStatus();
      return FieldError(absl::StatusCode::kFailedPrecondition, reason::kAccountFrozen, field,
                        absl::StrCat("account ", number, " is frozen and takes no new entries"));
    default:
      return FieldError(absl::StatusCode::kFailedPrecondition, reason::kAccountClosed, field,
                        absl::StrCat("account ", number, " is closed and takes no new entries"));
  }
}

}  // namespace

absl::Status RequireOpenAccount(UnitOfWork& work, uint64_t account_number,
                                absl::string_view field) {
  return RequireAccountStatus(work, account_number, field, /*frozen_is_fine=*/false);
}

absl::Status RequireAccountNotClosed(UnitOfWork& work, uint64_t account_number,
                                     absl::string_view field) {
  return RequireAccountStatus(work, account_number, field, /*frozen_is_fine=*/true);
}

absl::StatusOr<const institutions::v1::Institution*> RequireInstitution(
    UnitOfWork& work, absl::string_view code, absl::string_view field) {
  ASSIGN_OR_RETURN(const institutions::v1::Institution* institution,
                   work.FindInstitution(code));
  if (institution == nullptr) {
    return FieldError(absl::StatusCode::kNotFound, reason::kInstitutionNotFound, field,
                      absl::StrCat("no institution ", code));
  }
  return institution;
}

absl::Status RequireAccredited(const institutions::v1::Institution& institution,
                               absl::string_view field) {
  switch (institution.status()) {
    case institutions::v1::INSTITUTION_STATUS_ACCREDITED:
      return absl::OkStatus();
    case institutions::v1::INSTITUTION_STATUS_SUSPENDED:
      return FieldError(absl::StatusCode::kFailedPrecondition, reason::kInstitutionSuspended,
                        field, absl::StrCat("institution ", institution.code(),
                                            " is suspended: ", institution.status_reason()));
    default:
      return FieldError(absl::StatusCode::kFailedPrecondition,
                        reason::kInstitutionNotAccredited, field,
                        absl::StrCat("institution ", institution.code(),
                                     " is not accredited to record outcomes"));
  }
}

}  // namespace creditbank::domain
