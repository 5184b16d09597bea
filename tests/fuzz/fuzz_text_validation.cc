// fuzz_text_validation: the domain's validators of untrusted text
// (domain/validation, domain/page_token.h) on raw bytes, each checked
// against a reference written independently here:
//   - Utf8Length agrees with a table-driven decoder of Unicode's
//     well-formed UTF-8 (Table 3-7): the same verdict, the same count;
//   - CheckDisplayText accepts only well-formed text of an allowed length;
//   - CheckIdentifier accepts exactly the strings of its alphabet and length;
//   - a resident ID or account number that passes has the right check
//     character, and a parsed account number prints back the same;
//   - page tokens round-trip, and any token decodes without harm;
//   - dates: a Date that names a day converts back to itself.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "domain/limits.h"
#include "domain/page_token.h"
#include "domain/validation/dates.h"
#include "domain/validation/identity.h"
#include "domain/validation/text.h"

namespace creditbank::domain {
namespace {

[[noreturn]] void Fail(absl::string_view what, absl::string_view text) {
  std::fprintf(stderr, "\n==creditbank fuzz invariant broken== %.*s (input of %zu bytes)\n",
               static_cast<int>(what.size()), what.data(), text.size());
  std::abort();
}

// Code points of well-formed UTF-8 per the Unicode Standard, Table 3-7.
std::optional<size_t> ReferenceUtf8Length(absl::string_view text) {
  size_t count = 0;
  for (size_t i = 0; i < text.size(); ++count) {
    const auto lead = static_cast<unsigned char>(text[i]);
    size_t length = 1;
    unsigned char low = 0x80, high = 0xBF;  // the second byte's range
    if (lead <= 0x7F) {
      length = 1;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead == 0xE0) {
      length = 3, low = 0xA0;
    } else if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) {
      length = 3;
    } else if (lead == 0xED) {
      length = 3, high = 0x9F;
    } else if (lead == 0xF0) {
      length = 4, low = 0x90;
    } else if (lead >= 0xF1 && lead <= 0xF3) {
      length = 4;
    } else if (lead == 0xF4) {
      length = 4, high = 0x8F;
    } else {
      return std::nullopt;
    }
    if (text.size() - i < length) return std::nullopt;
    for (size_t k = 1; k < length; ++k) {
      const auto byte = static_cast<unsigned char>(text[i + k]);
      if (byte < (k == 1 ? low : 0x80) || byte > (k == 1 ? high : 0xBF)) return std::nullopt;
    }
    i += length;
  }
  return count;
}

bool ReferenceIdentifier(absl::string_view text, const IdentifierRules& rules) {
  if (text.size() < rules.min_length || text.size() > rules.max_length) return false;
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z' && rules.lower_case_letters) ||
                    (c >= 'A' && c <= 'Z' && rules.upper_case_letters) ||
                    (c >= '0' && c <= '9' && rules.digits) ||
                    (c != '\0' && rules.punctuation.find(c) != absl::string_view::npos);
    if (!ok) return false;
  }
  return true;
}

void CheckText(absl::string_view text, size_t min_characters, size_t max_characters) {
  const std::optional<size_t> length = Utf8Length(text);
  if (length != ReferenceUtf8Length(text)) Fail("Utf8Length disagrees with the reference", text);
  const std::string why = CheckDisplayText(text, min_characters, max_characters);
  if (why.empty() && (!length || *length < min_characters || *length > max_characters)) {
    Fail("CheckDisplayText accepted text it must refuse", text);
  }
}

void CheckIdentifiers(absl::string_view text) {
  for (const IdentifierRules* rules : {&kRequestIdRules, &kOutcomeCodeRules, &kInstitutionCodeRules}) {
    if (CheckIdentifier(text, *rules).empty() != ReferenceIdentifier(text, *rules)) {
      Fail("CheckIdentifier disagrees with the reference", text);
    }
  }
}

void CheckIdentityNumbers(absl::string_view text) {
  const std::string resident_id = NormalizeResidentId(text);
  if (CheckResidentId(resident_id, absl::CivilDay(2026, 7, 1)).empty()) {
    const std::optional<char> check =
        ResidentIdCheckCharacter(absl::string_view(resident_id).substr(0, 17));
    if (resident_id.size() != kResidentIdLength || !check || *check != resident_id.back()) {
      Fail("CheckResidentId accepted a wrong check character", text);
    }
  }
  const bool valid = CheckAccountNumber(text).empty();
  const std::optional<uint64_t> number = ParseAccountNumber(text);
  if (valid != number.has_value()) Fail("CheckAccountNumber and ParseAccountNumber disagree", text);
  if (number) {
    if (FormatAccountNumber(*number) != text) Fail("an account number prints differently", text);
    if (LuhnCheckDigit(text.substr(0, kAccountNumberDigits - 1)) != text.back()) {
      Fail("CheckAccountNumber accepted a wrong Luhn digit", text);
    }
  }
}

void CheckPageTokens(absl::string_view text) {
  (void)DecodePageToken(text, "filters", "page_token");
  const std::string token = EncodePageToken(text, "filters");
  absl::StatusOr<std::string> decoded = DecodePageToken(token, "filters", "page_token");
  // Tokens longer than the limit are refused by design.
  if (decoded.ok() && *decoded != text) Fail("a page token does not round-trip", text);
  if (DecodePageToken(token, "other filters", "page_token").ok() && !token.empty()) {
    Fail("a page token was accepted for other filters", text);
  }
}

void CheckDates(const uint8_t* data, size_t size) {
  int32_t parts[3] = {0, 0, 0};
  std::memcpy(parts, data, std::min(size, sizeof(parts)));
  common::v1::Date date;
  date.set_year(parts[0] % 20000);  // mostly near the valid range
  date.set_month(parts[1] % 16);
  date.set_day(parts[2] % 40);
  const std::optional<absl::CivilDay> day = ToCivilDay(date);
  const std::string why =
      CheckDate(date, absl::CivilDay(kEarliestYear, 1, 1), absl::CivilDay(kLatestYear, 12, 31));
  if (day.has_value() != why.empty()) Fail("ToCivilDay and CheckDate disagree", "");
  if (day) {
    if (ToDate(*day).SerializeAsString() != date.SerializeAsString()) {
      Fail("a date does not convert back to itself", "");
    }
    if (FromDaysSinceEpoch(DaysSinceEpoch(*day)) != *day) Fail("days since epoch differ", "");
  }
  (void)FormatDate(date);
}

}  // namespace
}  // namespace creditbank::domain

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace creditbank::domain;
  if (size < 1) return 0;
  const absl::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  // The first byte picks the length bounds; the fixed ones are the API's.
  CheckText(text, data[0] % 4, 1 + data[0] / 4);
  CheckText(text, 1, kMaxTitleCharacters);
  CheckIdentifiers(text);
  CheckIdentityNumbers(text);
  CheckPageTokens(text);
  CheckDates(data, size);
  return 0;
}
