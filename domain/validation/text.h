// Checks of untrusted text: strict UTF-8, printable characters, ASCII
// identifier alphabets. Each returns an empty string when the text is
// acceptable, else a reason fit for a field violation.
//
//   if (std::string why = CheckDisplayText(title, 1, kMaxTitleCharacters);
//       !why.empty()) violations.Add("outcome.title", why);
#ifndef CREDITBANK_DOMAIN_VALIDATION_TEXT_H_
#define CREDITBANK_DOMAIN_VALIDATION_TEXT_H_

#include <cstddef>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"

namespace creditbank::domain {

// Number of code points when `text` is well-formed UTF-8 (no overlong
// forms, no surrogates, nothing above U+10FFFF); nullopt otherwise.
std::optional<size_t> Utf8Length(absl::string_view text);

// Human-readable text (names, titles, reasons): well-formed UTF-8, between
// `min_characters` and `max_characters` code points, no control characters
// (C0, DEL, C1), no zero-width or bidirectional formatting characters, no
// leading or trailing white space.
std::string CheckDisplayText(absl::string_view text, size_t min_characters,
                             size_t max_characters);

// ASCII identifiers: `min_length`..`max_length` bytes, each in `alphabet`
// (a string listing the allowed punctuation; letters and digits as flagged).
struct IdentifierRules {
  size_t min_length;
  size_t max_length;
  bool lower_case_letters;
  bool upper_case_letters;
  bool digits;
  absl::string_view punctuation;
};
std::string CheckIdentifier(absl::string_view text, const IdentifierRules& rules);

// The rules of the identifiers of the API.
extern const IdentifierRules kRequestIdRules;        // [A-Za-z0-9._:-]{1,64}
extern const IdentifierRules kOutcomeCodeRules;      // [A-Za-z0-9._-]{1,32}
extern const IdentifierRules kInstitutionCodeRules;  // [A-Z0-9-]{2,32}

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_VALIDATION_TEXT_H_
