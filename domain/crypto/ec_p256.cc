#include "domain/crypto/ec_p256.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "domain/crypto/primitives.h"

namespace creditbank::domain {
namespace {

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
struct MdContextDeleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};
using MdContextPtr = std::unique_ptr<EVP_MD_CTX, MdContextDeleter>;
struct PkeyContextDeleter {
  void operator()(EVP_PKEY_CTX* context) const { EVP_PKEY_CTX_free(context); }
};
using PkeyContextPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyContextDeleter>;
struct EcdsaSigDeleter {
  void operator()(ECDSA_SIG* signature) const { ECDSA_SIG_free(signature); }
};
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, EcdsaSigDeleter>;
struct OpensslBytesDeleter {
  void operator()(unsigned char* bytes) const { OPENSSL_free(bytes); }
};
using OpensslBytesPtr = std::unique_ptr<unsigned char, OpensslBytesDeleter>;

const unsigned char* Bytes(absl::string_view data) {
  return reinterpret_cast<const unsigned char*>(data.data());
}

// OpenSSL's EVP_DigestSign/VerifyInit take a non-const EVP_PKEY only
// because they may cache provider data in it, under the key's own lock;
// the key itself is not changed, so const callers may share it.
EVP_PKEY* Mutable(const EVP_PKEY& key) { return const_cast<EVP_PKEY*>(&key); }

// A failed OpenSSL call leaves errors in this thread's queue; drop them so
// they are not blamed on a later, unrelated call.
template <typename T>
T Failed(T result) {
  ERR_clear_error();
  return result;
}

// A PEM password callback that refuses: the default one would prompt on
// the terminal, which a server must never do.
int NoPassphrase(char* /*buffer*/, int /*size*/, int /*writing*/, void* /*user*/) { return -1; }

bool IsP256(const EVP_PKEY& key) {
  if (EVP_PKEY_get_base_id(&key) != EVP_PKEY_EC) return false;
  char name[64] = {};
  size_t length = 0;
  if (EVP_PKEY_get_group_name(&key, name, sizeof(name), &length) != 1) return false;
  int nid = OBJ_txt2nid(name);
  if (nid == NID_undef) nid = EC_curve_nist2nid(name);
  return nid == NID_X9_62_prime256v1;
}

// The parsed key when it is P-256 and passes OpenSSL's consistency check
// (`full`: the private scalar matches the public point; else the public
// point is on the curve).
absl::StatusOr<EvpPkeyPtr> CheckedP256(EVP_PKEY* parsed, bool full, absl::string_view what) {
  EvpPkeyPtr key(parsed);
  if (key == nullptr) {
    return Failed(absl::InvalidArgumentError(absl::StrCat(what, " is not a PEM key")));
  }
  if (!IsP256(*key)) {
    return Failed(absl::InvalidArgumentError(absl::StrCat(what, " is not an EC P-256 key")));
  }
  PkeyContextPtr context(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (context == nullptr ||
      (full ? EVP_PKEY_check(context.get()) : EVP_PKEY_public_check(context.get())) != 1) {
    return Failed(absl::InvalidArgumentError(absl::StrCat(what, " fails its consistency check")));
  }
  // OpenSSL's decoders may queue errors from the formats they tried first.
  ERR_clear_error();
  return key;
}

absl::StatusOr<BioPtr> ReadBio(absl::string_view pem, absl::string_view what) {
  if (pem.size() > kMaxEcP256PemBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " is longer than ", kMaxEcP256PemBytes, " bytes"));
  }
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) return Failed(absl::InternalError("OpenSSL BIO_new_mem_buf failed"));
  return bio;
}

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  return length > 0 ? std::string(data, static_cast<size_t>(length)) : std::string();
}

}  // namespace

void EvpPkeyDeleter::operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }

absl::StatusOr<EvpPkeyPtr> GenerateEcP256Key() {
  EvpPkeyPtr key(EVP_EC_gen(SN_X9_62_prime256v1));
  if (key == nullptr) return Failed(absl::InternalError("OpenSSL could not generate a P-256 key"));
  return key;
}

absl::StatusOr<EvpPkeyPtr> ParseEcP256PrivateKeyPem(absl::string_view pem) {
  ASSIGN_OR_RETURN(BioPtr bio, ReadBio(pem, "private key"));
  return CheckedP256(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr),
                     /*full=*/true, "private key");
}

absl::StatusOr<EvpPkeyPtr> ParseEcP256PublicKeyPem(absl::string_view pem) {
  ASSIGN_OR_RETURN(BioPtr bio, ReadBio(pem, "public key"));
  return CheckedP256(PEM_read_bio_PUBKEY(bio.get(), nullptr, NoPassphrase, nullptr),
                     /*full=*/false, "public key");
}

absl::StatusOr<std::string> EcP256PrivateKeyPem(const EVP_PKEY& key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_PKCS8PrivateKey(bio.get(), &key, nullptr, nullptr, 0,
                                                      nullptr, nullptr) != 1) {
    return Failed(absl::InternalError("OpenSSL could not write the private key as PKCS#8"));
  }
  return BioContents(bio.get());
}

absl::StatusOr<std::string> EcP256PublicKeyPem(const EVP_PKEY& key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_PUBKEY(bio.get(), &key) != 1) {
    return Failed(absl::InternalError("OpenSSL could not write the public key"));
  }
  return BioContents(bio.get());
}

absl::StatusOr<std::string> EcP256KeyId(const EVP_PKEY& key) {
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(&key, &der);
  OpensslBytesPtr owned(der);
  if (length <= 0) return Failed(absl::InternalError("OpenSSL could not encode the public key"));
  const std::string digest =
      Sha256(absl::string_view(reinterpret_cast<const char*>(der), static_cast<size_t>(length)));
  return HexEncode(digest).substr(0, kEcP256KeyIdHexChars);
}

absl::StatusOr<std::string> Es256Sign(const EVP_PKEY& key, absl::string_view data) {
  MdContextPtr context(EVP_MD_CTX_new());
  size_t der_length = 0;
  if (context == nullptr ||
      EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, Mutable(key)) != 1 ||
      EVP_DigestSign(context.get(), nullptr, &der_length, Bytes(data), data.size()) != 1) {
    return Failed(absl::InternalError("OpenSSL could not start an ES256 signature"));
  }
  // OpenSSL signs in DER (SEQUENCE of two INTEGERs); JWS wants R||S.
  std::string der(der_length, '\0');
  if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(der.data()), &der_length,
                     Bytes(data), data.size()) != 1) {
    return Failed(absl::InternalError("OpenSSL could not make an ES256 signature"));
  }
  const unsigned char* cursor = Bytes(der);
  EcdsaSigPtr signature(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der_length)));
  if (signature == nullptr) return Failed(absl::InternalError("OpenSSL signature is not DER"));
  std::string raw(kEs256SignatureBytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  if (BN_bn2binpad(ECDSA_SIG_get0_r(signature.get()), out, kEs256ScalarBytes) !=
          static_cast<int>(kEs256ScalarBytes) ||
      BN_bn2binpad(ECDSA_SIG_get0_s(signature.get()), out + kEs256ScalarBytes,
                   kEs256ScalarBytes) != static_cast<int>(kEs256ScalarBytes)) {
    return Failed(absl::InternalError("ES256 signature scalar does not fit 32 bytes"));
  }
  return raw;
}

bool Es256Verify(const EVP_PKEY& key, absl::string_view data, absl::string_view signature) {
  if (signature.size() != kEs256SignatureBytes) return false;
  // R||S back to the DER form OpenSSL verifies. OpenSSL itself refuses R
  // or S of zero or not below the group order.
  EcdsaSigPtr parsed(ECDSA_SIG_new());
  if (parsed == nullptr) return Failed(false);
  BIGNUM* r = BN_bin2bn(Bytes(signature), kEs256ScalarBytes, nullptr);
  BIGNUM* s = BN_bin2bn(Bytes(signature) + kEs256ScalarBytes, kEs256ScalarBytes, nullptr);
  if (r == nullptr || s == nullptr || ECDSA_SIG_set0(parsed.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return Failed(false);
  }
  unsigned char* der = nullptr;
  const int der_length = i2d_ECDSA_SIG(parsed.get(), &der);
  OpensslBytesPtr owned(der);
  MdContextPtr context(EVP_MD_CTX_new());
  if (der_length <= 0 || context == nullptr ||
      EVP_DigestVerifyInit(context.get(), nullptr, EVP_sha256(), nullptr, Mutable(key)) != 1 ||
      EVP_DigestVerify(context.get(), der, static_cast<size_t>(der_length), Bytes(data),
                       data.size()) != 1) {
    return Failed(false);
  }
  return true;
}

}  // namespace creditbank::domain
