#include "domain/jose/base64url.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"

namespace creditbank::domain::jose {
namespace {

bool IsBase64UrlCharacter(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
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
  std::string decoded;
  if (!absl::WebSafeBase64Unescape(text, &decoded)) return std::nullopt;
  // The last character of 4n+2 or 4n+3 has low bits that carry no data;
  // absl ignores them, so "QQ" and "QR" both decode to "A". Only the
  // spelling with those bits clear is canonical.
  if (Base64UrlEncode(decoded) != text) return std::nullopt;
  return decoded;
}

}  // namespace creditbank::domain::jose
