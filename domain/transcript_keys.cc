#include "domain/transcript_keys.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/ascii.h"
#include "common/status_macros.h"
#include "domain/crypto/ed25519.h"
#include "domain/crypto/primitives.h"
#include "domain/transcripts/transcript_verifier.h"
#include "domain/validation/dates.h"

namespace creditbank::domain {
namespace {

constexpr absl::string_view kSealLabel = "creditbank transcript key ";
constexpr size_t kKeyIdRandomBytes = 4;
constexpr uint32_t kStoredEs256 = 1;
constexpr uint32_t kStoredEdDsa = 2;

// Everything the record says about the key, so that a changed algorithm,
// creation or retirement time (say, a retired key made current again) does
// not open.
std::string SealAad(absl::string_view kid, uint32_t algorithm,
                    const google::protobuf::Timestamp& created_at,
                    const google::protobuf::Timestamp* retired_at) {
  return absl::StrCat(kSealLabel, kid, "\n", algorithm, "\n", created_at.seconds(), ".",
                      created_at.nanos(), "\n",
                      retired_at == nullptr
                          ? std::string("current")
                          : absl::StrCat(retired_at->seconds(), ".", retired_at->nanos()));
}

std::string SealAad(const storage::v1::TranscriptKeyRecord& record) {
  return SealAad(record.kid(), record.algorithm(), record.created_at(),
                 record.has_retired_at() ? &record.retired_at() : nullptr);
}

absl::StatusOr<std::string> PrivateKeyBytes(const SigningKey& key) {
  if (key.algorithm == jose::JwsAlgorithm::kEs256) return EcP256PrivateKeyPem(*key.private_key);
  return Ed25519Seed(*key.private_key);
}

}  // namespace

absl::StatusOr<SigningKey> GenerateSigningKey(jose::JwsAlgorithm algorithm, absl::Time now) {
  SigningKey key;
  key.algorithm = algorithm;
  key.created_at = now;
  if (algorithm == jose::JwsAlgorithm::kEs256) {
    ASSIGN_OR_RETURN(key.private_key, GenerateEcP256Key());
  } else {
    ASSIGN_OR_RETURN(key.private_key, GenerateEd25519Key());
  }
  ASSIGN_OR_RETURN(const std::string random, RandomBytes(kKeyIdRandomBytes));
  key.kid = absl::StrCat(absl::AsciiStrToLower(jose::JwsAlgorithmName(algorithm)), "-",
                         absl::FormatTime("%Y%m%d", now, absl::UTCTimeZone()), "-",
                         HexEncode(random));
  return key;
}

absl::StatusOr<storage::v1::TranscriptKeyRecord> SealSigningKey(const SigningKey& key,
                                                                absl::string_view kek) {
  if (kek.size() != kAes256KeyBytes) {
    return absl::InvalidArgumentError("the transcript key-encryption key must be 32 bytes");
  }
  ASSIGN_OR_RETURN(const std::string private_bytes, PrivateKeyBytes(key));
  storage::v1::TranscriptKeyRecord record;
  record.set_kid(key.kid);
  record.set_algorithm(key.algorithm == jose::JwsAlgorithm::kEs256 ? kStoredEs256 : kStoredEdDsa);
  *record.mutable_created_at() = ToTimestamp(key.created_at);
  if (key.retired_at.has_value()) *record.mutable_retired_at() = ToTimestamp(*key.retired_at);
  ASSIGN_OR_RETURN(SealedBytes sealed, Aes256GcmSeal(kek, private_bytes, SealAad(record)));
  record.mutable_sealed_private_key()->set_nonce(std::move(sealed.nonce));
  record.mutable_sealed_private_key()->set_ciphertext(std::move(sealed.ciphertext));
  return record;
}

absl::StatusOr<SigningKey> UnsealSigningKey(const storage::v1::TranscriptKeyRecord& record,
                                            absl::string_view kek) {
  if (kek.size() != kAes256KeyBytes) {
    return absl::InvalidArgumentError("the transcript key-encryption key must be 32 bytes");
  }
  SigningKey key;
  key.kid = record.kid();
  if (record.algorithm() == kStoredEs256) {
    key.algorithm = jose::JwsAlgorithm::kEs256;
  } else if (record.algorithm() == kStoredEdDsa) {
    key.algorithm = jose::JwsAlgorithm::kEdDsa;
  } else {
    return absl::DataLossError("a stored transcript key has an unknown algorithm");
  }
  const SealedBytes sealed{record.sealed_private_key().nonce(),
                           record.sealed_private_key().ciphertext()};
  absl::StatusOr<std::string> private_bytes = Aes256GcmOpen(kek, sealed, SealAad(record));
  if (!private_bytes.ok()) {
    return absl::DataLossError(
        "a stored transcript key does not open with this key file's "
        "transcript_key_encryption_key (wrong key file, or damaged data)");
  }
  if (key.algorithm == jose::JwsAlgorithm::kEs256) {
    ASSIGN_OR_RETURN(key.private_key, ParseEcP256PrivateKeyPem(*private_bytes));
  } else {
    ASSIGN_OR_RETURN(key.private_key, Ed25519KeyFromSeed(*private_bytes));
  }
  key.created_at = FromTimestamp(record.created_at());
  if (record.has_retired_at()) key.retired_at = FromTimestamp(record.retired_at());
  return key;
}

absl::StatusOr<std::string> PublishedJwks(const std::vector<const SigningKey*>& keys,
                                          absl::string_view log_key) {
  std::vector<jose::PublicJwk> published;
  for (const SigningKey* key : keys) {
    ASSIGN_OR_RETURN(jose::PublicJwk jwk,
                     jose::PublicJwkFromPrivateKey(*key->private_key, key->algorithm, key->kid));
    if (key->retired_at.has_value()) {
      jwk.retired_at_unix_seconds = absl::ToUnixSeconds(*key->retired_at);
    }
    published.push_back(std::move(jwk));
  }
  ASSIGN_OR_RETURN(nlohmann::json jwks, jose::JwksToJson(published));
  if (!log_key.empty()) jwks[transcripts::kJwksLogKeyMember] = std::string(log_key);
  return jwks.dump();
}

}  // namespace creditbank::domain
