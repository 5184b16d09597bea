#include "domain/jose/base64url.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"

namespace creditbank::domain::jose {
namespace {

bool IsBase64UrlCharacter(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

// The 6-bit value of a base64url character (one IsBase64UrlCharacter
// accepts).
unsigned SextetOf(char c) {
  if (c >= 'A' && c <= 'Z') return static_cast<unsigned>(c - 'A');
  if (c >= 'a' && c <= 'z') return static_cast<unsigned>(c - 'a') + 26;
  if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0') + 52;
  return c == '-' ? 62 : 63;
}

}  // namespace

std::string Base64UrlEncode(absl::string_view bytes) {
  // absl's web-safe encoder writes no padding, as JOSE wants.
  return absl::WebSafeBase64Escape(bytes);
}

std::optional<std::string> Base64UrlDecode(absl::string_view text) {
  // absl's decoder alone is lenient (it takes padding, and '+' and '/'), so
  // the alphabet is checked here first.
  for (char c : text) {
    if (!IsBase64UrlCharacter(c)) return std::nullopt;
  }
  // A length of 4n+1 leaves 6 bits, less than a byte: no encoder writes it.
  constexpr size_t kCharactersPerQuantum = 4;
  if (text.size() % kCharactersPerQuantum == 1) return std::nullopt;
  // The last character of 4n+2 or 4n+3 has low bits that carry no data
  // (4 of its 6, or 2); absl ignores them, so "QQ" and "QR" both decode to
  // "A". Only the spelling with those bits clear is canonical. Checked on
  // that one character rather than by encoding the result again and
  // comparing, which cost as much as the decoding (a transcript is tens of
  // kilobytes); for a text of the alphabet, of a possible length, the two
  // tests agree.
  const size_t partial = text.size() % kCharactersPerQuantum;
  if (partial != 0) {
    const unsigned unused_bits_mask = partial == 2 ? 0x0F : 0x03;
    if ((SextetOf(text.back()) & unused_bits_mask) != 0) return std::nullopt;
  }
  std::string decoded;
  if (!absl::WebSafeBase64Unescape(text, &decoded)) return std::nullopt;
  return decoded;
}

}  // namespace creditbank::domain::jose
