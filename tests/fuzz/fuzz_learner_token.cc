// fuzz_learner_token: learner-token verification (domain/auth) on untrusted
// bytes, with a fixed signing key and a fixed clock. The first byte's low
// two bits pick what the rest is, its upper six bits move the clock
// (-16 to +15.5 minutes around 2026-09-01T00:30:00Z, so expiry and the
// clock-skew boundaries are crossed):
//   0  a token, verified as it came (what a client puts in its header);
//   1  a claims payload, put behind our header and signed with the fixed
//      key, so the claims checks behind the signature are reached;
//   2  a header and a payload, split at the first '\n', signed likewise;
//   3  a lifetime byte and an account number: issued, then verified.
// Checked, besides "no crash, no sanitizer report": every refusal is
// UNAUTHENTICATED (INVALID_ARGUMENT from Issue) with a short reason; an
// accepted token names a valid 16-digit account and is within its
// lifetime, give or take the clock skew; an issued token verifies back.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "domain/auth/learner_token.h"
#include "domain/crypto/ec_p256.h"
#include "domain/limits.h"
#include "domain/validation/identity.h"

namespace creditbank::domain {
namespace {

// A P-256 key made for this target only (openssl genpkey); its key id is
// the first 16 hex characters of SHA-256 of its DER public key. The seed
// tokens in tests/fuzz/corpus/fuzz_learner_token are signed with it.
constexpr char kFuzzPrivateKeyPem[] = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg5EqsoMzlJlHo7di1
7ayjV/n9uSUVvRqADauDCAuKwAWhRANCAASXY1PNW+eJBHPWmUD8oPbvwy7/Cwha
v758U/IzP6n3rpKjqtBNcjXuD1pXFkQiMhVp5rifwtmUV+geK/Rz3VW5
-----END PRIVATE KEY-----
)";
constexpr char kFuzzKeyId[] = "93fa15eb4174ef4b";
constexpr int64_t kFuzzNowUnixSeconds = 1'788'222'600;  // 2026-09-01T00:30:00Z
constexpr int kClockStepSeconds = 30;
constexpr int kClockSteps = 64;  // the six upper bits of the first byte
// Our reasons are a phrase; one proportional to the input would be quoting it.
constexpr size_t kMaxReasonBytes = 100;

[[noreturn]] void Fail(absl::string_view what, size_t size) {
  std::fprintf(stderr, "\n==creditbank fuzz invariant broken== %.*s (input of %zu bytes)\n",
               static_cast<int>(what.size()), what.data(), size);
  std::abort();
}

struct Keys {
  EvpPkeyPtr private_key;
  LearnerTokenSigner signer;
};

const Keys& FixedKeys() {
  static const Keys* keys = [] {
    absl::StatusOr<EvpPkeyPtr> key = ParseEcP256PrivateKeyPem(kFuzzPrivateKeyPem);
    absl::StatusOr<LearnerTokenSigner> signer =
        LearnerTokenSigner::Create(kFuzzPrivateKeyPem, kFuzzKeyId);
    if (!key.ok() || !signer.ok()) Fail("the fixed key does not load", 0);
    return new Keys{*std::move(key), *std::move(signer)};
  }();
  return *keys;
}

std::string SignedToken(absl::string_view header, absl::string_view payload, size_t size) {
  const std::string signing_input = absl::StrCat(absl::WebSafeBase64Escape(header), ".",
                                                 absl::WebSafeBase64Escape(payload));
  absl::StatusOr<std::string> signature = Es256Sign(*FixedKeys().private_key, signing_input);
  if (!signature.ok()) Fail("signing failed", size);
  return absl::StrCat(signing_input, ".", absl::WebSafeBase64Escape(*signature));
}

absl::StatusOr<LearnerTokenClaims> VerifyAndCheck(absl::string_view token, const Clock& clock,
                                                  size_t size) {
  absl::StatusOr<LearnerTokenClaims> claims = FixedKeys().signer.verifier().Verify(token, clock);
  if (!claims.ok()) {
    if (claims.status().code() != absl::StatusCode::kUnauthenticated) {
      Fail("a refusal is not UNAUTHENTICATED", size);
    }
    if (claims.status().message().size() > kMaxReasonBytes) Fail("a reason is too long", size);
    return claims;
  }
  const absl::Time now = clock.Now();
  if (claims->account_number.size() != kAccountNumberDigits ||
      !CheckAccountNumber(claims->account_number).empty()) {
    Fail("an accepted token has no valid account number", size);
  }
  if (now >= claims->expires_at + kLearnerTokenClockSkew) Fail("accepted after expiry", size);
  if (now < claims->issued_at - kLearnerTokenClockSkew) Fail("accepted before iat", size);
  const absl::Duration lifetime = claims->expires_at - claims->issued_at;
  if (lifetime <= absl::ZeroDuration() ||
      lifetime > kMaxLearnerTokenLifetime + kLearnerTokenClockSkew) {
    Fail("accepted with an impossible lifetime", size);
  }
  if (claims->token_id.size() != 2 * kLearnerTokenIdBytes) Fail("accepted a bad jti", size);
  return claims;
}

void IssueAndVerify(absl::string_view input, const Clock& clock, size_t size) {
  if (input.empty()) return;
  const absl::Duration lifetime = absl::Seconds(static_cast<unsigned char>(input[0]) * 15);
  const absl::string_view account_number = input.substr(1);
  absl::StatusOr<std::string> token = FixedKeys().signer.Issue(account_number, lifetime, clock);
  if (!token.ok()) {
    if (token.status().code() != absl::StatusCode::kInvalidArgument) {
      Fail("Issue failed other than INVALID_ARGUMENT", size);
    }
    return;
  }
  absl::StatusOr<LearnerTokenClaims> claims = VerifyAndCheck(*token, clock, size);
  if (!claims.ok()) Fail("an issued token does not verify", size);
  if (claims->account_number != account_number) Fail("an issued token names another account", size);
}

}  // namespace
}  // namespace creditbank::domain

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace creditbank::domain;
  if (size < 1) return 0;
  const absl::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  const int clock_step = static_cast<int>(data[0] >> 2) - kClockSteps / 2;
  creditbank::FakeClock clock(absl::FromUnixSeconds(kFuzzNowUnixSeconds) +
                              absl::Seconds(clock_step * kClockStepSeconds));
  switch (data[0] & 3) {
    case 0:
      (void)VerifyAndCheck(input, clock, size);
      break;
    case 1:
      (void)VerifyAndCheck(
          SignedToken(absl::StrCat(R"({"alg":"ES256","kid":")", kFuzzKeyId, R"(","typ":"JWT"})"),
                      input, size),
          clock, size);
      break;
    case 2: {
      const size_t newline = input.find('\n');
      if (newline == absl::string_view::npos) return 0;
      (void)VerifyAndCheck(SignedToken(input.substr(0, newline), input.substr(newline + 1), size),
                           clock, size);
      break;
    }
    default:
      IssueAndVerify(input, clock, size);
      break;
  }
  return 0;
}
