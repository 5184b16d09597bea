// Citizen identities and account numbers: checks and canonical forms.
//
//   std::string why = CheckResidentId(id, today);   // "" when valid
//   std::string canonical = CanonicalIdentity(identity);  // HMAC input
//   std::optional<uint64_t> number = ParseAccountNumber("6217...");
#ifndef CREDITBANK_DOMAIN_VALIDATION_IDENTITY_H_
#define CREDITBANK_DOMAIN_VALIDATION_IDENTITY_H_

#include <cstdint>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/time/civil_time.h"
#include "creditbank/accounts/v1/accounts.pb.h"
#include "domain/errors.h"

namespace creditbank::domain {

// The ISO 7064 MOD 11-2 check character ('0'-'9' or 'X') of the first 17
// digits of a resident ID; nullopt unless `body` is 17 digits.
std::optional<char> ResidentIdCheckCharacter(absl::string_view body);

// A resident ID with a lower-case final x made upper-case.
std::string NormalizeResidentId(absl::string_view resident_id);

// "" when `resident_id` (already normalised) is 18 characters: a known
// province code, a real birth date between 1900 and `today`, 3 sequence
// digits and the right check character. Else the reason.
std::string CheckResidentId(absl::string_view resident_id, absl::CivilDay today);

// Upper-cases type, country and number of a passport.
accounts::v1::Passport NormalizePassport(const accounts::v1::Passport& passport);

// Checks every field of an identity (normalised first), adding violations
// under `field` ("identity"). Returns the normalised identity.
accounts::v1::PersonIdentity NormalizeAndCheckIdentity(
    const accounts::v1::PersonIdentity& identity, absl::CivilDay today,
    absl::string_view field, FieldViolations& violations);

// The bytes the identity HMAC is computed over: a type tag and the
// normalised fields, e.g. "cn-resident-id:11010519491231002X".
std::string CanonicalIdentity(const accounts::v1::PersonIdentity& normalized);

// Luhn check digit of a string of digits.
char LuhnCheckDigit(absl::string_view digits);

// "" when `account_number` is 16 digits with a valid Luhn check digit.
std::string CheckAccountNumber(absl::string_view account_number);

// The account number as an integer (the storage key), when valid.
std::optional<uint64_t> ParseAccountNumber(absl::string_view account_number);

// The printed form of a stored account number (zero-padded, 16 digits).
std::string FormatAccountNumber(uint64_t account_number);

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_VALIDATION_IDENTITY_H_
