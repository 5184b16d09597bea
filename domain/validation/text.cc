#include "domain/validation/text.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "domain/limits.h"

namespace creditbank::domain {
namespace {

// Decodes one code point at text[i], advancing i; nullopt when malformed.
std::optional<uint32_t> DecodeOne(absl::string_view text, size_t& i) {
  const auto byte = [&](size_t at) { return static_cast<unsigned char>(text[at]); };
  unsigned char lead = byte(i);
  if (lead < 0x80) {
    ++i;
    return lead;
  }
  size_t length;
  uint32_t code_point;
  uint32_t minimum;
  if ((lead & 0xe0) == 0xc0) {
    length = 2, code_point = lead & 0x1f, minimum = 0x80;
  } else if ((lead & 0xf0) == 0xe0) {
    length = 3, code_point = lead & 0x0f, minimum = 0x800;
  } else if ((lead & 0xf8) == 0xf0) {
    length = 4, code_point = lead & 0x07, minimum = 0x10000;
  } else {
    return std::nullopt;
  }
  if (text.size() - i < length) return std::nullopt;
  for (size_t k = 1; k < length; ++k) {
    unsigned char continuation = byte(i + k);
    if ((continuation & 0xc0) != 0x80) return std::nullopt;
    code_point = (code_point << 6) | (continuation & 0x3f);
  }
  if (code_point < minimum || code_point > 0x10ffff) return std::nullopt;
  if (code_point >= 0xd800 && code_point <= 0xdfff) return std::nullopt;
  i += length;
  return code_point;
}

bool IsControl(uint32_t code_point) {
  return code_point < 0x20 || (code_point >= 0x7f && code_point <= 0x9f);
}

// Zero-width and bidirectional formatting characters: invisible, and able
// to make a name or title display as something other than what it is.
bool IsInvisibleFormat(uint32_t code_point) {
  return (code_point >= 0x200b && code_point <= 0x200f) ||  // zero width, LRM, RLM
         (code_point >= 0x202a && code_point <= 0x202e) ||  // bidi embeddings/overrides
         (code_point >= 0x2066 && code_point <= 0x2069) ||  // bidi isolates
         code_point == 0x2060 || code_point == 0xfeff;      // word joiner, BOM
}

bool IsSpace(uint32_t code_point) {
  return code_point == ' ' || code_point == 0x3000 /* ideographic space */ ||
         code_point == 0xa0;
}

bool Allowed(char c, const IdentifierRules& rules) {
  if (c >= 'a' && c <= 'z') return rules.lower_case_letters;
  if (c >= 'A' && c <= 'Z') return rules.upper_case_letters;
  if (c >= '0' && c <= '9') return rules.digits;
  return rules.punctuation.find(c) != absl::string_view::npos;
}

}  // namespace

const IdentifierRules kRequestIdRules = {1, kMaxRequestIdLength, true, true, true, "._:-"};
const IdentifierRules kOutcomeCodeRules = {1, kMaxOutcomeCodeLength, true, true, true, "._-"};
const IdentifierRules kInstitutionCodeRules = {
    kMinInstitutionCodeLength, kMaxInstitutionCodeLength, false, true, true, "-"};

std::optional<size_t> Utf8Length(absl::string_view text) {
  size_t characters = 0;
  for (size_t i = 0; i < text.size();) {
    if (!DecodeOne(text, i)) return std::nullopt;
    ++characters;
  }
  return characters;
}

std::string CheckDisplayText(absl::string_view text, size_t min_characters,
                             size_t max_characters) {
  if (text.empty() && min_characters > 0) return "must not be empty";
  size_t characters = 0;
  uint32_t first = 0;
  uint32_t last = 0;
  for (size_t i = 0; i < text.size();) {
    size_t at = i;
    std::optional<uint32_t> code_point = DecodeOne(text, i);
    if (!code_point) return absl::StrCat("is not valid UTF-8 (at byte ", at, ")");
    if (IsControl(*code_point)) {
      return absl::StrCat("contains a control character (at byte ", at, ")");
    }
    if (IsInvisibleFormat(*code_point)) {
      return absl::StrCat("contains an invisible formatting character (at byte ", at, ")");
    }
    if (characters == 0) first = *code_point;
    last = *code_point;
    ++characters;
  }
  if (characters < min_characters) {
    return absl::StrCat("must have at least ", min_characters, " characters");
  }
  if (characters > max_characters) {
    return absl::StrCat("must have at most ", max_characters, " characters, has ",
                        characters);
  }
  if (characters > 0 && (IsSpace(first) || IsSpace(last))) {
    return "must not start or end with white space";
  }
  return "";
}

std::string CheckIdentifier(absl::string_view text, const IdentifierRules& rules) {
  if (text.empty() && rules.min_length > 0) return "must not be empty";
  if (text.size() < rules.min_length) {
    return absl::StrCat("must have at least ", rules.min_length, " characters");
  }
  if (text.size() > rules.max_length) {
    return absl::StrCat("must have at most ", rules.max_length, " characters, has ",
                        text.size());
  }
  for (size_t i = 0; i < text.size(); ++i) {
    if (!Allowed(text[i], rules)) {
      std::string allowed;
      if (rules.upper_case_letters) allowed += "A-Z";
      if (rules.lower_case_letters) allowed += "a-z";
      if (rules.digits) allowed += "0-9";
      absl::StrAppend(&allowed, rules.punctuation);
      return absl::StrCat("has a character outside [", allowed, "] at position ", i);
    }
  }
  return "";
}

}  // namespace creditbank::domain
