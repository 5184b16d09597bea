// KeyRing: the server's secrets, kept in one key file outside the data
// directory: the HMAC secret that finds identities, the AES-256-GCM keys
// that seal personal details (several, so keys can rotate while old data
// stays readable), and the EC P-256 key that signs learner tokens.
//
// The file is JSON, mode 0600, created on first start when missing:
//   {"format": "creditbank-keys-v1",
//    "identity_hmac_secret": "<base64, 32 bytes>",
//    "pii_keys": [{"id": 1, "key": "<base64, 32 bytes>"}],
//    "active_pii_key_id": 1,
//    "token_signing_key": "-----BEGIN PRIVATE KEY-----\n...",  (PKCS#8 PEM)
//    "token_signing_key_id": "3f9c0a8e51b2d477",
//    "log_signing_key": "<base64, 32-byte Ed25519 seed>",
//    "transcript_key_encryption_key": "<base64, 32 bytes>"}
// The server refuses a key file that group or others may read or write.
// A file written before learner tokens or the transparency log existed (no
// token_signing_key, no log_signing_key) is still "creditbank-keys-v1": the
// first load adds the missing signing keys and rewrites the file
// atomically, keeping every other field.
//
//   ASSIGN_OR_RETURN(KeyRing keys, LoadOrCreateKeyRing("/etc/creditbank/creditbank.keys"));
//   ASSIGN_OR_RETURN(LearnerTokenSigner signer,
//                    LearnerTokenSigner::Create(keys.token_signing_key_pem,
//                                               keys.token_signing_key_id));
#ifndef CREDITBANK_DOMAIN_CRYPTO_KEY_RING_H_
#define CREDITBANK_DOMAIN_CRYPTO_KEY_RING_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace creditbank::domain {

// A token key id ("kid") travels in every token header: short, and from an
// alphabet that needs no escaping anywhere (base64url's).
inline constexpr size_t kMaxTokenKeyIdLength = 64;

// True when `key_id` is 1 to kMaxTokenKeyIdLength characters of
// [A-Za-z0-9_-].
bool IsWellFormedTokenKeyId(absl::string_view key_id);

struct KeyRing {
  std::string identity_hmac_secret;         // 32 bytes
  std::map<uint32_t, std::string> pii_keys;  // id -> 32-byte AES key
  uint32_t active_pii_key_id = 0;
  // Signs learner tokens: an EC P-256 private key as PKCS#8 PEM, and its
  // key id (by default the first 16 hex characters of the SHA-256 of the
  // DER public key). Both empty only from ParseKeyRing of a file that
  // predates learner tokens; LoadOrCreateKeyRing always fills them.
  std::string token_signing_key_pem;
  std::string token_signing_key_id;
  // Signs the transparency log's checkpoints: an Ed25519 seed (32 bytes).
  // Empty only from ParseKeyRing of a file that predates the log.
  std::string log_signing_seed;
  // Seals the transcript signing keys, which live in the transcripts
  // service's store (AES-256-GCM, 32 bytes): a copy of the database alone
  // cannot sign. Empty only from ParseKeyRing of a file that predates it.
  std::string transcript_key_encryption_key;

  const std::string& active_pii_key() const { return pii_keys.at(active_pii_key_id); }
};

// Reads the key file, or creates it (mode 0600, fresh random keys) when it
// does not exist; adds the signing keys a file from an older build lacks.
// FAILED_PRECONDITION when its permissions are too open or it is not a
// regular file; UNAVAILABLE when it cannot be read, created or rewritten
// (an I/O error); DATA_LOSS when its contents are malformed. Messages name
// the file and the field, never a key.
absl::StatusOr<KeyRing> LoadOrCreateKeyRing(const std::string& path);

// Most PII keys a key file holds (a rotation a year for decades).
inline constexpr size_t kMaxPiiKeys = 64;

// Adds a fresh AES-256 PII key to the key file and makes it the active one;
// the older keys stay, so data they sealed stays readable. Run with the
// server stopped (it reads the key file at start). Returns the new key id.
// The same errors as LoadOrCreateKeyRing; FAILED_PRECONDITION past
// kMaxPiiKeys.
absl::StatusOr<uint32_t> RotatePiiKey(const std::string& path);

// Parses key file contents (exposed for tests). A file without a token
// or log signing key parses, with those fields empty.
absl::StatusOr<KeyRing> ParseKeyRing(const std::string& json);

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_CRYPTO_KEY_RING_H_
