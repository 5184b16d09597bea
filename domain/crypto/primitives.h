// Thin wrappers over OpenSSL: SHA-256, HMAC-SHA-256, random bytes and
// AES-256-GCM. Keys and outputs are byte strings.
//
//   std::string mac = HmacSha256(secret, "cn-resident-id:...");  // 32 bytes
//   ASSIGN_OR_RETURN(SealedBytes sealed, Aes256GcmSeal(key, plain, aad));
//   ASSIGN_OR_RETURN(std::string plain, Aes256GcmOpen(key, sealed, aad));
#ifndef CREDITBANK_DOMAIN_CRYPTO_PRIMITIVES_H_
#define CREDITBANK_DOMAIN_CRYPTO_PRIMITIVES_H_

#include <cstddef>
#include <initializer_list>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"

namespace creditbank::domain {

inline constexpr size_t kSha256Bytes = 32;
inline constexpr size_t kAes256KeyBytes = 32;
inline constexpr size_t kGcmNonceBytes = 12;
inline constexpr size_t kGcmTagBytes = 16;
inline constexpr size_t kHmacSecretBytes = 32;

std::string Sha256(absl::string_view data);
// SHA-256 of `parts` one after the other, written to `digest`: for the many
// small hashes of a Merkle proof, which the concatenation and a fresh
// OpenSSL context per hash would cost more than hashing.
void Sha256Of(std::initializer_list<absl::string_view> parts,
              unsigned char (&digest)[kSha256Bytes]);
std::string HmacSha256(absl::string_view key, absl::string_view data);

// Cryptographically secure random bytes (OpenSSL's DRBG).
absl::StatusOr<std::string> RandomBytes(size_t count);

struct SealedBytes {
  std::string nonce;       // kGcmNonceBytes
  std::string ciphertext;  // ciphertext || tag
};

// Encrypts with a fresh random nonce; `aad` is authenticated, not stored.
absl::StatusOr<SealedBytes> Aes256GcmSeal(absl::string_view key, absl::string_view plaintext,
                                          absl::string_view aad);
// DATA_LOSS when the ciphertext, nonce, tag or aad do not authenticate.
absl::StatusOr<std::string> Aes256GcmOpen(absl::string_view key, const SealedBytes& sealed,
                                          absl::string_view aad);

std::string HexEncode(absl::string_view bytes);

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_CRYPTO_PRIMITIVES_H_
