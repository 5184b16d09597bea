// W3C Bitstring Status List v1.0: how the bank revokes (or suspends) a signed
// transcript without re-issuing it. Each transcript carries a
// BitstringStatusListEntry naming a list and a bit in it:
//
//   "credentialStatus": {"id": "https://bank.example/status/3#94567",
//     "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
//     "statusListIndex": "94567", "statusListCredential": "https://bank.example/status/3"}
//
// and the bank publishes, at that URL, a BitstringStatusListCredential (a
// VC-JWT it signs) whose credentialSubject.encodedList is "u" (multibase's
// base64url prefix) + base64url, unpadded, of the GZIP (RFC 1952) of the
// bitstring. A set bit means revoked. Every list has at least 131,072 bits
// so that a verifier fetching it learns little about which transcript it is
// checking (the spec's "herd privacy").
//
//   StatusBitstring bits;                                   // 131,072 zero bits
//   RETURN_IF_ERROR(bits.Set(entry.index, true));           // revoke
//   ASSIGN_OR_RETURN(std::string jws, SignStatusListCredential(
//       {list_url, issuer_id, "revocation", now, bits}, *key, JwsAlgorithm::kEdDsa, kid));
//   ...
//   ASSIGN_OR_RETURN(StatusListCredential list,
//                    VerifyStatusListCredential(fetched, published_keys, issuer_id));
//   ASSIGN_OR_RETURN(bool revoked, StatusOfEntry(list, entry));
//
// Reading is strict, as in domain/jose: input comes from outside, and two
// readers must not disagree about one signed document. Errors are
// absl::Status saying which check failed; they never quote the input (a
// URL may name a learner's institution, a payload anything).
#ifndef CREDITBANK_DOMAIN_TRANSCRIPTS_STATUS_LIST_H_
#define CREDITBANK_DOMAIN_TRANSCRIPTS_STATUS_LIST_H_

#include <openssl/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "domain/jose/jwk.h"
#include "domain/jose/jws.h"
#include "nlohmann/json.hpp"

namespace creditbank::domain::transcripts {

// The spec's minimum length of an uncompressed list (16 KiB): fewer bits
// would let a list's fetcher narrow down whose transcript is being checked.
inline constexpr size_t kStatusListBits = 131'072;
// The longest list read or made: 1 MiB uncompressed, 64 times the minimum.
// It bounds what an encodedList may inflate to, so a small gzip "bomb"
// cannot make a verifier allocate more than this.
inline constexpr size_t kMaxStatusListBits = 8 * 1024 * 1024;
// An encodedList travels inside a signed JWS, which is at most
// jose::kMaxJwsBytes; a longer one cannot be ours and is refused undecoded.
inline constexpr size_t kMaxEncodedStatusListBytes = jose::kMaxJwsBytes;
// A list URL or issuer id is a short identifier; longer ones are refused.
inline constexpr size_t kMaxStatusListUrlChars = 2048;
inline constexpr size_t kMaxIssuerIdChars = 2048;
// 9999-12-31T23:59:59Z, the last second RFC 3339's four-digit year can spell.
inline constexpr int64_t kMaxValidFromUnixSeconds = 253'402'300'799;

// The two status purposes we issue lists for (the spec also has "refresh"
// and "message", which need more than one bit or mean something else).
inline constexpr char kStatusPurposeRevocation[] = "revocation";
inline constexpr char kStatusPurposeSuspension[] = "suspension";

// A list of status bits, one per transcript. Index 0 is the most
// significant (left-most) bit of the first byte, index 8 that of the second
// (spec: "the first index ... is located at the left-most bit"). Its length
// is a whole number of bytes from kStatusListBits to kMaxStatusListBits.
class StatusBitstring {
 public:
  // kStatusListBits zero bits (nothing revoked).
  StatusBitstring();

  // `bits` zero bits. INVALID_ARGUMENT unless `bits` is a multiple of 8 from
  // kStatusListBits to kMaxStatusListBits. (A factory rather than a
  // constructor because a constructor cannot refuse without an exception.)
  static absl::StatusOr<StatusBitstring> Create(size_t bits);

  // The bitstring whose bytes are `bytes`, as bytes() returns them.
  // INVALID_ARGUMENT unless it holds kStatusListBits to kMaxStatusListBits.
  static absl::StatusOr<StatusBitstring> FromBytes(std::string bytes);

  // The number of bits (8 * bytes().size()).
  size_t size() const { return 8 * bytes_.size(); }

  // Bit `index`; OUT_OF_RANGE (the spec's RANGE_ERROR) when index >= size().
  absl::StatusOr<bool> Get(uint64_t index) const;

  // Sets bit `index` to `value`; OUT_OF_RANGE when index >= size(), and the
  // list is then unchanged.
  absl::Status Set(uint64_t index, bool value);

  // The packed bits, size() / 8 bytes, as GZIP compresses them.
  const std::string& bytes() const { return bytes_; }

  friend bool operator==(const StatusBitstring&, const StatusBitstring&) = default;

 private:
  explicit StatusBitstring(std::string bytes) : bytes_(std::move(bytes)) {}
  std::string bytes_;
};

// The encodedList of `bits`: "u" + unpadded base64url of its GZIP. The same
// bits always encode the same way (the GZIP header carries no time or name).
// INTERNAL only if zlib fails.
absl::StatusOr<std::string> EncodeStatusList(const StatusBitstring& bits);

// The bits an encodedList holds. INVALID_ARGUMENT, saying which, when it is
// longer than kMaxEncodedStatusListBytes, lacks the "u" prefix, is not
// strict base64url (jose/base64url.h), is not one complete GZIP member with
// nothing after it (bad magic, corrupt, truncated), or inflates to fewer
// than kStatusListBits or more than kMaxStatusListBits bits. Inflation stops
// as soon as the output passes the maximum, so a bomb costs at most
// kMaxStatusListBits / 8 bytes of memory.
absl::StatusOr<StatusBitstring> DecodeStatusList(absl::string_view encoded);

// The credentialStatus a transcript carries: bit `index` of the list
// published at `list_url`.
struct StatusListEntry {
  // An https URL of at most kMaxStatusListUrlChars printable ASCII
  // characters, with no '#' (the entry's id appends "#<index>").
  std::string list_url;
  // Less than kMaxStatusListBits, the largest list there can be.
  uint64_t index = 0;
  // kStatusPurposeRevocation or kStatusPurposeSuspension.
  std::string purpose = kStatusPurposeRevocation;
};

// {"id":"<list_url>#<index>","type":"BitstringStatusListEntry",
//  "statusPurpose":<purpose>,"statusListIndex":"<index in decimal>",
//  "statusListCredential":<list_url>}. INVALID_ARGUMENT when `entry`
// breaks a rule above, so nothing is written that StatusListEntryFromJson
// would refuse.
absl::StatusOr<nlohmann::json> StatusListEntryToJson(const StatusListEntry& entry);

// The entry `json` describes, read strictly: exactly the five members
// StatusListEntryToJson writes, each a string; type BitstringStatusListEntry;
// statusListIndex canonical decimal (no sign, no leading zero, no space)
// below kMaxStatusListBits; id exactly "<statusListCredential>#<index>".
// INVALID_ARGUMENT naming the member at fault, never quoting its value.
// (statusSize, statusMessage and statusReference are refused: we use one bit.)
absl::StatusOr<StatusListEntry> StatusListEntryFromJson(const nlohmann::json& json);

// A BitstringStatusListCredential as the bank publishes it.
struct StatusListCredential {
  std::string list_url;   // as StatusListEntry::list_url; the credential's id
  std::string issuer_id;  // 1 to kMaxIssuerIdChars printable ASCII, no space
  std::string purpose = kStatusPurposeRevocation;
  int64_t valid_from_unix_seconds = 0;  // 0 to kMaxValidFromUnixSeconds
  // After valid_from, to kMaxValidFromUnixSeconds: a list says what was
  // revoked when it was signed, so it must not be usable forever — or a
  // holder could keep an old list and show it after a revocation.
  int64_t valid_until_unix_seconds = 0;
  StatusBitstring bits;
};

// The credential as VC Data Model 2.0 JSON secured as VC-JOSE-COSE has it
// (the payload is the credential itself, no "vc" wrapper), with the JWT
// claims iss (= issuer), nbf (= validFrom), exp (= validUntil) and jti (= id):
//   {"@context":["https://www.w3.org/ns/credentials/v2"],"id":<list_url>,
//    "type":["VerifiableCredential","BitstringStatusListCredential"],
//    "issuer":<issuer_id>,"validFrom":"2026-09-01T00:00:00Z","validUntil":"2026-09-02T00:00:00Z",
//    "credentialSubject":{"id":"<list_url>#list","type":"BitstringStatusList",
//      "statusPurpose":<purpose>,"encodedList":"u..."},
//    "iss":<issuer_id>,"nbf":<valid_from>,"exp":<valid_until>,"jti":<list_url>}
// INVALID_ARGUMENT when a field breaks its rule above.
absl::StatusOr<nlohmann::json> StatusListCredentialToJson(const StatusListCredential& credential);

// The credential signed as a compact JWS with typ "vc+jwt"
// (jose::SignCompactJws). INVALID_ARGUMENT as StatusListCredentialToJson,
// or as SignCompactJws (key not of `algorithm`, malformed kid, or a JWS
// longer than jose::kMaxJwsBytes, which only a list of mostly random bits
// could make).
absl::StatusOr<std::string> SignStatusListCredential(const StatusListCredential& credential,
                                                     const EVP_PKEY& private_key,
                                                     jose::JwsAlgorithm algorithm,
                                                     absl::string_view kid);

// The credential in `jws`, once it is proven to be signed by one of `keys`
// and issued by `expected_issuer_id`. In order:
//   INVALID_ARGUMENT  the JWS is malformed (jose::ParseCompactJws);
//   NOT_FOUND         its kid names none of `keys` (perhaps the key set is
//                     stale and a refetch would find it);
//   UNAUTHENTICATED   its alg or signature is refused (jose::VerifyJwsSignature);
//   INVALID_ARGUMENT  typ is not "vc+jwt", or the payload is not a strict
//                     JSON object of exactly the shape
//                     StatusListCredentialToJson writes (the message names
//                     the member), or its encodedList does not decode;
//   UNAUTHENTICATED   its issuer, a string, is not `expected_issuer_id`:
//                     the signature is good but vouches for another issuer
//                     (checked once the payload's members are known to be
//                     the right ones, before what they hold).
// Nothing of the payload is read before the signature verifies. Whether
// now lies between validFrom and validUntil (a stale list must not be
// used: transcript_verifier.cc refuses it) and whether a retired key may
// still vouch are the caller's rules.
absl::StatusOr<StatusListCredential> VerifyStatusListCredential(
    absl::string_view jws, const std::vector<jose::PublicJwk>& keys,
    absl::string_view expected_issuer_id);

// The spec's validation of one entry against its (verified) list: whether
// the entry's bit is set. INVALID_ARGUMENT when the entry names another list
// or another purpose (the spec's STATUS_VERIFICATION_ERROR), OUT_OF_RANGE
// when its index is past the end of the list (RANGE_ERROR).
absl::StatusOr<bool> StatusOfEntry(const StatusListCredential& list, const StatusListEntry& entry);

}  // namespace creditbank::domain::transcripts

#endif  // CREDITBANK_DOMAIN_TRANSCRIPTS_STATUS_LIST_H_
