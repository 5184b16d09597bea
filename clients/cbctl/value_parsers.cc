#include "clients/cbctl/value_parsers.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/escaping.h"
#include "domain/crypto/primitives.h"
#include "domain/limits.h"
#include "domain/validation/dates.h"

namespace creditbank::cbctl {
namespace {

constexpr size_t kDateTextLength = 10;  // YYYY-MM-DD

bool AllDigits(absl::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<common::v1::Date> ParseDate(absl::string_view text) {
  const bool shaped = text.size() == kDateTextLength && text[4] == '-' && text[7] == '-' &&
                      AllDigits(text.substr(0, 4)) && AllDigits(text.substr(5, 2)) &&
                      AllDigits(text.substr(8, 2));
  if (!shaped) {
    return absl::InvalidArgumentError(
        absl::StrCat("must be a date written YYYY-MM-DD, got \"", text, "\""));
  }
  common::v1::Date date;
  int part = 0;
  // The digit checks above make these conversions succeed.
  (void)absl::SimpleAtoi(text.substr(0, 4), &part);
  date.set_year(part);
  (void)absl::SimpleAtoi(text.substr(5, 2), &part);
  date.set_month(part);
  (void)absl::SimpleAtoi(text.substr(8, 2), &part);
  date.set_day(part);
  if (!domain::ToCivilDay(date).has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", text, "\" is not a calendar date in ", domain::kEarliestYear, "..",
        domain::kLatestYear));
  }
  return date;
}

absl::StatusOr<uint64_t> ParseUnsigned(absl::string_view text, uint64_t max) {
  uint64_t value = 0;
  if (!AllDigits(text)) {
    return absl::InvalidArgumentError(
        absl::StrCat("must be a whole number 0..", max, ", got \"", text, "\""));
  }
  if (!absl::SimpleAtoi(text, &value) || value > max) {
    return absl::InvalidArgumentError(absl::StrCat("must be at most ", max, ", got ", text));
  }
  return value;
}

absl::StatusOr<std::string> ParseSha256Hex(absl::string_view text) {
  const bool hex = text.size() == 2 * domain::kSha256Bytes &&
                   std::all_of(text.begin(), text.end(), [](char c) {
                     return absl::ascii_isxdigit(static_cast<unsigned char>(c));
                   });
  if (!hex) {
    return absl::InvalidArgumentError(absl::StrCat(
        "must be ", 2 * domain::kSha256Bytes, " hex digits (a SHA-256 digest), got \"",
        text, "\""));
  }
  return absl::HexStringToBytes(text);
}

}  // namespace creditbank::cbctl
