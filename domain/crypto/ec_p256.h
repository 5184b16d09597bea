// EC P-256 keys and ES256 signatures (RFC 7518 §3.4: ECDSA over P-256 with
// SHA-256, the signature as the raw 64 bytes R||S rather than DER), over
// OpenSSL. The key file keeps the learner-token signing key as PKCS#8 PEM;
// verifiers in other processes get the public key as SubjectPublicKeyInfo
// PEM.
//
//   ASSIGN_OR_RETURN(EvpPkeyPtr key, ParseEcP256PrivateKeyPem(ring.token_signing_key_pem));
//   ASSIGN_OR_RETURN(std::string signature, Es256Sign(*key, signing_input));  // 64 bytes
//   bool good = Es256Verify(*key, signing_input, signature);
//
// An EVP_PKEY is safe to use from several threads at once as long as nobody
// changes it (openssl-threads(7)); these functions only read it.
#ifndef CREDITBANK_DOMAIN_CRYPTO_EC_P256_H_
#define CREDITBANK_DOMAIN_CRYPTO_EC_P256_H_

#include <openssl/types.h>

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace creditbank::domain {

// ES256 signatures are R and S, each a 32-byte big-endian integer.
inline constexpr size_t kEs256ScalarBytes = 32;
inline constexpr size_t kEs256SignatureBytes = 2 * kEs256ScalarBytes;
// A key id is this many hex characters of SHA-256(DER public key): 64 bits,
// enough to tell a handful of rotated keys apart, short enough for a header.
inline constexpr size_t kEcP256KeyIdHexChars = 16;
// A PEM key of P-256 is about 250 bytes; anything much larger is not one,
// and is refused before OpenSSL parses it.
inline constexpr size_t kMaxEcP256PemBytes = 4096;

struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* key) const;
};
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyDeleter>;

// A fresh random P-256 key pair.
absl::StatusOr<EvpPkeyPtr> GenerateEcP256Key();

// A P-256 private key from PEM (PKCS#8, or OpenSSL's traditional "EC PRIVATE
// KEY"); never asks for a passphrase, so an encrypted key is refused.
// INVALID_ARGUMENT, without quoting the PEM, when it is not one.
absl::StatusOr<EvpPkeyPtr> ParseEcP256PrivateKeyPem(absl::string_view pem);
// A P-256 public key from SubjectPublicKeyInfo PEM ("PUBLIC KEY").
absl::StatusOr<EvpPkeyPtr> ParseEcP256PublicKeyPem(absl::string_view pem);

// The private key as unencrypted PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----").
absl::StatusOr<std::string> EcP256PrivateKeyPem(const EVP_PKEY& key);
// The public half as SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----").
absl::StatusOr<std::string> EcP256PublicKeyPem(const EVP_PKEY& key);
// The first kEcP256KeyIdHexChars hex characters of the SHA-256 of the DER
// SubjectPublicKeyInfo: the same for the private key and its public half.
absl::StatusOr<std::string> EcP256KeyId(const EVP_PKEY& key);

// Signs SHA-256(data) with a private key; returns R||S (64 bytes).
absl::StatusOr<std::string> Es256Sign(const EVP_PKEY& key, absl::string_view data);
// True when `signature` is 64 bytes R||S and verifies over `data`.
bool Es256Verify(const EVP_PKEY& key, absl::string_view data, absl::string_view signature);

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_CRYPTO_EC_P256_H_
