// Parsers for the scalar values cbctl reads from flags and CSV cells:
// dates, bounded unsigned integers, SHA-256 digests in hex. Each returns
// INVALID_ARGUMENT with a reason fit for "field: reason".
//
//   ASSIGN_OR_RETURN(common::v1::Date date, ParseDate("2026-06-20"));
//   ASSIGN_OR_RETURN(uint32_t hours, ParseUnsigned("48", kMaxStudyHoursPerEntry));
//   ASSIGN_OR_RETURN(std::string digest, ParseSha256Hex("9f86d0..."));  // 32 bytes
#ifndef CREDITBANK_CLIENTS_CBCTL_VALUE_PARSERS_H_
#define CREDITBANK_CLIENTS_CBCTL_VALUE_PARSERS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "creditbank/common/v1/types.pb.h"

namespace creditbank::cbctl {

// A real calendar date written YYYY-MM-DD (years 1900..9999).
absl::StatusOr<common::v1::Date> ParseDate(absl::string_view text);

// Decimal digits only, 0..max.
absl::StatusOr<uint64_t> ParseUnsigned(absl::string_view text, uint64_t max);

// 64 hex digits (either case) -> the 32 digest bytes.
absl::StatusOr<std::string> ParseSha256Hex(absl::string_view text);

}  // namespace creditbank::cbctl

#endif  // CREDITBANK_CLIENTS_CBCTL_VALUE_PARSERS_H_
