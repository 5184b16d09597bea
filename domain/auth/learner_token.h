// Learner bearer tokens: short-lived JWTs (RFC 7519) that the bank issues
// for one learner account, signed ES256 (RFC 7518 §3.4: ECDSA P-256 with
// SHA-256, the signature as raw R||S in base64url). A token is
//   base64url({"alg":"ES256","kid":"<key id>","typ":"JWT"}) . base64url(
//   {"aud":"creditbank-learner","exp":..,"iat":..,"iss":"creditbank","jti":"<32 hex>",
//    "nbf":..,"sub":"<16-digit account number>"}) . base64url(R||S)
// with the times in whole Unix seconds and no base64 padding.
//
//   ASSIGN_OR_RETURN(LearnerTokenSigner signer,
//                    LearnerTokenSigner::Create(keys.token_signing_key_pem,
//                                               keys.token_signing_key_id));
//   ASSIGN_OR_RETURN(std::string token,
//                    signer.Issue("6212345678901232", kDefaultLearnerTokenLifetime, clock));
//   ASSIGN_OR_RETURN(LearnerTokenClaims claims, signer.verifier().Verify(token, clock));
//
//   // Another process, with the public key only (and a rotated-out one):
//   ASSIGN_OR_RETURN(LearnerTokenVerifier verifier,
//                    LearnerTokenVerifier::Create(public_pem, key_id));
//   RETURN_IF_ERROR(verifier.AddKey(previous_public_pem, previous_key_id));
//
// Verification accepts exactly what Issue produces, give or take the clock
// skew allowed below; every refusal is UNAUTHENTICATED with a short reason
// that never quotes the token or anything decoded from it.
#ifndef CREDITBANK_DOMAIN_AUTH_LEARNER_TOKEN_H_
#define CREDITBANK_DOMAIN_AUTH_LEARNER_TOKEN_H_

#include <cstddef>
#include <functional>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "domain/crypto/ec_p256.h"

namespace creditbank::domain {

// A learner token lives minutes: it cannot be revoked, so its lifetime is
// the window in which a leaked one is useful.
inline constexpr absl::Duration kDefaultLearnerTokenLifetime = absl::Minutes(15);
inline constexpr absl::Duration kMaxLearnerTokenLifetime = absl::Hours(1);
// JWT times are whole seconds, so a shorter lifetime cannot be expressed.
inline constexpr absl::Duration kMinLearnerTokenLifetime = absl::Seconds(1);
// Clocks of the issuing and the verifying host may disagree this much: a
// token is still taken this long after its exp, and this long before its
// nbf or iat. Small against the lifetime, large against NTP-kept clocks.
inline constexpr absl::Duration kLearnerTokenClockSkew = absl::Seconds(30);
// Our tokens are about 400 bytes; a longer input is refused unparsed.
inline constexpr size_t kMaxLearnerTokenBytes = 4096;
// The jti: 16 random bytes, in lower-case hex.
inline constexpr size_t kLearnerTokenIdBytes = 16;
// Verification keys one verifier holds: the current one and a few rotated
// out ones whose tokens have not yet expired.
inline constexpr size_t kMaxLearnerTokenVerificationKeys = 8;

inline constexpr absl::string_view kLearnerTokenIssuer = "creditbank";
inline constexpr absl::string_view kLearnerTokenAudience = "creditbank-learner";

struct LearnerTokenClaims {
  std::string account_number;  // "sub": 16 digits, Luhn-checked
  absl::Time issued_at;        // "iat"
  absl::Time expires_at;       // "exp"
  std::string token_id;        // "jti": 32 lower-case hex characters
};

// Checks learner tokens against one or more public keys, by key id.
// Thread-safe once built: Verify only reads.
class LearnerTokenVerifier {
 public:
  // INVALID_ARGUMENT when the PEM is not an EC P-256 public key
  // (SubjectPublicKeyInfo) or the key id is malformed.
  static absl::StatusOr<LearnerTokenVerifier> Create(absl::string_view public_key_pem,
                                                     absl::string_view key_id);

  // One more key, e.g. the previous signing key after a rotation, kept
  // until kMaxLearnerTokenLifetime after the rotation. INVALID_ARGUMENT as
  // for Create, or when the key id is already taken; RESOURCE_EXHAUSTED
  // past kMaxLearnerTokenVerificationKeys.
  absl::Status AddKey(absl::string_view public_key_pem, absl::string_view key_id);

  // The claims of a token that is well formed, signed by one of the keys
  // (named by its kid) and valid at clock.Now() (give or take
  // kLearnerTokenClockSkew). Otherwise UNAUTHENTICATED with the reason.
  absl::StatusOr<LearnerTokenClaims> Verify(absl::string_view token, const Clock& clock) const;

  LearnerTokenVerifier(LearnerTokenVerifier&&) = default;
  LearnerTokenVerifier& operator=(LearnerTokenVerifier&&) = default;

 private:
  LearnerTokenVerifier() = default;

  absl::Status AddParsedKey(EvpPkeyPtr key, absl::string_view key_id);

  std::map<std::string, EvpPkeyPtr, std::less<>> keys_;  // key id -> public key
};

// Issues learner tokens with the key ring's token signing key, and checks
// them (verifier()) with its public half. Thread-safe once built.
class LearnerTokenSigner {
 public:
  // INVALID_ARGUMENT when the PEM is not an EC P-256 private key or the key
  // id is malformed; the message never quotes the key.
  static absl::StatusOr<LearnerTokenSigner> Create(absl::string_view private_key_pem,
                                                   absl::string_view key_id);

  // A token for `account_number`, valid from clock.Now() for `lifetime`
  // (cut to whole seconds). INVALID_ARGUMENT when the account number is not
  // 16 digits with a Luhn check digit, or the lifetime is outside
  // [kMinLearnerTokenLifetime, kMaxLearnerTokenLifetime].
  absl::StatusOr<std::string> Issue(absl::string_view account_number, absl::Duration lifetime,
                                    const Clock& clock) const;

  // Verifies this signer's tokens (and no others, unless keys are added to
  // a copy made from public_key_pem()).
  const LearnerTokenVerifier& verifier() const { return verifier_; }
  // The public key as SubjectPublicKeyInfo PEM, for verifiers elsewhere.
  const std::string& public_key_pem() const { return public_key_pem_; }
  const std::string& key_id() const { return key_id_; }

  LearnerTokenSigner(LearnerTokenSigner&&) = default;
  LearnerTokenSigner& operator=(LearnerTokenSigner&&) = default;

 private:
  LearnerTokenSigner(EvpPkeyPtr private_key, std::string key_id, std::string public_key_pem,
                     LearnerTokenVerifier verifier)
      : private_key_(std::move(private_key)),
        key_id_(std::move(key_id)),
        public_key_pem_(std::move(public_key_pem)),
        verifier_(std::move(verifier)) {}

  EvpPkeyPtr private_key_;
  std::string key_id_;
  std::string public_key_pem_;
  LearnerTokenVerifier verifier_;
};

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_AUTH_LEARNER_TOKEN_H_
