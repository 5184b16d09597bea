// base64url (RFC 4648 §5) as JOSE uses it (RFC 7515 §2): the URL-safe
// alphabet, no '=' padding. Decoding is strict, so that one byte string has
// exactly one spelling: '=', the standard alphabet ('+', '/'), whitespace,
// an impossible length, and a last character with unused low bits set are
// all refused. A verifier that took several spellings of one token would let
// a copy that differs in its text still verify.
//
//   const std::string text = Base64UrlEncode(signature);  // no '='
//   std::optional<std::string> bytes = Base64UrlDecode(text);
//   if (!bytes.has_value()) return absl::InvalidArgumentError("signature is not base64url");
#ifndef CREDITBANK_DOMAIN_JOSE_BASE64URL_H_
#define CREDITBANK_DOMAIN_JOSE_BASE64URL_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace creditbank::domain::jose {

// `bytes` in base64url without padding.
std::string Base64UrlEncode(absl::string_view bytes);

// The bytes `text` spells, or nullopt unless `text` is the canonical,
// unpadded base64url spelling of them (Base64UrlEncode(*result) == text).
// The empty text decodes to the empty string.
std::optional<std::string> Base64UrlDecode(absl::string_view text);

}  // namespace creditbank::domain::jose

#endif  // CREDITBANK_DOMAIN_JOSE_BASE64URL_H_
