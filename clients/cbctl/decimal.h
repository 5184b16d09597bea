// Exact decimals in thousandths, the unit of every credit amount and score
// in the API: "3.5" credits is 3500, and 3500 prints as "3.5". No floating
// point anywhere, so 0.1 + 0.2 credits is exactly 0.3.
//
//   ASSIGN_OR_RETURN(int64_t credits_milli, ParseThousandths("3.5"));  // 3500
//   std::string text = FormatThousandths(125);                         // "0.125"
#ifndef CREDITBANK_CLIENTS_CBCTL_DECIMAL_H_
#define CREDITBANK_CLIENTS_CBCTL_DECIMAL_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace creditbank::cbctl {

// Digits after the decimal point that thousandths can hold.
inline constexpr int kMaxDecimalPlaces = 3;
inline constexpr int64_t kMilliPerUnit = 1000;

// A non-negative decimal: digits, optionally '.' and 1..3 more digits
// ("3", "3.5", "0.125", "12.000"). No sign, exponent, grouping or spaces.
// INVALID_ARGUMENT with a reason fit for "field: reason" otherwise,
// including when the value does not fit in int64 thousandths.
absl::StatusOr<int64_t> ParseThousandths(absl::string_view text);

// The shortest exact decimal: 3000 -> "3", 3500 -> "3.5", 125 -> "0.125",
// -1500 -> "-1.5".
std::string FormatThousandths(int64_t milli);

}  // namespace creditbank::cbctl

#endif  // CREDITBANK_CLIENTS_CBCTL_DECIMAL_H_
