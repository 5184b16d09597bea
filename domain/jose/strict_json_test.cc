// ParseStrictJsonObject: objects accepted as nlohmann reads them; repeated
// member names at any level, NUL bytes, non-objects, trailing data, bad
// UTF-8 and nesting past the limit refused, without an exception.
// DumpJson: byte for byte what nlohmann's dump() writes.
#include "domain/jose/strict_json.h"

#include <optional>
#include <string>

#include "absl/strings/escaping.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace creditbank::domain::jose {
namespace {

using Json = nlohmann::json;

std::string Nested(size_t depth) {
  // depth objects, one inside the other: {"a":{"a":{}}} is depth 3.
  std::string text;
  for (size_t level = 1; level < depth; ++level) text += "{\"a\":";
  text += "{}";
  text += std::string(depth - 1, '}');
  return text;
}

TEST(StrictJsonTest, ParsesAnObject) {
  const std::optional<Json> json = ParseStrictJsonObject(
      R"({"name":"张伟","course":"高等数学（一）","credits_milli":4000,"passed":true,)"
      R"("terms":[{"term":"2026-秋"},{"term":"2027-春"}]})");
  ASSERT_TRUE(json.has_value());
  EXPECT_EQ((*json)["name"], "张伟");
  EXPECT_EQ((*json)["credits_milli"], 4000);
  EXPECT_EQ((*json)["terms"][1]["term"], "2027-春");
}

TEST(StrictJsonTest, SurroundingWhitespaceIsAllowed) {
  EXPECT_TRUE(ParseStrictJsonObject(" \n{\"a\":1}\t\r\n").has_value());
}

TEST(StrictJsonTest, RefusesRepeatedMemberNamesAtAnyLevel) {
  EXPECT_FALSE(ParseStrictJsonObject(R"({"alg":"ES256","alg":"none"})").has_value());
  EXPECT_FALSE(ParseStrictJsonObject(R"({"a":{"b":1,"b":2}})").has_value());
  EXPECT_FALSE(ParseStrictJsonObject(R"({"a":[{"b":1},{"c":1,"c":1}]})").has_value());
  // The same spelling by escape is the same name.
  EXPECT_FALSE(ParseStrictJsonObject(R"({"alg":1,"\u0061lg":2})").has_value());
}

TEST(StrictJsonTest, TheSameNameInDifferentObjectsIsFine) {
  EXPECT_TRUE(
      ParseStrictJsonObject(R"({"a":{"b":1},"c":{"b":2},"d":[{"b":3},{"b":4}]})").has_value());
}

TEST(StrictJsonTest, RefusesNonObjects) {
  for (const char* text : {"[]", "[{\"a\":1}]", "\"a\"", "1", "true", "null", ""}) {
    EXPECT_FALSE(ParseStrictJsonObject(text).has_value()) << text;
  }
}

TEST(StrictJsonTest, RefusesMalformedJsonWithoutThrowing) {
  for (const char* text : {"{", "{\"a\":}", "{\"a\":1,}", "{'a':1}", "{\"a\":1}{\"b\":2}",
                           "{\"a\":1} x", "{\"a\":01}", "{\"a\":NaN}", "{\"a\":\"\\x41\"}",
                           "{\"a\":\"\\ud800\"}", "{\"a\":\"\xff\"}", "{\"a\":\"\xc3\"}"}) {
    EXPECT_FALSE(ParseStrictJsonObject(text).has_value()) << text;
  }
}

TEST(StrictJsonTest, RefusesANulByteAnywhere) {
  EXPECT_FALSE(ParseStrictJsonObject(absl::string_view("{\"a\":1}\0{\"b\":2}", 15)).has_value());
  EXPECT_FALSE(ParseStrictJsonObject(absl::string_view("{\"a\":1}\0", 8)).has_value());
  EXPECT_FALSE(ParseStrictJsonObject(absl::string_view("{\"a\0\":1}", 9)).has_value());
}

TEST(StrictJsonTest, DepthLimitCountsTheOuterObject) {
  EXPECT_TRUE(ParseStrictJsonObject(Nested(kMaxJsonDepth)).has_value());
  EXPECT_FALSE(ParseStrictJsonObject(Nested(kMaxJsonDepth + 1)).has_value());
  EXPECT_TRUE(ParseStrictJsonObject("{}", 1).has_value());
  EXPECT_FALSE(ParseStrictJsonObject("{\"a\":[]}", 1).has_value());
  EXPECT_TRUE(ParseStrictJsonObject("{\"a\":[]}", 2).has_value());
  EXPECT_FALSE(ParseStrictJsonObject("{}", 0).has_value());
}

TEST(StrictJsonTest, ArraysCountTowardsTheDepth) {
  const std::string deep =
      "{\"a\":" + std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']') + "}";
  EXPECT_FALSE(ParseStrictJsonObject(deep).has_value());
  const std::string at_limit =
      "{\"a\":" + std::string(kMaxJsonDepth - 1, '[') + std::string(kMaxJsonDepth - 1, ']') + "}";
  EXPECT_TRUE(ParseStrictJsonObject(at_limit).has_value());
}

TEST(StrictJsonTest, HugeNestingIsRefusedCheaply) {
  // A megabyte of '[' must neither build a deep tree nor overflow a stack.
  constexpr size_t kDepth = 512 * 1024;
  const std::string deep = "{\"a\":" + std::string(kDepth, '[') + std::string(kDepth, ']') + "}";
  EXPECT_FALSE(ParseStrictJsonObject(deep).has_value());
  EXPECT_FALSE(ParseStrictJsonObject("{\"a\":" + std::string(kDepth, '[')).has_value());
}

TEST(DumpJsonTest, WritesWhatDumpWrites) {
  const std::optional<Json> json = ParseStrictJsonObject(
      R"({"name":"张伟","course":"高等数学（一）","credits":3.5,"whole":3.0,"tiny":1e-7,)"
      R"("big":18446744073709551615,"negative":-42,"none":null,"yes":true,"no":false,)"
      R"("leaf":"{\"a\":\"b\\\\c\"}","controls":"\u0000\u0001\b\t\n\f\r\u001f\u007f/",)"
      R"("emoji":"😀","empty":"","list":[],"object":{},"nested":[{"b":[1,2.25,"x"]}]})");
  ASSERT_TRUE(json.has_value());
  EXPECT_EQ(DumpJson(*json), json->dump());
}

TEST(DumpJsonTest, AgreesWithDumpOnEveryShortByteString) {
  // Every string of up to two bytes, and three-byte strings with a lead
  // byte of every kind: DumpJson writes what dump() writes, or refuses
  // exactly where dump() throws.
  const auto agree = [](const std::string& text) {
    const Json json = {{text, text}, {"k", Json::array({text})}};
    std::optional<std::string> expected;
    try {
      expected = json.dump();
    } catch (const Json::exception&) {
      expected = std::nullopt;
    }
    EXPECT_EQ(DumpJson(json), expected) << absl::CHexEscape(text);
  };
  for (int first = 0; first < 256; ++first) {
    agree(std::string(1, static_cast<char>(first)));
    for (int second = 0; second < 256; ++second) {
      agree(std::string({static_cast<char>(first), static_cast<char>(second)}));
    }
  }
  for (const int lead : {0xC2, 0xDF, 0xE0, 0xE1, 0xED, 0xEF, 0xF0, 0xF1, 0xF4, 0xF5}) {
    for (int second = 0x70; second < 0xD0; ++second) {
      for (int third = 0x70; third < 0xD0; ++third) {
        agree(std::string({static_cast<char>(lead), static_cast<char>(second),
                           static_cast<char>(third), '\x80'}));
        agree(std::string({static_cast<char>(lead), static_cast<char>(second),
                           static_cast<char>(third)}));
      }
    }
  }
}

TEST(DumpJsonTest, RefusesWhatIsNoJson) {
  EXPECT_EQ(DumpJson(Json::binary({1, 2, 3})), std::nullopt);
  EXPECT_EQ(DumpJson(Json(Json::value_t::discarded)), std::nullopt);
  EXPECT_EQ(DumpJson(Json{{"a", "\xff"}}), std::nullopt);
}

TEST(StrictJsonTest, BuildsWhatNlohmannBuilds) {
  const std::string text =
      R"({"@context":["https://www.w3.org/ns/credentials/v2"],"n":-1,"u":18446744073709551615,)"
      R"("f":-0.5e3,"s":"\u00e9\ud83d\ude00\"","a":[[],{},[{"x":null}]],"t":true,"z":false})";
  const std::optional<Json> strict = ParseStrictJsonObject(text);
  ASSERT_TRUE(strict.has_value());
  const Json plain = Json::parse(text);
  EXPECT_EQ(*strict, plain);
  EXPECT_EQ(strict->dump(), plain.dump());
  EXPECT_TRUE((*strict)["u"].is_number_unsigned());
  EXPECT_TRUE((*strict)["n"].is_number_integer());
  EXPECT_TRUE((*strict)["f"].is_number_float());
}

TEST(StrictJsonTest, RefusesNumbersOutOfRange) {
  EXPECT_FALSE(ParseStrictJsonObject(R"({"a":1e400})").has_value());
}

}  // namespace
}  // namespace creditbank::domain::jose
