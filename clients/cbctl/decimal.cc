#include "clients/cbctl/decimal.h"

#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace creditbank::cbctl {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

absl::Status NotADecimal(absl::string_view text) {
  return absl::InvalidArgumentError(
      absl::StrCat("must be a decimal number like 3, 3.5 or 0.125, got \"", text, "\""));
}

}  // namespace

absl::StatusOr<int64_t> ParseThousandths(absl::string_view text) {
  if (!text.empty() && text.front() == '-') {
    return absl::InvalidArgumentError(absl::StrCat("must not be negative, got \"", text, "\""));
  }
  const size_t point = text.find('.');
  const absl::string_view whole = text.substr(0, point);
  const absl::string_view fraction =
      point == absl::string_view::npos ? absl::string_view() : text.substr(point + 1);
  if (whole.empty()) return NotADecimal(text);
  if (point != absl::string_view::npos && fraction.empty()) return NotADecimal(text);
  for (absl::string_view part : {whole, fraction}) {
    for (char c : part) {
      if (!IsDigit(c)) return NotADecimal(text);
    }
  }
  if (fraction.size() > static_cast<size_t>(kMaxDecimalPlaces)) {
    return absl::InvalidArgumentError(absl::StrCat("has more than ", kMaxDecimalPlaces,
                                                   " decimal places, got \"", text, "\""));
  }

  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t units = 0;
  for (char c : whole) {
    const int digit = c - '0';
    if (units > (kMax - digit) / 10) {
      return absl::InvalidArgumentError(absl::StrCat("is too large, got \"", text, "\""));
    }
    units = units * 10 + digit;
  }
  int64_t milli_part = 0;
  for (size_t i = 0; i < static_cast<size_t>(kMaxDecimalPlaces); ++i) {
    milli_part = milli_part * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
  }
  if (units > (kMax - milli_part) / kMilliPerUnit) {
    return absl::InvalidArgumentError(absl::StrCat("is too large, got \"", text, "\""));
  }
  return units * kMilliPerUnit + milli_part;
}

std::string FormatThousandths(int64_t milli) {
  // The magnitude as unsigned, so that INT64_MIN has one too.
  const uint64_t magnitude =
      milli < 0 ? uint64_t{0} - static_cast<uint64_t>(milli) : static_cast<uint64_t>(milli);
  std::string text = absl::StrCat(milli < 0 ? "-" : "", magnitude / kMilliPerUnit);
  uint64_t fraction = magnitude % kMilliPerUnit;
  if (fraction == 0) return text;
  std::string digits = absl::StrCat(fraction + kMilliPerUnit).substr(1);  // zero-padded
  while (digits.back() == '0') digits.pop_back();
  return absl::StrCat(text, ".", digits);
}

}  // namespace creditbank::cbctl
