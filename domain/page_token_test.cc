// Page tokens: round trip, bound to their filters, malformed ones refused
// with INVALID_ARGUMENT naming the field.
#include "domain/page_token.h"

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/keys.h"
#include "tests/testing/error_matchers.h"

namespace creditbank::domain {
namespace {

using ::creditbank::testing::HasField;
using ::creditbank::testing::HasReason;
using ::creditbank::testing::StatusIs;

TEST(PageTokenTest, RoundTripsBinaryKeys) {
  for (const std::string& key : {storage::EntryKey(42), std::string("4150013588"),
                                 std::string("\x00\xff\x00", 3), std::string("x")}) {
    const std::string token = EncodePageToken(key, "filters: sector=2");
    EXPECT_EQ(token.find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos)
        << "URL-safe: " << token;
    ASSERT_OK_AND_ASSIGN(std::string decoded,
                         DecodePageToken(token, "filters: sector=2", "page_token"));
    EXPECT_EQ(decoded, key);
  }
}

TEST(PageTokenTest, EmptyTokenMeansTheFirstPage) {
  ASSERT_OK_AND_ASSIGN(std::string decoded, DecodePageToken("", "any filters", "page_token"));
  EXPECT_EQ(decoded, "");
}

TEST(PageTokenTest, TokenOfOtherFiltersIsRefused) {
  const std::string token = EncodePageToken(storage::EntryKey(42), "account=6217000000000014");
  absl::StatusOr<std::string> decoded =
      DecodePageToken(token, "account=6222021001123459", "page_token");
  EXPECT_THAT(decoded, StatusIs(absl::StatusCode::kInvalidArgument, HasField("page_token")));
  EXPECT_THAT(decoded, HasReason("INVALID_FIELD"));
  EXPECT_EQ(decoded.status().message(),
            "page_token: was issued for a request with other filters");
}

TEST(PageTokenTest, MalformedTokensAreRefused) {
  const std::string good = EncodePageToken(storage::EntryKey(42), "f");
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(good, &raw));
  std::string other_version = raw;
  other_version[0] = 2;
  struct Case {
    std::string name;
    std::string token;
  };
  const std::vector<Case> cases = {
      {"not base64", "!!!!"},
      {"too short", absl::WebSafeBase64Escape(raw.substr(0, 8))},
      {"other version", absl::WebSafeBase64Escape(other_version)},
      {"too long", std::string(513, 'A')},
      {"chinese", "下一页"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::string> decoded = DecodePageToken(c.token, "f", "page_token");
    EXPECT_THAT(decoded, StatusIs(absl::StatusCode::kInvalidArgument, HasField("page_token")))
        << c.name;
    EXPECT_EQ(decoded.status().message(), "page_token: is not a page token issued by this server")
        << c.name;
  }
}

TEST(PageTokenTest, FlippedFingerprintIsRefused) {
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(EncodePageToken("k", "f"), &raw));
  raw[3] ^= 0x01;
  EXPECT_THAT(DecodePageToken(absl::WebSafeBase64Escape(raw), "f", "next"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasField("next")));
}

}  // namespace
}  // namespace creditbank::domain
