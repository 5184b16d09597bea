// fuzz_jose: the JOSE pieces transcripts are checked with (domain/jose) on
// untrusted bytes. The first byte's low three bits pick what the rest is:
//   0  a compact JWS, verified against a fixed JWK Set (an ES256 and an
//      EdDSA key) as a verifier would: parse, find the kid, check;
//   1  a payload, signed ES256 with the fixed key, then verified back;
//   2  a payload, signed EdDSA likewise;
//   3  a JWK Set;
//   4  a JSON object for the strict parser;
//   5-7 as 0 (the verifier path gets most of the time).
// Checked, besides "no crash, no sanitizer report": every refusal is
// INVALID_ARGUMENT, UNAUTHENTICATED or NOT_FOUND with a short reason (one
// as long as the input would be quoting it); an accepted JWS names a published kid with the
// key's own algorithm and a 64-byte signature, and verifies again; what we
// sign verifies and carries the payload unchanged; a JWK Set or JSON object
// that parses serializes to one that parses to the same thing.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "domain/crypto/ec_p256.h"
#include "domain/crypto/ed25519.h"
#include "domain/jose/jwk.h"
#include "domain/jose/jws.h"
#include "domain/jose/strict_json.h"

namespace creditbank::domain::jose {
namespace {

// Keys made for this target only. The seed tokens in
// tests/fuzz/corpus/fuzz_jose are signed with them by PyJWT
// (tests/fuzz/make_jose_seeds.py), an implementation independent of ours.
constexpr char kEcPrivateKeyPem[] = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgYGKbwpEEfI+4G6/T
4jKpokb3findpABLomUk9O5E2fShRANCAARHS5tEhN6Bx5yxrqU87TjK8iHAxalH
wUgvHcE9gdljw8Snh4YkxnHR9LdFAeCikuNMqKLvYUGrK6bSBr3mLXax
-----END PRIVATE KEY-----
)";
constexpr char kEcKeyId[] = "fuzz-es256";
constexpr char kEdKeyId[] = "fuzz-eddsa";
const std::string kEdSeed(32, '\x2a');
constexpr char kType[] = "vc+jwt";
// Our reasons are a phrase; one proportional to the input would be quoting it.
constexpr size_t kMaxReasonBytes = 160;

[[noreturn]] void Fail(absl::string_view what, size_t size) {
  std::fprintf(stderr, "\n==creditbank fuzz invariant broken== %.*s (input of %zu bytes)\n",
               static_cast<int>(what.size()), what.data(), size);
  std::abort();
}

template <typename T>
T OrDie(absl::StatusOr<T> value, absl::string_view what) {
  if (!value.ok()) Fail(what, 0);
  return *std::move(value);
}

struct Keys {
  EvpPkeyPtr ec_private;
  EvpPkeyPtr ed_private;
  std::vector<PublicJwk> published;
};

const Keys& FixedKeys() {
  static const Keys* keys = [] {
    auto* made = new Keys();
    made->ec_private = OrDie(ParseEcP256PrivateKeyPem(kEcPrivateKeyPem), "EC key");
    made->ed_private = OrDie(Ed25519KeyFromSeed(kEdSeed), "Ed25519 key");
    made->published.push_back(
        OrDie(PublicJwkFromPrivateKey(*made->ec_private, JwsAlgorithm::kEs256, kEcKeyId), "EC"));
    made->published.push_back(
        OrDie(PublicJwkFromPrivateKey(*made->ed_private, JwsAlgorithm::kEdDsa, kEdKeyId), "Ed"));
    return made;
  }();
  return *keys;
}

void CheckRefusal(const absl::Status& status, size_t size) {
  const absl::StatusCode code = status.code();
  if (code != absl::StatusCode::kInvalidArgument && code != absl::StatusCode::kUnauthenticated &&
      code != absl::StatusCode::kNotFound) {
    Fail("a refusal with a code other than INVALID_ARGUMENT, UNAUTHENTICATED, NOT_FOUND", size);
  }
  if (status.message().empty() || status.message().size() > kMaxReasonBytes) {
    Fail("a refusal without a short reason", size);
  }
}

// A verifier's path: OK only for a token signed by a published key.
absl::Status Verify(absl::string_view token, ParsedJws* parsed) {
  absl::StatusOr<ParsedJws> structure = ParseCompactJws(token);
  if (!structure.ok()) return structure.status();
  absl::StatusOr<const PublicJwk*> key = FindKey(FixedKeys().published, structure->kid);
  if (!key.ok()) return key.status();
  absl::Status verified = VerifyJwsSignature(*structure, **key);
  if (verified.ok()) {
    if (structure->algorithm_name != JwsAlgorithmName((*key)->algorithm)) {
      Fail("a JWS verified under an algorithm that is not its key's", 0);
    }
    if (structure->signature.size() != 64) Fail("a JWS verified with a signature of odd size", 0);
  }
  *parsed = *std::move(structure);
  return verified;
}

void FuzzToken(absl::string_view token, size_t size) {
  ParsedJws parsed;
  const absl::Status status = Verify(token, &parsed);
  if (!status.ok()) return CheckRefusal(status, size);
  ParsedJws again;
  if (!Verify(token, &again).ok() || again.payload != parsed.payload) {
    Fail("an accepted JWS does not verify the same way twice", size);
  }
}

void FuzzSignature(absl::string_view payload, JwsAlgorithm algorithm, size_t size) {
  const Keys& keys = FixedKeys();
  const EVP_PKEY& key = algorithm == JwsAlgorithm::kEs256 ? *keys.ec_private : *keys.ed_private;
  absl::StatusOr<std::string> token = SignCompactJws(
      key, algorithm, algorithm == JwsAlgorithm::kEs256 ? kEcKeyId : kEdKeyId, kType, payload);
  if (!token.ok()) return CheckRefusal(token.status(), size);
  ParsedJws parsed;
  if (!Verify(*token, &parsed).ok()) Fail("a JWS we signed does not verify", size);
  if (parsed.payload != payload) Fail("a JWS we signed carries another payload", size);
  // One flipped signature bit is refused.
  std::string tampered = *token;
  tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'A' ? 'B' : 'A';
  if (Verify(tampered, &parsed).ok()) Fail("a JWS with a changed signature verifies", size);
}

void FuzzJwks(absl::string_view text, size_t size) {
  absl::StatusOr<std::vector<PublicJwk>> keys = ParseJwks(text);
  if (!keys.ok()) return CheckRefusal(keys.status(), size);
  absl::StatusOr<nlohmann::json> written = JwksToJson(*keys);
  if (!written.ok()) Fail("a JWK Set that parsed cannot be written back", size);
  absl::StatusOr<std::vector<PublicJwk>> again = ParseJwks(written->dump());
  if (!again.ok() || again->size() != keys->size()) {
    Fail("a JWK Set written back does not parse to the same keys", size);
  }
  for (size_t i = 0; i < keys->size(); ++i) {
    if ((*again)[i].kid != (*keys)[i].kid || (*again)[i].algorithm != (*keys)[i].algorithm ||
        (*again)[i].retired_at_unix_seconds != (*keys)[i].retired_at_unix_seconds) {
      Fail("a JWK Set written back changed a key", size);
    }
  }
}

void FuzzJson(absl::string_view text, size_t size) {
  std::optional<nlohmann::json> parsed = ParseStrictJsonObject(text);
  if (!parsed.has_value()) return;
  std::optional<nlohmann::json> again = ParseStrictJsonObject(parsed->dump());
  if (!again.has_value() || *again != *parsed) {
    Fail("a strict JSON object does not survive its own serialization", size);
  }
}

}  // namespace
}  // namespace creditbank::domain::jose

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace creditbank::domain::jose;
  if (size == 0) return 0;
  const absl::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] & 7) {
    case 1:
      FuzzSignature(rest, JwsAlgorithm::kEs256, size);
      break;
    case 2:
      FuzzSignature(rest, JwsAlgorithm::kEdDsa, size);
      break;
    case 3:
      FuzzJwks(rest, size);
      break;
    case 4:
      FuzzJson(rest, size);
      break;
    default:
      FuzzToken(rest, size);
  }
  return 0;
}
