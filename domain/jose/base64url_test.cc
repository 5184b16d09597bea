// base64url: RFC 4648's test vectors in the URL-safe alphabet, round trips
// of every length and byte, and each non-canonical spelling refused.
#include "domain/jose/base64url.h"

#include <optional>
#include <string>

#include "absl/strings/escaping.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace creditbank::domain::jose {
namespace {

using ::testing::Eq;
using ::testing::Optional;

TEST(Base64UrlTest, EncodesRfc4648VectorsWithoutPadding) {
  // RFC 4648 §10, with the padding JOSE drops.
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(Base64UrlEncode("foob"), "Zm9vYg");
  EXPECT_EQ(Base64UrlEncode("fooba"), "Zm9vYmE");
  EXPECT_EQ(Base64UrlEncode("foobar"), "Zm9vYmFy");
}

TEST(Base64UrlTest, UsesTheUrlSafeAlphabet) {
  // 0xfb 0xff 0xbf is "+/+/" in the standard alphabet.
  EXPECT_EQ(Base64UrlEncode("\xfb\xff\xbf"), "-_-_");
  EXPECT_THAT(Base64UrlDecode("-_-_"), Optional(Eq(std::string("\xfb\xff\xbf"))));
}

TEST(Base64UrlTest, RoundTripsEveryLengthAndByte) {
  std::string bytes;
  for (int length = 0; length < 300; ++length) {
    EXPECT_THAT(Base64UrlDecode(Base64UrlEncode(bytes)), Optional(Eq(bytes))) << length;
    bytes.push_back(static_cast<char>(length * 7 + 3));
  }
}

TEST(Base64UrlTest, DecodesChineseText) {
  const std::string course = "终身学习学分银行：高等数学（一）";
  EXPECT_THAT(Base64UrlDecode(Base64UrlEncode(course)), Optional(Eq(course)));
}

TEST(Base64UrlTest, RefusesPadding) {
  EXPECT_EQ(Base64UrlDecode("Zg=="), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Zm8="), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Zm9v===="), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("="), std::nullopt);
}

TEST(Base64UrlTest, RefusesTheStandardAlphabet) {
  EXPECT_EQ(Base64UrlDecode("+/+/"), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("-_+/"), std::nullopt);
}

TEST(Base64UrlTest, RefusesWhitespaceAndOtherCharacters) {
  for (const char* text : {"Zm9v YmFy", "Zm9v\nYmFy", " Zm9v", "Zm9v\t", "Zm9v.", "Zm9v\xc3\xa9"}) {
    EXPECT_EQ(Base64UrlDecode(text), std::nullopt) << text;
  }
  EXPECT_EQ(Base64UrlDecode(absl::string_view("Zm\0v", 4)), std::nullopt);
}

TEST(Base64UrlTest, RefusesAnImpossibleLength) {
  // 4n+1 characters hold 6n+6 bits: no whole number of bytes.
  EXPECT_EQ(Base64UrlDecode("Z"), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Zm9vY"), std::nullopt);
}

TEST(Base64UrlTest, RefusesNonCanonicalTrailingBits) {
  // "Zg" is "f"; "Zh".."Zv" differ only in the 4 bits nothing reads.
  EXPECT_THAT(Base64UrlDecode("Zg"), Optional(Eq(std::string("f"))));
  for (const char* text : {"Zh", "Zi", "Zj", "Zv"}) {
    EXPECT_EQ(Base64UrlDecode(text), std::nullopt) << text;
  }
  // "Zm8" is "fo"; "Zm9" sets one of the 2 unused bits.
  EXPECT_THAT(Base64UrlDecode("Zm8"), Optional(Eq(std::string("fo"))));
  EXPECT_EQ(Base64UrlDecode("Zm9"), std::nullopt);
}

TEST(Base64UrlTest, EmptyTextIsEmptyBytes) {
  EXPECT_THAT(Base64UrlDecode(""), Optional(Eq(std::string())));
}

TEST(Base64UrlTest, AcceptsExactlyTheTextsThatEncodeBack) {
  // Every text of 2 and 3 characters of the alphabet, against the rule the
  // decoder promises: accepted exactly when encoding the bytes gives the
  // text back.
  const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const auto check = [](const std::string& text) {
    std::string bytes;
    const bool canonical = absl::WebSafeBase64Unescape(text, &bytes) &&
                           Base64UrlEncode(bytes) == text;
    const std::optional<std::string> decoded = Base64UrlDecode(text);
    EXPECT_EQ(decoded.has_value(), canonical) << text;
    if (decoded.has_value() && canonical) {
      EXPECT_EQ(*decoded, bytes) << text;
    }
  };
  for (const char first : alphabet) {
    for (const char second : alphabet) {
      check(std::string({'Q', 'U', 'J', 'D', first, second}));
      for (const char third : alphabet) check(std::string({first, second, third}));
    }
  }
}

}  // namespace
}  // namespace creditbank::domain::jose
