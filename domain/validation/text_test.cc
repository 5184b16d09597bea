// Strict UTF-8, display text and identifier alphabets.
#include "domain/validation/text.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace creditbank::domain {
namespace {

using ::testing::HasSubstr;
using ::testing::Optional;

std::string Repeat(const std::string& text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

struct Utf8Case {
  std::string name;
  std::string text;
  std::optional<size_t> length;
};

TEST(Utf8LengthTest, CountsCodePointsOfWellFormedText) {
  const std::vector<Utf8Case> cases = {
      {"empty", "", 0},
      {"ascii", "MATH101", 7},
      {"chinese title", "高等数学（上）", 7},
      {"name", "欧阳娜娜", 4},
      {"two-byte", "\xc2\xa9 2026", 6},                // © 2026
      {"four-byte emoji", "\xf0\x9f\x8e\x93", 1},      // U+1F393 graduation cap
      {"rare CJK extension B", "\xf0\xa0\x80\x80", 1}, // U+20000
      {"highest code point", "\xf4\x8f\xbf\xbf", 1},   // U+10FFFF
      {"last before surrogates", "\xed\x9f\xbf", 1},   // U+D7FF
      {"first after surrogates", "\xee\x80\x80", 1},   // U+E000
      {"embedded NUL is a code point", std::string("a\0b", 3), 3},
  };
  for (const Utf8Case& c : cases) {
    EXPECT_EQ(Utf8Length(c.text), c.length) << c.name;
  }
}

TEST(Utf8LengthTest, RejectsMalformedText) {
  const std::vector<Utf8Case> cases = {
      {"lone continuation byte", "\x80", std::nullopt},
      {"truncated two-byte", "\xc3", std::nullopt},
      {"truncated three-byte", "\xe9\xab", std::nullopt},   // 高 missing its last byte
      {"truncated four-byte", "\xf0\x9f\x8e", std::nullopt},
      {"overlong slash", "\xc0\xaf", std::nullopt},
      {"overlong NUL", "\xc0\x80", std::nullopt},
      {"overlong three-byte", "\xe0\x80\xaf", std::nullopt},
      {"overlong four-byte", "\xf0\x80\x80\xaf", std::nullopt},
      {"high surrogate", "\xed\xa0\x80", std::nullopt},   // U+D800
      {"low surrogate", "\xed\xbf\xbf", std::nullopt},    // U+DFFF
      {"above U+10FFFF", "\xf4\x90\x80\x80", std::nullopt},
      {"five-byte lead", "\xf8\x88\x80\x80\x80", std::nullopt},
      {"0xff byte", "\xff", std::nullopt},
      {"bad continuation", "\xe9\x41\x98", std::nullopt},
      {"GBK-encoded 高", "\xb8\xdf", std::nullopt},
      {"valid then truncated", "高\xe9", std::nullopt},
  };
  for (const Utf8Case& c : cases) {
    EXPECT_EQ(Utf8Length(c.text), std::nullopt) << c.name;
  }
}

struct DisplayCase {
  std::string name;
  std::string text;
  size_t min;
  size_t max;
  std::string why;  // "" when acceptable, else a substring of the reason
};

TEST(CheckDisplayTextTest, AcceptsAndRejectsByRule) {
  const std::vector<DisplayCase> cases = {
      {"chinese course title", "高等数学（上）", 1, 200, ""},
      {"mixed title", "Python 程序设计基础 (2026 春)", 1, 200, ""},
      {"name with middle dot", "阿卜杜热西提·买买提", 1, 64, ""},
      {"exactly max characters", Repeat("张", 64), 1, 64, ""},
      {"inner ideographic space", "张\u3000伟", 1, 64, ""},
      {"empty allowed when min is 0", "", 0, 10, ""},
      {"empty", "", 1, 200, "must not be empty"},
      {"too long counts characters not bytes", Repeat("张", 65), 1, 64,
       "must have at most 64 characters, has 65"},
      {"too short", "张", 2, 64, "must have at least 2 characters"},
      {"invalid UTF-8", "高\xff数学", 1, 200, "is not valid UTF-8 (at byte 3)"},
      {"newline", "高等数学\n（上）", 1, 200, "contains a control character (at byte 12)"},
      {"tab", "\t高等数学", 1, 200, "contains a control character (at byte 0)"},
      {"NUL", std::string("张\0伟", 5), 1, 64, "contains a control character"},
      {"DEL", "abc\x7f", 1, 64, "contains a control character"},
      {"C1 control", "abc\xc2\x85", 1, 64, "contains a control character"},
      {"leading space", " 张伟", 1, 64, "must not start or end with white space"},
      {"trailing space", "张伟 ", 1, 64, "must not start or end with white space"},
      {"trailing ideographic space", "张伟\u3000", 1, 64,
       "must not start or end with white space"},
      {"leading no-break space", "\u00a0张伟", 1, 64, "must not start or end with white space"},
      {"zero width space", "张\u200b伟", 1, 64,
       "contains an invisible formatting character (at byte 3)"},
      {"right-to-left override", "\u202e学大庆重", 1, 64,
       "contains an invisible formatting character (at byte 0)"},
      {"bidi isolate", "高数\u2066A\u2069", 1, 64, "contains an invisible formatting character"},
      {"byte order mark", "\ufeff高等数学", 1, 200, "contains an invisible formatting character"},
  };
  for (const DisplayCase& c : cases) {
    const std::string why = CheckDisplayText(c.text, c.min, c.max);
    if (c.why.empty()) {
      EXPECT_EQ(why, "") << c.name;
    } else {
      EXPECT_THAT(why, HasSubstr(c.why)) << c.name;
    }
  }
}

struct IdentifierCase {
  std::string name;
  const IdentifierRules* rules;
  std::string text;
  std::string why;  // "" when acceptable, else the exact reason
};

TEST(CheckIdentifierTest, AppliesEachAlphabet) {
  const std::vector<IdentifierCase> cases = {
      {"request id", &kRequestIdRules, "2026S1-MATH101-00042", ""},
      {"request id with colon and dot", &kRequestIdRules, "cqgc:2026.term1:row-7", ""},
      {"request id with underscore", &kRequestIdRules, "cqgc:2026.term1:row_7", ""},
      {"request id with slash", &kRequestIdRules, "cqgc/2026",
       "has a character outside [A-Za-z0-9._:-] at position 4"},
      {"request id 64 chars", &kRequestIdRules, std::string(64, 'a'), ""},
      {"request id 65 chars", &kRequestIdRules, std::string(65, 'a'),
       "must have at most 64 characters, has 65"},
      {"request id empty", &kRequestIdRules, "", "must not be empty"},
      {"request id with space", &kRequestIdRules, "req 1",
       "has a character outside [A-Za-z0-9._:-] at position 3"},
      {"request id with chinese", &kRequestIdRules, "请求1",
       "has a character outside [A-Za-z0-9._:-] at position 0"},
      {"outcome code", &kOutcomeCodeRules, "MATH-101.a_b", ""},
      {"outcome code plain", &kOutcomeCodeRules, "CS101", ""},
      {"outcome code with colon", &kOutcomeCodeRules, "CS:101",
       "has a character outside [A-Za-z0-9._-] at position 2"},
      {"outcome code 33 chars", &kOutcomeCodeRules, std::string(33, 'C'),
       "must have at most 32 characters, has 33"},
      {"institution code", &kInstitutionCodeRules, "4150013588", ""},
      {"institution code with dash", &kInstitutionCodeRules, "CQ-OPEN-UNI", ""},
      {"institution code lower case", &kInstitutionCodeRules, "cq-open",
       "has a character outside [A-Z0-9-] at position 0"},
      {"institution code one char", &kInstitutionCodeRules, "A",
       "must have at least 2 characters"},
      {"institution code empty", &kInstitutionCodeRules, "", "must not be empty"},
      {"institution code with NUL", &kInstitutionCodeRules, std::string("AB\0C", 4),
       "has a character outside [A-Z0-9-] at position 2"},
      {"institution code 32 chars", &kInstitutionCodeRules, std::string(32, '9'), ""},
  };
  for (const IdentifierCase& c : cases) {
    EXPECT_EQ(CheckIdentifier(c.text, *c.rules), c.why) << c.name;
  }
}

}  // namespace
}  // namespace creditbank::domain
