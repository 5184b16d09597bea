#include "domain/validation/identity.h"

#include <array>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "domain/errors.h"
#include "domain/limits.h"
#include "domain/validation/text.h"

namespace creditbank::domain {
namespace {

// GB 11643-1999: weights 2^(17-i) mod 11 and the check character table.
constexpr std::array<int, 17> kResidentIdWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6,
                                                    3, 7, 9, 10, 5, 8, 4, 2};
constexpr absl::string_view kResidentIdCheckCharacters = "10X98765432";

// Provinces of GB/T 2260, plus 81/82/83 for the residence permits of Hong
// Kong, Macao and Taiwan residents, which use the same 18-character format.
bool KnownProvince(int code) {
  switch (code) {
    case 11: case 12: case 13: case 14: case 15:
    case 21: case 22: case 23:
    case 31: case 32: case 33: case 34: case 35: case 36: case 37:
    case 41: case 42: case 43: case 44: case 45: case 46:
    case 50: case 51: case 52: case 53: case 54:
    case 61: case 62: case 63: case 64: case 65:
    case 71: case 81: case 82: case 83:
      return true;
    default:
      return false;
  }
}

bool AllDigits(absl::string_view text) {
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool AllUpperAlphanumeric(absl::string_view text) {
  for (char c : text) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

bool AllUpperLetters(absl::string_view text) {
  for (char c : text) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

}  // namespace

std::optional<char> ResidentIdCheckCharacter(absl::string_view body) {
  if (body.size() != kResidentIdLength - 1 || !AllDigits(body)) return std::nullopt;
  int sum = 0;
  for (size_t i = 0; i < body.size(); ++i) sum += (body[i] - '0') * kResidentIdWeights[i];
  return kResidentIdCheckCharacters[sum % 11];
}

std::string NormalizeResidentId(absl::string_view resident_id) {
  std::string normalized(resident_id);
  if (!normalized.empty() && normalized.back() == 'x') normalized.back() = 'X';
  return normalized;
}

std::string CheckResidentId(absl::string_view resident_id, absl::CivilDay today) {
  if (resident_id.size() != kResidentIdLength) {
    return absl::StrCat("must have 18 characters, has ", resident_id.size());
  }
  absl::string_view body = resident_id.substr(0, kResidentIdLength - 1);
  if (!AllDigits(body)) return "the first 17 characters must be digits";
  int province = (body[0] - '0') * 10 + (body[1] - '0');
  if (!KnownProvince(province)) {
    return absl::StrCat("starts with an unknown province code ", body.substr(0, 2));
  }
  int year = 0, month = 0, day = 0;
  if (!absl::SimpleAtoi(body.substr(6, 4), &year) ||
      !absl::SimpleAtoi(body.substr(10, 2), &month) ||
      !absl::SimpleAtoi(body.substr(12, 2), &day)) {
    return "has an unreadable birth date";
  }
  absl::CivilDay birth(year, month, day);
  if (birth.year() != year || birth.month() != month || birth.day() != day ||
      year < kEarliestYear || birth > today) {
    return absl::StrCat("has an impossible birth date ", body.substr(6, 8));
  }
  char expected = *ResidentIdCheckCharacter(body);
  if (resident_id.back() != expected) {
    return absl::StrCat("has the wrong check character '",
                        absl::string_view(&resident_id.back(), 1),
                        "' (ISO 7064 MOD 11-2 gives '", absl::string_view(&expected, 1),
                        "')");
  }
  return "";
}

accounts::v1::Passport NormalizePassport(const accounts::v1::Passport& passport) {
  accounts::v1::Passport normalized;
  normalized.set_type(absl::AsciiStrToUpper(passport.type()));
  normalized.set_country(absl::AsciiStrToUpper(passport.country()));
  normalized.set_number(absl::AsciiStrToUpper(passport.number()));
  return normalized;
}

accounts::v1::PersonIdentity NormalizeAndCheckIdentity(
    const accounts::v1::PersonIdentity& identity, absl::CivilDay today,
    absl::string_view field, FieldViolations& violations) {
  accounts::v1::PersonIdentity normalized;
  switch (identity.id_case()) {
    case accounts::v1::PersonIdentity::kResidentId: {
      normalized.set_resident_id(NormalizeResidentId(identity.resident_id()));
      std::string why = CheckResidentId(normalized.resident_id(), today);
      if (!why.empty()) violations.Add(absl::StrCat(field, ".resident_id"), why);
      break;
    }
    case accounts::v1::PersonIdentity::kPassport: {
      *normalized.mutable_passport() = NormalizePassport(identity.passport());
      const accounts::v1::Passport& passport = normalized.passport();
      if (passport.type().empty() || passport.type().size() > 2 ||
          !AllUpperLetters(passport.type())) {
        violations.Add(absl::StrCat(field, ".passport.type"),
                       "must be 1-2 letters (ICAO 9303 document type, e.g. P)");
      }
      if (passport.country().size() != 3 || !AllUpperLetters(passport.country())) {
        violations.Add(absl::StrCat(field, ".passport.country"),
                       "must be a 3-letter ISO 3166-1 alpha-3 code, e.g. CHN");
      }
      const std::string& number = passport.number();
      if (number.size() < kMinPassportNumberLength ||
          number.size() > kMaxPassportNumberLength || !AllUpperAlphanumeric(number)) {
        violations.Add(absl::StrCat(field, ".passport.number"),
                       absl::StrCat("must be ", kMinPassportNumberLength, "-",
                                    kMaxPassportNumberLength, " letters and digits"));
      }
      break;
    }
    case accounts::v1::PersonIdentity::ID_NOT_SET:
      violations.Add(field, "must give a resident_id or a passport");
      break;
  }
  return normalized;
}

std::string CanonicalIdentity(const accounts::v1::PersonIdentity& normalized) {
  if (normalized.has_passport()) {
    const accounts::v1::Passport& passport = normalized.passport();
    return absl::StrCat("passport:", passport.type(), ":", passport.country(), ":",
                        passport.number());
  }
  return absl::StrCat("cn-resident-id:", normalized.resident_id());
}

char LuhnCheckDigit(absl::string_view digits) {
  int sum = 0;
  bool double_it = true;  // the digit left of the check digit is doubled
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int digit = *it - '0';
    if (double_it) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double_it = !double_it;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

std::string CheckAccountNumber(absl::string_view account_number) {
  if (account_number.empty()) return "must not be empty";
  if (account_number.size() != kAccountNumberDigits || !AllDigits(account_number)) {
    return absl::StrCat("must be ", kAccountNumberDigits, " digits");
  }
  if (account_number[0] == '0') return "must not start with 0";
  char expected = LuhnCheckDigit(account_number.substr(0, kAccountNumberDigits - 1));
  if (account_number.back() != expected) {
    return "has a wrong check digit (Luhn); check for a mistyped digit";
  }
  return "";
}

std::optional<uint64_t> ParseAccountNumber(absl::string_view account_number) {
  if (!CheckAccountNumber(account_number).empty()) return std::nullopt;
  uint64_t value = 0;
  if (!absl::SimpleAtoi(account_number, &value)) return std::nullopt;
  return value;
}

std::string FormatAccountNumber(uint64_t account_number) {
  return absl::StrFormat("%016u", account_number);
}

}  // namespace creditbank::domain
