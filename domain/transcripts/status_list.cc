#include "domain/transcripts/status_list.h"

#include <zlib.h>

#include <algorithm>
#include <initializer_list>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/status_macros.h"
#include "domain/jose/base64url.h"
#include "domain/jose/strict_json.h"

namespace creditbank::domain::transcripts {
namespace {

using Json = nlohmann::json;

constexpr size_t kMinStatusListBytes = kStatusListBits / 8;
constexpr size_t kMaxStatusListBytes = kMaxStatusListBits / 8;
// Inflate grows its output this much at a time, so a 16 KiB list costs one
// step and a bomb stops at kMaxStatusListBytes + 1 however far it would go.
constexpr size_t kInflateChunkBytes = 64 * 1024;
// windowBits for zlib's deflateInit2/inflateInit2: 15 (the largest window)
// plus 16, which selects the GZIP wrapper (RFC 1952) rather than zlib's own.
constexpr int kGzipWindowBits = 16 + MAX_WBITS;
// zlib's default memLevel: the compression level matters more for mostly-zero lists.
constexpr int kDeflateMemLevel = 8;
// Every GZIP member opens with these two bytes, ID1 and ID2 (RFC 1952 §2.3.1).
constexpr absl::string_view kGzipMagic("\x1f\x8b", 2);
// The multibase prefix of unpadded base64url.
constexpr char kMultibaseBase64Url = 'u';
constexpr char kHttpsPrefix[] = "https://";
constexpr char kCredentialsV2Context[] = "https://www.w3.org/ns/credentials/v2";
constexpr char kVcJwtType[] = "vc+jwt";
// RFC 3339 in UTC to the second, the one spelling of validFrom we write.
constexpr char kValidFromFormat[] = "%Y-%m-%d%ET%H:%M:%SZ";
constexpr size_t kValidFromChars = 20;  // "2026-09-01T00:00:00Z"

absl::Status Malformed(absl::string_view what, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(what, ": ", reason));
}

// `status` with "status list credential: " before its message, same code.
absl::Status InCredential(const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat("status list credential: ", status.message()));
}

bool IsPrintableAsciiWithoutSpace(absl::string_view text) {
  return std::all_of(text.begin(), text.end(), [](unsigned char c) { return c > ' ' && c <= '~'; });
}

absl::Status CheckListUrl(absl::string_view url, absl::string_view what) {
  if (url.size() > kMaxStatusListUrlChars) {
    return Malformed(what, absl::StrCat("is longer than ", kMaxStatusListUrlChars, " characters"));
  }
  if (!absl::StartsWith(url, kHttpsPrefix) || url.size() == sizeof(kHttpsPrefix) - 1) {
    return Malformed(what, "is not an https URL");
  }
  if (!IsPrintableAsciiWithoutSpace(url)) {
    return Malformed(what, "has a space, control or non-ASCII character");
  }
  // An entry's id is "<list_url>#<index>"; a fragment already in the URL
  // would make that ambiguous.
  if (absl::StrContains(url, '#')) return Malformed(what, "has a fragment ('#')");
  return absl::OkStatus();
}

absl::Status CheckIssuerId(absl::string_view issuer_id, absl::string_view what) {
  if (issuer_id.empty() || issuer_id.size() > kMaxIssuerIdChars ||
      !IsPrintableAsciiWithoutSpace(issuer_id)) {
    return Malformed(what, absl::StrCat("is not 1 to ", kMaxIssuerIdChars,
                                        " printable ASCII characters without spaces"));
  }
  return absl::OkStatus();
}

absl::Status CheckPurpose(absl::string_view purpose, absl::string_view what) {
  if (purpose == kStatusPurposeRevocation || purpose == kStatusPurposeSuspension) {
    return absl::OkStatus();
  }
  return Malformed(what, "is neither \"revocation\" nor \"suspension\"");
}

bool IsValidFromInRange(int64_t seconds) {
  return seconds >= 0 && seconds <= kMaxValidFromUnixSeconds;
}

std::string FormatValidFrom(int64_t seconds) {
  return absl::FormatTime(kValidFromFormat, absl::FromUnixSeconds(seconds), absl::UTCTimeZone());
}

// The seconds `text` spells, only if FormatValidFrom would spell them so
// (ParseTime alone would take a 't', a year without four digits, ...).
std::optional<int64_t> ParseValidFrom(absl::string_view text) {
  if (text.size() != kValidFromChars) return std::nullopt;
  absl::Time time;
  if (!absl::ParseTime(kValidFromFormat, text, absl::UTCTimeZone(), &time, nullptr)) {
    return std::nullopt;
  }
  const int64_t seconds = absl::ToUnixSeconds(time);
  if (!IsValidFromInRange(seconds) || FormatValidFrom(seconds) != text) return std::nullopt;
  return seconds;
}

// An index below kMaxStatusListBits in canonical decimal: digits only, no
// leading zero. Stops at the first digit that takes it past the maximum, so
// no number of digits can overflow.
std::optional<uint64_t> ParseIndex(absl::string_view text) {
  if (text.empty() || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
    if (value >= kMaxStatusListBits) return std::nullopt;
  }
  return value;
}

// OK when `object` has exactly the members `names`.
absl::Status CheckExactMembers(const Json& object, std::initializer_list<const char*> names,
                               absl::string_view what) {
  for (const char* name : names) {
    if (!object.contains(name)) return Malformed(what, absl::StrCat(name, " is missing"));
  }
  if (object.size() != names.size()) {
    return Malformed(what, "has a member we never write");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> StringMember(const Json& object, const char* name,
                                         absl::string_view what) {
  const Json& member = object.at(name);  // CheckExactMembers has found it
  if (!member.is_string()) return Malformed(what, absl::StrCat(name, " is not a string"));
  return member.get<std::string>();
}

struct DeflateEnder {
  void operator()(z_stream* stream) const { deflateEnd(stream); }
};
struct InflateEnder {
  void operator()(z_stream* stream) const { inflateEnd(stream); }
};

absl::StatusOr<std::string> Gzip(const std::string& bytes) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, kGzipWindowBits, kDeflateMemLevel,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return absl::InternalError("status list: zlib deflateInit2 failed");
  }
  const std::unique_ptr<z_stream, DeflateEnder> ender(&stream);
  // deflateBound is enough for the whole output in one Z_FINISH call.
  std::string out(deflateBound(&stream, bytes.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());  // at most kMaxStatusListBytes
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  if (deflate(&stream, Z_FINISH) != Z_STREAM_END) {
    return absl::InternalError("status list: zlib deflate did not finish");
  }
  out.resize(stream.total_out);
  return out;
}

// The bytes of the one GZIP member `compressed` holds, refused as soon as
// they pass kMaxStatusListBytes.
absl::StatusOr<std::string> Gunzip(absl::string_view compressed) {
  constexpr absl::string_view kWhat = "encodedList";
  if (!absl::StartsWith(compressed, kGzipMagic)) {
    return Malformed(kWhat, "is not GZIP (it does not start with 1f 8b)");
  }
  z_stream stream{};
  if (inflateInit2(&stream, kGzipWindowBits) != Z_OK) {
    return absl::InternalError("status list: zlib inflateInit2 failed");
  }
  const std::unique_ptr<z_stream, InflateEnder> ender(&stream);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());  // at most kMaxEncodedStatusListBytes
  std::string out;
  size_t produced = 0;
  for (;;) {
    if (produced == out.size()) {
      out.resize(std::min(out.size() + kInflateChunkBytes, kMaxStatusListBytes + 1));
    }
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    stream.avail_out = static_cast<uInt>(out.size() - produced);
    const int result = inflate(&stream, Z_NO_FLUSH);
    produced = out.size() - stream.avail_out;
    if (produced > kMaxStatusListBytes) {
      return Malformed(kWhat, absl::StrCat("inflates to more than ", kMaxStatusListBits, " bits"));
    }
    if (result == Z_STREAM_END) break;
    if (result == Z_OK) continue;  // more output room or more input to read
    if (result == Z_BUF_ERROR) return Malformed(kWhat, "GZIP stream is truncated");
    if (result == Z_MEM_ERROR) return absl::InternalError("status list: zlib is out of memory");
    return Malformed(kWhat, "GZIP stream is corrupt");  // Z_DATA_ERROR: bad data, CRC or length
  }
  if (stream.avail_in != 0) return Malformed(kWhat, "has bytes after its GZIP stream");
  out.resize(produced);
  return out;
}

absl::Status CheckEntry(const StatusListEntry& entry) {
  RETURN_IF_ERROR(CheckListUrl(entry.list_url, "status list entry: statusListCredential"));
  if (entry.index >= kMaxStatusListBits) {
    return Malformed("status list entry: statusListIndex",
                     absl::StrCat("is not below ", kMaxStatusListBits));
  }
  return CheckPurpose(entry.purpose, "status list entry: statusPurpose");
}

absl::Status CheckCredential(const StatusListCredential& credential) {
  RETURN_IF_ERROR(CheckListUrl(credential.list_url, "status list credential: id"));
  RETURN_IF_ERROR(CheckIssuerId(credential.issuer_id, "status list credential: issuer"));
  RETURN_IF_ERROR(CheckPurpose(credential.purpose, "status list credential: statusPurpose"));
  if (!IsValidFromInRange(credential.valid_from_unix_seconds)) {
    return Malformed("status list credential: validFrom", "is not between 1970 and 9999");
  }
  if (!IsValidFromInRange(credential.valid_until_unix_seconds) ||
      credential.valid_until_unix_seconds <= credential.valid_from_unix_seconds) {
    return Malformed("status list credential: validUntil",
                     "is not after validFrom and before 10000");
  }
  return absl::OkStatus();
}

Json CredentialTypes() {
  return Json::array({"VerifiableCredential", "BitstringStatusListCredential"});
}

// The credential in a verified payload, issued by `expected_issuer_id`.
absl::StatusOr<StatusListCredential> CredentialFromPayload(const Json& payload,
                                                           absl::string_view expected_issuer_id) {
  constexpr absl::string_view kWhat = "status list credential";
  RETURN_IF_ERROR(CheckExactMembers(
      payload,
      {"@context", "id", "type", "issuer", "validFrom", "validUntil", "credentialSubject", "iss",
       "nbf", "exp", "jti"},
      kWhat));
  StatusListCredential credential;
  ASSIGN_OR_RETURN(credential.issuer_id, StringMember(payload, "issuer", kWhat));
  // Checked first: whatever else is wrong with it, a credential of another
  // issuer is no credential of this one's.
  if (credential.issuer_id != expected_issuer_id) {
    return absl::UnauthenticatedError("status list credential: issuer is not the expected issuer");
  }
  if (payload.at("iss") != payload.at("issuer")) return Malformed(kWhat, "iss is not its issuer");
  if (payload.at("@context") != Json::array({kCredentialsV2Context})) {
    return Malformed(kWhat, "@context is not [the VC Data Model 2.0 context]");
  }
  if (payload.at("type") != CredentialTypes()) {
    return Malformed(kWhat, "type is not [VerifiableCredential, BitstringStatusListCredential]");
  }
  ASSIGN_OR_RETURN(credential.list_url, StringMember(payload, "id", kWhat));
  RETURN_IF_ERROR(CheckListUrl(credential.list_url, "status list credential: id"));
  if (payload.at("jti") != payload.at("id")) return Malformed(kWhat, "jti is not its id");
  ASSIGN_OR_RETURN(const std::string valid_from, StringMember(payload, "validFrom", kWhat));
  const std::optional<int64_t> seconds = ParseValidFrom(valid_from);
  if (!seconds.has_value()) {
    return Malformed(kWhat, "validFrom is not an RFC 3339 UTC time to the second, 1970 to 9999");
  }
  credential.valid_from_unix_seconds = *seconds;
  const Json& nbf = payload.at("nbf");
  if (!nbf.is_number_integer() || nbf != Json(*seconds)) {
    return Malformed(kWhat, "nbf is not the integer seconds of validFrom");
  }
  ASSIGN_OR_RETURN(const std::string valid_until, StringMember(payload, "validUntil", kWhat));
  const std::optional<int64_t> until = ParseValidFrom(valid_until);
  if (!until.has_value() || *until <= *seconds) {
    return Malformed(kWhat, "validUntil is not an RFC 3339 UTC time to the second after validFrom");
  }
  credential.valid_until_unix_seconds = *until;
  const Json& exp = payload.at("exp");
  if (!exp.is_number_integer() || exp != Json(*until)) {
    return Malformed(kWhat, "exp is not the integer seconds of validUntil");
  }

  constexpr absl::string_view kSubject = "status list credential: credentialSubject";
  const Json& subject = payload.at("credentialSubject");
  if (!subject.is_object()) return Malformed(kSubject, "is not an object");
  RETURN_IF_ERROR(
      CheckExactMembers(subject, {"id", "type", "statusPurpose", "encodedList"}, kSubject));
  ASSIGN_OR_RETURN(const std::string subject_id, StringMember(subject, "id", kSubject));
  if (subject_id != absl::StrCat(credential.list_url, "#list")) {
    return Malformed(kSubject, "id is not the credential's id followed by #list");
  }
  if (subject.at("type") != "BitstringStatusList") {
    return Malformed(kSubject, "type is not BitstringStatusList");
  }
  ASSIGN_OR_RETURN(credential.purpose, StringMember(subject, "statusPurpose", kSubject));
  RETURN_IF_ERROR(CheckPurpose(credential.purpose, absl::StrCat(kSubject, ": statusPurpose")));
  ASSIGN_OR_RETURN(const std::string encoded, StringMember(subject, "encodedList", kSubject));
  ASSIGN_OR_RETURN(credential.bits, DecodeStatusList(encoded));
  return credential;
}

}  // namespace

StatusBitstring::StatusBitstring() : bytes_(kMinStatusListBytes, '\0') {}

absl::StatusOr<StatusBitstring> StatusBitstring::Create(size_t bits) {
  if (bits % 8 != 0 || bits < kStatusListBits || bits > kMaxStatusListBits) {
    return Malformed("status list",
                     absl::StrCat("length is not a multiple of 8 from ", kStatusListBits, " to ",
                                  kMaxStatusListBits, " bits"));
  }
  return StatusBitstring(std::string(bits / 8, '\0'));
}

absl::StatusOr<StatusBitstring> StatusBitstring::FromBytes(std::string bytes) {
  if (bytes.size() < kMinStatusListBytes) {
    return Malformed("status list",
                     absl::StrCat("has fewer than ", kStatusListBits, " bits, the spec's minimum"));
  }
  if (bytes.size() > kMaxStatusListBytes) {
    return Malformed("status list", absl::StrCat("has more than ", kMaxStatusListBits, " bits"));
  }
  return StatusBitstring(std::move(bytes));
}

absl::StatusOr<bool> StatusBitstring::Get(uint64_t index) const {
  if (index >= size()) {
    return absl::OutOfRangeError(absl::StrCat("status list index is not below ", size()));
  }
  const unsigned char mask = 0x80 >> (index % 8);  // index 0 is the left-most bit
  return (static_cast<unsigned char>(bytes_[index / 8]) & mask) != 0;
}

absl::Status StatusBitstring::Set(uint64_t index, bool value) {
  if (index >= size()) {
    return absl::OutOfRangeError(absl::StrCat("status list index is not below ", size()));
  }
  const unsigned char mask = 0x80 >> (index % 8);
  unsigned char byte = static_cast<unsigned char>(bytes_[index / 8]);
  byte = value ? (byte | mask) : (byte & ~mask);
  bytes_[index / 8] = static_cast<char>(byte);
  return absl::OkStatus();
}

absl::StatusOr<std::string> EncodeStatusList(const StatusBitstring& bits) {
  ASSIGN_OR_RETURN(const std::string compressed, Gzip(bits.bytes()));
  return absl::StrCat(std::string(1, kMultibaseBase64Url), jose::Base64UrlEncode(compressed));
}

absl::StatusOr<StatusBitstring> DecodeStatusList(absl::string_view encoded) {
  constexpr absl::string_view kWhat = "encodedList";
  if (encoded.size() > kMaxEncodedStatusListBytes) {
    return Malformed(kWhat, absl::StrCat("is longer than ", kMaxEncodedStatusListBytes, " bytes"));
  }
  if (encoded.empty() || encoded[0] != kMultibaseBase64Url) {
    return Malformed(kWhat, "does not start with the multibase base64url prefix 'u'");
  }
  const std::optional<std::string> compressed = jose::Base64UrlDecode(encoded.substr(1));
  if (!compressed.has_value()) return Malformed(kWhat, "is not unpadded base64url after the 'u'");
  ASSIGN_OR_RETURN(std::string bytes, Gunzip(*compressed));
  if (bytes.size() < kMinStatusListBytes) {
    return Malformed(kWhat, absl::StrCat("inflates to fewer than ", kStatusListBits,
                                         " bits, the spec's minimum"));
  }
  return StatusBitstring::FromBytes(std::move(bytes));
}

absl::StatusOr<Json> StatusListEntryToJson(const StatusListEntry& entry) {
  RETURN_IF_ERROR(CheckEntry(entry));
  return Json{{"id", absl::StrCat(entry.list_url, "#", entry.index)},
              {"type", "BitstringStatusListEntry"},
              {"statusPurpose", entry.purpose},
              {"statusListIndex", absl::StrCat(entry.index)},
              {"statusListCredential", entry.list_url}};
}

absl::StatusOr<StatusListEntry> StatusListEntryFromJson(const Json& json) {
  constexpr absl::string_view kWhat = "status list entry";
  if (!json.is_object()) return Malformed(kWhat, "is not a JSON object");
  RETURN_IF_ERROR(CheckExactMembers(
      json, {"id", "type", "statusPurpose", "statusListIndex", "statusListCredential"}, kWhat));
  ASSIGN_OR_RETURN(const std::string type, StringMember(json, "type", kWhat));
  if (type != "BitstringStatusListEntry") {
    return Malformed(kWhat, "type is not BitstringStatusListEntry");
  }
  StatusListEntry entry;
  ASSIGN_OR_RETURN(entry.purpose, StringMember(json, "statusPurpose", kWhat));
  ASSIGN_OR_RETURN(entry.list_url, StringMember(json, "statusListCredential", kWhat));
  ASSIGN_OR_RETURN(const std::string index, StringMember(json, "statusListIndex", kWhat));
  const std::optional<uint64_t> parsed_index = ParseIndex(index);
  if (!parsed_index.has_value()) {
    return Malformed(kWhat, absl::StrCat("statusListIndex is not a decimal integer below ",
                                         kMaxStatusListBits, " without sign or leading zero"));
  }
  entry.index = *parsed_index;
  RETURN_IF_ERROR(CheckEntry(entry));
  ASSIGN_OR_RETURN(const std::string id, StringMember(json, "id", kWhat));
  if (id != absl::StrCat(entry.list_url, "#", index)) {
    return Malformed(kWhat, "id is not statusListCredential#statusListIndex");
  }
  return entry;
}

absl::StatusOr<Json> StatusListCredentialToJson(const StatusListCredential& credential) {
  RETURN_IF_ERROR(CheckCredential(credential));
  ASSIGN_OR_RETURN(const std::string encoded, EncodeStatusList(credential.bits));
  return Json{{"@context", Json::array({kCredentialsV2Context})},
              {"id", credential.list_url},
              {"type", CredentialTypes()},
              {"issuer", credential.issuer_id},
              {"validFrom", FormatValidFrom(credential.valid_from_unix_seconds)},
              {"validUntil", FormatValidFrom(credential.valid_until_unix_seconds)},
              {"credentialSubject",
               {{"id", absl::StrCat(credential.list_url, "#list")},
                {"type", "BitstringStatusList"},
                {"statusPurpose", credential.purpose},
                {"encodedList", encoded}}},
              {"iss", credential.issuer_id},
              {"nbf", credential.valid_from_unix_seconds},
              {"exp", credential.valid_until_unix_seconds},
              {"jti", credential.list_url}};
}

absl::StatusOr<std::string> SignStatusListCredential(const StatusListCredential& credential,
                                                     const EVP_PKEY& private_key,
                                                     jose::JwsAlgorithm algorithm,
                                                     absl::string_view kid) {
  ASSIGN_OR_RETURN(const Json payload, StatusListCredentialToJson(credential));
  absl::StatusOr<std::string> jws =
      jose::SignCompactJws(private_key, algorithm, kid, kVcJwtType, payload.dump());
  if (!jws.ok()) return InCredential(jws.status());
  return jws;
}

absl::StatusOr<StatusListCredential> VerifyStatusListCredential(
    absl::string_view jws, const std::vector<jose::PublicJwk>& keys,
    absl::string_view expected_issuer_id) {
  absl::StatusOr<jose::ParsedJws> parsed = jose::ParseCompactJws(jws);
  if (!parsed.ok()) return InCredential(parsed.status());
  const absl::StatusOr<const jose::PublicJwk*> key = jose::FindKey(keys, parsed->kid);
  if (!key.ok()) {
    return absl::NotFoundError(
        "status list credential: its kid names no key in the issuer's key set");
  }
  if (absl::Status verified = jose::VerifyJwsSignature(*parsed, **key); !verified.ok()) {
    return InCredential(verified);
  }
  // Signed by a key we trust: only now is anything in it read.
  const auto typ = parsed->header.find("typ");
  if (typ == parsed->header.end() || *typ != kVcJwtType) {
    return Malformed("status list credential", "JWS typ is not vc+jwt");
  }
  const std::optional<Json> payload = jose::ParseStrictJsonObject(parsed->payload);
  if (!payload.has_value()) {
    return Malformed("status list credential", "payload is not a strict JSON object");
  }
  return CredentialFromPayload(*payload, expected_issuer_id);
}

absl::StatusOr<bool> StatusOfEntry(const StatusListCredential& list, const StatusListEntry& entry) {
  if (entry.list_url != list.list_url) {
    return Malformed("status list entry", "names another status list");
  }
  if (entry.purpose != list.purpose) {
    return Malformed("status list entry", "statusPurpose is not the list's");
  }
  return list.bits.Get(entry.index);
}

}  // namespace creditbank::domain::transcripts
