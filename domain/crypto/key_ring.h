// KeyRing: the server's secrets, kept in one key file outside the data
// directory: the HMAC secret that finds identities, and the AES-256-GCM
// keys that seal personal details (several, so keys can rotate while old
// data stays readable).
//
// The file is JSON, mode 0600, created on first start when missing:
//   {"format": "creditbank-keys-v1",
//    "identity_hmac_secret": "<base64, 32 bytes>",
//    "pii_keys": [{"id": 1, "key": "<base64, 32 bytes>"}],
//    "active_pii_key_id": 1}
// The server refuses a key file that group or others may read or write.
#ifndef CREDITBANK_DOMAIN_CRYPTO_KEY_RING_H_
#define CREDITBANK_DOMAIN_CRYPTO_KEY_RING_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"

namespace creditbank::domain {

struct KeyRing {
  std::string identity_hmac_secret;         // 32 bytes
  std::map<uint32_t, std::string> pii_keys;  // id -> 32-byte AES key
  uint32_t active_pii_key_id = 0;

  const std::string& active_pii_key() const { return pii_keys.at(active_pii_key_id); }
};

// Reads the key file, or creates it (mode 0600, fresh random keys) when it
// does not exist. FAILED_PRECONDITION when its permissions are too open or
// it is not a regular file; UNAVAILABLE when it cannot be read or created
// (an I/O error); DATA_LOSS when its contents are malformed.
absl::StatusOr<KeyRing> LoadOrCreateKeyRing(const std::string& path);

// Parses key file contents (exposed for tests).
absl::StatusOr<KeyRing> ParseKeyRing(const std::string& json);

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_CRYPTO_KEY_RING_H_
