// Bitstring Status Lists: the spec's bit order, encodedList round trips and
// each malformed or hostile encodedList refused (a gzip bomb among them,
// without this test ever holding the bomb's output), status entries strict
// both ways, signed list credentials with ES256 and EdDSA verified or
// refused with their own code and reason, and Python's gzip and base64
// reading what we write (and we what it writes), to show the format is
// real GZIP rather than something only zlib-with-our-flags reads.
#include "domain/transcripts/status_list.h"

#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "domain/crypto/ec_p256.h"
#include "domain/crypto/ed25519.h"
#include "domain/jose/base64url.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace creditbank::domain::transcripts {
namespace {

using ::creditbank::testing::IsOk;
using ::creditbank::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;
using jose::JwsAlgorithm;

constexpr char kListUrl[] = "https://bank.example/status/3";
constexpr char kIssuer[] = "did:web:bank.example";
constexpr int64_t kValidFrom = 1'788'220'800;  // 2026-09-01T00:00:00Z
// Bits set in the lists below: both ends, byte edges, and some in between.
const std::vector<uint64_t> kScatteredBits = {0, 1, 7, 8, 9, 15, 16, 1000, 12345, 65536, 131071};

// GZIP of `size` copies of `fill`, fed to zlib in pieces of at most 1 MiB,
// so a 64 MiB bomb is made without holding 64 MiB. `window_bits` picks the
// wrapper: 16 + MAX_WBITS GZIP, MAX_WBITS zlib's own.
std::string Compress(size_t size, char fill = '\0', int window_bits = 16 + MAX_WBITS) {
  constexpr size_t kPiece = 1024 * 1024;
  z_stream stream{};
  EXPECT_EQ(
      deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY),
      Z_OK);
  const std::string piece(std::min(size, kPiece), fill);
  std::string out;
  char buffer[64 * 1024];
  size_t left = size;
  int result = Z_OK;
  while (result != Z_STREAM_END) {
    const size_t now = std::min(left, kPiece);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(piece.data()));
    stream.avail_in = static_cast<uInt>(now);
    left -= now;
    const int flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
    do {
      stream.next_out = reinterpret_cast<Bytef*>(buffer);
      stream.avail_out = sizeof(buffer);
      result = deflate(&stream, flush);
      out.append(buffer, sizeof(buffer) - stream.avail_out);
    } while (stream.avail_out == 0);
  }
  deflateEnd(&stream);
  return out;
}

std::string Encoded(absl::string_view compressed) {
  return absl::StrCat("u", jose::Base64UrlEncode(compressed));
}

void ExpectInvalid(const absl::Status& status, absl::string_view reason) {
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument)) << reason;
  EXPECT_THAT(std::string(status.message()), HasSubstr(std::string(reason)));
}
template <typename T>
void ExpectInvalid(const absl::StatusOr<T>& result, absl::string_view reason) {
  ExpectInvalid(result.status(), reason);
}

// Runs a shell command and returns what it printed.
std::string RunShell(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  EXPECT_NE(pipe, nullptr);
  std::string out;
  char buffer[4096];
  size_t read;
  while (pipe != nullptr && (read = fread(buffer, 1, sizeof(buffer), pipe.get())) > 0) {
    out.append(buffer, read);
  }
  return out;
}

StatusBitstring Scattered() {
  StatusBitstring bits;
  for (const uint64_t index : kScatteredBits) EXPECT_THAT(bits.Set(index, true), IsOk());
  return bits;
}

// ---- StatusBitstring ----

TEST(StatusBitstringTest, IndexZeroIsTheLeftMostBitOfTheFirstByte) {
  StatusBitstring bits;
  EXPECT_EQ(bits.size(), kStatusListBits);
  EXPECT_EQ(bits.bytes(), std::string(kStatusListBits / 8, '\0'));
  ASSERT_OK(bits.Set(0, true));
  EXPECT_EQ(bits.bytes()[0], '\x80');
  ASSERT_OK(bits.Set(0, false));
  ASSERT_OK(bits.Set(7, true));
  EXPECT_EQ(bits.bytes()[0], '\x01');
  ASSERT_OK(bits.Set(8, true));
  EXPECT_EQ(bits.bytes()[1], '\x80');
  ASSERT_OK(bits.Set(kStatusListBits - 1, true));
  EXPECT_EQ(bits.bytes().back(), '\x01');
  for (const uint64_t index : {uint64_t{7}, uint64_t{8}, uint64_t{kStatusListBits - 1}}) {
    EXPECT_EQ(*bits.Get(index), true);
  }
  for (const uint64_t index : {uint64_t{0}, uint64_t{1}, uint64_t{6}, uint64_t{9}}) {
    EXPECT_EQ(*bits.Get(index), false);
  }
  ASSERT_OK(bits.Set(7, false));
  EXPECT_EQ(bits.bytes()[0], '\0');
}

TEST(StatusBitstringTest, OutOfRangeIndexIsRefusedAndChangesNothing) {
  StatusBitstring bits;
  for (const uint64_t index :
       {uint64_t{kStatusListBits}, uint64_t{kMaxStatusListBits}, ~uint64_t{0}}) {
    EXPECT_THAT(bits.Get(index), StatusIs(absl::StatusCode::kOutOfRange));
    EXPECT_THAT(bits.Set(index, true), StatusIs(absl::StatusCode::kOutOfRange));
  }
  EXPECT_EQ(bits, StatusBitstring());
}

TEST(StatusBitstringTest, LengthsOutsideTheLimitsAreRefused) {
  ASSERT_OK_AND_ASSIGN(StatusBitstring largest, StatusBitstring::Create(kMaxStatusListBits));
  EXPECT_EQ(largest.size(), kMaxStatusListBits);
  ASSERT_OK(largest.Set(kMaxStatusListBits - 1, true));
  EXPECT_EQ(*largest.Get(kMaxStatusListBits - 1), true);
  EXPECT_EQ(StatusBitstring::Create(kStatusListBits)->size(), kStatusListBits);
  for (const size_t bits : {size_t{0}, size_t{8}, kStatusListBits - 8, kStatusListBits + 1,
                            kMaxStatusListBits + 8, ~size_t{0}}) {
    ExpectInvalid(StatusBitstring::Create(bits), "length is not a multiple of 8");
  }
  ExpectInvalid(StatusBitstring::FromBytes(std::string(kStatusListBits / 8 - 1, '\0')),
                "fewer than 131072 bits");
  ExpectInvalid(StatusBitstring::FromBytes(std::string(kMaxStatusListBits / 8 + 1, '\0')),
                "more than 8388608 bits");
  ASSERT_OK_AND_ASSIGN(
      StatusBitstring from_bytes,
      StatusBitstring::FromBytes(std::string("\x40") + std::string(kStatusListBits / 8 - 1, '\0')));
  EXPECT_EQ(*from_bytes.Get(1), true);
}

// ---- encodedList ----

TEST(EncodedListTest, ScatteredBitsRoundTrip) {
  const StatusBitstring bits = Scattered();
  ASSERT_OK_AND_ASSIGN(const std::string encoded, EncodeStatusList(bits));
  EXPECT_EQ(encoded[0], 'u');
  EXPECT_EQ(encoded.find('='), std::string::npos);
  ASSERT_OK_AND_ASSIGN(const StatusBitstring decoded, DecodeStatusList(encoded));
  EXPECT_EQ(decoded, bits);
  EXPECT_EQ(*EncodeStatusList(bits), encoded);  // deterministic
}

TEST(EncodedListTest, LargestListWithEveryThirdBitSetRoundTrips) {
  ASSERT_OK_AND_ASSIGN(StatusBitstring bits, StatusBitstring::Create(kMaxStatusListBits));
  for (uint64_t index = 0; index < kMaxStatusListBits; index += 3) ASSERT_OK(bits.Set(index, true));
  ASSERT_OK_AND_ASSIGN(const std::string encoded, EncodeStatusList(bits));
  ASSERT_OK_AND_ASSIGN(const StatusBitstring decoded, DecodeStatusList(encoded));
  EXPECT_EQ(decoded, bits);
}

TEST(EncodedListTest, FreshListEncodesShort) {
  ASSERT_OK_AND_ASSIGN(const std::string encoded, EncodeStatusList(StatusBitstring()));
  EXPECT_LT(encoded.size(), 200u);
  EXPECT_EQ(*DecodeStatusList(encoded), StatusBitstring());
}

TEST(EncodedListTest, MalformedEncodingsAreRefused) {
  const std::string gzip = Compress(kStatusListBits / 8);
  ASSERT_OK(DecodeStatusList(Encoded(gzip)).status());

  ExpectInvalid(DecodeStatusList(""), "does not start with the multibase base64url prefix 'u'");
  ExpectInvalid(DecodeStatusList(jose::Base64UrlEncode(gzip)), "prefix 'u'");
  ExpectInvalid(DecodeStatusList(absl::StrCat("U", jose::Base64UrlEncode(gzip))), "prefix 'u'");
  ExpectInvalid(DecodeStatusList("u"), "is not GZIP");
  ExpectInvalid(DecodeStatusList(absl::StrCat(Encoded(gzip), "=")), "not unpadded base64url");
  ExpectInvalid(
      DecodeStatusList(absl::StrCat(Encoded(gzip).substr(0, 10), "+/", Encoded(gzip).substr(12))),
      "not unpadded base64url");
  ExpectInvalid(DecodeStatusList(absl::StrCat("u ", jose::Base64UrlEncode(gzip))),
                "not unpadded base64url");
  ExpectInvalid(DecodeStatusList(std::string(kMaxEncodedStatusListBytes + 1, 'u')),
                "is longer than");

  // zlib's own wrapper (RFC 1950) and raw bytes are not GZIP.
  ExpectInvalid(DecodeStatusList(Encoded(Compress(kStatusListBits / 8, '\0', MAX_WBITS))),
                "is not GZIP");
  ExpectInvalid(DecodeStatusList(Encoded(std::string(kStatusListBits / 8, '\0'))), "is not GZIP");

  for (const size_t cut : {size_t{1}, size_t{4}, size_t{8}, gzip.size() / 2, size_t{2}}) {
    ExpectInvalid(DecodeStatusList(Encoded(gzip.substr(0, gzip.size() - cut))), "truncated");
  }
  std::string bad_crc = gzip;
  bad_crc[bad_crc.size() - 5] ^= 0x01;  // the CRC-32 sits before the 4-byte length
  ExpectInvalid(DecodeStatusList(Encoded(bad_crc)), "corrupt");
  std::string bad_length = gzip;
  bad_length.back() ^= 0x01;
  ExpectInvalid(DecodeStatusList(Encoded(bad_length)), "corrupt");
  std::string bad_method = gzip;
  bad_method[2] = 0x07;  // CM: only 8 (deflate) is defined
  ExpectInvalid(DecodeStatusList(Encoded(bad_method)), "corrupt");
  ExpectInvalid(DecodeStatusList(Encoded(gzip + gzip)), "bytes after its GZIP stream");
  ExpectInvalid(DecodeStatusList(Encoded(gzip + "x")), "bytes after its GZIP stream");
}

TEST(EncodedListTest, ListsOfTheWrongLengthAreRefused) {
  ExpectInvalid(DecodeStatusList(Encoded(Compress(0))), "fewer than 131072 bits");
  ExpectInvalid(DecodeStatusList(Encoded(Compress(kStatusListBits / 8 - 1))),
                "fewer than 131072 bits");
  ASSERT_OK_AND_ASSIGN(const StatusBitstring largest,
                       DecodeStatusList(Encoded(Compress(kMaxStatusListBits / 8, '\xff'))));
  EXPECT_EQ(largest.size(), kMaxStatusListBits);
  ExpectInvalid(DecodeStatusList(Encoded(Compress(kMaxStatusListBits / 8 + 1))),
                "inflates to more than 8388608 bits");
}

// The kB figure of `field` ("VmRSS", "VmHWM") in /proc/self/status.
std::optional<int64_t> ProcStatusKb(absl::string_view field) {
  std::ifstream status("/proc/self/status");
  const std::string prefix = absl::StrCat(field, ":");
  int64_t kb = 0;
  for (std::string line; std::getline(status, line);) {
    absl::string_view rest = line;
    if (absl::ConsumePrefix(&rest, prefix) && absl::ConsumeSuffix(&rest, "kB") &&
        absl::SimpleAtoi(rest, &kb)) {
      return kb;
    }
  }
  return std::nullopt;
}

// Resets VmHWM, the peak resident size, to the current one (Linux 4.0+).
bool ResetPeakRss() {
  std::ofstream clear_refs("/proc/self/clear_refs");
  clear_refs << "5" << std::flush;
  return clear_refs.good();
}

TEST(EncodedListTest, GzipBombIsRefusedQuicklyAndCheaply) {
  constexpr size_t kBombBytes = 64 * 1024 * 1024;
  const std::string bomb = Encoded(Compress(kBombBytes));
  ASSERT_LT(bomb.size(), kMaxEncodedStatusListBytes);  // so only inflating can catch it
  const bool peak_reset = ResetPeakRss();
  const std::optional<int64_t> rss_before_kb = ProcStatusKb("VmRSS");
  const auto start = std::chrono::steady_clock::now();
  ExpectInvalid(DecodeStatusList(bomb), "inflates to more than 8388608 bits");
  // Inflating all 64 MiB would take longer; stopping at 1 MiB takes milliseconds.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  // And memory: the output stops at 1 MiB and a chunk, where the whole bomb
  // would be 64. (Measured only where /proc lets the peak be reset.)
  const std::optional<int64_t> peak_kb = ProcStatusKb("VmHWM");
  if (peak_reset && rss_before_kb.has_value() && peak_kb.has_value()) {
    EXPECT_LT(*peak_kb - *rss_before_kb, 16 * 1024);
  } else {
    std::cerr << "peak memory not measured: /proc/self/clear_refs or status unavailable\n";
  }
}

// ---- entries ----

TEST(StatusListEntryTest, ToJsonAndBack) {
  const StatusListEntry entry{kListUrl, 94567, "suspension"};
  ASSERT_OK_AND_ASSIGN(const Json json, StatusListEntryToJson(entry));
  EXPECT_EQ(json, Json::parse(R"({"id":"https://bank.example/status/3#94567",
      "type":"BitstringStatusListEntry","statusPurpose":"suspension",
      "statusListIndex":"94567","statusListCredential":"https://bank.example/status/3"})"));
  ASSERT_OK_AND_ASSIGN(const StatusListEntry read, StatusListEntryFromJson(json));
  EXPECT_EQ(read.list_url, entry.list_url);
  EXPECT_EQ(read.index, entry.index);
  EXPECT_EQ(read.purpose, entry.purpose);

  const StatusListEntry zero{kListUrl, 0, "revocation"};
  EXPECT_EQ(StatusListEntryFromJson(*StatusListEntryToJson(zero))->index, 0u);
  const StatusListEntry last{kListUrl, kMaxStatusListBits - 1, "revocation"};
  EXPECT_EQ(StatusListEntryFromJson(*StatusListEntryToJson(last))->index, kMaxStatusListBits - 1);
}

TEST(StatusListEntryTest, BadEntriesAreNotWritten) {
  ExpectInvalid(StatusListEntryToJson({kListUrl, kMaxStatusListBits, "revocation"}),
                "statusListIndex");
  ExpectInvalid(StatusListEntryToJson({kListUrl, 1, "message"}), "statusPurpose");
  ExpectInvalid(StatusListEntryToJson({"http://bank.example/status/3", 1, "revocation"}),
                "not an https URL");
  ExpectInvalid(StatusListEntryToJson({"https://", 1, "revocation"}), "not an https URL");
  ExpectInvalid(StatusListEntryToJson({"https://bank.example/s#3", 1, "revocation"}), "'#'");
  ExpectInvalid(StatusListEntryToJson({"https://bank.example/a b", 1, "revocation"}), "space");
  ExpectInvalid(
      StatusListEntryToJson(
          {absl::StrCat("https://", std::string(kMaxStatusListUrlChars, 'a')), 1, "revocation"}),
      "longer than");
}

TEST(StatusListEntryTest, MalformedEntriesAreRefused) {
  const Json good = *StatusListEntryToJson({kListUrl, 42, "revocation"});
  ASSERT_OK(StatusListEntryFromJson(good).status());
  auto with = [&](const char* name, const Json& value) {
    Json json = good;
    json[name] = value;
    return StatusListEntryFromJson(json);
  };
  auto without = [&](const char* name) {
    Json json = good;
    json.erase(name);
    return StatusListEntryFromJson(json);
  };

  ExpectInvalid(StatusListEntryFromJson(Json::array()), "is not a JSON object");
  ExpectInvalid(StatusListEntryFromJson(Json("x")), "is not a JSON object");
  for (const char* name :
       {"id", "type", "statusPurpose", "statusListIndex", "statusListCredential"}) {
    ExpectInvalid(without(name), absl::StrCat(name, " is missing"));
    ExpectInvalid(with(name, 42), absl::StrCat(name, " is not a string"));
  }
  ExpectInvalid(with("statusSize", 1), "a member we never write");
  ExpectInvalid(with("statusMessage", Json::array()), "a member we never write");
  ExpectInvalid(with("type", "StatusList2021Entry"), "type is not BitstringStatusListEntry");
  for (const char* purpose : {"message", "refresh", "Revocation", ""}) {
    ExpectInvalid(with("statusPurpose", purpose), "statusPurpose");
  }
  for (const char* index : {"", "042", "00", "-1", "+1", " 42", "42 ", "4.2", "0x2a", "1e3", "８",
                            "8388608", "99999999999999999999999999"}) {
    ExpectInvalid(with("statusListIndex", index), "statusListIndex is not a decimal integer");
  }
  ExpectInvalid(with("id", "https://bank.example/status/3#43"), "id is not");
  ExpectInvalid(with("id", "https://bank.example/status/3#042"), "id is not");
  ExpectInvalid(with("id", "https://bank.example/status/4#42"), "id is not");
  ExpectInvalid(with("id", kListUrl), "id is not");  // the spec: never the list's own URL
  ExpectInvalid(with("statusListCredential", "https://bank.example/status/4"), "id is not");
  ExpectInvalid(with("statusListCredential", "ftp://bank.example/status/3"), "not an https URL");
}

TEST(StatusListEntryTest, ErrorsDoNotQuoteTheInput) {
  Json json = *StatusListEntryToJson({kListUrl, 42, "revocation"});
  json["statusListCredential"] = "https://张伟.example/status/3";
  json["statusListIndex"] = "6212345678901232";
  const absl::Status status = StatusListEntryFromJson(json).status();
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("6212345678901232")));
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("张伟")));
}

// ---- signed list credentials ----

class StatusListCredentialTest : public ::testing::TestWithParam<JwsAlgorithm> {
 protected:
  StatusListCredentialTest() {
    ec_key_ = *GenerateEcP256Key();
    ed_key_ = *GenerateEd25519Key();
    keys_.push_back(*jose::PublicJwkFromPrivateKey(*ec_key_, JwsAlgorithm::kEs256, "bank-ec-1"));
    keys_.push_back(*jose::PublicJwkFromPrivateKey(*ed_key_, JwsAlgorithm::kEdDsa, "bank-ed-1"));
  }

  const EVP_PKEY& PrivateKey() const {
    return GetParam() == JwsAlgorithm::kEs256 ? *ec_key_ : *ed_key_;
  }
  std::string Kid() const { return GetParam() == JwsAlgorithm::kEs256 ? "bank-ec-1" : "bank-ed-1"; }

  static StatusListCredential Credential() {
    return {kListUrl, kIssuer, "revocation", kValidFrom, kValidFrom + 86'400, Scattered()};
  }

  std::string Sign(const StatusListCredential& credential = Credential()) {
    absl::StatusOr<std::string> jws =
        SignStatusListCredential(credential, PrivateKey(), GetParam(), Kid());
    EXPECT_THAT(jws, IsOk());
    return jws.ok() ? *jws : "";
  }

  // A JWS whose signature is good over `payload`, with typ `typ`.
  std::string SignPayload(const Json& payload, absl::string_view typ = "vc+jwt") {
    return *jose::SignCompactJws(PrivateKey(), GetParam(), Kid(), typ, payload.dump());
  }

  absl::StatusOr<StatusListCredential> Verify(absl::string_view jws) {
    return VerifyStatusListCredential(jws, keys_, kIssuer);
  }

  EvpPkeyPtr ec_key_;
  EvpPkeyPtr ed_key_;
  std::vector<jose::PublicJwk> keys_;
};

INSTANTIATE_TEST_SUITE_P(Algorithms, StatusListCredentialTest,
                         ::testing::Values(JwsAlgorithm::kEs256, JwsAlgorithm::kEdDsa),
                         [](const ::testing::TestParamInfo<JwsAlgorithm>& info) {
                           return std::string(jose::JwsAlgorithmName(info.param));
                         });

TEST_P(StatusListCredentialTest, JsonHasTheVcDataModel2Shape) {
  ASSERT_OK_AND_ASSIGN(const Json json, StatusListCredentialToJson(Credential()));
  const Json expected = {{"@context", {"https://www.w3.org/ns/credentials/v2"}},
                         {"id", kListUrl},
                         {"type", {"VerifiableCredential", "BitstringStatusListCredential"}},
                         {"issuer", kIssuer},
                         {"validFrom", "2026-09-01T00:00:00Z"},
                         {"validUntil", "2026-09-02T00:00:00Z"},
                         {"credentialSubject",
                          {{"id", "https://bank.example/status/3#list"},
                           {"type", "BitstringStatusList"},
                           {"statusPurpose", "revocation"},
                           {"encodedList", *EncodeStatusList(Scattered())}}},
                         {"iss", kIssuer},
                         {"nbf", kValidFrom},
                         {"exp", kValidFrom + 86'400},
                         {"jti", kListUrl}};
  EXPECT_EQ(json, expected);

  StatusListCredential bad = Credential();
  bad.valid_from_unix_seconds = -1;
  ExpectInvalid(StatusListCredentialToJson(bad), "validFrom");
  bad = Credential();
  bad.valid_from_unix_seconds = kMaxValidFromUnixSeconds + 1;
  ExpectInvalid(StatusListCredentialToJson(bad), "validFrom");
  bad = Credential();
  bad.valid_until_unix_seconds = bad.valid_from_unix_seconds;
  ExpectInvalid(StatusListCredentialToJson(bad), "validUntil");
  bad = Credential();
  bad.issuer_id = "";
  ExpectInvalid(StatusListCredentialToJson(bad), "issuer");
  bad = Credential();
  bad.purpose = "message";
  ExpectInvalid(StatusListCredentialToJson(bad), "statusPurpose");
  bad = Credential();
  bad.list_url = "bank.example/status/3";
  ExpectInvalid(StatusListCredentialToJson(bad), "id: is not an https URL");
}

TEST_P(StatusListCredentialTest, SignedCredentialVerifies) {
  const std::string jws = Sign();
  const std::vector<std::string> parts = absl::StrSplit(jws, '.');
  ASSERT_EQ(parts.size(), 3u);
  const Json header = Json::parse(*jose::Base64UrlDecode(parts[0]));
  EXPECT_EQ(header["typ"], "vc+jwt");
  EXPECT_EQ(header["kid"], Kid());
  const Json payload = Json::parse(*jose::Base64UrlDecode(parts[1]));
  EXPECT_FALSE(payload.contains("vc"));
  EXPECT_EQ(payload, *StatusListCredentialToJson(Credential()));

  ASSERT_OK_AND_ASSIGN(const StatusListCredential verified, Verify(jws));
  EXPECT_EQ(verified.list_url, kListUrl);
  EXPECT_EQ(verified.issuer_id, kIssuer);
  EXPECT_EQ(verified.purpose, "revocation");
  EXPECT_EQ(verified.valid_from_unix_seconds, kValidFrom);
  EXPECT_EQ(verified.bits, Scattered());

  StatusListCredential suspension = Credential();
  suspension.purpose = "suspension";
  suspension.valid_from_unix_seconds = 0;
  EXPECT_EQ(Verify(Sign(suspension))->purpose, "suspension");
}

TEST_P(StatusListCredentialTest, TamperedCredentialIsUnauthenticated) {
  const std::vector<std::string> parts = absl::StrSplit(Sign(), '.');
  Json payload = Json::parse(*jose::Base64UrlDecode(parts[1]));
  StatusBitstring unrevoked = Scattered();
  ASSERT_OK(unrevoked.Set(12345, false));
  payload["credentialSubject"]["encodedList"] = *EncodeStatusList(unrevoked);
  EXPECT_THAT(
      Verify(absl::StrJoin({parts[0], jose::Base64UrlEncode(payload.dump()), parts[2]}, ".")),
      StatusIs(absl::StatusCode::kUnauthenticated));

  std::string signature = *jose::Base64UrlDecode(parts[2]);
  signature[10] ^= 0x01;
  EXPECT_THAT(Verify(absl::StrJoin({parts[0], parts[1], jose::Base64UrlEncode(signature)}, ".")),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_P(StatusListCredentialTest, UnknownKidOrForeignKeyIsRefused) {
  const absl::StatusOr<StatusListCredential> unknown =
      VerifyStatusListCredential(Sign(), {}, kIssuer);
  EXPECT_THAT(unknown, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(std::string(unknown.status().message()), HasSubstr("kid names no key"));

  // Another key published under our kid: the signature does not verify.
  const EvpPkeyPtr other =
      GetParam() == JwsAlgorithm::kEs256 ? *GenerateEcP256Key() : *GenerateEd25519Key();
  std::vector<jose::PublicJwk> impostor;
  impostor.push_back(*jose::PublicJwkFromPrivateKey(*other, GetParam(), Kid()));
  EXPECT_THAT(VerifyStatusListCredential(Sign(), impostor, kIssuer),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_P(StatusListCredentialTest, AnotherIssuersCredentialIsUnauthenticated) {
  const absl::StatusOr<StatusListCredential> other =
      VerifyStatusListCredential(Sign(), keys_, "did:web:other.example");
  EXPECT_THAT(other, StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(std::string(other.status().message()), HasSubstr("not the expected issuer"));
}

TEST_P(StatusListCredentialTest, MalformedJwsIsInvalid) {
  EXPECT_THAT(Verify(""), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Verify("a.b"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Verify(std::string(jose::kMaxJwsBytes + 1, 'a')),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_P(StatusListCredentialTest, SignedButMalformedPayloadsAreRefused) {
  const Json good = *StatusListCredentialToJson(Credential());
  ASSERT_OK(Verify(SignPayload(good)).status());
  ExpectInvalid(Verify(SignPayload(good, "JWT")), "typ is not vc+jwt");
  ExpectInvalid(Verify(*jose::SignCompactJws(PrivateKey(), GetParam(), Kid(), "vc+jwt", "[1]")),
                "payload is not a strict JSON object");
  ExpectInvalid(Verify(*jose::SignCompactJws(PrivateKey(), GetParam(), Kid(), "vc+jwt",
                                             R"({"iss":"a","iss":"b"})")),
                "payload is not a strict JSON object");

  struct Case {
    const char* pointer;  // a JSON pointer into the payload
    Json value;           // null: remove the member
    const char* reason;
  };
  const std::string good_list = *EncodeStatusList(StatusBitstring());
  const std::vector<Case> cases = {
      {"/id", nullptr, "id is missing"},
      {"/ttl", 300000, "a member we never write"},
      {"/vc", Json::object(), "a member we never write"},
      {"/@context", Json::array({"https://www.w3.org/2018/credentials/v1"}), "@context"},
      {"/@context/1", "https://example.org/extra", "@context"},
      {"/type", Json::array({"VerifiableCredential"}), "type is not"},
      {"/type", "BitstringStatusListCredential", "type is not"},
      {"/id", "https://bank.example/status/4", "jti is not its id"},
      {"/id", 3, "id is not a string"},
      {"/jti", "https://bank.example/status/4", "jti is not its id"},
      {"/iss", "did:web:other.example", "iss is not its issuer"},
      {"/validFrom", "2026-09-01T00:00:01Z", "nbf is not"},
      {"/validFrom", "2026-09-01t00:00:00Z", "validFrom is not an RFC 3339"},
      {"/validFrom", "2026-09-01T00:00:00.0Z", "validFrom is not an RFC 3339"},
      {"/validFrom", "2026-09-01T00:00:00+00:00", "validFrom is not an RFC 3339"},
      {"/validFrom", "2026-9-01T00:00:00Z", "validFrom is not an RFC 3339"},
      {"/validFrom", "1969-12-31T23:59:59Z", "validFrom is not an RFC 3339"},
      {"/validFrom", 1788220800, "validFrom is not a string"},
      {"/nbf", "1788220800", "nbf is not"},
      {"/nbf", 1788220800.0, "nbf is not"},
      {"/nbf", kValidFrom + 1, "nbf is not"},
      {"/validUntil", "2026-09-01T00:00:00Z", "validUntil is not"},
      {"/validUntil", "2026-09-02T00:00:00.5Z", "validUntil is not"},
      {"/exp", kValidFrom, "exp is not"},
      {"/credentialSubject", "x", "credentialSubject: is not an object"},
      {"/credentialSubject/ttl", 300000, "credentialSubject: has a member we never write"},
      {"/credentialSubject/encodedList", nullptr, "encodedList is missing"},
      {"/credentialSubject/id", kListUrl, "id is not the credential's id followed by #list"},
      {"/credentialSubject/type", "StatusList2021", "type is not BitstringStatusList"},
      {"/credentialSubject/statusPurpose", "message", "statusPurpose"},
      {"/credentialSubject/statusPurpose", Json::array({"revocation"}), "not a string"},
      {"/credentialSubject/encodedList", good_list.substr(1), "prefix 'u'"},
      {"/credentialSubject/encodedList", Encoded(Compress(100)), "fewer than 131072 bits"},
      {"/credentialSubject/encodedList", Encoded(Compress(64 * 1024 * 1024)), "more than"},
  };
  for (const Case& c : cases) {
    Json payload = good;
    const Json::json_pointer pointer(c.pointer);
    if (c.value.is_null()) {
      payload[pointer.parent_pointer()].erase(pointer.back());
    } else {
      payload[pointer] = c.value;
    }
    ExpectInvalid(Verify(SignPayload(payload)), c.reason);
  }

  // A payload of another issuer is refused as such, whatever else it holds.
  Json other = good;
  other["issuer"] = "did:web:other.example";
  other["credentialSubject"]["encodedList"] = "not a list";
  EXPECT_THAT(Verify(SignPayload(other)), StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_P(StatusListCredentialTest, StatusOfEntryReadsTheEntrysBit) {
  ASSERT_OK_AND_ASSIGN(const StatusListCredential list, Verify(Sign()));
  EXPECT_EQ(*StatusOfEntry(list, {kListUrl, 12345, "revocation"}), true);
  EXPECT_EQ(*StatusOfEntry(list, {kListUrl, 12346, "revocation"}), false);
  ExpectInvalid(StatusOfEntry(list, {"https://bank.example/status/4", 12345, "revocation"}),
                "names another status list");
  ExpectInvalid(StatusOfEntry(list, {kListUrl, 12345, "suspension"}),
                "statusPurpose is not the list's");
  EXPECT_THAT(StatusOfEntry(list, {kListUrl, kStatusListBits, "revocation"}),
              StatusIs(absl::StatusCode::kOutOfRange));
}

// ---- another implementation reads what we write, and we what it writes ----

TEST_P(StatusListCredentialTest, PythonGzipReadsOurEncodedList) {
  const std::string jws = Sign();
  // Python parses the JWS payload, strips the 'u', base64url-decodes and
  // gunzips with its own gzip module, and prints the list's length in bytes
  // and the index of every set bit, left-most bit first.
  const std::string script = R"PY(
import base64, gzip, json, sys
def b64(s): return base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))
payload = json.loads(b64(sys.argv[1].split('.')[1]))
encoded = payload['credentialSubject']['encodedList']
assert encoded[0] == 'u'
data = gzip.decompress(b64(encoded[1:]))
print(len(data), *[8 * i + b for i, byte in enumerate(data) for b in range(8) if byte & (0x80 >> b)])
)PY";
  const std::string out =
      RunShell(absl::StrCat("/usr/bin/python3 - '", jws, "' <<'EOF'\n", script, "EOF\n"));
  std::vector<std::string> expected = {absl::StrCat(kStatusListBits / 8)};
  for (const uint64_t index : kScatteredBits) expected.push_back(absl::StrCat(index));
  EXPECT_EQ(out, absl::StrCat(absl::StrJoin(expected, " "), "\n"));
}

TEST(InteropTest, WeReadPythonsGzip) {
  // Python's gzip.compress writes a header of its own (a timestamp, the
  // maximum-compression flag); bits 3 and 131071 set.
  const std::string encoded = RunShell(
      "/usr/bin/python3 -c \"import base64, gzip; d = bytearray(16384); d[0] = 0x10; "
      "d[-1] = 0x01; print('u' + base64.urlsafe_b64encode(gzip.compress(bytes(d), 9))"
      ".decode().rstrip('='), end='')\"");
  ASSERT_OK_AND_ASSIGN(const StatusBitstring bits, DecodeStatusList(encoded));
  StatusBitstring expected;
  ASSERT_OK(expected.Set(3, true));
  ASSERT_OK(expected.Set(kStatusListBits - 1, true));
  EXPECT_EQ(bits, expected);
}

TEST(InteropTest, GzipCommandReadsOurGzip) {
  const std::string encoded = *EncodeStatusList(Scattered());
  // gzip -dc of our bytes, counted and summed by od, from base64url via Python's decoder.
  const std::string out = RunShell(
      absl::StrCat("/usr/bin/python3 -c \"import base64, sys; s = sys.argv[1][1:]; "
                   "sys.stdout.buffer.write(base64.urlsafe_b64decode(s + '=' * (-len(s) % 4)))\" '",
                   encoded,
                   "' | gzip -dc | od -An -v -tx1 | tr -s ' \\n' '\\n' | grep -v '^$' | "
                   "grep -vc '^00$'"));
  // Scattered() sets 11 bits in 7 distinct bytes: {0,1,7}, {8,9,15}, 16, 1000, 12345, 65536,
  // 131071.
  EXPECT_EQ(out, "7\n");
}

}  // namespace
}  // namespace creditbank::domain::transcripts
