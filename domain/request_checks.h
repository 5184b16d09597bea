// Stateless checks of every request field, run before a request reaches the
// sequencer: ranges, lengths, UTF-8, dates, codes and check digits. Each
// adds its violations, with the field's path under `field`, to `violations`.
// Checks that need stored state (does the account exist, is the institution
// accredited) happen when the command is applied.
#ifndef CREDITBANK_DOMAIN_REQUEST_CHECKS_H_
#define CREDITBANK_DOMAIN_REQUEST_CHECKS_H_

#include <string>
#include "absl/strings/string_view.h"

#include "absl/time/civil_time.h"
#include "creditbank/accounts/v1/accounts.pb.h"
#include "creditbank/common/v1/types.pb.h"
#include "creditbank/institutions/v1/institutions.pb.h"
#include "creditbank/ledger/v1/ledger.pb.h"
#include "domain/errors.h"

namespace creditbank::domain {

// The first day a completion date may name.
inline constexpr absl::CivilDay kEarliestCompletionDay{1900, 1, 1};

std::string FieldPath(absl::string_view prefix, absl::string_view field);

void CheckAccountNumberField(absl::string_view account_number, absl::string_view field,
                             FieldViolations& violations);
void CheckInstitutionCodeField(absl::string_view code, absl::string_view field,
                               FieldViolations& violations);
void CheckReasonField(absl::string_view reason, absl::string_view field,
                      FieldViolations& violations);
void CheckRequestIdField(absl::string_view request_id, absl::string_view field,
                         FieldViolations& violations);
// `allow_unspecified`: whether SECTOR_UNSPECIFIED is acceptable.
void CheckSectorField(int sector, bool allow_unspecified, absl::string_view field,
                      FieldViolations& violations);
void CheckPageSizeField(int page_size, absl::string_view field, FieldViolations& violations);

void CheckPersonalDetails(const accounts::v1::PersonalDetails& details,
                          absl::string_view field, FieldViolations& violations);
void CheckInstitutionName(absl::string_view name, absl::string_view field,
                          FieldViolations& violations);
void CheckAccreditationScope(const institutions::v1::AccreditationScope& scope,
                             absl::string_view field, FieldViolations& violations);
void CheckGrade(const common::v1::Grade& grade, absl::string_view field,
                FieldViolations& violations);
// An outcome as an institution reports it, `today` in the bank's zone.
void CheckOutcome(const ledger::v1::Outcome& outcome, absl::CivilDay today,
                  absl::string_view field, FieldViolations& violations);

// Whether the grade says the learner failed (F, 不及格, passed = false).
bool IsFailingGrade(const common::v1::Grade& grade);

// Whether a letter grade is one the ledger accepts.
bool IsKnownLetterGrade(absl::string_view letter);

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_REQUEST_CHECKS_H_
