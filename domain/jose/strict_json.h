// Strict parsing of the JSON objects JOSE carries (JWS headers, JWKs, JWK
// Sets, signed payloads), which come from outside: a JSON object per RFC
// 8259, with no member name repeated in any object at any level, no raw NUL
// byte, and no more than `max_depth` nested objects and arrays. Never throws;
// anything else is nullopt, with no reason, because callers report their own
// ("header is not a JSON object") and must not quote the input.
//
//   std::optional<nlohmann::json> header = ParseStrictJsonObject(decoded_header);
//   if (!header.has_value()) return absl::InvalidArgumentError("header is not a JSON object");
//
// Why refuse duplicates: RFC 7515 §5.2 and RFC 7517 §4 let a reader refuse
// them, and two readers that keep different copies of a repeated "alg" or
// "kid" would disagree about one signed document.
#ifndef CREDITBANK_DOMAIN_JOSE_STRICT_JSON_H_
#define CREDITBANK_DOMAIN_JOSE_STRICT_JSON_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace creditbank::domain::jose {

// Objects and arrays nested this deep and no deeper (the outer object is
// depth 1). A credential or key set is a few levels deep; the limit bounds
// the work and memory an adversarial "[[[[..." can cost.
inline constexpr size_t kMaxJsonDepth = 32;

// The object `text` holds, or nullopt when `text` is not exactly one JSON
// object (surrounding whitespace aside) meeting the rules above.
std::optional<nlohmann::json> ParseStrictJsonObject(absl::string_view text,
                                                    size_t max_depth = kMaxJsonDepth);

// `json` exactly as nlohmann's json.dump() writes it — compact, members in
// name order, UTF-8 as it is, '"', '\\' and control characters escaped as
// dump() escapes them — or nullopt where dump() would throw (a string that
// is not valid UTF-8) or write what is no JSON (a binary or discarded
// value). Written for the signer of transcripts: dump() looks at every
// byte of every string through a UTF-8 decoder and a switch, and a
// transcript is tens of kilobytes of strings that are mostly plain ASCII,
// which this copies a run at a time. Same bytes, so signatures over either
// are over the same payload.
std::optional<std::string> DumpJson(const nlohmann::json& json);

}  // namespace creditbank::domain::jose

#endif  // CREDITBANK_DOMAIN_JOSE_STRICT_JSON_H_
