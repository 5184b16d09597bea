// Ed25519 (RFC 8032 PureEdDSA) over OpenSSL: keys as raw 32-byte seeds and
// public keys, signatures as 64 bytes. Signs the transparency log's
// checkpoints (C2SP signed notes read by existing checkpoint tooling).
//
//   ASSIGN_OR_RETURN(EvpPkeyPtr key, Ed25519KeyFromSeed(seed));
//   ASSIGN_OR_RETURN(std::string signature, Ed25519Sign(*key, message));
//   bool good = Ed25519Verify(public_key, message, signature);
#ifndef CREDITBANK_DOMAIN_CRYPTO_ED25519_H_
#define CREDITBANK_DOMAIN_CRYPTO_ED25519_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "domain/crypto/ec_p256.h"  // EvpPkeyPtr

namespace creditbank::domain {

inline constexpr size_t kEd25519SeedBytes = 32;
inline constexpr size_t kEd25519PublicKeyBytes = 32;
inline constexpr size_t kEd25519SignatureBytes = 64;

// A fresh random key pair.
absl::StatusOr<EvpPkeyPtr> GenerateEd25519Key();
// The key pair of a 32-byte seed (the form the key file keeps).
absl::StatusOr<EvpPkeyPtr> Ed25519KeyFromSeed(absl::string_view seed);
absl::StatusOr<std::string> Ed25519Seed(const EVP_PKEY& key);
absl::StatusOr<std::string> Ed25519PublicKey(const EVP_PKEY& key);

// Signs `message` itself (no pre-hash); 64 bytes.
absl::StatusOr<std::string> Ed25519Sign(const EVP_PKEY& key, absl::string_view message);
// True when `signature` (64 bytes) verifies over `message` under the raw
// 32-byte `public_key`; false for any malformed input.
bool Ed25519Verify(absl::string_view public_key, absl::string_view message,
                   absl::string_view signature);

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_CRYPTO_ED25519_H_
