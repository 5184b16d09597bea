#include "domain/page_token.h"

#include "absl/strings/escaping.h"
#include "domain/crypto/primitives.h"
#include "domain/errors.h"

namespace creditbank::domain {
namespace {

constexpr char kTokenVersion = 1;
constexpr size_t kFingerprintBytes = 8;
constexpr size_t kMaxTokenLength = 512;

std::string Fingerprint(absl::string_view filters) {
  return Sha256(filters).substr(0, kFingerprintBytes);
}

}  // namespace

std::string EncodePageToken(absl::string_view last_key, absl::string_view filters) {
  std::string raw;
  raw.push_back(kTokenVersion);
  raw += Fingerprint(filters);
  raw.append(last_key.data(), last_key.size());
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token, absl::string_view filters,
                                            absl::string_view field) {
  if (token.empty()) return std::string();
  std::string raw;
  if (token.size() > kMaxTokenLength || !absl::WebSafeBase64Unescape(token, &raw) ||
      raw.size() < 1 + kFingerprintBytes || raw[0] != kTokenVersion) {
    return InvalidField(field, "is not a page token issued by this server");
  }
  if (raw.substr(1, kFingerprintBytes) != Fingerprint(filters)) {
    return InvalidField(field, "was issued for a request with other filters");
  }
  return raw.substr(1 + kFingerprintBytes);
}

}  // namespace creditbank::domain
