// Thousandths (credits, scores) in words: 3500 -> "3.5", 60000 -> "60".
#ifndef CREDITBANK_DOMAIN_RULES_MILLI_H_
#define CREDITBANK_DOMAIN_RULES_MILLI_H_

#include <cstdint>
#include <string>

#include "absl/strings/str_format.h"

namespace creditbank::domain::rules {

inline std::string FormatMilli(int64_t milli) {
  const bool negative = milli < 0;
  const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(milli) : milli;
  std::string text = absl::StrFormat("%s%d", negative ? "-" : "", magnitude / 1000);
  if (uint64_t fraction = magnitude % 1000; fraction != 0) {
    std::string digits = absl::StrFormat("%03d", fraction);
    digits.erase(digits.find_last_not_of('0') + 1);
    text += "." + digits;
  }
  return text;
}

}  // namespace creditbank::domain::rules

#endif  // CREDITBANK_DOMAIN_RULES_MILLI_H_
