#include "domain/crypto/primitives.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <memory>

#include "absl/strings/escaping.h"

namespace creditbank::domain {
namespace {

struct CipherContextDeleter {
  void operator()(EVP_CIPHER_CTX* context) const { EVP_CIPHER_CTX_free(context); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextDeleter>;

const unsigned char* Bytes(absl::string_view data) {
  return reinterpret_cast<const unsigned char*>(data.data());
}
unsigned char* Bytes(std::string& data) {
  return reinterpret_cast<unsigned char*>(data.data());
}

}  // namespace

// Fetched once: OpenSSL 3 looks an algorithm up by name (under a lock) on
// every one-shot call otherwise, which costs more than hashing the few
// dozen bytes of a Merkle node.
static const EVP_MD* Sha256Algorithm() {
  static EVP_MD* const algorithm = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return algorithm;
}

std::string Sha256(absl::string_view data) {
  std::string digest(kSha256Bytes, '\0');
  unsigned int length = 0;
  if (Sha256Algorithm() == nullptr ||
      EVP_Digest(data.data(), data.size(), Bytes(digest), &length, Sha256Algorithm(), nullptr) !=
          1) {
    SHA256(Bytes(data), data.size(), Bytes(digest));  // the slower path never fails
  }
  return digest;
}

void Sha256Of(std::initializer_list<absl::string_view> parts,
              unsigned char (&digest)[kSha256Bytes]) {
  // One context per thread, set up again for each hash (EVP_DigestInit_ex
  // with the same algorithm only resets it): no allocation per hash.
  struct MdContextDeleter {
    void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
  };
  thread_local const std::unique_ptr<EVP_MD_CTX, MdContextDeleter> context(EVP_MD_CTX_new());
  bool hashed = context != nullptr && Sha256Algorithm() != nullptr &&
                EVP_DigestInit_ex(context.get(), Sha256Algorithm(), nullptr) == 1;
  for (const absl::string_view part : parts) {
    hashed = hashed && EVP_DigestUpdate(context.get(), part.data(), part.size()) == 1;
  }
  unsigned int length = 0;
  if (hashed && EVP_DigestFinal_ex(context.get(), digest, &length) == 1 &&
      length == kSha256Bytes) {
    return;
  }
  // The slower path never fails.
  std::string input;
  for (const absl::string_view part : parts) input.append(part.data(), part.size());
  SHA256(Bytes(input), input.size(), digest);
}

std::string HmacSha256(absl::string_view key, absl::string_view data) {
  std::string mac(kSha256Bytes, '\0');
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), Bytes(data), data.size(),
       Bytes(mac), &length);
  return mac;
}

absl::StatusOr<std::string> RandomBytes(size_t count) {
  std::string bytes(count, '\0');
  if (RAND_bytes(Bytes(bytes), static_cast<int>(count)) != 1) {
    return absl::InternalError("OpenSSL RAND_bytes failed");
  }
  return bytes;
}

absl::StatusOr<SealedBytes> Aes256GcmSeal(absl::string_view key, absl::string_view plaintext,
                                          absl::string_view aad) {
  if (key.size() != kAes256KeyBytes) return absl::InternalError("AES-256 key must be 32 bytes");
  absl::StatusOr<std::string> nonce = RandomBytes(kGcmNonceBytes);
  if (!nonce.ok()) return nonce.status();
  CipherContext context(EVP_CIPHER_CTX_new());
  std::string out(plaintext.size() + kGcmTagBytes, '\0');
  int length = 0;
  int final_length = 0;
  if (context == nullptr ||
      EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, Bytes(key),
                         Bytes(*nonce)) != 1 ||
      EVP_EncryptUpdate(context.get(), nullptr, &length, Bytes(aad),
                        static_cast<int>(aad.size())) != 1 ||
      EVP_EncryptUpdate(context.get(), Bytes(out), &length, Bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(context.get(), Bytes(out) + length, &final_length) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, kGcmTagBytes,
                          Bytes(out) + plaintext.size()) != 1) {
    return absl::InternalError("AES-256-GCM encryption failed");
  }
  return SealedBytes{*std::move(nonce), std::move(out)};
}

absl::StatusOr<std::string> Aes256GcmOpen(absl::string_view key, const SealedBytes& sealed,
                                          absl::string_view aad) {
  if (key.size() != kAes256KeyBytes) return absl::InternalError("AES-256 key must be 32 bytes");
  if (sealed.nonce.size() != kGcmNonceBytes || sealed.ciphertext.size() < kGcmTagBytes) {
    return absl::DataLossError("sealed data is truncated");
  }
  const size_t text_size = sealed.ciphertext.size() - kGcmTagBytes;
  std::string tag = sealed.ciphertext.substr(text_size);
  std::string plain(text_size, '\0');
  CipherContext context(EVP_CIPHER_CTX_new());
  int length = 0;
  int final_length = 0;
  if (context == nullptr ||
      EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, Bytes(key),
                         Bytes(sealed.nonce)) != 1 ||
      EVP_DecryptUpdate(context.get(), nullptr, &length, Bytes(aad),
                        static_cast<int>(aad.size())) != 1 ||
      EVP_DecryptUpdate(context.get(), Bytes(plain), &length, Bytes(sealed.ciphertext),
                        static_cast<int>(text_size)) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, kGcmTagBytes,
                          Bytes(tag)) != 1 ||
      EVP_DecryptFinal_ex(context.get(), Bytes(plain) + length, &final_length) != 1) {
    return absl::DataLossError("encrypted personal data failed authentication");
  }
  return plain;
}

std::string HexEncode(absl::string_view bytes) { return absl::BytesToHexString(bytes); }

}  // namespace creditbank::domain
