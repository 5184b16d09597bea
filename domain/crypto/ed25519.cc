#include "domain/crypto/ed25519.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "openssl/evp.h"

namespace creditbank::domain {
namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

const unsigned char* Bytes(absl::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

}  // namespace

absl::StatusOr<EvpPkeyPtr> GenerateEd25519Key() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (key == nullptr) return absl::InternalError("OpenSSL could not generate an Ed25519 key");
  return EvpPkeyPtr(key);
}

absl::StatusOr<EvpPkeyPtr> Ed25519KeyFromSeed(absl::string_view seed) {
  if (seed.size() != kEd25519SeedBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("an Ed25519 seed has ", kEd25519SeedBytes, " bytes, not ", seed.size()));
  }
  EVP_PKEY* key =
      EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, Bytes(seed), seed.size());
  if (key == nullptr) return absl::InvalidArgumentError("not an Ed25519 seed");
  return EvpPkeyPtr(key);
}

absl::StatusOr<std::string> Ed25519Seed(const EVP_PKEY& key) {
  std::string seed(kEd25519SeedBytes, '\0');
  size_t length = seed.size();
  if (EVP_PKEY_get_raw_private_key(&key, reinterpret_cast<unsigned char*>(seed.data()),
                                   &length) != 1 ||
      length != kEd25519SeedBytes) {
    return absl::InvalidArgumentError("not an Ed25519 private key");
  }
  return seed;
}

absl::StatusOr<std::string> Ed25519PublicKey(const EVP_PKEY& key) {
  std::string public_key(kEd25519PublicKeyBytes, '\0');
  size_t length = public_key.size();
  if (EVP_PKEY_get_raw_public_key(&key, reinterpret_cast<unsigned char*>(public_key.data()),
                                  &length) != 1 ||
      length != kEd25519PublicKeyBytes) {
    return absl::InvalidArgumentError("not an Ed25519 key");
  }
  return public_key;
}

absl::StatusOr<std::string> Ed25519Sign(const EVP_PKEY& key, absl::string_view message) {
  MdCtxPtr context(EVP_MD_CTX_new());
  std::string signature(kEd25519SignatureBytes, '\0');
  size_t length = signature.size();
  // PureEdDSA: no digest, one shot (EVP_DigestSignUpdate is not supported).
  if (context == nullptr ||
      EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr,
                         const_cast<EVP_PKEY*>(&key)) != 1 ||
      EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     Bytes(message), message.size()) != 1 ||
      length != kEd25519SignatureBytes) {
    return absl::InternalError("OpenSSL could not sign with the Ed25519 key");
  }
  return signature;
}

bool Ed25519Verify(absl::string_view public_key, absl::string_view message,
                   absl::string_view signature) {
  if (public_key.size() != kEd25519PublicKeyBytes ||
      signature.size() != kEd25519SignatureBytes) {
    return false;
  }
  EvpPkeyPtr key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, Bytes(public_key),
                                             public_key.size()));
  MdCtxPtr context(EVP_MD_CTX_new());
  return key != nullptr && context != nullptr &&
         EVP_DigestVerifyInit(context.get(), nullptr, nullptr, nullptr, key.get()) == 1 &&
         EVP_DigestVerify(context.get(), Bytes(signature), signature.size(), Bytes(message),
                          message.size()) == 1;
}

}  // namespace creditbank::domain
